"""The main window: map with layer panel and time window, details on click, File menu, progress bar."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from PyQt6.QtCore import QDate, QSettings, Qt, QTimer, QUrl, pyqtSignal
from PyQt6.QtGui import QAction, QDesktopServices, QKeySequence
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSlider,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from geo_tool.ui.i18n import set_language, tr
from geo_tool.ui.layer_panel import LayerPanel
from geo_tool.ui.map_view import MapView
from geo_tool.ui.route_layer import RouteLayerControl, draw_routes
from geo_tool.ui.workers import Worker

log = logging.getLogger("geo_tool.ui")

ROLES = {
    "planner": ("Handhavingsplanner", ("kaart", "ranglijst", "weekplanning", "waterbed", "model")),
    "director": ("Procesdirecteur", ("kaart", "waterbed", "model")),
    "researcher": ("Onderzoeker", ("kaart", "model")),
}


IDENTIFY_RADIUS_M = 12.0
BUILDING_IDENTIFY_RADIUS_M = 40.0  # a building is drawn at the centroid of its addresses
MAX_BUILDING_ADDRESSES = 12
ZOOM_HALF_WIDTH_M = 350.0
MAX_TIMELINE_ROWS = 25
MAX_REJECTS_SHOWN = 500
MAP_DPI = 100.0  # matplotlib's figure dpi: the map is composed at the panel's size in inches at this dpi


class MainWindow(QMainWindow):
    """geo_tool's desktop window. All analysis runs in the core, off the UI thread."""

    map_drawn = pyqtSignal()
    dataset_loaded = pyqtSignal()

    def __init__(self, log_file: Path | None = None, role: str | None = None):
        from geo_tool.security.roles import active_role
        from geo_tool.ui.settings import use_home_settings

        use_home_settings()
        super().__init__()
        role = role or active_role()
        if role not in ROLES:
            raise ValueError(f"role '{role}' is not one of {', '.join(ROLES)}")
        self.role = "researcher"  # until set_role below has checked the wish against the installation
        self._closing = False
        self.dataset = None
        self.table = None
        self.log_file = log_file
        self._workers: list[Worker] = []
        self._pending_redraw = False
        self._drawing = False
        self.setWindowTitle("geo_tool")
        self.resize(1400, 900)

        self.tabs = QTabWidget()
        self.map_view = MapView(on_click=self.identify, runner=self.run_in_background)
        self.tabs.addTab(self.map_view, tr("Kaart"))
        self._build_tabs()
        self.setCentralWidget(self.tabs)

        self.layer_panel = LayerPanel()
        self.layer_panel.changed.connect(self.schedule_redraw)
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Zoek adres (3082 AB 12) of wijk"))
        self.search.returnPressed.connect(lambda: self.search_for(self.search.text()))
        left_lay.addWidget(self.search)
        left_lay.addWidget(self.layer_panel, 1)
        form = QFormLayout()
        self.level = QComboBox()
        for key in ("wijk", "gebied"):
            self.level.addItem(tr(key), key)
        self.level.currentIndexChanged.connect(self.schedule_redraw)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("d-M-yyyy")
            w.dateChanged.connect(self.schedule_redraw)
        period = QHBoxLayout()
        period.addWidget(self.date_from)
        period.addWidget(QLabel(tr("tot")))
        period.addWidget(self.date_to)
        self.basemap = QCheckBox(tr("Achtergrondkaart (PDOK, alleen online)"))
        self.basemap.setChecked(QSettings().value("basemap", "false") == "true")
        self.basemap.toggled.connect(lambda on: (QSettings().setValue("basemap", "true" if on else "false"),
                                                 self.schedule_redraw()))
        left_lay.addWidget(self.basemap)
        self.street_context = QCheckBox(tr("Straten en water (stratennet, offline)"))
        self.street_context.setToolTip(tr("Hoofdstraten en water uit het stratennet (© OpenStreetMap-bijdragers)"))
        self.street_context.setChecked(QSettings().value("street_context", "true") == "true")
        self.street_context.toggled.connect(lambda on: (QSettings().setValue("street_context", "true" if on else "false"),
                                                        self.schedule_redraw()))
        left_lay.addWidget(self.street_context)
        self.route_layer = RouteLayerControl()  # the planned routes of one day (Weekplanning) along the streets
        self.route_layer.changed.connect(self.schedule_redraw)
        left_lay.addWidget(self.route_layer)
        self.period_slider = QSlider(Qt.Orientation.Horizontal)
        self.period_slider.setToolTip(tr("Schuif de periode door de tijd (de lengte blijft gelijk)"))
        self.period_slider.setEnabled(False)
        self.period_slider.valueChanged.connect(self._slide_period)
        form.addRow(tr("Niveau"), self.level)
        form.addRow(tr("Periode van"), period)
        form.addRow(tr("Verschuiven"), self.period_slider)
        left_lay.addLayout(form)
        left.setMaximumWidth(340)
        dock = QDockWidget(tr("Lagen"), self)
        self.layers_dock = dock
        dock.setObjectName("layers")
        dock.setWidget(left)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

        self.details = QTextBrowser()
        self.details.setHtml(f"<p>{tr('Klik op een wijk om de cijfers te zien.')}</p>")
        self.details.setMinimumWidth(240)
        ddock = QDockWidget(tr("Gegevens"), self)
        self.details_dock = ddock
        ddock.setObjectName("details")
        ddock.setWidget(self.details)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, ddock)
        self.resizeDocks([dock, ddock], [320, 260], Qt.Orientation.Horizontal)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.cancel_button = QPushButton(tr("Annuleren"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_work)
        self.status_label = QLabel(tr("Klaar"))
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(150)
        self._redraw_timer.timeout.connect(self.redraw)
        self._build_menus()
        self._set_dates_enabled(False)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.set_role(role)

    def set_role(self, role: str) -> bool:
        """Show only what a role needs; a researcher can only make disclosure-safe exports.

        The role can only be the installation's or a lower one (geo_tool.security); a higher wish is
        refused with a message and the role stays. The core checks the same role for every job.
        Nothing is stored: the next start has the installation's role. Returns True when switched.
        """
        from geo_tool.errors import GeoToolError
        from geo_tool.security.roles import active_role, set_session_role

        switched = True
        try:
            set_session_role(role, tr("Rol"))
        except GeoToolError as exc:
            self.statusBar().showMessage(tr("Deze rol is op deze installatie niet toegestaan") + f": {exc}", 10000)
            switched = False
        self.role = active_role()
        allowed = ROLES[self.role][1]
        for key, page in self.tab_pages.items():
            index = self.tab_index(key)
            if index >= 0:
                self.tabs.setTabVisible(index, key in allowed)
                self.tabs.setTabEnabled(index, key in allowed)
        current = next((k for k in self.tab_pages if self.tab_index(k) == self.tabs.currentIndex()), "kaart")
        if current not in allowed:
            self.tabs.setCurrentIndex(self.tab_index("kaart"))
        for key, act in getattr(self, "_go_actions", {}).items():
            act.setEnabled(key in allowed)
        self.setWindowTitle(self.windowTitle().split(" [")[0] + f" [{ROLES[self.role][0]}]")
        self._sync_levels()
        return switched

    def _sync_levels(self) -> None:
        """The building level is address-like detail: offered to planners only (the core checks it too)."""
        at = self.level.findData("building")
        if self.role == "planner" and at < 0:
            self.level.addItem(tr("gebouw"), "building")
        elif self.role != "planner" and at >= 0:
            if self.level.currentIndex() == at:
                self.level.setCurrentIndex(self.level.findData("wijk"))
            self.level.removeItem(at)

    def allows(self, key: str) -> bool:
        """True when the current role may see the tab `key`."""
        return key in ROLES[self.role][1]

    def _tab_changed(self, index: int) -> None:
        """The layer and details panels belong to the map: show them only there. A tab above the role is never shown."""
        key = next((k for k in self.tab_pages if self.tab_index(k) == index), None)
        if key is not None and not self.allows(key):
            self.tabs.setCurrentIndex(self.tab_index("kaart"))
            return
        on_map = self.tabs.currentWidget() is self.map_view
        self.layers_dock.setVisible(on_map)
        self.details_dock.setVisible(on_map)

    def _build_tabs(self) -> None:
        """The work tabs beside the map; each gets `dataset_changed(dataset)` when a dataset opens."""
        from geo_tool.ui.tabs.model_tab import ModelTab
        from geo_tool.ui.tabs.planning_tab import PlanningTab
        from geo_tool.ui.tabs.ranking_tab import RankingTab
        from geo_tool.ui.tabs.waterbed_tab import WaterbedTab

        self.tab_pages: dict[str, QWidget] = {"kaart": self.map_view}
        self._tab_holders: dict[str, QWidget] = {"kaart": self.map_view}
        self.ranking_tab = RankingTab(self)
        self.planning_tab = PlanningTab(self)
        self.planning_tab.finished.connect(self._plan_changed)
        self.waterbed_tab = WaterbedTab(self)
        self.model_tab = ModelTab(self)
        self.model_tab.model_changed.connect(self._model_in_use)
        for key, title, page in (("ranglijst", "Ranglijst", self.ranking_tab),
                                 ("weekplanning", "Weekplanning", self.planning_tab),
                                 ("waterbed", "Waterbed", self.waterbed_tab),
                                 ("model", "Model", self.model_tab)):
            self.tab_pages[key] = page
            holder = QScrollArea()  # a tab's controls may need more width than a laptop screen has
            holder.setWidget(page)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QScrollArea.Shape.NoFrame)
            self._tab_holders[key] = holder
            self.tabs.addTab(holder, tr(title))
        self._model_in_use(self.model_tab.current)

    def _model_in_use(self, folder) -> None:
        """The ranking uses the model chosen in the Model tab (none: trained on the fly)."""
        field = getattr(self.ranking_tab, "model_dir", None)
        if field is not None:
            field.setText(str(folder) if folder else "")

    def show_tab(self, key: str) -> None:
        """Bring a tab to the front by its key (kaart, ranglijst, weekplanning, waterbed, model), if the role allows it."""
        if key in self.tab_pages and self.allows(key):
            self.tabs.setCurrentIndex(self.tab_index(key))

    def tab_index(self, key: str) -> int:
        """The position of a tab in the tab bar by its key (-1 when absent)."""
        holder = getattr(self, "_tab_holders", {}).get(key, self.tab_pages.get(key))
        index = self.tabs.indexOf(holder) if holder is not None else -1
        return index if index >= 0 else self.tabs.indexOf(self.tab_pages.get(key))

    # -- menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("Bestand"))
        self._action(file_menu, tr("Dataset openen…"), self.choose_dataset, QKeySequence.StandardKey.Open)
        self._action(file_menu, tr("Kaart exporteren…"), self.choose_export, QKeySequence("Ctrl+E"))
        self._action(file_menu, tr("Importeren…"), self.open_import_dialog)
        file_menu.addSeparator()
        self._action(file_menu, tr("Afsluiten"), self.close, QKeySequence.StandardKey.Quit)
        edit_menu = bar.addMenu(tr("Bewerken"))  # undo/redo of hand moves in the week plan (issue 15)
        edit_menu.addActions(self.planning_tab.edit_actions())
        view = bar.addMenu(tr("Beeld"))
        lang = view.addMenu(tr("Taal"))
        self._action(lang, "Nederlands", lambda: self.switch_language("nl"))
        self._action(lang, "English", lambda: self.switch_language("en"))
        from geo_tool.security.roles import allowed_roles

        role_menu = view.addMenu(tr("Rol"))
        for key, (label, _tabs) in ROLES.items():  # only the installation's role and lower ones
            if key in allowed_roles():
                self._action(role_menu, label, lambda _=False, k=key: self.set_role(k))
        go = bar.addMenu(tr("Ga naar"))
        self._go_actions = {}
        for n, (key, title) in enumerate((("kaart", "Kaart"), ("ranglijst", "Ranglijst"), ("weekplanning", "Weekplanning"),
                                          ("waterbed", "Waterbed"), ("model", "Model")), start=1):
            act = self._action(go, tr(title), lambda _=False, k=key: self.show_tab(k), QKeySequence(f"Ctrl+{n}"))
            act.setEnabled(self.allows(key))
            self._go_actions[key] = act
        help_menu = bar.addMenu(tr("Help"))
        self._action(help_menu, tr("Handleiding"), self.open_manual, QKeySequence.StandardKey.HelpContents)  # F1
        self._action(help_menu, tr("Logbestand openen"), self.open_log)
        self._action(help_menu, tr("Over geo_tool"), self.about)

    def _action(self, menu, text: str, slot: Callable, shortcut=None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(shortcut)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def switch_language(self, language: str) -> None:
        """Switch the interface language; stored for the next start."""
        set_language(language)
        QSettings().setValue("language", language)
        self.menuBar().clear()
        self._build_menus()
        for key, title in (("kaart", "Kaart"), ("ranglijst", "Ranglijst"), ("weekplanning", "Weekplanning"),
                           ("waterbed", "Waterbed"), ("model", "Model")):
            if self.tab_index(key) >= 0:
                self.tabs.setTabText(self.tab_index(key), tr(title))
        self.status_label.setText(tr("Klaar"))
        # like QGIS: menus and tab titles switch now, the panels and tabs themselves at the next start
        self.statusBar().showMessage(tr("Taal gewijzigd: alle panelen volgen bij de volgende start."), 10000)

    # -- long work ---------------------------------------------------------------------------
    def run_in_background(self, label: str, fn: Callable[[Any], Any], on_success: Callable[[Any], None],
                          on_failure: Callable[[str], None] | None = None) -> Worker:
        """Run `fn(progress)` off the UI thread with a progress bar and a cancel button."""
        worker = Worker(fn)
        self._workers.append(worker)
        self.status_label.setText(label)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()

        def progressed(fraction: float, text: str) -> None:
            if self._closing:
                return
            if fraction < 0:
                self.progress.setRange(0, 0)
            else:
                self.progress.setRange(0, 100)
                self.progress.setValue(int(fraction * 100))
            if text:
                self.status_label.setText(text)

        def done() -> None:
            if worker in self._workers:
                self._workers.remove(worker)
            if self._closing:
                return
            if not self._workers:
                self.progress.hide()
                self.cancel_button.hide()
                self.status_label.setText(tr("Klaar"))

        worker.progress.changed.connect(progressed)
        worker.succeeded.connect(lambda result: (done(), None if self._closing else on_success(result)))
        worker.failed.connect(lambda msg: (done(), None if self._closing else (on_failure or self.show_error)(msg)))
        worker.cancelled.connect(done)
        worker.start()
        return worker

    def cancel_work(self) -> None:
        """Ask every running task to stop."""
        for w in list(self._workers):
            w.cancel()

    def show_error(self, message: str) -> None:
        """Errors in plain language; details are in the log file (Help menu)."""
        log.warning(message)
        self._drawing = False
        QMessageBox.warning(self, tr("Fout"), message)

    # -- dataset -----------------------------------------------------------------------------
    def choose_dataset(self) -> None:
        """File > Open dataset."""
        start = QSettings().value("last_dataset", "") or str(Path.cwd())
        path = QFileDialog.getExistingDirectory(self, tr("Dataset openen…"), str(start))
        if path:
            self.open_dataset(Path(path))

    def open_import_dialog(self):
        """File > Importeren: an export through an import profile into a dataset folder (issue 14)."""
        from geo_tool.ui.import_dialog import ImportDialog

        root = getattr(self.dataset, "root", None) if self.dataset is not None else None
        dialog = ImportDialog(self, runner=self.run_in_background, dataset_dir=root)
        dialog.show()
        return dialog

    def open_dataset(self, path: Path) -> None:
        """Load (validate, pseudonymise, cache) a dataset folder in the background, as the CLI does."""
        from geo_tool.dataset import is_cached, load_dataset
        from geo_tool.ui.workers import import_in_child_process

        path = Path(path)

        def work(progress):
            if not is_cached(path):
                import_in_child_process(path, progress)
            return load_dataset(path, progress=progress)

        self.run_in_background(tr("Dataset laden…"), work, lambda ds: self._dataset_ready(ds, path))

    def _dataset_ready(self, dataset, path: Path) -> None:
        from geo_tool.errors import GeoToolError
        from geo_tool.layers import TimeWindow
        from geo_tool.security.audit import audit_command

        try:  # each window session that opens a dataset is in the audit log, or the dataset is not shown
            audit_command("gui: dataset geopend", dataset=dataset)
        except GeoToolError as exc:
            self.show_error(str(exc))
            return
        self.dataset = dataset
        QSettings().setValue("last_dataset", str(path))
        self.setWindowTitle(f"geo_tool - {path.name}" + (" (schematisch)" if dataset.schematic else ""))
        window = TimeWindow.default_for(dataset)
        for w, d in ((self.date_from, window.start), (self.date_to, window.end)):
            w.blockSignals(True)
            w.setDate(QDate(d.year, d.month, d.day))
            w.blockSignals(False)
        self._set_dates_enabled(True)
        self._setup_period_slider(dataset)
        n_rejects = len(dataset.report.rejects)
        if n_rejects:
            self.statusBar().showMessage(
                f"{n_rejects} {tr('rijen afgekeurd of aangepast; zie')} rejects.csv (geo-tool validate)", 10000)
            self.show_rejects(dataset.report.rejects)
        for page in self.tab_pages.values():
            if hasattr(page, "dataset_changed"):
                page.dataset_changed(dataset)
        self.dataset_loaded.emit()
        self.redraw()

    def show_rejects(self, rejects: pd.DataFrame) -> None:
        """The rejects of the import (the same as the CLI's rejects.csv) in a window beside the map."""
        from PyQt6.QtWidgets import QDialog, QTableWidget

        from geo_tool.ui.tabs.common import fill_table

        dialog = QDialog(self)
        dialog.setWindowTitle(tr("Afkeuringen bij het inlezen"))
        lay = QVBoxLayout(dialog)
        shown = rejects.head(MAX_REJECTS_SHOWN)
        lay.addWidget(QLabel(f"{len(rejects)} regels; de rijen zijn genummerd vanaf de eerste rij na de kop."
                             + (f" De eerste {MAX_REJECTS_SHOWN} staan hieronder." if len(rejects) > len(shown) else "")))
        table = QTableWidget()
        fill_table(table, shown.astype(str), {"file": "bestand", "row": "rij", "column": "kolom", "value": "waarde",
                                              "reason": "reden", "action": "actie"})
        lay.addWidget(table)
        dialog.resize(900, 400)
        dialog.show()
        self.rejects_dialog = dialog

    def _setup_period_slider(self, dataset) -> None:
        """One slider step per month from the first to the last month with events; at the window's end."""
        from geo_tool.layers import TimeWindow

        first = pd.Timestamp(dataset.complaints["received_on"].min()) if len(dataset.complaints) else pd.NaT
        if pd.isna(first):
            first = pd.Timestamp(dataset.brp["registered_from"].max()) - pd.DateOffset(years=5)
        self._slider_first = pd.Timestamp(first.year, first.month, 1)
        end = TimeWindow.default_for(dataset).end
        months = (end.year - self._slider_first.year) * 12 + end.month - self._slider_first.month
        self.period_slider.blockSignals(True)
        self.period_slider.setRange(0, max(months, 0))
        self.period_slider.setValue(max(months, 0))
        self.period_slider.blockSignals(False)
        self.period_slider.setEnabled(True)

    def _slide_period(self, value: int) -> None:
        """Move the time window so that it ends in the chosen month, keeping its length."""
        window = self.window_selected()
        length = window.end - window.start
        end = (self._slider_first + pd.DateOffset(months=value + 1)) - pd.Timedelta(days=1)
        start = end - length
        for w, d in ((self.date_from, start), (self.date_to, end)):
            w.blockSignals(True)
            w.setDate(QDate(d.year, d.month, d.day))
            w.blockSignals(False)
        self.schedule_redraw()

    def _set_dates_enabled(self, enabled: bool) -> None:
        for w in (self.date_from, self.date_to, self.level):
            w.setEnabled(enabled)

    def window_selected(self):
        """The time window the user chose."""
        from geo_tool.layers import TimeWindow

        f, t = self.date_from.date(), self.date_to.date()
        start = pd.Timestamp(f.year(), f.month(), f.day())
        end = pd.Timestamp(t.year(), t.month(), t.day())
        if end < start:
            start, end = end, start
        return TimeWindow(start, end)

    # -- drawing -----------------------------------------------------------------------------
    def schedule_redraw(self, *_args) -> None:
        """Redraw shortly after the last change (so dragging a date does not queue many draws)."""
        if self.dataset is not None:
            self._redraw_timer.start()

    def redraw(self) -> None:
        """Compose the map in the background and show it."""
        if self.dataset is None:
            return
        if self._drawing:
            self._pending_redraw = True
            return
        from geo_tool.jobs import map_figure_for_window

        self._drawing = True
        dataset, layers = self.dataset, self.layer_panel.specs()
        level, window, basemap = self.level.currentData(), self.window_selected(), self.basemap.isChecked()
        context = self.street_context.isChecked()
        size = self.map_view.render_size()
        self.route_layer.sync(getattr(getattr(self, "planning_tab", None), "plan", None))
        routes = self.route_layer.selection()

        def work(progress):
            from geo_tool.ui.map_view import render_figure

            progress.step(tr("Kaart tekenen…"))
            fig, table = map_figure_for_window(dataset, layers, level, window, basemap=basemap, street_context=context,
                                               size_in=(size[0] / MAP_DPI, size[1] / MAP_DPI))
            if routes is not None:
                draw_routes(fig, *routes)
            buildings = None
            if level == "building":  # what a click on a building shows, whatever layers are drawn
                from geo_tool.layers.buildings import building_figures

                buildings = building_figures(dataset, window)
            return fig, table, render_figure(fig, *size), buildings

        self.run_in_background(tr("Kaart tekenen…"), work, self._figure_ready)

    def _plan_changed(self) -> None:
        """A new or changed plan: offer its days in the route layer and redraw when the routes are shown."""
        if self.route_layer.sync(self.planning_tab.plan) and self.route_layer.selection() is not None:
            self.schedule_redraw()

    def _figure_ready(self, result) -> None:
        fig, table, image = result[:3]
        self.table = table
        self.buildings = result[3] if len(result) > 3 else None
        self.map_view.set_areas(table)  # hover tooltips (issue 15)
        self.map_view.show_rendered(fig, image)
        self._drawing = False
        if self._pending_redraw:
            self._pending_redraw = False
            self.redraw()
        else:
            self.map_drawn.emit()

    # -- identify ----------------------------------------------------------------------------
    def identify(self, x: float, y: float) -> None:
        """Show the history of the address under the click (not for researchers), else the wijk's figures."""
        if self.table is None:
            return
        from shapely.geometry import Point

        buildings = getattr(self, "buildings", None)
        if self.role == "planner" and buildings is not None and self.level.currentData() == "building":
            near = buildings.sindex.nearest(Point(x, y), max_distance=BUILDING_IDENTIFY_RADIUS_M, return_all=False)
            if near.shape[1]:
                self.show_building_figures(buildings.iloc[int(near[1][0])])
                return
        if self.role == "planner" and self.dataset is not None:  # address-level data: planners only
            near = self.dataset.addresses.sindex.nearest(Point(x, y), max_distance=IDENTIFY_RADIUS_M,
                                                         return_all=False)
            if near.shape[1]:
                self.show_address_history(self.dataset.addresses.iloc[int(near[1][0])]["address_id"])
                return
        hits = self.table[self.table.geometry.contains(Point(x, y))]
        if not hits.empty:
            self.show_area_figures(hits.iloc[0])

    def show_area_figures(self, row: pd.Series) -> None:
        """A wijk's (or gebied's) figures of the drawn layers in the details panel."""
        from geo_tool.export.maps import format_value

        measures = self.table.attrs.get("measures", {})
        rows = []
        for key, m in measures.items():
            value = row.get(key)
            # Dutch notation as in the legend: 12.330 inwoners, 8,4 % (never 12,330 or 8.40)
            text = "-" if value is None or pd.isna(value) else format_value(float(value), m)
            rows.append(f"<tr><td>{m.label}</td><td align='right'><b>{text}</b></td><td>{m.unit}</td></tr>")
        self.details.setHtml(
            f"<h3>{row.get('name', '')}</h3><p>{row.get('code', '')}</p><table cellspacing=4>{''.join(rows)}</table>")

    def show_building_figures(self, row: pd.Series) -> None:
        """A building's figures (addresses, residents, complaints, findings, visits) and its addresses."""
        from geo_tool.layers.base import Level, dataset_index
        from geo_tool.layers.buildings import BUILDING_MEASURES

        idx = dataset_index(self.dataset)
        at = int(idx.area_codes[Level.BUILDING].get_loc(row["code"]))
        ads = self.dataset.addresses.iloc[np.flatnonzero(idx.addr_area[Level.BUILDING] == at)]

        def label(a) -> str:
            parts = [a.get(k) for k in ("street", "house_number", "house_letter", "house_number_addition", "postcode")]
            return " ".join(str(v) for v in parts if v is not None and not pd.isna(v) and str(v)) or str(a["address_id"])

        labels = [label(a) for _, a in ads.head(MAX_BUILDING_ADDRESSES).iterrows()]
        more = len(ads) - len(labels)
        figures = "".join(f"<tr><td>{tr(text)}</td><td align='right'><b>{int(row[key]):,}</b></td></tr>"
                          .replace(",", ".") for key, text in BUILDING_MEASURES.items() if key in row)
        pand = str(row.get("building_id") or "")
        title = f"{tr('Gebouw')} {pand}" if pand else f"{tr('Gebouw')}: {labels[0] if labels else row['code']}"
        window = self.window_selected()
        self.details.setHtml(
            f"<h3>{title}</h3><p>{tr('wijk')} {row.get('wijk_code', '')}; {tr('periode')} {window.label()}</p>"
            f"<table cellspacing=4>{figures}</table><p>{'<br>'.join(labels)}"
            + (f"<br>… {tr('en')} {more} {tr('adressen meer')}" if more > 0 else "") + "</p>")

    def show_address_history(self, address_id: str) -> None:
        """The address with its register, permit, complaint and inspection history as a short timeline."""
        from geo_tool.dataset.history import address_timeline, registered_persons

        ads = self.dataset.addresses
        rec = ads[ads["address_id"] == str(address_id)]
        if rec.empty:
            return
        a = rec.iloc[0]
        as_of = self.window_selected().end
        def text(key: str) -> str:
            value = a.get(key)
            return "" if value is None or pd.isna(value) else str(value)

        title = f"{text('street')} {text('house_number')}{text('house_letter')} {text('postcode')}".strip()
        line = address_timeline(self.dataset, address_id, as_of).head(MAX_TIMELINE_ROWS)
        rows = "".join(f"<tr><td>{d:%d-%m-%Y}</td><td>{t}</td></tr>" for d, t in zip(line["date"], line["text"]))
        area = a.get("floor_area_m2")
        area_text = "" if area is None or pd.isna(area) else f", {area:.0f} m²"
        self.details.setHtml(
            f"<h3>{title}</h3><p>adres {address_id} ({a.get('wijk_code', '')}){area_text}<br>"
            f"{registered_persons(self.dataset, address_id, as_of)} personen ingeschreven op "
            f"{as_of:%d-%m-%Y}</p><table cellspacing=3>{rows}</table>")

    def search_for(self, text: str) -> bool:
        """The search box: go to the first address or wijk that matches; say so when nothing does."""
        from geo_tool.dataset.search import search_place

        if self.dataset is None:
            return False
        hits = search_place(self.dataset, text)
        if not hits:
            self.statusBar().showMessage(f"{tr('Niets gevonden voor')} '{text}'", 8000)
            return False
        hit = hits[0]
        if hit.kind == "address":
            self.show_address(hit.key)
        else:
            geom = self.dataset.wijken.loc[self.dataset.wijken["code"] == hit.key].geometry.iloc[0]
            c = geom.centroid
            x0, y0, x1, y1 = geom.bounds
            self.show_tab("kaart")
            self.map_view.mark(c.x, c.y, max(x1 - x0, y1 - y0) * 0.7)
            row = self.table[self.table["code"] == hit.key] if self.table is not None else None
            if row is not None and len(row):
                self.show_area_figures(row.iloc[0])
        self.statusBar().showMessage(f"{hit.label}" + (f" ({len(hits)} treffers)" if len(hits) > 1 else ""), 8000)
        return True

    def show_address(self, address_id: str) -> None:
        """Bring the map to the front, zoom to the address, mark it and show its history."""
        ads = self.dataset.addresses if self.dataset is not None else None
        if ads is None:
            return
        rec = ads[ads["address_id"] == str(address_id)]
        if rec.empty:
            return
        self.show_tab("kaart")
        pt = rec.geometry.iloc[0]
        self.map_view.mark(pt.x, pt.y, ZOOM_HALF_WIDTH_M)
        self.show_address_history(address_id)

    # -- export ------------------------------------------------------------------------------
    def choose_export(self) -> None:
        """File > Export: the export dialog (layers, level, period, formats, disclosure level shown plainly)."""
        from geo_tool.ui.export_dialog import ExportDialog

        if self.dataset is None:
            self.show_error(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
            return
        visible = [f"{k}:{m}" for k, m, _s, _o in self.layer_panel.specs()]
        dialog = ExportDialog(self, visible, self.level.currentData(), self.window_selected().label(),
                              allow_internal=self.role == "planner")
        if dialog.exec():
            specs, level, files, internal = dialog.choices()
            self.export_files(specs, level, files, internal)

    def export_files(self, specs: list[str], level: str, files: list[Path], internal: bool = False,
                     on_done: Callable[[list[Path]], None] | None = None) -> None:
        """Write each file with `export_map` in the background; every export goes to the audit log."""
        from geo_tool.ui.export_dialog import write_export

        if self.role != "planner":  # internal exports are a planner's (the core checks it too)
            internal = False
        dataset, window = self.dataset, self.window_selected()

        def work(progress):
            written = []
            for path in files:
                progress.check_cancelled()
                layers = ["complaints:density"] if path.suffix.lower() in (".tif", ".tiff") else specs
                written.append(write_export(dataset, layers, path, level, window, internal, progress))
            return written

        def ok(written):
            self.statusBar().showMessage(f"{tr('Export geschreven')}: {', '.join(p.name for p in written)}", 10000)
            if on_done:
                on_done(written)

        self.run_in_background(tr("Kaart exporteren…"), work, ok)

    def export_to(self, path: Path, on_done: Callable[[Path], None] | None = None) -> None:
        """Export the visible layers to one file (disclosure-controlled), e.g. from a shortcut or a test."""
        specs = [f"{k}:{m}" for k, m, _s, _o in self.layer_panel.specs()]
        self.export_files(specs, self.level.currentData(), [Path(path)], False,
                          on_done=(lambda written: on_done(written[0])) if on_done else None)

    # -- help --------------------------------------------------------------------------------
    def open_log(self) -> None:
        """Help > Open log file."""
        if self.log_file and Path(self.log_file).exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_file)))
        else:
            QMessageBox.information(self, "geo_tool", f"Logbestand: {self.log_file}")

    def open_manual(self):
        """Help > Handleiding (F1): the short manual shipped with the package, readable offline."""
        from geo_tool.ui.help import HelpWindow
        from geo_tool.ui.i18n import language

        dialog = getattr(self, "help_window", None)
        if dialog is None or dialog.language != language():  # after Beeld > Taal: the manual in the new language
            dialog = self.help_window = HelpWindow(self)
        dialog.show()
        dialog.raise_()
        return dialog

    def about(self) -> None:
        """Help > About."""
        from geo_tool import __version__

        QMessageBox.about(self, "geo_tool", f"geo_tool {__version__}\nCBS Wijk- en Buurtkaart 2024, CC BY 4.0")

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not getattr(self, "_docks_sized", False):
            self._docks_sized = True
            # the details panel narrower on a laptop screen: the map gets the width
            details = 240 if self.width() < 1600 else 300
            self.resizeDocks([self.layers_dock, self.details_dock], [320, details], Qt.Orientation.Horizontal)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._closing = True
        self._redraw_timer.stop()
        QSettings().setValue("geometry", self.saveGeometry())
        QSettings().setValue("state", self.saveState())
        self.cancel_work()
        for w in list(self._workers):
            w.thread.quit()
            w.thread.wait(2000)
        super().closeEvent(event)
