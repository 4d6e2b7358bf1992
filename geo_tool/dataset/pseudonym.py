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
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    """Boolean mask: the whole value is 9 digits passing the 11-test (weights 9..2, -1) and not all zeros."""
    s = pd.Series(series, copy=False).astype("string").str.strip()
    mask = s.str.fullmatch(r"[0-9]{9}").fillna(False).astype(bool)
    out = pd.Series(False, index=s.index)
    if mask.any():
        out.loc[mask[mask].index] = passes_eleven_test(s[mask].to_numpy(dtype="U9"))
    return out.astype(bool)


def _hash(value: str, key: bytes) -> str:
    return PREFIX + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def pseudonymise_ids(series: pd.Series) -> pd.Series:
    """Replace every BSN-like token of an id by its keyed hash; other values are kept unchanged.

    `123456782`, `123.456.782` and `23456782` (leading zero dropped) of one person give one
    pseudonym. Each distinct value is checked once.
    """
    return scrub_bsn_tokens(pd.Series(series, copy=False).astype("string").str.strip(), mode="hash")[0]


# ------------------------------------------------------------------------------ BSNs inside any cell
#: What a BSN in free text is replaced by (the cell keeps the rest of its text).
MASK = "[BSN verwijderd]"

#: A BSN-like token: 9 digits; 8 digits standing alone (a spreadsheet dropped the leading zero, so
#: the 11-test is applied to the zero-padded value; glued to letters, as in `P00680959`, 8 digits
#: are an id of their own); or grouped 3-3-3, 4-2-3 or 2-3-3 with one separator `.`, ` ` or `-`
#: (`123.456.782`, `1234 56 782`). Never part of a longer run of digits, so 16-digit BAG ids,
#: postcodes and ISO dates never match. A keyed hash (`ps-` + 32 hex) is skipped as a whole, so
#: scrubbing is idempotent.
_TOKEN_BODY = (
    r"\d{9}"
    r"|(?<![0-9A-Za-z])\d{8}(?![0-9A-Za-z])"
    r"|\d{3}(?P<s1>[. \-])\d{3}(?P=s1)\d{3}"
    r"|\d{4}(?P<s2>[. \-])\d{2}(?P=s2)\d{3}"
    r"|\d{2}(?P<s3>[. \-])\d{3}(?P=s3)\d{3}"
)
_HASHED = r"(?P<hashed>(?i:ps-[0-9a-f]{32}))"  # also upper-cased (a code column)
#: in text and ids
_TEXT_RE = re.compile(rf"{_HASHED}|(?<!\d)(?P<bsn>{_TOKEN_BODY})(?!\d)")
#: in number and coordinate cells: digits after a decimal separator (`51.891234567`) are decimals
_NUMBER_RE = re.compile(rf"{_HASHED}|(?<!\d)(?<!\d[.,])(?P<bsn>{_TOKEN_BODY})(?!\d)")
#: a cheap RE2 pre-filter (Arrow, vectorised) that every token above also matches
_PREFILTER = (
    r"(?:^|[^0-9A-Za-z])\d{8}(?:[^0-9A-Za-z]|$)"
    r"|(?:^|\D)\d{9}(?:\D|$)"
    r"|(?:^|\D)\d{2,4}[. \-]\d{2,3}[. \-]\d{3}(?:\D|$)"
)


def passes_eleven_test(digits: np.ndarray) -> np.ndarray:
    """Vectorised 11-test on 9-character digit strings (weights 9..2, -1), all zeros excluded."""
    if len(digits) == 0:
        return np.zeros(0, dtype=bool)
    d = np.asarray(digits, dtype="U9").view(np.uint32).reshape(-1, 9).astype(np.int64) - 48
    return ((d @ _WEIGHTS) % 11 == 0) & (d.sum(axis=1) > 0)


def canonical_bsn(token: str) -> str:
    """The 9-digit form of a BSN-like token: separators removed, a dropped leading zero restored."""
    return re.sub(r"\D", "", token).zfill(9)


