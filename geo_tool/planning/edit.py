"""Hand edits of a finished plan: move one planned visit to another team or day.

`move_visit` is pure: it takes a `VisitPlan` and returns a new one. The moved visit is inserted into
the target team-day's route where it fits best (the position that keeps the route feasible and ends
the day earliest, with the plan's own travel times), and every affected route is re-timed with the
same scheduler the planner uses (break inserted around the middle of the day). It does not refuse a
move that breaks a rule: `check_plan(new_plan)` lists what the hand edit broke (a day that runs past
the working hours, a must-visit outside its window, ...), so the planner can see it and decide.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from geo_tool.errors import UsageError
from geo_tool.i18n import tr
from geo_tool.planning.plan import VisitPlan, _plan_from_routes
from geo_tool.planning.schedule import route_times


def _as_date(day: dt.date | str) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    try:
        return dt.date.fromisoformat(str(day).strip())
    except ValueError:
        raise UsageError(tr("dag '{day}' is geen ISO-datum (JJJJ-MM-DD)", day=day)) from None


def plan_routes(plan: VisitPlan) -> dict[int, list[int]]:
    """The plan's routes: team-day index (row of `plan.instance.team_days`) -> candidate indices in visit order."""
    inst = plan.instance
    vehicle = {(r.team, r.day): i for i, r in enumerate(inst.team_days.itertuples())}
    routes: dict[int, list[int]] = {}
    v = plan.visits
    if v.empty:
        return routes
    planned = v[v["status"] == "planned"].sort_values(["team", "day", "order"], kind="stable")
    for (team, day), grp in planned.groupby(["team", "day"], sort=False):
        key = vehicle.get((team, day))
        if key is None:
            raise UsageError(tr("{team} {day}: geen teamdag van deze planning", team=team, day=day))
        routes[key] = [int(c) for c in grp["candidate"]]
    return routes


def _best_position(plan: VisitPlan, vehicle: int, route: list[int], cand: int) -> list[int]:
    """Insert `cand` into `route`: the feasible position that ends the day earliest, else the earliest end."""
    best, best_key = None, None
    for pos in range(len(route) + 1):
        trial = route[:pos] + [cand] + route[pos:]
        rt = route_times(plan.instance, vehicle, trial)
        key = (not rt.feasible, rt.end_s)
        if best_key is None or key < best_key:
            best, best_key = trial, key
    return best  # type: ignore[return-value]


def move_visit(plan: VisitPlan, address_id: str, team: str, day: dt.date | str) -> VisitPlan:
    """A new plan with the planned visit to `address_id` moved to `team` on `day`, routes re-timed.

    The visit goes where it fits best in the target route (see the module text); the route it left
    is re-timed without it. Visits already made (status done:...) cannot be moved. A target that is
    not a team-day of the plan (a day not worked, or before the last day with done visits) is a
    `UsageError`. Rules the new plan breaks are not checked here: call `check_plan` on the result.
    """
    inst = plan.instance
    address_id = str(address_id).strip()
    day = _as_date(day)
    v = plan.visits
    rows = v[v["address_id"].astype(str) == address_id] if len(v) else v
    if rows.empty:
        raise UsageError(tr("adres {address} staat niet in deze planning", address=address_id))
    row = rows.iloc[0]
    if row["status"] != "planned":
        raise UsageError(tr("adres {address} is al bezocht ({status}); een gedaan bezoek kan niet worden verplaatst",
                            address=address_id, status=row["status"]))
    vehicle = {(r.team, r.day): i for i, r in enumerate(inst.team_days.itertuples())}
    target = vehicle.get((str(team), day))
    if target is None:
        days = sorted({d.isoformat() for d in inst.team_days["day"]})
        teams = sorted(set(inst.team_days["team"]))
        raise UsageError(tr("{team} op {day} is geen teamdag van deze planning (teams {teams}; dagen {days})", team=team,
                            day=day.isoformat(), teams=", ".join(teams) or tr("geen"),
                            days=", ".join(days) or tr("geen")))
    cand = int(row["candidate"])
    routes = plan_routes(plan)
    source = vehicle[(row["team"], row["day"])]
    routes[source] = [c for c in routes.get(source, []) if c != cand]
    routes[target] = _best_position(plan, target, routes.get(target, []), cand)
    new = _plan_from_routes(inst, {k: r for k, r in routes.items() if r}, plan.name, plan.solve_info)
    new.baseline = plan.baseline
    new.notes = list(plan.notes) + [f"handmatig verplaatst: {address_id} van {row['team']} {row['day']} "
                                    f"naar {team} {day.isoformat()}"]
    return new


def movable_targets(plan: VisitPlan) -> pd.DataFrame:
    """The team-days a visit may be moved to (team, day), in plan order."""
    return plan.instance.team_days[["team", "day"]].reset_index(drop=True)
