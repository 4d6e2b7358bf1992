"""Travel over the street network: snapping points to usable edges, many-to-many matrices, route lines.

Snapping (vectorised): each point goes to its nearest usable edge (STRtree), to the projected point on
it, and from there along the edge to the nearer end node; the along-edge part plus the perpendicular
part is the point's access distance. A point further than `max_snap_m` from every usable edge (Hoek
van Holland, Rozenburg, the port: no network data there) is *off the network*: its pairs are timed
as the straight line x the detour factor, and the result says so.

Matrices: one `scipy.sparse.csgraph.dijkstra` per distinct snapped node, in chunks (the full node
rows of 2,000 sources would not fit in memory), keeping only the columns of the other points. Bike
and walk follow the shortest path in metres, timed at the chosen speed; the car follows the fastest
path with each street's own speed (and the one-way rules), and its distance is the shortest path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo_tool.network.prepare import CROSSINGS, PreparedNetwork

MAX_SNAP_M = 250.0
CHUNK = 128


@dataclass
class Snapped:
    """Where each point joins the network: node, access distance (m), edge, position on the edge."""

    node: np.ndarray        # node index (nearer end of the nearest usable edge)
    access_m: np.ndarray    # perpendicular + along-edge distance to that node
    snap_m: np.ndarray      # perpendicular distance to the edge
    edge: np.ndarray        # edge index (-1 when off the network)
    along_m: np.ndarray     # position along the edge from its u end (m)
    proj_xy: np.ndarray     # the projected point on the edge
    on_network: np.ndarray  # bool


def snap_points(net: PreparedNetwork, xy: np.ndarray, max_snap_m: float = MAX_SNAP_M) -> Snapped:
    """Snap RD points to their nearest usable edge of `net` (vectorised; see the module text)."""
    import shapely

    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    n = len(xy)
    pts = shapely.points(xy)
    node = np.zeros(n, dtype=np.int64)
    access = np.zeros(n)
    snap = np.full(n, np.inf)
    edge = np.full(n, -1, dtype=np.int64)
    along = np.zeros(n)
    proj = xy.copy()
    if n:
        idx, dist = net.tree().query_nearest(pts, max_distance=max_snap_m, return_distance=True, all_matches=False)
        src, e = idx
        lines = net.lines()[e]
        s = shapely.line_locate_point(lines, pts[src])
        geom_len = np.maximum(shapely.length(lines), 1e-9)
        scale = net.edge_len_m[e] / geom_len
        at_u = s <= geom_len / 2
        node[src] = np.where(at_u, net.edge_u[e], net.edge_v[e])
        along[src] = s * scale
        access[src] = dist + np.where(at_u, s, geom_len - s) * scale
        snap[src] = dist
        edge[src] = e
        proj[src] = shapely.get_coordinates(shapely.line_interpolate_point(lines, s))
    return Snapped(node, access, snap, edge, along, proj, edge >= 0)


@dataclass
class NetworkMatrices:
    """Square distance (m) and time (s, not rounded) matrices over the points, and how they were made."""

    distance_m: np.ndarray
    time_s: np.ndarray
    snapped: Snapped
    off_network: int


def _speed_ms(net: PreparedNetwork, speed_kmh: float | None, snapped: Snapped) -> np.ndarray:
    """Access speed per point (m/s): the chosen speed, or for the car the snapped street's own speed."""
    if net.directed:
        e = np.where(snapped.edge >= 0, snapped.edge, 0)
        v = net.edge_len_m[e] / np.maximum(net.edge_time_s[e], 0.1)
        return np.where(snapped.edge >= 0, v, 30 / 3.6)
    return np.full(len(snapped.node), float(speed_kmh) / 3.6)


