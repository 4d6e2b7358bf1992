"""The layer panel: which layers show, their order (drag), measure, classification and opacity."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from geo_tool.layers import LAYERS
from geo_tool.ui.i18n import tr

SCHEMES = [("quantiles", "kwantielen"), ("natural_breaks", "natuurlijke grenzen"), ("equal_interval", "gelijke intervallen")]
DEFAULT_ON = {"districts": "outline", "brp": "eum_share"}


class LayerPanel(QWidget):
    """Lists every registered layer once; `changed` fires when anything the map depends on changes."""

    changed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.state: dict[str, dict] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)  # the dock has its margins; every pixel goes to the measure names
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setToolTip(tr("Vink aan om te tonen; sleep om de volgorde te wijzigen (bovenaan = bovenop)."))
        lay.addWidget(self.list, 1)
        form = QFormLayout()
        self.measure = QComboBox()
        # long measure names ("Aandeel verhuurd zonder geldige vergunning"): the drop-down gets a row of its own,
        # as wide as the panel, shows the name without its unit (the legend has it) and is never cut off
        self.measure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.measure.setMinimumContentsLength(12)
        self.scheme = QComboBox()
        for key, label in SCHEMES:
            self.scheme.addItem(tr(label), key)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(10, 100)
        self.opacity_label = QLabel(tr("Dekking"))
        self.measure_label = QLabel(tr("Maat"))
        self.scheme_label = QLabel(tr("Indeling"))
        lay.addWidget(self.measure_label)
        lay.addWidget(self.measure)
        form.addRow(self.scheme_label, self.scheme)
        form.addRow(self.opacity_label, self.opacity)
        lay.addLayout(form)
        order = ["districts", "brp", "permits", "complaints", "inspections"]
        for key in order + sorted(set(LAYERS) - set(order)):
            if key not in LAYERS:
                continue
            cls = LAYERS[key]
            measure = DEFAULT_ON.get(key, cls.default_measure)
            self.state[key] = {"measure": measure, "scheme": cls.measures[measure].classification.scheme, "opacity": 100}
            item = QListWidgetItem(cls.label or key)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in DEFAULT_ON else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.list.model().rowsMoved.connect(lambda *a: self.changed.emit())
        self.list.currentItemChanged.connect(self._select)
        self.measure.currentIndexChanged.connect(self._measure_changed)
        self.scheme.currentIndexChanged.connect(self._scheme_changed)
        self.opacity.sliderReleased.connect(self._opacity_changed)
        self.list.setCurrentRow(1)

    def current_key(self) -> str | None:
        """The layer key of the selected row."""
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _select(self, *_args) -> None:
        key = self.current_key()
        if key is None:
            return
        st = self.state[key]
        for w in (self.measure, self.scheme):
            w.blockSignals(True)
        self.measure.clear()
        for mkey, m in LAYERS[key].measures.items():
            self.measure.addItem(m.label, mkey)
            self.measure.setItemData(self.measure.count() - 1, m.legend_title(), Qt.ItemDataRole.ToolTipRole)
        self.measure.setToolTip(self.measure.currentData(Qt.ItemDataRole.ToolTipRole) or "")
        view = self.measure.view()  # the open list as wide as its longest entry
        view.setMinimumWidth(max(view.sizeHintForColumn(0) + 24, self.measure.width()))
        self.measure.setCurrentIndex(max(0, self.measure.findData(st["measure"])))
        self.scheme.setCurrentIndex(max(0, self.scheme.findData(st["scheme"])))
        self.opacity.setValue(st["opacity"])
        for w in (self.measure, self.scheme):
            w.blockSignals(False)

    def _measure_changed(self) -> None:
        key = self.current_key()
        if key and self.measure.currentData():
            self.state[key]["measure"] = self.measure.currentData()
            self.measure.setToolTip(self.measure.currentData(Qt.ItemDataRole.ToolTipRole) or "")
            self._emit_if_visible(key)

    def _scheme_changed(self) -> None:
        key = self.current_key()
        if key:
            self.state[key]["scheme"] = self.scheme.currentData()
            self._emit_if_visible(key)

    def _opacity_changed(self) -> None:
        key = self.current_key()
        if key:
            self.state[key]["opacity"] = self.opacity.value()
            self._emit_if_visible(key)

    def _emit_if_visible(self, key: str) -> None:
        if key in self.visible_keys():
            self.changed.emit()

    def visible_keys(self) -> list[str]:
        """Checked layers from bottom to top (the list shows the top layer first)."""
        keys = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                keys.append(item.data(Qt.ItemDataRole.UserRole))
        return list(reversed(keys))

    def set_visible(self, key: str, visible: bool) -> None:
        """Tick or untick a layer (used by tests and menu actions)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                item.setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def specs(self) -> list[tuple[str, str, str, float]]:
        """(layer key, measure key, classification scheme, opacity 0..1) per visible layer, bottom first."""
        return [(k, self.state[k]["measure"], self.state[k]["scheme"], self.state[k]["opacity"] / 100.0)
                for k in self.visible_keys()]
