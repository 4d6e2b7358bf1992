"""Fixtures for the model tests: one small hand-built dataset with a known truth, built once."""

from __future__ import annotations

import pytest

from toydata import make_toy_dataset


@pytest.fixture(scope="session")
def toy():
    """(Dataset, truth) of 800 addresses over 2019-2024; tests must not modify it (copy first)."""
    return make_toy_dataset(800, seed=3)
