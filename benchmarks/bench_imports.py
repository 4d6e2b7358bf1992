"""Address matching at city size: 1.5 million typed register rows against the city demo's addresses.

Run: `.venv/bin/python benchmarks/bench_imports.py [--dataset DIR] [--rows N]`.
Without --dataset it generates the city demo (real polygons and grid from $GEO_TOOL_SHARED_DATA).
The rows carry no BAG id, only postcode + number as typed (`3074 ht`, `12-B`, `12 bis`), some with a
wrong postcode and the street: so every row goes through the normalised (and street) joins.
Prints figures; asserts nothing (target: matching 1.5 M rows < 20 s).

`--round-trip DIR`: DIR is a demo written with `geo-tool demo ... --as-exported` (time that command
yourself); imports its three exports with their shipped profiles into DIR/../reimported, timing each,
and prints the match rate per method and the round trip: per-wijk counts of register spells,
complaints and permits, original vs imported, against the share the import reports as not placed.
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


def _wijk_counts(frame: pd.DataFrame, wijk_of: pd.Series, wijken: gpd.GeoDataFrame) -> pd.Series:
    """Rows per wijk: by address_id, else the row's own wijk_code (area level), else its x, y point."""
    wijk = frame["address_id"].map(wijk_of)
    if "wijk_code" in frame.columns:
        wijk = wijk.fillna(frame["wijk_code"].replace("", np.nan))
    if {"x", "y"} <= set(frame.columns):
        todo = wijk.isna() & (frame["x"] != "")
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(pd.to_numeric(frame.loc[todo, "x"]),
                                                           pd.to_numeric(frame.loc[todo, "y"])),
                               index=frame.index[todo], crs=wijken.crs)
        hit = gpd.sjoin(pts, wijken[["code", "geometry"]], predicate="within")
        wijk.loc[hit.index] = hit["code"].to_numpy()
    return wijk.value_counts()


def round_trip(root: Path) -> None:
    """Import DIR/exports/* with the shipped profiles and compare per-wijk figures with the original."""
    from geo_tool.imports import import_export

    into = root.parent / f"{root.name}-reimported"
    wijk_of = gpd.read_file(root / "addresses.gpkg", columns=["address_id", "wijk_code"],
                            ignore_geometry=True).set_index("address_id")["wijk_code"]
    wijken = gpd.read_file(root / "districts.gpkg", layer="wijken")
    for profile, table in (("brp-gba", "brp_registrations"), ("meldingen-signalen", "complaints"),
                           ("vergunningen-tekstadres", "permits")):
        t0 = time.perf_counter()
        o = import_export(root / "exports" / f"{profile}.csv", profile, into, addresses=root)  # as `geo-tool import`
        took = time.perf_counter() - t0
        lost = 1 - o.rows_written / o.rows_read
        print(f"\n{profile}: {o.rows_read:,} rows read, {o.rows_written:,} written in {took:.1f} s "
              f"(not placed: {100 * lost:.2f}%, repaired dates: {o.repaired_dates:,}, area level: {o.area_level:,})")
        for method, n in sorted(o.methods.items(), key=lambda kv: -kv[1]):
            print(f"  {method:<11} {n:>10,}  {100 * n / o.rows_read:6.2f}%")
        cols = lambda c: c in ("address_id", "wijk_code", "nationality_group", "x", "y")  # noqa: E731
        a = pd.read_csv(root / f"{table}.csv", dtype=str, keep_default_na=False, usecols=cols)
        b = pd.read_csv(into / f"{table}.csv", dtype=str, keep_default_na=False, usecols=cols)
        ca, cb = _wijk_counts(a, wijk_of, wijken).align(_wijk_counts(b, wijk_of, wijken), fill_value=0)
        diff = (ca - cb).abs()
        print(f"  per-wijk {table}: original {int(ca.sum()):,}, imported {int(cb.sum()):,}; "
              f"sum |difference| {int(diff.sum()):,} = {100 * diff.sum() / ca.sum():.2f}% of the original "
              f"(not placed {100 * lost:.2f}%); largest wijk difference {100 * (diff / ca.clip(lower=1)).max():.2f}%; "
              f"{'within' if diff.sum() <= lost * ca.sum() + 1 else 'OUTSIDE'} the unmatched share")
        if "nationality_group" in a.columns:
            ga, gb = a["nationality_group"].replace("", "unknown").value_counts().align(
                b["nationality_group"].replace("", "unknown").value_counts(), fill_value=0)
            print("  nationality groups original -> imported: "
                  + ", ".join(f"{g} {int(ga[g]):,} -> {int(gb[g]):,}" for g in ga.index))


def main() -> None:
    """Generate (or open) the city demo, build typed rows, and time the matching."""
    from geo_tool.imports.match import match_addresses, method_family, prepare_addresses

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", help="city demo folder (default: generate one in a temporary folder)")
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--round-trip", help="demo folder written with --as-exported: import its exports and compare")
    args = parser.parse_args()
    if args.round_trip:
        round_trip(Path(args.round_trip))
        return
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
