"""The map panel: a matplotlib canvas showing the composed map, with pan/zoom and identify-on-click."""

from __future__ import annotations

from typing import Callable

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from geo_tool.ui.i18n import tr


class MapView(QWidget):
    """Shows a matplotlib Figure made by the core (`compose_map`); calls `on_click(x, y)` in RD metres."""

    def __init__(self, on_click: Callable[[float, float], None] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.on_click = on_click
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
        self.placeholder.setStyleSheet("color: #555; font-size: 14px; padding: 40px;")
        self._layout.addWidget(self.placeholder)
        self.canvas: FigureCanvasQTAgg | None = None
        self.toolbar: NavigationToolbar2QT | None = None
        self.map_axes = None
        self._view_limits = None

    def show_figure(self, fig: Figure, keep_view: bool = True) -> None:
        """Replace the shown figure; keeps the user's zoom when the map extent is the same city."""
        old_limits = None
        if keep_view and self.map_axes is not None:
            old_limits = (self.map_axes.get_xlim(), self.map_axes.get_ylim())
        if self.canvas is not None:
            self._layout.removeWidget(self.toolbar)
            self._layout.removeWidget(self.canvas)
            self.toolbar.deleteLater()
            self.canvas.deleteLater()
        self.placeholder.hide()
        self.canvas = FigureCanvasQTAgg(fig)
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self._layout.addWidget(self.toolbar)
        self._layout.addWidget(self.canvas, 1)
        self.map_axes = fig.axes[0] if fig.axes else None
        if old_limits is not None and self.map_axes is not None and self._view_limits is not None:
            if old_limits != self._view_limits:  # the user zoomed: keep it
                self.map_axes.set_xlim(old_limits[0])
                self.map_axes.set_ylim(old_limits[1])
        if self.map_axes is not None:
            self._view_limits = (self.map_axes.get_xlim(), self.map_axes.get_ylim())
        self.canvas.mpl_connect("button_press_event", self._clicked)
        self.canvas.draw_idle()

    def _clicked(self, event) -> None:
        if event.inaxes is not self.map_axes or event.xdata is None:
            return
        if self.toolbar is not None and self.toolbar.mode:  # panning or zooming, not identifying
            return
        if self.on_click:
            self.on_click(float(event.xdata), float(event.ydata))

    def mark(self, x: float, y: float, half_width_m: float = 350.0) -> None:
        """Zoom to a point and mark it with a ring (the selected address)."""
        if self.map_axes is None:
            return
        for artist in getattr(self, "_marks", []):
            artist.remove()
        self._marks = self.map_axes.plot([x], [y], marker="o", markersize=16, markerfacecolor="none",
                                         markeredgecolor="#d62728", markeredgewidth=2.5, zorder=100)
        self.map_axes.set_xlim(x - half_width_m * 1.5, x + half_width_m * 1.5)
        self.map_axes.set_ylim(y - half_width_m, y + half_width_m)
        self.canvas.draw_idle()
