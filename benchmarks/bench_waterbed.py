"""City-size figures for the waterbed analysis: the per-mode table (evidence, interval, detectable size) and
the time of `--all`.

Run: `.venv/bin/python benchmarks/bench_waterbed.py [--work DIR] [--modes adjacent,portfolio,none] [--repeat N]`
(`--modes ''` times only `--all`).
Generates the city demo per mode into DIR once (about 2 minutes each, reused when present), then for each:
the analysis at the real start and at a placebo start a year earlier, the flagged wijken against the demo's
truth/displacement.csv, the early-warning flags, and the `geo-tool waterbed --all` command timed (wall and CPU,
since the machine is shared). Prints figures; asserts nothing (target: --all < 60 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SETTINGS = {"adjacent": (0.3, "adjacent"), "portfolio": (0.3, "portfolio"), "none": (0.0, "adjacent")}


def _demo(work: Path, key: str) -> Path:
    from geo_tool.demo import generate_demo

    shared = Path(os.environ.get("GEO_TOOL_SHARED_DATA", REPO.parent / "shared" / "data"))
    out = work / f"city_{key}"
    if not (out / "interventions.csv").exists():
        d, mode = SETTINGS[key]
        t0 = time.perf_counter()
        generate_demo(out, size="city", boundaries=shared / "rotterdam_districts.gpkg", displacement=d,
                      displacement_mode=mode, grid=shared / "cbs_vk100_2024_rotterdam.gpkg")
        print(f"[{key}] demo generated in {time.perf_counter() - t0:.0f} s")
    return out


def main() -> None:
    """Print the per-mode table and the --all timing."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/waterbed_bench")
    ap.add_argument("--modes", default="adjacent,portfolio,none")
    ap.add_argument("--time-all", default="portfolio", help="time the --all command on this mode's demo ('' = skip)")
    ap.add_argument("--repeat", type=int, default=2,
                    help="runs of --all (the first one also fills the dataset cache; later ones read it)")
    args = ap.parse_args()
    from geo_tool.analysis import run_waterbed_analysis
    from geo_tool.analysis.flows import relocations
    from geo_tool.analysis.monitoring import early_warning
    from geo_tool.analysis.signals import address_wijk
    from geo_tool.dataset import load_dataset

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    for key in [k for k in args.modes.split(",") if k]:
        folder = _demo(work, key)
        ds = load_dataset(folder)
        truth = pd.read_csv(folder / "truth" / "displacement.csv", dtype=str)
        received = truth["to_wijk_code"].value_counts() if len(truth) else pd.Series(dtype=int)
        for label, start in (("start", dt.date(2022, 1, 1)), ("placebo", dt.date(2021, 1, 1))):
            t0 = time.perf_counter()
            r = run_waterbed_analysis(ds, "Carnisse", start)
            secs = time.perf_counter() - t0
            t = r.table[r.table["role"].isin(["buffer", "destination"])]
            flagged = set(t.loc[t["verdict"] == "displacement", "wijk_code"])
            false = flagged - set(received.index)
            print(f"\n[{key} / {label} {start}] {secs:.1f} s; flagged {len(flagged)}, not in truth {len(false)}")
            for row in t.itertuples():
                tr = int(received.get(row.wijk_code, 0))
                print(f"  {row.wijk_name:<22} {row.role:<11} {row.verdict:<12} truth {tr:>4} persons | "
                      f"{row.evidence_kind if isinstance(row.evidence_kind, str) else '-':<26} "
                      f"excess {row.excess:>7.1f} [{row.excess_lo:>7.1f}, {row.excess_hi:>7.1f}] q {row.q_value:.2g} | "
                      f"detectable ~{row.detectable_addresses:.0f} addresses (~{row.detectable_persons:.0f} persons)")
        moves = relocations(ds.brp, address_wijk(ds))
        ew = early_warning(ds, moves, ds.interventions)
        print("  early warning flags (wijk: months):", ew[ew["flag"]].groupby("wijk_name").size().to_dict())
    if args.time_all:
        folder = work / f"city_{args.time_all}"
        out = work / "all_out"
        cmd = [sys.executable, "-m", "geo_tool", "waterbed", str(folder), "--all", "--out", str(out)]
        env = {**os.environ, "GEO_TOOL_CACHE_DIR": str(work / "cache")}
        for i in range(args.repeat):
            load0 = os.getloadavg()[0]
            t0 = time.perf_counter()
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            print(f"\n`geo-tool waterbed {folder.name} --all` run {i + 1}: {time.perf_counter() - t0:.1f} s wall, "
                  f"{r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime:.1f} s CPU (load average "
                  f"{load0:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
