"""Fixtures for the dataset tests: an isolated environment and a factory of tiny dataset folders."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from dataset_builders import make_dataset_folder


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Keep every test away from the home dir: own cache dir, own GEO_TOOL_HOME, fixed key."""
    monkeypatch.setenv("GEO_TOOL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GEO_TOOL_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GEO_TOOL_PSEUDONYM_KEY", "test-key")


@pytest.fixture
def make_dataset(tmp_path) -> Callable[..., Path]:
    """Factory: a good dataset folder, with files replaced (str/bytes) or removed (None) by keyword."""
    counter = {"n": 0}

    def make(files: dict | None = None, districts: dict | None = None) -> Path:
        counter["n"] += 1
        return make_dataset_folder(tmp_path / f"ds{counter['n']}", files, districts)

    return make
