"""Fixtures for the export tests: the tiny dataset of tests/layers (loaded by path, no package needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "layers"))
from tiny_data import build_tiny_dataset  # noqa: E402

from geo_tool.layers import TimeWindow  # noqa: E402


@pytest.fixture
def tiny_dataset():
    """The hand-checkable dataset (see tests/layers/tiny_data.py)."""
    return build_tiny_dataset()


@pytest.fixture
def schematic_dataset():
    """The same dataset, marked as schematic boundaries."""
    return build_tiny_dataset(schematic=True)


@pytest.fixture
def window_2023() -> TimeWindow:
    """The calendar year 2023."""
    return TimeWindow("2023-01-01", "2023-12-31")
