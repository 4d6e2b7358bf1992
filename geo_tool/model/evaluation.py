"""Evaluation as dssg/triage does it: explicit as_of dates, precision at a fixed capacity, baselines ranked alike.

For each evaluation date D: models are trained on visits before D only; every address is scored with
features as of D; the top k (the week's capacity) and 2k are compared with
(a) random, (b) most complaints in the last 90 days (current practice), (c) the hidden truth (demo only).
With a truth every address has a label (violation in the month after D) and precision is over the whole
population; without one, precision is computed among the addresses actually visited in the weeks after D
and labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from geo_tool.model.features import FeatureBuilder, _days, to_day, training_rows
from geo_tool.model.pipeline import UNBIASED_SOURCES, RiskModel


def precision_at_k(y_true, scores, k: int, tie_break_seed: int = 0) -> float:
    """Share of true labels among the k highest scores (ties broken by a seeded random order).

    k larger than the number of rows uses all rows; an empty input gives NaN.
    """
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    if len(y) == 0 or k <= 0:
        return float("nan")
    top = top_k_positions(s, k, tie_break_seed)
    return float(y[top].mean())


def top_k_positions(scores, k: int, tie_break_seed: int = 0) -> np.ndarray:
    """Positions of the k highest scores, best first; ties in a seeded random order (never by row order)."""
    s = np.asarray(scores, dtype=float)
    tie = np.random.default_rng(tie_break_seed).random(len(s))
    order = np.lexsort((tie, -np.nan_to_num(s, nan=-np.inf)))
    return order[: min(k, len(s))]


#: Rankers the chosen model is compared with address by address (paired bootstrap, report.paired_table).
PAIRED_WITH = ("logistic", "complaints_90d", "model_v1")


def paired_counts(y_true, scores_a, scores_b, k: int, tie_break_seed: int = 0) -> list[int]:
    """The union of two top-k lists as six counts: [in both: hit, miss; only A: hit, miss; only B: hit, miss].

    Enough for a paired bootstrap of precision(A) - precision(B): an address in both lists adds the
    same to both and cancels, so only the addresses where the lists differ make the difference vary.
    """
    y = np.asarray(y_true, dtype=int)
    a = np.zeros(len(y), bool)
    b = np.zeros(len(y), bool)
    a[top_k_positions(scores_a, k, tie_break_seed)] = True
    b[top_k_positions(scores_b, k, tie_break_seed)] = True
    hit = y == 1
    return [int(n) for n in ((a & b & hit).sum(), (a & b & ~hit).sum(), (a & ~b & hit).sum(), (a & ~b & ~hit).sum(),
                             (~a & b & hit).sum(), (~a & b & ~hit).sum())]


def complaints_baseline_score(X: pd.DataFrame) -> np.ndarray:
    """Current practice: most complaints in the last 90 days (then in 365 days) first."""
    return X["complaints_total_90d"].to_numpy() * 1000.0 + X["complaints_total_365d"].to_numpy()


def days_earlier(visit_days: np.ndarray, labels: np.ndarray, scores: np.ndarray) -> dict:
    """The Chicago food-inspection measure: re-order the visits made in a period by score.

    The visit dates actually used stay the same (same capacity per day); the visits are re-assigned
    to them in score order. Returns the mean number of days earlier each violation would have been
    found, and the share of violations found in the first half of the period, actual vs re-ordered.
    """
    visit_days = np.asarray(visit_days, dtype=float)
    labels = np.asarray(labels, dtype=int)
    if len(visit_days) == 0 or labels.sum() == 0:
        return {"visits": int(len(visit_days)), "violations": int(labels.sum()), "mean_days_earlier": float("nan"),
                "first_half_share_actual": float("nan"), "first_half_share_model": float("nan")}
    slots = np.sort(visit_days)
    order = top_k_positions(scores, len(scores))
    new_day = np.empty(len(scores))
    new_day[order] = slots
    gained = visit_days - new_day
    mid = slots[0] + (slots[-1] - slots[0]) / 2
    v = labels == 1
    return {
        "visits": int(len(visit_days)),
        "violations": int(v.sum()),
        "mean_days_earlier": float(gained[v].mean()),
        "first_half_share_actual": float((visit_days[v] <= mid).mean()),
        "first_half_share_model": float((new_day[v] <= mid).mean()),
    }


@dataclass
class Truth:
    """The demo's hidden truth: per address and month whether a violation existed."""

    frame: pd.DataFrame  # address_id (string), month_day (int day of the month's first day)
    risk: pd.DataFrame | None = None  # address_id, month_day, risk: the latent monthly risk (realistic demo)

    def risk_at(self, address_ids: pd.Index | np.ndarray, as_of) -> np.ndarray | None:
        """The latent risk of each address in the month of as_of (0 where not listed); None without risk file.

        The risk of a month is what the generator knew at its start: ranking by it is the oracle ceiling.
        """
        if self.risk is None:
            return None
        month0 = to_day(pd.Timestamp(as_of).to_period("M").to_timestamp())
        part = self.risk[self.risk.month_day == month0]
        return part.set_index("address_id")["risk"].reindex(pd.Index(np.asarray(address_ids, dtype=object))).fillna(0.0).to_numpy()

    def labels_at(self, address_ids: pd.Index | np.ndarray, as_of) -> np.ndarray:
        """1 where the address has a violation in the month after as_of (months starting in [D-month, D+31d))."""
        d = to_day(as_of)
        month0 = to_day(pd.Timestamp(as_of).to_period("M").to_timestamp())
        hit = self.frame[(self.frame.month_day >= month0) & (self.frame.month_day < d + 31)]
        if month0 < d:  # a mid-month D also looks at the next month
            hit = hit[(hit.month_day > month0) | (d - month0 < 15)]
        positive = set(hit.address_id.tolist())
        return np.fromiter((a in positive for a in np.asarray(address_ids, dtype=object)), dtype=int, count=len(address_ids))


