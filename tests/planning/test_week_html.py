"""plan_week.html: the team legend sits above the metric scale bar, never under it."""

from __future__ import annotations

from browser import overlaps, probe_map

from geo_tool.export.html import copy_assets
from geo_tool.planning.outputs import _addresses_info, week_html


def test_team_legend_not_hidden_under_the_scale_bar(small_plan, small_dataset, tmp_path):
    """In Chromium at 1366x768: the team legend shows every team and its box does not overlap the scale bar,
    which is metric only."""
    out = tmp_path / "plan_week.html"
    page = week_html(small_plan, small_dataset, _addresses_info(small_plan, small_dataset), copy_assets(out))
    assert "L.control.scale()" not in page
    out.write_text(page, encoding="utf-8")
    seen = probe_map(out)
    assert seen["legend"] is not None and seen["scale"] is not None
    assert not overlaps(seen["legend"], seen["scale"]), seen
    assert all(line.endswith("m") for line in seen["scale_lines"]) and len(seen["scale_lines"]) == 1
