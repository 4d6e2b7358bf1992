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


#: flows.csv's counts and the signal (in signals.csv) whose before/after sums them per area
FLOW_COUNTS = {"before": ("relocations_from_target", "before"), "after": ("relocations_from_target", "after"),
               "eum_before": ("eum_relocations_from_target", "before"),
               "eum_after": ("eum_relocations_from_target", "after")}
#: the group totals signals.csv publishes of the flows: its area code -> the role of the wijken summed
FLOW_TOTALS = {"buffer": "buffer", "controle": "control"}


def flows_suppression(table: pd.DataFrame, flows: pd.DataFrame) -> dict[str, tuple[np.ndarray, dict[str, bool]]]:
    """Per count of flows.csv: which flows (rows of ``flows``) and which published totals to empty.

    The totals are signals.csv's relocations from the target into the buffer and into the control wijken
    (areas ``buffer`` and ``controle``; ``table`` gives each wijk's role); the sum of all flows is assumed
    known. Primary + secondary suppression (`flow_suppression`), decided once per analysis
    (`WaterbedResult.flow_suppression`) so flows.csv, signals.csv, evidence.csv, the map and the report's
    sentences empty the same cells.
    """
    role = table.set_index("wijk_code")["role"]
    dest = flows["destination"].astype(str).map(role).fillna("")
    names = list(FLOW_TOTALS)
    group_of = np.full(len(dest), -1, dtype=np.int64)
    for i, area in enumerate(names):
        group_of[(dest == FLOW_TOTALS[area]).to_numpy()] = i
    out = {}
    for c in FLOW_COUNTS:
        cells, totals = flow_suppression(flows[c].to_numpy(), group_of, len(names))
        out[c] = (cells, dict(zip(names, totals.tolist())))
    return out


def protect_evidence_text(table: pd.DataFrame, flows: pd.DataFrame, suppression: dict | None = None) -> pd.DataFrame:
    """The verdict table with ``N bewoners van adressen in`` told as ``een onderdrukt aantal`` where that flow
    (persons after, out of the target) is emptied to protect another (`flows_suppression`, computed here when
    not given): the report, the PDF and the window then never print a count that flows.csv leaves empty."""
    sup = suppression if suppression is not None else flows_suppression(table, flows)
    hidden = set(flows["destination"].astype(str).to_numpy()[sup["after"][0]])
    out = table.copy()
    rows = out["wijk_code"].astype(str).isin(hidden).to_numpy()
    if rows.any():
        for c in ("evidence", "reason", "detectable_text"):
            if c in out.columns:
                out.loc[rows, c] = out.loc[rows, c].astype("string").str.replace(
                    r"\b\d+ bewoners van adressen in ", "een onderdrukt aantal bewoners van adressen in ",
                    regex=True).astype(object)
    return out


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
