"""The planner's rules: valid plans, better than greedy, required visits, exclusions, exploration, caps,
reproducibility and re-planning."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import WEEK, small_params

from geo_tool.errors import UsageError
from geo_tool.planning import DoneVisit, MustVisit, PlanParams, check_plan, plan_week


def test_plan_is_valid(small_plan):
    """A plan passes the independent check: working hours, no overlaps, travel time, one break per team-day."""
    assert check_plan(small_plan) == []
    pl = small_plan.visits
    assert len(pl) > 20
    assert (pl["departure_s"] - pl["arrival_s"] == 30 * 60).all()
    used = small_plan.team_days[small_plan.team_days["visits"] > 0]
    assert len(small_plan.breaks) == len(used)
    assert (small_plan.breaks["end_s"] - small_plan.breaks["start_s"] == 30 * 60).all()
    assert pl["arrival"].min() >= "09:00" and pl["departure"].max() <= "17:00"


def test_baseline_is_valid_too(small_plan):
    """The greedy baseline, scheduled by the same code, also passes the check (so the comparison is fair)."""
    assert check_plan(small_plan.baseline) == []


def test_beats_greedy_on_expected_finds(small_dataset, small_ranked):
    """At equal hours, the optimised week finds more (expected) than greedy day lists sorted by nearest neighbour."""
    plan = plan_week(small_dataset, small_ranked, small_params(exploration_share=0.0))
    assert plan.stats()["expected_finds"] > plan.baseline.stats()["expected_finds"]
    assert plan.stats()["work_h"] == plan.baseline.stats()["work_h"]


def test_check_plan_detects_a_broken_schedule(small_plan):
    """The checker is not a rubber stamp: an overlap, a visit after hours and a missing break are reported."""
    import copy
    bad = copy.copy(small_plan)
    v = small_plan.visits.copy()
    first = v.index[(v["order"] == 2)][0]
    v.loc[first, ["arrival_s", "departure_s"]] -= 20 * 60  # now overlaps visit 1
    last = v.index[v["departure_s"] == v["departure_s"].max()][0]
    v.loc[last, ["arrival_s", "departure_s"]] += 3 * 3600
    bad.visits = v
    bad.breaks = small_plan.breaks.iloc[1:]
    problems = check_plan(bad)
    assert any("overlap" in p or "travel" in p for p in problems)
    assert any("working hours" in p for p in problems)
    assert any("breaks instead of one" in p for p in problems)


def test_required_visits_included_within_window(small_dataset, small_ranked):
    """Must-visits are planned even with a low score and far away, and a time window is kept (wall clock)."""
    ranked_ids = set(small_ranked["address_id"])
    unranked = [a for a in small_dataset.addresses["address_id"].astype(str) if a not in ranked_ids]
    win_start = dt.datetime(2026, 3, 3, 14, 0)
    must = (MustVisit(unranked[0], reason="herinspectie"),
            MustVisit(unranked[1], earliest=win_start, latest=dt.datetime(2026, 3, 3, 15, 0), reason="afspraak"),
            MustVisit(unranked[2], latest=dt.datetime(2026, 3, 2, 23, 59), reason="melding opvolgen"))
    plan = plan_week(small_dataset, small_ranked, small_params(must_visits=must))
    assert check_plan(plan) == []
    v = plan.visits.set_index("address_id")
    for m in must:
        assert m.address_id in v.index
        assert v.at[m.address_id, "selected_by"] == "must"
    w = v.loc[unranked[1]]
    assert w["day"] == dt.date(2026, 3, 3) and "14:00" <= w["arrival"] <= "15:00"
    assert v.at[unranked[2], "day"] == dt.date(2026, 3, 2)


def test_impossible_window_is_refused(small_dataset, small_ranked):
    """A must-visit whose window falls outside every working shift is an error that names the address."""
    aid = small_dataset.addresses["address_id"].iloc[10]
    must = (MustVisit(aid, earliest=dt.datetime(2026, 3, 4, 10), latest=dt.datetime(2026, 3, 4, 12)),)  # a Wednesday
    with pytest.raises(UsageError, match=aid):
        plan_week(small_dataset, small_ranked, small_params(must_visits=must))


def test_exclusions_respected(small_dataset, small_ranked):
    """Recently inspected addresses and addresses under a running procedure are never planned, even top-ranked."""
    ids = small_dataset.addresses["address_id"].astype(str)
    recent, old, procedure = ids.iloc[1], ids.iloc[2], ids.iloc[5]  # 1: inspected 46 days before, 2: in 2024
    top = pd.DataFrame({"address_id": [recent, old, procedure], "score": [0.99, 0.99, 0.99]})
    ranked = pd.concat([top, small_ranked[~small_ranked["address_id"].isin(top["address_id"])]], ignore_index=True)
    plan = plan_week(small_dataset, ranked, small_params(exclude_ids=(procedure,), exploration_share=0.3))
    planned = set(plan.visits["address_id"])
    assert recent not in planned and procedure not in planned
    assert old in planned
    assert set(plan.instance.excluded["address_id"]) >= {recent, procedure}
    assert check_plan(plan) == []
    # with a shorter look-back the recent one is allowed again
    plan2 = plan_week(small_dataset, ranked, small_params(recent_visit_days=30, exclude_ids=(procedure,)))
    assert recent in set(plan2.visits["address_id"])


def test_exploration_share_marked_random(small_dataset, small_ranked):
    """About the exploration share of the visits is drawn at random from the eligible addresses, marked random."""
    plan = plan_week(small_dataset, small_ranked, small_params(exploration_share=0.2))
    pl = plan.visits
    rnd = pl[pl["selected_by"] == "random"]
    share = len(rnd) / len(pl)
    assert 0.12 <= share <= 0.25
    assert (rnd["reason_1"].str.contains("steekproef")).all()
    assert not rnd["address_id"].isin(plan.instance.excluded["address_id"]).any()
    eligible_wijken = set(small_ranked["wijk_code"])
    assert set(rnd["wijk_code"]) <= eligible_wijken
    none = plan_week(small_dataset, small_ranked, small_params(exploration_share=0.0))
    assert (none.visits["selected_by"] != "random").all()


def test_wijk_cap(small_dataset, small_ranked):
    """No wijk gets more model- or randomly-selected visits in the week than the cap."""
    plan = plan_week(small_dataset, small_ranked, small_params(wijk_cap=6))
    counts = plan.visits[plan.visits["selected_by"].isin(["model", "random"])].groupby("wijk_code").size()
    assert counts.max() <= 6
    assert check_plan(plan) == []


def test_reproducible_with_same_seed(small_dataset, small_ranked):
    """The same seed and iteration limit give exactly the same plan (the time limit is not reached)."""
    p = small_params(max_iterations=300, time_limit_s=60)
    a = plan_week(small_dataset, small_ranked, p).to_frame()
    b = plan_week(small_dataset, small_ranked, p).to_frame()
    pd.testing.assert_frame_equal(a, b)


def test_replanning_keeps_done_visits(small_dataset, small_ranked):
    """Visits already made stay in the plan on their day and team; the rest of the week is re-planned without them."""
    first = small_ranked["address_id"].iloc[:2].tolist()
    done = (DoneVisit(first[0], dt.datetime(2026, 3, 2, 9, 30), "violation", "T1", "x1", "model"),
            DoneVisit(first[1], dt.datetime(2026, 3, 2), "no_access", "T2", "x2", "model"))
    plan = plan_week(small_dataset, small_ranked, small_params(done=done, days=("mon", "tue", "wed")))
    v = plan.visits
    kept = v[v["status"].str.startswith("done")].set_index("address_id")
    assert set(kept.index) == set(first)
    assert kept.at[first[0], "team"] == "T1" and kept.at[first[0], "day"] == dt.date(2026, 3, 2)
    assert kept.at[first[0], "status"] == "done:violation" and kept.at[first[0], "arrival"] == "09:30"
    planned = v[v["status"] == "planned"]
    assert not planned["address_id"].isin(first).any()
    assert (planned["day"] > dt.date(2026, 3, 2)).all() and len(planned) > 0
    assert check_plan(plan) == []


def test_replanning_from_file(tmp_path, small_dataset, small_ranked):
    """A done file in the contract's inspections.csv format is read and kept (team optional)."""
    aid = small_ranked["address_id"].iloc[0]
    f = tmp_path / "done.csv"
    f.write_text(f"inspection_id,address_id,visited_on,outcome\nq1,{aid},2026-03-02,no_violation\n")
    plan = plan_week(small_dataset, small_ranked, small_params(done=f))
    assert (plan.visits.loc[plan.visits["address_id"] == aid, "status"] == "done:no_violation").all()
    assert check_plan(plan) == []


