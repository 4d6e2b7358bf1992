"""Addresses: one per dwelling, placed where people live, with plausible BAG attributes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

#: Rough real PC4 ranges per Rotterdam gebied (PostNL numeric postcodes; e.g. Charlois 3081-3086).
PC4_BY_GEBIED: dict[str, list[int]] = {
    "WK059901": list(range(3011, 3017)), "WK059903": list(range(3021, 3028)), "WK059904": list(range(3042, 3048)),
    "WK059905": list(range(3031, 3040)), "WK059906": list(range(3051, 3057)), "WK059908": list(range(3061, 3064)),
    "WK059910": list(range(3071, 3077)), "WK059912": list(range(3077, 3080)), "WK059913": [3195],
    "WK059914": list(range(3065, 3070)), "WK059915": list(range(3081, 3087)), "WK059916": list(range(3191, 3195)),
    "WK059917": [3151], "WK059918": [3045], "WK059919": [3029], "WK059921": [3089], "WK059922": [3196],
    "WK059923": [3197, 3198, 3199], "WK059924": [3045], "WK059925": [2909], "WK059927": [3181],
}
PC_LETTERS = [a + b for a in "ABCDEFGHJKLMNPRTVWXZ" for b in "ABCDEFGHJKLMNPRSTVWXZ"
              if a + b not in ("SA", "SD", "SS")]  # PostNL never issues SA, SD, SS
STREET_BLOCK_M = 130.0      # one street (and one PC6) per ~130 m block of a wijk
UNITS_PER_BUILDING = 3      # flats per house number in multi-family blocks (letters A, B, ...)
#: house numbers per multi-family building (portiek / gallery block) by the wijk's CBS share of
#: multi-family dwellings: below 50 %, 50-80 %, above 80 % -> 3, 6 or 9 flats per building (assumption)
NUMBERS_PER_BLOCK = ((0.5, 1), (0.8, 2), (1.01, 3))
FLOOR_AREA_SIGMA = 0.32     # lognormal spread of BAG gebruiksoppervlakte within a wijk
MIN_AREA, MAX_AREA = 18.0, 400.0
STEMS = ["Linden", "Eiken", "Beuken", "Rozen", "Tulpen", "Vlier", "Hazel", "Wilgen", "Esdoorn", "Olm",
         "Rembrandt", "Vermeer", "Hals", "Steen", "Ruisdael", "Potter", "Hobbema", "Bol", "Maes", "Cuyp",
         "Zwaluw", "Meeuwen", "Kievit", "Reiger", "Spreeuw", "Merel", "Lijster", "Vink", "Mees", "Specht",
         "Maas", "Waal", "Rijn", "Lek", "Schie", "Rotte", "IJssel", "Noord", "Linge", "Dommel",
         "Molen", "Haven", "Kerk", "School", "Markt", "Brug", "Dijk", "Veld", "Polder", "Gors"]
SUFFIXES = ["straat", "laan", "weg", "plein", "kade", "singel", "hof", "dreef", "pad", "dwarsstraat"]
#: Building-period classes of the CBS grid and the years they span.
BOUWJAAR_CLASSES = [("aantal_woningen_bouwjaar_voor_1945", 1880, 1944), ("aantal_woningen_bouwjaar_45_tot_65", 1945, 1964),
                    ("aantal_woningen_bouwjaar_65_tot_75", 1965, 1974), ("aantal_woningen_bouwjaar_75_tot_85", 1975, 1984),
                    ("aantal_woningen_bouwjaar_85_tot_95", 1985, 1994), ("aantal_woningen_bouwjaar_95_tot_05", 1995, 2004),
                    ("aantal_woningen_bouwjaar_05_tot_15", 2005, 2014), ("aantal_woningen_bouwjaar_15_en_later", 2015, 2023)]
#: Default period mix when no grid is given (Rotterdam's stock, roughly: 1/3 pre-war, large post-war share).
DEFAULT_PERIOD_MIX = np.array([0.30, 0.18, 0.12, 0.10, 0.10, 0.09, 0.07, 0.04])


def _pc4_range(gebied_code: str) -> list[int]:
    """PC4 numbers for a gebied: the Rotterdam table, else one derived from the code's digits."""
    if gebied_code in PC4_BY_GEBIED:
        return PC4_BY_GEBIED[gebied_code]
    digits = "".join(ch for ch in gebied_code if ch.isdigit()) or "0"
    return [1000 + int(digits) % 8999]


EDGE_MARGIN_M = 0.5


