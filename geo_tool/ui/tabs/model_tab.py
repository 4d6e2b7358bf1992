"""Model tab: the model card, evaluation charts and fairness audit of the model in use; train a new one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from PyQt6.QtCore import QDate, QSettings, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from geo_tool.ui.i18n import tr
from geo_tool.ui.tabs.common import ImageGallery, fill_table


def models_root() -> Path:
    """Where trained models live, each a folder with its model card.

    `$GEO_TOOL_MODELS`, else the `models_root` setting, else `$GEO_TOOL_HOME/models`.
    """
    import os

    if os.environ.get("GEO_TOOL_MODELS"):
        return Path(os.environ["GEO_TOOL_MODELS"])
    home = Path(os.environ.get("GEO_TOOL_HOME", Path.home() / ".config" / "geo_tool"))
    return Path(QSettings().value("models_root", str(home / "models")))


class ModelTab(QWidget):
    """Shows one model folder (card, charts, fairness) and trains new models off the UI thread."""

    finished = pyqtSignal()
    model_changed = pyqtSignal(object)  # Path of the model now in use

    def __init__(self, main_window):
        super().__init__()
        self.main = main_window
        self.current: Path | None = None
        self.verified = False  # the shown folder's signed manifest checked out
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.models = QComboBox()
        self.models.currentIndexChanged.connect(self._model_chosen)
        bar.addWidget(QLabel("Model in gebruik"))
        bar.addWidget(self.models, 1)
        bar.addSpacing(20)
        bar.addWidget(QLabel("Trainen op gegevens vóór"))
        self.as_of = QDateEdit(QDate(2024, 1, 1))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("d-M-yyyy")
        bar.addWidget(self.as_of)
        self.train_button = QPushButton("Nieuw model trainen")
        self.train_button.clicked.connect(self.train)
        bar.addWidget(self.train_button)
        lay.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.card = QTextBrowser()
        self.card.setOpenExternalLinks(False)
        right = QTabWidget()
        self.gallery = ImageGallery()
        self.fairness = QTableWidget()
        right.addTab(self.gallery, "Evaluatie")
        right.addTab(self.fairness, "Eerlijkheidsaudit")
        split.addWidget(self.card)
        split.addWidget(right)
        split.setSizes([520, 760])
        lay.addWidget(split, 1)
        self.refresh_models()

    def refresh_models(self, select: Path | None = None) -> None:
        """List the model folders under the models root, newest first; keep or set the selection."""
        root = models_root()
        folders = sorted((p for p in root.glob("*") if (p / "model_card.md").exists()),
                         key=lambda p: p.stat().st_mtime, reverse=True) if root.exists() else []
        wanted = select or self.current or (Path(QSettings().value("model_dir")) if QSettings().value("model_dir") else None)
        self.models.blockSignals(True)
        self.models.clear()
        self.models.addItem("geen (de ranglijst traint een model op de gegevens vóór de peildatum)", None)
        for folder in folders:
            self.models.addItem(folder.name, str(folder))
        if wanted is not None:
            idx = self.models.findData(str(wanted))
            self.models.setCurrentIndex(max(0, idx))
        self.models.blockSignals(False)
        self._model_chosen()

    def dataset_changed(self, dataset) -> None:
        """Default training date: the day after the last inspection in the data (as the ranking uses)."""
        from geo_tool.ui.tabs.ranking_tab import default_as_of

        d = default_as_of(dataset)
        self.as_of.setDate(QDate(d.year, d.month, d.day))

    def _model_chosen(self) -> None:
        data = self.models.currentData()
        self.current = Path(data) if data else None
        QSettings().setValue("model_dir", str(self.current) if self.current else "")
        self.show_model(self.current)
        self.model_changed.emit(self.current)

    def show_model(self, folder: Path | None) -> None:
        """Show the model card, the evaluation charts and the fairness table of a model folder."""
        if folder is None:
            self.card.setMarkdown("Nog geen model gekozen. Train een nieuw model of kies er een.")
            self.gallery.clear()
            self.fairness.clear()
            return
        from geo_tool.errors import GeoToolError
        from geo_tool.security.modelfolder import verify_folder

        try:  # only hashes bytes: nothing in the folder is deserialised here
            verify_folder(folder)
            warning = ""
        except GeoToolError as exc:
            warning = f"**Let op: deze modelmap is niet te vertrouwen en wordt geweigerd bij het rangschikken** ({exc})\n\n"
        self.verified = not warning
        self.card.setMarkdown(warning + (folder / "model_card.md").read_text(encoding="utf-8"))
        titles = {"precision_at_k_population": "Precisie@k (alle adressen)",
                  "precision_at_k_visited": "Precisie@k (bezochte adressen)", "calibration": "Kalibratie"}
        self.gallery.show_images([(titles.get(p.stem, p.stem.replace("_", " ")), p) for p in sorted(folder.glob("*.png"))])
        fairness = folder / "fairness.csv"
        if fairness.exists():
            fill_table(self.fairness, pd.read_csv(fairness), float_digits=3)

    def train(self) -> None:
        """Train a new model in the background; the previous models are kept."""
        if self.main.dataset is None:
            self.main.show_error(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
            return
        from geo_tool.model.api import train_model

        dataset = self.main.dataset
        d = self.as_of.date()
        as_of = dt.date(d.year(), d.month(), d.day())
        out = models_root() / f"model_{as_of.isoformat()}_{dt.datetime.now():%Y%m%d-%H%M%S}"
        truth = Path(dataset.root) / "truth"

        def work(progress):
            return train_model(dataset, as_of, out, truth_dir=truth if truth.is_dir() else None, progress=progress)

        def done(result) -> None:
            self.train_button.setEnabled(True)
            self.refresh_models(select=result.model_dir)
            self.finished.emit()

        def failed(message: str) -> None:
            self.train_button.setEnabled(True)
            self.main.show_error(message)

        self.train_button.setEnabled(False)
        self.main.run_in_background("Model trainen…", work, done, failed)
