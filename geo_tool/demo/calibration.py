"""Calibration targets for the demo city: the published Rotterdam figures, held as constants.

The figures are transcribed from the seed tables (`seed_tables/*.csv`, from *Actieprogramma
EU-arbeidsmigranten Rotterdam 2021-2025*, Gemeente Rotterdam 2021, counts by BRP/OBI), so the demo
needs no data file at run time. `wijk_targets` turns them into one row per wijk of whatever
boundaries are in use: residents and registered EU labour migrants (EUM) on 2020-01-01.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

#: Reference date of the calibration figures (seed tables: "1-1-2020").
CALIBRATION_DATE = date(2020, 1, 1)

#: Rotterdam residents on 2020-01-01 (seed_tables/rotterdam_totals.csv).
ROTTERDAM_RESIDENTS_2020 = 650_597

#: Registered EUM in Rotterdam on 2020-01-01 (seed_tables/rotterdam_totals.csv).
ROTTERDAM_EUM_2020 = 30_789

#: Registered EUM per gebied on 2020-01-01 (seed_tables/eum_per_gebied_2020.csv).
EUM_PER_GEBIED_2020: dict[str, int] = {
    "Charlois": 7961, "Delfshaven": 5184, "Feijenoord": 3938, "Kralingen-Crooswijk": 2527,
    "IJsselmonde": 2265, "Noord": 2080, "Centrum": 2010, "Prins Alexander": 1582,
    "Hoogvliet": 1100, "Hillegersberg-Schiebroek": 773, "Overschie": 443, "Rozenburg": 368,
    "Hoek van Holland": 241, "Pernis": 157, "Nieuw-Mathenesse": 155,
}

#: (gebied, wijk) -> (residents 2020-01-01, registered EUM 2020-01-01 or None)
#: (seed_tables/eum_per_wijk_2020.csv; Charlois Zuidrand has no EUM figure).
EUM_PER_WIJK_2020: dict[tuple[str, str], tuple[int, int | None]] = {
    ("Charlois", "Carnisse"): (11753, 2762),
    ("Charlois", "Charlois Zuidrand"): (450, None),
    ("Charlois", "Heijplaat"): (1604, 90),
    ("Charlois", "Oud Charlois"): (13846, 1550),
    ("Charlois", "Pendrecht"): (12229, 669),
    ("Charlois", "Tarwewijk"): (12610, 2168),
    ("Charlois", "Wielewaal"): (402, 17),
    ("Charlois", "Zuiderpark"): (1275, 27),
    ("Charlois", "Zuidplein"): (1302, 80),
    ("Charlois", "Zuidwijk"): (13906, 592),
    ("Delfshaven", "Bospolder"): (7127, 408),
    ("Delfshaven", "Delfshaven"): (7165, 395),
    ("Delfshaven", "Middelland"): (11992, 654),
    ("Delfshaven", "Nieuwe Westen"): (19517, 943),
    ("Delfshaven", "Oud Mathenesse"): (7196, 1455),
    ("Delfshaven", "Schiemond"): (5390, 196),
    ("Delfshaven", "Spangen"): (10432, 532),
    ("Delfshaven", "Tussendijken"): (7362, 590),
    ("Delfshaven", "Witte Dorp"): (593, 11),
}

#: Registered EUM on 1 January by group (sums of seed_tables/eum_by_nationality.csv).
EUM_BY_YEAR: dict[str, dict[int, int]] = {
    "EU-MOE": {2017: 14474, 2018: 15523, 2019: 17141, 2020: 18798},
    "EU-Zuid": {2017: 9960, 2018: 10535, 2019: 11109, 2020: 11991},
}

#: Gebied names in the seed tables that differ from the CBS names (after normalising).
GEBIED_ALIASES = {"centrum": "rotterdamcentrum"}


def norm_name(name: object) -> str:
    """Normalise an area name for matching: case, dashes, spaces and apostrophes ignored."""
    return re.sub(r"[\s\-_'’.]", "", str(name)).lower()


def eum_growth_factor(group: str, years: np.ndarray) -> np.ndarray:
    """Registered EUM of `group` at fractional year `years` relative to 2020-01-01.

    Linear between the 1 January figures of 2017-2020; after 2020 the 2017-2020 least-squares
    trend is extrapolated (the programme expects continued growth), before 2017 it is held flat.
    """
    table = EUM_BY_YEAR[group]
    ys = np.array(sorted(table), dtype=float)
    vs = np.array([table[int(y)] for y in ys], dtype=float)
    slope = np.polyfit(ys, vs, 1)[0]
    years = np.asarray(years, dtype=float)
    out = np.interp(years, ys, vs)
    late = years > ys[-1]
    out = np.where(late, vs[-1] + slope * (years - ys[-1]), out)
    return out / table[2020]


def moe_share_2020() -> float:
    """Share of EU-MOE among registered EUM on 2020-01-01 (the rest is EU-Zuid)."""
    moe, zuid = EUM_BY_YEAR["EU-MOE"][2020], EUM_BY_YEAR["EU-Zuid"][2020]
    return moe / (moe + zuid)


def wijk_targets(wijken: pd.DataFrame, private_share: np.ndarray | None = None) -> pd.DataFrame:
    """Residents and registered EUM on 2020-01-01 for every wijk of `wijken`.

    `wijken` needs `code, name, gebied_code, gebied_name, residents`. Residents: the seed wijk
    figure where there is one, else the boundaries' residents scaled to the city total of 2020
    (650,597 / sum of wijk residents). EUM: the seed wijk figure; the remainder of the gebied figure
    is spread over the gebied's other wijken in proportion to residents x private-rental share.
    Returns `code, residents_2020, eum_2020, eum_is_seed, gebied_eum_2020`.
    """
    n = len(wijken)
    res = pd.to_numeric(wijken["residents"], errors="coerce").fillna(0).to_numpy(float)
    scale = ROTTERDAM_RESIDENTS_2020 / max(res.sum(), 1.0)
    residents = np.round(res * scale).astype(np.int64)
    seed = {(norm_name(g), norm_name(w)): v for (g, w), v in EUM_PER_WIJK_2020.items()}
    gnames = [GEBIED_ALIASES.get(norm_name(g), norm_name(g)) for g in wijken["gebied_name"]]
    wnames = [norm_name(w) for w in wijken["name"]]
    eum = np.full(n, -1, dtype=np.int64)
    is_seed = np.zeros(n, dtype=bool)
    for i, key in enumerate(zip(gnames, wnames)):
        if key in seed:
            r, e = seed[key]
            residents[i] = r
            if e is not None:
                eum[i], is_seed[i] = e, True
    gebied_eum = {GEBIED_ALIASES.get(norm_name(g), norm_name(g)): v for g, v in EUM_PER_GEBIED_2020.items()}
    weight = residents.astype(float) * (np.ones(n) if private_share is None else (0.05 + np.nan_to_num(private_share)))
    g_arr = np.array(gnames)
    gebied_target = np.full(n, -1, dtype=np.int64)
    for g in np.unique(g_arr):
        idx = np.flatnonzero(g_arr == g)
        total = gebied_eum.get(g)
        if total is None:
            # no figure (harbour gebieden): 1 % of residents, the level of the lowest seed wijken
            eum[idx] = np.where(eum[idx] < 0, np.round(residents[idx] * 0.01), eum[idx])
            continue
        gebied_target[idx] = total
        free = idx[eum[idx] < 0]
        rest = max(total - eum[idx][eum[idx] >= 0].sum(), 0)
        if len(free):
            w = weight[free]
            w = w / w.sum() if w.sum() > 0 else np.full(len(free), 1 / len(free))
            eum[free] = _round_preserving(w * rest)
    eum = np.minimum(eum, (residents * 0.6).astype(np.int64))  # never more than 60 % of a wijk
    return pd.DataFrame({
        "code": wijken["code"].to_numpy(), "residents_2020": residents, "eum_2020": eum,
        "eum_is_seed": is_seed, "gebied_eum_2020": gebied_target,
    })


def _round_preserving(x: np.ndarray) -> np.ndarray:
    """Round to integers keeping the (rounded) total: largest remainders get the extra units."""
    fl = np.floor(x).astype(np.int64)
    short = int(round(x.sum())) - fl.sum()
    if short > 0:
        fl[np.argsort(-(x - fl), kind="stable")[:short]] += 1
    return fl
