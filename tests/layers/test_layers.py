"""Figures of every layer against values computed by hand on the tiny dataset (see tiny_data.py)."""

from __future__ import annotations

import numpy as np
import pytest

from geo_tool.errors import UsageError
from geo_tool.layers import LAYERS, Classification, Level, TimeWindow, all_specs, layer_from_spec


def _row(frame, code):
    return frame.set_index("code").loc[code]


def test_residents_are_counted_on_the_reference_date(tiny_dataset, window_2023):
    """Residents = distinct non-RNI persons with from <= end < until; a spell ending on the end date is gone."""
    f = layer_from_spec("brp:residents", tiny_dataset).aggregate(window_2023, "wijk")
    assert list(f["residents"]) == [12, 5, 22, 0]


def test_eum_count_and_share_follow_rotterdams_definition(tiny_dataset, window_2023):
    """EUM = resident aged 18-67 (year of reference date - birth year) from EU-MOE or EU-Zuid; share of residents."""
    f = layer_from_spec("brp:eum_share", tiny_dataset).aggregate(window_2023, "wijk")
    assert list(f["eum_count"]) == [8, 2, 0, 0]
    assert f["eum_share"].iloc[0] == pytest.approx(100 * 8 / 12)
    assert f["eum_share"].iloc[1] == pytest.approx(40.0)
    assert np.isnan(f["eum_share"].iloc[3])  # no residents: no share


def test_persons_per_10m2_and_overcrowding(tiny_dataset, window_2023):
    """Persons per 10 m2 over occupied addresses with known floor area; overcrowded = more than 10/12 per 10 m2."""
    f = layer_from_spec("brp", tiny_dataset).aggregate(window_2023, "wijk")
    assert f["persons_per_10m2"].iloc[0] == pytest.approx(10 * 12 / 180)
    assert f["persons_per_10m2"].iloc[1] == pytest.approx(10 * 3 / 30)  # b1 has no floor area
    assert f["persons_per_10m2"].iloc[2] == pytest.approx(10 * 22 / 800)
    assert list(f["overcrowded_count"]) == [1, 1, 0, 0]
    assert list(f["persons_per_dwelling"].iloc[:3]) == pytest.approx([4.0, 2.5, 2.2])
    stricter = layer_from_spec("brp", tiny_dataset, overcrowding_threshold_p10m2=0.5).aggregate(window_2023, "wijk")
    assert list(stricter["overcrowded_count"]) == [2, 1, 0, 0]  # a2 (4 in 60 m2 = 0.667) now counts too


def test_turnover_is_moves_per_100_residents_per_year(tiny_dataset, window_2023):
    """Turnover = (spells starting + spells ending in the window) / residents on the end date x 100 / years."""
    f = layer_from_spec("brp:turnover", tiny_dataset).aggregate(window_2023, "wijk")
    assert f["moves"].iloc[0] == 8  # 6 in, 2 out
    assert f["turnover"].iloc[0] == pytest.approx(8 / 12 * 100 / (365 / 365.25))
    assert f["turnover"].iloc[2] == 0.0
    assert list(f["rni_count"]) == [1, 0, 0, 0]


def test_gebied_figures_sum_their_wijken(tiny_dataset, window_2023):
    """Gebied counts are sums over their wijken; shares are recomputed from the summed counts."""
    f = layer_from_spec("brp", tiny_dataset).aggregate(window_2023, "gebied")
    assert list(f["code"]) == ["WK059901", "WK059902"]
    assert list(f["residents"]) == [17, 22]
    assert f["eum_share"].iloc[0] == pytest.approx(100 * 10 / 17)


def test_complaint_rate_per_1000_residents(tiny_dataset, window_2023):
    """Complaints received in the window per 1,000 residents on the end date; a location-only complaint is placed by its point."""
    f = layer_from_spec("complaints", tiny_dataset).aggregate(window_2023, "wijk")
    assert list(f["complaint_count"]) == [3, 1, 0, 2]
    assert list(f["complaint_rate"].iloc[:3]) == pytest.approx([250.0, 200.0, 0.0])
    assert np.isnan(f["complaint_rate"].iloc[3])
    assert list(f["overbewoning_count"]) == [2, 0, 0, 0]


def test_hit_rate_is_violations_over_visits_with_access(tiny_dataset, window_2023):
    """Hit rate = violation visits / (violation + no_violation visits) x 100, visits in the window only."""
    f = layer_from_spec("inspections", tiny_dataset).aggregate(window_2023, "wijk")
    assert list(f["visits"]) == [4, 0, 2, 0]
    assert list(f["violations_found"]) == [2, 0, 0, 0]
    assert f["hit_rate"].iloc[0] == pytest.approx(100 * 2 / 3)
    assert f["hit_rate"].iloc[2] == 0.0 and np.isnan(f["hit_rate"].iloc[1])