def _candidates(series: pd.Series) -> np.ndarray:
    """Mask of cells that may hold a BSN-like token (the Arrow RE2 pre-filter, no Python per cell)."""
    hit = pc.match_substring_regex(_arrow(series), _PREFILTER).fill_null(False)
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)


def _arrow(series: pd.Series) -> pa.Array:
    """The cells as an Arrow string array (zero-copy for pandas' Arrow-backed strings)."""
    s = pd.Series(series, copy=False).astype("string")
    try:
        return pa.array(s.array)
    except (TypeError, pa.ArrowException):
        return pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string())


def scrub_bsn_tokens(series: pd.Series, mode: str = "mask", numeric: bool = False) -> tuple[pd.Series, int]:
    """Replace every BSN-like token in the cells: by its keyed hash (`mode="hash"`, for ids) or by
    `MASK` (`mode="mask"`, for free text). Returns the new cells and the number of tokens replaced.

    Vectorised: an Arrow pre-filter picks the few candidate cells, then each distinct candidate is
    checked once (the exact token rules and the 11-test). `numeric=True` leaves decimals alone.
    """
    s = pd.Series(series, copy=True).astype("string")
    cand = _candidates(s)
    if not cand.any():
        return s, 0
    key = pseudonym_key() if mode == "hash" else b""
    found = 0
    # fast path: the whole cell is 8 or 9 digits (a register's person ids), checked as arrays
    whole = cand & s.str.fullmatch(r"\d{8,9}").fillna(False).to_numpy(dtype=bool)
    if whole.any():
        canon = s[whole].str.zfill(9)
        ok = passes_eleven_test(canon.to_numpy(dtype="U9"))
        if ok.any():
            idx = s.index[whole][ok]
            hits = canon[ok]
            if mode == "hash":
                uniques = pd.unique(hits.to_numpy(dtype=object))
                s.loc[idx] = hits.map({u: _hash(u, key) for u in uniques}).to_numpy()
            else:
                s.loc[idx] = MASK
            found += int(ok.sum())
    rest = cand & ~whole
    if not rest.any():
        return s, found
    counts = s[rest].value_counts(dropna=True)
    pattern = _NUMBER_RE if numeric else _TEXT_RE
    mapping: dict[str, str] = {}
    for value, n in counts.items():
        hits = 0

        def repl(m: re.Match) -> str:
            nonlocal hits
            if m.group("hashed"):
                return m.group(0)
            canon = canonical_bsn(m.group("bsn"))
            if not _eleven_ok(canon):
                return m.group(0)
            hits += 1
            return _hash(canon, key) if mode == "hash" else MASK

        new = pattern.sub(repl, value)
        if hits:
            mapping[value] = new
            found += hits * int(n)
    if mapping:
        hit = rest & fast_membership(s, mapping)
        s.loc[hit] = s[hit].map(mapping)
    return s, found


def _eleven_ok(canon: str) -> bool:
    """The 11-test on one 9-digit string (the per-token check of `scrub_bsn_tokens`)."""
    total = sum(int(c) * w for c, w in zip(canon, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 == 0 and canon != "000000000"


def fast_membership(s: pd.Series, mapping: dict) -> np.ndarray:
    """Boolean mask: the cell is one of the mapping's keys (Arrow is_in, no Python per cell)."""
    arr = _arrow(s)
    keys = pa.array(list(mapping), type=arr.type)
    return np.asarray(pc.is_in(arr, value_set=keys).fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def mask_bsn_text(text: str) -> str:
    """`MASK` in place of every BSN-like token of one string (column names, notes, messages)."""
    return scrub_bsn_tokens(pd.Series([text], dtype="string"))[0].iloc[0]


def hash_values(series: pd.Series) -> pd.Series:
    """The keyed hash of each (stripped, case-folded) text: equal texts give equal hashes, none can be read back.

    Used where a value must be counted or matched but not stored (an unknown complaint category).
    """
    s = pd.Series(series, copy=False).astype("string").fillna("").str.strip().str.casefold()
    key = pseudonym_key()
    uniques = pd.unique(s.to_numpy(dtype=object))
    mapping = {u: _hash(u, key) for u in uniques}
    return s.map(mapping).astype("string")
