"""A week's plan on the city demo (real wijk polygons, real street network) crosses the Maas only at its bridges
and tunnels. City size (the demo takes a few minutes): run with `./run tests -m city`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_network_plan import _river_side as _bank  # the bank: bike network parts without the crossings

from geo_tool.network import CROSSINGS, load_network
from geo_tool.planning import PlanParams, check_plan, plan_week
from geo_tool.planning.routes import route_geometries

pytestmark = pytest.mark.city

WEEK = "2026-W10"
RADIUS_M = 2500.0  # candidates within this distance of the Erasmusbrug: Centrum, Noord, Kop van Zuid, Feijenoord
N_CANDIDATES = 300


@pytest.fixture(scope="module")
def city_plan(tmp_path_factory, real_districts, shared_data, street_network):
    """The city demo, a ranking of 300 addresses around the Erasmusbrug on both banks, 2 teams x 5 days by bike."""
    from geo_tool.dataset import load_dataset
    from geo_tool.demo import generate_demo

    out = tmp_path_factory.mktemp("city_plan") / "dataset"
    generate_demo(out, size="city", boundaries=real_districts, grid=shared_data / "cbs_vk100_2024_rotterdam.gpkg")
    ds = load_dataset(out)
    net = load_network(street_network, "bike")
    bridge = np.flatnonzero(net.edge_crossing == CROSSINGS.index("Erasmusbrug"))
    centre = np.vstack([net.coords[net.coord_start[e]:net.coord_start[e + 1]] for e in bridge]).mean(axis=0)
    a = ds.addresses
    near = np.flatnonzero(np.hypot(a.geometry.x.to_numpy() - centre[0], a.geometry.y.to_numpy() - centre[1]) < RADIUS_M)
    rng = np.random.default_rng(13)
    pick = rng.choice(near, N_CANDIDATES, replace=False)
    ranked = pd.DataFrame({"address_id": a["address_id"].astype(str).to_numpy()[pick],
                           "score": rng.uniform(0.05, 0.95, len(pick)).round(4),
                           "wijk_code": a["wijk_code"].astype(str).to_numpy()[pick]})
    ranked = ranked.sort_values("score", ascending=False).reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    params = PlanParams(week=WEEK, teams=2, days=("mon", "tue", "wed", "thu", "fri"), time_limit_s=5.0, seed=1,
                        network=street_network)
    return plan_week(ds, ranked, params), net


def test_city_plan_crosses_the_maas_only_at_a_named_crossing(city_plan):
    """On the city demo, with candidates on both banks, every planned leg whose ends lie on opposite banks follows
    a street path over a named Maas crossing (Erasmusbrug, Willemsbrug, Van Brienenoordbrug, Maastunnel,
    Beneluxtunnel), and the route is drawn along the streets, never straight across the water."""
    plan, net = city_plan
    assert check_plan(plan) == []
    inst = plan.instance
    assert inst.travel.uses_network
    cand = inst.candidates[["x", "y"]].to_numpy(float)
    assert len(set(_bank(net, cand))) >= 2, "the candidates should lie on both banks"
    planned = plan.visits[plan.visits["status"] == "planned"]
    assert len(planned) > 20
    legs_between, named = 0, set(CROSSINGS[1:])
    for g in route_geometries(plan).values():
        assert g.along_streets
        ends = _bank(net, np.vstack([np.vstack([leg.coords[0], leg.coords[-1]]) for leg in g.legs]))
        for i, leg in enumerate(g.legs):
            if ends[2 * i] != ends[2 * i + 1]:
                legs_between += 1
                assert leg.on_network, "a leg between the banks is not routed over the network"
                assert leg.crossings and set(leg.crossings) <= named, \
                    f"team {g.team} {g.day}: a leg between the banks does not use a named bridge or tunnel"
                steps = np.hypot(*np.diff(np.asarray(leg.coords, float), axis=0).T)
                assert steps.max() < 2000, "a leg jumps across the water in one straight segment"
    assert legs_between >= 1, "no planned leg went between the banks: the test would prove nothing"
