"""The waterbed formulas on small cases computed by hand or published in the papers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_tool.analysis.hotspots import classify_hotspots
from geo_tool.analysis.stats import (
    benjamini_hochberg, conditional_rate_test, did_bootstrap, did_estimate, mann_kendall, success_measure,
    wdd_paper, wdd_proportional, wdq, wdq_interpretation,
)


def test_wdq_hand_case():
    """WDQ = (B_a/C_a - B_b/C_b) / (R_a/C_a - R_b/C_b): R 100->50, B 40->60, C 1000->1000 gives -0.4."""
    assert success_measure(100, 50, 1000, 1000) == pytest.approx(-0.05)
    assert wdq(100, 50, 40, 60, 1000, 1000) == pytest.approx((0.06 - 0.04) / (0.05 - 0.10))
    assert wdq(100, 50, 40, 60, 1000, 1000) == pytest.approx(-0.4)
    # buffer fell too: diffusion of benefits (positive); displaced more than gained: below -1
    assert wdq(100, 50, 40, 30, 1000, 1000) == pytest.approx(0.2)
    assert wdq(100, 50, 40, 100, 1000, 1000) == pytest.approx(-1.2)


def test_wdq_uses_control_ratio():
    """A control that doubles halves the after-ratios: R 100->100 with C 1000->2000 is a success of -0.05."""
    assert success_measure(100, 100, 1000, 2000) == pytest.approx(-0.05)
    assert wdq(100, 100, 50, 100, 1000, 2000) == pytest.approx(0.0)


def test_wdq_undefined_and_readings():
    """No control or no change in the target gives NaN; readings follow Bowers & Johnson's thresholds."""
    assert np.isnan(wdq(10, 10, 5, 6, 100, 100))
    assert np.isnan(wdq(10, 5, 5, 6, 0, 100))
    assert wdq_interpretation(-1.2, -0.05) == "meer verplaatst dan gewonnen"
    assert wdq_interpretation(-0.4, -0.05).startswith("verplaatsing")
    assert wdq_interpretation(0.2, -0.05) == "uitstraling van positieve effecten"
    assert "niet te duiden" in wdq_interpretation(0.2, +0.05)


def test_wdd_matches_wheeler_ratcliffe_paper():
    """Paper example (and ptools test): WDD -118, SE sqrt(1568), z -2.98, 95 % CI -196 .. -40."""
    local, disp, total = wdd_paper(treated=(207, 110), control=(308, 318), disp_treated=(178, 157),
                                   disp_control=(150, 140))
    assert local.estimate == pytest.approx(-97 - 10)
    assert disp.estimate == pytest.approx(-21 + 10)
    assert total.estimate == pytest.approx(-118)
    assert total.se == pytest.approx(np.sqrt(1568))
    assert round(total.z, 2) == -2.98
    assert [round(x) for x in total.ci] == [-196, -40]


def test_wdd_area_weights_match_ptools():
    """ptools' area-weight example: estimate -99.694, SE 35.428 (weights divide the counts)."""
    *_, total = wdd_paper((207, 110), (308, 318), (178, 157), (150, 140), area_weights=(0.9, 1.2, 1.6, 1.5))
    assert total.estimate == pytest.approx(-99.69444444)
    assert total.se == pytest.approx(35.4280755)


def test_wdd_proportional_hand_case():
    """X 20 -> 40 with control 1000 -> 1100: 40 - 20*1.1 = 18, var = 40 + 20 + 2100*(20/1000)^2 = 60.84."""
    w = wdd_proportional((20, 40), (1000, 1100))
    assert w.estimate == pytest.approx(18.0)
    assert w.se == pytest.approx(np.sqrt(60.84))
    lo, hi = w.ci
    assert lo == pytest.approx(18 - 1.959964 * np.sqrt(60.84), rel=1e-5)
    assert hi > lo
    # it is the paper's WDD term with the control's area weight C_b / X_b
    local, _, _ = wdd_paper((20, 40), (1000, 1100), area_weights=(1000 / 20, 1, 1, 1))
    assert local.estimate == pytest.approx(w.estimate)
    assert local.se == pytest.approx(w.se)


def test_wdd_proportional_without_control_counts():
    """A control without counts gives the plain difference with the Poisson SE of the area."""
    w = wdd_proportional((10, 25), (0, 0))
    assert w.estimate == 15 and w.se == pytest.approx(np.sqrt(35))


