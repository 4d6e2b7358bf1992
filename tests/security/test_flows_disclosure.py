"""flows.csv survives arithmetic on what the waterbed folder publishes (secondary suppression).

The flows out of the target per destination wijk are published in flows.csv (before, after, eum_before,
eum_after), again per buffer wijk and as totals over the buffer and over the control wijken in signals.csv
(relocations from the target), and the persons after per wijk in evidence.csv. An
attacker who reads only those files, takes every published count v as v-2 .. v+2 (and at least 10), every
empty count as 1 .. unbounded, uses that a total is the sum of its flows, that EU labour migrants are
part of all persons and that evidence.csv's households from the target are at most its persons, must not narrow any emptied flow to fewer than 9 possible values (the map exports'
rule, `geo_tool.export.disclosure`). The attacker's ranges are exact integer programmes (scipy's milp).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from geo_tool.analysis import run_waterbed_analysis
from geo_tool.analysis.report import flows_csv_frame, signals_csv_frame, write_waterbed_report

COUNTS = ("before", "after", "eum_before", "eum_after")
SIGNAL_OF = {"before": ("relocations_from_target", "before"), "after": ("relocations_from_target", "after"),
             "eum_before": ("eum_relocations_from_target", "before"),
             "eum_after": ("eum_relocations_from_target", "after")}
TOTAL_OF_ROLE = {"buffer": "buffer", "control": "controle"}
BIG = 10**6
MIN_VALUES = 9


def _published(v) -> tuple[int, int]:
    """What one published cell tells: 0 exact, v within +-2 and at least 10, empty 1 .. unbounded."""
    if v is None or pd.isna(v):
        return 1, BIG
    v = float(v)
    return (0, 0) if v == 0 else (int(max(v - 2, 10)), int(v + 2))


def attacker_ranges(flows: pd.DataFrame, signals: pd.DataFrame, roles: pd.Series,
                    evidence: pd.DataFrame | None = None) -> dict[tuple[str, str], tuple[int, int]]:
    """For every emptied count of ``flows`` (published frames), the (min, max) consistent with everything."""
    lo: list[int] = []
    hi: list[int] = []
    idx: dict[tuple, int] = {}

    def know(key: tuple, bounds: tuple[int, int]) -> None:
        if key not in idx:
            idx[key] = len(lo)
            lo.append(0)
            hi.append(BIG)
        i = idx[key]
        lo[i], hi[i] = max(lo[i], bounds[0]), min(hi[i], bounds[1])

    dests = flows["destination_code"].astype(str).tolist()
    for c in COUNTS:
        for d, v in zip(dests, flows[c]):
            know(("flow", d, c), _published(v))
        signal, col = SIGNAL_OF[c]
        rows = signals[signals["signal"] == signal]
        for area, v in zip(rows["area"].astype(str), rows[col]):
            if area in TOTAL_OF_ROLE.values():
                know(("total", area, c), _published(v))
            elif area in dests:
                know(("flow", area, c), _published(v))
    households = []  # (household count, flow count): households moving are at most the persons moving
    if evidence is not None and len(evidence):
        ft = evidence[evidence["kind"] == "from_target"]
        for d, hb, ha, v in zip(ft["wijk_code"].astype(str), ft["before"], ft["observed"], ft["persons"]):
            if d in dests:
                know(("flow", d, "after"), _published(v))
                for per, h in (("before", hb), ("after", ha)):
                    know(("households", d, per), _published(h))
                    households.append((("households", d, per), ("flow", d, per)))
    n = len(lo)
    rows_a, rows_lo, rows_hi = [], [], []
    for small, big in households:
        a = np.zeros(n)
        a[idx[small]], a[idx[big]] = 1, -1
        rows_a.append(a)
        rows_lo.append(-np.inf)
        rows_hi.append(0)
    for c in COUNTS:
        for role, area in TOTAL_OF_ROLE.items():
            if ("total", area, c) not in idx:
                continue
            a = np.zeros(n)
            a[idx[("total", area, c)]] = -1
            for d in dests:
                if roles.get(d) == role:
                    a[idx[("flow", d, c)]] = 1
            rows_a.append(a)
            rows_lo.append(0)
            rows_hi.append(0)
    for d in dests:  # EU labour migrants are part of all persons
        for per in ("before", "after"):
            a = np.zeros(n)
            a[idx[("flow", d, f"eum_{per}")]] = 1
            a[idx[("flow", d, per)]] = -1
            rows_a.append(a)
            rows_lo.append(-np.inf)
            rows_hi.append(0)
    cons = [LinearConstraint(np.array(rows_a), rows_lo, rows_hi)] if rows_a else []
    bounds = Bounds(np.array(lo, float), np.array(hi, float))
    out = {}
    for c in COUNTS:
        for d, v in zip(dests, flows[c]):
            if not pd.isna(v):
                continue
            i = idx[("flow", d, c)]
            e = np.zeros(n)
            e[i] = 1
            r = [milp(s * e, constraints=cons, bounds=bounds, integrality=np.ones(n)) for s in (1, -1)]
            assert all(x.success for x in r), "the published figures contradict each other"
            out[(d, c)] = (int(round(r[0].fun)), int(round(-r[1].fun)))
    return out


def _narrow(ranges: dict) -> dict:
    return {k: v for k, v in ranges.items() if v[1] - v[0] + 1 < MIN_VALUES}


@pytest.fixture(scope="module")
def report(demo, tmp_path_factory) -> Path:
    """The waterbed report folder of the small demo's Carnisse approach (2022-01-01)."""
    result = run_waterbed_analysis(demo, "BU05991572", date(2022, 1, 1), n_boot=200)
    out = tmp_path_factory.mktemp("waterbed_flows")
    write_waterbed_report(result, out, light=True)
    return out


