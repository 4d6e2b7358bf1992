"""From routes (an order of candidates per team-day) to a timed schedule with the break.

Times are computed independently of the solver, earliest-start: leave the start point at the start
of the shift, wait at an address when its window opens later. The solver's shift is shortened by
the break; here the break is inserted between the last visit that starts before the middle of the
working day and the next one (as close to the middle as the route allows), and every later visit
moves by the break's length, so the day still ends by the end of the working day and every window
[a, b] (passed to the solver as [a, b - break]) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_tool.planning.problem import DAY_S, PlanInstance


@dataclass
class RouteTimes:
    """Working-time schedule of one route: start times of visits, end at the end point, feasibility."""

    start_s: np.ndarray
    travel_s: np.ndarray      # travel before each visit
    end_s: int                # arrival back at the end point
    back_travel_s: int
    feasible: bool


def route_times(inst: PlanInstance, vehicle: int, order: list[int] | np.ndarray) -> RouteTimes:
    """Earliest-start schedule of candidates `order` for team-day `vehicle` (working time)."""
    td = inst.team_days.iloc[vehicle]
    dur = inst.travel.travel_time_s
    cand = inst.candidates
    service = inst.params.visit_s
    t = int(td.shift_start_s)
    prev = int(td.start_depot)
    starts, travels = [], []
    ok = True
    early = cand["tw_early_s"].to_numpy()
    late = cand["tw_late_s"].to_numpy()
    for c in order:
        loc = inst.n_depots + int(c)
        tr = int(dur[prev, loc])
        start = max(t + tr, int(early[c]))
        ok &= start <= int(late[c])
        starts.append(start)
        travels.append(tr)
        t = start + service
        prev = loc
    back = int(dur[prev, int(td.end_depot)])
    end = t + back
    ok &= end <= int(td.shift_end_s)
    return RouteTimes(np.array(starts, dtype=np.int64), np.array(travels, dtype=np.int64), end, back, bool(ok))


def hhmm(axis_s: int | float) -> str:
    """Clock time HH:MM of a time on the week axis."""
    s = int(axis_s) % DAY_S
    return f"{s // 3600:02d}:{(s % 3600) // 60:02d}"


def schedule_frames(inst: PlanInstance, routes: dict[int, list[int]]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Visits, breaks and per-team-day figures (wall-clock, break inserted) for the given routes.

    visits: team, day, order, address_id, arrival_s, departure_s (wall, week axis), arrival,
    departure (HH:MM), travel_s (leg before the visit), and the candidate's columns.
    breaks: team, day, start_s, end_s. team_days: team, day, visits, expected_finds, travel_s,
    start_s, end_s (wall), feasible.
    """
    L = inst.params.break_s
    service = inst.params.visit_s
    cand = inst.candidates
    dur = inst.travel.travel_time_s
    vrows, brows, trows = [], [], []
    for v, td in enumerate(inst.team_days.itertuples()):
        order = list(routes.get(v, []))
        if not order:
            trows.append({"team": td.team, "day": td.day, "visits": 0, "expected_finds": 0.0, "travel_s": 0,
                          "start_s": np.nan, "end_s": np.nan, "feasible": True})
            continue
        rt = route_times(inst, v, order)
        starts = rt.start_s
        k = int(np.sum(starts < td.break_mid_s))  # visits before the break
        prev_dep = int(starts[k - 1] + service) if k else int(td.shift_start_s)
        if k < len(order):
            latest = int(starts[k] - rt.travel_s[k])
        else:
            latest = int(rt.end_s - rt.back_travel_s)
        b_start = max(prev_dep, min(int(td.break_mid_s), latest))
        shift = np.where(np.arange(len(order)) >= k, L, 0)
        arr = starts + shift
        for i, c in enumerate(order):
            row = cand.iloc[c]
            vrows.append({"team": td.team, "day": td.day, "order": i + 1, "address_id": row.address_id,
                          "arrival_s": int(arr[i]), "departure_s": int(arr[i] + service),
                          "arrival": hhmm(arr[i]), "departure": hhmm(arr[i] + service), "travel_s": int(rt.travel_s[i]),
                          "score": row.score, "reason_1": row.reason_1, "reason_2": row.reason_2, "reason_3": row.reason_3,
                          "selected_by": row.selected_by, "required": bool(row.required), "window": row.window,
                          "wijk_code": row.wijk_code, "x": float(row.x), "y": float(row.y), "status": "planned",
                          "candidate": int(c)})
        if L:
            brows.append({"team": td.team, "day": td.day, "start_s": b_start, "end_s": b_start + L,
                          "start": hhmm(b_start), "end": hhmm(b_start + L), "after_order": k})
        sc = cand["score"].to_numpy()[order]
        trows.append({"team": td.team, "day": td.day, "visits": len(order),
                      "expected_finds": float(np.nansum(sc)), "travel_s": int(rt.travel_s.sum() + rt.back_travel_s),
                      "start_s": int(td.shift_start_s), "end_s": int(rt.end_s + L), "feasible": rt.feasible})
    visits = pd.DataFrame(vrows, columns=["team", "day", "order", "address_id", "arrival_s", "departure_s", "arrival",
                                          "departure", "travel_s", "score", "reason_1", "reason_2", "reason_3",
                                          "selected_by", "required", "window", "wijk_code", "x", "y", "status", "candidate"])
    breaks = pd.DataFrame(brows, columns=["team", "day", "start_s", "end_s", "start", "end", "after_order"])
    return visits, breaks, pd.DataFrame(trows)


def fixed_frame(inst: PlanInstance) -> pd.DataFrame:
    """The done visits as plan rows (status done; times only when the file gave a time)."""
    f = inst.fixed
    if f.empty:
        return pd.DataFrame()
    monday = pd.Timestamp(inst.params.monday)
    rows = []
    for (team, day), grp in f.sort_values("visited_on").groupby(["team", "day"], sort=True):
        for i, r in enumerate(grp.itertuples(), start=1):
            ts = pd.Timestamp(r.visited_on)
            has_time = ts.hour or ts.minute
            arr = int((ts - monday).total_seconds()) if has_time else np.nan
            rows.append({"team": team, "day": day, "order": i, "address_id": r.address_id, "arrival_s": arr,
                         "departure_s": arr + inst.params.visit_s if has_time else np.nan,
                         "arrival": hhmm(arr) if has_time else "", "departure": hhmm(arr + inst.params.visit_s) if has_time else "",
                         "travel_s": np.nan, "score": r.score, "reason_1": r.reason_1, "reason_2": pd.NA, "reason_3": pd.NA,
                         "selected_by": r.selected_by, "required": False, "window": "", "wijk_code": pd.NA,
                         "x": float(r.x), "y": float(r.y), "status": f"done:{r.outcome}", "candidate": -1})
    return pd.DataFrame(rows)
