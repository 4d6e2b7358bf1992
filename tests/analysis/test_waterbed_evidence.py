"""Direct evidence, FDR, detectable sizes and the synthetic control, on hand cases and the harder grid city."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from grid_city import DECOY, EARLY, HARD_RECEIVER, TARGET, make_hard_city
from scipy import stats

from geo_tool.analysis import run_waterbed_analysis
from geo_tool.analysis.disclose import count_text
from geo_tool.analysis.evidence import (
    clopper_pearson, detectable_excess, mark_enforced, rate_excess, share_excess,
)
from geo_tool.analysis.signals import registered_stock
from geo_tool.analysis.synth import fit_synth, synth_panel, synth_weights

START = date(2022, 1, 1)


def _judged(result) -> pd.DataFrame:
    t = result.table
    return t[t["role"].isin(["buffer", "destination"])].set_index("wijk_code")


def test_rate_excess_hand_case():
    """after 15 vs before 5 at ratio 1: expected 5, excess 10, p = P(Bin(20, .5) >= 15); the interval is the
    Clopper-Pearson interval of 15/20 mapped to n(p(1+r)-r) and contains the estimate."""
    r = rate_excess(np.array([15.0]), np.array([5.0]), 1.0)
    assert r["expected"][0] == 5 and r["excess"][0] == 10
    assert r["p_value"][0] == pytest.approx(0.020694732666015625)
    lo, hi = clopper_pearson(np.array([15]), np.array([20]))
    assert r["excess_lo"][0] == pytest.approx(20 * (lo[0] * 2 - 1))
    assert r["excess_hi"][0] == pytest.approx(20 * (hi[0] * 2 - 1))
    assert r["excess_lo"][0] < 10 < r["excess_hi"][0]
    # a city-wide doubling makes 10 vs 5 no excess at all
    assert rate_excess(np.array([10.0]), np.array([5.0]), 2.0)["excess"][0] == 0


def test_share_excess_and_clopper_pearson():
    """8 of 20 where 10 % was expected: excess 6, exact binomial p; CP(0 of n) starts at 0, CP(n of n) ends at 1."""
    s = share_excess(np.array([8.0]), 20.0, np.array([0.1]))
    assert s["expected"][0] == pytest.approx(2.0) and s["excess"][0] == pytest.approx(6.0)
    assert s["p_value"][0] == pytest.approx(stats.binom.sf(7, 20, 0.1))
    lo, hi = clopper_pearson(np.array([0, 5]), np.array([5, 5]))
    assert lo[0] == 0 and hi[1] == 1
    assert hi[0] == pytest.approx(1 - 0.025 ** (1 / 5))


def test_detectable_excess_has_the_stated_power():
    """At the detectable excess the exact one-sided test rejects with 80 % probability; a bigger expectation
    needs a bigger excess; a smaller alpha (more tests) too."""
    e = np.array([4.0, 40.0])
    d = detectable_excess(e, 0.05)
    kstar = stats.poisson.isf(0.05, e) + 1
    assert stats.poisson.sf(kstar - 1, e + d) == pytest.approx(0.8, abs=1e-3)
    assert d[1] > d[0]
    assert (detectable_excess(e, 0.001) > d).all()


def test_mark_enforced_needs_a_finding_before_the_move():
    """A move 100 days after a violation finding at its origin is from an enforced address; a move before the
    finding, or from another address, or 400 days later is not."""
    moves = pd.DataFrame({"origin_address_id": pd.Series(["a", "a", "b", "a"], dtype="string"),
                          "moved_on": pd.to_datetime(["2022-04-11", "2021-12-01", "2022-04-11", "2023-02-05"])})
    findings = pd.DataFrame({"address_id": pd.Series(["a"], dtype="string"), "found_on": pd.to_datetime(["2022-01-01"])})
    assert mark_enforced(moves, findings).tolist() == [True, False, False, False]


def test_registered_stock_counts_persons_on_each_day():
    """Spells [Jan 15, Mar 1) and [Feb 1, -) in wijk 0: 0, 2, 1, 1 registered on Jan 1, Feb 1, Mar 1, Apr 1
    (a spell starting on a day counts that day, one ending on a day no longer does); no wijk: ignored."""
    at = pd.DatetimeIndex(["2022-01-01", "2022-02-01", "2022-03-01", "2022-04-01"])
    f = pd.Series(pd.to_datetime(["2022-01-15", "2022-02-01", "2022-01-01"]))
    u = pd.Series(pd.to_datetime(["2022-03-01", None, None]))
    s = registered_stock(f, u, np.array([0, 0, -1]), at, 2)
    assert s[0].tolist() == [0, 2, 1, 1] and s[1].tolist() == [0, 0, 0, 0]


def test_synthetic_control_recovers_a_mixture_and_ranks_a_real_effect_first():
    """A unit that is 0.3 x donor A + 0.7 x donor B gets those weights and no effect; after adding +5 a month
    after the start its post/pre RMSPE ratio beats every placebo (p = 1 / (donors + 1))."""
    rng = np.random.default_rng(0)
    donors = rng.normal(10, 2, (6, 24)).cumsum(axis=1) / 5 + rng.normal(0, 0.1, (6, 24))
    y = 0.3 * donors[0] + 0.7 * donors[1]
    w = synth_weights(y[:12] - y[:12].mean(), (donors[:, :12] - donors[:, :12].mean(1, keepdims=True)).T)
    assert w[0] == pytest.approx(0.3, abs=0.05) and w[1] == pytest.approx(0.7, abs=0.05) and w.sum() == pytest.approx(1)
    assert abs(fit_synth(y, donors, 12).effect) < 0.2
    y2 = y.copy()
    y2[12:] += 5
    rates = np.vstack([y2, donors])
    res = synth_panel(rates, ["U", *[f"D{i}" for i in range(6)]], ["U"], [f"D{i}" for i in range(6)], 12, "x")
    assert res.fits["U"].effect == pytest.approx(5, abs=0.3)
    assert res.p_value("U", "up") == pytest.approx(1 / 7)
    assert res.p_value("U", "down") == 1.0


def test_count_text_follows_disclosure():
    """Counts a reader sees: 0 stays, 1-9 'minder dan 10', others rounded to 5; expected values rounded too."""
    assert [count_text(v) for v in (0, 3, 12, 38)] == ["0", "minder dan 10", "10", "40"]
    assert count_text(4.2, expected=True) == "ongeveer 5" and count_text(1.0, expected=True) == "minder dan 5"


@pytest.fixture(scope="module")
def hard():
    """The harder grid city: campaign raises target complaints, displaced persons to the non-adjacent W55 whose
    complaints barely move, a decoy rise without links in the adjacent W13."""
    return make_hard_city(seed=1)


def test_hard_case_destination_flagged_on_direct_evidence(hard):
    """W55 is `displacement` as a destination on the persons who followed from enforced target addresses, with an
    excess interval above zero, though its complaints did not rise significantly; the decoy W13 and every other
    wijk are not flagged."""
    r = run_waterbed_analysis(hard, "W22", START, n_boot=500)
    t = _judged(r)
    row = t.loc[HARD_RECEIVER]
    assert row["role"] == "destination" and row["verdict"] == "displacement"
    assert row["excess_lo"] > 0 and row["q_value"] < 0.05 and "directe aanwijzing" in row["reason"]
    cw = r.signals_table[(r.signals_table["area"] == HARD_RECEIVER) & (r.signals_table["signal"] == "complaints")]
    assert not (cw["q_up"].iloc[0] < 0.05 and cw["wdd_ci_low"].iloc[0] > 0)
    assert set(t.index[t["verdict"] == "displacement"]) == {HARD_RECEIVER}
    assert t.loc[DECOY, "verdict"] == "no_evidence" and "zonder" in t.loc[DECOY, "reason"]
    # the target's complaints rose (campaign) but its register went down: the synthetic control shows both
    s = r.synth_table.set_index(["wijk_code", "signal"])
    assert s.loc[(TARGET, "complaints"), "effect"] > 0 and s.loc[(TARGET, "crowding"), "effect"] < 0


def test_hard_case_without_displacement_flags_nothing():
    """The same world with the decoy but nobody displaced: no wijk is flagged, and every judged wijk says how
    large a displacement would have had to be to show."""
    r = run_waterbed_analysis(make_hard_city(seed=1, displaced_per_month=0), "W22", START, n_boot=500)
    t = _judged(r)
    assert (t["verdict"] == "no_evidence").all()
    assert t["detectable_text"].str.contains("niet zichtbaar").all()


def test_hard_case_placebo_start_a_year_early_flags_nothing(hard):
    """A start one year before the real one finds nothing (the displaced persons moved after the real start)."""
    r = run_waterbed_analysis(hard, "W22", date(2021, 1, 1), n_boot=500)
    assert (_judged(r)["verdict"] == "no_evidence").all()


def test_a_flow_that_began_before_the_start_is_not_displacement():
    """Persons from the target moving to W44 since 4 months before the start: a significant after-excess, but the
    pre-period already rose, so W44 is not displacement; W55 still is."""
    r = run_waterbed_analysis(make_hard_city(seed=1, early_flow=True), "W22", START, n_boot=500)
    t = _judged(r)
    assert t.loc[EARLY, "verdict"] == "no_evidence" and "vóór de start" in t.loc[EARLY, "reason"]
    assert t.loc[HARD_RECEIVER, "verdict"] == "displacement"


def test_primary_family_is_one_pre_declared_test_per_wijk_and_channel(hard):
    """The primary family holds exactly one person-channel test (households from enforced addresses) for every wijk
    but the target, and one landlord-channel test (new registrations) per wijk where the target's landlords own
    an address, whatever the outcomes; its q-values are Benjamini-Hochberg over that family alone."""
    from geo_tool.analysis.stats import benjamini_hochberg

    r = run_waterbed_analysis(hard, "W22", START, n_boot=200)
    ev = r.evidence.table
    prim = ev[ev["family"] == "primary"]
    person = prim[~prim["kind"].str.startswith("landlord:")]
    assert set(person["kind"]) == {"from_enforced"}
    assert sorted(person["wijk_code"]) == sorted(set(hard.wijken["code"].astype(str)) - {TARGET})
    lord = prim[prim["kind"].str.startswith("landlord:")]
    assert set(lord["kind"]) <= {"landlord:moves_in"} and not lord["wijk_code"].duplicated().any()
    assert r.evidence.n_tests == len(prim)
    assert np.allclose(prim["q_value"], benjamini_hochberg(prim["p_value"].to_numpy(float)))
    assert set(r.evidence.clear()["family"]) <= {"primary"}


def test_supporting_evidence_alone_never_flags():
    """A wijk whose only clear excess is a supporting kind (here short spells at landlords' addresses, q 0.001)
    has no clear evidence; the same excess on its primary test has."""
    from geo_tool.analysis.evidence import EVIDENCE_COLUMNS, DirectEvidence

    row = {"wijk_code": "W1", "before": 10.0, "observed": 40.0, "expected": 10.0, "excess": 30.0, "excess_lo": 15.0,
           "excess_hi": 45.0, "p_value": 1e-5, "pre_p": 0.5, "q_value": 1e-3, "detectable": 8.0, "persons": np.nan,
           "persons_expected": np.nan}
    sup = pd.DataFrame([{**row, "kind": "landlord:short_spells", "family": "supporting"}])[EVIDENCE_COLUMNS]
    assert DirectEvidence(sup, 1.0, 1).clear().empty
    prim = pd.DataFrame([{**row, "kind": "landlord:moves_in", "family": "primary"}])[EVIDENCE_COLUMNS]
    assert len(DirectEvidence(prim, 1.0, 1).clear()) == 1


def test_detectable_size_belongs_to_the_evidence_of_the_verdict(hard):
    """A flagged wijk says what was seen (its excess and interval), not what would have been invisible; an unflagged
    wijk gets the detectable size of its own primary person-channel test."""
    r = run_waterbed_analysis(hard, "W22", START, n_boot=200)
    t = _judged(r)
    flagged = t[t["verdict"] == "displacement"]
    assert len(flagged) and flagged["detectable_text"].str.startswith("gezien").all()
    assert not flagged["detectable_text"].str.contains("niet zichtbaar").any()
    ev = r.evidence.table
    for code, row in t[t["verdict"] == "no_evidence"].iterrows():
        own = ev[(ev["wijk_code"] == code) & (ev["kind"] == "from_enforced")]["detectable"].iloc[0]
        assert row["detectable_addresses"] == pytest.approx(own)
        assert "niet zichtbaar" in row["detectable_text"]


def test_a_drift_in_the_targets_ordinary_turnover_is_supporting_evidence_only():
    """Ordinary target households (no violation found at their addresses) moving to W44 more and more after the
    start show as supporting evidence (households from the target, interval above zero) but do not flag W44:
    the pre-declared test is the flow from enforced addresses; W55 (displaced from enforced addresses) still is."""
    from grid_city import EARLY

    r = run_waterbed_analysis(make_hard_city(seed=1, turnover_drift=True), "W22", START, n_boot=200)
    ev = r.evidence.table.set_index(["wijk_code", "kind"])
    assert ev.loc[(EARLY, "from_target"), "family"] == "supporting"
    assert ev.loc[(EARLY, "from_target"), "excess_lo"] > 0
    t = r.table.set_index("wijk_code")
    assert EARLY not in set(t.index[t["verdict"] == "displacement"])
    assert t.loc[HARD_RECEIVER, "verdict"] == "displacement"