def test_demo_folder_gives_no_suppressed_flow_back(report):
    """Small demo: from flows.csv, signals.csv (buffer/control totals, per-wijk rows), evidence.csv and the
    roles in waterbed.csv, every emptied flow keeps at least 9 possible values (before the fix Charlois
    Zuidrand's eum_after, 1-9, was narrowed to 1-6 by the control total)."""
    fl = pd.read_csv(report / "flows.csv", dtype={"destination_code": str})
    sg = pd.read_csv(report / "signals.csv", dtype={"area": str})
    roles = pd.read_csv(report / "waterbed.csv", dtype={"wijk_code": str}).set_index("wijk_code")["role"]
    ev = pd.read_csv(report / "evidence.csv", dtype={"wijk_code": str})
    ranges = attacker_ranges(fl, sg, roles, ev)
    assert ranges, "no emptied flow: the attack was not tried"
    assert not _narrow(ranges), _narrow(ranges)
    flags = fl[[f"{c}_flag" for c in COUNTS]].fillna("")
    assert set(np.unique(flags.to_numpy())) <= {"", "onderdrukt"}
    for c in COUNTS:  # every empty count is flagged, and its ratio is empty
        assert (fl[c].isna() == (flags[f"{c}_flag"] == "onderdrukt")).all()
    assert fl.loc[fl["before"].isna() | fl["after"].isna(), "ratio_after_before"].isna().all()


