"""The offline HTML map reads like a map: one thematic layer at a time with its own legend, and a metric
scale bar that never covers the legend."""

from __future__ import annotations

import re

from browser import overlaps, probe_map

from geo_tool.export import export_map

THEMES = ["brp:eum_share", "complaints:complaint_rate", "inspections:hit_rate"]
LABELS = ["Aandeel EU-arbeidsmigranten", "Meldingen per 1.000 bewoners", "Trefkans"]


def _base_layer_block(page: str) -> str:
    return re.search(r"base_layers : \{(.*?)\}", page, re.S).group(1)


def test_thematic_layers_are_radio_buttons(tiny_dataset, window_2023, tmp_path):
    """Every choropleth is a base layer of the layer control (radio buttons, exclusive), the scale bar is
    metric only, and each legend is tied to its layer."""
    out = export_map(tiny_dataset, THEMES, tmp_path / "kaart.html", window=window_2023)
    page = out.read_text(encoding="utf-8")
    base = _base_layer_block(page)
    assert all(label in base for label in LABELS), base
    assert "L.control.scale()" not in page and "imperial: false" in page
    assert page.count("data-layer=") == len(THEMES)


def test_one_choropleth_and_its_legend_visible_in_the_browser(tiny_dataset, window_2023, tmp_path):
    """In Chromium: three radio buttons, one checked; exactly one legend shows, the checked layer's, and
    after switching layers the new layer's legend replaces it; the metric scale bar does not overlap the
    legend box at 1366x768 and 1920x1080."""
    out = export_map(tiny_dataset, THEMES, tmp_path / "kaart.html", window=window_2023)
    for size in ((1366, 768), (1920, 1080)):
        seen = probe_map(out, *size)
        assert seen["radios"] == 3 and seen["checked"] == 1 and seen["checked_after_switch"] == 1
        assert len(seen["legends"]) == 1 and LABELS[0] in seen["legends"][0]
        assert len(seen["legends_after_switch"]) == 1 and LABELS[2] in seen["legends_after_switch"][0]
        assert seen["scale"] is not None and seen["legend"] is not None
        assert not overlaps(seen["legend"], seen["scale"]), seen
        assert seen["scale_lines"] and all(re.search(r"\d+ k?m$", s) for s in seen["scale_lines"]), seen["scale_lines"]
