"""A small synthetic grid city with a known, injected displacement (built by hand, no loader needed).

6 x 6 square wijken of 500 m (codes BU0599rrcc), 2,000 residents each, 20 addresses each. The target is
(2, 2) = BU05990202 "W22", its queen buffer the 8 cells around it. Complaints arrive as Poisson counts per
month from 2020-01 to 2023-12 with a wijk-specific base rate and a city-wide trend of +10 % a year;
from 2022-01-01 the target's rate drops by half. With ``displacement`` > 0 that share of the target's
base rate moves to the receiving wijk: (2, 3) "W23" (adjacent mode) or (5, 5) "W55" (portfolio mode,
not adjacent), together with relocations of people from target addresses to it and, in portfolio mode,
a landlord owning addresses in both.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from geo_tool.dataset import Dataset

X0, Y0, SIDE, N = 90000.0, 430000.0, 500.0, 6
TARGET = "BU05990202"
ADJACENT_RECEIVER = "BU05990203"
PORTFOLIO_RECEIVER = "BU05990505"
START = "2022-01-01"
MONTHS = pd.date_range("2020-01-01", "2023-12-01", freq="MS")


def code(r: int, c: int) -> str:
    """Wijk code of grid cell (row, col)."""
    return f"BU0599{r:02d}{c:02d}"


def addr(r: int, c: int, i: int) -> str:
    """16-digit address id of address i of cell (r, c)."""
    return f"0599100000{r:02d}{c:02d}{i:02d}"


def _dates(values) -> pd.Series:
    return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[ns]")


def make_grid_city(seed: int = 1, displacement: float = 0.0, mode: str = "adjacent",
                   target_drop: float = 0.5) -> Dataset:
    """Build the grid city with the given displacement share and mode ("adjacent" or "portfolio")."""
    rng = np.random.default_rng(seed)
    cells = [(r, c) for r in range(N) for c in range(N)]
    codes = [code(r, c) for r, c in cells]
    wk = gpd.GeoDataFrame(
        {"code": pd.Series(codes, dtype="string"), "name": pd.Series([f"W{r}{c}" for r, c in cells], dtype="string"),
         "gebied_code": pd.Series([f"WK0599{r:02d}" for r, c in cells], dtype="string"),
         "residents": pd.Series([2000] * len(cells), dtype="Int64")},
        geometry=[box(X0 + c * SIDE, Y0 + r * SIDE, X0 + (c + 1) * SIDE, Y0 + (r + 1) * SIDE) for r, c in cells],
        crs="EPSG:28992")
    gb = gpd.GeoDataFrame({"code": pd.Series([f"WK0599{r:02d}" for r in range(N)], dtype="string"),
                           "name": pd.Series([f"G{r}" for r in range(N)], dtype="string")},
                          geometry=[box(X0, Y0 + r * SIDE, X0 + N * SIDE, Y0 + (r + 1) * SIDE) for r in range(N)],
                          crs="EPSG:28992")
    a_rows = [(addr(r, c, i), code(r, c), X0 + c * SIDE + 20 + 22 * i, Y0 + r * SIDE + 250)
              for r, c in cells for i in range(20)]
    addresses = gpd.GeoDataFrame(
        {"address_id": pd.Series([a[0] for a in a_rows], dtype="string"),
         "wijk_code": pd.Series([a[1] for a in a_rows], dtype="string")},
        geometry=[Point(a[2], a[3]) for a in a_rows], crs="EPSG:28992")

    receiver = ADJACENT_RECEIVER if mode == "adjacent" else PORTFOLIO_RECEIVER
    base = rng.uniform(8, 16, len(cells))
    base[codes.index(TARGET)] = 30.0
    t_years = (np.arange(len(MONTHS)) / 12.0)
    lam = base[:, None] * (1.10 ** t_years)[None, :]
    after = (MONTHS >= pd.Timestamp(START))[None, :]
    ti, ri = codes.index(TARGET), codes.index(receiver)
    moved = base[ti] * target_drop * displacement * (1.10 ** t_years)
    lam[ti] = np.where(after[0], lam[ti] * (1 - target_drop), lam[ti])
    lam[ri] = np.where(after[0], lam[ri] + moved, lam[ri])
    n = rng.poisson(lam)
    c_rows = []
    for w in range(len(cells)):
        for m in range(len(MONTHS)):
            for _ in range(n[w, m]):
                day = MONTHS[m] + pd.Timedelta(days=int(rng.integers(0, 28)))
                c_rows.append((codes[w], day, addr(*cells[w], int(rng.integers(0, 20)))))
    complaints = gpd.GeoDataFrame(
        {"complaint_id": pd.Series([f"c{i}" for i in range(len(c_rows))], dtype="string"),
         "received_on": _dates([r[1] for r in c_rows]),
         "category": pd.Series(rng.choice(["woonoverlast", "overbewoning", "afval"], len(c_rows)), dtype="string"),
         "address_id": pd.Series([r[2] for r in c_rows], dtype="string"),
         "wijk_code": pd.Series([r[0] for r in c_rows], dtype="string")},
        geometry=[None] * len(c_rows), crs="EPSG:28992")

    # register: background moves between random wijken; extra target -> receiver moves after the start
    spells = []
    pid = 0
    for m in range(len(MONTHS)):
        for w in range(len(cells)):
            k = rng.poisson(3)
            extra = rng.poisson(6 * displacement / 0.3) if (w == ti and after[0, m] and displacement > 0) else 0
            for j in range(k + extra):
                dest = ri if j >= k else int(rng.integers(0, len(cells)))
                if dest == w:
                    continue
                until = MONTHS[m] + pd.Timedelta(days=int(rng.integers(0, 28)))
                grp = "EU-MOE" if (j >= k or rng.random() < 0.2) else "NL"
                spells.append((f"p{pid}", addr(*cells[w], int(rng.integers(0, 20))), until - pd.Timedelta(days=400),
                               until, grp, 1990, False))
                spells.append((f"p{pid}", addr(*cells[dest], int(rng.integers(0, 20))),
                               until + pd.Timedelta(days=int(rng.integers(0, 30))), None, grp, 1990, False))
                pid += 1
    brp = pd.DataFrame(spells, columns=["person_id", "address_id", "registered_from", "registered_until",
                                        "nationality_group", "birth_year", "rni"])
    brp["person_id"] = brp["person_id"].astype("string")
    brp["address_id"] = brp["address_id"].astype("string")
    brp["registered_from"] = _dates(brp["registered_from"])
    brp["registered_until"] = _dates(brp["registered_until"])
    brp["nationality_group"] = brp["nationality_group"].astype("string")
    brp["birth_year"] = brp["birth_year"].astype("Int64")
    brp["rni"] = brp["rni"].astype("boolean")

    lords = [(addr(2, 2, i), "L_t") for i in range(5)] + [(addr(*cells[ri], i), "L_t") for i in range(5)] + \
            [(addr(0, 0, i), "L_o") for i in range(5)]
    permits = pd.DataFrame({"address_id": pd.Series([x[0] for x in lords], dtype="string"),
                            "landlord_id": pd.Series([x[1] for x in lords], dtype="string"),
                            "status": pd.Series(["granted"] * len(lords), dtype="string"),
                            "valid_from": _dates(["2021-01-01"] * len(lords)),
                            "valid_until": _dates([None] * len(lords))})
    inspections = pd.DataFrame({"inspection_id": pd.Series(dtype="string"), "address_id": pd.Series(dtype="string"),
                                "visited_on": pd.Series(dtype="datetime64[ns]"), "outcome": pd.Series(dtype="string"),
                                "violations": pd.Series(dtype="string"), "selected_by": pd.Series(dtype="string"),
                                "team": pd.Series(dtype="string")})
    interventions = pd.DataFrame({"wijk_code": pd.Series([TARGET], dtype="string"), "start": _dates([START]),
                                  "end": _dates([None]), "kind": pd.Series(["handhaving"], dtype="string"),
                                  "description": pd.Series([""], dtype="string")})
    return Dataset(root=None, gebieden=gb, wijken=wk, addresses=addresses, brp=brp, permits=permits,
                   complaints=complaints, inspections=inspections, interventions=interventions)


HARD_RECEIVER = PORTFOLIO_RECEIVER   # W55: not adjacent, the target's landlord L_t owns 5 addresses there
DECOY = "BU05990103"                 # W13: adjacent to the target, an unrelated new landlord's rise
EARLY = "BU05990404"                 # W44: a flow from the target that started before the intervention


def _spells(rows: list[tuple]) -> pd.DataFrame:
    b = pd.DataFrame(rows, columns=["person_id", "address_id", "registered_from", "registered_until",
                                    "nationality_group", "birth_year", "rni"])
    for c in ("person_id", "address_id", "nationality_group"):
        b[c] = b[c].astype("string")
    b["registered_from"] = _dates(b["registered_from"])
    b["registered_until"] = _dates(b["registered_until"])
    b["birth_year"] = b["birth_year"].astype("Int64")
    b["rni"] = b["rni"].astype("boolean")
    return b


def _moves_to_w44(rows: list, rng, start: pd.Timestamp, months, per_month, prefix: str, group: str, born: int,
                  pid: int) -> int:
    """Persons leaving target addresses 5-19 (no violation found there) and registering in W44 10 days later,
    ``per_month(m)`` of them in each month ``m`` (relative to the start); returns the next person number."""
    for m in months:
        month = start + pd.DateOffset(months=m)
        for _ in range(per_month(m)):
            left = month + pd.Timedelta(days=int(rng.integers(0, 28)))
            rows.append((f"{prefix}{pid}", addr(2, 2, int(rng.integers(5, 20))), pd.Timestamp("2019-06-01"), left,
                         group, born, False))
            rows.append((f"{prefix}{pid}", addr(4, 4, int(rng.integers(0, 20))), left + pd.Timedelta(days=10), None,
                         group, born, False))
            pid += 1
    return pid


def make_hard_city(seed: int = 1, displaced_per_month: float = 3.0, decoy: bool = True,
                   early_flow: bool = False, turnover_drift: bool = False) -> Dataset:
    """The harder world of issue 12 on the grid city (no displacement in the area counts at all).

    - The campaign raises reporting in the target: its complaints go up 30 % after the start, while the new
      registrations of labour migrants there fall by 70 % (the violations fall).
    - ``displaced_per_month`` persons a month (Poisson) leave the target's landlord L_t's target addresses
      after a violation was found there and re-register, under the same person id, 5-50 days later at
      L_t's addresses in the non-adjacent W55; W55's complaints get only one extra a month.
    - ``decoy``: from 2 months after the start a new landlord L_d fills 5 addresses in the adjacent W13 with
      newcomers from outside the city (6 a month) who bring 5 complaints a month: a rise without links.
    - ``early_flow``: persons from the target register in W44 at 4 a month from 4 months before the start
      on (a rise that started before the intervention).
    - ``turnover_drift``: ordinary households of the target (addresses where enforcement found nothing) move to
      W44 more and more after the start (2 a month rising by 1 a month): the target's usual outflow drifting,
      not operations pushed out by enforcement.
    Every address has 60 m² of floor area (crowding is computable).
    """
    ds = make_grid_city(seed=seed, displacement=0.0, mode="portfolio", target_drop=-0.3)
    rng = np.random.default_rng(seed + 100)
    start = pd.Timestamp(START)
    ds.addresses["floor_area_m2"] = 60.0
    brp = ds.brp
    # the target's EU registrations fall after the start
    in_t = brp["address_id"].str.slice(10, 14).eq("0202") & (brp["registered_from"] >= start)
    drop = in_t & (rng.random(len(brp)) < 0.7)
    brp = brp[~drop.to_numpy()]
    rows, insp, compl = [], [], []
    pid = 0
    for m in range(12):
        month = start + pd.DateOffset(months=m)
        for _ in range(rng.poisson(displaced_per_month)):
            src = addr(2, 2, int(rng.integers(0, 5)))
            left = month + pd.Timedelta(days=int(rng.integers(0, 28)))
            insp.append((f"ih{pid}", src, left - pd.Timedelta(days=int(rng.integers(10, 60))), "violation",
                         "overbewoning", "complaint", "T1"))
            rows.append((f"hd{pid}", src, pd.Timestamp("2020-06-01"), left, "EU-MOE", 1990, False))
            rows.append((f"hd{pid}", addr(5, 5, int(rng.integers(0, 5))),
                         left + pd.Timedelta(days=int(rng.integers(5, 51))), None, "EU-MOE", 1990, False))
            pid += 1
        compl.append((HARD_RECEIVER, month + pd.Timedelta(days=3), addr(5, 5, 0)))
        if decoy and m >= 2:
            for _ in range(6):
                rows.append((f"dc{pid}", addr(1, 3, int(rng.integers(0, 5))),
                             month + pd.Timedelta(days=int(rng.integers(0, 28))), None, "EU-MOE", 1995, False))
                pid += 1
            for k in range(5):
                compl.append((DECOY, month + pd.Timedelta(days=int(rng.integers(0, 28))), addr(1, 3, k % 5)))
    if early_flow:
        pid = _moves_to_w44(rows, rng, start, range(-4, 12), lambda m: 4, "ef", "EU-MOE", 1990, pid)
    if turnover_drift:
        pid = _moves_to_w44(rows, rng, start, range(12), lambda m: 2 + m, "td", "NL", 1980, pid)
    ds.brp = pd.concat([brp, _spells(rows)], ignore_index=True) if rows else brp
    if insp:
        ds.inspections = pd.DataFrame(insp, columns=["inspection_id", "address_id", "visited_on", "outcome", "violations",
                                                     "selected_by", "team"]).astype(
            {c: "string" for c in ["inspection_id", "address_id", "outcome", "violations", "selected_by", "team"]})
        ds.inspections["visited_on"] = _dates(ds.inspections["visited_on"])
    c = ds.complaints
    extra = gpd.GeoDataFrame(
        {"complaint_id": pd.Series([f"hc{i}" for i in range(len(compl))], dtype="string"),
         "received_on": _dates([x[1] for x in compl]),
         "category": pd.Series(["woonoverlast"] * len(compl), dtype="string"),
         "address_id": pd.Series([x[2] for x in compl], dtype="string"),
         "wijk_code": pd.Series([x[0] for x in compl], dtype="string")},
        geometry=[None] * len(compl), crs="EPSG:28992")
    ds.complaints = pd.concat([c, extra], ignore_index=True)
    if decoy:
        d = pd.DataFrame({"address_id": pd.Series([addr(1, 3, i) for i in range(5)], dtype="string"),
                          "landlord_id": pd.Series(["L_d"] * 5, dtype="string"),
                          "status": pd.Series(["granted"] * 5, dtype="string"),
                          "valid_from": _dates(["2022-02-01"] * 5), "valid_until": _dates([None] * 5)})
        ds.permits = pd.concat([ds.permits, d], ignore_index=True)
    return ds
