"""The map panel: the composed map rendered off the UI thread, moved live like a GIS map canvas.

Drawing a city map with matplotlib takes 0.1-0.3 s; done on the UI thread that would freeze the
window. So the figure is rendered to an image in a worker (as a GIS map canvas does) and the panel
shows that image. While the user drags or turns the wheel, the last image is moved and scaled at
once (the map follows the mouse); when the movement stops (`SETTLE_MS`) the map is rendered sharply
at the new extent in the worker. A metric scale bar that follows the current scale and tooltips
with a wijk's figures on hover are drawn by the panel itself, without a render.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from matplotlib.figure import Figure
from PyQt6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from geo_tool.ui.i18n import format_number, language, tr

ZOOM_STEP = 1.6
WHEEL_NOTCH = 120  # angleDelta of one wheel notch; touchpads send fractions of it
DRAG_PX = 4
SETTLE_MS = 250  # render sharply once the map has not moved for this long
SCALE_BAR_MAX_PX = 130
SCALE_BAR_MARGIN_PX = 12


def render_figure(fig: Figure, width_px: int, height_px: int, dpr: float = 1.0) -> np.ndarray:
    """Render a figure at the panel's size to an RGBA array (safe in a worker thread: Agg only)."""
    if fig.axes:
        prepare_for_screen(fig.axes[0])
    dpi = fig.get_dpi()
    fig.set_size_inches(max(width_px, 50) * dpr / dpi, max(height_px, 50) * dpr / dpi)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def nice_scale_length(metres_per_px: float, max_px: float = SCALE_BAR_MAX_PX) -> float:
    """The longest round length (1, 2 or 5 x 10^k metres) that fits in `max_px` pixels at this scale."""
    limit = max(metres_per_px * max_px, 1e-9)
    exp = math.floor(math.log10(limit))
    best = 10.0 ** exp
    for step in (1, 2, 5, 10):
        if step * 10.0 ** exp <= limit:
            best = step * 10.0 ** exp
    return best


def scale_label(metres: float) -> str:
    """``500 m``, ``1 km``, ``2,5 km``: the length a scale bar stands for (decimal comma in Dutch)."""
    text = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    return text if language() == "en" else text.replace(".", ",")


def number_text(value: float, kind: str) -> str:
    """A figure as a Dutch user reads it: thousands with a point, a decimal comma (counts without decimals)."""
    return format_number(value, 0 if kind == "count" else 1)


def prepare_for_screen(ax) -> None:
    """Make the composed map fit for panning: drop the figure's own scale bar (drawn for paper at the first
    extent; the panel draws one that follows every zoom) and keep the names of areas inside the map frame
    (after a pan they would otherwise be drawn over the legend). Idempotent."""
    import re

    from matplotlib.patches import Rectangle

    for p in [p for p in ax.patches if isinstance(p, Rectangle) and p.get_zorder() == 50]:
        p.remove()
    for t in list(ax.texts):
        if t.get_zorder() == 50 and re.fullmatch(r"0|[\d.,]+ k?m", t.get_text()):
            t.remove()
        elif t.get_transform() is ax.transData:
            t.set_clip_on(True)


