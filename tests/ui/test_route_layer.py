"""The Kaart tab draws the planned routes: once the Weekplanning tab has a plan, a layer shows each team's route
of the chosen day along the streets (the small demo, Charlois, on the real street network)."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("PyQt6")
pytest.importorskip("pytestqt")

from test_tabs_ranking_planning import plan_small, window  # noqa: E402,F401 (the small demo window fixture)


def _route_lines(win, colours):
    """The map's lines drawn in a team colour (the routes), as (colour, number of vertices)."""
    from matplotlib.colors import to_hex

    return [(to_hex(line.get_color()), len(line.get_xdata())) for line in win.map_view.map_axes.get_lines()
            if to_hex(line.get_color()) in colours]


def test_kaart_draws_each_teams_route_of_the_chosen_day_along_the_streets(window, qtbot, tmp_path, street_network,
                                                                         monkeypatch):
    """Without a plan the route layer is disabled; after planning it offers the planned days, and switching it on
    draws one line per team with visits that day, in the team's colour, with many more bends than stops (the
    street path, not straight segments between visits); another day draws that day's routes; off removes them."""
    from geo_tool.planning.outputs import TEAM_COLOURS

    win = window
    monkeypatch.setenv("GEO_TOOL_NETWORK", str(street_network))  # the plan is made over the real street network
    layer = win.route_layer
    assert not layer.isEnabled() and layer.selection() is None
    plan_small(win, qtbot)
    plan = win.planning_tab.plan
    assert plan.instance.travel.uses_network
    assert layer.isEnabled() and layer.day.count() == 2
    colours = {c.lower() for c in TEAM_COLOURS[:2]}
    assert _route_lines(win, colours) == []
    with qtbot.waitSignal(win.map_drawn, timeout=120000):
        layer.show_routes.setChecked(True)
    v = plan.visits[plan.visits["status"] == "planned"]
    for i in range(layer.day.count()):
        if i:
            with qtbot.waitSignal(win.map_drawn, timeout=120000):
                layer.day.setCurrentIndex(i)
        day = layer.day.currentData()
        lines = _route_lines(win, colours)
        today = v[v["day"] == day]
        assert len(lines) == today["team"].nunique() > 0
        for _colour, n in lines:
            assert n > 3 * len(today) / today["team"].nunique()
    win.resize(1400, 900)
    shot = tmp_path / "kaart_routes.png"
    with qtbot.waitSignal(win.map_drawn, timeout=120000):
        win.redraw()
    assert win.grab().save(str(shot))
    if os.environ.get("GEO_TOOL_KEEP_SCREENSHOT"):
        win.grab().save(os.environ["GEO_TOOL_KEEP_SCREENSHOT"])
    # issue 15: the routes' legend is readable (8 pt) and covers none of the map's boxes (title, legend, footer)
    ax = win.map_view.map_axes
    renderer = win.map_view.figure.canvas.get_renderer()
    legend = ax.get_legend()
    assert legend is not None and min(t.get_fontsize() for t in legend.get_texts()) >= 8
    box = legend.get_window_extent(renderer)
    for other in [*ax.artists, *ax.texts]:
        if other.get_gid() in ("title", "legend", "footer"):
            assert not box.overlaps(other.get_window_extent(renderer)), other.get_gid()
    with qtbot.waitSignal(win.map_drawn, timeout=120000):
        layer.show_routes.setChecked(False)
    assert _route_lines(win, colours) == []
