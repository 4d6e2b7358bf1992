"""Visit sheets and plan_report.md read as finished Dutch: no overprinting, Dutch statuses, correct plurals."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from geo_tool.planning.outputs import _addresses_info, plan_report_text, visit_sheet_pages

LONG_REASON = ("veel wisselende inschrijvingen op dit adres in korte tijd, waarvan een deel zonder verhuisbericht "
               "en met een eerdere melding van overbewoning door de buren")


def _sheet_for(plan, dataset, reasons: tuple[str, str, str]):
    """The sheets of the first team-day with visits, every visit carrying `reasons`."""
    visits = plan.visits.copy()
    visits["reason_1"], visits["reason_2"], visits["reason_3"] = reasons
    plan = dataclasses.replace(plan, visits=visits)
    info = _addresses_info(plan, dataset)
    td = plan.team_days[plan.team_days["visits"] > 0].iloc[0]
    return visit_sheet_pages(plan, info, td.team, td.day), plan, td


def _text_boxes(fig):
    """(text, bounding box in pixels) of every non-empty text on the page."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer=renderer)) for t in fig.texts if t.get_text().strip()]


def test_wrapped_reasons_never_print_over_the_history(small_plan, small_dataset):
    """When "Waar op letten" wraps to three lines or more, no text box on a sheet overlaps another one and
    every text stays inside the page: blocks are laid out by measured height, not by fixed offsets."""
    pages, plan, td = _sheet_for(small_plan, small_dataset, (LONG_REASON, LONG_REASON, "kleine woning"))
    reasons_lines = max(t.get_text().count("\n") + 1 for f in pages for t in f.texts if LONG_REASON[:20] in t.get_text())
    assert reasons_lines >= 3
    for fig in pages:
        boxes = _text_boxes(fig)
        for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), f"{ta[:30]!r} overlaps {tb[:30]!r}"
        for text, box in boxes:
            assert 0 <= box.x0 and box.x1 <= fig.bbox.width and 0 <= box.y0 and box.y1 <= fig.bbox.height, text[:30]
    text = " ".join(t.get_text() for f in pages for t in f.texts)
    n = int(((plan.visits["team"] == td.team) & (plan.visits["day"] == td.day) & (plan.visits["status"] == "planned")).sum())
    assert text.count("Historie:") == n  # every visit is on the sheets, none lost when blocks grow


def test_permit_status_and_plurals_in_dutch(small_plan, small_dataset):
    """A visited address with a granted permit shows "verleend" (never "granted"); counts of one are singular
    ("1 melding", "1 persoon"), never "1 meldingen"."""
    ids = small_plan.visits.loc[small_plan.visits["status"] == "planned", "address_id"].astype(str).unique()
    statuses = ["granted", "revoked", "applied", "refused", "exempt"]
    permits = pd.DataFrame({"address_id": ids[:5], "landlord_id": "L1", "status": statuses,
                            "valid_from": "2025-01-01", "valid_until": pd.NA})
    monday = pd.Timestamp(small_plan.params.monday)
    complaints = pd.DataFrame({"address_id": ids, "received_on": monday - pd.Timedelta(days=30), "category": "overlast"})
    complaints = complaints.reindex(columns=list(dict.fromkeys([*small_dataset.complaints.columns, *complaints.columns])))
    ds = dataclasses.replace(small_dataset, permits=permits, complaints=complaints)
    info = _addresses_info(small_plan, ds)
    assert set(info.loc[list(ids[:5]), "permit"]) == {"verleend", "ingetrokken", "aangevraagd", "geweigerd", "vrijgesteld"}
    assert set(info.loc[list(ids[5:]), "permit"]) <= {"geen vergunning"}
    td = small_plan.team_days[small_plan.team_days["visits"] > 0].iloc[0]
    text = " ".join(t.get_text().replace("\n", " ") for f in visit_sheet_pages(small_plan, info, td.team, td.day)
                    for t in f.texts)
    assert "1 melding in 12 mnd" in text
    assert not re.search(r"\b1 (meldingen|personen|bezoeken)\b", text)
    assert not re.search(r"\b(granted|revoked|applied|refused|exempt)\b", text)


ENGLISH_IN_REPORT = ("bike", "walk", "car ", "time limit", "iterations", "benchmark", "greedy")


def test_plan_report_is_dutch(small_plan):
    """plan_report.md names the transport in Dutch ("vervoer fiets"), says why the solver stopped in Dutch,
    has no pointer to a developer's benchmark script and uses a decimal comma."""
    report = plan_report_text(small_plan)
    assert f"vervoer {dict(walk='te voet', bike='fiets', car='auto')[small_plan.params.travel_mode.value]}" in report
    low = report.lower()
    assert [w for w in ENGLISH_IN_REPORT if w in low] == []
    assert not re.search(r"\| \d+\.\d+ \|", report)  # table figures with a decimal comma


def test_cli_plan_summary_counts_sample_and_required_like_the_window(small_plan):
    """The CLI's plan summary says "N steekproef, M verplicht" with M the must-visits only (the window's
    figures: required minus the random sample), in Dutch."""
    s = small_plan.stats()
    assert s["random_visits"] > 0
    must = s["required_visits"] - s["random_visits"]
    text = small_plan.summary()
    assert f"({s['random_visits']:.0f} steekproef, {must:.0f} verplicht)" in text
    assert not re.search(r"\b(random|required|expected finds|time limit|bike|note:)\b", text)