def _min_csr(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int):
    """CSR matrix with the lightest weight per (u, v) pair (a plain CSR would add parallel edges up)."""
    from scipy.sparse import csr_matrix

    order = np.lexsort((w, v, u))
    u, v, w = u[order], v[order], w[order]
    first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])] if len(u) else np.zeros(0, dtype=bool)
    return csr_matrix((w[first], (u[first], v[first])), shape=(n, n))


def contract_chains(adj, keep: np.ndarray):
    """The undirected graph with its chains of degree-2 nodes replaced by single edges (exact distances).

    `adj` is symmetric; nodes in `keep` (the points' nodes) always stay. Vectorised: the edges that
    meet at a removed node are joined (connected components over the edges), each chain's weight is
    the sum of its edges, and its ends are the two kept nodes it touches. Returns the smaller CSR and
    the new index of every old node (-1 = removed). Dead ends without a point are pruned first.
    About half the nodes go on the Rotterdam bike network, so each Dijkstra is that much faster.
    """
    from scipy.sparse import coo_matrix, csr_matrix, triu
    from scipy.sparse.csgraph import connected_components

    n = adj.shape[0]
    t = triu(adj, k=1).tocoo()
    u, v, w = t.row.astype(np.int64), t.col.astype(np.int64), t.data
    wanted = np.zeros(n, dtype=bool)
    wanted[keep] = True
    while True:  # dead ends that lead to no point carry no shortest path: prune them, leaf by leaf
        deg = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
        leaf = (deg == 1) & ~wanted
        if not leaf.any():
            break
        alive = ~(leaf[u] | leaf[v])
        u, v, w = u[alive], v[alive], w[alive]
    kept = (deg != 2) & (deg > 0)
    kept[keep] = True
    m = len(u)
    ends = np.r_[u, v]
    eidx = np.r_[np.arange(m), np.arange(m)]
    rem = ~kept[ends]
    order = np.argsort(ends[rem], kind="stable")
    pair_edges = eidx[rem][order].reshape(-1, 2)  # each removed node joins exactly two edges
    link = coo_matrix((np.ones(len(pair_edges)), (pair_edges[:, 0], pair_edges[:, 1])), shape=(m, m))
    _, label = connected_components(csr_matrix(link), directed=False)
    weight = np.bincount(label, weights=w)
    occ = kept[ends]
    lab, node = label[eidx[occ]], ends[occ]
    o = np.argsort(lab, kind="stable")
    lab, node = lab[o], node[o]
    count = np.bincount(lab, minlength=len(weight))
    two = count[lab] == 2
    lab, node = lab[two], node[two]
    a, b, cw = node[0::2], node[1::2], weight[lab[0::2]]
    loop = a == b
    a, b, cw = a[~loop], b[~loop], cw[~loop]
    new_index = np.full(n, -1, dtype=np.int64)
    new_index[kept] = np.arange(int(kept.sum()))
    k = int(kept.sum())
    return _min_csr(np.r_[new_index[a], new_index[b]], np.r_[new_index[b], new_index[a]], np.r_[cw, cw], k), new_index


def node_matrix(net: PreparedNetwork, sources: np.ndarray, targets: np.ndarray, weight: str = "length") -> np.ndarray:
    """Shortest-path weights from each source node to each target node (chunked Dijkstra; inf = unreachable).

    On an undirected network the chains of degree-2 nodes are contracted first (`contract_chains`).
    """
    from scipy.sparse.csgraph import dijkstra

    adj, _ = net.adjacency(weight)
    if not net.directed:
        adj, new_index = contract_chains(adj, np.r_[sources, targets])
        sources, targets = new_index[sources], new_index[targets]
    out = np.empty((len(sources), len(targets)))
    for k in range(0, len(sources), CHUNK):
        rows = dijkstra(adj, directed=True, indices=sources[k:k + CHUNK])
        out[k:k + CHUNK] = rows[:, targets]
    return out


