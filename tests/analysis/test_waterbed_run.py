"""The waterbed analysis end to end on hand-built data: areas, flows, verdicts, placebo, report files."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from grid_city import ADJACENT_RECEIVER, PORTFOLIO_RECEIVER, TARGET, make_grid_city

from geo_tool.analysis import run_waterbed_analysis, write_waterbed_report
from geo_tool.analysis.areas import BufferRule, buffer_wijken, resolve_wijk
from geo_tool.analysis.flows import relocation_flows, relocations
from geo_tool.errors import UsageError

START = date(2022, 1, 1)


@pytest.fixture(scope="module")
def adjacent():
    """Grid city with a strong displacement into the adjacent W23."""
    return make_grid_city(seed=1, displacement=0.6, mode="adjacent")


def test_resolve_wijk_by_code_or_name(adjacent):
    """Codes and names match case- and dash-insensitively; an unknown name is a UsageError naming it."""
    assert resolve_wijk(adjacent.wijken, "bu05990202") == TARGET
    assert resolve_wijk(adjacent.wijken, "w22") == TARGET
    with pytest.raises(UsageError, match="Nowhere"):
        resolve_wijk(adjacent.wijken, "Nowhere")


def test_queen_and_distance_buffers(adjacent):
    """Queen buffer of a middle cell is its 8 surrounding cells; distance:0 the same; distance:600 adds the
    second ring except its 4 corner cells (707 m away edge to edge)."""
    q = buffer_wijken(adjacent.wijken, TARGET, BufferRule.parse("queen"))
    assert len(q) == 8 and TARGET not in q and ADJACENT_RECEIVER in q
    assert buffer_wijken(adjacent.wijken, TARGET, BufferRule.parse("distance:0")) == q
    assert len(buffer_wijken(adjacent.wijken, TARGET, BufferRule.parse("distance:600"))) == 20
    with pytest.raises(UsageError, match="distance:<meters>"):
        BufferRule.parse("rook")


def test_flows_on_a_three_person_register():
    """p1 leaves A for B within 60 days (a relocation), p2 takes 90 days (not), p3 moves within A (kept, origin=dest)."""
    a2w = pd.Series({"a1": "A", "a2": "A", "b1": "B", "b2": "B"})
    d = lambda s: pd.Timestamp(s)  # noqa: E731
    brp = pd.DataFrame({
        "person_id": ["p1", "p1", "p2", "p2", "p3", "p3"],
        "address_id": ["a1", "b1", "a1", "b2", "a1", "a2"],
        "registered_from": [d("2020-01-01"), d("2022-03-10"), d("2020-01-01"), d("2022-06-01"), d("2020-01-01"),
                            d("2022-02-01")],
        "registered_until": [d("2022-03-01"), pd.NaT, d("2022-03-01"), pd.NaT, d("2022-02-01"), pd.NaT],
        "nationality_group": ["EU-MOE", "EU-MOE", "NL", "NL", "NL", "NL"],
        "birth_year": [1990, 1990, 1980, 1980, 1970, 1970],
    })
    mv = relocations(brp, a2w)
    assert sorted(zip(mv["person_id"], mv["origin"], mv["destination"])) == [("p1", "A", "B"), ("p3", "A", "A")]
    assert mv.set_index("person_id").loc["p1", "eum"]
    f = relocation_flows(mv, "A", START, 12, 12)
    assert f[["destination", "before", "after", "eum_after"]].values.tolist() == [["B", 0, 1, 1]]


def test_adjacent_displacement_found(adjacent):
    """The injected displacement into W23 is found; no other buffer is flagged; the target improved."""
    r = run_waterbed_analysis(adjacent, "W22", START)
    t = r.table.set_index("wijk_code")
    assert t.loc[ADJACENT_RECEIVER, "verdict"] == "displacement"
    others = t[(t["role"].isin(["buffer", "destination"])) & (t.index != ADJACENT_RECEIVER)]
    assert (others["verdict"] == "no_evidence").all()
    assert r.overall["target_wdd"] < 0 and r.overall["success"] < 0
    assert t.loc[ADJACENT_RECEIVER, "wdd_ci_low"] > 0 and t.loc[ADJACENT_RECEIVER, "did_ci_low"] > 0
    assert "verplaatsing" in r.summary()
    # the terminal summary is Dutch: roles in Dutch, decimal commas in WDD and DiD
    body = r.summary().split("\n", 4)[4]
    assert "buurwijk" in body and not re.search(r"^\s+(buffer|destination)\s", body, re.M)
    assert re.search(r"WDD [+-]\d+,\d ", body) and not re.search(r"WDD [+-]\d+\.\d", body)


def test_portfolio_displacement_found_as_destination():
    """Displacement into the non-adjacent W55 (relocations + shared landlord) is reported with role destination."""
    r = run_waterbed_analysis(make_grid_city(seed=1, displacement=0.6, mode="portfolio"), "W22", START)
    t = r.table.set_index("wijk_code")
    assert t.loc[PORTFOLIO_RECEIVER, "role"] == "destination"
    assert t.loc[PORTFOLIO_RECEIVER, "verdict"] == "displacement"
    assert t.loc[PORTFOLIO_RECEIVER, "link"]
    assert (t.loc[t["role"] == "buffer", "verdict"] == "no_evidence").all()


def test_no_displacement_flags_nothing():
    """With displacement 0 no buffer or destination wijk is flagged.

    The intervals are simultaneous at a 5 % family level, so about 1 seed in 20 flags a wijk by chance
    (seeds 2-11 measured: 1 of 10); seed 3 is one of the clean ones.
    """
    r = run_waterbed_analysis(make_grid_city(seed=3, displacement=0.0), "W22", START)
    judged = r.table[r.table["role"].isin(["buffer", "destination"])]
    assert (judged["verdict"] == "no_evidence").all()


def test_placebo_start_a_year_early_flags_nothing(adjacent):
    """A fake start one year before the real one (both periods before the intervention) finds nothing."""
    r = run_waterbed_analysis(adjacent, "W22", date(2021, 1, 1))
    assert (r.table.loc[r.table["role"].isin(["buffer", "destination"]), "verdict"] == "no_evidence").all()


def test_unlinked_rise_far_away_is_not_displacement():
    """A rise in a non-adjacent wijk without relocations or landlords from the target is never displacement."""
    ds = make_grid_city(seed=1, displacement=0.6, mode="portfolio")
    far = ds.brp["address_id"].str.slice(10, 14) == "0505"
    ds.brp = ds.brp[~far | ds.brp["registered_from"].lt("2022-01-01")]  # drop the arrivals: no relocation link
    ds.permits = ds.permits[~ds.permits["address_id"].str.slice(10, 14).eq("0505")]
    r = run_waterbed_analysis(ds, "W22", START)
    t = r.table.set_index("wijk_code")
    assert t.loc[PORTFOLIO_RECEIVER, "role"] == "control" or t.loc[PORTFOLIO_RECEIVER, "verdict"] == "no_evidence"


def test_start_from_interventions_and_bad_arguments(adjacent):
    """Without a start the target's intervention date is used; bad options are UsageErrors naming the allowed ones."""
    r = run_waterbed_analysis(adjacent, "W22", None, n_boot=200)
    assert r.start == START
    with pytest.raises(UsageError, match="rest"):
        run_waterbed_analysis(adjacent, "W22", START, control="elsewhere")
    with pytest.raises(UsageError):
        run_waterbed_analysis(adjacent, "W22", START, months_before=1)


