"""The shipped schematic Rotterdam: real wijk names, codes and CBS figures on simplified shapes.

Used when no real boundaries are available (offline, nothing cached). Each wijk is a Voronoi cell
around (a horizontally compressed copy of) its real representative point, cut by a schematic river
polygon "Nieuwe Maas" that runs between the northern and southern wijken. Every layer carries
`schematic=True`, and maps made from it must say "schematic".
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPoint, Point

from geo_tool.demo._rotterdam_table import ROTTERDAM_WIJKEN
from geo_tool.fileio import GPKG_DATASET_OPTIONS, atomic_path

#: Gebieden south of the Nieuwe Maas / Nieuwe Waterweg (Rotterdam's own division, Noord/Zuid).
SOUTH_GEBIEDEN = {"WK059910", "WK059912", "WK059913", "WK059915", "WK059916", "WK059921",
                  "WK059922", "WK059923", "WK059925", "WK059927"}
#: West of this RD x the port area is compressed (factor below) to keep the map compact.
COMPRESS_WEST_OF_X = 85_000.0
COMPRESS_FACTOR = 0.35
RIVER_HALF_WIDTH_M = 180.0  # the Nieuwe Maas is ~300-500 m wide in the city
OUTER_BUFFER_M = 900.0
RIVER_BIN_M = 1_500.0


def schematic_table() -> pd.DataFrame:
    """The embedded table of Rotterdam's 91 wijken (codes, names, residents, dwellings, CBS columns)."""
    df = pd.read_csv(io.StringIO(ROTTERDAM_WIJKEN), sep="|", dtype={"code": str, "gebied_code": str})
    return df


def _river_line(x: np.ndarray, y: np.ndarray, south: np.ndarray) -> LineString:
    """A line between the northern and southern seed points, bin by bin along x."""
    lo, hi = x.min() - 2_000, x.max() + 2_000
    edges = np.arange(lo, hi + RIVER_BIN_M, RIVER_BIN_M)
    xs, ys = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        m = (x >= a - RIVER_BIN_M) & (x < b + RIVER_BIN_M)
        n_y = y[m & ~south]
        s_y = y[m & south]
        if len(n_y) and len(s_y):
            xs.append((a + b) / 2)
            ys.append((n_y.min() + s_y.max()) / 2)
    ys_arr = np.interp(edges, xs, ys)
    return LineString(np.column_stack([edges, ys_arr]))


def build_schematic_layers() -> dict[str, gpd.GeoDataFrame]:
    """Build the layers `gebieden`, `wijken` and `river` of the schematic city (EPSG:28992)."""
    t = schematic_table()
    x = t["x"].to_numpy(float)
    x = np.where(x < COMPRESS_WEST_OF_X, COMPRESS_WEST_OF_X - (COMPRESS_WEST_OF_X - x) * COMPRESS_FACTOR, x)
    y = t["y"].to_numpy(float)
    south = t["gebied_code"].isin(SOUTH_GEBIEDEN).to_numpy()
    # keep seeds clear of the river: push them 250 m away from it
    line = _river_line(x, y, south)
    river_y = np.interp(x, *np.asarray(line.coords).T)
    y = np.where(south, np.minimum(y, river_y - 250), np.maximum(y, river_y + 250))
    line = _river_line(x, y, south)
    seeds = MultiPoint(np.column_stack([x, y]))
    hull = seeds.convex_hull.buffer(OUTER_BUFFER_M)
    river = line.buffer(RIVER_HALF_WIDTH_M, cap_style="flat").intersection(hull.buffer(500))
    cells = shapely.voronoi_polygons(seeds, extend_to=hull)
    cell_list = list(shapely.get_parts(cells))
    pts = [Point(p) for p in zip(x, y)]
    geoms = []
    for p in pts:
        cell = next(c for c in cell_list if c.covers(p))
        piece = cell.intersection(hull).difference(river)
        parts = list(shapely.get_parts(piece))
        keep = [q for q in parts if q.covers(p)] or sorted(parts, key=lambda q: -q.area)[:1]
        geoms.append(keep[0])
    wijken = gpd.GeoDataFrame(t.drop(columns=["x", "y"]), geometry=geoms, crs="EPSG:28992")
    wijken["residents"] = wijken["residents"].fillna(0).astype("int64")
    wijken["dwellings"] = wijken["dwellings"].fillna(0).astype("int64")
    wijken["schematic"] = True
    geb = wijken.dissolve(by="gebied_code", aggfunc={"gebied_name": "first", "residents": "sum", "dwellings": "sum"})
    geb = geb.reset_index().rename(columns={"gebied_code": "code", "gebied_name": "name"})
    geb = geb[["code", "name", "residents", "dwellings", "geometry"]]
    geb["schematic"] = True
    riv = gpd.GeoDataFrame({"name": ["Nieuwe Maas"], "schematic": [True]}, geometry=[river], crs="EPSG:28992")
    return {"gebieden": geb, "wijken": wijken, "river": riv}


def build_schematic_city(path: str | os.PathLike) -> Path:
    """Write the schematic city GeoPackage (layers gebieden, wijken, river) to `path`.

    Run once to (re)build the shipped `data/shapefiles/schematic_rotterdam.gpkg`.
    """
    import pyogrio

    layers = build_schematic_layers()
    path = Path(path)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-01-01T00:00:00.000Z"})
    with atomic_path(path) as tmp:
        for name, frame in layers.items():
            frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio", dataset_options=GPKG_DATASET_OPTIONS)
    return path
