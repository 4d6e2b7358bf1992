"""Disclosure control for everything that leaves the tool (CBS practice).

- A count of 1 .. threshold-1 (default 1-9) is suppressed: the cell is emptied and a flag column
  ``<key>_flag`` says ``<10``. Zero stays zero.
- Every other count is rounded to the nearest multiple of 5 (half up), as CBS does.
- Shares, rates and ratios are computed from the unrounded counts (in the layers), then emptied
  (flag ``onderdrukt``) whenever one of the counts they are built from (``Measure.suppress_with``)
  is suppressed.
- Address-level figures, point layers and pseudonyms never leave the tool unless ``internal=True``;
  an internal export is not disclosure-controlled and says so in its metadata.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from geo_tool.errors import UsageError
from geo_tool.layers.base import Level, Measure

DEFAULT_THRESHOLD = 10
ROUND_BASE = 5
SUPPRESSED_LABEL = "onderdrukt"
PSEUDONYM_COLUMNS = ("person_id", "landlord_id")


def suppressed_marker(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The flag text of a suppressed count: ``<10``."""
    return f"<{threshold}"


def round_to_base(values: np.ndarray, base: int = ROUND_BASE) -> np.ndarray:
    """Round to the nearest multiple of ``base``, halves up (12 -> 10, 13 -> 15), NaN kept."""
    v = np.asarray(values, dtype=float)
    return np.floor(v / base + 0.5) * base


def suppress_mask(values: "pd.Series | np.ndarray", threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """True where a count is small enough to identify people: 1 <= count < threshold."""
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    return (v >= 1) & (v < threshold)


def apply_disclosure(frame: pd.DataFrame, measures: Mapping[str, Measure], *, threshold: int = DEFAULT_THRESHOLD,
                     base: int = ROUND_BASE) -> pd.DataFrame:
    """Suppress small counts, round the others to ``base`` and suppress derived figures with their counts.

    ``frame`` must hold every count a derived measure depends on (the layers' `aggregate` returns all).
    Adds a ``<key>_flag`` column for every count and derived measure (empty when shown).
    """
    if threshold < 1:
        raise UsageError(f"disclosure threshold must be at least 1, got {threshold}")
    out = frame.copy()
    masks: dict[str, np.ndarray] = {}
    for key, m in measures.items():
        if key in out.columns and m.is_count:
            masks[key] = suppress_mask(out[key], threshold)
    for key, m in measures.items():
        if key not in out.columns:
            continue
        if m.is_count:
            mask = masks[key]
            vals = round_to_base(pd.to_numeric(out[key], errors="coerce").to_numpy(dtype=float), base)
            vals[mask] = np.nan
            out[key] = pd.array(np.where(np.isnan(vals), None, vals), dtype="Float64").round(0).astype("Int64")
            out[f"{key}_flag"] = pd.Series(np.where(mask, suppressed_marker(threshold), ""), index=out.index, dtype="string")
        elif m.kind in {"share", "rate", "ratio"}:
            mask = np.zeros(len(out), bool)
            for dep in m.suppress_with:
                if dep in masks:
                    mask |= masks[dep]
                elif dep in out.columns:
                    mask |= suppress_mask(out[dep], threshold)
            vals = pd.to_numeric(out[key], errors="coerce").to_numpy(dtype=float).copy()
            vals[mask] = np.nan
            out[key] = vals
            out[f"{key}_flag"] = pd.Series(np.where(mask, SUPPRESSED_LABEL, ""), index=out.index, dtype="string")
    return out


def check_release(level: "Level | str", measures: Iterable[Measure], internal: bool) -> None:
    """Refuse address-level figures and point layers unless the export is marked internal.

    Raises `UsageError` naming what was refused and how to allow it (``internal=True`` /
    ``--internal``); the audit log records every internal export.
    """
    if internal:
        return
    level = Level.parse(level)
    if level is Level.ADDRESS:
        raise UsageError("figures per address may not leave the tool: export per wijk or gebied, "
                         "or mark the export internal (internal=True)")
    points = [m.key for m in measures if m.kind in {"points", "category"}]
    if points:
        raise UsageError(f"address-level layer(s) {points} may not leave the tool: use a per-wijk figure "
                         "or the density surface, or mark the export internal (internal=True)")


def drop_pseudonyms(frame: pd.DataFrame) -> pd.DataFrame:
    """Remove pseudonym columns (person_id, landlord_id): they never leave the tool."""
    return frame.drop(columns=[c for c in PSEUDONYM_COLUMNS if c in frame.columns])


def disclosure_note(internal: bool, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The Dutch sentence that every export carries about its disclosure control."""
    if internal:
        return ("INTERN - niet verspreiden: bevat gegevens op adresniveau of ongeschoonde aantallen; "
                "geen onthullingscontrole toegepast.")
    return (f"Onthullingscontrole: aantallen 1-{threshold - 1} onderdrukt ({suppressed_marker(threshold)}), "
            f"overige aantallen afgerond op {ROUND_BASE}; aandelen en cijfers per bewoner berekend op "
            "onafgeronde aantallen en onderdrukt met hun aantal.")
