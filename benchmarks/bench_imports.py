"""Address matching at city size: 1.5 million typed register rows against the city demo's addresses.

Run: `.venv/bin/python benchmarks/bench_imports.py [--dataset DIR] [--rows N]`.
Without --dataset it generates the city demo (real polygons and grid from $GEO_TOOL_SHARED_DATA).
The rows carry no BAG id, only postcode + number as typed (`3074 ht`, `12-B`, `12 bis`), some with a
wrong postcode and the street: so every row goes through the normalised (and street) joins.
Prints figures; asserts nothing (target: matching 1.5 M rows < 20 s).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def typed_rows(addr: pd.DataFrame, n: int, seed: int = 1) -> pd.DataFrame:
    """`n` register rows pointing at random addresses, with the spellings of issue 14 (vectorised)."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(addr), n)
    a = addr.iloc[pick].reset_index(drop=True)
    pc = a["postcode"].astype("string").fillna("")
    u = rng.random(n)
    pc = pc.where(u < 0.4, pc.str.slice(0, 4) + " " + pc.str.slice(4).str.lower())
    number = a["house_number"].astype("Int64").astype("string").fillna("")
    letter = a["house_letter"].astype("string").fillna("")
    addition = a["house_number_addition"].astype("string").fillna("")
    combined = rng.random(n) < 0.3
    number = number.where(~combined, number + "-" + letter.str.lower() + addition.str.lower()).str.rstrip("-")
    letter = letter.where(~combined, "")
    addition = addition.where(~combined, "")
    wrong = rng.random(n) < 0.05
    pc = pc.where(~wrong, "9999ZZ")
    return pd.DataFrame({"postcode": pc, "number": number, "letter": letter, "addition": addition,
                         "street": a["street"].astype("string").fillna("")})


def main() -> None:
    """Generate (or open) the city demo, build typed rows, and time the matching."""
    from geo_tool.imports.match import match_addresses, method_family, prepare_addresses

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", help="city demo folder (default: generate one in a temporary folder)")
    parser.add_argument("--rows", type=int, default=1_500_000)
    args = parser.parse_args()
    if args.dataset:
        root = Path(args.dataset)
    else:
        from geo_tool.demo import generate_demo

        shared = Path(os.environ.get("GEO_TOOL_SHARED_DATA", REPO.parent / "shared" / "data"))
        root = Path(tempfile.mkdtemp()) / "city"
        t0 = time.perf_counter()
        generate_demo(root, size="city", boundaries=shared / "rotterdam_districts.gpkg",
                      grid=shared / "cbs_vk100_2024_rotterdam.gpkg")
        print(f"city demo generated in {time.perf_counter() - t0:.1f} s: {root}")
    addr = gpd.read_file(root / "addresses.gpkg")
    rows = typed_rows(addr, args.rows)
    t0 = time.perf_counter()
    table = prepare_addresses(addr)
    t_prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    got = match_addresses(rows, table)
    t_match = time.perf_counter() - t0
    counts = method_family(got["method"]).value_counts()
    print(f"addresses: {len(addr):,}   register rows: {len(rows):,}")
    print(f"prepare address keys: {t_prep:.2f} s")
    print(f"match {len(rows):,} rows: {t_match:.2f} s  ({len(rows) / t_match:,.0f} rows/s)  target < 20 s")
    for method, n in counts.items():
        print(f"  {method:<11} {n:>10,}  {100 * n / len(rows):5.1f}%")


if __name__ == "__main__":
    main()
