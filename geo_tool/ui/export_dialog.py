"""The researchers' export dialog: layers, level, period, formats, and the disclosure level shown plainly."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from geo_tool.layers import LAYERS

FORMATS = [("pdf", "PDF-kaart (A4)"), ("png", "PNG-kaart"), ("svg", "SVG-kaart"), ("html", "Webkaart (HTML, offline)"),
           ("gpkg", "GeoPackage (QGIS)"), ("tif", "GeoTIFF (dichtheid meldingen)"), ("csv", "CSV-tabel")]
PUBLIC_NOTE = ("<b>Openbaar, onthullingsveilig.</b> Aantallen onder 10 worden onderdrukt, met zo nodig een tweede "
               "wijk of gebied erbij; andere aantallen afgerond op 5; aandelen berekend uit de afgeronde aantallen "
               "(1 decimaal); dichtheid per 100 m over minstens een maand. Geen adressen, geen pseudoniemen.")
INTERNAL_NOTE = ("<b style='color:#b2182b'>INTERN.</b> Geen onthullingscontrole; adresniveau toegestaan. "
                 "Het bestand vermeldt dat het intern is. Niet verspreiden.")
BUILDING_NOTE = ("<b style='color:#b2182b'>INTERN.</b> Cijfers per gebouw (BAG-pand, anders één huisnummer) zijn "
                 "detail op adresniveau: alleen intern, voor planners. CSV en GeoPackage bevatten per gebouw "
                 "woonadressen, bewoners, meldingen, bezoeken en overtredingen, zoals <tt>geo-tool map --level "
                 "building --internal</tt>. Niet verspreiden.")
# the formats `geo-tool map --level building` writes (no GeoTIFF: that is a density surface, not per building)
BUILDING_FORMATS = ("csv", "gpkg", "png", "pdf", "svg", "html")


def write_export(dataset, specs: list[str], path: Path, level: str, window, internal: bool, progress=None) -> Path:
    """Write one file of the dialog's choice; at building level a .csv/.gpkg holds the figures per building
    (the same file as `geo-tool map --level building --internal`), every other file goes through `export_map`.

    Both check the planner role in the core and append a line to the audit log."""
    from geo_tool.export.core import export_map

    path = Path(path)
    if level == "building" and path.suffix.lower() in (".csv", ".gpkg"):
        from geo_tool.export.audit import append_audit, current_user
        from geo_tool.jobs import write_building_figures
        from geo_tool.security.roles import require_role

        require_role("planner", "the building level")
        write_building_figures(dataset, path, window)
        append_audit({"who": current_user(None), "file": str(path.resolve()), "format": path.suffix.lower()[1:],
                      "layers": ["buildings"], "level": "building", "window": window.as_dict(), "internal": True,
                      "disclosure": "none (internal)"})
        return path
    return export_map(dataset, specs, path, level=level, window=window, internal=internal, progress=progress)


class ExportDialog(QDialog):
    """Choose what to export; `choices()` returns (specs, level, formats, folder, internal)."""

    def __init__(self, parent: QWidget, visible_specs: list[str], level: str, period_text: str,
                 allow_internal: bool):
        super().__init__(parent)
        self.setWindowTitle("Exporteren")
        lay = QVBoxLayout(self)
        box = QGroupBox("Lagen")
        grid = QGridLayout(box)
        self.layer_boxes: dict[str, QCheckBox] = {}
        specs = visible_specs or ["brp:eum_share"]
        row = 0
        for key, cls in LAYERS.items():
            chosen = next((s for s in specs if s.split(":")[0] == key), None)
            cb = QCheckBox(cls.label or key)
            cb.setChecked(chosen is not None)
            measure = QComboBox()
            for mkey, m in cls.measures.items():
                measure.addItem(m.legend_title(), mkey)
            if chosen and ":" in chosen:
                measure.setCurrentIndex(max(0, measure.findData(chosen.split(":")[1])))
            else:
                measure.setCurrentIndex(max(0, measure.findData(cls.default_measure)))
            grid.addWidget(cb, row, 0)
            grid.addWidget(measure, row, 1)
            self.layer_boxes[key] = cb
            cb.measure = measure  # type: ignore[attr-defined]
            row += 1
        lay.addWidget(box)
        form = QFormLayout()
        self.level = QComboBox()
        for key, label in (("wijk", "wijk"), ("gebied", "gebied")):
            self.level.addItem(label, key)
        if allow_internal:  # like `geo-tool map --level building`: internal, a planner's only
            self.level.addItem("gebouw (intern)", "building")
        self.level.setCurrentIndex(max(0, self.level.findData(level)))
        form.addRow("Niveau", self.level)
        form.addRow("Periode", QLabel(period_text))
        fmt_box = QWidget()
        fmt_lay = QGridLayout(fmt_box)
        fmt_lay.setContentsMargins(0, 0, 0, 0)
        self.format_boxes: dict[str, QCheckBox] = {}
        for i, (key, label) in enumerate(FORMATS):
            cb = QCheckBox(label)
            cb.setChecked(key in ("pdf", "gpkg"))
            fmt_lay.addWidget(cb, i // 2, i % 2)
            self.format_boxes[key] = cb
        form.addRow("Formaten", fmt_box)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit(str(Path.cwd() / "export"))
        browse = QPushButton("Bladeren…")
        browse.clicked.connect(self._browse)
        folder_row.addWidget(self.folder)
        folder_row.addWidget(browse)
        form.addRow("Map", folder_row)
        self.name = QLineEdit("kaart")
        form.addRow("Bestandsnaam", self.name)
        lay.addLayout(form)
        self.internal = QCheckBox("Intern (zonder onthullingscontrole)")
        self.allow_internal = allow_internal
        self.internal.setVisible(allow_internal)
        self.note = QLabel(PUBLIC_NOTE)
        self.note.setWordWrap(True)
        self.internal.toggled.connect(lambda _on: self._update_note())
        self.level.currentIndexChanged.connect(lambda _i: self._level_changed())
        self._level_changed()
        lay.addWidget(self.internal)
        lay.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Exporteren")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _level_changed(self) -> None:
        """Building level: internal is forced on (not optional) and only the building formats can be chosen."""
        building = self.level.currentData() == "building"
        if building:
            self.internal.setChecked(True)
        self.internal.setEnabled(not building)
        for key, cb in self.format_boxes.items():
            if key not in BUILDING_FORMATS:
                if building:
                    cb.setChecked(False)
                cb.setEnabled(not building)
        self._update_note()

    def _update_note(self) -> None:
        building = self.level.currentData() == "building"
        self.note.setText(BUILDING_NOTE if building else INTERNAL_NOTE if self.internal.isChecked() else PUBLIC_NOTE)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Map kiezen", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def choices(self) -> tuple[list[str], str, list[Path], bool]:
        """(layer specs, level, output files, internal) as chosen."""
        specs = [f"{k}:{cb.measure.currentData()}" for k, cb in self.layer_boxes.items() if cb.isChecked()]
        folder = Path(self.folder.text())
        name = self.name.text().strip() or "kaart"
        files = [folder / f"{name}.{k}" for k, cb in self.format_boxes.items() if cb.isChecked() and cb.isEnabled()]
        level = self.level.currentData()
        if level == "building" and not self.allow_internal:  # never offered then; a guard all the same
            level = "wijk"
        internal = self.allow_internal and (self.internal.isChecked() or level == "building")
        return specs, level, files, internal
