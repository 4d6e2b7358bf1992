"""Fairness audit of the weekly top-k: who gets visited, and how often a visit is a false alarm.

Per gebied, wijk and nationality group of the residents (the majority group at the address as of
the week; audit only, never a model feature): selection rate (share of the group's addresses in the
week's top k), precision and false-discovery rate among the selected, each with bootstrap intervals
(point estimates from fairlearn's MetricFrame; intervals from a vectorised Poisson bootstrap, because
MetricFrame's own bootstrap takes minutes on a city-size frame). A ratio to the overall value outside [0.8, 1.25] is flagged for human
review: a flag is a question, not a verdict (risk is not spread evenly over wijken by nature).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

RATIO_BOUNDS = (0.8, 1.25)
MIN_SELECTED_FOR_FDR = 10
MIN_OVERALL_FDR = 0.05
DIMENSIONS = ("gebied", "wijk", "nationality_group")


def _weighted_mean(y_true, y_pred, sample_weight=None) -> float:
    """Weighted share of y_pred == 1 (the selection rate with the non-selected sample weighted back)."""
    y_pred = np.asarray(y_pred, dtype=float)
    w = np.ones(len(y_pred)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    return float((y_pred * w).sum() / w.sum()) if w.sum() > 0 else float("nan")


def _weighted_label_mean(y_true, y_pred, sample_weight=None) -> float:
    """Weighted share of y_true == 1 (the group's prevalence of violations)."""
    return _weighted_mean(y_pred, y_true, sample_weight)


def _bootstrap_rate_ci(numerator: np.ndarray, denominator: np.ndarray, groups: pd.Series, order: pd.Series,
                       n_boot: int, quantiles: list[float], random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Poisson-bootstrap interval of sum(numerator)/sum(denominator) per group (rows resampled independently)."""
    from scipy import sparse

    codes = pd.Index(order.astype(str)).get_indexer(groups.astype(str))
    ok = codes >= 0
    n_groups = len(order)
    indicator = sparse.csr_matrix((np.ones(ok.sum()), (codes[ok], np.flatnonzero(ok))), shape=(n_groups, len(groups)))
    rng = np.random.default_rng(random_state)
    rates = []
    for start in range(0, max(n_boot, 1), 25):
        b = min(25, n_boot - start)
        draws = rng.poisson(1.0, size=(len(groups), b)).astype(np.float64)
        num = indicator @ (draws * numerator[:, None])
        den = indicator @ (draws * denominator[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            rates.append(num / den)
    rates = np.concatenate(rates, axis=1)
    return np.nanquantile(rates, quantiles[0], axis=1), np.nanquantile(rates, quantiles[-1], axis=1)


def _precision(y_true, y_pred) -> float:
    y_true = np.asarray(y_true, dtype=float)
    return float(y_true.mean()) if len(y_true) else float("nan")


def _fdr(y_true, y_pred) -> float:
    y_true = np.asarray(y_true, dtype=float)
    return float(1.0 - y_true.mean()) if len(y_true) else float("nan")


def _frame_to_rows(mf: MetricFrame, dimension: str, metric: str) -> pd.DataFrame:
    by = mf.by_group[metric] if isinstance(mf.by_group, pd.DataFrame) else mf.by_group
    out = pd.DataFrame({"dimension": dimension, "group": by.index.astype(str), metric: by.to_numpy()})
    if mf.ci_quantiles is not None:
        lo, hi = mf.by_group_ci[0], mf.by_group_ci[-1]
        lo = lo[metric] if isinstance(lo, pd.DataFrame) else lo
        hi = hi[metric] if isinstance(hi, pd.DataFrame) else hi
        out[f"{metric}_ci_low"] = lo.reindex(by.index).to_numpy()
        out[f"{metric}_ci_high"] = hi.reindex(by.index).to_numpy()
    overall = mf.overall[metric] if isinstance(mf.overall, pd.Series) else mf.overall
    out[f"{metric}_overall"] = float(overall)
    return out


def fairness_audit(weekly: pd.DataFrame, n_boot: int = 100, random_state: int = 0) -> pd.DataFrame:
    """Selection rate, precision and FDR per group with bootstrap intervals, ratios and flags.

    `weekly` holds one row per (week, address) kept for the audit: `selected`, `label` (NaN when
    unknown), `weight` (1 / sampling share), and the group columns of DIMENSIONS.
    """
    tables = []
    q = [0.025, 0.975]
    for dim in DIMENSIONS:
        if dim not in weekly:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            groups = weekly[dim].astype(str)
            # point estimates with fairlearn; the selection-rate interval by a vectorised Poisson bootstrap
            # (fairlearn's own bootstrap resamples the whole population frame per draw: minutes on the city)
            sel = MetricFrame(metrics={"selection_rate": _weighted_mean}, y_true=weekly["selected"].to_numpy(),
                              y_pred=weekly["selected"].to_numpy().astype(int), sensitive_features=groups,
                              sample_params={"selection_rate": {"sample_weight": weekly["weight"].to_numpy()}})
            table = _frame_to_rows(sel, dim, "selection_rate")
            low, high = _bootstrap_rate_ci(weekly["selected"].to_numpy(float) * weekly["weight"].to_numpy(float),
                                           weekly["weight"].to_numpy(float), groups, table["group"], n_boot, q, random_state)
            table["selection_rate_ci_low"], table["selection_rate_ci_high"] = low, high
            table["selected"] = weekly[weekly["selected"]].groupby(groups[weekly["selected"]]).size().reindex(table["group"]).fillna(0).to_numpy()
            labelled = weekly["label"].notna()
            if labelled.all():  # a truth for every address: the group's share with a violation, to set selection against
                prev = MetricFrame(metrics={"prevalence": _weighted_label_mean}, y_true=weekly["label"].to_numpy(float),
                                   y_pred=weekly["selected"].to_numpy().astype(int), sensitive_features=groups,
                                   sample_params={"prevalence": {"sample_weight": weekly["weight"].to_numpy()}})
                table = table.merge(_frame_to_rows(prev, dim, "prevalence"), on=["dimension", "group"], how="left")
            chosen = weekly[weekly["selected"] & labelled]
            if len(chosen):
                prec = MetricFrame(metrics={"precision": _precision, "false_discovery_rate": _fdr},
                                   y_true=chosen["label"].to_numpy(), y_pred=np.ones(len(chosen), int),
                                   sensitive_features=chosen[dim].astype(str))
                for metric in ("precision", "false_discovery_rate"):
                    table = table.merge(_frame_to_rows(prec, dim, metric), on=["dimension", "group"], how="left")
                low, high = _bootstrap_rate_ci(chosen["label"].to_numpy(float), np.ones(len(chosen)), chosen[dim].astype(str),
                                               table["group"], n_boot, q, random_state + 1)
                table["precision_ci_low"], table["precision_ci_high"] = low, high
                table["false_discovery_rate_ci_low"], table["false_discovery_rate_ci_high"] = 1 - high, 1 - low
        tables.append(table)
    out = pd.concat(tables, ignore_index=True)
    for metric in ("selection_rate", "precision", "false_discovery_rate", "prevalence"):
        if metric in out:
            with np.errstate(divide="ignore", invalid="ignore"):
                out[f"{metric}_ratio"] = out[metric] / out[f"{metric}_overall"]
    lo, hi = RATIO_BOUNDS
    sel_ratio = out["selection_rate_ratio"]
    flag_sel = (sel_ratio.notna() & ((sel_ratio < lo) | (sel_ratio > hi))).to_numpy()
    flag_fdr = np.zeros(len(out), bool)
    if "false_discovery_rate_ratio" in out:
        # an FDR ratio means something only with enough selections and a non-trivial overall FDR
        r = out["false_discovery_rate_ratio"]
        enough = (out["selected"] >= MIN_SELECTED_FOR_FDR) & (out["false_discovery_rate_overall"] >= MIN_OVERALL_FDR)
        flag_fdr = (enough & r.notna() & ((r < lo) | (r > hi))).to_numpy()
    out["flag"] = flag_sel | flag_fdr
    out["flag_reason"] = np.where(flag_sel & flag_fdr, "selectie+fdr", np.where(flag_sel, "selectie", np.where(flag_fdr, "fdr", "")))
    return out


def visits_per_1000_residents(weekly_wijk: pd.DataFrame, wijken: pd.DataFrame) -> pd.DataFrame:
    """Top-k selections per week per 1,000 residents of each wijk (residents from the wijk table, else the BRP)."""
    g = weekly_wijk.groupby("wijk").agg(selected=("selected", "sum"), persons=("persons", "mean"), weeks=("week", "nunique"))
    residents = pd.Series(np.nan, index=g.index)
    if "residents" in wijken:
        known = pd.to_numeric(wijken.set_index(wijken["code"].astype(str))["residents"], errors="coerce")
        residents = known.reindex(g.index).astype(float)
    residents = residents.fillna(g["persons"])
    names = wijken.set_index(wijken["code"].astype(str))["name"].astype(str) if "name" in wijken else pd.Series(dtype=str)
    out = pd.DataFrame({
        "wijk_code": g.index, "wijk_name": names.reindex(g.index).fillna("").to_numpy(),
        "residents": residents.to_numpy(), "selected_total": g["selected"].to_numpy(), "weeks": g["weeks"].to_numpy(),
    })
    with np.errstate(divide="ignore", invalid="ignore"):
        out["visits_per_1000_residents_per_week"] = out["selected_total"] / out["weeks"] / out["residents"] * 1000.0
    return out.sort_values("visits_per_1000_residents_per_week", ascending=False).reset_index(drop=True)
