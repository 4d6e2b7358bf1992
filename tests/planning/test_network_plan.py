"""The planner on the real street network: the Maas is crossed only at its bridges and tunnels, the outputs follow
the streets and credit OpenStreetMap, and without a network every output says the times are estimates."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from geo_tool.network import ATTRIBUTION_NL, NO_NETWORK_NL, load_network, snap_points
from geo_tool.planning import PlanParams, plan_week, write_plan_outputs
from geo_tool.planning.routes import route_geometries
from geo_tool.planning.synthetic import toy_dataset, toy_ranking

WEEK = "2026-W10"
GPX = "{http://www.topografix.com/GPX/1/1}"


@pytest.fixture(scope="module")
def network_file(street_network):
    return street_network


@pytest.fixture(scope="module")
def maas_plan(network_file):
    """A 3 km square over the Nieuwe Maas (Kop van Zuid, Centrum, Noordereiland), addresses on the bike network."""
    ds = toy_dataset(300, size_m=3000, wijken_per_side=2, seed=0, origin=(91500.0, 435000.0))
    net = load_network(network_file, "bike")
    xy = np.column_stack([ds.addresses.geometry.x, ds.addresses.geometry.y])
    sn = snap_points(net, xy, max_snap_m=1000)
    ds.addresses = ds.addresses.set_geometry(gpd.points_from_xy(sn.proj_xy[:, 0], sn.proj_xy[:, 1] + 3.0, crs=28992))
    ds.addresses = ds.addresses[net.edge_crossing[sn.edge] == 0].reset_index(drop=True)  # nobody lives on a bridge
    ranked = toy_ranking(ds, 200, seed=0)
    params = PlanParams(week=WEEK, teams=2, days=("mon", "tue"), time_limit_s=1.0, seed=1, network=network_file)
    return ds, plan_week(ds, ranked, params), net


def _river_side(net, xy):
    """Which bank each point is on: the connected parts of the bike network without its Maas crossings."""
    keep = net.edge_crossing == 0
    adj = csr_matrix((np.ones(keep.sum()), (net.edge_u[keep], net.edge_v[keep])), shape=(net.n_nodes, net.n_nodes))
    _, label = connected_components(adj, directed=False)
    return label[snap_points(net, xy).node]


def test_legs_cross_the_maas_only_at_a_crossing(maas_plan):
    """Every pair on opposite banks is at least as far apart as the way over the nearest bridge or tunnel, and every
    planned leg between the banks is drawn over a named crossing (the straight line x 1,3 would cut across)."""
    _, plan, net = maas_plan
    inst = plan.instance
    assert inst.travel.uses_network
    xy = np.vstack([inst.depots[["x", "y"]].to_numpy(float), inst.candidates[["x", "y"]].to_numpy(float)])
    side = _river_side(net, xy)
    assert len(set(side)) >= 2, "the test square should hold both banks"
    cross = np.flatnonzero(net.edge_crossing > 0)
    cxy = np.vstack([net.coords[net.coord_start[e]:net.coord_start[e + 1]] for e in cross])
    to_c = np.hypot(xy[:, None, 0] - cxy[None, :, 0], xy[:, None, 1] - cxy[None, :, 1])
    via = np.min(to_c[:, None, :] + to_c[None, :, :], axis=2)  # straight to a crossing and on: a lower bound
    opposite = side[:, None] != side[None, :]
    d = inst.travel.distance_m.astype(float)
    assert np.all(d[opposite] >= 0.97 * via[opposite] - 2)
    straight = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]) * 1.3
    assert np.any(straight[opposite] < 0.9 * via[opposite]), "the straight line would have crossed the river here"
    crossing_legs = 0
    for g in route_geometries(plan).values():
        assert g.along_streets
        for leg in g.legs:
            ends = _river_side(net, np.vstack([leg.coords[0], leg.coords[-1]]))
            if ends[0] != ends[1]:
                crossing_legs += 1
                assert leg.crossings, "a leg between the banks does not use a bridge or tunnel"
    assert crossing_legs >= 1


def test_network_outputs_follow_the_streets(maas_plan, tmp_path):
    """plan.gpx holds each route as a street track (more points than stops) plus the visits as waypoints; the routes
    layer and report say the streets were used, and the OpenStreetMap credit is on the report, maps and GPX."""
    ds, plan, _ = maas_plan
    out = tmp_path / "plan"
    write_plan_outputs(plan, ds, out)
    root = ET.parse(out / "plan.gpx").getroot()
    tracks = root.findall(f"{GPX}trk")
    planned = plan.visits[plan.visits["status"] == "planned"]
    assert len(tracks) == int((plan.team_days["visits"] > 0).sum())
    assert len(root.findall(f"{GPX}wpt")) == len(planned)
    for trk in tracks:
        pts = trk.findall(f"{GPX}trkseg/{GPX}trkpt")
        assert len(pts) > 3 * 14  # many bends per leg, not one straight segment per visit
    assert ATTRIBUTION_NL in root.find(f"{GPX}metadata/{GPX}desc").text
    routes = gpd.read_file(out / "plan.gpkg", layer="routes")
    assert routes["along_streets"].all()
    report = (out / "plan_report.md").read_text(encoding="utf-8")
    assert "Stratennet tegenover hemelsbreed" in report and ATTRIBUTION_NL in report
    assert NO_NETWORK_NL not in report
    page = (out / "plan_week.html").read_text(encoding="utf-8")
    assert ATTRIBUTION_NL in page and "Straten en water" in page  # street context from the plan's own network


def test_without_network_every_output_says_so(tmp_path, monkeypatch):
    """No --network, no GEO_TOOL_NETWORK, no fetched copy: straight line x 1,3, and report, HTML, GPX and notes say
    'reistijd geschat hemelsbreed x 1,3: geen stratennet'."""
    monkeypatch.delenv("GEO_TOOL_NETWORK", raising=False)
    ds = toy_dataset(200, size_m=2000, wijken_per_side=2, seed=1)
    plan = plan_week(ds, toy_ranking(ds, 100, seed=1), PlanParams(week=WEEK, teams=1, days=("mon",), time_limit_s=0.5))
    assert not plan.instance.travel.uses_network
    out = tmp_path / "plan"
    write_plan_outputs(plan, ds, out)
    assert NO_NETWORK_NL == "reistijd geschat hemelsbreed x 1,3: geen stratennet"
    assert NO_NETWORK_NL in (out / "plan_report.md").read_text(encoding="utf-8")
    assert NO_NETWORK_NL in (out / "plan_week.html").read_text(encoding="utf-8")
    assert NO_NETWORK_NL in (out / "plan.gpx").read_text(encoding="utf-8")
    assert any(NO_NETWORK_NL in n for n in plan.notes)


def test_network_from_environment(network_file, monkeypatch):
    """GEO_TOOL_NETWORK is used when no --network is given, and the car's one-way streets give unequal times."""
    monkeypatch.setenv("GEO_TOOL_NETWORK", str(network_file))
    ds = toy_dataset(120, size_m=1500, wijken_per_side=2, seed=2, origin=(92000.0, 432500.0))
    plan = plan_week(ds, toy_ranking(ds, 60, seed=2), PlanParams(week=WEEK, teams=1, days=("mon",), time_limit_s=0.5,
                                                                    travel_mode="car"))
    t = plan.instance.travel
    assert t.uses_network and "stratennet" in t.source
    assert not np.array_equal(t.travel_time_s, t.travel_time_s.T)
