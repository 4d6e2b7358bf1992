"""Undo and redo of a hand move in the week plan (issue 15): Ctrl+Z gives back the identical plan."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("PyQt6")
pytest.importorskip("pytestqt")

# the planning tab's helpers and its window fixture (small demo loaded, errors collected instead of dialogs)
from test_tabs_ranking_planning import plan_small, table_column, window  # noqa: E402, F401


def _rows(tab) -> dict:
    return {k: table_column(t, "adres-id") for k, t in tab.day_tables.items()}


def test_move_then_undo_gives_the_identical_plan_and_redo_moves_again(window, qtbot):
    """Moving a visit and undoing it (Ctrl+Z) restores the plan exactly (visits, order, times, tables); the
    Bewerken menu names what it undoes ("Ongedaan maken: bezoek verplaatsen"); Ctrl+Y redoes the move."""
    from PyQt6.QtCore import Qt
    from PyQt6.QtTest import QTest

    tab = plan_small(window, qtbot)
    mon, tue = tab.plan.params.day_dates
    before_plan, before_visits, before_rows = tab.plan, tab.plan.visits.copy(), _rows(tab)
    assert not tab.undo_action.isEnabled() and tab.undo_action.text() == "Ongedaan maken"
    v = tab.plan.visits
    aid = str(v[(v["team"] == "T1") & (v["day"] == tue)].sort_values("order")["address_id"].iloc[0])
    with qtbot.waitSignal(tab.finished, timeout=120000):
        tab.move(aid, "T2", mon)
    moved_visits = tab.plan.visits.copy()
    assert moved_visits.set_index("address_id").at[aid, "team"] == "T2"
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "Bewerken")
    texts = [a.text() for a in edit_menu.actions()]
    assert "Ongedaan maken: bezoek verplaatsen" in texts
    assert tab.undo_action.isEnabled()

    window.show_tab("weekplanning")
    table = tab.team_day_tabs.currentWidget()
    table.setFocus()
    with qtbot.waitSignal(tab.finished, timeout=60000):
        QTest.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tab.plan is before_plan
    pd.testing.assert_frame_equal(tab.plan.visits, before_visits)
    assert _rows(tab) == before_rows
    assert tab.redo_action.text() == "Opnieuw: bezoek verplaatsen"
    assert "Ongedaan gemaakt" in tab.notice.text()

    table = tab.team_day_tabs.currentWidget()  # the tables are rebuilt for the restored plan
    table.setFocus()
    with qtbot.waitSignal(tab.finished, timeout=60000):
        QTest.keyClick(table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    pd.testing.assert_frame_equal(tab.plan.visits, moved_visits)
    assert aid in table_column(tab.day_tables[("T2", mon)], "adres-id")
    assert not window.errors, window.errors


def test_a_new_plan_cannot_be_undone_into(window, qtbot):
    """Planning again empties the undo stack: Ctrl+Z never brings back a move of an earlier plan."""
    tab = plan_small(window, qtbot)
    mon, tue = tab.plan.params.day_dates
    aid = str(tab.plan.visits.query("day == @tue")["address_id"].iloc[0])
    with qtbot.waitSignal(tab.finished, timeout=120000):
        tab.move(aid, "T1", mon)
    assert tab.undo_stack.canUndo()
    with qtbot.waitSignal(tab.finished, timeout=180000):
        tab.run()
    assert not tab.undo_stack.canUndo() and not tab.undo_action.isEnabled()


def test_the_day_map_legend_is_readable_text_under_the_preview(window, qtbot):
    """The day maps are scaled down to fit, so their legend is shown again as text in the window's font under
    the preview: every team of the shown day with its colour and number of visits, and the symbols; it
    follows the day chosen in the preview."""
    from geo_tool.planning.outputs import team_colour

    tab = plan_small(window, qtbot)
    mon, tue = tab.plan.params.day_dates
    assert tab.gallery.count() == 2 and not tab.route_legend.isHidden()
    pl = tab.plan.visits[tab.plan.visits["status"] == "planned"]
    for i, day in enumerate((mon, tue)):
        tab.gallery.setCurrentIndex(i)
        text = tab.route_legend.text()
        for team in ("T1", "T2"):
            n = int(((pl["team"] == team) & (pl["day"] == day)).sum())
            if n:
                assert f"<b>{team}</b>: {n} bezoeken" in text
                assert team_colour(team, tab.plan.params.team_labels) in text
        assert "start/eindpunt" in text and "verplicht bezoek" in text
    assert tab.route_legend.fontInfo().pixelSize() >= tab.fontInfo().pixelSize()