@pytest.mark.parametrize("kw, match", [
    ({"week": "2026-10"}, "ISO-week"), ({"week": "2026-W54"}, "bestaat niet"), ({"teams": 0}, "--teams"),
    ({"travel_mode": "boat"}, "walk, bike, car"), ({"day_end": "08:00"}, "niet na"),
    ({"exploration_share": 0.9}, "--exploration"), ({"days": ("mon", "funday")}, "weekdag"),
    ({"team_starts": ("a", "b", "c")}, "één per team"),
])
def test_params_check_themselves(kw, match):
    """PlanParams refuses bad values at construction, naming the option and the allowed values."""
    base = dict(week=WEEK, teams=2)
    base.update(kw)
    with pytest.raises(UsageError, match=match):
        PlanParams(**base)


def test_params_defaults():
    """Defaults follow the issue: Mon-Fri 09:00-17:00, 30-min break and visits, bike 13 km/h, 10 % random, 30 s."""
    p = PlanParams(week=WEEK)
    assert p.day_dates[0] == dt.date(2026, 3, 2) and len(p.day_dates) == 5
    assert (p.break_min, p.visit_min, p.speed_kmh, p.exploration_share, p.time_limit_s, p.recent_visit_days) == (
        30, 30, 13.0, 0.10, 30.0, 90)
    assert PlanParams(week=WEEK, travel_mode="walk").speed_kmh == 4.5
    assert PlanParams(week=WEEK, travel_mode="car").speed_kmh == 20.0


def test_team_points(small_dataset, small_ranked):
    """Teams start and end where told (address id, x,y or wijk name); the day's route begins and ends there."""
    aid = small_dataset.addresses["address_id"].iloc[0]
    p = small_params(team_starts=(aid, "90500,431500"), team_ends=("Wijk 11",))
    plan = plan_week(small_dataset, small_ranked, p)
    names = list(plan.instance.depots["name"])
    assert any(aid in n for n in names) and any("90500" in n for n in names) and any("Wijk 11" in n for n in names)
    assert check_plan(plan) == []
    with pytest.raises(UsageError, match="Nergenshuizen"):
        plan_week(small_dataset, small_ranked, small_params(team_starts=("Nergenshuizen",)))
