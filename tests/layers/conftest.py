"""Fixtures for the layer tests: the tiny hand-checkable dataset and the test window."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from tiny_data import build_tiny_dataset  # noqa: E402

from geo_tool.layers import TimeWindow  # noqa: E402


@pytest.fixture
def tiny_dataset():
    """2 gebieden, 4 square wijken, 40 addresses, BRP spells, permits, complaints, visits (see tiny_data.py)."""
    return build_tiny_dataset()


@pytest.fixture
def window_2023() -> TimeWindow:
    """The calendar year 2023; reference date 2023-12-31."""
    return TimeWindow("2023-01-01", "2023-12-31")
