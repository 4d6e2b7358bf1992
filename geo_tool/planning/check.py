"""An independent check of a written plan: the rules a team can verify on paper.

It reads only the plan's visit and break rows (wall-clock times) and the instance's travel times, not
the solver's schedule: every planned visit lies inside the working hours of a working day, lasts the
visit duration, leaves time to travel from the previous stop (or the start point) and back to the end
point, nothing overlaps the break, each team-day with visits has its break, every required visit is
planned (within its window), no address is visited twice, the per-wijk cap holds and no excluded
address is planned.
"""

from __future__ import annotations

import pandas as pd

from geo_tool.planning.problem import DAY_S, PlanInstance


def check_plan(plan) -> list[str]:
    """The list of broken rules of a `VisitPlan` (empty = valid); each names team, day and address."""
    inst: PlanInstance = plan.instance
    p = inst.params
    problems: list[str] = []
    visits = plan.visits
    planned = visits[visits["status"] == "planned"] if len(visits) else visits
    dur = inst.travel.travel_time_s if inst.travel is not None else None
    loc_of = {a: inst.n_depots + i for i, a in enumerate(inst.candidates["address_id"])}

    dup = visits["address_id"][visits["address_id"].duplicated()] if len(visits) else []
    problems += [f"address {a} is visited more than once" for a in dup]

    days_ok = {d for d in inst.team_days["day"]}
    tdi = {(r.team, r.day): r for r in inst.team_days.itertuples()}
    for (team, day), grp in planned.groupby(["team", "day"], sort=False):
        where = f"{team} {day}"
        if day not in days_ok or (team, day) not in tdi:
            problems.append(f"{where}: not a team-day that may be planned")
            continue
        td = tdi[(team, day)]
        base = td.day_index * DAY_S
        open_s, close_s = base + p.day_start_s, base + p.day_end_s
        grp = grp.sort_values("order")
        if list(grp["order"]) != list(range(1, len(grp) + 1)):
            problems.append(f"{where}: visit order is not 1..{len(grp)}")
        if (grp["departure_s"] - grp["arrival_s"] != p.visit_s).any():
            problems.append(f"{where}: a visit does not last {p.visit_min} min")
        brk = plan.breaks[(plan.breaks["team"] == team) & (plan.breaks["day"] == day)] if len(plan.breaks) else plan.breaks
        if p.break_s and len(brk) != 1:
            problems.append(f"{where}: {len(brk)} breaks instead of one")
        # the day as a sequence of stops: (start, end, location or None for the break)
        events = [(int(a), int(d), loc_of.get(addr)) for a, d, addr in zip(grp["arrival_s"], grp["departure_s"], grp["address_id"])]
        for b in brk.itertuples():
            if b.end_s - b.start_s < p.break_s:
                problems.append(f"{where}: break {b.start}-{b.end} is shorter than {p.break_min} min")
            events.append((int(b.start_s), int(b.end_s), None))
        events.sort(key=lambda e: (e[0], e[2] is not None))
        t, here = open_s, int(td.start_depot)
        for start, end, loc in events:
            if start < t:
                what = "the break" if loc is None else f"address {inst.candidates['address_id'].iloc[loc - inst.n_depots]}"
                problems.append(f"{where}: {what} at {start % DAY_S // 60 // 60:02d}:{start % 3600 // 60:02d} starts before "
                                f"the previous stop ends plus travel (overlap or too little travel time)")
            if loc is not None:
                if dur is not None and start < t + int(dur[here, loc]):
                    problems.append(f"{where}: too little travel time to address "
                                    f"{inst.candidates['address_id'].iloc[loc - inst.n_depots]}")
                here = loc
            t = max(t, end)
        back = int(dur[here, int(td.end_depot)]) if dur is not None else 0
        if t + back > close_s or grp["arrival_s"].min() < open_s:
            problems.append(f"{where}: the day runs outside the working hours {p.day_start}-{p.day_end}")
        for b in brk.itertuples():
            if b.start_s < open_s or b.end_s > close_s:
                problems.append(f"{where}: the break lies outside the working hours")

    # required visits planned, within their wall-clock window
    cand = inst.candidates
    req = cand[cand["required"]]
    planned_ids = set(planned["address_id"])
    for r in req.itertuples():
        if r.address_id not in planned_ids:
            problems.append(f"required visit {r.address_id} ({r.selected_by}) is missing")
    if len(planned):
        w = planned.merge(req[["address_id", "tw_early_s", "tw_late_s"]], on="address_id")
        late_wall = w["tw_late_s"] + p.break_s
        bad = w[(w["arrival_s"] < w["tw_early_s"]) | (w["arrival_s"] > late_wall)]
        problems += [f"required visit {a} starts outside its window" for a in bad["address_id"]]

    # exclusions and the per-wijk cap
    excl = inst.excluded.set_index("address_id")["reason"] if len(inst.excluded) else pd.Series(dtype=str)
    must = set(cand.loc[cand["selected_by"] == "must", "address_id"])
    for a in planned["address_id"]:
        if a in excl.index and not (a in must and excl[a] != "lopende procedure" and excl[a] != "al bezocht deze week"):
            problems.append(f"address {a} is excluded ({excl[a]}) but planned")
    if p.wijk_cap is not None and len(planned):
        counted = planned[planned["selected_by"].isin(["model", "random"])]
        n = counted.groupby("wijk_code").size()
        problems += [f"wijk {w}: {k} visits above the cap of {p.wijk_cap}" for w, k in n.items() if k > p.wijk_cap]
    return problems