def test_permit_status_and_share_without_valid_permit(tiny_dataset, window_2023):
    """Rented = in permits.csv (from <= end); valid = granted/exempt not expired; share of rented without valid permit."""
    layer = layer_from_spec("permits", tiny_dataset).layer
    f = layer.aggregate(window_2023, "wijk")
    assert list(f["rented_count"]) == [6, 0, 1, 0]
    assert list(f["no_permit_count"]) == [4, 0, 0, 0]
    assert f["no_permit_share"].iloc[0] == pytest.approx(100 * 4 / 6)
    assert np.isnan(f["no_permit_share"].iloc[1])  # no permits in Bravo: not required there
    assert list(f["landlords_count"]) == [3, 0, 1, 0]
    a = layer.aggregate(window_2023, "address").set_index("code")["status"]
    assert list(a.iloc[:6]) == ["granted", "none", "applied", "refused", "exempt", "revoked"]
    assert a.isna().iloc[6]  # only a future permit: not rented on the reference date
    big = layer_from_spec("permits", tiny_dataset, large_portfolio=4).aggregate(window_2023, "wijk")
    assert big["large_landlord_share"].iloc[0] == pytest.approx(50.0)  # L1 holds a0, a1, a5 (+ c0) = 4


def test_density_surface_conserves_the_complaints(tiny_dataset, window_2023):
    """The kernel density (histogram2d + gaussian_filter) integrates to the number of complaints in the window."""
    surf = layer_from_spec("complaints:density", tiny_dataset).layer.density(window_2023)
    cell_km2 = surf.cell_m ** 2 / 1e6
    assert surf.values.dtype == np.float32
    assert float(surf.values.sum()) * cell_km2 == pytest.approx(6, rel=0.02)
    assert surf.transform.a == 25.0 and surf.transform.e == -25.0
    # the maximum lies in Alpha's north-west quarter, where 3 of the 6 complaints are
    r, c = np.unravel_index(np.argmax(surf.values), surf.values.shape)
    x, y = surf.transform @ (c + 0.5, r + 0.5)
    assert 90000 <= x <= 90500 and 437000 <= y <= 437500


def test_registry_and_specs(tiny_dataset):
    """Every layer is registered; a spec names layer:measure; bad names list the allowed ones."""
    assert {"districts", "brp", "permits", "complaints", "inspections"} <= set(LAYERS)
    assert "brp:eum_share" in all_specs()
    sel = layer_from_spec("brp", tiny_dataset)
    assert sel.measure.key == "eum_share" and not sel.explicit
    with pytest.raises(UsageError, match="brp, complaints"):
        layer_from_spec("nope", tiny_dataset)
    with pytest.raises(UsageError, match="eum_share"):
        layer_from_spec("brp:nope", tiny_dataset)
    with pytest.raises(UsageError, match="overcrowding_threshold_p10m2"):
        layer_from_spec("brp", tiny_dataset, threshold=3)


def test_every_measure_has_dutch_label_and_colour_blind_safe_map():
    """Each measure carries a label and a colour map from the colour-blind-safe set."""
    safe = {"viridis", "cividis", "YlGnBu", "plasma", "magma", "inferno", "Blues", "YlOrRd"}
    for cls in LAYERS.values():
        for m in cls.measures.values():
            assert m.label
            assert m.cmap in safe, (cls.key, m.key, m.cmap)


def test_classification_schemes():
    """Quantiles, natural breaks, equal interval and fixed bins give increasing upper bounds covering the data."""
    v = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 100.0])
    for scheme in ("quantiles", "natural_breaks", "equal_interval"):
        bins = Classification(scheme, 4).upper_bounds(v)
        assert np.all(np.diff(bins) > 0) and bins[-1] == 100
    fixed = Classification("fixed", bins=(5, 10))
    assert list(fixed.classify(np.array([1, 7, 50, np.nan]))) == [0, 1, 2, -1]
    with pytest.raises(UsageError):
        Classification("jenks")


def test_time_window_rules():
    """A window is inclusive; its end is the reference date; end before start is refused."""
    w = TimeWindow("2023-01-01", "2023-12-31")
    assert w.days == 365 and w.reference_date.day == 31
    assert TimeWindow.year_ending("2023-12-31") == w
    with pytest.raises(UsageError):
        TimeWindow("2023-02-01", "2023-01-01")
    assert Level.parse("GEBIED") is Level.GEBIED
    with pytest.raises(UsageError):
        Level.parse("buurt")
