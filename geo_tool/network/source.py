"""Where the street network comes from, and `geo-tool network fetch`.

Order (`resolve_network`): an explicit file (`--network FILE`, a GeoPackage like the shared OSM
extract or an OSMnx GraphML); the `GEO_TOOL_NETWORK` variable; the copy `geo-tool network fetch`
cached under ``$GEO_TOOL_CACHE_DIR/network/``; else none, and travel is the straight line x 1.3,
which every sheet, map and report then says (`NO_NETWORK_NL`).
"""

from __future__ import annotations

import os
from pathlib import Path

from geo_tool.errors import OfflineError, UsageError

ENV_NETWORK = "GEO_TOOL_NETWORK"
ATTRIBUTION_NL = "© OpenStreetMap-bijdragers"
DEFAULT_PLACE = "Rotterdam, Netherlands"


def no_network_note(detour_factor: float = 1.3) -> str:
    """The Dutch line every output shows when travel is estimated without a street network."""
    return f"reistijd geschat hemelsbreed x {detour_factor:g}: geen stratennet".replace(".", ",")


NO_NETWORK_NL = no_network_note(1.3)


def fetched_path() -> Path:
    """Where `geo-tool network fetch` keeps its copy (a GeoPackage)."""
    from geo_tool.dataset.cache import cache_dir

    return cache_dir() / "network" / "fetched_rotterdam_osm.gpkg"


def resolve_network(explicit: str | os.PathLike | None = None) -> tuple[Path | None, str]:
    """The street-network file to use and where it came from ('argument', 'environment', 'fetched', 'none').

    A named file that does not exist is an error (never silently replaced by the straight line).
    """
    if explicit:
        p = Path(explicit)
        if not p.is_file():
            raise UsageError(f"--network: file '{p}' does not exist")
        return p, "argument"
    env = os.environ.get(ENV_NETWORK)
    if env:
        p = Path(env)
        if not p.is_file():
            raise UsageError(f"${ENV_NETWORK}: file '{p}' does not exist")
        return p, "environment"
    cached = fetched_path()
    if cached.is_file():
        return cached, "fetched"
    return None, "none"


def check_network_out(out: str | os.PathLike) -> None:
    """Refuse (UsageError, exit 2) an --out for the fetched network that is not a writable new .gpkg
    outside any dataset folder: checked before the download, so a bad path never costs one."""
    from geo_tool.outputs import check_output_file

    if Path(out).suffix.lower() != ".gpkg":
        raise UsageError(f"--out: '{out}' is geen .gpkg; het stratennet wordt als GeoPackage geschreven")
    check_output_file(out, "--out", dataset=Path(out).parent)


def fetch_network(place: str = DEFAULT_PLACE, out: Path | None = None) -> Path:
    """Download the gemeente's OSM network with OSMnx and cache it as a GeoPackage like the shared one.

    Needs the optional `osmnx` package and the internet; without either it raises a one-line error
    (the planner then uses `--network FILE`, `GEO_TOOL_NETWORK` or the straight line).
    A bad `out` (not .gpkg, a folder, read-only, a file of a dataset) is refused first (exit 2).
    """
    if out is not None:
        check_network_out(out)
    try:
        import osmnx as ox  # noqa: F401 - optional dependency
    except ImportError:
        raise OfflineError("geo-tool network fetch needs the optional package osmnx (not installed); "
                           "give a network file with --network FILE or GEO_TOOL_NETWORK instead") from None
    import socket

    try:
        socket.create_connection(("overpass-api.de", 443), timeout=5).close()
    except OSError as exc:
        raise OfflineError(f"cannot reach the OpenStreetMap Overpass API ({exc}); this machine seems offline: "
                           "give a network file with --network FILE or GEO_TOOL_NETWORK") from None
    return _download(place, out or fetched_path())


def _download(place: str, out: Path) -> Path:  # pragma: no cover - needs the internet and osmnx
    """OSMnx download of the car and bike/walk graphs, written in the shared GeoPackage's layer shape."""
    import geopandas as gpd
    import osmnx as ox
    import pandas as pd

    from geo_tool.fileio import GPKG_DATASET_OPTIONS, atomic_path

    layers: dict[str, gpd.GeoDataFrame] = {}
    for name, kind in (("car", "drive"), ("multimodal", "all")):
        g = ox.graph_from_place(place, network_type=kind, simplify=True)
        if name == "car":
            g = ox.add_edge_speeds(g)
            g = ox.add_edge_travel_times(g)
        g = ox.project_graph(g, to_crs="EPSG:28992")
        nodes, edges = ox.graph_to_gdfs(g)
        edges = edges.reset_index()
        hw = edges["highway"].map(lambda h: h[0] if isinstance(h, list) else h).astype(str).str.replace("_link", "")
        cls = hw.replace({"living_street": "residential", "unclassified": "residential", "footway": "footway_path",
                          "path": "footway_path", "steps": "footway_path", "busway": "residential"})
        e = gpd.GeoDataFrame({"u": edges["u"], "v": edges["v"], "road_class": cls,
                              "length_m": edges["length"].astype(float),
                              "bridge": edges.get("bridge", pd.Series(None, index=edges.index)).notna(),
                              "tunnel": edges.get("tunnel", pd.Series(None, index=edges.index)).notna(),
                              "maas_crossing": None}, geometry=edges.geometry, crs=28992)
        if name == "car":
            e["oneway"] = edges["oneway"].astype(bool)
            e["speed_kmh"] = edges["speed_kph"].astype(float)
            e["travel_time_s"] = edges["travel_time"].astype(float)
        else:
            e["bike_ok"] = cls.isin(["secondary", "tertiary", "residential", "service", "cycleway"])
            e["walk_ok"] = ~cls.isin(["motorway", "trunk", "primary"])
        layers[f"{name}_edges"] = e
        layers[f"{name}_nodes"] = gpd.GeoDataFrame({"node_id": nodes.index.to_numpy()}, geometry=nodes.geometry.to_numpy(),
                                                   crs=28992)
    with atomic_path(out) as tmp:
        for i, (layer, frame) in enumerate(layers.items()):
            frame.to_file(tmp, layer=layer, driver="GPKG", mode="w" if i == 0 else "a",
                          dataset_options=GPKG_DATASET_OPTIONS)
    return out
