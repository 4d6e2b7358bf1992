"""Issue 10 (loose end 2): the waterbed report's tables survive the share x denominator attack.

flows.csv published after/before ratios with 3 decimals computed from the exact counts, and
signals.csv rates per 1000 with 2 decimals: together with the rounded counts beside them, they
pinned the exact counts. The rule now is that of researcher exports (`geo_tool.export.disclosure`):
counts 1-9 suppressed, others rounded to 5, shares/rates/ratios derived from the rounded counts with
one decimal, and tables that cannot be protected are named internal in the folder's metadata.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo_tool.analysis import run_waterbed_analysis
from geo_tool.analysis.report import write_waterbed_report


@pytest.fixture(scope="module")
def report(demo, tmp_path_factory):
    """The waterbed report of the small demo's Carnisse approach (2022-01-01), with its exact result."""
    result = run_waterbed_analysis(demo, "BU05991572", date(2022, 1, 1), n_boot=200)
    out = tmp_path_factory.mktemp("waterbed")
    write_waterbed_report(result, out, light=True)
    return result, out


def _candidates(published: float) -> np.ndarray:
    """Exact counts a reader cannot tell apart from a published (rounded to 5, at least 10) count."""
    c = np.arange(max(published - 2, 10), published + 3)
    return c[np.floor(c / 5 + 0.5) * 5 == published]


def test_flow_ratios_give_back_no_exact_count(report):
    """For every flow with both counts published, the exact (before, after) pairs consistent with the
    rounded counts and the published ratio (to its decimals) are never just the true pair."""
    result, out = report
    fl = pd.read_csv(out / "flows.csv", dtype={"destination_code": str})
    exact = result.flows.assign(destination=result.flows["destination"].astype(str)).set_index("destination")
    recovered, tried = [], 0
    for r in fl.dropna(subset=["before", "after", "ratio_after_before"]).itertuples():
        if r.before < 10 or r.after < 10:
            continue
        text = repr(r.ratio_after_before)
        decimals = len(text.split(".")[1]) if "." in text else 0
        half = 0.5 * 10.0 ** -decimals
        pairs = [(b, a) for b in _candidates(r.before) for a in _candidates(r.after)
                 if abs(a / b - r.ratio_after_before) <= half + 1e-12]
        tried += 1
        true = (exact.loc[r.destination_code, "before"], exact.loc[r.destination_code, "after"])
        if len(pairs) == 1 and tuple(pairs[0]) == tuple(true) and (true[0] % 5 or true[1] % 5):
            recovered.append((r.destination_code, true))
    assert tried > 0, "no flow with both counts published: the attack was not tried"
    assert not recovered, recovered


def test_signal_rates_give_back_no_exact_count(report):
    """Published rate x the exact exposure (count/rate, as an attacker who knows the population has it):
    the counts of the published count's rounding range that fit the rate (to its decimals) are never
    just the exact count."""
    result, out = report
    s = pd.read_csv(out / "signals.csv", dtype={"area": str})
    t = result.signals_table.set_index(["signal", "area"])
    recovered, tried = [], 0
    for r in s.dropna(subset=["before", "per_1000_per_year_before"]).itertuples():
        x = t.loc[(r.signal, r.area)]
        count, rate = float(x["before"]), float(x["rate_before"])
        if not (count >= 10 and rate > 0 and count % 5):
            continue
        exposure = count / rate
        text = repr(r.per_1000_per_year_before)
        half = 0.5 * 10.0 ** -(len(text.split(".")[1]) if "." in text else 0)
        fits = [c for c in _candidates(r.before) if abs(c / exposure - r.per_1000_per_year_before) <= half + 1e-9]
        tried += 1
        if fits == [count]:
            recovered.append((r.signal, r.area, count))
    assert tried > 0
    assert not recovered, recovered[:5]


def test_rules_and_internal_files_are_written_beside_the_tables(report):
    """The folder says its rules (disclosure.json) and names the tables that must stay internal."""
    _, out = report
    rules = json.loads((out / "disclosure.json").read_text(encoding="utf-8"))
    assert rules["threshold"] == 10 and rules["rounding_base"] == 5
    assert "waterbed_details.csv" in rules["internal_files"]
    assert "INTERN" in (out / "LEESMIJ_onthulling.txt").read_text(encoding="utf-8")
    assert "afgeronde aantallen" in (out / "report.md").read_text(encoding="utf-8")
