"""The plan's routes as lines along the streets, and how far the straight-line estimate was off.

`route_geometries` gives per team-day the path start -> visits -> end over the street network the
plan was timed on (`geo_tool.network.route_legs`), or the straight segments when the plan has no
network. `straight_line_error` compares, for the legs this week's routes actually use, the network
travel times with what the straight line x the detour factor would have said. `travel_credit`
is the one Dutch line every map, sheet and report shows about travel times and the data's source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class RouteGeometry:
    """One team-day's route: the full line (RD coordinates), its legs, the Maas crossings used."""

    team: str
    day: dt.date
    coords: np.ndarray
    legs: list
    crossings: tuple[str, ...]
    along_streets: bool


def _stops_xy(plan, td) -> np.ndarray:
    inst = plan.instance
    v = plan.visits
    grp = v[(v["team"] == td.team) & (v["day"] == td.day) & (v["status"] == "planned")].sort_values("order")
    s, e = inst.depots.iloc[int(td.start_depot)], inst.depots.iloc[int(td.end_depot)]
    return np.array([(s.x, s.y), *zip(grp["x"].astype(float), grp["y"].astype(float)), (e.x, e.y)], dtype=float), len(grp)


def route_geometries(plan) -> dict[tuple[str, dt.date], RouteGeometry]:
    """Per (team, day) with visits: the route line along the streets (or straight when there is no network)."""
    from geo_tool.network import RouteLeg, route_legs

    cached = getattr(plan, "_route_geometries", None)
    if cached is not None:
        return cached
    inst = plan.instance
    net = inst.travel.network if inst.travel is not None else None
    out: dict[tuple[str, dt.date], RouteGeometry] = {}
    for td in inst.team_days.itertuples():
        xy, n = _stops_xy(plan, td)
        if not n:
            continue
        if net is not None:
            legs = route_legs(net, xy)
        else:
            legs = [RouteLeg(xy[i:i + 2], float(np.hypot(*(xy[i + 1] - xy[i]))), (), False) for i in range(len(xy) - 1)]
        coords = np.vstack([legs[0].coords] + [leg.coords[1:] for leg in legs[1:]])
        crossed = tuple(dict.fromkeys(c for leg in legs for c in leg.crossings))
        out[(td.team, td.day)] = RouteGeometry(td.team, td.day, coords, legs, crossed, net is not None)
    try:
        object.__setattr__(plan, "_route_geometries", out)
    except (AttributeError, TypeError):
        pass
    return out


def straight_line_error(plan) -> dict[str, float] | None:
    """For the legs of this week's planned routes: the distance over the streets against the straight line x factor.

    Returns legs, network_km, straight_km (totals), ratio (network / straight x factor), the median and
    the largest leg error in percent (positive = the straight-line estimate was too short), and
    network_min (riding time over the network, stops included); None when the plan has no network.
    """
    inst = plan.instance
    if inst.travel is None or not inst.travel.uses_network:
        return None
    p = plan.params
    xy = np.vstack([inst.depots[["x", "y"]].to_numpy(float), inst.candidates[["x", "y"]].to_numpy(float)])
    pl = plan.visits[plan.visits["status"] == "planned"] if len(plan.visits) else plan.visits
    pairs = []
    for td in inst.team_days.itertuples():
        grp = pl[(pl["team"] == td.team) & (pl["day"] == td.day)].sort_values("order")
        if grp.empty:
            continue
        locs = [int(td.start_depot), *(inst.n_depots + grp["candidate"].astype(int)), int(td.end_depot)]
        pairs += [(a, b) for a, b in zip(locs[:-1], locs[1:]) if a != b]
    if not pairs:
        return None
    a, b = np.array(pairs).T
    net_m = inst.travel.distance_m[a, b].astype(float)
    est_m = np.hypot(*(xy[a] - xy[b]).T) * p.detour_factor
    moving = est_m > 1.0
    err = (net_m[moving] / est_m[moving] - 1) * 100
    return {"legs": float(len(a)), "network_km": net_m.sum() / 1000, "straight_km": est_m.sum() / 1000,
            "ratio": net_m.sum() / max(est_m.sum(), 1.0), "network_min": float(inst.travel.travel_time_s[a, b].sum()) / 60,
            "median_leg_pct": float(np.median(err)) if len(err) else 0.0,
            "worst_leg_pct": float(err[np.argmax(np.abs(err))]) if len(err) else 0.0}


def travel_credit(plan) -> str:
    """The Dutch line about travel times for every map, sheet and report (with the OSM credit when used)."""
    from geo_tool.network import ATTRIBUTION_NL, no_network_note

    t = plan.instance.travel
    if t is None or not t.uses_network:
        return no_network_note(plan.params.detour_factor)
    return f"Reistijden over het {t.source}. Stratennet {ATTRIBUTION_NL}"


def route_frame(plan) -> pd.DataFrame:
    """One row per team-day route: team, day, along_streets, crossings, length_m, and the RD coordinates."""
    rows = [{"team": g.team, "day": g.day, "along_streets": g.along_streets, "crossings": ", ".join(g.crossings),
             "length_m": float(np.sum(np.hypot(*np.diff(g.coords, axis=0).T))), "coords": g.coords}
            for g in route_geometries(plan).values()]
    return pd.DataFrame(rows, columns=["team", "day", "along_streets", "crossings", "length_m", "coords"])