def _hand_made(buffer: dict[str, int], control: dict[str, int]):
    """A result with only what the flows and signals tables read: flows into buffer and control wijken, and
    the signal rows that publish them (per wijk and as totals); EU migrants 0."""
    codes = [*buffer, *control]
    flows = pd.DataFrame({"origin": "T", "destination": codes, "before": [*buffer.values(), *control.values()]})
    flows["after"] = flows["before"]
    flows["eum_before"] = flows["eum_after"] = 0
    flows["expected_ratio"], flows["p_value"], flows["q_value"] = 1.0, 0.5, 0.5
    table = pd.DataFrame({"wijk_code": ["T", *codes],
                          "role": ["target", *["buffer"] * len(buffer), *["control"] * len(control)]})
    wijken = pd.DataFrame({"code": ["T", *codes], "name": ["Doel", *codes]})
    cb, ct = sum(buffer.values()), sum(control.values())
    rows = []
    for sig in ("relocations_from_target", "eum_relocations_from_target"):
        k = 1 if sig == "relocations_from_target" else 0
        areas = [("buffer", "buffer_total", cb)] + [(c, "buffer", v) for c, v in buffer.items()] + \
                [("controle", "control_total", ct)]
        rows += [{"signal": sig, "signal_nl": sig, "area": a, "role": r, "before": k * v, "after": k * v, "control_before": k * ct,
                  "control_after": k * ct, "rate_before": 1.0, "rate_after": 1.0, "level": 0.95}
                 for a, r, v in areas]
    sig = pd.DataFrame(rows)
    for c in ("wdq", "wdd", "wdd_se", "wdd_ci_low", "wdd_ci_high", "did", "did_ci_low", "did_ci_high"):
        sig[c] = 0.0
    return SimpleNamespace(flows=flows, table=table, wijken=wijken, signals_table=sig), table.set_index("wijk_code")["role"]


def test_hand_made_hidden_flow_is_protected():
    """One hidden flow of 3 beside a published 198 in the buffer: total 201 is published as 200, so without
    secondary suppression 200 - 200 gives the 3 back within 1..4. With it, every emptied flow keeps >= 9 values."""
    result, roles = _hand_made({"A": 198, "B": 3}, {"C": 50, "D": 40})
    fl, sg = flows_csv_frame(result), signals_csv_frame(result)
    ranges = attacker_ranges(fl, sg, roles)
    assert ("B", "before") in ranges
    assert not _narrow(ranges), _narrow(ranges)
    assert fl.loc[fl["destination_code"] == "B", "before_flag"].item() == "onderdrukt"


def test_attacker_finds_the_hidden_flow_without_protection():
    """The attack itself works: with only primary suppression (the protecting cell published) the hand-made
    case's hidden 3 is narrowed to fewer than 9 values, so the test above can fail."""
    result, roles = _hand_made({"A": 198, "B": 3}, {"C": 50, "D": 40})
    fl = flows_csv_frame(result)
    sg = signals_csv_frame(result)
    fl.loc[fl["destination_code"] == "A", ["before", "after"]] = 200  # what primary suppression alone publishes
    sg.loc[sg["area"].isin(["buffer", "A"]) & (sg["signal"] == "relocations_from_target"), ["before", "after"]] = \
        [[200, 200]] * int((sg["area"].isin(["buffer", "A"]) & (sg["signal"] == "relocations_from_target")).sum())
    ranges = attacker_ranges(fl, sg, roles)
    assert ranges[("B", "before")] == (1, 4)


def test_report_sentences_do_not_tell_an_emptied_flow():
    """A verdict sentence tells the persons from the target into a wijk; where flows.csv empties that flow to
    protect a small one (A's 198 beside B's 3), the sentence says 'een onderdrukt aantal', elsewhere the count."""
    from geo_tool.analysis.disclose import protect_evidence_text

    result, _ = _hand_made({"A": 198, "B": 3}, {"C": 50, "D": 40})
    table = result.table.assign(evidence=["", "200 bewoners van adressen in Doel schreven zich in A in", "",
                                          "50 bewoners van adressen in Doel schreven zich in C in", ""])
    table["reason"] = "directe aanwijzing: " + table["evidence"]
    out = protect_evidence_text(table, result.flows).set_index("wijk_code")
    assert out.loc["A", "evidence"].startswith("een onderdrukt aantal bewoners")
    assert "200" not in out.loc["A", "reason"]
    assert out.loc["C", "evidence"].startswith("50 bewoners")
