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


#: the session's demo folders -> a cache folder holding their import (see `_imported_once`)
_IMPORTED: dict[Path, Path] = {}


def _imported_once(demo: Path, cache: Path) -> None:
    """Import the session's demo once into `cache` (this worker's), for `_isolated_home` to copy per test.

    Importing the small demo (validate, pseudonymise, write the cache) took ~8 s a test on a quiet
    machine, and each test has its own cache; the copy of the finished entry takes milliseconds.
    """
    from geo_tool.dataset import load_dataset

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GEO_TOOL_CACHE_DIR", str(cache))
        mp.setenv("GEO_TOOL_PSEUDONYM_KEY", "test-key-not-secret")
        load_dataset(demo)
    _IMPORTED[demo] = cache


def _session_demos_used(request) -> list[Path]:
    """The session demos (this file's `small_demo`, `small_demo_simple`) that the test uses, not overridden."""
    infos = getattr(request.node, "_fixtureinfo", None)
    if infos is None or request.node.get_closest_marker("cold_cache"):
        return []
    used = []
    for name, func in (("small_demo", small_demo), ("small_demo_simple", small_demo_simple)):
        defs = infos.name2fixturedefs.get(name)
        if defs and getattr(defs[-1].func, "__wrapped__", defs[-1].func) is getattr(func, "__wrapped__", func):
            used.append(request.getfixturevalue(name))
    return used


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch, _session_home, request):
    """Every test gets its own key file, cache and audit log, never the user's home folder.

    A test that uses the session's small demo finds it already imported in its own cache (a copy,
    so damaging it harms no other test); mark a test `cold_cache` when its rule is about the import.
    """
    import shutil

    from geo_tool.security.keys import KEY_FILE

    home = tmp_path_factory.mktemp("geo_tool_home")
    shutil.copy2(_session_home / KEY_FILE, home / KEY_FILE)
    for demo in _session_demos_used(request):
        shutil.copytree(_IMPORTED[demo] / "datasets", home / "cache" / "datasets", dirs_exist_ok=True)
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
    _imported_once(out, tmp_path_factory.mktemp("small_demo_cache"))
    return out


@pytest.fixture(scope="session")
def small_demo_cache(small_demo) -> Path:
    """A cache folder (this worker's) with the small demo imported; copy it, never point a test at it."""
    return _IMPORTED[small_demo]


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
    _imported_once(out, tmp_path_factory.mktemp("small_demo_simple_cache"))
    return out
