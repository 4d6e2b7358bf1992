"""A small hand-built `Dataset` with a known hidden truth, for the model tests.

Not the demo generator: a deliberately simple world whose rules can be read in one screen.
Some rented addresses of bad landlords turn into overcrowded, high-turnover rooms from a start
date on; they draw complaints; visits come mostly from complaints and some at random; a visit to
an address in violation finds it (mostly). Nationality groups are correlated with violation so that
a model using them would change when they are shuffled.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from geo_tool.dataset import Dataset

DAY0 = pd.Timestamp("2019-01-01")


def _dates(days: np.ndarray) -> pd.Series:
    """Datetime column from day offsets (NaN -> NaT)."""
    days = np.asarray(days, dtype=float)
    out = pd.Series(pd.NaT, index=range(len(days)), dtype="datetime64[ns]")
    ok = ~np.isnan(days)
    out[ok] = DAY0 + pd.to_timedelta(days[ok].astype(np.int64), unit="D")
    return out


def make_toy_dataset(n_addresses: int = 800, seed: int = 0, n_days: int = 6 * 365) -> tuple[Dataset, pd.DataFrame]:
    """A Dataset plus its truth (`address_id, violation_from`: day the address turned bad, NaT when never)."""
    rng = np.random.default_rng(seed)
    n_wijk = 10
    wijk_codes = [f"BU0599{i:04d}" for i in range(n_wijk)]
    gebied_codes = [f"WK0599{i // 4:02d}" for i in range(n_wijk)]
    wijken = gpd.GeoDataFrame(
        {"code": wijk_codes, "name": [f"Wijk {i}" for i in range(n_wijk)], "gebied_code": gebied_codes,
         "residents": pd.array([1000] * n_wijk, dtype="Int64")},
        geometry=[box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(n_wijk)], crs=28992,
    ).astype({"code": "string", "name": "string", "gebied_code": "string"})
    gebieden = gpd.GeoDataFrame(
        {"code": sorted(set(gebied_codes)), "name": [f"Gebied {i}" for i in range(len(set(gebied_codes)))]},
        geometry=[box(0, 0, 1, 1)] * len(set(gebied_codes)), crs=28992,
    ).astype({"code": "string", "name": "string"})

    ids = np.array([f"0599200{i:09d}" for i in range(n_addresses)], dtype=object)
    wijk = rng.integers(0, n_wijk, n_addresses)
    wijk_risk = np.linspace(0.3, 2.0, n_wijk)[wijk]
    area = np.round(rng.lognormal(np.log(70), 0.35, n_addresses), 1)
    year = rng.integers(1900, 2020, n_addresses)
    xs = wijk * 1000 + rng.uniform(1, 999, n_addresses)
    addresses = gpd.GeoDataFrame(
        {"address_id": pd.array(ids, dtype="string"), "wijk_code": pd.array(np.array(wijk_codes)[wijk], dtype="string"),
         "floor_area_m2": area, "building_year": pd.array(year, dtype="Int64")},
        geometry=gpd.points_from_xy(xs, rng.uniform(1, 999, n_addresses)), crs=28992,
    )

    # landlords and who turns bad
    n_landlords = max(5, n_addresses // 25)
    rented = rng.random(n_addresses) < 0.35
    landlord = np.where(rented, rng.integers(0, n_landlords, n_addresses), -1)
    landlord_bad = rng.random(n_landlords) < 0.25
    p_bad = np.where(rented, np.where(landlord_bad[np.maximum(landlord, 0)], 0.35, 0.04), 0.004) * wijk_risk
    bad = rng.random(n_addresses) < np.clip(p_bad, 0, 1)
    bad_from = np.where(bad, rng.integers(200, n_days - 100, n_addresses), np.nan)
    small = area < 55
    bad_from = np.where(bad & small & (rng.random(n_addresses) < 0.3), np.nan, bad_from)  # some bad flats stay clean
    bad = ~np.isnan(bad_from)

    # brp: a household per address, plus short room-rental spells at bad addresses
    hh = rng.integers(1, 4, n_addresses)
    a_hh = np.repeat(np.arange(n_addresses), hh)
    start_hh = rng.integers(-3000, 100, len(a_hh)).astype(float)
    end_hh = np.where(rng.random(len(a_hh)) < 0.15, rng.integers(200, n_days, len(a_hh)), np.nan)
    end_hh = np.where(bad[a_hh] & (end_hh > np.nan_to_num(bad_from[a_hh], nan=1e9)), np.nan, end_hh)
    end_hh = np.where(bad[a_hh], np.minimum(np.nan_to_num(end_hh, nan=1e9), bad_from[a_hh]), end_hh)
    end_hh = np.where(end_hh >= 1e9, np.nan, end_hh)
    n_room = np.where(bad, rng.integers(6, 16, n_addresses), 0)
    a_room = np.repeat(np.arange(n_addresses), n_room)
    start_room = bad_from[a_room] + rng.integers(0, 600, len(a_room))
    end_room = start_room + rng.integers(60, 300, len(a_room))
    end_room = np.where(end_room > n_days, np.nan, end_room)
    keep = start_room < n_days
    a_all = np.concatenate([a_hh, a_room[keep]])
    start_all = np.concatenate([start_hh, start_room[keep]])
    end_all = np.concatenate([end_hh, end_room[keep]])
    is_room = np.concatenate([np.zeros(len(a_hh), bool), np.ones(keep.sum(), bool)])
    nat = np.where(is_room, rng.choice(["EU-MOE", "EU-Zuid", "non-EU"], len(a_all), p=[0.7, 0.2, 0.1]),
                   rng.choice(["NL", "non-EU", "EU-overig", "EU-MOE"], len(a_all), p=[0.7, 0.2, 0.05, 0.05]))
    brp = pd.DataFrame({
        "person_id": pd.array([f"p{i}" for i in range(len(a_all))], dtype="string"),
        "address_id": pd.array(ids[a_all], dtype="string"),
        "registered_from": _dates(start_all),
        "registered_until": _dates(end_all),
        "nationality_group": pd.array(nat, dtype="string"),
        "birth_year": pd.array(rng.integers(1940, 2010, len(a_all)), dtype="Int64"),
        "rni": pd.array(is_room & (rng.random(len(a_all)) < 0.3), dtype="boolean"),
    })

    # complaints: background everywhere, many at bad addresses once bad
    n_bg = rng.poisson(0.6, n_addresses)
    a_bg = np.repeat(np.arange(n_addresses), n_bg)
    d_bg = rng.integers(0, n_days, len(a_bg)).astype(float)
    n_bc = np.where(bad, rng.poisson(6, n_addresses), 0)
    a_bc = np.repeat(np.arange(n_addresses), n_bc)
    d_bc = bad_from[a_bc] + rng.integers(0, 900, len(a_bc))
    a_c = np.concatenate([a_bg, a_bc])
    d_c = np.concatenate([d_bg, d_bc])
    cat = np.concatenate([rng.choice(["afval", "geluid", "overig", "woonoverlast"], len(a_bg)),
                          rng.choice(["woonoverlast", "overbewoning", "verkamering", "afval"], len(a_bc))])
    ok = d_c < n_days
    a_c, d_c, cat = a_c[ok], d_c[ok], cat[ok]
    complaints = gpd.GeoDataFrame({
        "complaint_id": pd.array([f"c{i}" for i in range(len(a_c))], dtype="string"),
        "received_on": _dates(d_c),
        "category": pd.array(cat, dtype="string"),
        "address_id": pd.array(ids[a_c], dtype="string"),
        "wijk_code": pd.array(np.array(wijk_codes)[wijk[a_c]], dtype="string"),
    }, geometry=gpd.points_from_xy(xs[a_c], np.full(len(a_c), 500.0)), crs=28992)

    # permits for rented addresses
    pa = np.flatnonzero(rented)
    status = np.where(bad[pa], rng.choice(["refused", "revoked", "applied", "granted"], len(pa), p=[0.3, 0.2, 0.2, 0.3]),
                      rng.choice(["granted", "applied", "exempt"], len(pa), p=[0.8, 0.1, 0.1]))
    has = (status == "granted") | (rng.random(len(pa)) < 0.8)
    pa, status = pa[has], status[has]
    permits = pd.DataFrame({
        "address_id": pd.array(ids[pa], dtype="string"),
        "landlord_id": pd.array([f"L{x}" for x in landlord[pa]], dtype="string"),
        "status": pd.array(status, dtype="string"),
        "valid_from": _dates(rng.integers(-800, n_days // 2, len(pa)).astype(float)),
        "valid_until": _dates(np.full(len(pa), np.nan)),
    })

    # inspections: 30 % of complaints lead to a visit 5-40 days later, plus random visits
    from_c = rng.random(len(a_c)) < 0.3
    a_i1, d_i1 = a_c[from_c], d_c[from_c] + rng.integers(5, 40, from_c.sum())
    n_rand = n_addresses // 2
    a_i2, d_i2 = rng.integers(0, n_addresses, n_rand), rng.integers(0, n_days, n_rand).astype(float)
    a_i = np.concatenate([a_i1, a_i2])
    d_i = np.concatenate([d_i1, d_i2])
    sel = np.array(["complaint"] * len(a_i1) + ["random"] * len(a_i2), dtype=object)
    ok = d_i < n_days
    a_i, d_i, sel = a_i[ok], d_i[ok], sel[ok]
    in_violation = d_i >= np.nan_to_num(bad_from[a_i], nan=1e9)
    found = in_violation & (rng.random(len(a_i)) < 0.9)
    outcome = np.where(rng.random(len(a_i)) < 0.08, "no_access", np.where(found, "violation", "no_violation"))
    inspections = pd.DataFrame({
        "inspection_id": pd.array([f"i{i}" for i in range(len(a_i))], dtype="string"),
        "address_id": pd.array(ids[a_i], dtype="string"),
        "visited_on": _dates(d_i),
        "outcome": pd.array(outcome, dtype="string"),
        "violations": pd.array(np.where(outcome == "violation", "overbewoning", None), dtype="string"),
        "selected_by": pd.array(sel, dtype="string"),
        "team": pd.array([None] * len(a_i), dtype="string"),
    })
    interventions = pd.DataFrame({"wijk_code": pd.array([], dtype="string"), "start": pd.Series([], dtype="datetime64[ns]"),
                                  "end": pd.Series([], dtype="datetime64[ns]"), "kind": pd.array([], dtype="string"),
                                  "description": pd.array([], dtype="string")})
    dataset = Dataset(root=Path("toy"), gebieden=gebieden, wijken=wijken, addresses=addresses, brp=brp, permits=permits,
                      complaints=complaints, inspections=inspections, interventions=interventions,
                      file_hashes={"addresses.csv": "0" * 64})
    truth = pd.DataFrame({"address_id": pd.array(ids, dtype="string"), "violation_from": _dates(bad_from)})
    return dataset, truth
