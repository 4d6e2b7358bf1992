"""The map panel: the composed map rendered off the UI thread, with pan, zoom and identify-on-click.

Drawing a city map with matplotlib takes 0.1-0.3 s; done on the UI thread that would freeze the
window. So the figure is rendered to an image in a worker (as a GIS map canvas does) and the panel
only shows that image; panning and zooming change the map's extent and ask for a new render.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from matplotlib.figure import Figure
from PyQt6.QtCore import QPoint, Qt, pyqtSignal
from PyQt6.QtGui import QImage, QPixmap
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from geo_tool.ui.i18n import tr

ZOOM_STEP = 1.6
DRAG_PX = 4


def render_figure(fig: Figure, width_px: int, height_px: int, dpr: float = 1.0) -> np.ndarray:
    """Render a figure at the panel's size to an RGBA array (safe in a worker thread: Agg only)."""
    dpi = fig.get_dpi()
    fig.set_size_inches(max(width_px, 50) * dpr / dpi, max(height_px, 50) * dpr / dpi)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


class MapImage(QLabel):
    """The rendered map; reports clicks, drags and wheel turns in widget pixels."""

    clicked = pyqtSignal(QPoint)
    dragged = pyqtSignal(QPoint, QPoint)
    wheeled = pyqtSignal(QPoint, int)

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(300, 200)
        self._press: QPoint | None = None

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._press = event.position().toPoint()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._press is None:
            return
        end = event.position().toPoint()
        if (end - self._press).manhattanLength() <= DRAG_PX:
            self.clicked.emit(end)
        else:
            self.dragged.emit(self._press, end)
        self._press = None

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.wheeled.emit(event.position().toPoint(), event.angleDelta().y())


