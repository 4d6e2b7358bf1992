"""Disclosure control for everything that leaves the tool (what statistical offices do).

Rules for a researcher (non-internal) export, per measure and time window:

- **Primary suppression**: a count of 1 .. threshold-1 (default 1-9) is emptied. Zero stays zero.
- **Secondary suppression** over the hierarchy wijk -> gebied -> gemeente: the cells to empty are
  decided once per measure and window, for the wijk and the gebied level together, so a wijk export
  and a gebied export of the same figures can be combined safely. When one wijk of a gebied (or one
  gebied of the gemeente) is emptied, at least one more is: the smallest non-zero count (ties: first
  code), so a reader can never tell the small cell from the protecting one. Then an attacker's view is modelled
  exactly: every published count ``v`` stands for ``v-2 .. v+2`` (and at least the threshold), every
  empty cell for ``1 .. infinity``, the gemeente total is assumed known (rounded), and each gebied is the
  sum of its wijken (gemeente = sum of gebieden). Bounds propagation over that tree-shaped system gives
  the exact range of values consistent with everything published. While an emptied cell's range holds
  fewer than ``threshold - 1`` values, or a published count is pinned to one value, one more cell is
  emptied: the published non-zero count of the same family (siblings, the area's own parts, its
  parent) that is smallest (ties: first code), preferring one that widens the range. So no total minus
  its published parts gives a suppressed cell back (not even within +-10), whatever rounding did.
- Every other count is **rounded** to the nearest multiple of 5 (half up).
- **Shares, rates, ratios and means** are recomputed from the *published* (rounded) counts they are
  built from (``Measure.numerator`` / ``denominator``), rounded to **one decimal**, and emptied
  whenever one of those counts is. A derived figure that does not name its counts is never published.
- Primary and secondary suppression carry the same flag (``onderdrukt``): a reader cannot tell which
  cell was small.
- **Density surfaces** for researchers are counts per cell of at least 100 m (the CBS squares), over a
  period of at least one month (a shorter window is refused), rounded to 5; every cell with fewer
  complaints than the threshold (including none) is nodata. No smoothing: a kernel spreads a single
  complaint into its neighbours, from where it can be traced back.
- Address-level figures, point layers and pseudonyms never leave the tool unless ``internal=True``;
  an internal export is not disclosure-controlled and says so in its metadata.

Not protected beyond rounding: differences between *overlapping windows* of the same measure (e.g.
January against January + one day) and relations between *different* measures of one area (visits =
with access + without access); with base 5 such a relation of three figures still leaves a suppressed
count at least four possible values.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from geo_tool.errors import UsageError
from geo_tool.i18n import tr
from geo_tool.layers.base import Layer, Level, Measure, TimeWindow, dataset_index

DEFAULT_THRESHOLD = 10
ROUND_BASE = 5
DECIMALS = 1
GRID_M = 100.0
MIN_PERIOD = pd.DateOffset(months=1)
SUPPRESSED_LABEL = "onderdrukt"
PSEUDONYM_COLUMNS = ("person_id", "landlord_id")
DERIVED_KINDS = ("share", "rate", "ratio")
_UNBOUNDED = 10**12  # "no upper bound" in the attacker's integer arithmetic


def suppressed_marker(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The text ``<10`` (a primary suppression threshold), for notes; flags say ``onderdrukt``."""
    return f"<{threshold}"


def round_to_base(values: np.ndarray, base: int = ROUND_BASE) -> np.ndarray:
    """Round to the nearest multiple of ``base``, halves up (12 -> 10, 13 -> 15), NaN kept."""
    v = np.asarray(values, dtype=float)
    return np.floor(v / base + 0.5) * base


def round_decimals(values: np.ndarray, decimals: int = DECIMALS) -> np.ndarray:
    """Round to ``decimals`` places, halves up (as a reader expects), NaN kept."""
    f = 10.0 ** decimals
    return np.floor(np.asarray(values, dtype=float) * f + 0.5) / f


