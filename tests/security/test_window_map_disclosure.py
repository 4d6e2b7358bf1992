"""What the window shows a researcher is as safe as what a researcher may export (screens can be copied)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_tool.dataset import load_dataset
from geo_tool.jobs import map_figure_for_window
from geo_tool.security.roles import set_session_role


def _counts(table: pd.DataFrame) -> np.ndarray:
    """Every value of the count columns in the figures table."""
    cols = [c for c in ("residents", "eum_count", "complaint_count") if c in table.columns]
    assert cols, "the figures table carries no count column to check"
    return pd.to_numeric(table[cols].stack(), errors="coerce").dropna().to_numpy(dtype=float)


@pytest.fixture()
def dataset(small_demo):
    return load_dataset(small_demo)


def test_a_researcher_sees_disclosure_controlled_figures(dataset):
    """Below the planner role: no count from 1 to 9 and every count a multiple of 5 in the window's table."""
    import matplotlib.pyplot as plt

    set_session_role("researcher")
    try:
        fig, table = map_figure_for_window(dataset, [("brp", "eum_count", "quantiles", 1.0),
                                                     ("complaints", "complaint_count", "quantiles", 1.0)])
        plt.close(fig)
    finally:
        set_session_role(None)
    values = _counts(table)
    assert not ((values >= 1) & (values < 10)).any()
    assert (values % 5 == 0).all()


def test_a_planner_sees_the_exact_figures(dataset):
    """The planner's view is internal: exact counts (some not a multiple of 5)."""
    import matplotlib.pyplot as plt

    fig, table = map_figure_for_window(dataset, [("brp", "eum_count", "quantiles", 1.0)])
    plt.close(fig)
    assert (_counts(table) % 5 != 0).any()
