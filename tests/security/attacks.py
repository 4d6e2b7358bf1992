"""Attack material for the security tests: signed model folders, pickle and skops payloads, CLI runs."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

AS_OF = "2024-01-01"


def build_model(dataset, folder: Path, as_of: str = AS_OF, card: str | None = None) -> Path:
    """A signed model folder (no evaluation, a one-line card naming as_of): quick to make."""
    from geo_tool.model.api import fit_final_model
    from geo_tool.model.features import FeatureBuilder
    from geo_tool.model.registry import ModelBundle, save_model
    from geo_tool.security.audit import dataset_fingerprint
    from geo_tool.security.modelfolder import write_folder

    model, reference, _ = fit_final_model(FeatureBuilder(dataset), as_of, select=False)  # no rolling validation: the tests check the folder, not the fit
    bundle = ModelBundle(model=model, reference=reference, as_of=as_of, file_hashes=dict(dataset.file_hashes))
    with write_folder(folder, dataset_fingerprint(dataset.file_hashes)) as tmp:
        save_model(bundle, tmp)
        (tmp / "model_card.md").write_text(card or f"# model {as_of}\n", encoding="utf-8")
    return Path(folder)


class PickleBomb:
    """Unpickling this runs code that writes a marker file (the attack of the issue)."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


def pickle_payload(marker: Path) -> bytes:
    """Pickle bytes that create `marker` when loaded (by pickle or joblib)."""
    return pickle.dumps(PickleBomb(marker))


EVIL_MODULE = '''import pathlib


class Evil:
    """Loading this from a skops file writes a marker file (its __setstate__ runs on load)."""

    def __init__(self, marker):
        self.marker = marker

    def __setstate__(self, state):
        pathlib.Path(state["marker"]).write_text("pwned")
        self.__dict__.update(state)
'''


def skops_payload(folder: Path, marker: Path) -> bytes:
    """A skops file holding an untrusted type (module written into `folder`) that creates `marker` on load."""
    import importlib

    import skops.io as sio

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evil_skops.py").write_text(EVIL_MODULE, encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        sys.modules.pop("evil_skops", None)
        module = importlib.import_module("evil_skops")
        return sio.dumps(module.Evil(str(marker)))
    finally:
        sys.path.remove(str(folder))


def copy_model(src: Path, dst: Path) -> Path:
    """A copy of a model folder to tamper with."""
    shutil.copytree(src, dst)
    return dst


def geo_tool(*args: str, env: dict | None = None, python: str | None = None) -> subprocess.CompletedProcess:
    """Run `geo-tool ARGS` in a child process (the session's planner installation unless `python` is given)."""
    import os

    return subprocess.run([python or sys.executable, "-m", "geo_tool", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)
