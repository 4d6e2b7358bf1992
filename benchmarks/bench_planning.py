"""Benchmark of the weekly visit planner: pyvrp (default time limit) vs greedy practice vs a long run.

Prints expected finds, visits, travel time per team-day, solve time and the gap to the best known
(the long run) on one instance: by default the synthetic city of `geo_tool.planning.synthetic`
(5 teams x 5 days, 2,000 candidates), or a dataset folder with a ranking. Figures only; nothing is
asserted. The long run takes --long-s seconds (default 600, the issue's "best known"); 0 skips it.

With --network FILE (the shared OSM GeoPackage) it also prints the street-network figures: preparing
the network the first time (empty cache) and cached, the 2,000 x 2,000 bike matrix, the whole plan
over the network and the peak memory; the synthetic addresses are then spread over the whole city
(14 km square) and moved onto the bike network, since nobody lives in the Maas.

    /work/venv/bin/python benchmarks/bench_planning.py [--long-s 600] [--time-limit 30] [--out DIR]
    /work/venv/bin/python benchmarks/bench_planning.py --network ../shared/data/rotterdam_osm_street_network.gpkg
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from dataclasses import replace

import numpy as np

from geo_tool.planning import PlanParams, check_plan, plan_week, read_ranked
from geo_tool.planning.synthetic import toy_dataset, toy_ranking


def _row(name: str, s: dict, runtime_s: float | None) -> str:
    rt = f"{runtime_s:7.1f}" if runtime_s is not None else "      -"
    return (f"{name:<22} {s['visits']:6.0f} {s['expected_finds']:9.2f} {s['travel_min_per_team_day']:9.1f} "
            f"{s['finds_per_work_h']:8.3f} {rt}")


def _city_on_network(network: str, n: int):
    """The synthetic city spread over Rotterdam (14 km square), every address moved onto the bike network."""
    import geopandas as gpd

    from geo_tool.network import load_network, snap_points

    ds = toy_dataset(n, size_m=14000, wijken_per_side=8, seed=3, origin=(86000.0, 430000.0))
    net = load_network(network, "bike")
    xy = np.column_stack([ds.addresses.geometry.x, ds.addresses.geometry.y])
    sn = snap_points(net, xy, max_snap_m=5000)
    ds.addresses = ds.addresses.set_geometry(gpd.points_from_xy(sn.proj_xy[:, 0], sn.proj_xy[:, 1] + 3.0, crs=28992))
    ds.addresses = ds.addresses[net.edge_crossing[sn.edge] == 0].reset_index(drop=True)
    return ds


def _network_figures(network: str, ds, ranked) -> None:
    """Preparation (empty cache, then cached in a fresh state) and the 2,000 x 2,000 bike matrix."""
    from geo_tool.network import load_network, network_matrices
    from geo_tool.network import prepare as prep

    old = os.environ.get("GEO_TOOL_CACHE_DIR")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GEO_TOOL_CACHE_DIR"] = tmp
        prep._LOADED.clear()
        t0 = time.perf_counter()
        load_network(network, "bike")
        first = time.perf_counter() - t0
        prep._LOADED.clear()
        t0 = time.perf_counter()
        net = load_network(network, "bike")
        cached = time.perf_counter() - t0
    if old is None:
        os.environ.pop("GEO_TOOL_CACHE_DIR", None)
    else:
        os.environ["GEO_TOOL_CACHE_DIR"] = old
    print(f"network preparation (bike): first time {first:.2f} s, cached {cached:.2f} s "
          f"({net.n_nodes:,} nodes, {len(net.edge_u):,} edges)")
    pts = ds.addresses.set_index(ds.addresses["address_id"].astype(str)).loc[ranked["address_id"].astype(str)]
    xy = np.column_stack([pts.geometry.x, pts.geometry.y])[:2000]
    t0, c0 = time.perf_counter(), time.process_time()
    m = network_matrices(net, xy, speed_kmh=15)
    print(f"bike matrix {len(xy):,} x {len(xy):,}: {time.perf_counter() - t0:.1f} s wall, "
          f"{time.process_time() - c0:.1f} s CPU ({m.off_network} points off the network; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", help="dataset folder (default: synthetic city)")
    ap.add_argument("--ranked", help="ranked.csv (with --dataset)")
    ap.add_argument("--candidates", type=int, default=2000)
    ap.add_argument("--addresses", type=int, default=8000, help="synthetic city size")
    ap.add_argument("--teams", type=int, default=5)
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--mode", default="bike")
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--long-s", type=float, default=600.0, help="best-known run length in seconds (0 = skip)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--best-known", type=float, help="expected finds of an earlier long run: print the gap to it "
                                                     "(use with --long-s 0 when the instance is unchanged)")
    ap.add_argument("--exploration", type=float, default=0.10)
    ap.add_argument("--pool-factor", type=float, default=1.3, help="candidate pool x greedy visits (0 = all)")
    ap.add_argument("--out", help="also write the plan outputs (with the best-known figures) here")
    ap.add_argument("--no-warm", action="store_true", help="start the solver from the greedy plan (the old way)")
    ap.add_argument("--cpu-clock", action="store_true",
                    help="measure the solver's time limits in CPU seconds of this process (a fair comparison "
                         "on a shared, loaded machine); default wall time, as users get")
    ap.add_argument("--network", help="street network file: also time preparation, the matrix and the plan over it")
    a = ap.parse_args()
    if a.cpu_clock:
        from geo_tool.planning import solve as solve_module
        solve_module.CLOCK = time.process_time

    if a.dataset:
        from geo_tool.dataset import load_dataset
        ds = load_dataset(a.dataset)
        ranked = read_ranked(a.ranked).head(a.candidates)
    elif a.network:
        ds = _city_on_network(a.network, a.addresses)
        ranked = toy_ranking(ds, a.candidates, seed=3)
    else:
        ds = toy_dataset(a.addresses, size_m=7000, wijken_per_side=6, seed=3)
        ranked = toy_ranking(ds, a.candidates, seed=3)
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[: a.days]
    params = PlanParams(week="2026-W10", teams=a.teams, days=days, time_limit_s=a.time_limit, seed=a.seed,
                        travel_mode=a.mode, exploration_share=a.exploration,
                        candidate_pool_factor=a.pool_factor or None, network=a.network,
                        warm_start=not a.no_warm)
    if a.network:
        _network_figures(a.network, ds, ranked)
    t0 = time.perf_counter()
    plan = plan_week(ds, ranked, params)
    total_s = time.perf_counter() - t0
    inst = plan.instance
    print(f"instance: {len(inst.candidates)} candidates ({int(inst.candidates['required'].sum())} required), "
          f"{len(inst.team_days)} team-days, {params.travel_mode.value} "
          f"{params.network_speed_kmh if inst.travel.uses_network else params.speed_kmh:g} km/h; travel: {inst.travel.source}")
    print(f"solver clock: {'CPU time of this process' if a.cpu_clock else 'wall time'}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"plan_week total {total_s:.1f} s{' over the street network' if a.network else ''} (solver {plan.solve_info.runtime_s:.1f} s, "
          f"{plan.solve_info.iterations} iterations); check: {check_plan(plan) or 'valid'}")
    print(f"{'plan':<22} {'visits':>6} {'exp.finds':>9} {'trav/td':>9} {'finds/h':>8} {'time_s':>7}")
    print(_row("greedy practice", plan.baseline.stats(), None))
    print(_row(f"pyvrp {a.time_limit:g} s", plan.stats(), plan.solve_info.runtime_s))
    best = None
    if a.long_s > 0:
        # the best known: all candidates (no pool limit), the same random draws, a long run
        full = plan_week(ds, ranked, replace(params, candidate_pool_factor=None, time_limit_s=a.long_s))
        long_plan, info = full, full.solve_info
        problems = check_plan(long_plan)
        best = long_plan.stats()
        if plan.stats()["expected_finds"] > best["expected_finds"]:
            best = plan.stats()  # the best known is the better of the two
        best["runtime_s"] = info.runtime_s
        print(_row(f"pyvrp {a.long_s:g} s (long)", long_plan.stats(), info.runtime_s) +
              ("" if not problems else f"  INVALID: {problems[:2]}"))
        gap = (1 - plan.stats()["expected_finds"] / best["expected_finds"]) * 100
        print(f"gap of the {a.time_limit:g}-s plan to the best known: {gap:.2f} % expected finds")
    elif a.best_known:
        gap = (1 - plan.stats()["expected_finds"] / a.best_known) * 100
        print(f"gap of the {a.time_limit:g}-s plan to the given best known {a.best_known:g}: {gap:.2f} % expected finds")
    g = plan.baseline.stats()["expected_finds"]
    print(f"pyvrp vs greedy: {(plan.stats()['expected_finds'] / g - 1) * 100:+.1f} % expected finds at equal hours")
    if a.network:
        print(f"peak memory (whole run): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if a.out:
        from geo_tool.planning.outputs import write_plan_outputs
        paths = write_plan_outputs(plan, ds, a.out, best_known=best)
        print(f"wrote {len(paths)} files to {a.out}")


if __name__ == "__main__":
    main()
