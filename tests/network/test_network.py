"""The street network: preparing and caching, snapping, travel matrices and routes over the real Rotterdam streets."""

from __future__ import annotations

import numpy as np
import pytest

from geo_tool.errors import OfflineError, UsageError
from geo_tool.network import (ENV_NETWORK, fetch_network, fetched_path, load_network, network_matrices, resolve_network,
                              route_legs, snap_points)
from geo_tool.network import prepare as prep


@pytest.fixture(scope="module")
def network_file(street_network):
    return street_network


def _gebied_point(shared_data, name: str) -> np.ndarray:
    import geopandas as gpd

    w = gpd.read_file(shared_data / "rotterdam_districts.gpkg", layer="gebieden")
    p = w[w["name"] == name].geometry.iloc[0].centroid
    return np.array([p.x, p.y])


@pytest.mark.parametrize("mode", ["bike", "car"])
def test_charlois_to_centrum_crosses_the_maas(network_file, shared_data, mode):
    """Charlois -> Centrum (gebied centroids) goes over a Maas bridge or tunnel and is 1.2-1.6 x the straight line."""
    xy = np.vstack([_gebied_point(shared_data, "Charlois"), _gebied_point(shared_data, "Rotterdam Centrum")])
    net = load_network(network_file, mode)
    straight = float(np.hypot(*(xy[1] - xy[0])))
    legs = route_legs(net, xy)
    assert legs[0].on_network and legs[0].crossings, "the route does not use a named Maas crossing"
    assert set(legs[0].crossings) <= {"Erasmusbrug", "Willemsbrug", "Maastunnel", "Van Brienenoordbrug", "Beneluxtunnel"}
    m = network_matrices(net, xy, speed_kmh=15)
    assert 1.2 <= m.distance_m[0, 1] / straight <= 1.6
    assert 1.2 <= legs[0].length_m / straight <= 1.6
    if mode == "bike":
        assert m.time_s[0, 1] == pytest.approx(m.distance_m[0, 1] / (15 / 3.6))
    # the drawn route starts and ends at the points themselves
    assert np.allclose(legs[0].coords[0], xy[0]) and np.allclose(legs[0].coords[-1], xy[1])


def test_contracted_dijkstra_is_exact(network_file):
    """Contracting the degree-2 chains gives the same shortest paths as the full graph."""
    from scipy.sparse.csgraph import dijkstra

    from geo_tool.network.matrix import node_matrix

    net = load_network(network_file, "bike")
    rng = np.random.default_rng(5)
    nodes = rng.choice(net.n_nodes, 40, replace=False)
    adj, _ = net.adjacency("length")
    full = dijkstra(adj, directed=True, indices=nodes)[:, nodes]
    assert np.allclose(node_matrix(net, nodes, nodes), full)


def test_snapping_uses_the_edge_not_just_the_node(network_file):
    """A point beside a long edge joins it at its projection: the access distance is the along-edge part plus
    the perpendicular part, never more than the walk to the nearest end node via the projection."""
    net = load_network(network_file, "bike")
    e = int(np.argmax(net.edge_len_m))
    line = net.lines()[e]
    import shapely
    mid = shapely.get_coordinates(shapely.line_interpolate_point(line, 0.3, normalized=True))[0]
    sn = snap_points(net, mid[None, :] + [0.0, 0.0])
    assert sn.on_network[0] and sn.snap_m[0] < 1.0
    assert sn.access_m[0] == pytest.approx(min(0.3, 0.7) * net.edge_len_m[sn.edge[0]], rel=0.05)


def test_off_network_points_fall_back_to_straight_line(network_file):
    """Hoek van Holland has no network data: its pairs are the straight line x the factor, and counted."""
    net = load_network(network_file, "bike")
    xy = np.array([[67500.0, 444500.0], [92900.0, 437300.0], [93300.0, 436900.0]])
    m = network_matrices(net, xy, speed_kmh=15, detour_factor=1.3)
    assert m.off_network == 1 and not m.snapped.on_network[0]
    assert m.distance_m[0, 1] == pytest.approx(np.hypot(*(xy[1] - xy[0])) * 1.3)
    assert m.distance_m[1, 2] >= np.hypot(*(xy[2] - xy[1]))