def sample_in_polygon(geom, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` uniform random points inside `geom` by vectorised rejection sampling from its bounding box."""
    if n <= 0:
        return np.zeros((0, 2))
    shapely.prepare(geom)
    x0, y0, x1, y1 = geom.bounds
    frac = max(geom.area / max((x1 - x0) * (y1 - y0), 1e-9), 0.01)
    out: list[np.ndarray] = []
    have = 0
    for _ in range(200):
        m = int((n - have) / frac * 1.2) + 16
        xy = np.column_stack([rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)])
        xy = xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]
        out.append(xy)
        have += len(xy)
        if have >= n:
            break
    return np.concatenate(out)[:n]


def _place(wijken: gpd.GeoDataFrame, counts: np.ndarray, rng: np.random.Generator,
           grid: gpd.GeoDataFrame | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points per wijk (grid cells weighted by dwellings when given) and a building period class each."""
    xs, ws, periods = [], [], []
    for i, (geom, code, n) in enumerate(zip(wijken.geometry, wijken["code"], counts)):
        if n <= 0:
            continue
        xy = np.zeros((0, 2))
        per = np.zeros(0, dtype=np.int64)
        # half a metre inside the boundary, so that rounding coordinates to cm never moves a point out
        inner = geom.buffer(-EDGE_MARGIN_M)
        geom = geom if inner.is_empty else inner
        if grid is not None:
            cells = grid[grid["wijk_code"] == code]
            w = cells["aantal_woningen"].fillna(0).to_numpy(float)
            if w.sum() > 0:
                pick = rng.choice(len(cells), size=n, p=w / w.sum())
                b = cells.geometry.bounds.to_numpy()[pick]
                xy = np.column_stack([b[:, 0] + rng.random(n) * (b[:, 2] - b[:, 0]),
                                      b[:, 1] + rng.random(n) * (b[:, 3] - b[:, 1])])
                mix = cells[[c for c, _, _ in BOUWJAAR_CLASSES]].fillna(0).to_numpy(float)[pick] + 1e-3
                cum = np.cumsum(mix / mix.sum(1, keepdims=True), axis=1)
                per = (rng.random(n)[:, None] > cum).sum(1)
                inside = shapely.contains_xy(geom, xy[:, 0], xy[:, 1])
                xy, per = xy[inside], per[inside]   # cells straddling the wijk edge: refill below
        if len(xy) < n:
            extra = sample_in_polygon(geom, n - len(xy), rng)
            xy = np.concatenate([xy, extra])
            per = np.concatenate([per, rng.choice(len(DEFAULT_PERIOD_MIX), size=len(extra), p=DEFAULT_PERIOD_MIX)])
        xs.append(xy)
        ws.append(np.full(n, i))
        periods.append(per)
    return np.concatenate(xs), np.concatenate(ws), np.concatenate(periods)


def _building_ids(df: pd.DataFrame, widx: np.ndarray, flat: np.ndarray, meer: np.ndarray) -> np.ndarray:
    """BAG-pand-like ids (16 digits, '0599100000' + 6): flats of consecutive house numbers on one street
    share a building (more per building where the wijk has more multi-family dwellings); houses stand alone."""
    per_block = np.select([meer < lim for lim, _ in NUMBERS_PER_BLOCK], [k for _, k in NUMBERS_PER_BLOCK], 1)
    block = (df["house_number"].to_numpy() - 1) // (2 * per_block)
    key = pd.DataFrame({"w": widx, "s": df["street"].to_numpy(), "b": np.where(flat, block, -1),
                        "own": np.where(flat, -1, np.arange(len(df)))})
    code = key.groupby(["w", "s", "b", "own"], sort=True).ngroup().to_numpy()
    # a local generator: the ids must not shift the random stream of everything generated after them
    number = np.random.default_rng(len(df)).permutation(10**6)[:code.max() + 1] if len(code) else np.zeros(0, np.int64)
    return np.char.add("0599100000", np.char.zfill(number[code].astype(str), 6))


def make_addresses(wijken: gpd.GeoDataFrame, rng: np.random.Generator,
                   grid: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """One address per dwelling of each wijk (`dwellings`), with BAG-like id, street, postcode, area, year.

    Returns columns address_id, wijk (row index into `wijken`), wijk_code, x, y, street, house_number,
    house_letter, house_number_addition, postcode, floor_area_m2, building_year, building_id.
    """
    counts = pd.to_numeric(wijken["dwellings"], errors="coerce").fillna(0).to_numpy().astype(np.int64)
    res = pd.to_numeric(wijken["residents"], errors="coerce").fillna(0).to_numpy()
    counts = np.where((counts == 0) & (res > 0), np.ceil(res / 2), counts).astype(np.int64)
    xy, widx, period = _place(wijken, counts, rng, grid)
    n = len(widx)
    df = pd.DataFrame({"wijk": widx, "x": np.round(xy[:, 0], 2), "y": np.round(xy[:, 1], 2)})
    df["wijk_code"] = wijken["code"].to_numpy()[widx]
    # ids: gemeente code + '20' (nummeraanduiding) + 10 digits, unique
    gm = np.array([str(c)[2:6] for c in wijken["code"]])[widx]
    num = rng.choice(10**6, size=n, replace=False) if n <= 10**6 else rng.permutation(n)
    df["address_id"] = pd.Series(gm).str.cat(pd.Series(num).astype(str).str.zfill(6), sep="200000").to_numpy()
    # streets: a ~130 m block of the wijk is one street and one PC6
    bx = np.floor(df["x"] / STREET_BLOCK_M).astype(np.int64)
    by = np.floor(df["y"] / STREET_BLOCK_M).astype(np.int64)
    key = df["wijk"].astype(np.int64) * 10**12 + bx * 10**6 + by
    street_idx = pd.Series(key).groupby(df["wijk"]).rank(method="dense").astype(np.int64).to_numpy() - 1
    offset = (df["wijk"].to_numpy() * 7) % len(STEMS)
    k = street_idx + offset
    stems = np.array(STEMS)[k % len(STEMS)]
    suff = np.array(SUFFIXES)[(k // len(STEMS)) % len(SUFFIXES)]
    df["street"] = np.char.add(stems, suff)
    # house numbers in order along the street; multi-family blocks share a number with letters A, B, ...
    meer = pd.to_numeric(wijken.get("percentage_meergezinswoning", pd.Series(70, index=wijken.index)), errors="coerce")
    meer = meer.fillna(70).to_numpy()[widx] / 100
    flat = rng.random(n) < meer
    order = np.lexsort((df["x"].to_numpy(), df["street"].to_numpy(), widx))
    rank = np.empty(n, dtype=np.int64)
    grp = pd.Series(df["street"].to_numpy()[order]).ne(pd.Series(df["street"].to_numpy()[order]).shift()) | \
        pd.Series(widx[order]).ne(pd.Series(widx[order]).shift())
    gid = np.cumsum(grp.to_numpy()) - 1
    first = np.flatnonzero(grp.to_numpy())
    rank[order] = np.arange(n) - first[gid]
    units = np.where(flat, UNITS_PER_BUILDING, 1)
    df["house_number"] = (1 + 2 * (rank // UNITS_PER_BUILDING)).astype(np.int64)
    letter_idx = rank % UNITS_PER_BUILDING
    letters = np.array(["", "A", "B", "C", "D"])[letter_idx]
    # a single-family house keeps its own number: spread them with the rank instead of letters
    df.loc[units == 1, "house_number"] = 1 + rank[units == 1]
    letters = np.where(units == 1, "", letters)
    df["house_letter"] = letters
    df["house_number_addition"] = np.where(rng.random(n) < 0.02, "BIS", "")
    # single-family numbers may collide with block numbers on the same street: make them unique
    dup = df.duplicated(["wijk", "street", "house_number", "house_letter", "house_number_addition"])
    df.loc[dup, "house_number"] = 1001 + rank[dup.to_numpy()]
    df["building_id"] = _building_ids(df, widx, flat, meer)
    gcode = wijken["gebied_code"].astype(str).to_numpy()
    wpos = wijken.groupby("gebied_code").cumcount().to_numpy()
    pc4_w = np.array([_pc4_range(g)[p % len(_pc4_range(g))] for g, p in zip(gcode, wpos)])
    # PC6: one per street, numbered within the PC4 so that no two streets share one
    skey = widx.astype(np.int64) * 10**6 + street_idx
    r = pd.Series(skey).groupby(pc4_w[widx]).rank(method="dense").astype(np.int64).to_numpy() - 1
    pc4 = np.minimum(pc4_w[widx] + r // len(PC_LETTERS), 9999)
    df["postcode"] = np.char.add(pc4.astype(str), np.array(PC_LETTERS)[r % len(PC_LETTERS)])
    # floor area: lognormal around a wijk median (smaller in cheap, flat-dominated, pre-war wijken)
    value = pd.to_numeric(wijken.get("gemiddelde_woningwaarde", pd.Series(250, index=wijken.index)), errors="coerce")
    value = value.fillna(250).to_numpy()
    median = np.clip(30 + 0.16 * value, 40, 140)[widx] * np.where(flat, 0.82, 1.15) * np.where(period == 0, 0.9, 1.0)
    area = np.exp(np.log(median) + FLOOR_AREA_SIGMA * rng.standard_normal(n))
    df["floor_area_m2"] = np.round(np.clip(area, MIN_AREA, MAX_AREA), 0)
    lo = np.array([c[1] for c in BOUWJAAR_CLASSES])[period]
    hi = np.array([c[2] for c in BOUWJAAR_CLASSES])[period]
    df["building_year"] = (lo + np.floor(rng.random(n) * (hi - lo + 1))).astype(np.int64)
    return df