class MapView(QWidget):
    """Shows the core's map figure (`compose_map`) as an image; pan by dragging, zoom with the wheel.

    `runner(label, work, on_success)` runs work off the UI thread (the main window's
    `run_in_background`); `on_click(x, y)` receives RD metres.
    """

    rendered = pyqtSignal()

    def __init__(self, on_click: Callable[[float, float], None] | None = None,
                 runner: Callable | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.on_click = on_click
        self.runner = runner
        self.figure: Figure | None = None
        self.map_axes = None
        self.image: np.ndarray | None = None
        self._home = None
        self._busy = False
        self._again = False
        self._marks: list = []
        self._pending: list[Callable[[], None]] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        for text, tip, slot in (("⌂", tr("Hele kaart"), self.home), ("+", tr("Inzoomen"), lambda: self.zoom(1 / ZOOM_STEP)),
                                ("−", tr("Uitzoomen"), lambda: self.zoom(ZOOM_STEP))):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setFixedWidth(36)
            b.clicked.connect(slot)
            bar.addWidget(b)
        hint = QLabel(tr("Slepen = verschuiven, wiel = zoomen, klik = gegevens"))
        hint.setStyleSheet("color: #666;")
        bar.addWidget(hint)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.label = MapImage()
        self.label.setText(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("color: #555; font-size: 14px;")
        self.label.clicked.connect(self._clicked)
        self.label.dragged.connect(self._dragged)
        self.label.wheeled.connect(self._wheeled)
        lay.addWidget(self.label, 1)

    # -- size and rendering ---------------------------------------------------------------------
    def render_size(self) -> tuple[int, int, float]:
        """Width and height in widget pixels, and the device pixel ratio (high-DPI screens)."""
        return max(self.label.width(), 300), max(self.label.height(), 200), float(self.devicePixelRatioF())

    def show_rendered(self, fig: Figure, image: np.ndarray, keep_view: bool = True) -> None:
        """Show a figure already rendered off the UI thread; keeps the user's zoom for a new figure."""
        old = (self.map_axes.get_xlim(), self.map_axes.get_ylim()) if (keep_view and self.map_axes is not None
                                                                       and self._zoomed()) else None
        self.figure, self.map_axes = fig, (fig.axes[0] if fig.axes else None)
        self._marks = []
        if self.map_axes is not None:
            self._home = (self.map_axes.get_xlim(), self.map_axes.get_ylim())
        self._set_image(image)
        if old is not None and self.map_axes is not None:
            self.map_axes.set_xlim(old[0])
            self.map_axes.set_ylim(old[1])
            self.request_render()
        else:
            self.rendered.emit()

    def _zoomed(self) -> bool:
        return self._home is not None and (self.map_axes.get_xlim(), self.map_axes.get_ylim()) != self._home

    def _set_image(self, image: np.ndarray) -> None:
        self.image = image
        h, w = image.shape[:2]
        qimg = QImage(image.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        pix = QPixmap.fromImage(qimg)
        pix.setDevicePixelRatio(self.devicePixelRatioF())
        self.label.setStyleSheet("")
        self.label.setPixmap(pix)

    def request_render(self) -> None:
        """Render the current figure again (after a pan or zoom) in the background."""
        if self.figure is None or self.runner is None:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        fig, (w, h, dpr) = self.figure, self.render_size()

        def work(progress):
            return render_figure(fig, w, h, dpr)

        def done(image):
            self._busy = False
            if fig is self.figure:
                self._set_image(image)
            while self._pending:  # changes asked for while the figure was being drawn
                self._pending.pop(0)()
                self._again = True
            if self._again:
                self._again = False
                self.request_render()
            else:
                self.rendered.emit()

        def failed(message: str):
            self._busy = False
            self._pending.clear()

        self.runner(tr("Kaart tekenen…"), work, done, failed)

    def _change(self, fn: Callable[[], None]) -> None:
        """Change the figure now, or after the render in progress (never while a worker draws it)."""
        if self.map_axes is None:
            return
        if self._busy:
            self._pending.append(fn)
            self._again = True
            return
        fn()
        self.request_render()

    # -- navigation ----------------------------------------------------------------------------
    def to_map(self, p: QPoint) -> tuple[float, float] | None:
        """Widget pixels to RD metres, through the map axes of the last render."""
        if self.map_axes is None or self.image is None:
            return None
        dpr = self.devicePixelRatioF()
        h = self.image.shape[0]
        x, y = self.map_axes.transData.inverted().transform((p.x() * dpr, h - p.y() * dpr))
        return float(x), float(y)

    def home(self) -> None:
        """Back to the whole map."""
        if self.map_axes is not None and self._home is not None:
            home = self._home
            self._change(lambda: (self.map_axes.set_xlim(home[0]), self.map_axes.set_ylim(home[1])))

    def zoom(self, factor: float, centre: tuple[float, float] | None = None) -> None:
        """Zoom by `factor` (< 1 = in) around `centre` (RD metres; default the middle)."""
        if self.map_axes is None:
            return

        def apply() -> None:
            (x0, x1), (y0, y1) = self.map_axes.get_xlim(), self.map_axes.get_ylim()
            cx, cy = centre or ((x0 + x1) / 2, (y0 + y1) / 2)
            self.map_axes.set_xlim(cx - (cx - x0) * factor, cx + (x1 - cx) * factor)
            self.map_axes.set_ylim(cy - (cy - y0) * factor, cy + (y1 - cy) * factor)

        self._change(apply)

    def _dragged(self, start: QPoint, end: QPoint) -> None:
        a, b = self.to_map(start), self.to_map(end)
        if a is None or b is None:
            return
        dx, dy = a[0] - b[0], a[1] - b[1]

        def apply() -> None:
            (x0, x1), (y0, y1) = self.map_axes.get_xlim(), self.map_axes.get_ylim()
            self.map_axes.set_xlim(x0 + dx, x1 + dx)
            self.map_axes.set_ylim(y0 + dy, y1 + dy)

        self._change(apply)

    def _wheeled(self, p: QPoint, delta: int) -> None:
        if delta:
            self.zoom(1 / ZOOM_STEP if delta > 0 else ZOOM_STEP, self.to_map(p))

    def _clicked(self, p: QPoint) -> None:
        xy = self.to_map(p)
        if xy is None or self.on_click is None:
            return
        (x0, x1), (y0, y1) = self.map_axes.get_xlim(), self.map_axes.get_ylim()
        if min(x0, x1) <= xy[0] <= max(x0, x1) and min(y0, y1) <= xy[1] <= max(y0, y1):
            self.on_click(*xy)

    def mark(self, x: float, y: float, half_width_m: float = 350.0) -> None:
        """Zoom to a point and mark it with a ring (the selected address or wijk)."""
        def apply() -> None:
            for artist in self._marks:
                artist.remove()
            self._marks = self.map_axes.plot([x], [y], marker="o", markersize=16, markerfacecolor="none",
                                             markeredgecolor="#d62728", markeredgewidth=2.5, zorder=100)
            self.map_axes.set_xlim(x - half_width_m * 1.5, x + half_width_m * 1.5)
            self.map_axes.set_ylim(y - half_width_m, y + half_width_m)

        self._change(apply)
