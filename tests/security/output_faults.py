"""Helpers for the output-path tests: folder hashes, a read-only folder that holds even for root, a dataset copy."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest


def folder_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder` (relative path -> hex digest)."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def copy_dataset(source: Path, target: Path) -> Path:
    """A private copy of a dataset folder (the truth/ folder included, rejects.csv left out)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("rejects*.csv"))
    return target


def _writable(folder: Path) -> bool:
    try:
        fd, probe = tempfile.mkstemp(dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def make_read_only(folder: Path) -> bool:
    """Make `folder` unwritable: mode 0555, and for root (whom modes do not stop) the immutable flag.

    Returns False when neither works on this machine (the caller skips).
    """
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    if not _writable(folder) or not shutil.which("chattr"):
        return not _writable(folder)
    subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    return not _writable(folder)


def undo_read_only(folder: Path) -> None:
    """Make a folder from `make_read_only` writable again (so pytest can clean it up)."""
    if shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """A folder nobody (root included) can create files in, for the duration of the block; skips if impossible."""
    ok = make_read_only(folder)
    try:
        if not ok:
            pytest.skip("cannot make a read-only folder on this machine")
        yield folder
    finally:
        undo_read_only(folder)


@pytest.fixture(scope="module")
def _module_cache(tmp_path_factory, small_demo_cache) -> Path:
    """The module's import cache, starting with the small demo already imported (a copy: tests may damage it)."""
    cache = tmp_path_factory.mktemp("import_cache")
    shutil.copytree(small_demo_cache / "datasets", cache / "datasets")
    return cache


@pytest.fixture(autouse=True)
def shared_import_cache(_isolated_home, _module_cache, monkeypatch) -> Path:
    """One import cache per test module (the home stays per test): the small demo is imported once, not per test."""
    monkeypatch.setenv("GEO_TOOL_CACHE_DIR", str(_module_cache))
    return _module_cache
