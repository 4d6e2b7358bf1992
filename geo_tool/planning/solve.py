"""The week as one prize-collecting VRP with time windows, solved with PyVRP.

One vehicle per team-day (its own shift window and start/end point), one client per candidate:
optional with a prize (the score scaled to integers: the best candidate is worth 1,000,000, a metre
of travel costs 1), required for must-visits and random draws. The matrices are handed to
`ProblemData` directly (a 2,000-candidate week has 4 million edges; `Model.add_edge` one by one
would take longer than the solve). The greedy plan is the initial solution, so the result is never
worse than the practice it is compared with.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations

from geo_tool.errors import GeoToolError
from geo_tool.planning.problem import PlanInstance
from geo_tool.progress import Cancelled, NullProgress, Progress

PRIZE_BEST = 1_000_000

#: The clock the time limit is measured on. Wall time for users; the benchmark switches it to the process's
#: CPU time (`time.process_time`) so that a quality comparison (30 s against a 10-minute best known) means
#: the same search effort on a shared, loaded machine as on an idle one.
CLOCK = time.perf_counter


@dataclass
class SolveInfo:
    """What the solver did: runtime, iterations, objective, feasibility, stopping rule."""

    runtime_s: float
    iterations: int
    cost: int
    feasible: bool
    stop: str
    seed: int


class _Stop:
    """Time limit, optional iteration limit, progress and cancel, as one PyVRP stopping criterion."""

    def __init__(self, time_limit_s: float, max_iterations: int | None, progress: Progress):
        self.iters = MaxIterations(max_iterations) if max_iterations else None
        self.progress = progress
        self.time_limit_s = time_limit_s
        self.clock = CLOCK
        self.t0 = self.clock()
        self.last = 0.0
        self.cancelled = False
        self.reason = "time limit"

    def __call__(self, best_cost: float) -> bool:
        now = self.clock() - self.t0
        if now - self.last >= 0.5:
            self.progress.advance(now - self.last)
            self.last = now
            try:
                self.progress.check_cancelled()
            except Cancelled:
                self.cancelled = True
                return True
        if self.iters is not None and self.iters(best_cost):
            self.reason = "iterations"
            return True
        return now >= self.time_limit_s


def prizes(inst: PlanInstance) -> np.ndarray:
    """Integer prizes: score / best score x 1,000,000 (empty score = 0)."""
    score = inst.candidates["score"].astype(float).fillna(0.0).to_numpy()
    best = max(float(score.max()) if len(score) else 0.0, 1e-12)
    return np.round(score / best * PRIZE_BEST).astype(np.int64)


def problem_data(inst: PlanInstance) -> pyvrp.ProblemData:
    """The PyVRP problem of the instance (working time; see problem.py)."""
    p = inst.params
    locs = [pyvrp.Location(float(r.x), float(r.y), name=str(r.name)) for r in inst.depots.itertuples()]
    cand = inst.candidates
    locs += [pyvrp.Location(float(x), float(y)) for x, y in cand[["x", "y"]].to_numpy(float)]
    depots = [pyvrp.Depot(i) for i in range(inst.n_depots)]
    prize = prizes(inst)
    clients = [pyvrp.Client(inst.n_depots + i, service_duration=p.visit_s, tw_early=int(e), tw_late=int(lt),
                            prize=int(pz), required=bool(req), name=str(a))
               for i, (a, e, lt, pz, req) in enumerate(zip(cand["address_id"], cand["tw_early_s"], cand["tw_late_s"],
                                                           prize, cand["required"]))]
    vtypes = [pyvrp.VehicleType(1, start_depot=int(td.start_depot), end_depot=int(td.end_depot),
                                tw_early=int(td.shift_start_s), tw_late=int(td.shift_end_s),
                                shift_duration=int(td.shift_end_s - td.shift_start_s),
                                unit_distance_cost=1, unit_duration_cost=0, name=f"{td.team} {td.day}")
              for td in inst.team_days.itertuples()]
    return pyvrp.ProblemData(locs, clients, depots, vtypes, [inst.travel.distance_m], [inst.travel.travel_time_s])


def solve_params(time_limit_s: float) -> pyvrp.SolveParams:
    """PyVRP's settings for a plan with this time limit (both solver stages): the late-acceptance history
    of the iterated local search scaled to the time limit (one solution per second: 30 for the 30-s week
    plan; PyVRP's default 300 from 5 minutes on).

    A long history accepts worse solutions for longer, which pays off in a 10-minute run but leaves a
    30-s run still wandering when it stops. Measured on the city benchmark over the street network
    (bench_planning.py --network, 20,000 addresses, 2,000 candidates, 5 teams, CPU clock, solver seeds
    1-3), expected finds of the 30-s plan: history 300 (default) 109.4 / 108.6 / 108.8; 100: 109.8 / 109.1 /
    110.5; 50: 110.5 / 109.5 / 110.1; 30: 110.5 / 109.8 / 110.5; best known (10 minutes) 111.25.
    """
    history = int(min(300, max(20, round(time_limit_s))))
    return pyvrp.SolveParams(ils=pyvrp.IteratedLocalSearchParams(history_length=history))


def solve_routes(inst: PlanInstance, initial: dict[int, list[int]] | None = None, *, time_limit_s: float | None = None,
                 seed: int | None = None, max_iterations: int | None = None,
                 progress: Progress | None = None) -> tuple[dict[int, list[int]], SolveInfo]:
    """Solve the instance; returns the route (candidate indices) per team-day and what the solver did."""
    p = inst.params
    progress = progress or NullProgress()
    time_limit_s = p.time_limit_s if time_limit_s is None else time_limit_s
    seed = p.seed if seed is None else seed
    max_iterations = p.max_iterations if max_iterations is None else max_iterations
    if inst.team_days.empty or inst.candidates.empty:
        return {}, SolveInfo(0.0, 0, 0, True, "nothing to plan", seed)
    data = problem_data(inst)
    init = None
    if initial:
        init = pyvrp.Solution(data, [pyvrp.Route(data, r, v) for v, r in initial.items() if r])
        if not init.is_feasible():
            init = None
    stop = _Stop(time_limit_s, max_iterations, progress)
    res = pyvrp.solve(data, stop, seed=seed, display=False, collect_stats=False, initial_solution=init,
                      params=solve_params(p.time_limit_s))
    if stop.cancelled:
        raise Cancelled()
    best = res.best
    if not best.is_feasible():
        raise GeoToolError("no valid plan found in the time limit (the must-visits or their windows may not fit the "
                           "week); raise --time-limit or relax the windows")
    routes: dict[int, list[int]] = {v: [] for v in range(len(inst.team_days))}
    for route in best.routes():
        routes[route.vehicle_type()] = [a.idx for a in route.schedule() if a.is_client()]
    return routes, SolveInfo(float(res.runtime), int(res.num_iterations), int(res.cost()), True, stop.reason, seed)
