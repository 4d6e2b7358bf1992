"""Ranglijst tab: rank the addresses as of a date, filter the list, see an address's history, hand it on.

The ranking itself is the core's `rank_addresses` (off the UI thread). The tab only looks up, per
ranked address, what the filters and the side panel need from the dataset tables (label, permit
status on the date, last inspection) and shows it.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd
from PyQt6.QtCore import QDate, QLocale, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from geo_tool.layers.permits import STATUS_LABELS as PERMIT_STATUS_NL
from geo_tool.ui.i18n import format_number, language, tr
from geo_tool.ui.tabs.common import fill_table

RANKING_COLUMNS = ["rank", "address_id", "score", "wijk_code", "reason_1", "reason_2", "reason_3"]
PERMIT_LABELS = {**PERMIT_STATUS_NL,  # the one table of Dutch permit statuses (also on the visit sheets)
                 "unknown": "niet bekend (geen verhuur geregistreerd)"}
OUTCOME_LABELS = {"violation": "overtreding", "no_violation": "geen overtreding", "no_access": "geen toegang"}


# ----------------------------------------------------------------------------------- lookups (no Qt)
def default_as_of(dataset) -> dt.date:
    """The day after the last inspection in the data (today when there are none)."""
    insp = getattr(dataset, "inspections", None)
    if insp is not None and len(insp):
        last = pd.to_datetime(insp["visited_on"], errors="coerce").max()
        if pd.notna(last):
            return (last + pd.Timedelta(days=1)).date()
    return dt.date.today()


def address_labels(dataset, ids: pd.Series) -> pd.Series:
    """``Straat 12a-3`` per address id (empty when unknown)."""
    a = dataset.addresses
    parts = a["street"].astype("string").fillna("") + " " + a["house_number"].astype("string").fillna("")
    for col, sep in (("house_letter", ""), ("house_number_addition", "-")):
        if col in a.columns:
            val = a[col].astype("string")
            parts = parts + val.map(lambda v: "" if pd.isna(v) or v == "" else f"{sep}{v}", na_action=None)
    lookup = pd.Series(parts.str.strip().to_numpy(), index=a["address_id"].astype(str).to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    return ids.astype(str).map(lookup).fillna("")


def annotate_ranking(dataset, frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The ranking plus what the filters show: address label, wijk name, permit status, last inspection."""
    from geo_tool.layers.permits import permit_status_per_address

    out = frame.copy().reset_index(drop=True)
    out["address_id"] = out["address_id"].astype(str)
    out["address"] = address_labels(dataset, out["address_id"]).to_numpy()
    names = dataset.wijken.set_index(dataset.wijken["code"].astype(str))["name"].astype(str)
    out["wijk_name"] = out["wijk_code"].astype("string").map(names).fillna(out["wijk_code"].astype("string")).fillna("")
    stamp = pd.Timestamp(as_of)
    status = permit_status_per_address(dataset, stamp)["status"].to_numpy(dtype=object)
    per_addr = pd.Series(status, index=dataset.addresses["address_id"].astype(str).to_numpy())
    per_addr = per_addr[~per_addr.index.duplicated()]
    out["permit"] = out["address_id"].map(per_addr).fillna("unknown").replace({None: "unknown"})
    insp = dataset.inspections
    if len(insp):
        when = pd.to_datetime(insp["visited_on"], errors="coerce")
        keep = when < stamp
        last = pd.Series(when[keep].to_numpy(), index=insp.loc[keep, "address_id"].astype(str).to_numpy())
        last = last.groupby(level=0).max()
        out["last_visit"] = pd.to_datetime(out["address_id"].map(last))
    else:
        out["last_visit"] = pd.NaT
    days = (stamp - out["last_visit"]).dt.days
    out["days_since_visit"] = days.astype("Int64")
    return out


def reasons_text(frame: pd.DataFrame) -> pd.Series:
    """The ranking's reasons 1-3 of each row in one text ("a; b; c"), empty reasons left out."""
    parts = [frame[c].astype("string").fillna("").str.strip() for c in ("reason_1", "reason_2", "reason_3")
             if c in frame.columns]
    if not parts:
        return pd.Series("", index=frame.index, dtype="string")
    joined = parts[0]
    for p in parts[1:]:
        joined = joined.str.cat(p, sep="; ")
    return joined.str.replace(r"(; )+", "; ", regex=True).str.strip("; ")


