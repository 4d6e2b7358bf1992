"""Read a street network (GeoPackage like the shared OSM extract, or an OSMnx GraphML) and prepare it per mode.

A `PreparedNetwork` holds, for one travel mode, only the usable edges (the mode's road classes in the
largest connected part of the graph), the nodes they use (renumbered 0..n-1), the edge lengths,
travel times (car) and geometries (flat coordinate arrays), road classes and the Maas crossings.
Preparing reads the file once (pyogrio, vectorised); the result is cached as one ``.npz`` per file
hash and mode under ``$GEO_TOOL_CACHE_DIR/network/``, written atomically and verified by the SHA-256
of its content on every read (a damaged entry is rebuilt, never used).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geo_tool.errors import UnusableInputError, UsageError
from geo_tool.fileio import write_bytes_atomic

MODES = ("bike", "walk", "car")
ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "residential", "service", "pedestrian",
                "cycleway", "footway_path", "other")
MAIN_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary")
CROSSINGS = ("", "Erasmusbrug", "Willemsbrug", "Van Brienenoordbrug", "Maastunnel", "Beneluxtunnel")
CAR_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "residential")
BIKE_CLASSES = ("secondary", "tertiary", "residential", "service", "cycleway")
WALK_CLASSES = ("secondary", "tertiary", "residential", "service", "pedestrian", "cycleway", "footway_path")
CACHE_VERSION = 1


@dataclass
class PreparedNetwork:
    """The usable street network of one mode (RD New metres), ready for shortest paths.

    Edges are directed when `directed` (car: a two-way street is two edges); else each edge is
    walkable both ways. Arrays: node_xy (n, 2); edge_u, edge_v (node indices); edge_len_m;
    edge_time_s (car: from the speed; NaN for bike/walk, timed by the chosen speed); edge_class and
    edge_crossing (indices into ROAD_CLASSES and CROSSINGS); coords + coord_start (edge i's line is
    coords[coord_start[i]:coord_start[i+1]], from u to v).
    """

    mode: str
    directed: bool
    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_len_m: np.ndarray
    edge_time_s: np.ndarray
    edge_class: np.ndarray
    edge_crossing: np.ndarray
    coords: np.ndarray
    coord_start: np.ndarray
    file_sha256: str
    source_name: str
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_nodes(self) -> int:
        return len(self.node_xy)

    def lines(self):
        """The edges as shapely LineStrings (built once, vectorised)."""
        if "lines" not in self._memo:
            import shapely
            counts = np.diff(self.coord_start)
            self._memo["lines"] = shapely.linestrings(self.coords, indices=np.repeat(np.arange(len(counts)), counts))
        return self._memo["lines"]

    def tree(self):
        """An STRtree over the edge lines (for snapping)."""
        if "tree" not in self._memo:
            import shapely
            self._memo["tree"] = shapely.STRtree(self.lines())
        return self._memo["tree"]

    def adjacency(self, weight: str = "length"):
        """Sparse adjacency (CSR) with the lightest edge per node pair: weight 'length' (m) or 'time' (s).

        Also returns the edge index of that lightest edge per entry (same sparsity), for route geometry.
        """
        key = f"adj_{weight}"
        if key not in self._memo:
            from scipy.sparse import csr_matrix
            w = self.edge_len_m if weight == "length" else self.edge_time_s
            idx = np.arange(len(w))
            u, v = self.edge_u, self.edge_v
            if not self.directed:
                u, v, w, idx = np.r_[u, v], np.r_[v, u], np.r_[w, w], np.r_[idx, idx]
            order = np.lexsort((w, v, u))  # per (u, v) the lightest first
            u, v, w, idx = u[order], v[order], w[order], idx[order]
            first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
            u, v, w, idx = u[first], v[first], np.maximum(w[first], 0.01), idx[first]
            n = self.n_nodes
            adj = csr_matrix((w, (u, v)), shape=(n, n))
            eid = csr_matrix((idx + 1, (u, v)), shape=(n, n))
            self._memo[key] = (adj, eid)
        return self._memo[key]


# ------------------------------------------------------------------------------------------ readers
def _edges_from_gpkg(path: Path, mode: str):
    """The mode's edges of the shared-style GeoPackage as a GeoDataFrame with the common columns."""
    import pyogrio

    layers = {str(n) for n in pyogrio.list_layers(path)[:, 0]}
    layer = "car_edges" if mode == "car" else "multimodal_edges"
    if layer not in layers:
        raise UnusableInputError(path.name, f"has no layer '{layer}' (found: {', '.join(sorted(layers)) or 'none'})")
    e = pyogrio.read_dataframe(path, layer=layer, use_arrow=True)
    need = {"u", "v", "length_m", "road_class"}
    missing = need - set(e.columns)
    if missing:
        raise UnusableInputError(path.name, f"layer {layer}: column(s) missing: {', '.join(sorted(missing))}")
    if e.crs is not None and e.crs.to_epsg() != 28992:
        e = e.to_crs(28992)
    if mode == "car":
        keep = e["in_largest_scc"].astype(bool) if "in_largest_scc" in e.columns else None
    else:
        ok = e[f"{mode}_ok"].astype(bool) if f"{mode}_ok" in e.columns else e["road_class"].isin(
            BIKE_CLASSES if mode == "bike" else WALK_CLASSES)
        comp = f"in_largest_{mode}_component"
        keep = ok & e[comp].astype(bool) if comp in e.columns else ok
    if keep is not None:
        e = e[keep.to_numpy()]
    if "oneway" not in e.columns:
        e["oneway"] = False
    if "maas_crossing" not in e.columns:
        e["maas_crossing"] = None
    if "travel_time_s" not in e.columns:
        speed = e["speed_kmh"].astype(float) if "speed_kmh" in e.columns else 30.0
        e["travel_time_s"] = e["length_m"].astype(float) / (speed / 3.6)
    return e.reset_index(drop=True)


