"""Disclosure control of every count the waterbed analysis shows (report, tab, CSV files).

Uses the project's one rule in `geo_tool.export.disclosure` (its public functions): counts 1-9 are
suppressed, others rounded to 5; 0 stays 0. Tests and ratios use the unrounded counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_tool.export.disclosure import DEFAULT_THRESHOLD, ROUND_BASE, round_to_base, suppress_mask

THRESHOLD, BASE = DEFAULT_THRESHOLD, ROUND_BASE


def disclose_counts(values: "pd.Series | np.ndarray") -> pd.Series:
    """Counts for release: 1-9 suppressed (<NA>), others rounded to 5 (halves up), 0 kept."""
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), float)
    out = round_to_base(v, BASE)
    out[suppress_mask(v, THRESHOLD)] = np.nan
    return pd.Series(pd.array(np.where(np.isnan(out), None, out), dtype="Float64")).round(0).astype("Int64")


def count_text(value: float, expected: bool = False) -> str:
    """A count as a Dutch reader sees it: ``minder dan 10`` for 1-9, else rounded to 5 (``ongeveer`` for an
    expected value, which is a model figure but is rounded the same way so it cannot undo the rounding)."""
    if value is None or not np.isfinite(value):
        return "onbekend"
    if expected:
        r = float(round_to_base(np.array([value]), BASE)[0])
        return "minder dan 5" if value < 2.5 else f"ongeveer {r:.0f}"
    v = float(value)
    if v == 0:
        return "0"
    if suppress_mask(np.array([v]), THRESHOLD)[0]:
        return f"minder dan {THRESHOLD}"
    return f"{float(round_to_base(np.array([v]), BASE)[0]):.0f}"


def round5(value: float) -> str:
    """A derived figure (an excess, an interval bound, a detectable size) rounded to 5 for display."""
    if value is None or not np.isfinite(value):
        return "n.v.t."
    return f"{float(round_to_base(np.array([value]), BASE)[0]):.0f}"
