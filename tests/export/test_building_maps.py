"""`geo-tool map --level building` as a drawn map (.png .pdf .svg .html): internal, planner only, and the
figures per building the map draws are the ones of `building_figures`."""

from __future__ import annotations

import numpy as np
import pytest

from geo_tool.cli import main
from geo_tool.dataset import load_dataset
from geo_tool.errors import UsageError
from geo_tool.layers import Level, TimeWindow, layer_from_spec
from geo_tool.layers.buildings import building_figures


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".svg", ".html"])
def test_building_map_formats_are_written_and_marked_internal(small_demo, tmp_path, suffix):
    """Every drawn format is written at building level and says it is internal; the title says 'per gebouw'."""
    out = tmp_path / f"gebouwen{suffix}"
    code = main(["map", str(small_demo), "--layers", "complaints:complaint_count", "--level", "building",
                 "--internal", "--out", str(out)])
    assert code == 0 and out.exists() and out.stat().st_size > 1000
    if suffix in (".svg", ".html"):
        text = out.read_text(encoding="utf-8")
        assert "INTERN" in text
        assert "per gebouw" in text
    if suffix == ".html":
        assert "Gebouw" in text  # the tooltip names the building, not an address id


def test_building_map_without_internal_is_refused(small_demo, tmp_path, capsys):
    """Figures per building are address-like detail: without --internal the command exits 2 and writes nothing."""
    out = tmp_path / "gebouwen.png"
    code = main(["map", str(small_demo), "--layers", "brp:residents", "--level", "building", "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "--internal" in capsys.readouterr().err


def test_building_export_refused_unless_internal(small_demo, tmp_path):
    """`export_map` at building level refuses a disclosure-controlled (public) export."""
    from geo_tool.export.core import export_map

    ds = load_dataset(small_demo)
    with pytest.raises(UsageError, match="per gebouw"):
        export_map(ds, "brp:residents", tmp_path / "x.png", level="building", internal=False)
    assert not (tmp_path / "x.png").exists()


def test_building_level_needs_the_planner_role(small_demo, tmp_path, monkeypatch, capsys):
    """A researcher's installation cannot draw the building level, neither as a file nor in the window's figure."""
    from geo_tool.errors import GeoToolError
    from geo_tool.jobs import map_figure_for_window
    from geo_tool.security import installation

    inst = installation.Installation("researcher", tmp_path / "audit.log")
    monkeypatch.setattr(installation, "load_installation", lambda: inst)
    out = tmp_path / "gebouwen.png"
    code = main(["map", str(small_demo), "--layers", "brp:residents", "--level", "building", "--internal",
                 "--out", str(out)])
    assert code != 0 and not out.exists()
    with pytest.raises(GeoToolError):
        map_figure_for_window(load_dataset(small_demo), [("brp", "residents", "quantiles", 1.0)], "building")


def test_building_level_figures_equal_building_figures(small_demo):
    """The layers at Level.BUILDING give, building by building, the figures of `building_figures`
    (one building per BAG pand or street number; one point at the centroid of its addresses)."""
    ds = load_dataset(small_demo)
    window = TimeWindow.default_for(ds)
    table = building_figures(ds, window)
    res = layer_from_spec("brp:residents", ds).aggregate(window, Level.BUILDING)
    viol = layer_from_spec("inspections:violations_found", ds).aggregate(window, Level.BUILDING)
    comp = layer_from_spec("complaints:complaint_count", ds).aggregate(window, Level.BUILDING)
    assert list(res["code"]) == list(table["code"])
    assert np.array_equal(res["residents"].to_numpy(), table["residents"].to_numpy())
    assert np.array_equal(viol["violations_found"].to_numpy(), table["findings"].to_numpy())
    assert np.array_equal(comp["complaint_count"].to_numpy(), table["complaints"].to_numpy())
    assert res["residents"].sum() == layer_from_spec("brp:residents", ds).aggregate(window, Level.WIJK)["residents"].sum()
    # a building's point is the mean of its addresses' points
    ads = ds.addresses.reset_index(drop=True)
    big = int(np.argmax(table["addresses"].to_numpy()))
    from geo_tool.layers.base import dataset_index

    members = ads[dataset_index(ds).addr_area[Level.BUILDING] == big]
    assert len(members) == table["addresses"].iloc[big] > 1
    assert abs(members.geometry.x.mean() - res.geometry.x.iloc[big]) < 1e-6


def test_level_parse_names_building():
    """`Level.parse('building')` is the building level and a wrong level names it among the allowed ones."""
    assert Level.parse("Building") is Level.BUILDING and Level.BUILDING.is_detail and not Level.WIJK.is_detail
    with pytest.raises(UsageError, match="building"):
        Level.parse("straat")
