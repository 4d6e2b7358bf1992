"""Street context for every map (offline): main streets and water, derived once from the street network.

Streets are the network's car-class roads (motorway ... residential), simplified to 3 m. Water is
not in the network, and the CBS wijk polygons include the water, so it is derived: the area more
than 40 m from every network line (all classes, paths included), opened by 30 m (thin gaps between
streets vanish) and kept where a part is at least 5 ha: the Nieuwe Maas, the harbour basins, the
Kralingse Plas. Maps clip it to the wijken they show (outside the gemeente it would also catch
polders). Built once per network file (about 10-15 s) and cached as GeoParquet under
``$GEO_TOOL_CACHE_DIR/network/``, written atomically, verified by content hash.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from geo_tool.fileio import atomic_path, write_bytes_atomic

CONTEXT_VERSION = 1
STREET_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "residential")
#: line width (points) and grey per class, for the PNG/PDF maps and the window
STREET_STYLE = {"motorway": (1.4, "#8c8c8c"), "trunk": (1.2, "#8c8c8c"), "primary": (1.0, "#9a9a9a"),
                "secondary": (0.8, "#a6a6a6"), "tertiary": (0.6, "#b0b0b0"), "residential": (0.3, "#c4c4c4")}
WATER_COLOUR = "#b3d4ea"
_MEMO: dict[str, object] = {}


def _context_file(sha: str) -> Path:
    from geo_tool.dataset.cache import cache_dir

    return cache_dir() / "network" / f"context_{sha[:32]}_v{CONTEXT_VERSION}.parquet"


def _build(path: Path):
    import geopandas as gpd
    import pandas as pd
    import pyogrio
    import shapely

    layers = {str(n) for n in pyogrio.list_layers(path)[:, 0]}
    if "multimodal_edges" in layers:
        e = pyogrio.read_dataframe(path, layer="multimodal_edges", columns=["road_class"], use_arrow=True)
    else:
        from geo_tool.network.prepare import load_network, ROAD_CLASSES
        net = load_network(path, "walk")
        e = gpd.GeoDataFrame({"road_class": np.array(ROAD_CLASSES)[net.edge_class]}, geometry=net.lines(), crs=28992)
    if e.crs is not None and e.crs.to_epsg() != 28992:
        e = e.to_crs(28992)
    lines = shapely.simplify(e.geometry.to_numpy(), 3.0)
    streets = e["road_class"].isin(STREET_CLASSES).to_numpy()
    land = shapely.union_all(shapely.buffer(shapely.simplify(lines, 8.0), 40, quad_segs=2))
    water = shapely.difference(shapely.box(*shapely.total_bounds(lines)), land)
    water = shapely.buffer(shapely.buffer(water, -30, quad_segs=2), 30, quad_segs=2)
    parts = [p for p in shapely.get_parts(water) if p.area >= 5e4]
    frame = pd.concat([
        gpd.GeoDataFrame({"kind": "street", "road_class": e["road_class"].to_numpy()[streets]},
                         geometry=lines[streets], crs=28992),
        gpd.GeoDataFrame({"kind": ["water"] * len(parts), "road_class": [""] * len(parts)},
                         geometry=shapely.simplify(np.array(parts, dtype=object), 5.0) if parts else [], crs=28992),
    ], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=28992)


def street_context(path: str | Path):
    """Streets and water of the network file (GeoDataFrame: kind 'street'|'water', road_class, geometry)."""
    import geopandas as gpd

    from geo_tool.dataset.cache import file_sha256

    path = Path(path)
    sha = file_sha256(path)
    if sha in _MEMO:
        return _MEMO[sha]
    target = _context_file(sha)
    check = target.with_suffix(".sha256")
    frame = None
    if target.exists() and check.exists():
        try:
            if hashlib.sha256(target.read_bytes()).hexdigest() == check.read_text().strip():
                frame = gpd.read_parquet(target)
        except Exception:  # noqa: BLE001 - a damaged entry is rebuilt
            frame = None
    if frame is None:
        frame = _build(path)
        with atomic_path(target) as tmp:
            frame.to_parquet(tmp)
        write_bytes_atomic(check, hashlib.sha256(target.read_bytes()).hexdigest().encode())
    _MEMO.clear()
    _MEMO[sha] = frame
    return frame


def default_context(network: str | Path | None = None):
    """The street context of the network the planner would use (`resolve_network`), or None without one.

    Never fails a map: an unreadable network file gives no context (the map is drawn without it).
    """
    from geo_tool.network.source import resolve_network

    try:
        path, _ = resolve_network(network)
        return street_context(path) if path is not None else None
    except Exception:  # noqa: BLE001 - context is decoration, a map must not fail on it
        return None


def clip_context(context, bbox: tuple[float, float, float, float], area=None):
    """The context inside bbox (x0, y0, x1, y1); water also clipped to `area` (the wijken shown)."""
    import shapely

    if context is None or not len(context):
        return context
    part = context.cx[bbox[0]:bbox[2], bbox[1]:bbox[3]]
    if area is not None and len(part):
        water = part["kind"].to_numpy() == "water"
        if water.any():
            part = part.copy()
            geoms = part.geometry.to_numpy().copy()
            geoms[water] = shapely.intersection(geoms[water], area)
            part["geometry"] = geoms
            part = part[~part.geometry.is_empty]
    return part