def filter_ranking(frame: pd.DataFrame, wijk: str | None = None, permit: str | None = None,
                   min_score: float = 0.0, not_visited_days: int = 0) -> pd.DataFrame:
    """The annotated ranking rows that pass the filters (in ranking order)."""
    keep = frame["score"].astype(float) >= float(min_score)
    if wijk:
        keep &= frame["wijk_code"].astype("string").fillna("") == wijk
    if permit:
        keep &= frame["permit"] == permit
    if not_visited_days:
        keep &= frame["days_since_visit"].isna() | (frame["days_since_visit"] >= int(not_visited_days))
    return frame[keep.fillna(False).to_numpy(dtype=bool)]


def address_history(dataset, address_id: str, as_of: dt.date) -> dict:
    """Short history of one address on `as_of`: people registered, complaints in the last year, inspections."""
    stamp = pd.Timestamp(as_of)
    year_ago = stamp - pd.Timedelta(days=365)
    out: dict = {"address_id": address_id}
    a = dataset.addresses
    row = a[a["address_id"].astype(str) == address_id]
    out["label"] = address_labels(dataset, pd.Series([address_id])).iloc[0]
    out["postcode"] = "" if row.empty or "postcode" not in a.columns or pd.isna(row["postcode"].iloc[0]) else str(row["postcode"].iloc[0])
    wijk = "" if row.empty or pd.isna(row["wijk_code"].iloc[0]) else str(row["wijk_code"].iloc[0])
    names = dict(zip(dataset.wijken["code"].astype(str), dataset.wijken["name"].astype(str)))
    out["wijk"] = f"{names.get(wijk, wijk)} ({wijk})" if wijk else ""
    for col, key in (("floor_area_m2", "floor_area"), ("building_year", "building_year")):
        out[key] = None if row.empty or col not in a.columns or pd.isna(row[col].iloc[0]) else row[col].iloc[0]
    b = dataset.brp
    b = b[b["address_id"].astype(str) == address_id]
    frm = pd.to_datetime(b["registered_from"], errors="coerce")
    until = pd.to_datetime(b["registered_until"], errors="coerce")
    try:
        from geo_tool.dataset.history import registered_persons

        out["registered_now"] = int(registered_persons(dataset, address_id, stamp))
    except ImportError:
        out["registered_now"] = int(((frm <= stamp) & (until.isna() | (until > stamp))).sum())
    out["moved_in_year"] = int(((frm > year_ago) & (frm <= stamp)).sum())
    out["moved_out_year"] = int(((until > year_ago) & (until <= stamp)).sum())
    c = dataset.complaints
    c = c[c["address_id"].astype("string").fillna("") == address_id]
    when = pd.to_datetime(c["received_on"], errors="coerce")
    c_year = c[(when >= year_ago) & (when < stamp)]
    out["complaints_year"] = int(len(c_year))
    out["complaint_categories"] = c_year["category"].astype(str).value_counts().to_dict()
    i = dataset.inspections
    i = i[i["address_id"].astype(str) == address_id].copy()
    i["_when"] = pd.to_datetime(i["visited_on"], errors="coerce")
    i = i[i["_when"] < stamp].sort_values("_when")
    out["inspections"] = int(len(i))
    if len(i):
        last = i.iloc[-1]
        out["last_inspection"] = last["_when"].date()
        out["last_outcome"] = str(last["outcome"])
        viol = last.get("violations")
        out["last_violations"] = "" if viol is None or pd.isna(viol) else str(viol).replace(";", ", ")
    else:
        out["last_inspection"] = None
    return out


