"""Disclosure control of every count the waterbed analysis shows (report, tab, CSV files).

Uses the project's one rule in `geo_tool.export.disclosure` (its public functions): counts 1-9 are
suppressed, others rounded to 5; 0 stays 0. Tests and ratios use the unrounded counts.

The flows out of the target (flows.csv) also appear summed (signals.csv: the buffer's and the control
wijken's relocations from the target), so they get that module's secondary suppression too
(`flow_suppression`): a total minus the published flows never narrows a suppressed flow to fewer than
9 values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_tool.export.disclosure import (DEFAULT_THRESHOLD, ROUND_BASE, SUPPRESSED_LABEL, round_to_base,
                                        suppress_mask, suppression_pattern)

THRESHOLD, BASE = DEFAULT_THRESHOLD, ROUND_BASE
SUPPRESSED = SUPPRESSED_LABEL  # the flag of every emptied count, small or protecting (as the map exports)


def disclose_counts(values: "pd.Series | np.ndarray", suppressed: "np.ndarray | None" = None) -> pd.Series:
    """Counts for release: 1-9 suppressed (<NA>), others rounded to 5 (halves up), 0 kept; ``suppressed``
    (a mask) empties more cells (secondary suppression, see `flow_suppression`)."""
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), float)
    out = round_to_base(v, BASE)
    out[suppress_mask(v, THRESHOLD)] = np.nan
    if suppressed is not None:
        out[np.asarray(suppressed, bool)] = np.nan
    return pd.Series(pd.array(np.where(np.isnan(out), None, out), dtype="Float64")).round(0).astype("Int64")


def flow_suppression(cells: "pd.Series | np.ndarray", group_of: "pd.Series | np.ndarray",
                     n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Which flows and which published group totals of one count to empty: (mask per flow, mask per group).

    ``group_of`` holds each flow's position among the published totals that include it (-1: in none);
    a group's total is the sum of its flows. Primary and secondary suppression by the map exports' rule
    (`geo_tool.export.disclosure.suppression_pattern`, the groups as gebieden): when a flow of a published
    total is emptied, so is at least the smallest other one, until an attacker who knows every published
    count within +-2 and the sum of all totals cannot narrow an emptied flow to fewer than 9 values.
    """
    v = np.asarray(pd.to_numeric(pd.Series(cells), errors="coerce").fillna(0), dtype=np.int64)
    g = np.asarray(group_of, dtype=np.int64)
    ok = g >= 0
    totals = np.bincount(g[ok], weights=v[ok], minlength=n_groups).astype(np.int64)[:n_groups]
    return suppression_pattern(v, totals, g, threshold=THRESHOLD, base=BASE)


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
