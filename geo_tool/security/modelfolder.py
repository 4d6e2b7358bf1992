"""Signed model folders, written as a whole.

A model folder holds a ``manifest.json``: the SHA-256 of every other file in the folder, the
training dataset's fingerprint and an HMAC-SHA256 signature made with the model-signing key
(`keys.signing_key`). `verify_folder` checks signature, file list (nothing missing, nothing extra,
no links or sub-folders) and every hash **before** anything in the folder is read as a model.

`write_folder` builds the folder under a temporary sibling name and swaps it into place with one
atomic rename (Linux `renameat2(RENAME_EXCHANGE)` when a folder exists), so a kill at any moment
leaves the old folder or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import hmac
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any, Iterator

from geo_tool.errors import GeoToolError, UsageError
from geo_tool.fileio import write_text_atomic
from geo_tool.security.audit import file_digest
from geo_tool.security.keys import signing_key

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
#: Files by which an existing folder is recognised as a model folder (so it may be replaced as a whole).
MODEL_MARKERS = (MANIFEST, "model_card.md", "model.joblib")


class UntrustedModelError(GeoToolError):
    """A model folder whose signature, file list, hashes or types do not check out (exit 2)."""

    exit_code = 2


def _signature(body: dict[str, Any], key: bytes) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return hmac.new(key, b"geo_tool-model-manifest\n" + canonical, hashlib.sha256).hexdigest()


def folder_files(folder: Path) -> dict[str, Path]:
    """Every entry of a folder by name (the manifest excluded)."""
    return {p.name: p for p in sorted(Path(folder).iterdir()) if p.name != MANIFEST}


def sign_folder(folder: Path, dataset_fingerprint: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write `manifest.json` for the files now in `folder`, signed with the model-signing key; returns it."""
    files = {}
    for name, path in folder_files(folder).items():
        if path.is_symlink() or not path.is_file():
            raise UsageError(f"{path}: a model folder holds plain files only")
        files[name] = file_digest(path)
    body = {"version": MANIFEST_VERSION, "files": files, "dataset_fingerprint": dataset_fingerprint, **(extra or {})}
    manifest = {**body, "signature": _signature(body, signing_key())}
    write_text_atomic(Path(folder) / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def verify_folder(folder: Path) -> dict[str, Any]:
    """The verified manifest of a model folder; UntrustedModelError names the first thing that does not check out.

    Reads only the manifest and hashes bytes: nothing is deserialised.
    """
    folder = Path(folder)
    where = str(folder)
    path = folder / MANIFEST
    if not path.is_file() or path.is_symlink():
        raise UntrustedModelError(f"{where}: no signed manifest.json; refused (only folders written by "
                                  "`geo-tool train` on this installation can be used; retrain)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        body = {k: v for k, v in manifest.items() if k != "signature"}
        signature = str(manifest["signature"])
        files = dict(body["files"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise UntrustedModelError(f"{path}: not a valid model manifest; refused") from None
    if not hmac.compare_digest(signature, _signature(body, signing_key())):
        raise UntrustedModelError(f"{path}: the signature does not match this installation's model-signing key; refused")
    present = folder_files(folder)
    extra = sorted(set(present) - set(files))
    missing = sorted(set(files) - set(present))
    if extra:
        raise UntrustedModelError(f"{where}: file(s) not in the signed manifest: {', '.join(extra)}; refused")
    if missing:
        raise UntrustedModelError(f"{where}: signed file(s) missing: {', '.join(missing)}; refused")
    for name, digest in files.items():
        p = present[name]
        if p.is_symlink() or not p.is_file():
            raise UntrustedModelError(f"{p}: not a plain file; refused")
        if not hmac.compare_digest(file_digest(p), str(digest)):
            raise UntrustedModelError(f"{p}: content differs from the signed manifest (SHA-256); refused")
    return manifest


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(target: Path) -> None:
    """Remove temporary siblings of `target` left by a killed writer (their process is gone)."""
    prefix = f".{target.name}.tmp-"
    if not target.parent.is_dir():
        return
    for p in target.parent.iterdir():
        if p.name.startswith(prefix):
            pid = p.name[len(prefix):].split("-")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(p, ignore_errors=True)
    restore_interrupted(target)


def restore_interrupted(target: Path) -> None:
    """After a kill between the two renames of the fallback swap: put the old folder back."""
    if target.exists():
        return
    olds = sorted(target.parent.glob(f".{target.name}.old-*")) if target.parent.is_dir() else []
    if olds:
        os.rename(olds[-1], target)


@contextlib.contextmanager
def write_folder(target: str | os.PathLike, dataset_fingerprint: str,
                 extra: dict[str, Any] | None = None) -> Iterator[Path]:
    """Yield an empty temporary sibling folder to write into; on success sign it and put it at `target`.

    An existing folder at `target` is replaced as a whole; on an exception (or a kill) `target`
    keeps its old content and the temporary folder is removed (or cleaned up by the next writer).
    """
    target = Path(target).absolute()
    if target.exists() and not target.is_dir():
        raise UsageError(f"--out: '{target}' is a file, not a model folder")
    if target.is_dir() and any(target.iterdir()) and not any((target / n).exists() for n in MODEL_MARKERS):
        raise UsageError(f"--out: '{target}' is a folder with other files, not a model folder; choose a new folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        yield tmp
        sign_folder(tmp, dataset_fingerprint, extra)
        if not target.exists():
            os.rename(tmp, target)
        elif _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        else:
            old = target.parent / f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
            os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
