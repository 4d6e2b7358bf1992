"""Qt tests run offscreen; a loaded window on the small demo is shared per module."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
