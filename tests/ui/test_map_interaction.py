"""The Kaart tab moves like a map (issue 15): live pan and zoom, a scale bar that follows, hover tooltips."""

import re

import pytest
from PyQt6.QtCore import QEvent, QPoint, QPointF, Qt
from PyQt6.QtGui import QMouseEvent, QWheelEvent
from PyQt6.QtWidgets import QApplication


def _mouse(canvas, kind, pos: QPoint, buttons=Qt.MouseButton.LeftButton, button=Qt.MouseButton.LeftButton):
    """Send a mouse event (QTest.mouseMove cannot hold a button down in Qt 6)."""
    p = QPointF(pos)
    event = QMouseEvent(kind, p, QPointF(canvas.mapToGlobal(pos)), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)


def _wheel(canvas, pos: QPoint, notches: float):
    p = QPointF(pos)
    event = QWheelEvent(p, QPointF(canvas.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, int(120 * notches)),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas, event)


def _centre(view) -> QPoint:
    return view.axes_box.center().toPoint()


def test_drag_moves_the_picture_while_the_mouse_moves_and_renders_after(window, qtbot):
    """While the button is down the picture follows the mouse pixel for pixel (no render yet); after the
    release the map is rendered sharply at the moved extent and shown unshifted."""
    view = window.map_view
    canvas = view.label
    x0, x1, y0, y1 = view.extent
    mpp = view.metres_per_px()
    image = view.image
    start = _centre(view)
    _mouse(canvas, QEvent.Type.MouseButtonPress, start, button=Qt.MouseButton.LeftButton)
    _mouse(canvas, QEvent.Type.MouseMove, start + QPoint(30, 10), button=Qt.MouseButton.NoButton)
    _mouse(canvas, QEvent.Type.MouseMove, start + QPoint(60, 30), button=Qt.MouseButton.NoButton)
    dx, dy = view.display_offset()
    assert dx == pytest.approx(60, abs=0.5) and dy == pytest.approx(30, abs=0.5)
    e = view.extent
    assert e[0] == pytest.approx(x0 - 60 * mpp) and e[1] == pytest.approx(x1 - 60 * mpp)  # dragged right: view west
    assert e[2] == pytest.approx(y0 + 30 * mpp) and e[3] == pytest.approx(y1 + 30 * mpp)  # dragged down: view north
    assert view.image is image and not view._busy  # nothing rendered while dragging
    with qtbot.waitSignal(view.rendered, timeout=60000):
        _mouse(canvas, QEvent.Type.MouseButtonRelease, start + QPoint(60, 30), buttons=Qt.MouseButton.NoButton)
    assert view.image is not image
    assert view.display_offset() == pytest.approx((0.0, 0.0), abs=1e-6)
    ax = view.map_axes
    assert ax.get_xlim()[0] == pytest.approx(x0 - 60 * mpp, abs=mpp) and ax.get_ylim()[1] == pytest.approx(y1 + 30 * mpp, abs=mpp)


def test_wheel_zooms_around_the_cursor_at_once(window, qtbot):
    """One wheel notch zooms in by the zoom step around the cursor: the place under the cursor stays under
    it, the old picture is scaled up immediately, and the sharp render keeps that extent."""
    from geo_tool.ui.map_view import ZOOM_STEP

    view = window.map_view
    canvas = view.label
    width = view.extent[1] - view.extent[0]
    at = _centre(view) + QPoint(-80, 40)
    under = view.to_map(at)
    _wheel(canvas, at, 1)
    assert view.extent[1] - view.extent[0] == pytest.approx(width / ZOOM_STEP)
    assert view.to_map(at) == pytest.approx(under)
    sx, sy, _tx, _ty = view.display_transform()
    assert sx == pytest.approx(ZOOM_STEP) and sy == pytest.approx(ZOOM_STEP)
    with qtbot.waitSignal(view.rendered, timeout=60000):
        pass
    assert view.display_transform() == (1.0, 1.0, 0.0, 0.0)
    assert view.to_map(at) == pytest.approx(under, abs=width * 1e-3)
    with qtbot.waitSignal(view.rendered, timeout=60000):
        view.home()


