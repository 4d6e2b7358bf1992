"""File > Importeren: pick an export, see its first rows, pick or edit a profile, see the match rate
per method before committing, save the profile, import.

The profile is shown as its TOML text (edit it to map columns); it is checked with the same strict
parser as `geo-tool import`. The match preview and the import run off the UI thread through the
window's `run_in_background` (any callable with that signature; tests pass their own).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geo_tool.errors import GeoToolError
from geo_tool.imports.profile import Profile, parse_profile, shipped_profiles
from geo_tool.imports.report import METHOD_LABELS

Runner = Callable[[str, Callable[[Any], Any], Callable[[Any], None], Callable[[str], None]], Any]
PREVIEW_ROWS = 10


def _sync_runner(label: str, fn, on_success, on_failure) -> None:
    """Run at once on the calling thread (only for use without a window)."""
    try:
        on_success(fn(None))
    except GeoToolError as exc:
        on_failure(str(exc))


def first_rows(path: Path, n: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The header and the first rows of a CSV export (delimiter `,` or `;` detected), all as text."""
    from geo_tool.dataset.readers import decode_bytes, detect_delimiter

    with open(path, "rb") as fh:
        head = fh.read(256_000)
    text, _enc, _notes = decode_bytes(head)
    lines = [ln for ln in text.splitlines() if ln.strip()][: n + 1]
    if not lines:
        return pd.DataFrame()
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=detect_delimiter(lines[0])))
    width = len(rows[0])
    return pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in rows[1:]], columns=rows[0])


def rates_text(outcome) -> str:
    """Match rate per method in Dutch (percentages with a decimal comma)."""
    total = max(outcome.rows_read, 1)
    parts = [f"{k}: {100 * v / total:.1f}%".replace(".", ",") for k, v in outcome.methods.items() if v]
    lines = [f"{outcome.rows_read:,} rijen".replace(",", "."), "  ".join(parts)]
    if outcome.area_level:
        lines.append(f"{outcome.area_level:,} alleen op gebiedsniveau (PC4)".replace(",", "."))
    return "\n".join(lines)


