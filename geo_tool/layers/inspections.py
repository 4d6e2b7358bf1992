"""The inspections layer: home visits (huisbezoeken) by outcome and per wijk hit rates.

- visits: visits dated in the window (``start <= visited_on <= end``).
- violations_found: visits with outcome ``violation``.
- no_access: visits with outcome ``no_access``.
- hit_rate: violations_found / visits where the team got in (``violation`` + ``no_violation``) x 100;
  a visit without access says nothing about the address, so it is left out of the denominator.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.layers.base import (
    CRS_RD,
    FAR_PAST,
    DatasetIndex,
    Layer,
    Level,
    Measure,
    TimeWindow,
    count_by_area,
    dataset_index,
    day_number,
    day_numbers,
    register,
    safe_ratio,
)

OUTCOME_LABELS = {"violation": "Overtreding", "no_violation": "Geen overtreding", "no_access": "Geen toegang"}


def _inspection_arrays(dataset: Dataset, idx: DatasetIndex) -> dict[str, np.ndarray]:
    """Visits as arrays: day number, address position, outcome, overcrowding found (once per dataset)."""

    def compute() -> dict[str, np.ndarray]:
        v = dataset.inspections
        n = len(v)
        viol = v["violations"].astype("string").str.lower() if "violations" in v.columns else pd.Series([pd.NA] * n, dtype="string")
        return {
            "day": day_numbers(v["visited_on"], FAR_PAST) if n else np.zeros(0, np.int64),
            "addr": idx.addr_pos(v["address_id"]) if n else np.zeros(0, np.int64),
            "outcome": v["outcome"].astype("string").str.lower().fillna("").to_numpy(dtype=object) if n else np.zeros(0, object),
            "overbewoning": viol.str.contains("overbewoning", regex=False).fillna(False).to_numpy(dtype=bool),
        }

    return idx.memo("inspection_arrays", compute)


@register
class InspectionsLayer(Layer):
    """Home visits by outcome; per area the visits, violations found and the hit rate."""

    key = "inspections"
    label = "Huisbezoeken"
    sources = ("Huisbezoeken (gemeente)",)
    default_measure = "hit_rate"
    measures = {
        "points": Measure("points", "Huisbezoeken naar uitkomst", "", "points"),
        "visits": Measure("visits", "Huisbezoeken", "bezoeken", "count", "YlGnBu"),
        "violations_found": Measure("violations_found", "Bezoeken met overtreding", "bezoeken", "count", "YlGnBu"),
        "no_access": Measure("no_access", "Bezoeken zonder toegang", "bezoeken", "count", "YlGnBu"),
        "overbewoning_found": Measure("overbewoning_found", "Overbewoning vastgesteld", "bezoeken", "count", "YlGnBu"),
        "hit_rate": Measure("hit_rate", "Trefkans (overtreding bij toegang)", "% van bezoeken met toegang", "share",
                            "viridis", suppress_with=("violations_found", "visits_with_access"),
                            numerator="violations_found", denominator="visits_with_access", scale=100.0),
    }
    helpers = {
        "visits_with_access": Measure("visits_with_access", "Bezoeken met toegang", "bezoeken", "count"),
    }

    def _selected(self, window: TimeWindow, a: dict[str, np.ndarray]) -> np.ndarray:
        s, e = day_number(window.start), day_number(window.end)
        return (a["day"] >= s) & (a["day"] <= e) & (a["addr"] >= 0)

    def _aggregate(self, window: TimeWindow, level: Level, idx: DatasetIndex) -> dict[str, np.ndarray]:
        a = _inspection_arrays(self.dataset, idx)
        sel = self._selected(window, a)
        pos = idx.addr_area[level][np.maximum(a["addr"], 0)] if len(a["addr"]) else a["addr"]
        pos = np.where(a["addr"] >= 0, pos, -1)
        n = idx.n_area[level]
        viol = count_by_area(pos, n, sel & (a["outcome"] == "violation"))
        access = count_by_area(pos, n, sel & np.isin(a["outcome"], ["violation", "no_violation"]))
        return {
            "visits": count_by_area(pos, n, sel),
            "violations_found": viol,
            "no_access": count_by_area(pos, n, sel & (a["outcome"] == "no_access")),
            "overbewoning_found": count_by_area(pos, n, sel & a["overbewoning"]),
            "hit_rate": safe_ratio(viol, access, 100.0),
            "visits_with_access": access,
        }

    def points(self, window: TimeWindow | None = None) -> gpd.GeoDataFrame:
        """Visits in the window at their address, with the outcome (address-level: internal use only)."""
        window = window or TimeWindow.default_for(self.dataset)
        a = _inspection_arrays(self.dataset, dataset_index(self.dataset))
        sel = self._selected(window, a)
        geom = self.dataset.addresses.geometry.iloc[a["addr"][sel]]
        v = self.dataset.inspections
        return gpd.GeoDataFrame(
            {"inspection_id": v["inspection_id"].astype("string").to_numpy()[sel] if len(v) else [],
             "visited_on": pd.to_datetime(v["visited_on"]).to_numpy()[sel] if len(v) else [],
             "outcome": a["outcome"][sel]},
            geometry=geom.values, crs=CRS_RD,
        )

    def point_category_column(self) -> str:
        """Visits are coloured by outcome."""
        return "outcome"

    def point_categories(self) -> dict[str, str]:
        """Dutch labels of the visit outcomes."""
        return dict(OUTCOME_LABELS)
