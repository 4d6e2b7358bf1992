"""The building level in the window: a planner's level choice, drawn as points, identify shows the building."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("PyQt6")


def _show_building_level(window, qtbot) -> None:
    window.layer_panel.set_visible("complaints", True)
    with qtbot.waitSignal(window.map_drawn, timeout=120000):
        window.level.setCurrentIndex(window.level.findData("building"))


def test_building_level_is_offered_to_planners_only(window):
    """A planner can choose the building level; a researcher cannot (it is address-like detail)."""
    window.set_role("planner")
    assert window.level.findData("building") >= 0
    window.level.setCurrentIndex(window.level.findData("building"))
    window.set_role("researcher")
    assert window.level.findData("building") < 0
    assert window.level.currentData() == "wijk"
    window.set_role("planner")
    assert window.level.findData("building") >= 0


def test_building_level_draws_one_point_per_building(window, qtbot):
    """At building level the map's table has one point per building (fewer than addresses) with its figures."""
    from geo_tool.dataset.buildings import building_keys

    _show_building_level(window, qtbot)
    table = window.table
    n_buildings = building_keys(window.dataset.addresses).nunique()
    assert len(table) == n_buildings < len(window.dataset.addresses)
    assert set(table.geom_type) == {"Point"}
    assert "complaint_rate" in table.columns and "eum_share" in table.columns
    assert window.map_view.image is not None


def test_click_on_a_building_shows_its_figures(window, qtbot):
    """A click on the building with the most residents shows its addresses, residents, complaints and findings."""
    _show_building_level(window, qtbot)
    b = window.buildings
    row = b.iloc[int(np.argmax(b["residents"].to_numpy()))]
    window.identify(row.geometry.x + 1.0, row.geometry.y)
    text = window.details.toPlainText()
    for label, key in (("Woonadressen", "addresses"), ("Ingeschreven bewoners", "residents"),
                       ("Meldingen", "complaints"), ("Bezoeken met overtreding", "findings")):
        assert re.search(rf"{label}\s+{int(row[key])}\b", text), (label, text)
    html = window.details.toHtml()
    # no person ids in the panel
    persons = window.dataset.brp["person_id"].astype(str).head(200)
    assert not any(p in html for p in persons)