def test_did_hand_case():
    """Area 2,2 -> 5,5 and control 10,10 -> 11,11: DiD = 5 - 2*1.1 = 2.8; constant months give a point interval."""
    est = did_estimate(np.array([2.0, 2.0]), np.array([5.0, 5.0]), np.array([10.0, 10.0]), np.array([11.0, 11.0]))
    assert est == pytest.approx(2.8)
    d = did_bootstrap([2, 2], [5, 5], [10, 10], [11, 11], n_boot=200)
    assert d.estimate == pytest.approx(2.8) and d.ci_low == pytest.approx(2.8) and d.ci_high == pytest.approx(2.8)


def test_did_bootstrap_interval_covers_and_is_seeded():
    """Noisy months: the interval contains the estimate, and the same seed gives the same interval."""
    rng = np.random.default_rng(3)
    a_b, a_a = rng.poisson(10, 12), rng.poisson(20, 12)
    c_b, c_a = rng.poisson(100, 12), rng.poisson(100, 12)
    d1 = did_bootstrap(a_b, a_a, c_b, c_a, seed=5)
    d2 = did_bootstrap(a_b, a_a, c_b, c_a, seed=5)
    assert d1 == d2
    assert d1.ci_low < d1.estimate < d1.ci_high
    assert d1.ci_low > 0  # a doubling is well beyond month noise


def test_conditional_rate_test():
    """after 15 vs before 5 with equal periods: P(Bin(20, .5) >= 15) = 0.02069; n = 0 gives p = 1."""
    p = conditional_rate_test(np.array([15, 0, 5]), np.array([5, 0, 15]))
    assert p[0] == pytest.approx(0.020694732666015625)
    assert p[1] == 1.0
    assert p[2] > 0.99
    # a city-wide doubling is expected: 20 vs 10 is then no rise at all
    assert conditional_rate_test(np.array([20]), np.array([10]), 2.0)[0] > 0.4


def test_benjamini_hochberg():
    """BH on (0.01, 0.04, 0.03, 0.5): q = (0.04, 0.0533, 0.0533, 0.5); NaN kept."""
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5, np.nan]))
    assert q[:4] == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    assert np.isnan(q[4])


def test_mann_kendall_hand_cases():
    """x = 1,2,3,4: S = 6, Var = 4*3*13/18, Z = 5/sqrt(8.667), p = 0.0894; reversed gives -S; ties reduce Var."""
    mk = mann_kendall(np.array([[1, 2, 3, 4], [4, 3, 2, 1], [1, 1, 2, 2], [3, 3, 3, 3]], float))
    assert mk.s.tolist() == [6, -6, 4, 0]
    assert mk.var_s[0] == pytest.approx(4 * 3 * 13 / 18)
    assert mk.z[0] == pytest.approx(5 / np.sqrt(4 * 3 * 13 / 18))
    assert mk.p[0] == pytest.approx(0.08943, abs=1e-4)
    assert mk.z[1] == pytest.approx(-mk.z[0])
    # two tie groups of 2: Var = (156 - 2*2*1*9) / 18 = 120/18
    assert mk.var_s[2] == pytest.approx((156 - 2 * 18) / 18)
    assert mk.z[3] == 0 and mk.p[3] == 1.0
    assert mk.tau[0] == 1.0 and mk.tau[1] == -1.0


def test_mann_kendall_trend_on_long_series():
    """24 rising months are a significant increase, 24 falling a decrease; a repeating pattern has none."""
    up = np.arange(24) + np.tile([0.0, 1.5, -1.0], 8)
    flat = np.tile([1.0, 3.0, 2.0, 0.0], 6)
    assert mann_kendall(np.vstack([up, -up, flat])).trend().tolist() == [1, -1, 0]


def test_hotspot_classes_table():
    """Each rule of the emerging hot-spot classes on one wijk."""
    hb = [0, 1, 1, 1, 1, 0, 0]
    ha = [1, 1, 1, 1, 0, 0, 0]
    ca = [0, 0, 0, 0, 0, 1, 0]
    tr = [0, 1, 0, -1, 0, 0, 1]
    assert list(classify_hotspots(hb, ha, ca, tr)) == [
        "new", "intensifying", "persistent", "diminishing", "diminishing", "cold", "none"]
