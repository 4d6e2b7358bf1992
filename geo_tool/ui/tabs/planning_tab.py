"""Weekplanning tab: plan the week's visits from the ranking, see them per team-day and on day maps,
move a visit by hand (re-checked at once), export visit sheets and GPX, re-plan after outcomes.

The planning is the core's `plan_week` / `write_plan_outputs` (off the UI thread); a hand move is
`geo_tool.planning.edit.move_visit` followed by `check_plan`, whose findings are shown as they are.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from PyQt6.QtCore import Qt, QTime, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from geo_tool.errors import GeoToolError
from geo_tool.ui.i18n import language, tr
from geo_tool.ui.tabs.common import ImageGallery, fill_table

DAYS = [("mon", "ma"), ("tue", "di"), ("wed", "wo"), ("thu", "do"), ("fri", "vr")]
DAY_SHORT = ["ma", "di", "wo", "do", "vr", "za", "zo"]
MODES = [("bike", "fiets"), ("walk", "lopen"), ("car", "auto")]
SELECTED_BY = {"model": "model", "random": "steekproef", "must": "verplicht", "other": "overig",
               "complaint": "melding"}
STATUS = {"planned": "gepland", "done:violation": "gedaan: overtreding", "done:no_violation": "gedaan: geen overtreding",
          "done:no_access": "gedaan: geen toegang"}
ID_RE = re.compile(r"^\d{16}$")


VIOLATION_NL = [
    (r"^(\S+) (\S+): the day runs outside the working hours (.+)$", r"\1 \2: de dag loopt buiten de werktijd \3"),
    (r"^(\S+) (\S+): too little travel time to address (\d+)$", r"\1 \2: te weinig reistijd naar adres \3"),
    (r"^(\S+) (\S+): (.+) starts before the previous stop ends plus travel.*$",
     r"\1 \2: \3 begint voordat het vorige bezoek plus de reistijd voorbij is"),
    (r"^required visit (\d+) \((\w+)\) is missing$", r"verplicht bezoek \1 (\2) ontbreekt"),
    (r"^required visit (\d+) starts outside its window$", r"verplicht bezoek \1 valt buiten het afgesproken tijdvak"),
    (r"^address (\d+) is visited more than once$", r"adres \1 wordt meer dan eens bezocht"),
    (r"^address (\d+) is excluded \((.+)\) but planned$", r"adres \1 is uitgesloten (\2) maar toch gepland"),
    (r"^wijk (\S+): (\d+) visits above the cap of (\d+)$", r"wijk \1: \2 bezoeken, meer dan het plafond van \3"),
    (r"^(\S+) (\S+): (\d+) breaks instead of one$", r"\1 \2: \3 pauzes in plaats van één"),
]


def violation_text(message: str) -> str:
    """A rule the plan breaks, in the interface language (the core's English text when not recognised)."""
    if language() == "en":
        return message
    for pattern, repl in VIOLATION_NL:
        if re.match(pattern, message):
            return re.sub(pattern, repl, message)
    return message


MAX_CANDIDATES = 3000


def planning_slice(ranked: pd.DataFrame, params) -> pd.DataFrame:
    """The part of the ranking handed to the planner: the best addresses, ten times what the week can hold.

    The planner computes a full travel-time matrix over every ranked address before it trims the
    candidate pool, so a city-wide ranking (tens of thousands of rows) would need many gigabytes;
    the week can only hold teams x days x (working minutes / visit minutes) visits. Must-visits and
    already made visits keep their ranking row so their score is known.
    """
    per_day = max(1, (params.day_end_s - params.day_start_s - params.break_s) // params.visit_s)
    capacity = params.teams * len(params.days) * per_day
    k = int(min(MAX_CANDIDATES, max(1000, 10 * capacity)))
    if len(ranked) <= k:
        return ranked
    keep_ids = {m.address_id for m in params.must_visits} | {d.address_id for d in params.done}
    ordered = ranked.sort_values("score", ascending=False, kind="stable")
    top = ordered.head(k)
    extra = ordered[ordered["address_id"].astype(str).isin(keep_ids) & ~ordered.index.isin(top.index)]
    return pd.concat([top, extra])


def num(value: float, digits: int = 1) -> str:
    """A number with a decimal comma in the Dutch interface."""
    text = f"{value:.{digits}f}"
    return text if language() == "en" else text.replace(".", ",")


def day_title(day: dt.date) -> str:
    """``ma 5-1``."""
    return f"{tr(DAY_SHORT[day.weekday()])} {day.day}-{day.month}"


def route_legend_html(plan, day: dt.date) -> str:
    """The day map's legend as text for the window (readable at any size, unlike the scaled-down map picture):
    each team's colour with its visits and hours that day, then the symbols."""
    from geo_tool.planning.outputs import team_colour

    teams = plan.params.team_labels
    v = plan.visits[plan.visits["day"] == day] if len(plan.visits) else plan.visits
    planned = v[v["status"] == "planned"] if len(v) else v
    rows = []
    for td in plan.instance.team_days[plan.instance.team_days["day"] == day].itertuples():
        grp = planned[planned["team"] == td.team].sort_values("order") if len(planned) else planned
        if grp.empty:
            continue
        colour = team_colour(td.team, teams)
        rows.append(f"<span style='color:{colour}; font-size:14pt'>&#9679;</span>&nbsp;"
                    f"<b>{html.escape(str(td.team))}</b>: {len(grp)} {tr('bezoeken')}, "
                    f"{grp['arrival'].iloc[0]}-{grp['departure'].iloc[-1]}")
    symbols = [("&#9733;", "black", tr("start/eindpunt")), ("&#9675;", "#555555", tr("steekproef (willekeurig)")),
               ("&#9632;", "#555555", tr("verplicht bezoek"))]
    if len(v) and (v["status"] != "planned").any():
        symbols.append(("&#10005;", "#444444", tr("al bezocht")))
    marks = " &nbsp; ".join(f"<span style='color:{c}; font-size:12pt'>{s}</span>&nbsp;{t}" for s, c, t in symbols)
    return (f"<b>{tr('Routes')} {day_title(day)}</b> <span style='color:#555'>({tr('nummers = volgorde van het bezoek')})"
            f"</span><br>{'<br>'.join(rows)}<br>{marks}")


def first_monday_from(day: dt.date) -> dt.date:
    """The Monday of the first week that starts on or after `day`."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


class MoveVisitCommand(QUndoCommand):
    """One hand move on the undo stack: the plan before and after, shown again on undo and redo."""

    def __init__(self, tab: "PlanningTab", before, after, problems: list[str], address_id: str, team: str,
                 day: dt.date) -> None:
        super().__init__(tr("bezoek verplaatsen"))
        self.tab, self.before, self.after, self.problems = tab, before, after, problems
        self.address_id, self.team, self.day = address_id, team, day

    def redo(self) -> None:  # also the move itself, when pushed
        """Show the moved plan."""
        self.tab._moved(self.after, self.problems, self.address_id, self.team, self.day)

    def undo(self) -> None:
        """Show the plan as it was before the move (the same plan object: nothing is recomputed)."""
        self.tab._restored(self.before, self.address_id)


class PlanningTab(QWidget):
    """Drives `plan_week` + `write_plan_outputs`; shows, edits (move + check) and exports the plan.

    Signals: `finished` when a plan (or a moved plan) is shown with its day maps and outputs written.
    """

    finished = pyqtSignal()

    def __init__(self, main_window):
        super().__init__()
        self.main = main_window
        self.plan = None
        self.out_dir: Path | None = None
        self.violations: list[str] = []
        self._ranking_override: pd.DataFrame | None = None
        self._week_touched = False
        self._writing = False
        self._labels: dict[str, str] = {}
        self.day_tables: dict[tuple[str, dt.date], QTableWidget] = {}
        self._build_undo()

        # -- the parameters (left) -----------------------------------------------------------
        form_box = QWidget()
        form_lay = QVBoxLayout(form_box)
        form = QFormLayout()
        week_row = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.week = QSpinBox()
        self.week.setRange(1, 53)
        self.week.setPrefix("W")
        week_row.addWidget(self.year)
        week_row.addWidget(self.week)
        week_row.addStretch(1)
        self.week_dates = QLabel("")
        self.week_dates.setStyleSheet("color:#555")
        for w in (self.year, self.week):
            w.valueChanged.connect(self._week_edited)
        form.addRow(tr("Week"), week_row)
        form.addRow("", self.week_dates)
        self.teams = QSpinBox()
        self.teams.setRange(1, 50)
        self.teams.setValue(2)
        form.addRow(tr("Teams"), self.teams)
        days_row = QHBoxLayout()
        self.day_checks: dict[str, QCheckBox] = {}
        for key, label in DAYS:
            box = QCheckBox(tr(label))
            box.setChecked(True)
            self.day_checks[key] = box
            days_row.addWidget(box)
        form.addRow(tr("Dagen"), days_row)
        hours = QHBoxLayout()
        self.day_start = QTimeEdit(QTime(9, 0))
        self.day_end = QTimeEdit(QTime(17, 0))
        for w in (self.day_start, self.day_end):
            w.setDisplayFormat("HH:mm")
        hours.addWidget(self.day_start)
        hours.addWidget(QLabel(tr("tot")))
        hours.addWidget(self.day_end)
        form.addRow(tr("Werktijd"), hours)
        self.break_min = self._spin(0, 120, 30, " min")
        form.addRow(tr("Pauze"), self.break_min)
        self.visit_min = self._spin(5, 240, 30, " min")
        form.addRow(tr("Bezoekduur"), self.visit_min)
        self.mode = QComboBox()
        for key, label in MODES:
            self.mode.addItem(tr(label), key)
        form.addRow(tr("Vervoer"), self.mode)
        self.exploration = self._spin(0, 50, 10, " %")
        self.exploration.setToolTip(tr("Deel van de bezoeken dat willekeurig wordt gekozen (steekproef), "
                                       "zodat het model ook leert van adressen die het laag inschat."))
        form.addRow(tr("Steekproef"), self.exploration)
        self.wijk_cap = self._spin(0, 1000, 0, "")
        self.wijk_cap.setSpecialValueText(tr("geen plafond"))
        self.wijk_cap.setToolTip(tr("Hoogstens dit aantal model- en steekproefbezoeken per wijk per week."))
        form.addRow(tr("Wijkplafond"), self.wijk_cap)
        self.time_limit = self._spin(1, 600, 30, " s")
        self.time_limit.setToolTip(tr("Rekentijd voor de optimalisatie; langer geeft soms een iets betere planning."))
        form.addRow(tr("Rekentijd"), self.time_limit)
        form_lay.addLayout(form)
        form_lay.addWidget(QLabel(tr("Verplichte bezoeken (adres-id's, één per regel):")))
        self.must_edit = QPlainTextEdit()
        self.must_edit.setPlaceholderText(tr("Plak adres-id's of voeg ze toe vanuit de ranglijst."))
        self.must_edit.setMaximumHeight(110)
        form_lay.addWidget(self.must_edit)
        self.plan_button = QPushButton(tr("Plannen"))
        self.plan_button.setDefault(True)
        self.plan_button.clicked.connect(self.run)
        self.replan_button = QPushButton(tr("Uitkomsten importeren en herplannen…"))
        self.replan_button.clicked.connect(self.choose_outcomes)
        self.export_button = QPushButton(tr("Bezoekbladen en GPX exporteren…"))
        self.export_button.clicked.connect(self.choose_export)
        for b in (self.plan_button, self.replan_button, self.export_button):
            form_lay.addWidget(b)
        self.replan_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.source = QLabel(tr("Nog geen ranglijst: maak die eerst op het tabblad Ranglijst."))
        self.source.setWordWrap(True)
        self.source.setStyleSheet("color:#555")
        form_lay.addWidget(self.source)
        form_lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(form_box)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(360)
        scroll.setMaximumWidth(420)

        # -- the results (right) -------------------------------------------------------------
        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(tr("Stel de week in en klik op Plannen."))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rlay.addWidget(self.summary)
        self.violation_label = QLabel("")
        self.violation_label.setWordWrap(True)
        self.violation_label.hide()
        rlay.addWidget(self.violation_label)
        tables_box = QWidget()
        tlay = QVBoxLayout(tables_box)
        tlay.setContentsMargins(0, 0, 0, 0)
        self.team_day_tabs = QTabWidget()
        self.team_day_tabs.setUsesScrollButtons(True)
        tlay.addWidget(self.team_day_tabs, 1)
        move_row = QHBoxLayout()
        move_row.addWidget(QLabel(tr("Geselecteerd bezoek naar")))
        self.move_team = QComboBox()
        self.move_day = QComboBox()
        move_row.addWidget(self.move_team)
        move_row.addWidget(self.move_day)
        self.move_button = QPushButton(tr("Verplaatsen"))
        self.move_button.clicked.connect(self.move_selected)
        move_row.addWidget(self.move_button)
        self.undo_button = QPushButton(tr("Ongedaan maken"))  # short text; the tooltip says what it undoes
        self.redo_button = QPushButton(tr("Opnieuw"))
        for button, action in ((self.undo_button, self.undo_action), (self.redo_button, self.redo_action)):
            button.clicked.connect(action.trigger)
            move_row.addWidget(button)
        self._undo_texts()
        move_row.addStretch(1)
        tlay.addLayout(move_row)
        self.gallery = ImageGallery()
        self.gallery.currentChanged.connect(lambda _i: self._show_route_legend())
        self.route_legend = QLabel("")  # the day map's legend in the window's own font (issue 15)
        self.route_legend.setWordWrap(True)
        self.route_legend.setTextFormat(Qt.TextFormat.RichText)
        self.route_legend.setStyleSheet("background:white; padding:4px")
        preview = QWidget()
        play = QVBoxLayout(preview)
        play.setContentsMargins(0, 0, 0, 0)
        play.addWidget(self.gallery, 1)
        play.addWidget(self.route_legend)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(tables_box)
        split.addWidget(preview)
        split.setSizes([520, 600])
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        rlay.addWidget(split, 1)
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        rlay.addWidget(self.notice)
        self._set_move_enabled(False)

        lay = QHBoxLayout(self)
        lay.addWidget(scroll)
        lay.addWidget(right, 1)
        d = first_monday_from(dt.date.today())
        self._set_week(d)

    def _build_undo(self) -> None:
        """Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) undo and redo hand moves; the action says what it undoes."""
        self.undo_stack = QUndoStack(self)
        self.undo_action = QAction(tr("Ongedaan maken"), self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = QAction(tr("Opnieuw"), self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action, slot in ((self.undo_action, self.undo), (self.redo_action, self.redo)):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # only in this tab
            action.triggered.connect(slot)
            self.addAction(action)
        self.undo_stack.undoTextChanged.connect(self._undo_texts)
        self.undo_stack.redoTextChanged.connect(self._undo_texts)
        self.undo_stack.canUndoChanged.connect(self._undo_texts)
        self.undo_stack.canRedoChanged.connect(self._undo_texts)
        self._undo_texts()

    def _undo_texts(self, *_args) -> None:
        undo, redo = self.undo_stack.undoText(), self.undo_stack.redoText()
        self.undo_action.setText(f"{tr('Ongedaan maken')}: {undo}" if undo else tr("Ongedaan maken"))
        self.redo_action.setText(f"{tr('Opnieuw')}: {redo}" if redo else tr("Opnieuw"))
        self.undo_action.setEnabled(self.undo_stack.canUndo() and not self._writing)
        self.redo_action.setEnabled(self.undo_stack.canRedo() and not self._writing)
        for name, action in (("undo_button", self.undo_action), ("redo_button", self.redo_action)):
            button = getattr(self, name, None)  # not yet there while the tab is being built
            if button is not None:
                button.setEnabled(action.isEnabled())
                button.setToolTip(f"{action.text()} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")

    def undo(self) -> None:
        """Undo the last hand move (Ctrl+Z): the plan as it was before, routes and outputs included."""
        if self.undo_stack.canUndo() and not self._writing:
            self.undo_stack.undo()

    def redo(self) -> None:
        """Redo the move just undone (Ctrl+Shift+Z or Ctrl+Y)."""
        if self.undo_stack.canRedo() and not self._writing:
            self.undo_stack.redo()

    def edit_actions(self) -> list[QAction]:
        """The undo and redo actions, for the window's Bewerken menu."""
        return [self.undo_action, self.redo_action]

    @staticmethod
    def _spin(lo: int, hi: int, value: int, suffix: str) -> QSpinBox:
        s = QSpinBox()
        s.setRange(lo, hi)
        s.setValue(value)
        s.setSuffix(suffix)
        return s

    # -- week ---------------------------------------------------------------------------------
    def _set_week(self, monday: dt.date) -> None:
        year, week, _ = monday.isocalendar()
        for w, v in ((self.year, year), (self.week, week)):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)
        self._update_week_label()

    def _week_edited(self, *_args) -> None:
        self._week_touched = True
        self._update_week_label()

    def _update_week_label(self) -> None:
        try:
            monday = dt.date.fromisocalendar(self.year.value(), self.week.value(), 1)
        except ValueError:
            self.week_dates.setText(tr("bestaat niet"))
            return
        friday = monday + dt.timedelta(days=4)
        self.week_dates.setText(f"{monday:%d-%m} t/m {friday:%d-%m-%Y}")

    def week_text(self) -> str:
        """The chosen ISO week, ``YYYY-Www``."""
        return f"{self.year.value()}-W{self.week.value():02d}"

    def dataset_changed(self, dataset) -> None:
        """Default week: the first week starting on or after the day after the last inspection."""
        from geo_tool.ui.tabs.ranking_tab import default_as_of

        self.plan, self.out_dir, self.violations = None, None, []
        self.undo_stack.clear()
        self._ranking_override = None
        self._week_touched = False
        self._set_week(first_monday_from(default_as_of(dataset)))
        self._clear_results()
        self.summary.setText(tr("Stel de week in en klik op Plannen."))
        self._update_source()

    def ranking_available(self, as_of: dt.date) -> None:
        """Called by the ranking tab when a new ranking is shown: follow its date unless the week was set by hand."""
        if not self._week_touched:
            self._set_week(first_monday_from(as_of))
        self._update_source()

    # -- inputs -------------------------------------------------------------------------------
    def set_ranking(self, frame: pd.DataFrame | None) -> None:
        """Use this ranking instead of the ranking tab's (None: back to the ranking tab)."""
        self._ranking_override = frame
        self._update_source()

    def ranking_frame(self) -> pd.DataFrame | None:
        """The ranking to plan from: the one set here, else the ranking tab's filtered list."""
        if self._ranking_override is not None:
            return self._ranking_override
        tab = self.main.tab_pages.get("ranglijst") if hasattr(self.main, "tab_pages") else None
        if tab is not None and hasattr(tab, "current_ranking"):
            return tab.current_ranking()
        return None

    def _update_source(self) -> None:
        frame = self.ranking_frame()
        if frame is None:
            self.source.setText(tr("Nog geen ranglijst: maak die eerst op het tabblad Ranglijst."))
        else:
            self.source.setText(f"{tr('Ranglijst')}: {len(frame):,} {tr('adressen (na de filters van het tabblad Ranglijst)')}"
                                .replace(",", "."))

    def add_must_visits(self, ids) -> int:
        """Append address ids to the must-visit list (ids already on it are skipped); returns how many were added."""
        current = self._must_tokens()
        new = [str(a).strip() for a in ids if str(a).strip() and str(a).strip() not in current]
        new = list(dict.fromkeys(new))
        if new:
            text = self.must_edit.toPlainText().rstrip()
            self.must_edit.setPlainText((text + "\n" if text else "") + "\n".join(new))
        return len(new)

    def _must_tokens(self) -> list[str]:
        return [t for t in re.split(r"[\s,;]+", self.must_edit.toPlainText()) if t]

    def must_visit_ids(self) -> list[str]:
        """The must-visit address ids; a token that is not a 16-digit id is an error that names it."""
        tokens = list(dict.fromkeys(self._must_tokens()))
        bad = [t for t in tokens if not ID_RE.match(t)]
        if bad:
            raise GeoToolError(tr("Deze verplichte bezoeken zijn geen adres-id van 16 cijfers") + ": "
                               + ", ".join(bad[:5]) + (" …" if len(bad) > 5 else ""))
        return tokens

    def params(self, done: Path | str | None = None):
        """The `PlanParams` of the form (raises a plain-language error for bad values)."""
        from geo_tool.planning import MustVisit, PlanParams

        days = tuple(k for k, box in self.day_checks.items() if box.isChecked())
        if not days:
            raise GeoToolError(tr("Kies ten minste één werkdag."))
        t0, t1 = self.day_start.time(), self.day_end.time()
        return PlanParams(
            week=self.week_text(), teams=self.teams.value(), days=days,
            day_start=f"{t0.hour():02d}:{t0.minute():02d}", day_end=f"{t1.hour():02d}:{t1.minute():02d}",
            break_min=self.break_min.value(), visit_min=self.visit_min.value(), travel_mode=self.mode.currentData(),
            exploration_share=self.exploration.value() / 100.0, wijk_cap=self.wijk_cap.value() or None,
            time_limit_s=float(self.time_limit.value()), seed=1,
            must_visits=tuple(MustVisit(a) for a in self.must_visit_ids()), done=done)

    # -- planning -----------------------------------------------------------------------------
    def run(self) -> None:
        """Plan the week from the current ranking, in the background."""
        self._start(None)

    def run_after_ranking(self) -> None:
        """Plan; when there is no ranking yet, rank first on the ranking tab (used by the screenshot command)."""
        tab = self.main.tab_pages.get("ranglijst") if hasattr(self.main, "tab_pages") else None
        if self.ranking_frame() is None and tab is not None and hasattr(tab, "run"):
            def go() -> None:
                tab.finished.disconnect(go)
                self.run()
            tab.finished.connect(go)
            tab.run()
        else:
            self.run()

    def choose_outcomes(self) -> None:
        """Pick an outcomes file (inspections.csv format) and re-plan the rest of the week."""
        path, _ = QFileDialog.getOpenFileName(self, tr("Uitkomsten importeren en herplannen…"), str(Path.cwd()),
                                              "CSV (*.csv);;" + tr("Alle bestanden") + " (*)")
        if path:
            self.replan_with_outcomes(Path(path))

    def replan_with_outcomes(self, path: Path) -> None:
        """Re-plan with the visits already made (kept fixed) from an inspections.csv-style file."""
        self._start(Path(path))

    def _start(self, done: Path | None) -> None:
        if self.main.dataset is None:
            self.main.show_error(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
            return
        ranked = self.ranking_frame()
        if ranked is None:
            self.main.show_error(tr("Er is nog geen ranglijst. Maak eerst een ranglijst op het tabblad Ranglijst "
                                    "(knop Rangschikken)."))
            return
        if len(ranked) == 0:
            self.main.show_error(tr("De ranglijst is leeg na de filters op het tabblad Ranglijst. Verruim de filters."))
            return
        try:
            params = self.params(done)
        except GeoToolError as exc:
            self.main.show_error(f"{tr('De planning kan niet met deze instellingen')}: {exc}")
            return
        from geo_tool.planning import plan_week, write_plan_outputs

        dataset = self.main.dataset
        self._labels = {}
        ranked = planning_slice(ranked, params)

        def work(progress):
            plan = plan_week(dataset, ranked, params, progress=progress)
            progress.check_cancelled()
            out = Path(tempfile.mkdtemp(prefix="weekplan_"))
            write_plan_outputs(plan, dataset, out, progress=progress)
            return plan, out

        self._busy(True)
        label = tr("Herplannen met uitkomsten…") if done else tr("Weekplanning maken…")
        worker = self.main.run_in_background(label, work, self._planned, self._failed)
        worker.cancelled.connect(lambda: self._busy(False))

    def _busy(self, busy: bool) -> None:
        for b in (self.plan_button, self.replan_button):
            b.setEnabled(not busy)
        self.replan_button.setEnabled(not busy and self.plan is not None)
        self.export_button.setEnabled(not busy and self.out_dir is not None)
        self._set_move_enabled(not busy and self.plan is not None)
        self._writing = busy
        self._undo_texts()

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.main.show_error(message)

    def _planned(self, result) -> None:
        plan, out = result
        self.undo_stack.clear()  # a new plan: the moves of the old one cannot be undone into it
        self._show_plan(plan)
        self._set_outputs(out)
        self.notice.setText(tr("Planning klaar. Verplaats een bezoek met de keuzelijsten onder de tabel of met de "
                               "rechtermuisknop; exporteer daarna de bezoekbladen en GPX."))
        self.finished.emit()

    def _set_outputs(self, out: Path) -> None:
        old, self.out_dir = self.out_dir, out
        if old is not None and old != out:
            shutil.rmtree(old, ignore_errors=True)
        self._busy(False)
        days = sorted({d for d in self.plan.visits["day"]}) if len(self.plan.visits) else []
        self._gallery_days = [d for d in days if (out / f"map_{d.isoformat()}.png").exists()]
        self.gallery.show_images([(day_title(d), out / f"map_{d.isoformat()}.png") for d in days])
        self._show_route_legend()

    def _show_route_legend(self) -> None:
        """The legend of the day map shown in the gallery, as text under it."""
        days = getattr(self, "_gallery_days", [])
        i = self.gallery.currentIndex()
        if self.plan is None or not 0 <= i < len(days):
            self.route_legend.setText("")
            self.route_legend.hide()
            return
        self.route_legend.setText(route_legend_html(self.plan, days[i]))
        self.route_legend.show()

    # -- showing ------------------------------------------------------------------------------
    def _clear_results(self) -> None:
        self.team_day_tabs.clear()
        self.day_tables = {}
        self.gallery.clear()
        self._gallery_days = []
        self.route_legend.hide()
        self.violation_label.hide()
        self.notice.setText("")
        self.move_team.clear()
        self.move_day.clear()
        self._set_move_enabled(False)
        self.export_button.setEnabled(False)
        self.replan_button.setEnabled(False)

    def _set_move_enabled(self, enabled: bool) -> None:
        for w in (self.move_team, self.move_day, self.move_button):
            w.setEnabled(enabled)

    def _address_labels(self, ids) -> dict[str, str]:
        missing = [a for a in ids if a not in self._labels]
        if missing and self.main.dataset is not None:
            from geo_tool.ui.tabs.ranking_tab import address_labels

            labels = address_labels(self.main.dataset, pd.Series(missing))
            self._labels.update(dict(zip(missing, labels)))
        return self._labels

    def _show_plan(self, plan, violations: list[str] | None = None) -> None:
        from geo_tool.planning import check_plan

        self.plan = plan
        self.violations = list(violations) if violations is not None else check_plan(plan)
        current = self.team_day_tabs.currentIndex()
        self.team_day_tabs.clear()
        self.day_tables = {}
        v = plan.visits
        labels = self._address_labels(list(v["address_id"].astype(str))) if len(v) else {}
        names = {}
        if self.main.dataset is not None:
            w = self.main.dataset.wijken
            names = dict(zip(w["code"].astype(str), w["name"].astype(str)))
        keys = [(r.team, r.day) for r in plan.instance.team_days.itertuples()]
        if len(v):
            keys += [k for k in v[["team", "day"]].drop_duplicates().itertuples(index=False, name=None) if k not in keys]
        keys.sort(key=lambda k: (k[1], str(k[0])))
        for team, day in keys:
            rows = v[(v["team"] == team) & (v["day"] == day)].sort_values("order") if len(v) else v
            frame = pd.DataFrame({
                "order": rows["order"].astype(int).to_numpy() if len(rows) else [],
                "arrival": rows["arrival"].astype(str).to_numpy() if len(rows) else [],
                "departure": rows["departure"].astype(str).to_numpy() if len(rows) else [],
                "address": [labels.get(str(a), "") for a in rows["address_id"]] if len(rows) else [],
                "wijk": [names.get(str(c), "" if pd.isna(c) else str(c)) for c in rows["wijk_code"]] if len(rows) else [],
                "score": rows["score"].astype(float).round(3).to_numpy() if len(rows) else [],
                "selected_by": [tr(SELECTED_BY.get(str(s), str(s))) for s in rows["selected_by"]] if len(rows) else [],
                "status": [tr(STATUS.get(str(s), str(s))) for s in rows["status"]] if len(rows) else [],
                "reason_1": rows["reason_1"].astype("string").fillna("").to_numpy() if len(rows) else [],
                "address_id": rows["address_id"].astype(str).to_numpy() if len(rows) else [],
            })
            table = QTableWidget()
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().hide()
            table.setWordWrap(False)
            fill_table(table, frame, {"order": "#", "arrival": tr("aankomst"), "departure": tr("vertrek"),
                                      "address": tr("adres"), "wijk": tr("wijk"), "score": tr("score"),
                                      "selected_by": tr("gekozen door"), "status": tr("status"),
                                      "reason_1": tr("reden"), "address_id": tr("adres-id")}, float_digits=3)
            table.setSortingEnabled(False)
            if table.columnCount() > 8 and table.columnWidth(8) > 300:
                table.setColumnWidth(8, 300)
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.customContextMenuRequested.connect(lambda pos, t=table: self._context_menu(t, pos))
            self.day_tables[(team, day)] = table
            n = len(rows)
            title = f"{team or tr('zonder team')} {day_title(day)} ({n})"
            self.team_day_tabs.addTab(table, title)
        if 0 <= current < self.team_day_tabs.count():
            self.team_day_tabs.setCurrentIndex(current)
        self.move_team.clear()
        self.move_day.clear()
        for team in plan.params.team_labels:
            self.move_team.addItem(team, team)
        for day in sorted(set(plan.instance.team_days["day"])):
            self.move_day.addItem(day_title(day), day.isoformat())
        self._set_move_enabled(True)
        self.replan_button.setEnabled(True)
        self._show_summary()
        self._show_violations()

    def _show_summary(self) -> None:
        plan = self.plan
        s = plan.stats()
        must = s["required_visits"] - s["random_visits"]
        text = (f"<b>{tr('Week')} {plan.params.week}</b>: {s['visits']:.0f} {tr('bezoeken gepland')} "
                f"({must:.0f} {tr('verplicht')}, {s['random_visits']:.0f} {tr('steekproef')}); "
                f"{tr('verwachte vondsten')} {num(s['expected_finds'])}; {tr('reistijd gemiddeld')} "
                f"{s['travel_min_per_team_day']:.0f} {tr('min per team-dag')}.")
        if plan.baseline is not None:
            b = plan.baseline.stats()
            text += (f"<br>{tr('Ter vergelijking, de gewone werkwijze (steeds het dichtstbijzijnde hoge adres)')}: "
                     f"{b['visits']:.0f} {tr('bezoeken')}, {num(b['expected_finds'])} {tr('verwachte vondsten')}.")
        done = plan.visits[plan.visits["status"] != "planned"] if len(plan.visits) else plan.visits
        if len(done):
            text += f"<br>{len(done)} {tr('bezoeken zijn al gedaan en blijven staan; de rest van de week is opnieuw gepland.')}"
        self.summary.setText(text)
        self.summary.setToolTip("\n".join(plan.notes))

    def _show_violations(self) -> None:
        if self.violations:
            items = "".join(f"<li>{html.escape(violation_text(v))}</li>" for v in self.violations[:12])
            more = f"<li>… {len(self.violations) - 12} {tr('meer')}</li>" if len(self.violations) > 12 else ""
            self.violation_label.setText(
                f"<b>{tr('Let op: deze planning houdt zich niet aan')} {len(self.violations)} "
                f"{tr('regel(s). Verplaats het bezoek terug of kies een andere dag of ander team.')}</b>"
                f"<ul style='margin:0'>{items}{more}</ul>")
            self.violation_label.setStyleSheet("background:#fde2e1; color:#8a1c13; padding:6px; border-radius:3px")
        else:
            self.violation_label.setText(tr("De planning voldoet aan alle regels (werktijden, pauze, reistijd, "
                                            "verplichte bezoeken, wijkplafond)."))
            self.violation_label.setStyleSheet("background:#e3f4e1; color:#1d5c1a; padding:6px; border-radius:3px")
        self.violation_label.show()

    # -- moving -------------------------------------------------------------------------------
    def selected_visit(self) -> str | None:
        """The address id of the selected row in the visible team-day table."""
        table = self.team_day_tabs.currentWidget()
        if not isinstance(table, QTableWidget):
            return None
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        return table.item(rows[0].row(), table.columnCount() - 1).text()

    def move_selected(self) -> None:
        """Move the selected visit to the team and day in the combo boxes."""
        address_id = self.selected_visit()
        if address_id is None:
            self.main.show_error(tr("Kies eerst een bezoek in een van de tabellen."))
            return
        day = dt.date.fromisoformat(self.move_day.currentData())
        self.move(address_id, self.move_team.currentData(), day)

    def _context_menu(self, table: QTableWidget, pos) -> None:
        item = table.itemAt(pos)
        if item is None or self.plan is None:
            return
        table.selectRow(item.row())
        address_id = table.item(item.row(), table.columnCount() - 1).text()
        menu = QMenu(table)
        sub = menu.addMenu(tr("Verplaatsen naar"))
        for r in self.plan.instance.team_days.itertuples():
            act = sub.addAction(f"{r.team} {day_title(r.day)}")
            act.triggered.connect(lambda _=False, t=r.team, d=r.day: self.move(address_id, t, d))
        menu.addSeparator()
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)
        menu.exec(table.viewport().mapToGlobal(pos))

    def move(self, address_id: str, team: str, day: dt.date) -> list[str] | None:
        """Move a visit by hand, re-time the routes, check the plan and show what it breaks; redraw the maps.

        Returns the broken rules (empty list = valid), or None when the move itself is not possible.
        """
        from geo_tool.planning import check_plan
        from geo_tool.planning.edit import move_visit

        if self.plan is None:
            return None
        try:
            new = move_visit(self.plan, address_id, team, day)
        except GeoToolError as exc:
            self.main.show_error(f"{tr('Verplaatsen lukt niet')}: {exc}")
            return None
        problems = check_plan(new)
        self.undo_stack.push(MoveVisitCommand(self, (self.plan, list(self.violations)), new, problems, address_id, team,
                                              day))
        return problems

    def _moved(self, plan, problems: list[str], address_id: str, team: str, day: dt.date) -> None:
        """Show a moved plan (a move or its redo): select the moved visit, say so, rewrite the outputs."""
        self._show_plan(plan, problems)
        key = (team, day)
        if key in self.day_tables:
            table = self.day_tables[key]
            self.team_day_tabs.setCurrentWidget(table)
            for r in range(table.rowCount()):
                if table.item(r, table.columnCount() - 1).text() == address_id:
                    table.selectRow(r)
        label = self._labels.get(address_id) or address_id
        self.notice.setText(f"{label} {tr('verplaatst naar')} {team} {day_title(day)}. "
                            + (tr("De planning is opnieuw gecontroleerd.") if not problems else ""))
        self._refresh_outputs()

    def _restored(self, before, address_id: str) -> None:
        """Show the plan from before a move (undo; `before` = (plan, its broken rules)), the visit selected where it was."""
        plan, problems = before
        self._show_plan(plan, problems)
        row = plan.visits[plan.visits["address_id"].astype(str) == address_id]
        if len(row) and (row["team"].iloc[0], row["day"].iloc[0]) in self.day_tables:
            table = self.day_tables[(row["team"].iloc[0], row["day"].iloc[0])]
            self.team_day_tabs.setCurrentWidget(table)
            for r in range(table.rowCount()):
                if table.item(r, table.columnCount() - 1).text() == address_id:
                    table.selectRow(r)
        label = self._labels.get(address_id) or address_id
        self.notice.setText(f"{tr('Ongedaan gemaakt')}: {label} {tr('staat weer op de oude plek')}.")
        self._refresh_outputs()

    def _refresh_outputs(self) -> None:
        """Rewrite maps, sheets and GPX of the edited plan in the background."""
        from geo_tool.planning import write_plan_outputs

        plan, dataset = self.plan, self.main.dataset
        out = Path(tempfile.mkdtemp(prefix="weekplan_"))

        def work(progress):
            write_plan_outputs(plan, dataset, out, progress=progress)
            return out

        def ok(path: Path) -> None:
            if plan is self.plan:
                self._set_outputs(path)
                self.finished.emit()
            else:
                shutil.rmtree(path, ignore_errors=True)

        self.export_button.setEnabled(False)
        self.main.run_in_background(tr("Kaarten en bezoekbladen bijwerken…"), work, ok, self._failed)

    # -- export -------------------------------------------------------------------------------
    def choose_export(self) -> None:
        """Pick a folder and copy the plan's files into it."""
        if self.out_dir is None:
            return
        folder = QFileDialog.getExistingDirectory(self, tr("Bezoekbladen en GPX exporteren…"))
        if folder:
            self.export_outputs(Path(folder))

    def export_outputs(self, folder: Path) -> list[Path]:
        """Copy every output file (plan.csv, maps, sheets, GPX, week map, report) into `folder`, atomically."""
        from geo_tool.fileio import write_bytes_atomic

        if self.out_dir is None:
            raise GeoToolError(tr("Er is nog geen planning om te exporteren."))
        folder = Path(folder)
        written = []
        for path in sorted(self.out_dir.rglob("*")):
            if path.is_file():
                target = folder / path.relative_to(self.out_dir)
                write_bytes_atomic(target, path.read_bytes())
                written.append(target)
        from geo_tool.security.audit import audit_command

        audit_command("gui: weekplanning exporteren", dataset=self.main.dataset, outputs=written)
        sheets = len([p for p in written if p.name.startswith("sheets_")])
        gpx = len([p for p in written if p.suffix == ".gpx"])
        msg = (f"{sheets} {tr('bezoekbladen en')} {gpx} {tr('GPX-routes geschreven naar')} {folder}. "
               + tr("Alleen voor intern gebruik: de bestanden bevatten adressen."))
        self.notice.setText(msg)
        self.main.statusBar().showMessage(msg, 10000)
        return written
