"""`geo-tool waterbed --all`: every intervention, the early-warning table with its guards, and the typeset report."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from grid_city import DECOY, HARD_RECEIVER, make_hard_city

from geo_tool.analysis import run_waterbed_analysis, write_waterbed_report
from geo_tool.analysis.flows import relocations
from geo_tool.analysis.monitoring import early_warning, run_all_interventions
from geo_tool.analysis.signals import address_wijk
from geo_tool.errors import UsageError


def _flagged(ew: pd.DataFrame) -> set[str]:
    return set(ew.loc[ew["flag"], "wijk_code"])


def test_early_warning_flags_the_linked_rise_and_not_the_decoy():
    """With 8 displaced persons a month into W55 the early warning flags W55 in the months after the start, never
    before it, and never the decoy W13 whose rise has no link to an enforced wijk."""
    ds = make_hard_city(seed=1, displaced_per_month=8)
    ew = early_warning(ds, relocations(ds.brp, address_wijk(ds)), ds.interventions)
    assert _flagged(ew) == {HARD_RECEIVER}
    assert (ew.loc[ew["flag"], "month"] >= "2022-01").all()
    assert DECOY not in set(ew["wijk_code"][ew["flag"]])


def test_early_warning_without_displacement_flags_nothing():
    """The same world with nobody displaced (decoy present): no wijk-month is flagged."""
    ds = make_hard_city(seed=1, displaced_per_month=0)
    assert _flagged(early_warning(ds, relocations(ds.brp, address_wijk(ds)), ds.interventions)) == set()


def test_a_drift_in_the_targets_ordinary_turnover_is_no_early_warning():
    """Ordinary households of the target (no violation found at their addresses) move to W44 more every month
    after the start (2 up to 13 a month): the early warning does not flag W44, because its link counts households
    from enforced addresses against the target's own destination shares; the drift shows in relocations_all.
    The old link (all households from enforced wijken against the year before the start) flagged it."""
    from grid_city import EARLY

    ds = make_hard_city(seed=1, displaced_per_month=8, turnover_drift=True)
    ew = early_warning(ds, relocations(ds.brp, address_wijk(ds)), ds.interventions)
    assert EARLY not in _flagged(ew) and HARD_RECEIVER in _flagged(ew)
    w44 = ew[ew["wijk_code"] == EARLY]
    assert w44.empty or (w44["relocations_all"] > w44["relocations_all_expected"]).any()


def test_all_interventions_writes_a_folder_each_and_the_tables(tmp_path):
    """--all analyses every intervention (here two: a second, earlier one in W55), writes a report folder per
    intervention, overview.csv naming the flagged wijken, and early_warning.csv with disclosure-controlled counts."""
    ds = make_hard_city(seed=1, displaced_per_month=8)
    iv = ds.interventions
    ds.interventions = pd.concat([iv, iv.assign(wijk_code=pd.Series(["BU05990000"], dtype="string"),
                                                start=pd.to_datetime(["2021-06-01"]))], ignore_index=True)
    from geo_tool.analysis.report import write_monitoring_report

    mon = run_all_interventions(ds, n_boot=300)
    assert len(mon.results) == 2
    write_monitoring_report(mon, tmp_path)
    ov = pd.read_csv(tmp_path / "overview.csv", dtype=str).fillna("")
    assert set(ov["target_code"]) == {"BU05990202", "BU05990000"}
    assert "W55" in ov.loc[ov["target_code"] == "BU05990202", "displacement"].iloc[0]
    assert (tmp_path / "BU05990202_2022-01-01" / "report.pdf").exists()
    ew = pd.read_csv(tmp_path / "early_warning.csv")
    v = ew["relocations"].dropna()
    assert ((v == 0) | (v >= 10)).all() and (v % 5 == 0).all()
    assert "vroegsignalering" in mon.summary()


def test_all_and_target_exclude_each_other(tmp_path):
    """`--all` with `--target`, or neither, is a usage error naming the options."""
    from geo_tool.params import WaterbedParams

    (tmp_path / "ds").mkdir()
    for f in ("districts.gpkg", "addresses.gpkg", "brp_registrations.csv"):
        (tmp_path / "ds" / f).write_text("")
    with pytest.raises(UsageError, match="--all"):
        WaterbedParams(dataset=tmp_path / "ds", target="", out=tmp_path / "o")
    with pytest.raises(UsageError, match="--target"):
        WaterbedParams(dataset=tmp_path / "ds", target="W22", out=tmp_path / "o", all_interventions=True)


def test_report_is_typeset_and_every_shown_count_is_disclosed(tmp_path):
    """report.pdf is a reportlab document of several pages; report.md opens with the conclusion in words, names the
    wijken (never a bare BU code in the conclusion), and every count in its tables is 0, 'minder dan 10' or a
    multiple of 5."""
    r = run_waterbed_analysis(make_hard_city(seed=1), "W22", date(2022, 1, 1), n_boot=300)
    write_waterbed_report(r, tmp_path)
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"ReportLab" in pdf
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 4
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    conclusion = md.split("## Bewijs per wijk")[0]
    assert "Ja:" in conclusion and "W55" in conclusion and not re.search(r"\bBU\d{8}\b", conclusion)
    assert "bewoners van gehandhaafde adressen in W22" in conclusion
    for line in md.splitlines():
        if line.startswith("| ") and not line.startswith("| aanwijzing") and not line.startswith("| signaal"):
            cells = line.strip("|").split("|")
            for cell in cells[1:3]:  # the before and after counts
                cell = cell.strip()
                assert cell in ("0", "minder dan 10") or (cell.isdigit() and int(cell) % 5 == 0) or "," in cell, line
