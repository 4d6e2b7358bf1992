"""The practice to beat: greedy day lists sorted by nearest neighbour.

As Amsterdam plans today: take the candidates in score order (required ones first), fill each
team-day's list with the next ones as long as the list, visited in nearest-neighbour order from the
team's start point, fits the working hours; then go on to the next team-day. The same instance
(candidates, shifts, break, travel times) as the optimiser, so the comparison is at equal hours.
"""

from __future__ import annotations

import numpy as np

from geo_tool.planning.problem import PlanInstance
from geo_tool.planning.schedule import route_times


def nearest_neighbour_order(inst: PlanInstance, vehicle: int, members: list[int]) -> list[int]:
    """The members in nearest-neighbour order (by travel time) from the team-day's start point."""
    dur = inst.travel.travel_time_s
    td = inst.team_days.iloc[vehicle]
    prev = int(td.start_depot)
    left = list(members)
    out: list[int] = []
    while left:
        locs = np.asarray(left) + inst.n_depots
        j = int(np.argmin(dur[prev, locs]))
        out.append(left.pop(j))
        prev = int(locs[j])
    return out


def greedy_routes(inst: PlanInstance, max_misfits: int = 0) -> dict[int, list[int]]:
    """Greedy practice: per team-day, the next best candidates in nearest-neighbour order while they fit.

    A required candidate that does not fit a day is kept for a later day; the first optional candidate
    that does not fit closes the day (`max_misfits` > 0 lets it try that many more).
    """
    cand = inst.candidates
    queue = list(cand.index[cand["required"]]) + list(
        cand[~cand["required"]].sort_values("score", ascending=False, kind="stable").index)
    routes: dict[int, list[int]] = {}
    for v in range(len(inst.team_days)):
        members: list[int] = []
        order: list[int] = []
        misfits = 0
        i = 0
        while i < len(queue):
            c = queue[i]
            trial = nearest_neighbour_order(inst, v, members + [c])
            if route_times(inst, v, trial).feasible:
                members.append(c)
                order = trial
                queue.pop(i)
                continue
            if bool(cand.at[c, "required"]):
                i += 1
                continue
            misfits += 1
            if misfits > max_misfits:
                break
            i += 1
        routes[v] = order
    return routes