class MapCanvas(QWidget):
    """Paints the last rendered map moved/scaled to the current extent, and the scale bar on top.

    Reports presses, drags, releases, wheel turns and hovering to its `MapView` in widget pixels.
    """

    def __init__(self, view: "MapView") -> None:
        super().__init__()
        self.view = view
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(300, 200)
        self.setMouseTracking(True)  # hover tooltips
        self._message = ""
        self.scale_bar_rect = QRectF()
        self.scale_bar_text = ""
        self.scale_bar_px = 0.0

    def setText(self, text: str) -> None:  # noqa: N802 (like QLabel: the message before a map is drawn)
        """The message shown while there is no map."""
        self._message = text
        self.update()

    def text(self) -> str:
        """The message shown while there is no map."""
        return self._message

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        v = self.view
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        if v.pixmap is None:
            p.setPen(QColor("#555555"))
            f = p.font()
            f.setPointSizeF(11)
            p.setFont(f)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            return
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.drawPixmap(0, 0, v.pixmap)  # title, side legends and footer stay where they are
        box = v.axes_box
        sx, sy, tx, ty = v.display_transform()
        if (sx, sy, tx, ty) != (1.0, 1.0, 0.0, 0.0) and not box.isEmpty():
            # inside the map frame the picture follows the mouse (the part not yet drawn stays white)
            p.save()
            p.setClipRect(box)
            p.fillRect(box, QColor("white"))
            dpr = v.pixmap.devicePixelRatio()
            source = QRectF(box.left() * dpr, box.top() * dpr, box.width() * dpr, box.height() * dpr)
            target = QRectF(box.left() * sx + tx, box.top() * sy + ty, box.width() * sx, box.height() * sy)
            p.drawPixmap(target, v.pixmap, source)  # only the map itself moves, not its title or legends
            p.restore()
        self._paint_scale_bar(p)

    def _paint_scale_bar(self, p: QPainter) -> None:
        """A two-segment black/white bar of a round length with ``0`` and its length, in a white box."""
        v = self.view
        mpp = v.metres_per_px()
        if mpp is None or mpp <= 0:
            self.scale_bar_rect, self.scale_bar_text = QRectF(), ""
            return
        length = nice_scale_length(mpp)
        px = length / mpp
        label = scale_label(length)
        f = QFont(p.font())
        f.setPointSizeF(8.5)
        p.setFont(f)
        fm = p.fontMetrics()
        bar_h = 6
        pad = 6
        w = px + fm.horizontalAdvance("0") / 2 + fm.horizontalAdvance(label) / 2 + 2 * pad
        h = fm.height() + bar_h + 3 * pad / 2 + 2
        rect = v.scale_bar_place(w, h)
        self.scale_bar_rect, self.scale_bar_text, self.scale_bar_px = rect, f"0 - {label}", px
        p.save()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 215))
        p.drawRoundedRect(rect, 3, 3)
        x0 = rect.left() + pad + fm.horizontalAdvance("0") / 2
        y_bar = rect.bottom() - pad - bar_h
        p.setPen(QPen(QColor("black"), 1))
        p.setBrush(QColor("black"))
        p.drawRect(QRectF(x0, y_bar, px / 2, bar_h))
        p.setBrush(QColor("white"))
        p.drawRect(QRectF(x0 + px / 2, y_bar, px / 2, bar_h))
        base = y_bar - 3
        p.drawText(QPointF(x0 - fm.horizontalAdvance("0") / 2, base), "0")
        p.drawText(QPointF(x0 + px - fm.horizontalAdvance(label) / 2, base), label)
        p.restore()

    # -- input -----------------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.view.press(event.position().toPoint())

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        pos = event.position().toPoint()
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.view.drag_to(pos)
        else:
            self.view.hover(pos, event.globalPosition().toPoint())

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.view.release(event.position().toPoint())

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.view.wheel(event.position().toPoint(), event.angleDelta().y())
        event.accept()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.view.figure is not None:  # render at the new size once the resizing stops
            self.view._settle.start()

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        QToolTip.hideText()
        super().leaveEvent(event)


