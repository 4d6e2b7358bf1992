"""City-size figures for the foundation: demo generation, first import, cached re-open, peak memory.

Run: `.venv/bin/python benchmarks/bench_foundation.py [--out DIR] [--seed N]`.
Uses the real polygons and the CBS 100 m grid from $GEO_TOOL_SHARED_DATA (default ../shared/data).
Prints figures; asserts nothing (targets: demo < 90 s, cached re-open < 3 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


PEAK = "; import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def _peak_rss_mb_of(code: str, env: dict) -> tuple[float, float, str]:
    """Run `code` in a fresh interpreter; return (wall seconds, its own peak RSS MiB, its other stdout)."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code + PEAK], capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - t0
    *lines, rss_kib = out.stdout.strip().splitlines()
    return wall, int(rss_kib) / 1024, "\n".join(lines).strip()


def main() -> None:
    """Generate, import and re-open the city demo and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", help="dataset folder (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    shared = Path(os.environ.get("GEO_TOOL_SHARED_DATA", REPO.parent / "shared" / "data"))
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="geo_tool_bench_")) / "city"
    cache = Path(tempfile.mkdtemp(prefix="geo_tool_bench_cache_"))
    env = dict(os.environ, GEO_TOOL_CACHE_DIR=str(cache))
    env.setdefault("GEO_TOOL_PSEUDONYM_KEY", "benchmark-key")

    gen = (
        "import time; from geo_tool.demo import generate_demo; t=time.perf_counter();"
        f"s=generate_demo({str(out)!r}, seed={args.seed}, size='city',"
        f" boundaries={str(shared / 'rotterdam_districts.gpkg')!r}, grid={str(shared / 'cbs_vk100_2024_rotterdam.gpkg')!r});"
        "print(f'{time.perf_counter()-t:.2f}')"
    )
    load = (
        "import time; from geo_tool.dataset import load_dataset; t=time.perf_counter();"
        f"d=load_dataset({str(out)!r});"
        "print(f'{time.perf_counter()-t:.2f} {len(d.addresses)} {len(d.brp)} {len(d.complaints)} {len(d.inspections)}')"
    )
    rows = []
    wall, rss, inner = _peak_rss_mb_of(gen, env)
    rows.append(("demo generation (city)", float(inner), rss))
    wall, rss, inner = _peak_rss_mb_of(load, env)
    secs, n_addr, n_brp, n_compl, n_insp = inner.split()
    rows.append(("first import (validate + pseudonymise + cache)", float(secs), rss))
    wall, rss, inner = _peak_rss_mb_of(load, env)
    rows.append(("cached re-open", float(inner.split()[0]), rss))

    print(f"city demo: {int(n_addr):,} addresses, {int(n_brp):,} register spells, "
          f"{int(n_compl):,} complaints, {int(n_insp):,} inspections")
    print(f"{'step':<50} {'seconds':>8} {'peak RSS (MiB)':>15}")
    for name, secs, rss in rows:
        print(f"{name:<50} {secs:>8.2f} {rss:>15.0f}")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
