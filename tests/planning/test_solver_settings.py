"""The solver's search settings follow the plan's time limit."""

from geo_tool.planning.solve import solve_params


def test_late_acceptance_history_scales_with_the_time_limit():
    """A 30-s week plan accepts over a short history (30); a 10-minute run keeps PyVRP's default (300)."""
    assert solve_params(30).ils.history_length == 30
    assert solve_params(600).ils.history_length == 300
    assert solve_params(1).ils.history_length == 20
    assert solve_params(30).ils.history_length < solve_params(60).ils.history_length
