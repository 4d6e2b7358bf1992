"""Test-wide fixtures: an isolated GEO_TOOL_HOME and cache, and the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """The folder with the real Rotterdam data: $GEO_TOOL_SHARED_DATA, else ../shared/data beside the repo."""
    return Path(os.environ.get("GEO_TOOL_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own key file, cache and audit log, never the user's home folder."""
    home = tmp_path_factory.mktemp("geo_tool_home")
    monkeypatch.setenv("GEO_TOOL_HOME", str(home))
    monkeypatch.setenv("GEO_TOOL_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("GEO_TOOL_PSEUDONYM_KEY", "test-key-not-secret")
    return home


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real Rotterdam data folder; skips the test when it is absent."""
    path = shared_data_dir()
    if not (path / "rotterdam_districts.gpkg").exists():
        pytest.skip(f"real Rotterdam data not found at {path} (set GEO_TOOL_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def real_districts(shared_data) -> Path:
    """The 91 real wijk and 21 gebied polygons with CBS 2024 figures."""
    return shared_data / "rotterdam_districts.gpkg"


@pytest.fixture(scope="session")
def street_network(shared_data) -> Path:
    """The real OpenStreetMap street network of Rotterdam (GeoPackage); skips the test when it is absent."""
    path = shared_data / "rotterdam_osm_street_network.gpkg"
    if not path.exists():
        pytest.skip(f"street network not found at {path}")
    return path


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> Path:
    """The small demo (gebied Charlois), generated once per test run on the real polygons when present.

    Read-only for tests: copy it before changing anything.
    """
    from geo_tool.demo import generate_demo

    out = tmp_path_factory.mktemp("small_demo") / "dataset"
    shared = shared_data_dir()
    real = shared / "rotterdam_districts.gpkg"
    grid = shared / "cbs_vk100_2024_rotterdam.gpkg"
    generate_demo(out, seed=1, size="small",
                  boundaries=real if real.exists() else None,
                  grid=grid if grid.exists() else None)
    return out