class MapView(QWidget):
    """Shows the core's map figure (`compose_map`) as an image; drag pans live, the wheel zooms around the cursor.

    `runner(label, work, on_success, on_failure)` runs work off the UI thread (the main window's
    `run_in_background`); `on_click(x, y)` receives RD metres. The extent the user looks at is
    `extent` (x0, x1, y0, y1); the figure's axes get it only when a render starts, never while a
    worker draws the figure.
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
        self.pixmap: QPixmap | None = None
        self.extent: tuple[float, float, float, float] | None = None  # what the user looks at now
        self._drawn: tuple[float, float, float, float] | None = None  # what the pixmap shows
        self.axes_box = QRectF()  # the map frame in widget pixels (of the last render)
        self._legend_boxes: list[QRectF] = []
        self._home: tuple[float, float, float, float] | None = None
        self._busy = False
        self._again = False
        self._marks: list = []
        self._pending: list[Callable[[], None]] = []
        self._press: QPoint | None = None
        self._press_extent: tuple[float, float, float, float] | None = None
        self._dragging = False
        self._areas = None  # the figures table of the drawn map, for hover tooltips
        self._area_tree = None
        self.last_tooltip = ""
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.request_render)
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
        self.label = MapCanvas(self)
        self.label.setText(tr("Geen dataset geopend. Kies Bestand > Dataset openen."))
        lay.addWidget(self.label, 1)

    # -- size and rendering ---------------------------------------------------------------------
    def render_size(self) -> tuple[int, int, float]:
        """Width and height in widget pixels, and the device pixel ratio (high-DPI screens)."""
        return max(self.label.width(), 300), max(self.label.height(), 200), float(self.devicePixelRatioF())

    def show_rendered(self, fig: Figure, image: np.ndarray, keep_view: bool = True) -> None:
        """Show a figure already rendered off the UI thread; keeps the user's zoom for a new figure."""
        old = self.extent if (keep_view and self._zoomed()) else None
        self.figure, self.map_axes = fig, (fig.axes[0] if fig.axes else None)
        self._marks = []
        if self.map_axes is not None:
            prepare_for_screen(self.map_axes)
            self._home = self._axes_extent()
        self._set_image(image)
        if old is not None and self.map_axes is not None:
            self.extent = old
            self.request_render()
        else:
            self.extent = self._drawn
            self.rendered.emit()

    def _axes_extent(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.map_axes.get_xlim(), self.map_axes.get_ylim()
        return float(x0), float(x1), float(y0), float(y1)

    def _zoomed(self) -> bool:
        return self._home is not None and self.extent is not None and self.extent != self._home

    def _set_image(self, image: np.ndarray) -> None:
        """Show a rendered image and remember where its map frame and legends are (the figure was drawn)."""
        self.image = image
        h, w = image.shape[:2]
        dpr = self.devicePixelRatioF()
        qimg = QImage(image.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        pix = QPixmap.fromImage(qimg)
        pix.setDevicePixelRatio(dpr)
        self.pixmap = pix
        if self.map_axes is not None:
            self._drawn = self._axes_extent()
            self.axes_box = self._widget_rect(self.map_axes.get_window_extent(), h, dpr)
            self._legend_boxes = self._legends(h, dpr)
        self.label.update()

    @staticmethod
    def _widget_rect(bbox, image_h: int, dpr: float) -> QRectF:
        """A matplotlib display box (pixels from the bottom) as a widget rectangle (from the top)."""
        return QRectF(bbox.x0 / dpr, (image_h - bbox.y1) / dpr, bbox.width / dpr, bbox.height / dpr)

    def _legends(self, image_h: int, dpr: float) -> list[QRectF]:
        """Where the figure's legends are (in the map or beside it), so the scale bar never covers one."""
        from matplotlib.legend import Legend

        boxes = []
        for ax in self.figure.axes:
            for artist in list(ax.get_children()):
                if isinstance(artist, Legend) and artist.get_visible():
                    try:
                        boxes.append(self._widget_rect(artist.get_window_extent(), image_h, dpr))
                    except Exception:  # noqa: BLE001 (a legend that was never drawn has no extent)
                        continue
        ax = self.map_axes
        for t in ax.texts:  # notes stamped on the map (INTERN, schematic map), not the faint watermark
            if t.get_transform() is ax.transAxes and t.get_visible() and t.get_text() and (t.get_alpha() or 1) > 0.5:
                try:
                    boxes.append(self._widget_rect(t.get_window_extent(), image_h, dpr))
                except Exception:  # noqa: BLE001
                    continue
        return boxes

    def request_render(self) -> None:
        """Render the current extent sharply in the background (after a pan or zoom has settled)."""
        self._settle.stop()
        if self.figure is None or self.runner is None:
            return
        if self._busy:
            self._again = True
            return
        if self.extent is not None and self.map_axes is not None:
            x0, x1, y0, y1 = self.extent
            self.map_axes.set_xlim(x0, x1)
            self.map_axes.set_ylim(y0, y1)
        self._busy = True
        fig, (w, h, dpr) = self.figure, self.render_size()
        asked = self.extent

        def work(progress):
            return render_figure(fig, w, h, dpr)

        def done(image):
            self._busy = False
            if fig is self.figure:
                self._set_image(image)
                if self.extent == asked:  # matplotlib may widen the extent to fill the frame
                    self.extent = self._drawn
            while self._pending:  # changes asked for while the figure was being drawn
                self._pending.pop(0)()
                self._again = True
            if self.extent != self._drawn:
                self._again = True
            if self._again:
                self._again = False
                self.request_render()
            else:
                self.label.update()
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

    # -- the displayed picture -----------------------------------------------------------------
    def display_transform(self) -> tuple[float, float, float, float]:
        """(scale x, scale y, offset x, offset y): how the last image is drawn to show the current extent.

        A widget pixel p of the image is shown at ``scale * p + offset``; (1, 1, 0, 0) when the image
        shows exactly the current extent.
        """
        if self.extent is None or self._drawn is None or self.axes_box.isEmpty() or self.extent == self._drawn:
            return 1.0, 1.0, 0.0, 0.0
        b = self.axes_box
        (e0, e1, f0, f1), (r0, r1, s0, s1) = self.extent, self._drawn
        sx, sy = (r1 - r0) / (e1 - e0), (s1 - s0) / (f1 - f0)
        tx = b.left() + (r0 - e0) / (e1 - e0) * b.width() - b.left() * sx
        ty = b.top() + (f1 - s1) / (f1 - f0) * b.height() - b.top() * sy
        return sx, sy, tx, ty

    def display_offset(self) -> tuple[float, float]:
        """How far (widget pixels) the shown picture is moved from where it was rendered (at the map frame's corner)."""
        sx, sy, tx, ty = self.display_transform()
        b = self.axes_box
        return tx + b.left() * sx - b.left(), ty + b.top() * sy - b.top()

    def metres_per_px(self) -> float | None:
        """The current scale: RD metres per widget pixel (None without a map)."""
        if self.extent is None or self.axes_box.isEmpty():
            return None
        return (self.extent[1] - self.extent[0]) / self.axes_box.width()

    def scale_bar_place(self, w: float, h: float) -> QRectF:
        """Where the scale bar goes: a lower or upper corner of the map frame that covers no legend."""
        b, m = self.axes_box, SCALE_BAR_MARGIN_PX
        corners = [(QRectF(b.left() + m, b.bottom() - m - h, w, h), True),
                   (QRectF(b.right() - m - w, b.bottom() - m - h, w, h), True),
                   (QRectF(b.left() + m, b.top() + m, w, h), False)]
        for rect, lower in corners:
            for _ in range(8):  # step past what is in the way: up from a lower corner, down from an upper one
                hits = [lb for lb in self._legend_boxes if rect.intersects(lb)]
                if not hits:
                    return rect
                if lower:
                    rect.moveBottom(min(lb.top() for lb in hits) - 4)
                else:
                    rect.moveTop(max(lb.bottom() for lb in hits) + 4)
                if not b.contains(rect):
                    break
        return corners[0][0]

    # -- navigation ----------------------------------------------------------------------------
    def to_map(self, p: QPoint) -> tuple[float, float] | None:
        """Widget pixels to RD metres at the current extent (what the user sees under the mouse)."""
        if self.extent is None or self.axes_box.isEmpty():
            return None
        b = self.axes_box
        x0, x1, y0, y1 = self.extent
        return (x0 + (p.x() - b.left()) / b.width() * (x1 - x0),
                y1 - (p.y() - b.top()) / b.height() * (y1 - y0))

    def to_widget(self, x: float, y: float) -> QPointF | None:
        """RD metres to widget pixels at the current extent (the inverse of `to_map`)."""
        if self.extent is None or self.axes_box.isEmpty():
            return None
        b = self.axes_box
        x0, x1, y0, y1 = self.extent
        return QPointF(b.left() + (x - x0) / (x1 - x0) * b.width(), b.top() + (y1 - y) / (y1 - y0) * b.height())

    def set_extent(self, extent: tuple[float, float, float, float], render_now: bool = False) -> None:
        """Look at `extent` (x0, x1, y0, y1): the picture moves at once, a sharp render follows when it settles."""
        if self.map_axes is None:
            return
        self.extent = tuple(float(v) for v in extent)  # type: ignore[assignment]
        self.label.update()
        if render_now:
            self.request_render()
        else:
            self._settle.start()

    def home(self) -> None:
        """Back to the whole map."""
        if self._home is not None:
            self.set_extent(self._home, render_now=True)

    def zoom(self, factor: float, centre: tuple[float, float] | None = None, render_now: bool = True) -> None:
        """Zoom by `factor` (< 1 = in) around `centre` (RD metres, stays under the cursor; default the middle)."""
        if self.extent is None:
            return
        x0, x1, y0, y1 = self.extent
        cx, cy = centre or ((x0 + x1) / 2, (y0 + y1) / 2)
        self.set_extent((cx - (cx - x0) * factor, cx + (x1 - cx) * factor,
                         cy - (cy - y0) * factor, cy + (y1 - cy) * factor), render_now)

    def pan_pixels(self, dx: float, dy: float, start: tuple[float, float, float, float] | None = None) -> None:
        """Move the map so that what was under a pixel is `dx`, `dy` pixels further (right, down)."""
        mpp = self.metres_per_px()
        base = start or self.extent
        if mpp is None or base is None:
            return
        x0, x1, y0, y1 = base
        self.set_extent((x0 - dx * mpp, x1 - dx * mpp, y0 + dy * mpp, y1 + dy * mpp))

    def press(self, p: QPoint) -> None:
        """Mouse down: a drag or a click follows."""
        QToolTip.hideText()
        self._press, self._press_extent, self._dragging = p, self.extent, False

    def drag_to(self, p: QPoint) -> None:
        """Mouse moved with the button down: the picture follows the mouse now, the render waits."""
        if self._press is None or self._press_extent is None:
            return
        d = p - self._press
        if not self._dragging and d.manhattanLength() <= DRAG_PX:
            return
        self._dragging = True
        self._settle.stop()
        self.pan_pixels(d.x(), d.y(), self._press_extent)
        self._settle.stop()  # no render while the button is down

    def release(self, p: QPoint) -> None:
        """Mouse up: a click identifies, the end of a drag renders the new extent when it has settled."""
        if self._press is None:
            return
        start, self._press = self._press, None
        if not self._dragging and (p - start).manhattanLength() <= DRAG_PX:
            self._clicked(p)
            return
        self.drag_to(p) if self._dragging else self._dragged(start, p)
        self._dragging = False
        self._settle.start()

    def _dragged(self, start: QPoint, end: QPoint) -> None:
        """A whole drag from `start` to `end` at once (the map moves by the difference)."""
        d = end - start
        self.pan_pixels(d.x(), d.y())

    def wheel(self, p: QPoint, delta: int) -> None:
        """Wheel: zoom around the cursor at once (the picture scales), render when the wheel stops."""
        if not delta:
            return
        factor = ZOOM_STEP ** (-delta / WHEEL_NOTCH)
        self.zoom(factor, self.to_map(p), render_now=False)

    def _clicked(self, p: QPoint) -> None:
        xy = self.to_map(p)
        if xy is None or self.on_click is None:
            return
        x0, x1, y0, y1 = self.extent
        if min(x0, x1) <= xy[0] <= max(x0, x1) and min(y0, y1) <= xy[1] <= max(y0, y1):
            self.on_click(*xy)

    def mark(self, x: float, y: float, half_width_m: float = 350.0) -> None:
        """Zoom to a point and mark it with a ring (the selected address or wijk)."""
        def apply() -> None:
            for artist in self._marks:
                artist.remove()
            self._marks = self.map_axes.plot([x], [y], marker="o", markersize=16, markerfacecolor="none",
                                             markeredgecolor="#d62728", markeredgewidth=2.5, zorder=100)
            self.extent = (x - half_width_m * 1.5, x + half_width_m * 1.5, y - half_width_m, y + half_width_m)

        self._change(apply)

    # -- hover -----------------------------------------------------------------------------------
    def set_areas(self, table) -> None:
        """The figures table of the drawn map (wijk or gebied polygons with the drawn measures) for hover
        tooltips; the spatial index is built once here, so hovering needs no render."""
        import shapely

        self._areas, self._area_tree = None, None
        if table is None or "geometry" not in getattr(table, "columns", []) or not len(table):
            return
        geoms = table.geometry.to_numpy()
        if not np.isin(shapely.get_type_id(geoms), (3, 6)).all():  # polygons only (not addresses or buildings)
            return
        self._areas = table
        self._area_tree = shapely.STRtree(geoms)

    def area_at(self, x: float, y: float):
        """The row of the figures table whose polygon holds the point (RD metres), or None."""
        if self._area_tree is None:
            return None
        from shapely.geometry import Point

        hits = self._area_tree.query(Point(x, y), predicate="intersects")
        return self._areas.iloc[int(min(hits))] if len(hits) else None

    def tooltip_text(self, p: QPoint) -> str:
        """The hover text at a widget pixel: the area's name as CBS spells it, the drawn figures, the period."""
        import html

        import pandas as pd

        xy = self.to_map(p)
        if xy is None or not self.axes_box.contains(QPointF(p)):
            return ""
        row = self.area_at(*xy)
        if row is None:
            return ""
        t = self._areas.attrs
        lines = [f"<b>{html.escape(str(row.get('name', '')))}</b>"]
        measures = [(k, m) for k, m in t.get("measures", {}).items()
                    if k in self._areas.columns and getattr(m, "kind", "") not in ("points", "outline", "surface", "category")]
        for key, m in reversed(measures):  # the top layer first
            value = row.get(key)
            text = tr("geen gegevens") if value is None or pd.isna(value) else number_text(float(value), m.kind)
            lines.append(f"{html.escape(m.label)}: <b>{text}</b> {html.escape(m.unit)}")
        window = t.get("window")
        if window:
            s, e = pd.Timestamp(window["start"]), pd.Timestamp(window["end"])
            lines.append(f"<span style='color:#555'>{tr('periode')} {s.day}-{s.month}-{s.year} {tr('t/m')} "
                         f"{e.day}-{e.month}-{e.year}</span>")
        return "<br>".join(f"<nobr>{line}</nobr>" for line in lines)

    def hover(self, p: QPoint, global_pos: QPoint | None = None) -> str:
        """Show the tooltip for the area under the mouse (hidden outside the areas); returns its text."""
        text = self.tooltip_text(p)
        self.last_tooltip = text
        if text:
            QToolTip.showText(global_pos if global_pos is not None else self.label.mapToGlobal(p), text, self.label)
        else:
            QToolTip.hideText()
        return text
