"""Writing the demo dataset folder: plain files per the contract, atomically and deterministically.

GeoPackages are written with GDAL's `OGR_CURRENT_DATE` fixed, so the same seed gives byte-identical
files (GPKG otherwise stores the time of writing in `gpkg_contents.last_change`).
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo_tool.fileio import GPKG_DATASET_OPTIONS, atomic_path, write_csv_atomic, write_text_atomic

FIXED_GPKG_TIMESTAMP = "2026-01-01T00:00:00.000Z"


def write_gpkg(layers: dict[str, gpd.GeoDataFrame], target: str | os.PathLike) -> None:
    """Write layers into one GeoPackage atomically with a fixed timestamp (reproducible bytes)."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_GPKG_TIMESTAMP})
    try:
        with atomic_path(target) as tmp:
            for name, frame in layers.items():
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", dataset_options=GPKG_DATASET_OPTIONS)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def write_csv(frame: pd.DataFrame, target: str | os.PathLike) -> None:
    """Write a CSV atomically: UTF-8, comma, '\\n' line ends, empty cells for missing values."""
    write_csv_atomic(frame, target, lineterminator="\n")


def write_text(text: str, target: str | os.PathLike) -> None:
    """Write a text file atomically."""
    write_text_atomic(Path(target), text)
