"""A small synthetic city for the planner's tests and benchmark (no dependency on the demo generator).

Addresses on a jittered grid around Rotterdam-Zuid (RD New), split into square wijken, with a few
registrations, complaints and past inspections, and a ranking whose scores cluster in space (as risk
does), so that routing matters.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from geo_tool.dataset import Dataset

ORIGIN_X, ORIGIN_Y = 90000.0, 431000.0


def toy_dataset(n_addresses: int = 400, size_m: float = 3000.0, wijken_per_side: int = 3, seed: int = 0,
                inspected_on: dt.date | None = None, origin: tuple[float, float] | None = None) -> Dataset:
    """A `Dataset` with `n_addresses` addresses in a `size_m` square of wijken_per_side^2 wijken.

    `origin` moves the square's south-west corner (RD New; default Rotterdam-Zuid).
    """
    rng = np.random.default_rng(seed)
    ORIGIN_X, ORIGIN_Y = origin if origin is not None else (globals()["ORIGIN_X"], globals()["ORIGIN_Y"])
    side = size_m / wijken_per_side
    polys, codes, names = [], [], []
    for i in range(wijken_per_side):
        for j in range(wijken_per_side):
            polys.append(box(ORIGIN_X + i * side, ORIGIN_Y + j * side, ORIGIN_X + (i + 1) * side, ORIGIN_Y + (j + 1) * side))
            codes.append(f"BU0599{i}{j}00"[:10])
            names.append(f"Wijk {i}{j}")
    wijken = gpd.GeoDataFrame({"code": codes, "name": names, "gebied_code": "WK059901", "residents": 1000},
                              geometry=polys, crs=28992)
    gebieden = gpd.GeoDataFrame({"code": ["WK059901"], "name": ["Testgebied"]}, geometry=[wijken.union_all()], crs=28992)
    x = ORIGIN_X + rng.uniform(1, size_m - 1, n_addresses)
    y = ORIGIN_Y + rng.uniform(1, size_m - 1, n_addresses)
    col = np.minimum((x - ORIGIN_X) // side, wijken_per_side - 1).astype(int)
    row = np.minimum((y - ORIGIN_Y) // side, wijken_per_side - 1).astype(int)
    wijk = np.array(codes)[col * wijken_per_side + row]
    ids = [f"0599200000{i:06d}" for i in range(n_addresses)]
    addresses = gpd.GeoDataFrame({
        "address_id": pd.array(ids, dtype="string"), "street": pd.array([f"Teststraat {i // 50}" for i in range(n_addresses)], dtype="string"),
        "house_number": pd.array(np.arange(n_addresses) % 50 + 1, dtype="Int64"), "house_letter": pd.array([pd.NA] * n_addresses, dtype="string"),
        "house_number_addition": pd.array([pd.NA] * n_addresses, dtype="string"),
        "postcode": pd.array([f"30{80 + (i % 10)}AB" for i in range(n_addresses)], dtype="string"),
        "wijk_code": pd.array(wijk, dtype="string"), "floor_area_m2": rng.uniform(30, 120, n_addresses),
        "building_year": pd.array(rng.integers(1900, 2000, n_addresses), dtype="Int64"),
    }, geometry=gpd.points_from_xy(x, y), crs=28992)
    n_p = n_addresses * 2
    brp = pd.DataFrame({"person_id": [f"p{i}" for i in range(n_p)], "address_id": rng.choice(ids, n_p),
                        "registered_from": pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000, n_p), "D"),
                        "registered_until": pd.NaT, "nationality_group": "NL", "birth_year": 1980, "rni": False})
    n_c = n_addresses // 4
    comp_addr = rng.choice(ids, n_c)
    complaints = gpd.GeoDataFrame({"complaint_id": [f"c{i}" for i in range(n_c)],
                                   "received_on": pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 250, n_c), "D"),
                                   "category": rng.choice(["woonoverlast", "overbewoning", "afval"], n_c),
                                   "address_id": comp_addr, "wijk_code": None},
                                  geometry=addresses.set_index("address_id").loc[comp_addr].geometry.to_numpy(), crs=28992)
    when = inspected_on or dt.date(2026, 1, 15)
    insp = pd.DataFrame({"inspection_id": ["i1", "i2"], "address_id": [ids[1], ids[2]],
                         "visited_on": pd.to_datetime([when, dt.date(2024, 1, 1)]), "outcome": ["violation", "no_violation"],
                         "violations": ["overbewoning", ""], "selected_by": ["model", "model"], "team": ["T1", "T1"]})
    empty = pd.DataFrame()
    return Dataset(root=Path("."), gebieden=gebieden, wijken=wijken, addresses=addresses, brp=brp,
                   permits=pd.DataFrame(columns=["address_id", "landlord_id", "status", "valid_from", "valid_until"]),
                   complaints=complaints, inspections=insp, interventions=empty)


def toy_ranking(dataset: Dataset, n: int | None = None, seed: int = 0) -> pd.DataFrame:
    """A ranking of `n` addresses with spatially clustered scores in 0..1 (a few risk hot spots)."""
    rng = np.random.default_rng(seed)
    a = dataset.addresses
    xy = np.column_stack([a.geometry.x, a.geometry.y])
    centres = xy[rng.choice(len(xy), 4, replace=False)]
    d = np.min(np.hypot(xy[:, None, 0] - centres[None, :, 0], xy[:, None, 1] - centres[None, :, 1]), axis=1)
    score = np.clip(0.05 + 0.45 * np.exp(-d / 600) + rng.normal(0, 0.08, len(xy)), 0.01, 0.99)
    frame = pd.DataFrame({"address_id": a["address_id"].astype(str).to_numpy(), "score": score.round(4),
                          "wijk_code": a["wijk_code"].astype(str).to_numpy(),
                          "reason_1": rng.choice(["veel inschrijvingen", "recente melding", "geen vergunning"], len(xy)),
                          "reason_2": "kleine woning", "reason_3": pd.NA})
    frame = frame.sort_values("score", ascending=False).head(n or len(frame)).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame
