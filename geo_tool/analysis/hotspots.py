"""Emerging hot spots on the wijk polygons: local Getis-Ord Gi* per period, FDR, and a Mann-Kendall trend.

Classes (a simplified form of the emerging hot spot analysis of space-time cubes, one class per wijk):
``new`` hot only after the start; ``intensifying`` hot in both periods with a rising trend;
``persistent`` hot in both periods without a significant trend; ``diminishing`` hot before and either
no longer hot after or hot with a falling trend; ``cold`` a cold spot after the start; ``none`` otherwise.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.analysis.stats import benjamini_hochberg, mann_kendall

HOTSPOT_CLASSES = ("new", "intensifying", "persistent", "diminishing", "cold", "none")
HOTSPOT_LABELS_NL = {
    "new": "nieuw",
    "intensifying": "intensiverend",
    "persistent": "aanhoudend",
    "diminishing": "afnemend",
    "cold": "koude plek",
    "none": "geen patroon",
}


def classify_hotspots(hot_before: np.ndarray, hot_after: np.ndarray, cold_after: np.ndarray,
                      trend: np.ndarray) -> np.ndarray:
    """The hot-spot class per wijk from significance flags per period and the trend (+1/0/-1).

    The order of the rules decides ties: a wijk hot in both periods is intensifying/persistent/diminishing
    by its trend; hot only after is new; hot only before is diminishing; else a cold spot after is cold.
    """
    hb, ha, ca = (np.asarray(x, bool) for x in (hot_before, hot_after, cold_after))
    t = np.asarray(trend, int)
    return np.select(
        [hb & ha & (t > 0), hb & ha & (t < 0), hb & ha, ha, hb, ca],
        ["intensifying", "diminishing", "persistent", "new", "diminishing", "cold"],
        default="none",
    ).astype(object)


def gi_star(values: np.ndarray, wijken: gpd.GeoDataFrame, *, permutations: int = 999,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Local Getis-Ord Gi* (esda.G_Local, star=True, queen weights): z-scores and pseudo p-values.

    Islands (wijken touching no other) get z = 0 and p = 1.
    """
    from esda import G_Local

    from geo_tool.analysis.areas import queen_weights

    y = np.nan_to_num(np.asarray(values, float))
    w = queen_weights(wijken)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if np.allclose(y, y[0]):
            return np.zeros(len(y)), np.ones(len(y))
        g = G_Local(y, w, transform="B", permutations=permutations, star=True, seed=seed, n_jobs=1)
    z = np.asarray(g.Zs, float)
    p = np.asarray(g.p_sim, float) if permutations else np.asarray(g.p_norm, float)
    islands = np.array([len(w.neighbors[i]) == 0 for i in range(len(y))])
    z[islands | ~np.isfinite(z)] = 0.0
    p[islands | ~np.isfinite(p)] = 1.0
    return z, p


def emerging_hotspots(rates_before: np.ndarray, rates_after: np.ndarray, monthly_rates: np.ndarray,
                      wijken: gpd.GeoDataFrame, *, alpha: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """Gi* before and after with Benjamini-Hochberg FDR, a Mann-Kendall trend per wijk, and the class.

    ``rates_*`` are per wijk (e.g. complaints per 1,000 residents per month), ``monthly_rates`` is
    wijk x month. Returns one row per wijk (in ``wijken`` order).
    """
    zb, pb = gi_star(rates_before, wijken, seed=seed)
    za, pa = gi_star(rates_after, wijken, seed=seed + 1)
    qb, qa = benjamini_hochberg(pb), benjamini_hochberg(pa)
    mk = mann_kendall(np.nan_to_num(monthly_rates))
    trend = mk.trend(alpha)
    hb, ha, ca = (qb < alpha) & (zb > 0), (qa < alpha) & (za > 0), (qa < alpha) & (za < 0)
    cls = classify_hotspots(hb, ha, ca, trend)
    return pd.DataFrame({
        "wijk_code": wijken["code"].astype(str).to_numpy(),
        "gi_z_before": zb, "gi_q_before": qb, "gi_z_after": za, "gi_q_after": qa,
        "mk_tau": mk.tau, "mk_p": mk.p, "trend": trend,
        "hotspot_class": cls,
        "hotspot_nl": [HOTSPOT_LABELS_NL[c] for c in cls],
    })