def suppress_mask(values: "pd.Series | np.ndarray", threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """True where a count is small enough to identify people: 1 <= count < threshold."""
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    return (v >= 1) & (v < threshold)


# ----------------------------------------------------------------------------------------------
# Secondary suppression over wijk -> gebied -> gemeente.


def published_bounds(values: np.ndarray, suppressed: np.ndarray, threshold: int = DEFAULT_THRESHOLD,
                     base: int = ROUND_BASE) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of each cell from its own published figure: integer (lo, hi).

    A published 0 is exact; a published ``v`` means ``v - base/2 .. v + base/2`` (half up) and at
    least the threshold; an empty cell means 1 .. unbounded.
    """
    v = round_to_base(np.asarray(values, dtype=float), base)
    lo = np.maximum(np.ceil(v - base / 2.0), threshold)
    hi = np.ceil(v + base / 2.0) - 1
    lo = np.where(v == 0, 0, lo)
    hi = np.where(v == 0, 0, hi)
    lo = np.where(suppressed, 1, lo)
    hi = np.where(suppressed, _UNBOUNDED, hi)
    return lo.astype(np.int64), hi.astype(np.int64)


def attacker_bounds(lo: np.ndarray, hi: np.ndarray,
                    groups: Sequence[tuple[int, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The range of each cell consistent with ``parent = sum(children)`` for every group.

    Bounds propagation to a fixpoint; exact for this hierarchy (each cell is a part of at most one
    sum and the total of at most one, so the system is a tree).
    """
    lo, hi = lo.astype(np.int64).copy(), hi.astype(np.int64).copy()
    for _ in range(100):
        changed = False
        for p, ch in groups:
            slo, shi = int(lo[ch].sum()), int(hi[ch].sum())
            plo, phi = max(int(lo[p]), slo), min(int(hi[p]), shi)
            clo = np.maximum(lo[ch], plo - (shi - hi[ch]))
            chi = np.minimum(hi[ch], phi - (slo - lo[ch]))
            chi = np.minimum(chi, _UNBOUNDED)
            if plo != lo[p] or phi != hi[p] or (clo != lo[ch]).any() or (chi != hi[ch]).any():
                changed = True
            lo[p], hi[p] = plo, min(phi, _UNBOUNDED)
            lo[ch], hi[ch] = clo, chi
        if not changed:
            break
    return lo, hi


def _unsafe(values: np.ndarray, sup: np.ndarray, groups, threshold: int, base: int,
            checked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells whose attacker range is too narrow: emptied with < threshold-1 values, published and pinned."""
    lo, hi = attacker_bounds(*published_bounds(values, sup, threshold, base), groups)
    width = hi - lo + 1
    return checked & ((sup & (width < threshold - 1)) | (~sup & (values > 0) & (width <= 1))), width


def suppression_pattern(wijk: np.ndarray, gebied: np.ndarray, parent: np.ndarray, *,
                        threshold: int = DEFAULT_THRESHOLD, base: int = ROUND_BASE,
                        additive: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Which wijk and gebied cells of one count to empty: (mask per wijk, mask per gebied).

    ``parent`` holds each wijk's gebied position (-1: none). Primary suppression plus secondary
    suppression as described in the module docstring; deterministic (smallest count first, then
    the first code). For a non-additive count (distinct landlords) a group with an emptied cell gets
    at least two emptied cells whose sum reaches the threshold.
    """
    wijk = np.asarray(wijk, dtype=np.int64)
    gebied = np.asarray(gebied, dtype=np.int64)
    parent = np.asarray(parent, dtype=np.int64)
    nw, ng = len(wijk), len(gebied)
    total = nw + ng  # the gemeente node
    values = np.concatenate([wijk, gebied, [int(gebied.sum())]])
    sup = (values >= 1) & (values < threshold)
    groups, simple = [], []
    for j in range(ng):
        ch = np.flatnonzero(parent == j)
        (groups if additive and int(wijk[ch].sum()) == int(gebied[j]) else simple).append((nw + j, ch))
    (groups if additive else simple).append((total, np.arange(nw, nw + ng)))
    checked = np.ones(len(values), bool)
    checked[total] = False  # the gemeente total is assumed known, not published by us
    member: dict[int, list[int]] = {}
    for gi, (p, ch) in enumerate(groups):
        for node in (p, *ch.tolist()):
            member.setdefault(node, []).append(gi)

    def family(x: int) -> tuple[set[int], set[int]]:
        """Cells sharing a sum with x (siblings, parts, parent), and the parts of those."""
        near = {n for gi in member.get(x, []) for n in (groups[gi][0], *groups[gi][1].tolist())} - {total}
        wider = {n for m in near for gi in member.get(m, []) if groups[gi][0] == m for n in groups[gi][1].tolist()}
        return near, wider - near

    def smallest(nodes: Iterable[int]) -> np.ndarray:
        c = np.array(sorted(n for n in nodes if not sup[n] and values[n] > 0), dtype=np.int64)
        return c[np.lexsort((c, values[c]))] if len(c) else c

    for _ in range(len(values) * 2 + 2):
        changed = False
        for p, ch in groups:  # never one emptied part alone: its total would give it back
            if sup[ch].sum() == 1:
                cands = smallest(ch.tolist())
                if len(cands):
                    sup[cands[0]] = True
                    changed = True
        for p, ch in simple:
            while sup[ch].any() and (sup[ch].sum() < 2 or values[ch][sup[ch]].sum() < threshold):
                cands = smallest(ch.tolist())
                if not len(cands):
                    break
                sup[cands[0]] = True
                changed = True
        bad, width = _unsafe(values, sup, groups, threshold, base, checked)
        for x in np.flatnonzero(bad).tolist():  # the first unsafe cell that another suppression can help
            near, wider = family(x)
            pick = None
            for c in smallest(near | wider):  # the smallest count whose suppression widens x's range
                trial = sup.copy()
                trial[c] = True
                if _unsafe(values, trial, groups, threshold, base, checked)[1][x] > width[x]:
                    pick = int(c)
                    break
            if pick is None:  # none helps alone: the smallest close one, then try again
                cands = smallest(near) if len(smallest(near)) else smallest(wider)
                pick = int(cands[0]) if len(cands) else None
            if pick is not None:
                sup[pick] = True
                changed = True
                break
        if not changed:
            break
    return sup[:nw], sup[nw:total]


def secondary_patterns(layer: Layer, window: TimeWindow, threshold: int = DEFAULT_THRESHOLD,
                       base: int = ROUND_BASE) -> dict[str, Any]:
    """The figures per wijk and gebied and, per count, the cells to empty at each level (cached).

    Decided once per layer, parameters, window and threshold, so every export of the same data
    (wijk or gebied level, any format) empties the same cells.
    """
    idx = dataset_index(layer.dataset)
    key = ("disclosure", layer.key, repr(sorted(layer.options.items(), key=lambda kv: kv[0])),
           window.as_dict()["start"], window.as_dict()["end"], int(threshold), int(base))

    def compute() -> dict[str, Any]:
        frames = {lv: layer.aggregate(window, lv) for lv in (Level.WIJK, Level.GEBIED)}
        w, g = frames[Level.WIJK], frames[Level.GEBIED]
        parent = np.asarray(idx.wijk_to_gebied_pos, dtype=np.int64)
        counts = {**w.attrs["measures"], **w.attrs.get("helpers", {})}
        patterns: dict[str, dict[Level, np.ndarray]] = {}
        for key_, m in counts.items():
            if not m.is_count or key_ not in w.columns or key_ not in g.columns:
                continue
            wv = pd.to_numeric(w[key_], errors="coerce").fillna(0).to_numpy().astype(np.int64)
            gv = pd.to_numeric(g[key_], errors="coerce").fillna(0).to_numpy().astype(np.int64)
            sw, sg = suppression_pattern(wv, gv, parent, threshold=threshold, base=base, additive=m.additive)
            patterns[key_] = {Level.WIJK: sw, Level.GEBIED: sg}
        return {"frames": frames, "patterns": patterns}

    return idx.memo(key, compute)


# ----------------------------------------------------------------------------------------------
# Publishing a table.


def apply_disclosure(frame: pd.DataFrame, measures: Mapping[str, Measure], *, threshold: int = DEFAULT_THRESHOLD,
                     base: int = ROUND_BASE, suppressed: Mapping[str, np.ndarray] | None = None,
                     years: float = 1.0, decimals: int = DECIMALS, helpers: Iterable[str] = ()) -> pd.DataFrame:
    """The published form of a table of figures: suppress, round, recompute derived figures from rounded counts.

    ``suppressed`` adds the secondary suppressions per count (see `secondary_patterns`); ``years``
    is the window length for figures per year; ``helpers`` are count columns only used to derive
    shares and dropped from the result. Adds a ``<key>_flag`` column (``onderdrukt`` or empty) for
    every count and derived figure.
    """
    if threshold < 1:
        raise UsageError(tr("de onthullingsdrempel moet ten minste 1 zijn, niet {value}", value=threshold))
    out = frame.copy()
    suppressed = suppressed or {}
    published: dict[str, np.ndarray] = {}
    masks: dict[str, np.ndarray] = {}
    for key, m in measures.items():
        if key not in out.columns:
            continue
        if m.is_count:
            v = pd.to_numeric(out[key], errors="coerce").to_numpy(dtype=float)
            mask = suppress_mask(v, threshold)
            if key in suppressed:
                mask = mask | np.asarray(suppressed[key], dtype=bool)
            vals = round_to_base(v, base)
            vals[mask] = np.nan
            published[key], masks[key] = vals, mask
            out[key] = pd.array(np.where(np.isnan(vals), None, vals), dtype="Float64").round(0).astype("Int64")
            out[f"{key}_flag"] = pd.Series(np.where(mask, SUPPRESSED_LABEL, ""), index=out.index, dtype="string")
        elif m.kind == "area":
            published[key] = pd.to_numeric(out[key], errors="coerce").to_numpy(dtype=float)
            masks[key] = np.zeros(len(out), bool)
    for key, m in measures.items():
        if key not in out.columns or m.kind not in DERIVED_KINDS:
            continue
        mask = np.ones(len(out), bool)
        vals = np.full(len(out), np.nan)
        if m.numerator in published and m.denominator in published:
            num, den = published[m.numerator], published[m.denominator]
            mask = masks[m.numerator] | masks[m.denominator]
            for dep in m.suppress_with:
                if dep in masks:
                    mask = mask | masks[dep]
            with np.errstate(invalid="ignore", divide="ignore"):
                vals = np.where(den > 0, m.scale * num / np.where(den > 0, den, 1.0), np.nan)
            if m.per_year:
                vals = vals / years
            vals = round_decimals(vals, decimals)
        vals[mask] = np.nan
        out[key] = vals
        out[f"{key}_flag"] = pd.Series(np.where(mask, SUPPRESSED_LABEL, ""), index=out.index, dtype="string")
    for key, m in measures.items():  # areas: a published area needs no more than the figures' decimals
        if key in out.columns and m.kind == "area" and key not in set(helpers):
            out[key] = round_decimals(pd.to_numeric(out[key], errors="coerce").to_numpy(dtype=float), decimals)
    drop = [k for k in helpers if k in out.columns]
    return out.drop(columns=drop + [f"{k}_flag" for k in drop if f"{k}_flag" in out.columns])


def protect_layer(layer: Layer, window: TimeWindow, level: "Level | str", *, threshold: int = DEFAULT_THRESHOLD,
                  base: int = ROUND_BASE) -> pd.DataFrame:
    """Every area figure of a layer per ``level`` in its published (disclosure-controlled) form.

    Same columns as `Layer.aggregate` (without the helper counts) plus a ``<key>_flag`` per figure.
    """
    level = Level.parse(level)
    suppressed: dict[str, np.ndarray] = {}
    if level in (Level.WIJK, Level.GEBIED):
        done = secondary_patterns(layer, window, threshold, base)
        frame = done["frames"][level]
        suppressed = {k: p[level] for k, p in done["patterns"].items()}
    else:
        frame = layer.aggregate(window, level)
    helpers = frame.attrs.get("helpers", {})
    out = apply_disclosure(frame, {**frame.attrs["measures"], **helpers}, threshold=threshold, base=base,
                           suppressed=suppressed, years=window.years, helpers=list(helpers))
    out.attrs = {**frame.attrs, "disclosed": True}
    return out


# ----------------------------------------------------------------------------------------------
# Density surfaces.


def check_density_window(window: TimeWindow) -> None:
    """Refuse a researcher density surface over less than one month (single complaints would show)."""
    if window.end < window.start + MIN_PERIOD - pd.Timedelta(days=1):
        raise UsageError(tr(
            "een dichtheidskaart buiten de tool vraagt een periode van ten minste één maand; {start} t/m {end} is "
            "{days} dag(en): verruim --from/--to, of maak een interne export (--internal)",
            start=window.as_dict()["start"], end=window.as_dict()["end"], days=window.days))


def protected_density(layer: Layer, window: TimeWindow, *, threshold: int = DEFAULT_THRESHOLD,
                      base: int = ROUND_BASE, grid_m: float = GRID_M):
    """The researcher's density surface: complaints per cell of >= 100 m, rounded, cells under the threshold nodata.

    Values are complaints per km² (the rounded count divided by the cell area); NaN is nodata.
    Raises `UsageError` for a window shorter than a month.
    """
    from geo_tool.layers.complaints import DensitySurface

    check_density_window(window)
    cell = max(float(grid_m), float(layer.options.get("cell_m") or grid_m))
    counts, transform = layer.cell_counts(window, cell_m=cell)
    pub = round_to_base(counts, base)
    pub[counts < threshold] = np.nan
    values = (pub / (cell * cell / 1e6)).astype(np.float32)
    return DensitySurface(values, transform, "EPSG:28992", cell, 0.0, method="count")


# ----------------------------------------------------------------------------------------------
# Release checks and notes.


def check_release(level: "Level | str", measures: Iterable[Measure], internal: bool) -> None:
    """Refuse address-level figures and point layers unless the export is marked internal.

    Raises `UsageError` naming what was refused and how to allow it (``internal=True`` /
    ``--internal``); the audit log records every internal export.
    """
    if internal:
        return
    level = Level.parse(level)
    if level is Level.ADDRESS:
        raise UsageError(tr("cijfers per adres mogen de tool niet verlaten: exporteer per wijk of gebied, of maak "
                            "een interne export (--internal; in het venster: Intern)"))
    if level is Level.BUILDING:
        raise UsageError(tr("cijfers per gebouw mogen de tool niet verlaten: exporteer per wijk of gebied, of maak "
                            "een interne export (--internal; in het venster: Intern)"))
    points = [m.key for m in measures if m.kind in {"points", "category"}]
    if points:
        raise UsageError(tr("laag/lagen op adresniveau {layers} mogen de tool niet verlaten: gebruik een cijfer per "
                            "wijk of de dichtheidskaart, of maak een interne export (--internal; in het venster: "
                            "Intern)", layers=", ".join(points)))


def drop_pseudonyms(frame: pd.DataFrame) -> pd.DataFrame:
    """Remove pseudonym columns (person_id, landlord_id): they never leave the tool."""
    return frame.drop(columns=[c for c in PSEUDONYM_COLUMNS if c in frame.columns])


INTERNAL_NOTE = ("INTERN - niet verspreiden: bevat gegevens op adresniveau of ongeschoonde aantallen; "
                 "geen onthullingscontrole toegepast.")


def disclosure_note(internal: bool, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The basic rule in Dutch (primary suppression, rounding), for tables that apply only that.

    Map and table exports carry `export_note`; the waterbed report has its own (`analysis.report`).
    """
    if internal:
        return INTERNAL_NOTE
    return (f"Onthullingscontrole: aantallen 1-{threshold - 1} onderdrukt ({suppressed_marker(threshold)}), "
            f"overige aantallen afgerond op {ROUND_BASE}; aandelen en cijfers per bewoner berekend op "
            "onafgeronde aantallen en onderdrukt met hun aantal.")


def export_note(internal: bool, threshold: int = DEFAULT_THRESHOLD) -> str:
    """The Dutch sentence that every map and table export carries about its disclosure control."""
    if internal:
        return INTERNAL_NOTE
    return (f"Onthullingscontrole: aantallen 1-{threshold - 1} onderdrukt; per maat en periode is in elk gebied "
            f"(en tussen de gebieden van de gemeente) zo nodig ook het kleinste andere aantal onderdrukt, gelijk "
            f"in wijk- en gebiedsbestanden, zodat geen totaal min de getoonde delen een onderdrukt aantal geeft "
            f"(secundaire onderdrukking); overige aantallen afgerond op {ROUND_BASE}; aandelen, cijfers per "
            f"bewoner en gemiddelden berekend uit de afgeronde aantallen, met {DECIMALS} decimaal; dichtheden "
            f"alleen als aantallen per cel van {GRID_M:.0f} m over minstens een maand, cellen met minder dan "
            f"{threshold} meldingen leeg.")


def disclosure_rules(internal: bool, threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """The rules as metadata keys (GeoPackage, GeoTIFF tags, CSV sidecar, HTML comment)."""
    if internal:
        return {"disclosure_control": "none (internal)"}
    return {
        "disclosure_control": "applied",
        "disclosure_threshold": threshold,
        "disclosure_suppressed": f"counts 1-{threshold - 1}",
        "disclosure_rounding_base": ROUND_BASE,
        "disclosure_secondary_suppression": ("per measure and window over wijk-gebied-gemeente, smallest "
                                             "non-zero count first; same cells in wijk and gebied exports"),
        "disclosure_derived_figures": f"from the rounded counts, {DECIMALS} decimal",
        "disclosure_decimals": DECIMALS,
        "disclosure_grid_m": int(GRID_M),
        "disclosure_density": (f"counts per {GRID_M:.0f} m cell rounded to {ROUND_BASE}, cells under {threshold} "
                               "nodata, no smoothing"),
        "disclosure_min_period": "1 month",
        "disclosure_flag": SUPPRESSED_LABEL,
    }


def export_surface(layer: Layer, window: TimeWindow, meta: Mapping[str, Any]):
    """The density surface an export draws: the kernel density when internal, else `protected_density`."""
    if meta.get("internal"):
        return layer.density(window)
    return protected_density(layer, window, threshold=int(meta.get("disclosure_threshold", DEFAULT_THRESHOLD)))
