"""The test-wide fixtures of tests/conftest.py: each test's own home, with the small demo imported beforehand."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def test_small_demo_comes_imported_in_the_tests_own_cache(small_demo, _isolated_home):
    """A test using the small demo loads it from a cache entry in its own home, not from a shared folder."""
    from geo_tool.dataset import load_dataset

    cache = Path(os.environ["GEO_TOOL_CACHE_DIR"])
    assert cache.is_relative_to(_isolated_home)
    assert len(list((cache / "datasets").iterdir())) == 1
    assert load_dataset(small_demo).report.from_cache


@pytest.mark.cold_cache
def test_cold_cache_marker_leaves_the_cache_empty(small_demo):
    """A test marked `cold_cache` starts with an empty cache, so it imports the demo itself."""
    assert not (Path(os.environ["GEO_TOOL_CACHE_DIR"]) / "datasets").exists()


def test_tests_without_the_demo_get_no_copy():
    """A test that does not use the small demo gets an empty cache (nothing copied for nothing)."""
    assert not (Path(os.environ["GEO_TOOL_CACHE_DIR"]) / "datasets").exists()
