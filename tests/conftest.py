"""Test-wide fixtures: an isolated GEO_TOOL_HOME and cache, and the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """The folder with the real Rotterdam data: $GEO_TOOL_SHARED_DATA, else ../shared/data beside the repo."""
    return Path(os.environ.get("GEO_TOOL_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session", autouse=True)
def _session_home(tmp_path_factory):
    """A home for fixtures wider than one test (they run before a test's own home is set): never the user's.

    Its model-signing key is copied into every test's home, so a model folder trained by a module
    fixture verifies in each test of the module.
    """
    home = tmp_path_factory.mktemp("geo_tool_session_home")
    saved = {k: os.environ.get(k) for k in ("GEO_TOOL_HOME", "GEO_TOOL_CACHE_DIR", "GEO_TOOL_PSEUDONYM_KEY")}
    os.environ.update(GEO_TOOL_HOME=str(home), GEO_TOOL_CACHE_DIR=str(home / "cache"),
                      GEO_TOOL_PSEUDONYM_KEY="test-key-not-secret")
    from geo_tool.security import installation
    from geo_tool.security.keys import signing_key

    signing_key()
    # fixtures wider than one test (module, session) run before `_planner_installation`: a planner's too
    session_installation = installation.Installation("planner", home / "audit.log")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(installation, "load_installation", lambda: session_installation)
        yield home
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch, _session_home):
    """Every test gets its own key file, cache and audit log, never the user's home folder."""
    import shutil

    from geo_tool.security.keys import KEY_FILE

    home = tmp_path_factory.mktemp("geo_tool_home")
    shutil.copy2(_session_home / KEY_FILE, home / KEY_FILE)
    monkeypatch.setenv("GEO_TOOL_HOME", str(home))
    monkeypatch.setenv("GEO_TOOL_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("GEO_TOOL_PSEUDONYM_KEY", "test-key-not-secret")
    return home


@pytest.fixture(autouse=True)
def _planner_installation(_isolated_home, monkeypatch):
    """In-process tests run on a planner's installation whose audit log is in the test's own home.

    Tests of other roles replace it (`geo_tool.security.installation.load_installation`); the
    session's lowered role is reset, so no test inherits another's `--role`.
    """
    from geo_tool.security import installation, roles

    inst = installation.Installation("planner", _isolated_home / "audit.log")
    monkeypatch.setattr(installation, "load_installation", lambda: inst)
    monkeypatch.setattr(roles, "_session_role", None)
    return inst


@pytest.fixture(scope="session", autouse=True)
def _planner_interpreter(tmp_path_factory):
    """Subprocess tests (`sys.executable -m geo_tool ...`) run on a throw-away planner installation.

    `sys.executable` points, for the session, at a venv-like prefix whose installation.toml grants
    the planner role and keeps its audit log in a temporary folder (see tests/installations.py).
    """
    import sys

    from installations import make_installation

    folder = tmp_path_factory.mktemp("planner_installation")
    python = make_installation(folder / "prefix", "planner", folder / "audit.log")
    old = sys.executable
    sys.executable = str(python)
    yield python
    sys.executable = old


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


@pytest.fixture(scope="session")
def small_demo_simple(tmp_path_factory) -> Path:
    """The small demo in the earlier, simple world (`--world simple`), where the issue's findings were
    reproduced (e.g. Charlois Zuidrand with 7 registered EU labour migrants). Read-only for tests."""
    from geo_tool.demo import generate_demo

    out = tmp_path_factory.mktemp("small_demo_simple") / "dataset"
    shared = shared_data_dir()
    real = shared / "rotterdam_districts.gpkg"
    grid = shared / "cbs_vk100_2024_rotterdam.gpkg"
    generate_demo(out, seed=1, size="small", world="simple",
                  boundaries=real if real.exists() else None,
                  grid=grid if grid.exists() else None)
    return out