def _edges_from_graphml(path: Path, mode: str):
    """The edges of an OSMnx GraphML (lon/lat or RD nodes) as a GeoDataFrame with the common columns."""
    import geopandas as gpd
    import networkx as nx
    import pandas as pd
    import shapely

    try:
        g = nx.read_graphml(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure makes the file unusable
        raise UnusableInputError(path.name, f"cannot be read as GraphML ({exc})") from None
    if not g.number_of_nodes():
        raise UnusableInputError(path.name, "the road graph has no nodes")
    nodes = list(g.nodes)
    try:
        xy = np.array([[float(g.nodes[n]["x"]), float(g.nodes[n]["y"])] for n in nodes])
    except (KeyError, ValueError):
        raise UnusableInputError(path.name, "every node needs numeric x and y attributes") from None
    lonlat = bool(np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90))
    if lonlat:
        from pyproj import Transformer
        tx, ty = Transformer.from_crs(4326, 28992, always_xy=True).transform(xy[:, 0], xy[:, 1])
        xy = np.column_stack([tx, ty])
    index = {n: i for i, n in enumerate(nodes)}
    rows = []
    for u, v, d in g.edges(data=True):
        hw = str(d.get("highway", "residential")).strip("[]'\" ").split("'")[0]
        cls = {"living_street": "residential", "unclassified": "residential", "footway": "footway_path",
               "path": "footway_path", "steps": "footway_path"}.get(hw.replace("_link", ""), hw.replace("_link", ""))
        rows.append((index[u], index[v], d.get("length"), cls, str(d.get("oneway", "False")).lower() == "true",
                     d.get("speed_kph"), d.get("travel_time"), d.get("geometry")))
    f = pd.DataFrame(rows, columns=["ui", "vi", "length_m", "road_class", "oneway", "speed_kmh", "travel_time_s", "wkt"])
    straight = np.hypot(*(xy[f["ui"]] - xy[f["vi"]]).T)
    f["length_m"] = pd.to_numeric(f["length_m"], errors="coerce").fillna(pd.Series(straight)).clip(lower=0.01)
    geom = shapely.linestrings(np.stack([xy[f["ui"]], xy[f["vi"]]], axis=1))
    if f["wkt"].notna().any():
        from pyproj import Transformer
        has = f["wkt"].notna().to_numpy()
        parsed = shapely.from_wkt(f.loc[has, "wkt"].astype(str), on_invalid="ignore")
        if lonlat:
            tr = Transformer.from_crs(4326, 28992, always_xy=True)
            parsed = shapely.transform(parsed, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
        good = ~shapely.is_missing(parsed)
        sel = np.flatnonzero(has)[good]
        geom[sel] = parsed[good]
    speed = pd.to_numeric(f["speed_kmh"], errors="coerce").fillna(
        f["road_class"].map({"motorway": 90, "trunk": 80}).fillna(50 if mode == "car" else 30))
    tt = pd.to_numeric(f["travel_time_s"], errors="coerce")
    f["travel_time_s"] = tt.fillna(f["length_m"] / (speed / 3.6))
    f["u"], f["v"] = f["ui"], f["vi"]
    f["maas_crossing"] = None
    classes = CAR_CLASSES if mode == "car" else BIKE_CLASSES if mode == "bike" else WALK_CLASSES
    if g.is_directed() and mode != "car":
        f["oneway"] = False
    f = f[f["road_class"].isin(classes) | ~f["road_class"].isin(ROAD_CLASSES)] if mode != "walk" else f
    e = gpd.GeoDataFrame(f.drop(columns=["wkt", "ui", "vi"]), geometry=geom[f.index.to_numpy()], crs=28992)
    return e.reset_index(drop=True), xy


def _largest_component(u: np.ndarray, v: np.ndarray, n: int, directed: bool) -> np.ndarray:
    """Mask of edges inside the largest (strongly, when directed) connected component."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    if not len(u):
        return np.zeros(0, dtype=bool)
    adj = csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, label = connected_components(adj, directed=directed, connection="strong" if directed else "weak")
    big = np.bincount(label).argmax()
    return (label[u] == big) & (label[v] == big)


def _prepare(path: Path, mode: str, sha: str) -> PreparedNetwork:
    import pandas as pd
    import shapely

    graphml = path.suffix.lower() in (".graphml", ".xml")
    e, node_xy_all = _edges_from_graphml(path, mode) if graphml else (_edges_from_gpkg(path, mode), None)
    if e.empty:
        raise UnusableInputError(path.name, f"has no usable {mode} edges")
    directed = mode == "car"
    u0, v0 = e["u"].to_numpy(np.int64), e["v"].to_numpy(np.int64)
    oneway = e["oneway"].fillna(False).astype(bool).to_numpy()
    geoms = e.geometry.to_numpy()
    length = e["length_m"].astype(float).to_numpy()
    time_s = e["travel_time_s"].astype(float).to_numpy()
    cls = pd.Categorical(e["road_class"].astype(str), categories=ROAD_CLASSES).codes.astype(np.int8)
    cls[cls < 0] = len(ROAD_CLASSES) - 1
    crossing = pd.Categorical(e["maas_crossing"].astype(object), categories=CROSSINGS[1:]).codes.astype(np.int8) + 1
    if directed:  # a two-way street is an edge in each direction (the reverse with reversed geometry)
        two = ~oneway
        rev = shapely.reverse(geoms[two])
        u0, v0 = np.r_[u0, v0[two]], np.r_[v0, u0[two]]
        geoms = np.r_[geoms, rev]
        length, time_s = np.r_[length, length[two]], np.r_[time_s, time_s[two]]
        cls, crossing = np.r_[cls, cls[two]], np.r_[crossing, crossing[two]]
    ids, inv = np.unique(np.r_[u0, v0], return_inverse=True)
    u, v = inv[: len(u0)], inv[len(u0):]
    keep = _largest_component(u, v, len(ids), directed)
    used, inv2 = np.unique(np.r_[u[keep], v[keep]], return_inverse=True)
    u, v = inv2[: keep.sum()], inv2[keep.sum():]
    if graphml:
        node_xy = node_xy_all[ids[used]]
    else:
        import pyogrio
        nodes = pyogrio.read_dataframe(path, layer="car_nodes" if mode == "car" else "multimodal_nodes", use_arrow=True)
        if nodes.crs is not None and nodes.crs.to_epsg() != 28992:
            nodes = nodes.to_crs(28992)
        nid = nodes["node_id"].to_numpy(np.int64)
        order = np.argsort(nid)
        pos = order[np.searchsorted(nid, ids[used], sorter=order)]
        node_xy = np.column_stack([nodes.geometry.x.to_numpy()[pos], nodes.geometry.y.to_numpy()[pos]])
    geoms = geoms[keep]
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    counts = np.bincount(index, minlength=len(geoms))
    start = np.r_[0, np.cumsum(counts)].astype(np.int64)
    return PreparedNetwork(mode, directed, node_xy.astype(float), u.astype(np.int32), v.astype(np.int32),
                           length[keep].astype(float), time_s[keep].astype(float) if directed else np.full(keep.sum(), np.nan),
                           cls[keep], crossing[keep], coords.astype(float), start, sha, path.name)


# ------------------------------------------------------------------------------------------ cache
ARRAYS = ("node_xy", "edge_u", "edge_v", "edge_len_m", "edge_time_s", "edge_class", "edge_crossing", "coords",
          "coord_start")


def _cache_file(sha: str, mode: str) -> Path:
    from geo_tool.dataset.cache import cache_dir

    return cache_dir() / "network" / f"{sha[:32]}_{mode}_v{CACHE_VERSION}.npz"


def _save(net: PreparedNetwork, target: Path) -> None:
    buf = io.BytesIO()
    np.savez(buf, **{k: getattr(net, k) for k in ARRAYS},
             meta=np.array([net.mode, str(net.directed), net.file_sha256, net.source_name]))
    data = buf.getvalue()
    write_bytes_atomic(target, data)
    write_bytes_atomic(target.with_suffix(".sha256"), hashlib.sha256(data).hexdigest().encode())


def _load(target: Path, sha: str, mode: str) -> PreparedNetwork | None:
    check = target.with_suffix(".sha256")
    if not target.exists() or not check.exists():
        return None
    try:
        data = target.read_bytes()
        if hashlib.sha256(data).hexdigest() != check.read_text().strip():
            return None
        z = np.load(io.BytesIO(data), allow_pickle=False)
        m = [str(s) for s in z["meta"]]
        if m[0] != mode or m[2] != sha:
            return None
        return PreparedNetwork(m[0], m[1] == "True", *(z[k] for k in ARRAYS), m[2], m[3])
    except Exception:  # noqa: BLE001 - an unreadable entry is rebuilt
        return None


_LOADED: dict[tuple[str, str], PreparedNetwork] = {}


def load_network(path: str | Path, mode: str = "bike", *, use_cache: bool = True) -> PreparedNetwork:
    """The prepared network of `mode` from a GeoPackage or GraphML file (cached per file hash).

    The file's SHA-256 picks the cache entry, so an edited file is prepared again; within one
    process the last prepared networks are kept in memory too.
    """
    from geo_tool.dataset.cache import file_sha256

    path = Path(path)
    if mode not in MODES:
        raise UsageError(f"travel mode '{mode}' is not one of {', '.join(MODES)}")
    if not path.is_file():
        raise UsageError(f"--network: file '{path}' does not exist")
    sha = file_sha256(path)
    key = (sha, mode)
    if use_cache and key in _LOADED:
        return _LOADED[key]
    target = _cache_file(sha, mode)
    net = _load(target, sha, mode) if use_cache else None
    if net is None:
        try:
            net = _prepare(path, mode, sha)
        except (UnusableInputError, UsageError):
            raise
        except Exception as exc:  # noqa: BLE001 - a file we cannot parse is unusable input, not a crash
            raise UnusableInputError(path.name, f"cannot be read as a street network ({type(exc).__name__}: {exc})") from None
        if use_cache:
            _save(net, target)
    if len(_LOADED) > 6:
        _LOADED.clear()
    _LOADED[key] = net
    return net
