"""GeoPackage export: every layer as its own table with figures per wijk or gebied (EPSG:28992, CBS codes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geo_tool.fileio import GPKG_DATASET_OPTIONS, atomic_path

INFO_TABLE = "geo_tool_export_info"


def _clean_for_gdal(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """pandas extension dtypes to types GDAL writes cleanly (nullable ints stay integers)."""
    out = gdf.copy()
    for c in out.columns:
        if c == out.geometry.name:
            continue
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def write_gpkg(tables: dict[str, gpd.GeoDataFrame], meta: dict[str, Any], out_path: Path) -> None:
    """Write the tables (name -> GeoDataFrame in EPSG:28992) plus a key/value info table, atomically.

    The export metadata also goes into the GeoPackage's own metadata (``gpkg_metadata``), so QGIS
    shows whether the file is internal.
    """
    meta_str = {k: str(v) for k, v in meta.items()}
    note = str(meta.get("disclosure", ""))  # the disclosure rules, also in each layer's description
    with atomic_path(out_path) as tmp:
        first = True
        for name, gdf in tables.items():
            gdf = _clean_for_gdal(gdf.to_crs("EPSG:28992") if gdf.crs else gdf.set_crs("EPSG:28992"))
            pyogrio.write_dataframe(gdf, tmp, layer=name, driver="GPKG", append=not first,
                                    dataset_options=GPKG_DATASET_OPTIONS,
                                    dataset_metadata=meta_str if first else None,
                                    layer_metadata={"DESCRIPTION": " ".join(filter(None, [f"{meta['title']}.", note])),
                                                    "INTERNAL": str(meta["internal"]).lower(),
                                                    **({"DISCLOSURE": note} if note else {})})
            first = False
        info = pd.DataFrame({"key": list(meta_str), "value": list(meta_str.values())})
        pyogrio.write_dataframe(info, tmp, layer=INFO_TABLE, driver="GPKG", append=not first,
                                dataset_options=GPKG_DATASET_OPTIONS)