def test_cache_is_reused_and_verified(network_file, tmp_path, monkeypatch):
    """The prepared network is cached per file hash and mode; a damaged entry is rebuilt, never used."""
    monkeypatch.setenv("GEO_TOOL_CACHE_DIR", str(tmp_path / "c"))
    prep._LOADED.clear()
    first = load_network(network_file, "walk")
    entry = prep._cache_file(first.file_sha256, "walk")
    assert entry.exists() and entry.with_suffix(".sha256").exists()
    prep._LOADED.clear()
    again = load_network(network_file, "walk")
    assert np.array_equal(again.edge_u, first.edge_u) and again.file_sha256 == first.file_sha256
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert prep._load(entry, first.file_sha256, "walk") is None
    prep._LOADED.clear()
    rebuilt = load_network(network_file, "walk")
    assert np.array_equal(rebuilt.edge_v, first.edge_v)
    assert prep._load(entry, first.file_sha256, "walk") is not None


def test_source_order(tmp_path, monkeypatch):
    """--network beats GEO_TOOL_NETWORK, which beats the fetched copy; else none. A missing file is an error."""
    a, b = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    a.write_bytes(b"x"), b.write_bytes(b"x")
    monkeypatch.delenv(ENV_NETWORK, raising=False)
    assert resolve_network(None) == (None, "none")
    fetched = fetched_path()
    fetched.parent.mkdir(parents=True, exist_ok=True)
    fetched.write_bytes(b"x")
    assert resolve_network(None) == (fetched, "fetched")
    monkeypatch.setenv(ENV_NETWORK, str(b))
    assert resolve_network(None) == (b, "environment")
    assert resolve_network(a) == (a, "argument")
    with pytest.raises(UsageError, match="does not exist"):
        resolve_network(tmp_path / "nope.gpkg")


def test_fetch_offline_is_one_clear_line(tmp_path):
    """`network fetch` without osmnx or without the internet fails with one line naming the way out."""
    try:
        import osmnx  # noqa: F401
    except ImportError:
        with pytest.raises(OfflineError, match="osmnx") as err:
            fetch_network(out=tmp_path / "n.gpkg")
    else:
        with pytest.raises(OfflineError, match="offline|osmnx") as err:
            fetch_network(out=tmp_path / "n.gpkg")
    assert "\n" not in str(err.value) and "--network" in str(err.value)


def test_graphml_one_way_street(tmp_path):
    """An OSMnx-style directed GraphML: the car obeys a one-way street, the bike network does not."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for n, (x, y) in {"a": (0, 0), "b": (1000, 0), "c": (1000, 1000), "d": (0, 1000)}.items():
        g.add_node(n, x=float(x), y=float(y) + 430000)
    g.add_edge("a", "b", length=1000.0, highway="residential", oneway="True", speed_kph="30")
    for u, v in (("b", "c"), ("c", "d"), ("d", "a")):
        g.add_edge(u, v, length=1000.0, highway="residential", oneway="False", speed_kph="30")
        g.add_edge(v, u, length=1000.0, highway="residential", oneway="False", speed_kph="30")
    path = tmp_path / "roads.graphml"
    nx.write_graphml(g, path)
    xy = np.array([[0.0, 430000.0], [1000.0, 430000.0]])
    car = network_matrices(load_network(path, "car"), xy)
    assert car.distance_m[0, 1] == pytest.approx(1000) and car.distance_m[1, 0] == pytest.approx(3000)
    bike = network_matrices(load_network(path, "bike"), xy, speed_kmh=15)
    assert bike.distance_m[1, 0] == pytest.approx(1000)


def test_cli_network_fetch_offline(capsys):
    """`geo-tool network fetch` offline (or without osmnx) exits 1 with a one-line reason, no traceback."""
    from geo_tool.cli import main

    assert main(["network", "fetch"]) == 1
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err and "Traceback" not in err and "--network" in err


def test_cli_plan_network_option_and_alias():
    """`geo-tool plan --network FILE` and the old `--road-graph FILE` set the same option."""
    from geo_tool.cli import build_parser

    base = ["plan", "d", "--ranked", "r.csv", "--week", "2026-W10", "--out", "o"]
    assert build_parser().parse_args(base + ["--network", "n.gpkg"]).network == "n.gpkg"
    assert build_parser().parse_args(base + ["--road-graph", "g.graphml"]).network == "g.graphml"
