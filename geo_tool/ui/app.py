"""Start the desktop application (`geo-tool gui [DIR] [--screenshot FILE.png]`)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from geo_tool.i18n import tr


def _log_file() -> Path:
    home = Path(os.environ.get("GEO_TOOL_HOME", Path.home() / ".config" / "geo_tool"))
    home.mkdir(parents=True, exist_ok=True)
    return home / "geo_tool.log"


def run_gui(dataset: Path | None = None, screenshot: Path | None = None, tab: str | None = None,
            timeout_s: float = 300.0, role: str | None = None) -> int:
    """Open the main window; with `screenshot`, save the window once the map is drawn and exit.

    The role is the installation's (geo_tool.security); `role` may only lower it for this session
    (a higher one stops with exit 2) and nothing about it is stored.
    """
    log_file = _log_file()
    logging.basicConfig(filename=log_file, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # the screen map fills any canvas shape by widening its data limits; matplotlib notes that each time
    logging.getLogger("matplotlib.axes._base").setLevel(logging.ERROR)
    from PyQt6.QtCore import QCoreApplication, QSettings, QTimer
    from PyQt6.QtWidgets import QApplication

    from geo_tool.errors import GeoToolError
    from geo_tool.security.roles import active_role, set_session_role
    from geo_tool.ui.i18n import set_language
    from geo_tool.ui.main_window import MainWindow
    from geo_tool.ui.settings import use_home_settings

    try:
        set_session_role(role, "--role")
    except GeoToolError as exc:
        print(tr("{prog}: fout: {message}", prog="geo-tool gui", message=exc), file=sys.stderr)
        return exc.exit_code
    QCoreApplication.setOrganizationName("geo_tool")
    QCoreApplication.setApplicationName("geo_tool")
    use_home_settings()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # `--lang`/GEO_TOOL_LANG for this start, else the language chosen in the Taal menu last time
    language = os.environ.get("GEO_TOOL_LANG") or QSettings().value("language", "nl")
    set_language(language if language in ("nl", "en") else "nl")
    window = MainWindow(log_file=log_file, role=active_role())
    geometry = QSettings().value("geometry")
    if geometry is not None and screenshot is None:
        window.restoreGeometry(geometry)
    window.show()
    result = {"code": 0}

    if screenshot is not None:
        screenshot = Path(screenshot)

        def save() -> None:
            from geo_tool.errors import GeoToolError
            from geo_tool.fileio import atomic_path
            from geo_tool.outputs import check_output_file, os_error_message

            app.processEvents()
            try:  # an exception escaping a Qt slot aborts the process (exit 134): report it in one line
                check_output_file(screenshot, "--screenshot")
                with atomic_path(screenshot) as tmp:
                    ok = window.grab().save(str(tmp), "PNG")
                result["code"] = 0 if ok else 1
            except GeoToolError as exc:
                print(tr("{prog}: fout: {message}", prog="geo-tool gui", message=exc), file=sys.stderr)
                result["code"] = exc.exit_code
            except OSError as exc:
                print(tr("{prog}: fout: {message}", prog="geo-tool gui", message=os_error_message(exc)),
                      file=sys.stderr)
                result["code"] = 2
            app.quit()

        def failed(message: str) -> None:
            print(f"geo-tool gui: {message}", file=sys.stderr)
            result["code"] = 1
            app.quit()

        tab = tab or "kaart"
        runs = {"waterbed": lambda: window.waterbed_tab.run(),
                "ranglijst": lambda: window.ranking_tab.run(),
                "weekplanning": lambda: window.planning_tab.run_after_ranking(),
                "model": lambda: window.model_tab.train() if window.model_tab.current is None
                else window.model_tab.finished.emit()}
        finished = {"waterbed": lambda: window.waterbed_tab.finished,
                    "ranglijst": lambda: window.ranking_tab.finished,
                    "weekplanning": lambda: window.planning_tab.finished,
                    "model": lambda: window.model_tab.finished}
        state = {"started": False}

        def map_ready() -> None:
            if state["started"]:
                return
            state["started"] = True
            window.show_tab(tab)
            if tab in runs:
                finished[tab]().connect(lambda: QTimer.singleShot(300, save))
                runs[tab]()
            else:
                QTimer.singleShot(300, save)

        window.map_drawn.connect(map_ready)
        if dataset is None:
            QTimer.singleShot(500, save)
        window.show_error = failed  # no modal dialogs when taking a screenshot

        def too_slow() -> None:
            print(f"geo-tool gui: the map was not drawn within {timeout_s:.0f} s", file=sys.stderr)
            result["code"] = 1
            app.quit()

        QTimer.singleShot(int(timeout_s * 1000), too_slow)
    if dataset is None and screenshot is None:
        last = QSettings().value("last_dataset", "")
        if last and Path(last).is_dir():  # reopen where the user left off
            dataset = Path(last)
    if dataset is not None:
        window.open_dataset(Path(dataset))
    app.exec()
    return result["code"]
