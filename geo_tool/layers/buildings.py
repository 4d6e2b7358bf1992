"""Building level: figures per building (BAG pand, else one street number), next to wijk and address.

A building is what `geo_tool.dataset.buildings.building_keys` says (the BAG pand id, else the
addresses at one street number), so features, layers and imports mean the same building. The
figures are the address-level aggregates of the existing layers (residents on the reference date,
complaints and findings in the window) summed per building with `np.bincount`: no loop over rows.
Building level is address-like detail: internal use only, like the address level.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.dataset.buildings import building_keys
from geo_tool.layers.base import CRS_RD, Level, TimeWindow, layer_from_spec

BUILDING_MEASURES = {
    "addresses": "Woonadressen",
    "residents": "Ingeschreven bewoners",
    "complaints": "Meldingen",
    "findings": "Bezoeken met overtreding",
    "visits": "Huisbezoeken",
}


def building_positions(dataset) -> tuple[np.ndarray, pd.Index]:
    """Per address the row position of its building, and the building keys in row order."""
    keys = building_keys(dataset.addresses.reset_index(drop=True))
    codes, uniques = pd.factorize(keys, sort=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


def building_figures(dataset, window: TimeWindow | None = None) -> gpd.GeoDataFrame:
    """One row per building: ``code`` (building key), ``building_id`` (pand id or empty), ``wijk_code``,
    ``addresses``, ``residents`` (on the window's end), ``complaints`` and ``findings``/``visits`` (in the
    window), with the centroid of its addresses as the point."""
    window = window or TimeWindow.default_for(dataset)
    pos, keys = building_positions(dataset)
    n = len(keys)

    def per_building(values: np.ndarray) -> np.ndarray:
        return np.bincount(pos, weights=np.asarray(values, dtype=float), minlength=n)[:n]

    ads = dataset.addresses.reset_index(drop=True)
    residents = layer_from_spec("brp:residents", dataset).aggregate(window, Level.ADDRESS)["residents"].to_numpy()
    complaints = layer_from_spec("complaints:complaint_count", dataset).aggregate(window, Level.ADDRESS)
    inspections = layer_from_spec("inspections:visits", dataset).aggregate(window, Level.ADDRESS)
    xs, ys = ads.geometry.x.to_numpy(), ads.geometry.y.to_numpy()
    count = np.bincount(pos, minlength=n)[:n]
    first = pd.Series(np.arange(len(ads))).groupby(pos).first().reindex(range(n)).to_numpy()
    wijk = ads["wijk_code"].astype("string").to_numpy()[first] if "wijk_code" in ads.columns else pd.NA
    bid = ads["building_id"].astype("string").fillna("").to_numpy()[first] if "building_id" in ads.columns else ""
    out = gpd.GeoDataFrame({
        "code": keys.astype("string"),
        "building_id": bid,
        "wijk_code": wijk,
        "addresses": count.astype(np.int64),
        "residents": per_building(residents).astype(np.int64),
        "complaints": per_building(complaints["complaint_count"].to_numpy()).astype(np.int64),
        "findings": per_building(inspections["violations_found"].to_numpy()).astype(np.int64),
        "visits": per_building(inspections["visits"].to_numpy()).astype(np.int64),
    }, geometry=gpd.points_from_xy(per_building(xs) / np.maximum(count, 1), per_building(ys) / np.maximum(count, 1)),
        crs=CRS_RD)
    out.attrs["level"] = "building"
    out.attrs["window"] = (str(window.start.date()), str(window.end.date()))
    return out
