"""The Kaart tab draws the planned routes: once the Weekplanning tab has a plan, a layer shows each team's route
of the chosen day along the streets (the small demo, Charlois, on the real street network)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("PyQt6")
pytest.importorskip("pytestqt")


@pytest.fixture
def window(qtbot, small_demo, street_network, monkeypatch):
    """A main window with the small demo loaded; plans use the shared street network (GEO_TOOL_NETWORK)."""
    from geo_tool.ui.main_window import MainWindow

    monkeypatch.setenv("GEO_TOOL_NETWORK", str(street_network))
    win = MainWindow()
    qtbot.addWidget(win)
    win.errors = []
    win.show_error = win.errors.append  # no modal dialogs in tests
    win.show()
    with qtbot.waitSignal(win.map_drawn, timeout=120000):
        win.open_dataset(small_demo)
    yield win
    win.cancel_work()
    win.close()


def _plan(win, qtbot) -> None:
    """Plan 2 teams x 2 days over 200 random demo addresses with a 2-s solve."""
    rng = np.random.default_rng(3)
    a = win.dataset.addresses.drop_duplicates("address_id").sample(200, random_state=3)
    ranked = pd.DataFrame({"address_id": a["address_id"].astype(str).to_numpy(), "score": rng.random(len(a)).round(4),
                           "wijk_code": a["wijk_code"].astype("string").to_numpy(),
                           "reason_1": "veel meldingen in het afgelopen jaar", "reason_2": "kleine woning",
                           "reason_3": pd.NA})
    ranked = ranked.sort_values("score", ascending=False).reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    win.ranking_tab.show_ranking(ranked)
    tab = win.planning_tab
    tab.time_limit.setValue(2)
    tab.teams.setValue(2)
    for key, box in tab.day_checks.items():
        box.setChecked(key in ("mon", "tue"))
    with qtbot.waitSignal(tab.finished, timeout=180000):
        tab.run()
    assert not win.errors, win.errors


def _route_lines(win, colours):
    """The map's lines drawn in a team colour (the routes), as (colour, number of vertices)."""
    from matplotlib.colors import to_hex

    return [(to_hex(line.get_color()), len(line.get_xdata())) for line in win.map_view.map_axes.get_lines()
            if to_hex(line.get_color()) in colours]


def test_kaart_draws_each_teams_route_of_the_chosen_day_along_the_streets(window, qtbot, tmp_path):
    """Without a plan the route layer is disabled; after planning it offers the planned days, and switching it on
    draws one line per team with visits that day, in the team's colour, with many more bends than stops (the
    street path, not straight segments between visits); another day draws that day's routes; off removes them."""
    from geo_tool.planning.outputs import TEAM_COLOURS

    win = window
    layer = win.route_layer
    assert not layer.isEnabled() and layer.selection() is None
    _plan(win, qtbot)
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
    with qtbot.waitSignal(win.map_drawn, timeout=120000):
        layer.show_routes.setChecked(False)
    assert _route_lines(win, colours) == []