def test_scale_bar_follows_the_extent_and_covers_no_legend(window, qtbot):
    """The scale bar is a round metric length whose pixels match the current extent, in Dutch ("0 - 500 m",
    "1 km"); it shortens in metres when zoomed in, never overlaps a legend, and the figure's own bar (which
    would be wrong after a zoom) is gone from the screen map."""
    view = window.map_view
    canvas = view.label
    canvas.grab()
    x0, x1, _y0, _y1 = view.extent
    length = canvas.scale_bar_px * (x1 - x0) / view.axes_box.width()
    assert re.fullmatch(r"0 - (\d+ m|\d+(,\d)? km)", canvas.scale_bar_text)
    m = re.fullmatch(r"0 - (\d+(?:,\d)?) (k?m)", canvas.scale_bar_text)
    said = float(m.group(1).replace(",", ".")) * (1000 if m.group(2) == "km" else 1)
    assert length == pytest.approx(said, rel=1e-6)
    assert not any(canvas.scale_bar_rect.intersects(b) for b in view._legend_boxes)
    assert view.axes_box.contains(canvas.scale_bar_rect)
    assert not [t for t in view.map_axes.texts if re.fullmatch(r"[\d.,]+ k?m", t.get_text())]
    before = said
    with qtbot.waitSignal(view.rendered, timeout=60000):
        view.zoom(0.25)
    canvas.grab()
    m = re.fullmatch(r"0 - (\d+(?:,\d)?) (k?m)", canvas.scale_bar_text)
    after = float(m.group(1).replace(",", ".")) * (1000 if m.group(2) == "km" else 1)
    assert after < before
    x0, x1, _y0, _y1 = view.extent
    assert canvas.scale_bar_px * (x1 - x0) / view.axes_box.width() == pytest.approx(after, rel=1e-6)
    with qtbot.waitSignal(view.rendered, timeout=60000):
        view.home()


def test_scale_bar_avoids_a_legend_in_the_map(window):
    """A legend in the lower left of the map (the route legend) moves the scale bar to another corner."""
    from PyQt6.QtCore import QRectF

    view = window.map_view
    b = view.axes_box
    view._legend_boxes = [QRectF(b.left(), b.bottom() - 150, 200, 150)]
    rect = view.scale_bar_place(120, 30)
    assert not rect.intersects(view._legend_boxes[0]) and b.contains(rect)
    # a note along the whole bottom and a label in the upper left: the bar goes just above the note
    view._legend_boxes = [QRectF(b.left(), b.bottom() - 20, b.width(), 20), QRectF(b.left(), b.top(), 200, 20)]
    rect = view.scale_bar_place(120, 30)
    assert not any(rect.intersects(lb) for lb in view._legend_boxes) and b.contains(rect)
    assert rect.bottom() > b.center().y()


def test_hover_over_a_wijk_shows_its_name_figure_and_period(window):
    """Hovering over a wijk shows its CBS name, the drawn measure's value with a decimal comma and the
    period, from the loaded table (no render)."""
    view = window.map_view
    table = window.table
    row = table[table["name"] == "Carnisse"]
    assert len(row) == 1
    pt = row.geometry.iloc[0].representative_point()
    at = view.to_widget(pt.x, pt.y).toPoint()
    image = view.image
    _mouse(view.label, QEvent.Type.MouseMove, at, buttons=Qt.MouseButton.NoButton, button=Qt.MouseButton.NoButton)
    text = view.last_tooltip
    assert "<b>Carnisse</b>" in text
    measure = table.attrs["measures"]["eum_share"]
    value = float(row["eum_share"].iloc[0])
    assert f"{measure.label}: <b>{value:.1f}".replace(".", ",") in text
    w = table.attrs["window"]
    start = w["start"].split("-")
    assert f"{int(start[2])}-{int(start[1])}-{start[0]} t/m" in text
    assert view.image is image and not view._busy
    outside = view.to_widget(view.extent[0] - 1000, view.extent[2] - 1000)
    assert view.hover(outside.toPoint()) == ""
