"""The waterbed analysis on the city demo finds the displacement the demo put in, and nothing else.

City size (about 2 minutes per demo setting): run with `./run tests -m city`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

pytestmark = pytest.mark.city

CARNISSE = "BU05991572"
START = dt.date(2022, 1, 1)


@pytest.fixture(scope="module")
def city(tmp_path_factory, real_districts, shared_data):
    """Load a city demo per (displacement, mode) once per module."""
    from geo_tool.dataset import load_dataset
    from geo_tool.demo import generate_demo

    made = {}

    def get(displacement: float, mode: str = "adjacent"):
        key = (displacement, mode)
        if key not in made:
            out = tmp_path_factory.mktemp(f"city_{displacement}_{mode}") / "dataset"
            generate_demo(out, size="city", boundaries=real_districts, displacement=displacement,
                          displacement_mode=mode, grid=shared_data / "cbs_vk100_2024_rotterdam.gpkg")
            made[key] = (load_dataset(out), pd.read_csv(out / "truth" / "displacement.csv", dtype=str))
        return made[key]

    return get


def _flagged(result) -> set[str]:
    t = result.table
    return set(t.loc[t["verdict"] == "displacement", "wijk_code"])


def test_adjacent_displacement_is_found_where_the_demo_put_it(city):
    """displacement 0.3 into the neighbours: the main receiving wijken are flagged, no wijk without inflow is."""
    from geo_tool.analysis import run_waterbed_analysis

    ds, truth = city(0.3, "adjacent")
    result = run_waterbed_analysis(ds, "Carnisse", START)
    received = truth["to_wijk_code"].value_counts()
    flagged = _flagged(result)
    assert received.index[0] in flagged, f"largest receiver {received.index[0]} not flagged: {flagged}"
    assert flagged <= set(received.index), f"flagged without displacement: {flagged - set(received.index)}"
    t = result.table.set_index("wijk_code")
    judged = t[t["role"].isin(["buffer", "destination"])]
    assert (judged.loc[judged["verdict"] == "displacement", "excess_lo"] > 0).all()
    assert judged.loc[judged["verdict"] == "no_evidence", "detectable_text"].str.contains("niet zichtbaar").all()


def test_portfolio_displacement_is_found_beyond_the_neighbours(city):
    """displacement into a non-adjacent wijk of the same landlords: flagged with role `destination`."""
    from geo_tool.analysis import run_waterbed_analysis

    ds, truth = city(0.3, "portfolio")
    result = run_waterbed_analysis(ds, "Carnisse", START)
    dest = truth["to_wijk_code"].value_counts().index[0]
    row = result.table.set_index("wijk_code").loc[dest]
    assert row["role"] == "destination" and row["verdict"] == "displacement"
    assert _flagged(result) <= set(truth["to_wijk_code"])


def test_no_displacement_means_no_verdict(city):
    """With displacement 0 no buffer or destination wijk may be flagged."""
    from geo_tool.analysis import run_waterbed_analysis

    ds, truth = city(0.0)
    assert truth.empty
    assert _flagged(run_waterbed_analysis(ds, "Carnisse", START)) == set()


@pytest.mark.parametrize("mode", ["adjacent", "portfolio"])
def test_placebo_start_a_year_early_finds_nothing(city, mode):
    """A fake start date a year before the intervention flags no wijk, in either displacement mode."""
    from geo_tool.analysis import run_waterbed_analysis

    ds, _ = city(0.3, mode)
    assert _flagged(run_waterbed_analysis(ds, "Carnisse", dt.date(2021, 1, 1), months_after=12)) == set()
