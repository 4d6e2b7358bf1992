"""Qt tests run offscreen; a loaded window on the small demo is shared per module."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import tempfile  # noqa: E402

# QSettings (window layout, role, last dataset) go to a throw-away folder, never the user's
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="geo_tool_qsettings_")
