"""GeoTIFF export of a density surface (EPSG:28992, float32, deflate)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rasterio

from geo_tool.fileio import atomic_path


def write_geotiff(surface: Any, meta: dict[str, Any], out_path: Path) -> None:
    """Write a `DensitySurface` as a one-band GeoTIFF with the export metadata as tags, atomically.

    A disclosure-controlled surface (``method == "count"``) has NaN as nodata for the cells under
    the threshold; its tags state the rules (threshold, rounding, cell size, minimum period).
    """
    controlled = getattr(surface, "method", "kernel") == "count"
    h, w = surface.values.shape
    profile = {
        "driver": "GTiff", "height": h, "width": w, "count": 1, "dtype": "float32", "crs": surface.crs,
        "transform": surface.transform, "compress": "deflate", "predictor": 3, "tiled": w >= 256 and h >= 256,
        "nodata": float("nan") if controlled else None,
    }
    if profile["tiled"]:
        profile.update(blockxsize=256, blockysize=256)
    with atomic_path(out_path) as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(surface.values.astype("float32"), 1)
            dst.update_tags(**{k: str(v) for k, v in meta.items()}, unit=surface.unit,
                            bandwidth_m=str(surface.bandwidth_m), cell_m=str(surface.cell_m),
                            method=("complaints per cell, rounded; cells under the threshold nodata; no smoothing"
                                    if controlled else "kernel density (Gaussian)"))
            dst.set_band_description(1, f"{meta['title']} ({surface.unit})")
