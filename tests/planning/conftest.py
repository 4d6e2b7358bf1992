"""Fixtures for the planner's tests: a small synthetic city and a ranking, and one shared plan."""

from __future__ import annotations

import pytest

from geo_tool.planning import PlanParams, plan_week
from geo_tool.planning.synthetic import toy_dataset, toy_ranking

WEEK = "2026-W10"  # Monday 2 March 2026


@pytest.fixture(scope="session")
def small_dataset():
    """300 addresses in a 3 km square of 4 wijken; address 1 was inspected 46 days before the week."""
    return toy_dataset(300, size_m=3000, wijken_per_side=2, seed=0)


@pytest.fixture(scope="session")
def small_ranked(small_dataset):
    """A ranking of 200 addresses with clustered scores."""
    return toy_ranking(small_dataset, 200, seed=0)


def small_params(**kw) -> PlanParams:
    """2 teams x 2 days, a short solve: the tests' default parameters."""
    base = dict(week=WEEK, teams=2, days=("mon", "tue"), time_limit_s=1.0, seed=1)
    base.update(kw)
    return PlanParams(**base)


@pytest.fixture(scope="session")
def small_plan(small_dataset, small_ranked):
    """One plan shared by the read-only tests."""
    return plan_week(small_dataset, small_ranked, small_params())
