"""Waterbed tab: pick the target wijk, start and periods; run; see the verdicts, maps, flows and charts."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from PyQt6.QtCore import QDate, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from PyQt6.QtCore import Qt

from geo_tool.ui.i18n import tr
from geo_tool.ui.tabs.common import ImageGallery, fill_table



class WaterbedTab(QWidget):
    """Drives `run_waterbed_analysis` + `write_waterbed_report` and shows what they found."""

    finished = pyqtSignal()

    def __init__(self, main_window):
        super().__init__()
        self.main = main_window
        self.result = None
        self.report_dir: Path | None = None
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.target = QComboBox()
        self.target.setEditable(False)
        self.start = QDateEdit(QDate(2022, 1, 1))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("d-M-yyyy")
        self.before = QSpinBox()
        self.after = QSpinBox()
        for s in (self.before, self.after):
            s.setRange(2, 60)
            s.setValue(12)
            s.setSuffix(" mnd")
        self.buffer = QComboBox()
        self.buffer.addItem("buurwijken (grenzen raken)", "queen")
        for m in (500, 1000, 2000):
            self.buffer.addItem(f"binnen {m} m", f"distance:{m}")
        periods = QHBoxLayout()
        periods.addWidget(QLabel("vóór"))
        periods.addWidget(self.before)
        periods.addWidget(QLabel("na"))
        periods.addWidget(self.after)
        form.addRow("Doelwijk", self.target)
        form.addRow("Start interventie", self.start)
        form.addRow("Perioden", periods)
        form.addRow("Buffer", self.buffer)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Analyse uitvoeren")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton("Rapport opslaan…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_report)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        top = QWidget()
        top_lay = QVBoxLayout(top)
        top_lay.addLayout(form)
        top_lay.addLayout(buttons)
        self.summary = QLabel("Kies een doelwijk en een startdatum en klik op Analyse uitvoeren.")
        self.summary.setWordWrap(True)
        top_lay.addWidget(self.summary)
        self.table = QTableWidget()
        top_lay.addWidget(self.table, 1)
        self.gallery = ImageGallery()
        self.conclusion = QTextBrowser()
        self.sections = QTextBrowser()
        self.methods = QTextBrowser()
        self.views = QTabWidget()
        self.views.addTab(self.conclusion, "Conclusie")
        self.views.addTab(self.sections, "Bewijs per wijk")
        self.views.addTab(self.gallery, "Kaarten en grafieken")
        self.views.addTab(self.methods, "Methoden")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(top)
        split.addWidget(self.views)
        split.setSizes([520, 800])
        lay.addWidget(split)

    def dataset_changed(self, dataset) -> None:
        """Fill the wijk list; preselect the intervention wijk (Carnisse in the demo) and its start."""
        self.target.clear()
        wijken = dataset.wijken.sort_values("name")
        for code, name in zip(wijken["code"], wijken["name"]):
            self.target.addItem(f"{name} ({code})", str(code))
        iv = dataset.interventions
        if len(iv):
            first = iv.sort_values("start").iloc[-1]
            idx = self.target.findData(str(first["wijk_code"]))
            enforcement = iv[iv["kind"].astype(str).str.contains("enforcement|handhaving", case=False, na=False)]
            if len(enforcement):
                first = enforcement.sort_values("start").iloc[0]
                idx = self.target.findData(str(first["wijk_code"]))
            if idx >= 0:
                self.target.setCurrentIndex(idx)
                d = pd.Timestamp(first["start"])
                self.start.setDate(QDate(d.year, d.month, d.day))

    def run(self) -> None:
        """Run the analysis in the background and show the report."""
        if self.main.dataset is None:
            self.main.show_error(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
            return
        from geo_tool.analysis import run_waterbed_analysis, write_waterbed_report

        dataset = self.main.dataset
        target, d = self.target.currentData(), self.start.date()
        start = pd.Timestamp(d.year(), d.month(), d.day()).date()
        before, after, buffer_rule = self.before.value(), self.after.value(), self.buffer.currentData()
        out = Path(tempfile.mkdtemp(prefix="waterbed_"))

        def work(progress):
            result = run_waterbed_analysis(dataset, target, start, months_before=before, months_after=after,
                                           buffer_rule=buffer_rule, progress=progress)
            write_waterbed_report(result, out)
            return result

        self.run_button.setEnabled(False)

        def failed(message: str) -> None:
            self.run_button.setEnabled(True)
            self.main.show_error(message)

        self.main.run_in_background("Waterbedanalyse…", work, lambda r: self._show(r, out), failed)

    def _show(self, result, out: Path) -> None:
        self.result, self.report_dir = result, out
        self.run_button.setEnabled(True)
        self.export_button.setEnabled(True)
        from geo_tool.analysis.narrative import html_conclusion, html_methods, html_sections, verdict_frame

        fill_table(self.table, verdict_frame(result))
        n_disp = int((result.table["verdict"] == "displacement").sum())
        self.summary.setText(
            f"<b>{result.target_name}</b>, start {result.start:%d-%m-%Y}: {n_disp} wijk(en) met verplaatsing. "
            "Oordeel op grond van directe aanwijzingen en intervallen (FDR 5 %), niet van de puntschatting.")
        self.conclusion.setHtml(html_conclusion(result))
        self.sections.setHtml(html_sections(result))
        self.methods.setHtml(html_methods())
        from geo_tool.analysis.report import chart_tabs

        images = chart_tabs(out)
        self.gallery.show_images(images)
        self.finished.emit()

    def export_report(self) -> None:
        """Copy the whole report folder (CSV, GeoPackage, maps, report.md/pdf) to a folder of the user's."""

        if self.report_dir is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Rapport opslaan in map")
        if folder:
            self.save_report_to(Path(folder))

    def save_report_to(self, folder: Path) -> list[Path]:
        """Copy the report files into `folder` (each file written to a temp name, then renamed)."""
        from geo_tool.fileio import write_bytes_atomic

        written = []
        for path in sorted(self.report_dir.iterdir()):
            if path.is_file():
                write_bytes_atomic(folder / path.name, path.read_bytes())
                written.append(folder / path.name)
        return written
