"""Issue 10 section 5: the cache checks what it reads.

Today half the register rows vanished silently when a Parquet file of a cache entry was truncated.
Now every entry carries a manifest with the SHA-256 and size of each of its files; a truncated,
altered or missing file is detected, and the entry is rebuilt from the source files with a note in
the summary. A kill while the cache is written leaves a temporary folder that the next load removes
(and says so); an error while writing never stops the import.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo_tool.dataset import load_dataset
from geo_tool.dataset import cache as cache_mod
from geo_tool.dataset.load import locate_files

TABLES = ("gebieden", "wijken", "addresses", "brp", "permits", "complaints", "inspections", "interventions")


_spec = importlib.util.spec_from_file_location(
    "_importhard_dataset_builders", Path(__file__).resolve().parents[1] / "dataset" / "dataset_builders.py")
builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builders)


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> Path:
    """A small dataset with a register of 3,000 spells (and some rejects), quick to import.

    Named like the suite-wide fixture on purpose: these tests need many imports, so a smaller folder.
    """
    rows = [f"p{i},{builders.ADDR[i % 4]},20{10 + i % 12}-0{1 + i % 9}-1{i % 10},,NL,{1950 + i % 50},false"
            for i in range(3000)]
    brp = builders.BRP_CSV.splitlines()[0] + "\n" + "\n".join(rows) + "\np9,unknown,2020-01-01,,,,\n"
    return builders.make_dataset_folder(tmp_path_factory.mktemp("cache_ds") / "ds", {"brp_registrations.csv": brp})


@pytest.fixture(scope="module")
def truth(small_demo):
    """The dataset imported without any cache: what every later load must give."""
    return load_dataset(small_demo, use_cache=False)


def _entry(root: Path) -> Path:
    hashes = {n: cache_mod.file_sha256(p) for n, p in sorted(locate_files(root).items())}
    return cache_mod.entry_path(cache_mod.cache_key(hashes))


def _assert_full_and_correct(ds, truth) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(pd.DataFrame(getattr(ds, name)), pd.DataFrame(getattr(truth, name)), obj=name)
    pd.testing.assert_frame_equal(ds.report.rejects.reset_index(drop=True), truth.report.rejects.reset_index(drop=True))
    assert len(ds.brp) == 3000 and len(ds.report.rejects) == 1


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2
    data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _flip_report_figure(path: Path) -> None:  # an edit that keeps the JSON valid
    path.write_text(path.read_text(encoding="utf-8").replace('"rows_imported": ', '"rows_imported": 1', 1),
                    encoding="utf-8")


DAMAGE = {
    "truncate brp": ("brp.parquet", _truncate),
    "truncate addresses": ("addresses.parquet", _truncate),
    "flip a byte in brp": ("brp.parquet", _flip),
    "flip a byte in complaints": ("complaints.parquet", _flip),
    "flip a byte in rejects": ("rejects.parquet", _flip),
    "alter a figure in report.json": ("report.json", _flip_report_figure),
    "delete brp": ("brp.parquet", Path.unlink),
    "delete report.json": ("report.json", Path.unlink),
    "delete the manifest": ("manifest.json", Path.unlink),
    "truncate the manifest": ("manifest.json", _truncate),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damaged_entry_is_detected_and_rebuilt(small_demo, truth, case):
    """Truncating, flipping bytes in or deleting any file of a cache entry: the next load gives the
    full, correct tables, says it rebuilt, and the rebuilt entry is then used as it should be."""
    first = load_dataset(small_demo)
    assert not first.report.from_cache
    entry = _entry(small_demo)
    name, damage = DAMAGE[case]
    damage(entry / name)

    rebuilt = load_dataset(small_demo)
    assert not rebuilt.report.from_cache
    assert any("cache beschadigd" in n and "opnieuw opgebouwd uit de bronbestanden" in n for n in rebuilt.report.notes)
    _assert_full_and_correct(rebuilt, truth)

    again = load_dataset(small_demo)
    assert again.report.from_cache and not any("damaged" in n for n in again.report.notes)
    _assert_full_and_correct(again, truth)


def test_error_while_writing_the_cache_never_stops_the_import(small_demo, truth, monkeypatch):
    """An exception raised while the entry is written: the import still returns the full tables with
    a note, no temporary folder stays behind, and the next load imports (and caches) correctly."""
    calls = {"n": 0}
    real = pd.DataFrame.to_parquet

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", failing)
    ds = load_dataset(small_demo)
    assert any("cache niet geschreven" in n for n in ds.report.notes)
    _assert_full_and_correct(ds, truth)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    folder = cache_mod.cache_dir() / "datasets"
    assert [p.name for p in folder.iterdir()] == []
    nxt = load_dataset(small_demo)
    _assert_full_and_correct(nxt, truth)
    assert load_dataset(small_demo).report.from_cache


KILL_WHILE_CACHING = """
import os, signal, sys
import pandas as pd
real = pd.DataFrame.to_parquet
n = {"calls": 0}
def killing(self, *a, **k):
    n["calls"] += 1
    if n["calls"] == 4:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, *a, **k)
pd.DataFrame.to_parquet = killing
from geo_tool.dataset import load_dataset
load_dataset(sys.argv[1])
"""


def test_kill_while_writing_the_cache_leaves_nothing_that_harms(small_demo, truth):
    """An import killed (SIGKILL) while it writes the cache leaves a temporary folder; the next load
    removes it, says so, and gives the full, correct tables."""
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    proc = subprocess.run([sys.executable, "-c", KILL_WHILE_CACHING, str(small_demo)], env=env, timeout=300,
                          capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    folder = cache_mod.cache_dir() / "datasets"
    leftovers = [p for p in folder.iterdir() if p.name.startswith(".")]
    assert len(leftovers) == 1 and any(leftovers[0].glob("*.parquet"))
    assert not _entry(small_demo).exists()

    ds = load_dataset(small_demo)
    assert any("onvoltooide cachemap(pen) van een onderbroken import verwijderd" in n for n in ds.report.notes)
    _assert_full_and_correct(ds, truth)
    assert [p for p in folder.iterdir() if p.name.startswith(".")] == []
    assert load_dataset(small_demo).report.from_cache


def test_temporary_folder_of_a_live_import_is_left_alone(small_demo):
    """A temporary folder whose writer still runs (another window importing) is not removed."""
    folder = cache_mod.cache_dir() / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = folder / f".abcdefabcdef.{live.pid}.1234abcd.tmp"
        busy.mkdir()
        dead = folder / ".abcdefabcdef.999999999.1234abcd.tmp"
        dead.mkdir()
        load_dataset(small_demo)
        assert busy.exists() and not dead.exists()
    finally:
        live.kill()
        live.wait()


def test_stale_temporary_rejects_file_of_a_killed_run_is_removed(small_demo, tmp_path):
    """A `.rejects.*.tmp.csv` left beside rejects.csv by a killed write is removed by the next write;
    a fresh one (a write in progress) is left alone."""
    from geo_tool.dataset import write_rejects

    out = tmp_path / "out" / "rejects.csv"
    out.parent.mkdir()
    stale = out.parent / ".rejects.abc123.tmp.csv"
    fresh = out.parent / ".rejects.def456.tmp.csv"
    for p in (stale, fresh):
        p.write_text("file,row\n", encoding="utf-8")
    os.utime(stale, (0, 0))
    write_rejects(load_dataset(small_demo).report, out)
    assert out.exists() and not stale.exists() and fresh.exists()