def read_truth(truth_dir: str | Path) -> Truth:
    """Read the demo's truth folder: a CSV with address_id, a month (YYYY-MM or date) and a violation flag.

    Accepts either one row per violating (address, month) or rows with a 0/1/true/false flag column.
    """
    from geo_tool.errors import UsageError

    truth_dir = Path(truth_dir)
    candidates = [p for p in [truth_dir / "violations_monthly.csv"] if p.exists()] + sorted(truth_dir.glob("*.csv")) + sorted(truth_dir.glob("*.csv.gz")) + sorted(truth_dir.glob("*.parquet"))
    for path in candidates:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)
        cols = {c.lower().strip(): c for c in frame.columns}
        month_col = next((cols[c] for c in ("month", "maand", "month_start", "date") if c in cols), None)
        if "address_id" not in cols or month_col is None:
            continue
        flag_col = next((cols[c] for c in ("violation", "in_violation", "any_violation", "violated") if c in cols), None)
        out = pd.DataFrame({"address_id": frame[cols["address_id"]].astype(str).str.strip(),
                            "month": pd.to_datetime(frame[month_col].astype(str).str.slice(0, 7) + "-01")})
        if flag_col is not None:
            flag = frame[flag_col].astype(str).str.lower().isin(["1", "true", "yes", "ja", "1.0"])
            out = out[flag.to_numpy()]
        out["month_day"] = ((out["month"] - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).astype(np.int64)
        return Truth(out[["address_id", "month_day"]].reset_index(drop=True), _read_risk(truth_dir / "latent_risk_monthly.csv"))
    raise UsageError(f"truth folder '{truth_dir}': no CSV with address_id, month and violation columns")


def _read_risk(path: Path) -> pd.DataFrame | None:
    """truth/latent_risk_monthly.csv (address_id, month YYYY-MM, risk) when present."""
    if not path.exists():
        return None
    frame = pd.read_csv(path, dtype={"address_id": str, "month": str})
    month = pd.to_datetime(frame["month"].str.slice(0, 7) + "-01")
    return pd.DataFrame({"address_id": frame["address_id"].str.strip(),
                         "month_day": ((month - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).astype(np.int64),
                         "risk": pd.to_numeric(frame["risk"], errors="coerce").fillna(0.0)})


@dataclass
class SplitResult:
    """Everything measured at one evaluation date."""

    as_of: str
    rows: dict = field(default_factory=dict)
    calibration: pd.DataFrame | None = None
    weekly: pd.DataFrame | None = None
    weekly_wijk: pd.DataFrame | None = None


def evaluate_split(builder: FeatureBuilder, as_of, *, capacity: int = 40, truth: Truth | None = None,
                   test_days: int = 28, fairness_weeks: int = 2, train_days: int = 4 * 365,
                   random_state: int = 0, select: bool = True) -> SplitResult:
    """Train every ranker on visits before as_of and measure it on what happened after as_of."""
    dataset = builder.dataset
    d = to_day(as_of)
    result = SplitResult(as_of=str(pd.Timestamp(as_of).date()))
    rows = training_rows(dataset, before=as_of, start=pd.Timestamp(as_of) - pd.Timedelta(days=train_days))
    X_train = builder.features(rows.address_id, rows.day)
    from geo_tool.model.selection import CANDIDATES, select_model

    if select:
        chosen, params, table = select_model(builder, as_of, capacity=capacity, random_state=random_state)
    else:
        chosen, params, table = "boosting_balanced", dict(CANDIDATES["boosting_balanced"]), pd.DataFrame()
    fits = {
        "model": RiskModel(random_state=random_state, **params),
        "model_balanced": RiskModel(random_state=random_state),
        "model_ipw": RiskModel(random_weight="ipw", random_state=random_state),
        "model_unweighted": RiskModel(random_weight=1.0, random_state=random_state),
        "logistic": RiskModel(kind="logistic"),
        "model_v1": RiskModel(feature_set="v1", random_state=random_state),
        "logistic_v1": RiskModel(kind="logistic", feature_set="v1"),  # the demo's target: LR on today's features
    }
    for fitted in fits.values():
        fitted.fit(X_train, rows.label, visit_day=rows.day, selected_by=rows.selected_by)

    ids = builder.address_ids
    X_all = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), d))
    scores = {name: m.decision_function(X_all) for name, m in fits.items()}
    scores["complaints_90d"] = complaints_baseline_score(X_all)
    rng = np.random.default_rng(random_state)
    scores["random"] = rng.random(len(ids))
    r = {"train_rows": int(len(rows)), "train_violation_rate": float(rows.label.mean()) if len(rows) else float("nan"),
         "train_unbiased_rows": int(rows.selected_by.isin(UNBIASED_SOURCES).sum()), "chosen": chosen,
         "chosen_parameters": params,
         "selection_folds": table.to_dict(orient="records")}
    ks = {"k": capacity, "2k": 2 * capacity, "5k": 5 * capacity}
    if truth is not None:
        y = truth.labels_at(ids, as_of)
        risk = truth.risk_at(ids, as_of)
        # the ceiling: the latent risk (an oracle of the hidden state) when known, else the outcome itself
        scores["truth"] = (risk if risk is not None else y) + rng.random(len(ids)) * 1e-6
        r["population_prevalence"] = float(y.mean())
        r["population_positives"] = int(y.sum())
        for name, s in scores.items():
            for kname, k in ks.items():
                r[f"population_precision@{kname}_{name}"] = precision_at_k(y, s, k, random_state)
        for kname, k in ks.items():
            r[f"population_precision@{kname}_random_expected"] = float(y.mean())
        for name in ("model", "logistic", "model_v1", "logistic_v1", "complaints_90d", "truth"):  # a month's capacity
            r[f"population_precision@10k_{name}"] = precision_at_k(y, scores[name], 10 * capacity, random_state)
        for other in PAIRED_WITH:  # the top lists side by side, for the paired bootstrap of the difference
            for kname in ("k", "5k"):
                r[f"paired@{kname}_model_vs_{other}"] = paired_counts(y, scores["model"], scores[other], ks[kname], random_state)
    # among visits actually made in [D, D + test_days): features as of D (ranking) and as of the visit (calibration)
    test = training_rows(dataset, before=pd.Timestamp(as_of) + pd.Timedelta(days=test_days), start=as_of)
    r["test_visits"] = int(len(test))
    if len(test):
        X_test_d = builder.features(test.address_id, np.full(len(test), d))
        # among the visited only: k cannot exceed a quarter of the visits, else every ranker scores the mean
        ks = {kname: max(1, min(k, len(test) // 4)) for kname, k in ks.items()}
        r["visited_k"], r["visited_2k"] = ks["k"], ks["2k"]
        for name, m in fits.items():
            s = m.decision_function(X_test_d)
            for kname, k in ks.items():
                r[f"visited_precision@{kname}_{name}"] = precision_at_k(test.label, s, k, random_state)
            r[f"days_earlier_{name}"] = days_earlier(test.day, test.label, s)
        cb = complaints_baseline_score(X_test_d)
        for kname, k in ks.items():
            r[f"visited_precision@{kname}_complaints_90d"] = precision_at_k(test.label, cb, k, random_state)
            r[f"visited_precision@{kname}_random_expected"] = float(test.label.mean())
        X_test_v = builder.features(test.address_id, test.day)
        unbiased = test.selected_by.isin(UNBIASED_SOURCES).to_numpy()
        cal_frames = []
        for name, m in fits.items():
            p = m.predict_proba(X_test_v)[:, 1]
            r[f"brier_{name}"] = float(brier_score_loss(test.label, p))
            r[f"auc_{name}"] = float(roc_auc_score(test.label, p)) if test.label.nunique() == 2 else float("nan")
            if unbiased.sum() > 10 and test.label[unbiased].nunique() == 2:
                r[f"auc_random_routine_{name}"] = float(roc_auc_score(test.label[unbiased], p[unbiased]))
            cal_frames.append(pd.DataFrame({"model": name, "p": p, "y": test.label.to_numpy()}))
        result.calibration = pd.concat(cal_frames, ignore_index=True)
    result.rows = r
    result.weekly, result.weekly_wijk = _weekly_selections(builder, fits["model"], as_of, capacity, truth, fairness_weeks,
                                                           random_state, first_week=(X_all, scores["model"]))
    return result


def majority_nationality_group(dataset, address_ids: pd.Index, as_of) -> pd.Series:
    """Audit only: the most common nationality_group of the persons registered at each address on as_of.

    Same registration rule as the features (registered before as_of, not de-registered before it);
    addresses without residents get 'geen bewoners'. Ties go to the group listed first alphabetically.
    """
    brp = dataset.brp
    ids = pd.Index(np.asarray(address_ids, dtype=object))
    if "nationality_group" not in brp:
        return pd.Series("unknown", index=address_ids)
    start, start_ok = _days(brp["registered_from"])
    end, end_ok = _days(brp["registered_until"])
    d = to_day(as_of)
    now = start_ok & (start < d) & ~(end_ok & (end < d))
    addr = ids.get_indexer(brp["address_id"].astype(object).to_numpy()[now])
    codes, groups = pd.factorize(brp["nationality_group"].astype("string").fillna("unknown").to_numpy(dtype=object)[now], sort=True)
    keep = addr >= 0
    n_groups = max(len(groups), 1)
    counts = np.bincount(addr[keep] * n_groups + codes[keep], minlength=len(ids) * n_groups).reshape(len(ids), n_groups)
    names = np.asarray(list(groups) or ["unknown"], dtype=object)
    out = names[counts.argmax(axis=1)]
    out[counts.sum(axis=1) == 0] = "geen bewoners"
    return pd.Series(out, index=address_ids)


def _weekly_selections(builder: FeatureBuilder, model: RiskModel, as_of, capacity: int, truth: Truth | None,
                       weeks: int, random_state: int, sample_share: float = 0.05,
                       first_week: tuple[pd.DataFrame, np.ndarray] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each test week's top-k for the fairness audit: (selected + weighted sample of the rest, counts per wijk)."""
    dataset = builder.dataset
    ids = builder.address_ids
    wijk = pd.Series(builder.wijk_codes.take(np.maximum(builder.address_wijk, 0)).to_numpy(dtype=object))
    wijk[builder.address_wijk < 0] = "onbekend"
    gebied_of = dataset.wijken.set_index(dataset.wijken["code"].astype(str))["gebied_code"].astype(str) if "gebied_code" in dataset.wijken else pd.Series(dtype=str)
    gebied = wijk.map(gebied_of).fillna("onbekend")
    frames, wijk_frames = [], []
    for w in range(weeks):
        week_start = pd.Timestamp(as_of) + pd.Timedelta(weeks=w)
        if w == 0 and first_week is not None:  # already computed for the ranking at as_of
            X, s = first_week
        else:
            X = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), to_day(week_start)))
            s = model.decision_function(X)
        top = np.zeros(len(ids), bool)
        top[top_k_positions(s, capacity, random_state + w)] = True
        if truth is not None:
            label = truth.labels_at(ids, week_start).astype(float)
        else:  # without truth only the visited addresses of that week have a label
            visits = training_rows(dataset, before=week_start + pd.Timedelta(days=7), start=week_start)
            label = pd.Series(np.nan, index=ids)
            last = visits.groupby("address_id")["label"].max()
            label[last.index] = last.to_numpy()
            label = label.to_numpy()
        nat = majority_nationality_group(dataset, ids, week_start)
        # keep every selected address and a sample of the others (weighted back) so the audit stays small
        sample = top | (np.random.default_rng(random_state + 100 + w).random(len(ids)) < sample_share)
        weight = np.where(top, 1.0, 1.0 / sample_share)
        frames.append(pd.DataFrame({"week": str(week_start.date()), "address_id": ids.to_numpy(dtype=object)[sample],
                                    "wijk": wijk.to_numpy()[sample], "gebied": gebied.to_numpy()[sample],
                                    "nationality_group": nat.to_numpy()[sample], "selected": top[sample],
                                    "label": label[sample], "weight": weight[sample]}))
        per_wijk = pd.DataFrame({"wijk": wijk.to_numpy(), "persons": X["persons_now"].to_numpy(), "selected": top})
        per_wijk = per_wijk.groupby("wijk").agg(addresses=("selected", "size"), persons=("persons", "sum"),
                                                selected=("selected", "sum")).reset_index()
        per_wijk["week"] = str(week_start.date())
        wijk_frames.append(per_wijk)
    return pd.concat(frames, ignore_index=True), pd.concat(wijk_frames, ignore_index=True)
