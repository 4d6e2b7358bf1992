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

from geo_tool.layers.base import Level, TimeWindow, building_frame, dataset_index, layer_from_spec

BUILDING_MEASURES = {
    "addresses": "Woonadressen",
    "residents": "Ingeschreven bewoners",
    "complaints": "Meldingen",
    "findings": "Bezoeken met overtreding",
    "visits": "Huisbezoeken",
}


def building_positions(dataset) -> tuple[np.ndarray, pd.Index]:
    """Per address the row position of its building, and the building keys in row order."""
    idx = dataset_index(dataset)
    return idx.addr_area[Level.BUILDING], idx.area_codes[Level.BUILDING]


def building_figures(dataset, window: TimeWindow | None = None) -> gpd.GeoDataFrame:
    """One row per building: ``code`` (building key), ``building_id`` (pand id or empty), ``wijk_code``,
    ``addresses``, ``residents`` (on the window's end), ``complaints`` and ``findings``/``visits`` (in the
    window), with the centroid of its addresses as the point.

    The same figures the layers give at `Level.BUILDING` (so the map and this table agree)."""
    window = window or TimeWindow.default_for(dataset)
    pos, keys = building_positions(dataset)
    out = building_frame(dataset)
    residents = layer_from_spec("brp:residents", dataset).aggregate(window, Level.BUILDING)
    complaints = layer_from_spec("complaints:complaint_count", dataset).aggregate(window, Level.BUILDING)
    inspections = layer_from_spec("inspections:visits", dataset).aggregate(window, Level.BUILDING)
    out["addresses"] = np.bincount(pos, minlength=len(keys))[:len(keys)].astype(np.int64)
    out["residents"] = residents["residents"].to_numpy().astype(np.int64)
    out["complaints"] = complaints["complaint_count"].to_numpy().astype(np.int64)
    out["findings"] = inspections["violations_found"].to_numpy().astype(np.int64)
    out["visits"] = inspections["visits"].to_numpy().astype(np.int64)
    out = out[["code", "building_id", "wijk_code", *BUILDING_MEASURES, "geometry"]
              if "wijk_code" in out.columns else ["code", "building_id", *BUILDING_MEASURES, "geometry"]]
    out.attrs["level"] = "building"
    out.attrs["window"] = (str(window.start.date()), str(window.end.date()))
    return out
