"""Fixtures for the security tests: the small demo loaded once and a signed model folder trained on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from attacks import build_model


@pytest.fixture(scope="module")
def demo(small_demo):
    """The small demo dataset, loaded once per module (read-only)."""
    from geo_tool.dataset import load_dataset

    return load_dataset(small_demo)


@pytest.fixture(scope="module")
def signed_model(demo, tmp_path_factory) -> Path:
    """A valid signed model folder trained on the small demo (copy it before changing anything)."""
    return build_model(demo, tmp_path_factory.mktemp("signed") / "model")