class ImportDialog(QDialog):
    """The import window; `profile()` is the checked profile in the editor, `last_outcome` the last run."""

    def __init__(self, parent: QWidget | None = None, runner: Runner | None = None,
                 dataset_dir: Path | None = None, source: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Importeren")
        self.runner = runner or _sync_runner
        self.last_outcome = None
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.source_edit = QLineEdit(str(source or ""))
        browse = QPushButton("Bladeren…")
        browse.clicked.connect(self.choose_source)
        row = QHBoxLayout()
        row.addWidget(self.source_edit)
        row.addWidget(browse)
        form.addRow("Exportbestand", row)
        self.profile_combo = QComboBox()
        self.profile_combo.addItem("(concept uit de kopregel)", "")
        for name in sorted(shipped_profiles()):
            self.profile_combo.addItem(name, name)
        self.profile_combo.currentIndexChanged.connect(self._profile_chosen)
        form.addRow("Profiel", self.profile_combo)
        self.into_edit = QLineEdit(str(dataset_dir or ""))
        form.addRow("Naar datasetmap", self.into_edit)
        self.addresses_edit = QLineEdit(str(dataset_dir or ""))
        form.addRow("Adressen (map, bestand of BAG)", self.addresses_edit)
        lay.addLayout(form)
        self.preview = QTableWidget()
        self.preview.setMinimumHeight(160)
        lay.addWidget(QLabel("Eerste rijen"))
        lay.addWidget(self.preview)
        lay.addWidget(QLabel("Profiel (TOML; pas kolommen aan om te koppelen)"))
        self.profile_text = QPlainTextEdit()
        self.profile_text.setMinimumHeight(180)
        lay.addWidget(self.profile_text)
        self.rates_label = QLabel("")
        self.rates_label.setWordWrap(True)
        lay.addWidget(self.rates_label)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton("Koppeling bekijken")
        self.preview_button.clicked.connect(self.preview_match)
        self.save_button = QPushButton("Profiel opslaan…")
        self.save_button.clicked.connect(self.choose_save)
        self.import_button = QPushButton("Importeren")
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton("Sluiten")
        close.clicked.connect(self.reject)
        for b in (self.preview_button, self.save_button, self.import_button, close):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        if source:
            self.load_source(Path(source))

    # -- source and profile -----------------------------------------------------------------
    def choose_source(self) -> None:
        """Pick the export file."""
        path, _ = QFileDialog.getOpenFileName(self, "Exportbestand kiezen", "", "CSV (*.csv *.txt);;Alle bestanden (*)")
        if path:
            self.load_source(Path(path))

    def load_source(self, path: Path) -> None:
        """Show the first rows and a drafted profile (unless a shipped one is chosen)."""
        self.source_edit.setText(str(path))
        try:
            frame = first_rows(path)
        except OSError as exc:
            self.rates_label.setText(f"Kan {path.name} niet lezen: {exc.strerror or exc}")
            return
        self.preview.setColumnCount(len(frame.columns))
        self.preview.setRowCount(len(frame))
        self.preview.setHorizontalHeaderLabels([str(c) for c in frame.columns])
        for r, values in enumerate(frame.itertuples(index=False)):  # at most PREVIEW_ROWS rows
            for c, v in enumerate(values):
                self.preview.setItem(r, c, QTableWidgetItem(str(v)))
        self._profile_chosen()

    def _profile_chosen(self) -> None:
        name = self.profile_combo.currentData()
        if name:
            self.profile_text.setPlainText(shipped_profiles()[name].read_text(encoding="utf-8"))
            return
        source = Path(self.source_edit.text())
        if source.is_file():
            from geo_tool.imports.draft import draft_profile, draft_text

            try:
                profile, unplaced = draft_profile(source)
                self.profile_text.setPlainText(draft_text(profile, unplaced))
            except GeoToolError as exc:
                self.rates_label.setText(str(exc))

    def select_profile(self, name: str) -> None:
        """Choose a shipped profile by name."""
        self.profile_combo.setCurrentIndex(max(0, self.profile_combo.findData(name)))

    def profile(self) -> Profile:
        """The profile in the editor, checked strictly (raises GeoToolError naming the key)."""
        from geo_tool.errors import UnusableInputError

        try:
            data = tomllib.loads(self.profile_text.toPlainText())
        except tomllib.TOMLDecodeError as exc:
            raise UnusableInputError("profiel", f"is geen geldige TOML ({exc})") from None
        return parse_profile(data, "profiel")

    def choose_save(self) -> None:
        """Save the profile text to a .toml file."""
        path, _ = QFileDialog.getSaveFileName(self, "Profiel opslaan", "profiel.toml", "Profiel (*.toml)")
        if path:
            self.save_profile(Path(path))

    def save_profile(self, path: Path) -> None:
        """Check the profile and write it atomically."""
        from geo_tool.fileio import write_text_atomic

        try:
            self.profile()
        except GeoToolError as exc:
            self.rates_label.setText(f"Profiel niet opgeslagen: {exc}")
            return
        write_text_atomic(path, self.profile_text.toPlainText())
        self.rates_label.setText(f"Profiel opgeslagen: {path}")

    # -- work off the UI thread --------------------------------------------------------------
    def _job(self, write: bool):
        from geo_tool.imports import import_export

        try:
            profile = self.profile()
        except GeoToolError as exc:
            self.rates_label.setText(str(exc))
            return None
        source, into = Path(self.source_edit.text()), Path(self.into_edit.text() or ".")
        addresses = Path(self.addresses_edit.text()) if self.addresses_edit.text() else None

        def work(progress):
            return import_export(source, profile, into, addresses, write=write, progress=progress)

        return work

    def preview_match(self) -> None:
        """Match without writing and show the rate per method."""
        work = self._job(write=False)
        if work is not None:
            self.rates_label.setText("Koppelen…")
            self.runner("Koppeling bekijken…", work, self._previewed, self._failed)

    def run_import(self) -> None:
        """Import for real: contract file, rejects.csv and report into the dataset folder."""
        work = self._job(write=True)
        if work is not None:
            self.rates_label.setText("Importeren…")
            self.runner("Importeren…", work, self._imported, self._failed)

    def _previewed(self, outcome) -> None:
        self.last_outcome = outcome
        self.rates_label.setText("Voorbeeld (nog niets geschreven):\n" + rates_text(outcome))

    def _imported(self, outcome) -> None:
        self.last_outcome = outcome
        self.rates_label.setText(outcome.summary())

    def _failed(self, message: str) -> None:
        self.rates_label.setText(f"Mislukt: {message}")
