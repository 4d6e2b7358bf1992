"""Pseudonymisation of person and landlord ids that look like a BSN.

A BSN (burgerservicenummer) is 9 digits passing the 11-test. Such values are replaced by
``ps-`` + 32 hex characters of an HMAC-SHA256 keyed hash before anything is stored, cached,
logged or written to rejects.csv. The key comes from ``GEO_TOOL_PSEUDONYM_KEY`` or else from
``$GEO_TOOL_HOME/pseudonym.key`` (created on first use, 32 random bytes, mode 0600), so the same
BSN always gives the same pseudonym on one machine and cannot be recomputed without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)
PREFIX = "ps-"


def geo_tool_home() -> Path:
    """The per-user settings folder (``$GEO_TOOL_HOME``, default ``~/.config/geo_tool``)."""
    env = os.environ.get("GEO_TOOL_HOME")
    return Path(env).expanduser() if env else Path.home() / ".config" / "geo_tool"


def pseudonym_key() -> bytes:
    """The HMAC key: env ``GEO_TOOL_PSEUDONYM_KEY``, else the key file (created with 0600 on first use)."""
    env = os.environ.get("GEO_TOOL_PSEUDONYM_KEY")
    if env:
        return env.encode("utf-8")
    path = geo_tool_home() / "pseudonym.key"
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".pseudonym.key.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # never overwrite a key another process just created
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def key_fingerprint() -> str:
    """A one-way fingerprint of the key (part of the cache key: another key gives other pseudonyms)."""
    return hashlib.sha256(b"geo_tool-key-fingerprint:" + pseudonym_key()).hexdigest()[:16]


def looks_like_bsn(series: pd.Series) -> pd.Series:
    """Boolean mask: the value is 9 digits passing the 11-test (weights 9..2, -1) and not all zeros."""
    s = pd.Series(series, copy=False).astype("string").str.strip()
    mask = s.str.fullmatch(r"[0-9]{9}").fillna(False).astype(bool)
    out = pd.Series(False, index=s.index)
    if mask.any():
        cand = s[mask].to_numpy(dtype="U9")
        digits = cand.view(np.uint32).reshape(-1, 9).astype(np.int64) - 48
        total = digits @ _WEIGHTS
        ok = (total % 11 == 0) & (digits.sum(axis=1) > 0)
        out.loc[mask[mask].index] = ok
    return out.astype(bool)


def _hash(value: str, key: bytes) -> str:
    return PREFIX + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def pseudonymise_ids(series: pd.Series) -> pd.Series:
    """Replace values that look like a BSN by a keyed hash; other values are kept unchanged.

    Works on unique values only, so a million registrations of 300,000 persons costs 300,000 hashes.
    """
    s = pd.Series(series, copy=True).astype("string")
    stripped = s.str.strip()
    mask = looks_like_bsn(stripped)
    if mask.any():
        key = pseudonym_key()
        uniques = pd.unique(stripped[mask].to_numpy(dtype=object))
        mapping = {u: _hash(u, key) for u in uniques}
        s.loc[mask] = stripped[mask].map(mapping)
    return s


def scrub_bsn(series: pd.Series) -> pd.Series:
    """Like `pseudonymise_ids` but for free text cells (a reject's `value`): any BSN-looking value is hashed."""
    return pseudonymise_ids(series)