def test_same_gebied_type_control(adjacent):
    """The same-type control says how it chose and excludes target and buffer."""
    r = run_waterbed_analysis(adjacent, "W22", START, control="same_gebied_type", n_boot=200)
    ctrl = set(r.codes("control"))
    assert TARGET not in ctrl and not ctrl & set(r.codes("buffer")) and ctrl
    assert "derde" in r.control_text


def test_report_files_and_disclosure(adjacent, tmp_path):
    """All report files are written; waterbed.csv has the contract columns; counts in flows.csv obey disclosure."""
    r = run_waterbed_analysis(adjacent, "W22", START)
    paths = write_waterbed_report(r, tmp_path)
    names = {p.name for p in paths}
    assert {"waterbed.csv", "flows.csv", "hotspots.gpkg", "map_areas.png", "map_hotspots.png", "report.md",
            "report.pdf"} <= names
    assert not list(tmp_path.glob(".*tmp*"))
    wb = pd.read_csv(tmp_path / "waterbed.csv", dtype={"wijk_code": str})
    assert list(wb.columns) == ["wijk_code", "wijk_name", "role", "wdq", "wdd", "wdd_ci_low", "wdd_ci_high", "did",
                                "did_ci_low", "did_ci_high", "verdict"]
    assert set(wb["role"]) <= {"target", "buffer", "destination", "control"}
    assert set(wb["verdict"]) <= {"displacement", "diffusion", "no_evidence"}
    fl = pd.read_csv(tmp_path / "flows.csv")
    for c in ["before", "after", "eum_before", "eum_after"]:
        v = fl[c].dropna().to_numpy()
        assert ((v == 0) | (v >= 10)).all() and (v % 5 == 0).all()
    import geopandas as gpd

    hs = gpd.read_file(tmp_path / "hotspots.gpkg")
    assert hs.crs.to_epsg() == 28992 and set(hs["hotspot_class"]) <= {
        "new", "intensifying", "persistent", "diminishing", "cold", "none"}
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "verplaatsing" in md and "Onthullingscontrole" in md