# ----------------------------------------------------------------------------------------- the tab
class RankingTab(QWidget):
    """Drives `rank_addresses` and shows the ranked addresses with filters and a history panel.

    Signals: `finished` when a ranking is shown (after the Rangschikken button or `show_ranking`).
    """

    finished = pyqtSignal()

    TABLE_HEADERS = {"rank": "rang", "address": "adres", "wijk_name": "wijk", "score": "score",
                     "reasons": "redenen", "permit_label": "vergunning", "last_visit_text": "laatste bezoek",
                     "address_id": "adres-id"}
    REASONS_WIDTH = 340  # px; the reasons column is capped here, the row's tooltip and the side panel show all

    def __init__(self, main_window):
        super().__init__()
        self.main = main_window
        self.frame: pd.DataFrame | None = None      # the annotated ranking (all addresses ranked)
        self.filtered: pd.DataFrame | None = None   # the rows passing the filters
        self.as_of: dt.date | None = None           # the date of the shown ranking
        self._worker = None
        lay = QVBoxLayout(self)

        top = QGridLayout()
        self.as_of_edit = QDateEdit(QDate.currentDate())
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("d-M-yyyy")
        self.as_of_edit.setMaximumWidth(160)
        self.model_dir = QLineEdit()
        self.model_dir.setReadOnly(True)
        self.model_dir.setPlaceholderText(tr("geen: het model wordt getraind op de gegevens vóór de peildatum"))
        choose = QPushButton(tr("Modelmap kiezen…"))
        choose.clicked.connect(self.choose_model_dir)
        clear = QPushButton(tr("Wissen"))
        clear.clicked.connect(lambda: self.model_dir.clear())
        self.rank_button = QPushButton(tr("Rangschikken"))
        self.rank_button.setDefault(True)
        self.rank_button.clicked.connect(self.run)
        row0, row1 = QHBoxLayout(), QHBoxLayout()
        row0.addWidget(self.as_of_edit)
        row0.addWidget(self.rank_button)
        row0.addStretch(1)
        row1.addWidget(self.model_dir, 1)
        row1.addWidget(choose)
        row1.addWidget(clear)
        self.allow_other_dataset = QCheckBox(tr("Model van een andere dataset toestaan"))
        self.allow_other_dataset.setToolTip(tr("Anders wordt een model dat op andere gegevens is getraind geweigerd; "
                                               "het auditlog legt het gebruik vast"))
        row1.addWidget(self.allow_other_dataset)
        top.addWidget(QLabel(tr("Peildatum")), 0, 0)
        top.addLayout(row0, 0, 1)
        top.addWidget(QLabel(tr("Model")), 1, 0)
        top.addLayout(row1, 1, 1)
        top.setColumnStretch(1, 1)
        lay.addLayout(top)

        filters = QHBoxLayout()
        self.wijk = QComboBox()
        self.wijk.addItem(tr("alle wijken"), "")
        self.permit = QComboBox()
        self.permit.addItem(tr("alle"), "")
        for key, label in PERMIT_LABELS.items():
            self.permit.addItem(tr(label), key)
        self.min_score = QDoubleSpinBox()
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setDecimals(2)
        self.min_score.setLocale(QLocale(QLocale.Language.Dutch if language() == "nl" else QLocale.Language.English))
        self.not_visited = QSpinBox()
        self.not_visited.setRange(0, 3650)
        self.not_visited.setSingleStep(30)
        self.not_visited.setSpecialValueText(tr("geen filter"))
        self.not_visited.setSuffix(" " + tr("dagen"))
        self.show_top = QSpinBox()
        self.show_top.setRange(10, 100000)
        self.show_top.setSingleStep(100)
        self.show_top.setValue(500)
        for label, w in ((tr("Wijk"), self.wijk), (tr("Vergunning"), self.permit), (tr("Min. score"), self.min_score),
                         (tr("Niet bezocht in"), self.not_visited), (tr("Toon hoogstens"), self.show_top)):
            filters.addWidget(QLabel(label))
            filters.addWidget(w)
        filters.addStretch(1)
        lay.addLayout(filters)
        for w in (self.wijk, self.permit):
            w.currentIndexChanged.connect(self.apply_filters)
        for w in (self.min_score, self.not_visited, self.show_top):
            w.valueChanged.connect(self.apply_filters)

        self.summary = QLabel(tr("Kies een peildatum en klik op Rangschikken."))
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda *_: self.show_selected_on_map())
        self.table.setToolTip(tr("Klik op een adres voor de geschiedenis; dubbelklik om het op de kaart te tonen."))
        self.history = QTextBrowser()
        self.history.setHtml(f"<p style='color:#555'>{tr('Kies een adres in de lijst om de geschiedenis te zien.')}</p>")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.history)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([950, 360])
        lay.addWidget(split, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("Toevoegen aan weekplanning"))
        self.add_button.clicked.connect(self.add_selected_to_plan)
        self.export_button = QPushButton(tr("Exporteren (CSV)…"))
        self.export_button.clicked.connect(self.choose_export)
        self.map_button = QPushButton(tr("Op kaart tonen"))
        self.map_button.clicked.connect(self.show_selected_on_map)
        for b in (self.map_button, self.add_button, self.export_button):
            b.setEnabled(False)
            buttons.addWidget(b)
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        buttons.addWidget(self.notice, 1)
        lay.addLayout(buttons)

    # -- dataset ------------------------------------------------------------------------------
    def dataset_changed(self, dataset) -> None:
        """Fill the wijk filter and set the date to the day after the last inspection; forget an old ranking."""
        self.frame = self.filtered = None
        self.table.clear()
        self.table.setRowCount(0)
        for b in (self.map_button, self.add_button, self.export_button):
            b.setEnabled(False)
        self.wijk.blockSignals(True)
        self.wijk.clear()
        self.wijk.addItem(tr("alle wijken"), "")
        for code, name in sorted(zip(dataset.wijken["code"].astype(str), dataset.wijken["name"].astype(str)),
                                 key=lambda t: t[1]):
            self.wijk.addItem(f"{name} ({code})", code)
        self.wijk.blockSignals(False)
        d = default_as_of(dataset)
        self.as_of_edit.setDate(QDate(d.year, d.month, d.day))
        self.summary.setText(tr("Kies een peildatum en klik op Rangschikken."))

    def as_of_date(self) -> dt.date:
        """The chosen ranking date."""
        d = self.as_of_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def choose_model_dir(self) -> None:
        """Pick a saved model folder (from `geo-tool train`); empty = train on the fly."""
        folder = QFileDialog.getExistingDirectory(self, tr("Modelmap kiezen…"))
        if folder:
            self.model_dir.setText(folder)

    # -- ranking ------------------------------------------------------------------------------
    def run(self) -> None:
        """Rank every address as of the date, in the background (trains first when no model folder is set)."""
        if self.main.dataset is None:
            self.main.show_error(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
            return
        dataset, as_of = self.main.dataset, self.as_of_date()
        model_dir = self.model_dir.text().strip() or None
        if model_dir and not Path(model_dir).is_dir():
            self.main.show_error(tr("De gekozen modelmap bestaat niet") + f": {model_dir}")
            return

        allow_other = self.allow_other_dataset.isChecked()

        def work(progress):
            try:
                from geo_tool.model.api import rank_addresses
            except ImportError as exc:
                raise RuntimeError(f"het rangschikmodel is nog niet beschikbaar ({exc})") from exc
            frame = rank_addresses(dataset, as_of, model_dir=model_dir, progress=progress,
                                   allow_other_dataset=allow_other)
            if frame.attrs.get("other_dataset"):
                from geo_tool.security.audit import audit_command

                audit_command("gui: rangschikken met model van andere dataset", dataset=dataset,
                              model=str(Path(model_dir).resolve()), allow_other_dataset=True)
            progress.step(tr("Adresgegevens opzoeken…"))
            return frame, annotate_ranking(dataset, frame, as_of)

        def failed(message: str) -> None:
            self.rank_button.setEnabled(True)
            self.main.show_error(message)

        self.rank_button.setEnabled(False)
        label = tr("Rangschikken…") if model_dir else tr("Model trainen en rangschikken…")
        self._worker = self.main.run_in_background(label, work, lambda r: self._ranked(r[1], as_of), failed)
        self._worker.cancelled.connect(lambda: self.rank_button.setEnabled(True))

    def show_ranking(self, frame: pd.DataFrame, as_of: dt.date | None = None) -> None:
        """Show a ranking frame (columns rank,address_id,score,wijk_code,reason_1..3) made elsewhere."""
        if self.main.dataset is None:
            self.main.show_error(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
            return
        as_of = as_of or self.as_of_date()
        self._ranked(annotate_ranking(self.main.dataset, frame, as_of), as_of)

    def _ranked(self, annotated: pd.DataFrame, as_of: dt.date) -> None:
        self.rank_button.setEnabled(True)
        self.frame, self.as_of = annotated, as_of
        for b in (self.map_button, self.add_button, self.export_button):
            b.setEnabled(True)
        self.apply_filters()
        planning = self.main.tab_pages.get("weekplanning") if hasattr(self.main, "tab_pages") else None
        if planning is not None and hasattr(planning, "ranking_available"):
            planning.ranking_available(as_of)
        self.finished.emit()

    def current_ranking(self) -> pd.DataFrame | None:
        """The ranking rows passing the filters, in the ranking file's columns (None before a ranking)."""
        if self.filtered is None:
            return None
        return self.filtered[RANKING_COLUMNS].reset_index(drop=True)

    # -- filters and table --------------------------------------------------------------------
    def apply_filters(self, *_args) -> None:
        """Filter the ranking and show the best rows that pass."""
        if self.frame is None:
            return
        self.filtered = filter_ranking(self.frame, self.wijk.currentData() or None, self.permit.currentData() or None,
                                       self.min_score.value(), self.not_visited.value())
        shown = self.filtered.head(self.show_top.value()).copy()
        shown["score"] = shown["score"].astype(float).round(3)
        shown["permit_label"] = shown["permit"].map(lambda k: tr(PERMIT_LABELS.get(k, k)))
        shown["last_visit_text"] = shown["last_visit"].map(lambda d: "" if pd.isna(d) else f"{d:%d-%m-%Y}")
        shown["reasons"] = reasons_text(shown)
        cols = list(self.TABLE_HEADERS)  # all three reasons in one column, next to the score: never off-screen
        self.table.blockSignals(True)
        fill_table(self.table, shown[cols], {k: tr(v) for k, v in self.TABLE_HEADERS.items()}, float_digits=3)
        at = cols.index("reasons")
        if self.table.columnWidth(at) > self.REASONS_WIDTH:
            self.table.setColumnWidth(at, self.REASONS_WIDTH)
        for r, text in enumerate(shown["reasons"]):
            item = self.table.item(r, at)
            if item is not None and text:
                item.setToolTip(text.replace("; ", "\n"))
        self.table.blockSignals(False)
        n, total = len(self.filtered), len(self.frame)
        text = (f"{tr('Peildatum')} {self.as_of:%d-%m-%Y}: {n:,} {tr('van de')} {total:,} "
                f"{tr('adressen voldoen aan de filters')}").replace(",", ".")
        if n > len(shown):
            text += f" ({tr('de beste')} {len(shown)} {tr('getoond')})"
        self.summary.setText(text + ". " + tr("De score is de geschatte kans op een overtreding bij een bezoek."))

    def shown_ids(self) -> list[str]:
        """The address ids in the table, top to bottom."""
        col = self._id_column()
        return [self.table.item(r, col).text() for r in range(self.table.rowCount())]

    def _id_column(self) -> int:
        for c in range(self.table.columnCount()):
            if self.table.horizontalHeaderItem(c).text() == tr("adres-id"):
                return c
        return self.table.columnCount() - 1

    def selected_ids(self) -> list[str]:
        """The address ids of the selected rows, top to bottom."""
        col = self._id_column()
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, col).text() for r in rows]

    def select_address(self, address_id: str) -> bool:
        """Select the row of an address (True when it is shown)."""
        for r, a in enumerate(self.shown_ids()):
            if a == address_id:
                self.table.selectRow(r)
                return True
        return False

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.show_history(ids[0])

    def show_selected_on_map(self) -> None:
        """Show the (first) selected address on the map tab (double-click or the Op kaart tonen button).

        Not on every selection: the window's `show_address` brings the map to the front, which would
        make it impossible to select several rows for the week planning.
        """
        ids = self.selected_ids()
        if not ids:
            self.main.show_error(tr("Kies eerst een of meer adressen in de lijst."))
            return
        if hasattr(self.main, "show_address"):
            self.main.show_address(ids[0])

    # -- side panel ---------------------------------------------------------------------------
    def show_history(self, address_id: str) -> None:
        """Fill the side panel with the address's short history on the ranking date."""
        ds = self.main.dataset
        if ds is None:
            return
        as_of = self.as_of or self.as_of_date()
        h = address_history(ds, address_id, as_of)
        e = html.escape
        rows = []
        if self.frame is not None:
            hit = self.frame[self.frame["address_id"] == address_id]
            if len(hit):
                r = hit.iloc[0]
                reasons = [str(r[c]) for c in ("reason_1", "reason_2", "reason_3") if pd.notna(r[c]) and str(r[c])]
                rows.append(f"<p>{e(tr('Rang'))} <b>{int(r['rank'])}</b>, {e(tr('score'))} <b>{format_number(r['score'], 3)}</b></p>")
                if reasons:
                    rows.append(f"<p><b>{e(tr('Waarom hoog in de lijst'))}</b></p><ol>"
                                + "".join(f"<li>{e(x)}</li>" for x in reasons) + "</ol>")
                rows.append(f"<p>{e(tr('Vergunning'))}: {e(tr(PERMIT_LABELS.get(r['permit'], str(r['permit']))))}</p>")
        facts = [(tr("Ingeschreven personen nu"), str(h["registered_now"])),
                 (tr("Ingeschreven / uitgeschreven (12 mnd)"), f"{h['moved_in_year']} / {h['moved_out_year']}"),
                 (tr("Meldingen afgelopen jaar"), str(h["complaints_year"]))]
        if h["complaint_categories"]:
            facts.append((tr("Soorten meldingen"), ", ".join(f"{k} ({v})" for k, v in h["complaint_categories"].items())))
        if h["last_inspection"] is not None:
            outcome = tr(OUTCOME_LABELS.get(h["last_outcome"], h["last_outcome"]))
            last = f"{h['last_inspection']:%d-%m-%Y}: {outcome}"
            if h.get("last_violations"):
                last += f" ({h['last_violations']})"
            facts.append((tr("Laatste controle"), last))
        else:
            facts.append((tr("Laatste controle"), tr("nog nooit gecontroleerd")))
        facts.append((tr("Controles totaal"), str(h["inspections"])))
        if h.get("floor_area") is not None:
            facts.append((tr("Oppervlakte"), f"{float(h['floor_area']):.0f} m²"))
        if h.get("building_year") is not None:
            facts.append((tr("Bouwjaar"), str(h["building_year"])))
        table = "".join(f"<tr><td>{e(k)}</td><td><b>{e(v)}</b></td></tr>" for k, v in facts)
        self.history.setHtml(
            f"<h3>{e(h['label'] or address_id)}</h3><p>{e(h['postcode'])} {e(h['wijk'])}<br>"
            f"<span style='color:#666'>{e(tr('adres-id'))} {e(address_id)}</span></p>{''.join(rows)}"
            f"<p style='color:#666'>{e(tr('Stand op'))} {as_of:%d-%m-%Y}</p><table cellspacing=3>{table}</table>")

    # -- hand-on and export -------------------------------------------------------------------
    def add_selected_to_plan(self) -> int:
        """Put the selected addresses on the week planning's must-visit list; returns how many were new."""
        ids = self.selected_ids()
        if not ids:
            self.main.show_error(tr("Kies eerst een of meer adressen in de lijst."))
            return 0
        planning = self.main.tab_pages.get("weekplanning") if hasattr(self.main, "tab_pages") else None
        if planning is None or not hasattr(planning, "add_must_visits"):
            self.main.show_error(tr("De weekplanning is niet beschikbaar in dit venster."))
            return 0
        added = planning.add_must_visits(ids)
        msg = f"{added} {tr('adres(sen) toegevoegd aan de verplichte bezoeken van de weekplanning')}"
        self.notice.setText(msg)
        self.main.statusBar().showMessage(msg, 8000)
        return added

    def choose_export(self) -> None:
        """Ask where to save the filtered ranking as CSV."""
        if self.filtered is None:
            return
        name = f"ranked_{self.as_of:%Y%m%d}.csv" if self.as_of else "ranked.csv"
        path, _ = QFileDialog.getSaveFileName(self, tr("Exporteren (CSV)…"), str(Path.cwd() / name), "CSV (*.csv)")
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> Path:
        """Write the filtered ranking (the columns `geo-tool plan` reads, then street, house number, postcode
        and wijk name, as `geo-tool rank` writes them) atomically; say it is internal."""
        from geo_tool.model.api import write_ranking

        frame = self.current_ranking()
        if frame is None:
            raise RuntimeError("no ranking to export")
        path = Path(path)
        write_ranking(frame, path, self.main.dataset)
        from geo_tool.security.audit import audit_command

        audit_command("gui: ranglijst exporteren", dataset=self.main.dataset, outputs=[path])
        msg = (f"{len(frame)} {tr('adressen geschreven naar')} {path.name}. "
               + tr("Alleen voor intern gebruik: het bestand bevat adres-id's; deel het niet buiten de afdeling."))
        self.notice.setText(msg)
        self.main.statusBar().showMessage(msg, 10000)
        return path
