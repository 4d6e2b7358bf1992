"""Street context for the maps: main streets and water derived from the network, cached, drawn offline."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from matplotlib.figure import Figure

from geo_tool.export.maps import draw_street_context
from geo_tool.network import context as ctx


@pytest.fixture(scope="module")
def network_file(street_network):
    return street_network


def test_context_has_the_maas_and_main_streets_and_is_cached(network_file):
    """The Nieuwe Maas is water and the city's streets are not; the context is cached and verified by its hash."""
    ctx._MEMO.clear()  # another test in this process may have built it under another cache folder
    frame = ctx.street_context(network_file)
    water = shapely.union_all(frame[frame["kind"] == "water"].geometry.to_numpy())
    assert water.contains(shapely.Point(95000, 436600))  # the Nieuwe Maas by the Van Brienenoord side of Feijenoord
    assert not water.contains(shapely.Point(91000, 434000))  # Charlois
    assert not water.contains(shapely.Point(93500, 438500))  # Rotterdam Centrum / Noord
    streets = frame[frame["kind"] == "street"]
    assert {"motorway", "primary", "residential"} <= set(streets["road_class"])
    entry = ctx._context_file(__import__("geo_tool.dataset.cache", fromlist=["file_sha256"]).file_sha256(network_file))
    assert entry.exists() and entry.with_suffix(".sha256").exists()
    ctx._MEMO.clear()
    again = ctx.street_context(network_file)
    assert len(again) == len(frame)
    entry.write_bytes(entry.read_bytes()[:-10])  # damaged: rebuilt, not read
    ctx._MEMO.clear()
    rebuilt = ctx.street_context(network_file)
    assert len(rebuilt) == len(frame)


def test_context_drawn_only_inside_the_map(network_file):
    """Drawing puts water and streets on the axes for the shown box (and nothing without a network)."""
    frame = ctx.street_context(network_file)
    fig = Figure()
    ax = fig.add_subplot()
    assert draw_street_context(ax, frame, (91000, 434000, 96000, 438000))
    assert len(ax.collections) >= 2
    empty = Figure().add_subplot()
    assert not draw_street_context(empty, None, (91000, 434000, 96000, 438000))
    part = ctx.clip_context(frame, (91000, 434000, 92000, 435000))
    assert len(part) < len(frame) / 10
    assert np.all(part.geometry.bounds["maxx"].to_numpy() >= 91000)


def test_default_context_follows_the_network_source(network_file, monkeypatch):
    """Maps get context from GEO_TOOL_NETWORK; without any network they get none (and never fail)."""
    monkeypatch.delenv("GEO_TOOL_NETWORK", raising=False)
    assert ctx.default_context() is None
    monkeypatch.setenv("GEO_TOOL_NETWORK", str(network_file))
    assert ctx.default_context() is not None
    monkeypatch.setenv("GEO_TOOL_NETWORK", "/nonexistent/network.gpkg")
    assert ctx.default_context() is None


def test_maps_show_context_and_credit_and_the_toggle_hides_it(network_file, small_demo, tmp_path, monkeypatch):
    """With a street network the window's map and the HTML export carry streets, water and the OSM credit; the
    layer-panel toggle (street_context=False) leaves them out."""
    from geo_tool.dataset import load_dataset
    from geo_tool.export.core import export_map
    from geo_tool.jobs import map_figure_for_window
    from geo_tool.network import ATTRIBUTION_NL

    monkeypatch.setenv("GEO_TOOL_NETWORK", str(network_file))
    ds = load_dataset(small_demo)

    def credits(fig) -> list[str]:
        from matplotlib.text import Text  # on paper a text on the map, in the window in the footer box

        return [t.get_text() for t in fig.findobj(Text) if ATTRIBUTION_NL in t.get_text()]

    on, _ = map_figure_for_window(ds, [("brp", "eum_share", "quantiles", 1.0)])
    off, _ = map_figure_for_window(ds, [("brp", "eum_share", "quantiles", 1.0)], street_context=False)
    assert credits(on) and not credits(off)
    assert len(on.axes[0].collections) > len(off.axes[0].collections)
    page = tmp_path / "map.html"
    export_map(ds, ["brp:eum_share"], page, internal=True)
    text = page.read_text(encoding="utf-8")
    assert "Straten en water" in text and ATTRIBUTION_NL in text
