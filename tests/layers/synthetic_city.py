"""A city-size synthetic dataset on the real Rotterdam boundaries, for timing (not for figures).

~320k addresses, ~1M BRP spells, permits, complaints, visits; random but with realistic shapes.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset


def build_synthetic_city(districts_gpkg: Path, n_addr: int = 320_000, n_spells: int = 1_000_000, seed: int = 1) -> Dataset:
    """Random addresses inside the real wijken (weighted by CBS residents) and random spells/events."""
    rng = np.random.default_rng(seed)
    wk = gpd.read_file(districts_gpkg, layer="wijken")
    gb = gpd.read_file(districts_gpkg, layer="gebieden")
    for c in ("code", "name"):
        wk[c] = wk[c].astype("string")
        gb[c] = gb[c].astype("string")
    wk["gebied_code"] = ("WK" + wk["code"].str.slice(2, 8)).astype("string")
    weight = pd.to_numeric(wk.get("residents", pd.Series(1, index=wk.index)), errors="coerce").fillna(50).clip(lower=50).to_numpy(float)
    pts = wk.geometry.sample_points(size=np.maximum(1, (weight / weight.sum() * n_addr).astype(int)), rng=rng).explode(index_parts=False)
    wcode = wk["code"].to_numpy()[pts.index.to_numpy()]
    n = len(pts)
    ads = gpd.GeoDataFrame({
        "address_id": pd.Series([f"0599200{i:09d}" for i in range(n)], dtype="string"),
        "wijk_code": pd.Series(wcode, dtype="string"),
        "floor_area_m2": rng.gamma(6, 13, n).round(0),
    }, geometry=pts.values, crs="EPSG:28992")
    addr = rng.integers(0, n, n_spells)
    start = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 8800, n_spells), unit="D")
    dur = rng.exponential(2500, n_spells).astype(int)
    until = start + pd.to_timedelta(dur, unit="D")
    until = until.where(until < pd.Timestamp("2024-06-01"))
    nat = rng.choice(["NL", "EU-MOE", "EU-Zuid", "EU-overig", "non-EU", "unknown"], n_spells, p=[.6, .08, .04, .04, .22, .02])
    brp = pd.DataFrame({
        "person_id": pd.Series([f"p{i}" for i in rng.integers(0, int(n_spells * 0.7), n_spells)], dtype="string"),
        "address_id": ads["address_id"].to_numpy()[addr],
        "registered_from": start.astype("datetime64[ns]"), "registered_until": until.astype("datetime64[ns]"),
        "nationality_group": pd.Series(nat, dtype="string"),
        "birth_year": pd.Series(rng.integers(1930, 2020, n_spells), dtype="Int64"),
        "rni": pd.Series(rng.random(n_spells) < 0.02, dtype="boolean"),
    })
    brp["address_id"] = brp["address_id"].astype("string")
    m = 40_000
    pa = rng.integers(0, n, m)
    permits = pd.DataFrame({
        "address_id": ads["address_id"].to_numpy()[pa], "landlord_id": pd.Series([f"L{i}" for i in rng.zipf(1.6, m) % 5000], dtype="string"),
        "status": pd.Series(rng.choice(["granted", "applied", "refused", "revoked", "exempt"], m, p=[.7, .1, .08, .05, .07]), dtype="string"),
        "valid_from": (pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, 2500, m), unit="D")).astype("datetime64[ns]"),
        "valid_until": pd.Series(pd.NaT, index=range(m), dtype="datetime64[ns]"),
    })
    permits["address_id"] = permits["address_id"].astype("string")
    k = 60_000
    ca = rng.integers(0, n, k)
    complaints = gpd.GeoDataFrame({
        "complaint_id": pd.Series([f"M{i}" for i in range(k)], dtype="string"),
        "received_on": (pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 1800, k), unit="D")).astype("datetime64[ns]"),
        "category": pd.Series(rng.choice(["woonoverlast", "overbewoning", "afval", "geluid", "verkamering", "overig"], k), dtype="string"),
        "address_id": pd.Series(ads["address_id"].to_numpy()[ca], dtype="string"),
        "wijk_code": pd.Series(wcode[ca], dtype="string"),
    }, geometry=ads.geometry.values[ca], crs="EPSG:28992")
    v = 12_000
    va = rng.integers(0, n, v)
    inspections = pd.DataFrame({
        "inspection_id": pd.Series([f"H{i}" for i in range(v)], dtype="string"),
        "address_id": pd.Series(ads["address_id"].to_numpy()[va], dtype="string"),
        "visited_on": (pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 1800, v), unit="D")).astype("datetime64[ns]"),
        "outcome": pd.Series(rng.choice(["violation", "no_violation", "no_access"], v, p=[.3, .55, .15]), dtype="string"),
        "violations": pd.Series(rng.choice(["overbewoning", "brp_onjuist", None], v), dtype="string"),
    })
    empty = pd.DataFrame({"wijk_code": pd.Series(dtype="string"), "start": pd.Series(dtype="datetime64[ns]"),
                          "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype="string")})
    return Dataset(root=Path("/nonexistent/synthetic_city"), gebieden=gb, wijken=wk, addresses=ads, brp=brp,
                   permits=permits, complaints=complaints, inspections=inspections, interventions=empty)
