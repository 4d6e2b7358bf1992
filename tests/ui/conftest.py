"""Qt tests run offscreen; a loaded window on the small demo is shared per module."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import tempfile  # noqa: E402

import pytest  # noqa: E402

# QSettings (window layout, role, last dataset) go to a throw-away folder, never the user's
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="geo_tool_qsettings_")


@pytest.fixture
def window(qtbot, small_demo):
    """A main window with the small demo loaded and the first map drawn (the installation role: planner)."""
    from geo_tool.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    # generous: a limit only for a window that never draws (a loaded shared machine took over 60 s)
    with qtbot.waitSignal(win.map_drawn, timeout=300000):
        win.open_dataset(small_demo)
    yield win
    win.close()
