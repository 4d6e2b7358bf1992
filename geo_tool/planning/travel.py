"""Travel distances and times between the plan's locations.

Without a road graph: straight-line RD distance x a detour factor (vectorised numpy). With a road
graph (GraphML, nodes with ``x,y`` in RD New or lon/lat, edges with ``length`` in metres): each
location is snapped to its nearest node and distances are shortest paths (scipy.sparse.csgraph),
plus the straight snapping legs. Times are distance / speed, rounded *up* to whole minutes so that
every written schedule is in whole minutes and never optimistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo_tool.errors import UnusableInputError

MINUTE_S = 60


@dataclass(frozen=True)
class TravelMatrices:
    """Square matrices over the plan's locations: `distance_m` and `travel_time_s` (int64)."""

    distance_m: np.ndarray
    travel_time_s: np.ndarray
    source: str  # "straight line x 1.3" or "road graph NAME"


def straight_distance_m(xy: np.ndarray, detour_factor: float) -> np.ndarray:
    """Pairwise straight-line RD distance in metres times the detour factor."""
    diff = xy[:, None, :] - xy[None, :, :]
    return np.hypot(diff[..., 0], diff[..., 1]) * float(detour_factor)


def time_from_distance_s(distance_m: np.ndarray, speed_kmh: float) -> np.ndarray:
    """Travel time in seconds for distances in metres at `speed_kmh`, rounded up to whole minutes."""
    seconds = distance_m / (float(speed_kmh) / 3.6)
    return (np.ceil(np.round(seconds, 6) / MINUTE_S) * MINUTE_S).astype(np.int64)


def _graph_arrays(path: Path) -> tuple[np.ndarray, "object"]:
    """Node coordinates (RD metres) and a sparse adjacency with edge lengths in metres."""
    import networkx as nx
    from scipy.sparse import csr_matrix

    try:
        graph = nx.read_graphml(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure makes the file unusable
        raise UnusableInputError(path.name, f"cannot be read as GraphML ({exc})") from None
    nodes = list(graph.nodes)
    if not nodes:
        raise UnusableInputError(path.name, "the road graph has no nodes")
    try:
        xy = np.array([[float(graph.nodes[n]["x"]), float(graph.nodes[n]["y"])] for n in nodes])
    except (KeyError, ValueError):
        raise UnusableInputError(path.name, "every node needs numeric x and y attributes") from None
    if np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90):  # lon/lat (osmnx default)
        from pyproj import Transformer
        tx, ty = Transformer.from_crs(4326, 28992, always_xy=True).transform(xy[:, 0], xy[:, 1])
        xy = np.column_stack([tx, ty])
    index = {n: i for i, n in enumerate(nodes)}
    rows, cols, lengths = [], [], []
    for u, v, data in graph.edges(data=True):
        i, j = index[u], index[v]
        length = data.get("length")
        length_m = float(length) if length not in (None, "") else float(np.hypot(*(xy[i] - xy[j])))
        rows.append(i), cols.append(j), lengths.append(max(length_m, 0.01))
        if not graph.is_directed():
            rows.append(j), cols.append(i), lengths.append(max(length_m, 0.01))
    adj = csr_matrix((lengths, (rows, cols)), shape=(len(nodes), len(nodes)))
    adj.sum_duplicates()
    return xy, adj


def graph_distance_m(xy: np.ndarray, graph_path: Path, detour_factor: float) -> np.ndarray:
    """Shortest-path distances in metres over the road graph between the given RD points.

    Pairs that the graph does not connect fall back to the straight line x detour factor.
    """
    from scipy.sparse.csgraph import dijkstra
    from scipy.spatial import cKDTree

    node_xy, adj = _graph_arrays(Path(graph_path))
    snap_m, node = cKDTree(node_xy).query(xy)
    uniq, inverse = np.unique(node, return_inverse=True)
    between = dijkstra(adj, directed=True, indices=uniq)[:, uniq]  # (u, u)
    dist = between[inverse][:, inverse] + snap_m[:, None] + snap_m[None, :]
    fallback = straight_distance_m(xy, detour_factor)
    dist = np.where(np.isfinite(dist), dist, fallback)
    np.fill_diagonal(dist, 0.0)
    return dist


def travel_matrices(xy: np.ndarray, speed_kmh: float, detour_factor: float = 1.3,
                    road_graph: Path | None = None) -> TravelMatrices:
    """Distance (m) and travel time (s, whole minutes) between all pairs of RD points."""
    xy = np.asarray(xy, dtype=float)
    if road_graph is not None:
        dist = graph_distance_m(xy, Path(road_graph), detour_factor)
        source = f"wegennetwerk {Path(road_graph).name}"
    else:
        dist = straight_distance_m(xy, detour_factor)
        source = f"hemelsbreed x {detour_factor:g}"
    return TravelMatrices(np.round(dist).astype(np.int64), time_from_distance_s(dist, speed_kmh), source)
