"""Import tests: Qt (the dialog test) runs offscreen and QSettings go to a throw-away folder."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="geo_tool_qsettings_")
