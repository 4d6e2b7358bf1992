"""A tiny hand-checkable dataset: 2 gebieden, 4 square wijken of 500 m, 40 addresses.

Window used by the tests: 2023-01-01 .. 2023-12-31 (reference date 2023-12-31).

Hand-computed figures (see the tests for each rule):

| wijk                | residents | EUM | occupied | floor m2 (occupied, known) | overcrowded | moves | complaints | visits / viol / access |
|---------------------|-----------|-----|----------|----------------------------|-------------|-------|------------|------------------------|
| BU05990101 Alpha    | 12        | 8   | 3        | 180 (12 persons)           | 1 (a0)      | 6+2   | 3          | 4 / 2 / 3              |
| BU05990102 Bravo    | 5         | 2   | 2        | 30 (3 persons; b1 unknown) | 1 (b0)      | 0     | 1          | 0                      |
| BU05990201 Charlie  | 22        | 0   | 10       | 800 (22 persons)           | 0           | 0     | 0          | 2 / 0 / 2              |
| BU05990202 Delta    | 0         | 0   | 0        | -                          | 0           | 0     | 2          | 0                      |
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from geo_tool.dataset import Dataset

X0, Y0, SIDE = 90000.0, 436500.0, 500.0
WIJKEN = [  # code, name, gebied, column, row (row 1 = north)
    ("BU05990101", "Alpha", "WK059901", 0, 1),
    ("BU05990102", "Bravo", "WK059901", 1, 1),
    ("BU05990201", "Charlie", "WK059902", 0, 0),
    ("BU05990202", "Delta", "WK059902", 1, 0),
]


def addr_id(w: int, i: int) -> str:
    """16-digit address id of address i (0-9) in wijk w (1-4)."""
    return f"05992000000{w:02d}{i:03d}"


def _dates(values) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[ns]")


def build_tiny_dataset(schematic: bool = False) -> Dataset:
    """Build the tiny dataset by hand (no loader needed)."""
    wk = gpd.GeoDataFrame(
        {
            "code": pd.Series([w[0] for w in WIJKEN], dtype="string"),
            "name": pd.Series([w[1] for w in WIJKEN], dtype="string"),
            "gebied_code": pd.Series([w[2] for w in WIJKEN], dtype="string"),
            "residents": pd.Series([pd.NA] * 4, dtype="Int64"),
        },
        geometry=[box(X0 + c * SIDE, Y0 + r * SIDE, X0 + (c + 1) * SIDE, Y0 + (r + 1) * SIDE) for _, _, _, c, r in WIJKEN],
        crs="EPSG:28992",
    )
    if schematic:
        wk.attrs["schematic"] = True
    gb = gpd.GeoDataFrame(
        {"code": pd.Series(["WK059901", "WK059902"], dtype="string"),
         "name": pd.Series(["Noord", "Zuid"], dtype="string")},
        geometry=[box(X0, Y0 + SIDE, X0 + 2 * SIDE, Y0 + 2 * SIDE), box(X0, Y0, X0 + 2 * SIDE, Y0 + SIDE)],
        crs="EPSG:28992",
    )
    rows = []
    for w, (code, _, _, c, r) in enumerate(WIJKEN, start=1):
        for i in range(10):
            x = X0 + c * SIDE + 50 + 100 * (i % 5)
            y = Y0 + r * SIDE + 150 + 200 * (i // 5)
            area = {1: 60.0, 2: 30.0, 3: 80.0, 4: 70.0}[w]
            if w == 2 and i == 1:
                area = np.nan
            rows.append((addr_id(w, i), "Teststraat", 10 * w + i, code, area, 1930, Point(x, y)))
    ads = gpd.GeoDataFrame(
        {
            "address_id": pd.Series([r[0] for r in rows], dtype="string"),
            "street": pd.Series([r[1] for r in rows], dtype="string"),
            "house_number": pd.Series([r[2] for r in rows], dtype="Int64"),
            "house_letter": pd.Series([pd.NA] * 40, dtype="string"),
            "house_number_addition": pd.Series([pd.NA] * 40, dtype="string"),
            "postcode": pd.Series(["3081AA"] * 40, dtype="string"),
            "wijk_code": pd.Series([r[3] for r in rows], dtype="string"),
            "floor_area_m2": pd.Series([r[4] for r in rows], dtype="float64"),
            "building_year": pd.Series([r[5] for r in rows], dtype="Int64"),
        },
        geometry=[r[6] for r in rows], crs="EPSG:28992",
    )

    spells = []  # person, address, from, until, nationality, birth_year, rni
    pid = iter(range(1, 1000))

    def add(n, a, frm, until, nat, by, rni=False):
        for _ in range(n):
            spells.append((f"P{next(pid):04d}", a, frm, until, nat, by, rni))

    A = lambda i: addr_id(1, i)  # noqa: E731
    add(6, A(0), "2023-03-01", None, "EU-MOE", 1990)          # moved in within the window: 6 moves in
    add(2, A(1), "2010-05-01", None, "NL", 1970)
    add(1, A(1), "2015-01-01", "2023-06-01", "NL", 1970)       # moved out in the window
    add(1, A(1), "2015-01-01", "2023-12-31", "NL", 1970)       # moved out on the reference date: gone
    add(1, A(1), "2024-01-05", None, "NL", 1970)               # after the window: not counted
    add(2, A(2), "2019-01-01", None, "EU-Zuid", 1993)          # EUM (age 30)
    add(1, A(2), "2019-01-01", None, "EU-Zuid", 1953)          # age 70: not EUM
    add(1, A(2), "2019-01-01", None, "EU-Zuid", 2013)          # age 10: not EUM
    add(1, A(3), "2023-05-01", None, "EU-MOE", 1995, rni=True)  # RNI: not a resident, 1 RNI registration
    B = lambda i: addr_id(2, i)  # noqa: E731
    add(3, B(0), "2018-01-01", None, "NL", 1980)
    add(2, B(1), "2018-01-01", None, "EU-MOE", 1980)
    C = lambda i: addr_id(3, i)  # noqa: E731
    for i in range(9):
        add(2, C(i), "2000-01-01", None, "NL", 1960)
    add(4, C(9), "2000-01-01", None, "NL", 1960)
    brp = pd.DataFrame({
        "person_id": pd.Series([s[0] for s in spells], dtype="string"),
        "address_id": pd.Series([s[1] for s in spells], dtype="string"),
        "registered_from": _dates([s[2] for s in spells]),
        "registered_until": _dates([s[3] for s in spells]),
        "nationality_group": pd.Series([s[4] for s in spells], dtype="string"),
        "birth_year": pd.Series([s[5] for s in spells], dtype="Int64"),
        "rni": pd.Series([s[6] for s in spells], dtype="boolean"),
    })

    permits_rows = [
        (A(0), "L1", "granted", "2022-01-01", None),
        (A(1), "L1", "granted", "2020-01-01", "2023-01-01"),  # expired -> none
        (A(2), "L2", "applied", "2023-06-01", None),
        (A(3), "L2", "refused", "2023-02-01", None),
        (A(4), "L3", "exempt", "2021-01-01", None),
        (A(5), "L1", "revoked", "2022-05-01", None),
        (A(6), "L1", "granted", "2024-02-01", None),           # after the reference date: ignored
        (C(0), "L1", "granted", "2021-01-01", None),
    ]
    permits = pd.DataFrame({
        "address_id": pd.Series([p[0] for p in permits_rows], dtype="string"),
        "landlord_id": pd.Series([p[1] for p in permits_rows], dtype="string"),
        "status": pd.Series([p[2] for p in permits_rows], dtype="string"),
        "valid_from": _dates([p[3] for p in permits_rows]),
        "valid_until": _dates([p[4] for p in permits_rows]),
    })

    comp_rows = [  # id, date, category, address, wijk, point
        ("M1", "2023-02-01", "overbewoning", A(0), "BU05990101", None),
        ("M2", "2023-07-01", "overbewoning", A(1), "BU05990101", None),
        ("M3", "2023-09-01", "afval", A(2), "BU05990101", None),
        ("M4", "2022-09-01", "afval", A(2), "BU05990101", None),     # before the window
        ("M5", "2023-04-01", "geluid", None, None, (X0 + 750, Y0 + 750)),  # location only, in Bravo
        ("M6", "2023-05-01", "woonoverlast", addr_id(4, 0), "BU05990202", None),
        ("M7", "2023-06-01", "woonoverlast", addr_id(4, 1), "BU05990202", None),
    ]
    geoms = []
    for _, _, _, a, _, pt in comp_rows:
        geoms.append(Point(*pt) if pt else ads.geometry[ads["address_id"] == a].iloc[0])
    complaints = gpd.GeoDataFrame({
        "complaint_id": pd.Series([c[0] for c in comp_rows], dtype="string"),
        "received_on": _dates([c[1] for c in comp_rows]),
        "category": pd.Series([c[2] for c in comp_rows], dtype="string"),
        "address_id": pd.Series([c[3] for c in comp_rows], dtype="string"),
        "wijk_code": pd.Series([c[4] for c in comp_rows], dtype="string"),
    }, geometry=geoms, crs="EPSG:28992")

    insp_rows = [
        ("H1", A(0), "2023-04-01", "violation", "overbewoning", "complaint"),
        ("H2", A(1), "2023-05-01", "no_violation", None, "random"),
        ("H3", A(2), "2023-06-01", "no_access", None, "model"),
        ("H4", A(3), "2023-07-01", "violation", "brp_onjuist", "model"),
        ("H5", A(4), "2022-07-01", "violation", "overbewoning", "model"),  # before the window
        ("H6", C(0), "2023-08-01", "no_violation", None, "routine"),
        ("H7", C(1), "2023-09-01", "no_violation", None, "routine"),
    ]
    inspections = pd.DataFrame({
        "inspection_id": pd.Series([r[0] for r in insp_rows], dtype="string"),
        "address_id": pd.Series([r[1] for r in insp_rows], dtype="string"),
        "visited_on": _dates([r[2] for r in insp_rows]),
        "outcome": pd.Series([r[3] for r in insp_rows], dtype="string"),
        "violations": pd.Series([r[4] for r in insp_rows], dtype="string"),
        "selected_by": pd.Series([r[5] for r in insp_rows], dtype="string"),
        "team": pd.Series([pd.NA] * len(insp_rows), dtype="string"),
    })
    interventions = pd.DataFrame({c: pd.Series(dtype="string") for c in ("wijk_code", "kind", "description")})
    interventions["start"] = pd.Series(dtype="datetime64[ns]")
    interventions["end"] = pd.Series(dtype="datetime64[ns]")
    return Dataset(root=Path("/nonexistent/tiny"), gebieden=gb, wijken=wk, addresses=ads, brp=brp, permits=permits,
                   complaints=complaints, inspections=inspections, interventions=interventions)