def network_matrices(net: PreparedNetwork, xy: np.ndarray, *, speed_kmh: float | None = None,
                     detour_factor: float = 1.3, fallback_speed_kmh: float | None = None,
                     max_snap_m: float = MAX_SNAP_M) -> NetworkMatrices:
    """Distance and travel time between all pairs of RD points over the network.

    Bike/walk: shortest path in metres at `speed_kmh`. Car: fastest path at the streets' speeds.
    Pairs with a point off the network, or that the network does not connect, use the straight
    line x `detour_factor` at `fallback_speed_kmh` (default: `speed_kmh`, car 20 km/h).
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    sn = snap_points(net, xy, max_snap_m)
    n = len(xy)
    on = sn.on_network
    uniq, inv = np.unique(sn.node[on], return_inverse=True)
    vms = _speed_ms(net, speed_kmh, sn)
    fb_kmh = fallback_speed_kmh or speed_kmh or 20.0
    diff = xy[:, None, :] - xy[None, :, :]
    straight = np.hypot(diff[..., 0], diff[..., 1]) * detour_factor
    dist = straight.copy()
    time = straight / (fb_kmh / 3.6)
    if len(uniq):
        ion = np.flatnonzero(on)
        d_nodes = node_matrix(net, uniq, uniq, "length")[inv][:, inv]
        acc = sn.access_m[on]
        d_net = d_nodes + acc[:, None] + acc[None, :]
        if net.directed:
            t_nodes = node_matrix(net, uniq, uniq, "time")[inv][:, inv]
            acc_t = acc / vms[on]
            t_net = t_nodes + acc_t[:, None] + acc_t[None, :]
        else:
            t_net = d_net / vms[on][:, None]
        # two points on the same edge: along the edge between them, not via its end node
        e = sn.edge[on]
        same = (e[:, None] == e[None, :])
        if same.any():
            direct = np.abs(sn.along_m[on][:, None] - sn.along_m[on][None, :]) + sn.snap_m[on][:, None] + sn.snap_m[on][None, :]
            better = same & (direct < d_net)
            if net.directed:  # along a one-way edge only forwards (a two-way street has its own reverse edge)
                better &= sn.along_m[on][:, None] <= sn.along_m[on][None, :]
            d_net = np.where(better, direct, d_net)
            t_net = np.where(better, direct / vms[on][:, None], t_net)
        ok = np.isfinite(d_net) & np.isfinite(t_net)
        block = np.ix_(ion, ion)
        dist[block] = np.where(ok, d_net, dist[block])
        time[block] = np.where(ok, t_net, time[block])
    np.fill_diagonal(dist, 0.0)
    np.fill_diagonal(time, 0.0)
    return NetworkMatrices(dist, time, sn, int((~on).sum()))


# ------------------------------------------------------------------------------------------ routes
@dataclass
class RouteLeg:
    """One leg along the streets: its line (RD coordinates), length, Maas crossings used, on the network."""

    coords: np.ndarray
    length_m: float
    crossings: tuple[str, ...]
    on_network: bool


def _edge_coords(net: PreparedNetwork, e: int, forward: bool) -> np.ndarray:
    c = net.coords[net.coord_start[e]:net.coord_start[e + 1]]
    return c if forward else c[::-1]


def _partial(net: PreparedNetwork, e: int, along_m: float, to_u: bool) -> np.ndarray:
    """The part of edge `e` from the position `along_m` to its u end (to_u) or v end, as coordinates."""
    import shapely

    line = net.lines()[e]
    scale = max(shapely.length(line), 1e-9) / max(net.edge_len_m[e], 1e-9)
    s = along_m * scale
    c = _edge_coords(net, e, True)
    seg = np.r_[0.0, np.cumsum(np.hypot(*np.diff(c, axis=0).T))]
    p = shapely.get_coordinates(shapely.line_interpolate_point(line, s))[0]
    if to_u:
        inner = c[seg < s][::-1]
        return np.vstack([p, inner]) if len(inner) else np.array([p, c[0]])
    inner = c[seg > s]
    return np.vstack([p, inner]) if len(inner) else np.array([p, c[-1]])


def route_legs(net: PreparedNetwork, xy: np.ndarray, *, max_snap_m: float = MAX_SNAP_M) -> list[RouteLeg]:
    """The street paths between consecutive points of `xy` (a route: start, visits, end).

    Follows the same rule as the matrices (bike/walk shortest, car fastest); a leg with an end off
    the network, or that the network does not connect, is the straight segment (on_network False).
    """
    from scipy.sparse.csgraph import dijkstra

    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(xy) < 2:
        return []
    sn = snap_points(net, xy, max_snap_m)
    weight = "time" if net.directed else "length"
    adj, eid = net.adjacency(weight)
    srcs = np.unique(sn.node[:-1][sn.on_network[:-1]])
    pred = {}
    if len(srcs):
        _, p = dijkstra(adj, directed=True, indices=srcs, return_predecessors=True)
        pred = {int(s): p[i] for i, s in enumerate(srcs)}
    legs: list[RouteLeg] = []
    for i in range(len(xy) - 1):
        a, b = i, i + 1
        straight = np.array([xy[a], xy[b]])
        if not (sn.on_network[a] and sn.on_network[b]):
            legs.append(RouteLeg(straight, float(np.hypot(*(xy[b] - xy[a]))), (), False))
            continue
        na, nb = int(sn.node[a]), int(sn.node[b])
        ea, eb = int(sn.edge[a]), int(sn.edge[b])
        if ea == eb and (not net.directed or sn.along_m[a] <= sn.along_m[b]):  # along the shared edge
            c = _edge_coords(net, ea, True)
            lo, hi = sorted((sn.along_m[a], sn.along_m[b]))
            seg = np.r_[0.0, np.cumsum(np.hypot(*np.diff(c, axis=0).T))]
            scale = seg[-1] / max(net.edge_len_m[ea], 1e-9)
            inner = c[(seg > lo * scale) & (seg < hi * scale)]
            pa, pb = sn.proj_xy[a], sn.proj_xy[b]
            mid = inner if sn.along_m[a] <= sn.along_m[b] else inner[::-1]
            coords = np.vstack([xy[a], pa, *mid, pb, xy[b]]) if len(mid) else np.vstack([xy[a], pa, pb, xy[b]])
            cr = (CROSSINGS[net.edge_crossing[ea]],) if net.edge_crossing[ea] else ()
            legs.append(RouteLeg(coords, float(np.sum(np.hypot(*np.diff(coords, axis=0).T))), cr, True))
            continue
        p = pred[na]
        path = [nb]
        while path[-1] != na and path[-1] >= 0:
            path.append(int(p[path[-1]]))
        if path[-1] != na:
            legs.append(RouteLeg(straight, float(np.hypot(*(xy[b] - xy[a]))), (), False))
            continue
        path = path[::-1]
        parts = [xy[a][None, :], _partial(net, ea, sn.along_m[a], net.edge_u[ea] == na)]
        crossed: list[str] = []
        if len(path) > 1:
            us, vs = np.array(path[:-1]), np.array(path[1:])
            edges = np.asarray(eid[us, vs]).ravel() - 1
            for e, u in zip(edges, us):
                parts.append(_edge_coords(net, int(e), net.edge_u[e] == u))
                if net.edge_crossing[e]:
                    name = CROSSINGS[net.edge_crossing[e]]
                    if name not in crossed:
                        crossed.append(name)
        parts.append(_partial(net, eb, sn.along_m[b], net.edge_u[eb] == nb)[::-1])
        parts.append(xy[b][None, :])
        coords = np.vstack(parts)
        keep = np.r_[True, np.any(np.diff(coords, axis=0) != 0, axis=1)]
        coords = coords[keep]
        legs.append(RouteLeg(coords, float(np.sum(np.hypot(*np.diff(coords, axis=0).T))), tuple(crossed), True))
    return legs
