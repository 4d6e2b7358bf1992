"""`plan_week`: the whole week's visits for all teams as one optimisation, with its greedy baseline."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.errors import GeoToolError
from geo_tool.i18n import format_number, tr
from geo_tool.planning import solve as solve_module
from geo_tool.planning.baselines import greedy_routes
from geo_tool.planning.check import check_plan
from geo_tool.planning.params import STOP_NL, TRAVEL_MODE_NL, PlanParams
from geo_tool.planning.problem import PlanInstance, apply_cap_and_random, build_instance
from geo_tool.planning.schedule import fixed_frame, schedule_frames
from geo_tool.planning.solve import SolveInfo, solve_routes
from geo_tool.planning.travel import travel_matrices
from geo_tool.progress import NullProgress, Progress


@dataclass
class VisitPlan:
    """A week's plan: visit rows, breaks, per-team-day figures, the instance it solves and the baseline.

    visits: team, day, order, address_id, arrival(_s), departure(_s), score, reasons, selected_by,
    wijk_code, x, y, status (planned | done:<outcome>). `baseline` is the greedy plan of the same
    instance (None for the baseline itself).
    """

    params: PlanParams
    instance: PlanInstance
    visits: pd.DataFrame
    breaks: pd.DataFrame
    team_days: pd.DataFrame
    solve_info: SolveInfo | None = None
    baseline: "VisitPlan | None" = None
    name: str = "pyvrp"
    notes: list[str] = field(default_factory=list)

    def stats(self) -> dict[str, float]:
        """The plan's figures: visits, expected finds, travel and working hours, finds per hour."""
        pl = self.visits[self.visits["status"] == "planned"] if len(self.visits) else self.visits
        td = self.team_days
        used = td[td["visits"] > 0] if len(td) else td
        n_td = max(len(self.instance.team_days), 1)
        work_h = len(self.instance.team_days) * (self.params.day_end_s - self.params.day_start_s - self.params.break_s) / 3600
        finds = float(np.nansum(pl["score"].astype(float))) if len(pl) else 0.0
        travel_s = float(td["travel_s"].sum()) if len(td) else 0.0
        return {
            "visits": float(len(pl)),
            "expected_finds": finds,
            "travel_h": travel_s / 3600,
            "travel_min_per_team_day": travel_s / 60 / n_td,
            "team_days": float(len(self.instance.team_days)),
            "team_days_used": float(len(used)),
            "work_h": work_h,
            "finds_per_work_h": finds / work_h if work_h else 0.0,
            "random_visits": float((pl["selected_by"] == "random").sum()) if len(pl) else 0.0,
            "required_visits": float(pl["required"].sum()) if len(pl) else 0.0,
        }

    def summary(self) -> str:
        """The text the CLI prints: the week, the figures, the comparison with greedy, notes."""
        p = self.params
        s = self.stats()
        speed = p.network_speed_kmh if self.instance.travel is not None and self.instance.travel.uses_network else p.speed_kmh
        must = s["required_visits"] - s["random_visits"]  # the random sample is planned as required too
        lines = [f"Bezoekplanning {p.week}: {p.teams} team(s) x {len(p.day_dates)} dag(en), {p.day_start}-{p.day_end}, "
                 f"pauze {p.break_min} min, bezoek {p.visit_min} min, {TRAVEL_MODE_NL.get(p.travel_mode.value)} "
                 f"{f'{speed:g}'.replace('.', ',')} km/u",
                 f"  bezoeken gepland    {s['visits']:.0f} ({s['random_visits']:.0f} steekproef, {must:.0f} verplicht)",
                 f"  verwachte vondsten  {format_number(s['expected_finds'], 2, 'nl')}",
                 f"  reistijd            {s['travel_min_per_team_day']:.0f} min per team-dag",
                 f"  vondsten per werkuur {format_number(s['finds_per_work_h'], 3, 'nl')}"]
        if self.baseline is not None:
            b = self.baseline.stats()
            gain = (s["expected_finds"] / b["expected_finds"] - 1) * 100 if b["expected_finds"] else float("nan")
            lines.append(f"  gretig (praktijk)   {b['visits']:.0f} bezoeken, {format_number(b['expected_finds'], 2, 'nl')} verwachte vondsten, "
                         f"{b['travel_min_per_team_day']:.0f} min reistijd per team-dag "
                         f"({f'{gain:+.1f}'.replace('.', ',')} % vondsten voor de planning)")
        done = self.visits[self.visits["status"] != "planned"] if len(self.visits) else self.visits
        if len(done):
            lines.append(f"  vast gehouden       {len(done)} al afgelegde bezoek(en)")
        if self.solve_info:
            i = self.solve_info
            stop = STOP_NL.get(i.stop, i.stop)
            lines.append(f"  oplosser            {format_number(i.runtime_s, 1, 'nl')} s, {i.iterations} iteraties, seed {i.seed}, "
                         f"gestopt op: {stop}")
        lines += [f"  opmerking: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """plan.csv's table: team,day,order,address_id,arrival,departure,score,reason_1,selected_by,x,y,status."""
        cols = ["team", "day", "order", "address_id", "arrival", "departure", "score", "reason_1", "selected_by", "x", "y",
                "status"]
        if self.visits.empty:
            return pd.DataFrame(columns=cols)
        out = self.visits.sort_values(["day", "team", "order"], kind="stable")[cols].copy()
        out["day"] = out["day"].astype(str)
        out["score"] = out["score"].astype(float).round(4)
        out["x"], out["y"] = out["x"].round(1), out["y"].round(1)
        return out.reset_index(drop=True)


def _plan_from_routes(inst: PlanInstance, routes: dict[int, list[int]], name: str,
                      info: SolveInfo | None = None) -> VisitPlan:
    visits, breaks, tds = schedule_frames(inst, routes)
    fixed = fixed_frame(inst)
    if len(fixed):
        visits = pd.concat([fixed, visits], ignore_index=True)
    return VisitPlan(inst.params, inst, visits, breaks, tds, info, name=name, notes=list(inst.notes))


MAX_CANDIDATES_PER_VISIT = 10
MIN_CANDIDATES = 2000


def _trim_candidates(inst: PlanInstance) -> None:
    """Keep the required visits and only the best-scoring optional candidates that the week could use.

    A city-wide ranking has ~320,000 rows; the week holds at most (working time / visit time) visits,
    so anything beyond 10x that (at least 2,000) can never be planned, and would only cost memory in
    the travel-time table.
    """
    if inst.team_days.empty:
        return
    shift_s = (inst.team_days["shift_end_s"] - inst.team_days["shift_start_s"]).clip(lower=0).sum()
    most_visits = int(shift_s // max(inst.params.visit_min * 60, 1))
    k = max(MIN_CANDIDATES, MAX_CANDIDATES_PER_VISIT * most_visits)
    c = inst.candidates
    optional = ~c["required"]
    if optional.sum() <= k:
        return
    rank = c["score"].where(optional).rank(ascending=False, method="first")
    inst.candidates = c[c["required"] | (rank <= k)].reset_index(drop=True)
    inst.notes.append(f"{int(optional.sum()) - k} laagst scorende kandidaten niet meegenomen "
                      f"(de week biedt plaats aan hoogstens {most_visits} bezoeken)")


def _estimate_visits(inst: PlanInstance) -> int:
    """How many visits the greedy practice fits (straight-line times), to size the random draw."""
    xy = np.vstack([inst.depots[["x", "y"]].to_numpy(float), inst.candidates[["x", "y"]].to_numpy(float)])
    inst.travel = travel_matrices(xy, float(inst.params.speed_kmh), inst.params.detour_factor, None)
    return sum(len(r) for r in greedy_routes(inst).values())


def _limit_pool(inst: PlanInstance, n_greedy: int) -> None:
    """Keep the required visits and the best optional candidates (pool factor x the greedy visit count)."""
    factor = inst.params.candidate_pool_factor
    c = inst.candidates
    optional = ~c["required"]
    if factor is None or not n_greedy:
        return
    # the solver fits more visits than the greedy practice (less travel): size the pool on the most
    # visits the week could hold without any travel, when that is larger than the greedy count
    shift_s = (inst.team_days["shift_end_s"] - inst.team_days["shift_start_s"]).clip(lower=0).sum()
    most_visits = int(shift_s // max(inst.params.visit_min * 60, 1))
    k = max(int(np.ceil(factor * max(n_greedy, most_visits))), 50)
    if optional.sum() <= k:
        return
    rank = c["score"].where(optional).rank(ascending=False, method="first")
    keep = c["required"] | (rank <= k)
    inst.notes.append(f"kandidatenpool: de {k} best scorende van {int(optional.sum())} optionele kandidaten "
                      f"({f'{factor:g}'.replace('.', ',')} x de {max(n_greedy, most_visits)} bezoeken die de week hoogstens biedt)")
    inst.candidates = c[keep].reset_index(drop=True)


WARM_POOL_FACTOR = 1.0
WARM_SHARE = 0.5


def _sub_instance(inst: PlanInstance, keep: np.ndarray) -> PlanInstance:
    """The instance restricted to the candidate rows `keep` (travel matrices sliced, nothing recomputed)."""
    import dataclasses

    locs = np.r_[np.arange(inst.n_depots), inst.n_depots + keep]
    t = inst.travel
    travel = dataclasses.replace(t, distance_m=t.distance_m[np.ix_(locs, locs)],
                                 travel_time_s=t.travel_time_s[np.ix_(locs, locs)])
    return PlanInstance(inst.params, inst.candidates.iloc[keep].reset_index(drop=True), inst.depots, inst.team_days,
                        inst.excluded, inst.fixed, travel, list(inst.notes))


def _warm_start(inst: PlanInstance, greedy: dict[int, list[int]], progress: Progress) -> tuple[dict[int, list[int]], float]:
    """A better starting plan than greedy: a short solve (half the time limit) over a tight pool (required +
    the best optional candidates, as many as the week can hold visits), mapped back to the full list.

    Measured on the city benchmark over the street network (bench_planning.py --network, 2,000
    candidates, 5 teams, 30 s; best known 110.79 expected finds from a 10-minute run): greedy start
    104.9 (gap 5.3 %); this warm start with the default pool (1.3) 109.0-109.4 (gap 1.3-1.6 %),
    because the search spends its time choosing between close candidates instead of first
    climbing away from the greedy plan. Returns (routes, seconds used).
    """
    p = inst.params
    c = inst.candidates
    optional = ~c["required"].to_numpy()
    shift_s = (inst.team_days["shift_end_s"] - inst.team_days["shift_start_s"]).clip(lower=0).sum()
    k = int(np.ceil(WARM_POOL_FACTOR * shift_s / max(p.visit_s, 60)))
    if optional.sum() <= 1.1 * k or p.time_limit_s < 5:  # the full pool must be larger to be worth two stages
        return greedy, 0.0
    rank = c["score"].where(optional).rank(ascending=False, method="first").to_numpy()
    keep = np.flatnonzero(~optional | (rank <= k))
    sub = _sub_instance(inst, keep)
    back = {int(i): int(j) for i, j in enumerate(keep)}
    pos = {int(j): int(i) for i, j in enumerate(keep)}
    sub_greedy = {v: [pos[x] for x in r if x in pos] for v, r in greedy.items()}
    budget = WARM_SHARE * p.time_limit_s
    clock = solve_module.CLOCK
    t0 = clock()
    try:
        routes, _ = solve_routes(sub, initial=sub_greedy, time_limit_s=budget, progress=progress)
    except GeoToolError:
        return greedy, clock() - t0
    return {v: [back[x] for x in r] for v, r in routes.items()}, clock() - t0


def plan_week(dataset: Dataset, ranked: pd.DataFrame, params: PlanParams, *,
              progress: Progress | None = None) -> VisitPlan:
    """Plan the week's visits for all teams at once (prize-collecting VRP with time windows).

    Steps: build the instance (exclusions, must-visits, team-days after any done visits), draw the
    random exploration share (sized on the greedy plan's visit count), apply the per-wijk cap, compute
    travel times, build the greedy baseline, solve with PyVRP from the greedy start under the time
    limit, write the schedule with breaks, and check it independently (a failed check is a bug and
    raises). The result carries the greedy plan as `baseline`. Needs the planner role.
    """
    from geo_tool.security.roles import require_role

    require_role("planner", tr("plan (bezoekplanning)"))
    progress = progress or NullProgress()
    progress.start(params.time_limit_s + 2, "Weekplanning")
    progress.step(tr("opgave opbouwen"))
    inst = build_instance(dataset, ranked, params)
    n_random = n_greedy = 0
    _trim_candidates(inst)
    if not inst.team_days.empty and len(inst.candidates):
        n_greedy = _estimate_visits(inst)
        n_random = int(round(params.exploration_share * n_greedy))
    apply_cap_and_random(inst, dataset, n_random, np.random.default_rng(params.seed))
    _limit_pool(inst, n_greedy)
    progress.step(tr("reistijden"))
    t0 = time.perf_counter()
    inst.compute_travel()
    travel_s = time.perf_counter() - t0
    progress.advance(1)
    progress.check_cancelled()
    progress.step(tr("vergelijking: gewone werkwijze"))
    greedy = greedy_routes(inst) if not inst.team_days.empty else {}
    baseline = _plan_from_routes(inst, greedy, "greedy")
    progress.step(tr("optimaliseren (pyvrp)"))
    start, used_s = (_warm_start(inst, greedy, progress) if params.warm_start and params.max_iterations is None
                     else (greedy, 0.0))
    routes, info = solve_routes(inst, initial=start, progress=progress,
                                time_limit_s=max(params.time_limit_s - used_s, 0.1))
    if used_s:
        info.runtime_s += used_s
    plan = _plan_from_routes(inst, routes, "pyvrp", info)
    plan.baseline = baseline
    speed = params.network_speed_kmh if inst.travel.uses_network else params.speed_kmh
    speed_txt, secs = f"{speed:g}".replace(".", ","), f"{travel_s:.1f}".replace(".", ",")
    plan.notes.append(f"reistijden: {inst.travel.source}, {TRAVEL_MODE_NL.get(params.travel_mode.value)} "
                      f"{speed_txt} km/u ({secs} s rekentijd)")
    problems = check_plan(plan)
    if problems:
        raise GeoToolError(tr("de planning haalt haar eigen controle niet (een fout in geo_tool, meld die a.u.b.): ")
                           + "; ".join(problems[:5]))
    base_problems = check_plan(baseline)
    if base_problems:
        plan.notes.append(tr("de gewone werkwijze houdt zich niet aan {n} regel(s): {first}", n=len(base_problems),
                              first=base_problems[0]))
    progress.finish()
    return plan
