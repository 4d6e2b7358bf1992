"""Job-ready functions for `geo-tool train` and `geo-tool rank` (wired into the CLI by jobs.py).

`train_model` trains on data before as_of, evaluates on rolling splits before as_of, audits
fairness and writes the model folder; `rank_addresses` scores every address as of a date with its
three strongest reasons; `write_ranking` writes the CSV atomically.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.errors import UsageError
from geo_tool.fileio import write_csv_atomic
from geo_tool.i18n import format_number, tr
from geo_tool.model.features import FeatureBuilder, to_day, training_rows
from geo_tool.model.pipeline import RiskModel
from geo_tool.model.reasons import group_contributions, reference_row, top_reasons
from geo_tool.model.registry import ModelBundle, load_model, save_model
from geo_tool.progress import NullProgress, Progress
from geo_tool.security.audit import dataset_fingerprint
from geo_tool.security.modelfolder import MANIFEST, write_folder
from geo_tool.security.roles import require_role

RANKING_COLUMNS = ["rank", "address_id", "score", "wijk_code", "reason_1", "reason_2", "reason_3"]
# after the contract's columns, for planners who open ranked.csv in a spreadsheet: where the address is
ADDRESS_COLUMNS = ["street", "house_number", "house_letter", "house_number_addition", "postcode", "wijk_name"]
TEST_DAYS = 28


@dataclass
class TrainResult:
    """What `train_model` produced: the model folder, its files and the headline figures."""

    model_dir: Path
    as_of: str
    metrics: dict
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """A few lines for the terminal: where the model is and how it did against the baselines."""
        f = lambda v: format_number(v, 2)  # noqa: E731
        lines = [tr("model getraind op de gegevens vóór {date}: {path}", date=self.as_of, path=self.model_dir),
                 tr("  trainingsrijen: {n}, tijd {seconds} s", n=format_number(self.metrics["final"]["train_rows"]),
                    seconds=format_number(self.seconds))]
        k = self.metrics["capacity"]
        for split in self.metrics["splits"]:
            pop = split.get("population_precision@k_model")
            if pop is not None:
                lines.append(tr(
                    "  {date}: precisie@{k} (alle adressen, werkelijkheid) model {model}, logistische regressie "
                    "{logistic}, meldingen {complaints}, willekeurig {random}, bovengrens {ceiling}",
                    date=split["as_of"], k=k, model=f(pop), logistic=f(split["population_precision@k_logistic"]),
                    complaints=f(split["population_precision@k_complaints_90d"]),
                    random=f(split["population_precision@k_random_expected"]),
                    ceiling=f(split["population_precision@k_truth"])))
            elif "visited_precision@k_model" in split:
                lines.append(tr(
                    "  {date}: precisie@{k} onder bezochte adressen model {model}, meldingen {complaints}, "
                    "willekeurig {random}", date=split["as_of"], k=k, model=f(split["visited_precision@k_model"]),
                    complaints=f(split["visited_precision@k_complaints_90d"]),
                    random=f(split["visited_precision@k_random_expected"])))
        lines.append(tr("  rapport: {path}", path=self.model_dir / "report.md"))
        return "\n".join(lines)


def _as_date(value) -> str:
    return str(pd.Timestamp(value).date())


def default_eval_dates(as_of: dt.date | str, n: int = 3, step_weeks: int = 26) -> list[str]:
    """Evaluation dates before as_of, each leaving its 4-week test window before as_of."""
    last = pd.Timestamp(as_of) - pd.Timedelta(days=TEST_DAYS)
    return [_as_date(last - pd.Timedelta(weeks=step_weeks * i)) for i in reversed(range(n))]


def fit_final_model(builder: FeatureBuilder, as_of, random_state: int = 0, select: bool = True,
                    capacity: int = 40) -> tuple[RiskModel, pd.DataFrame, int]:
    """The production model: all usable visits of the 4 years before as_of; plus the reference address.

    With `select` the estimator (logistic regression or gradient boosting, and how it weighs the
    visits against selection bias) is chosen by rolling temporal validation on precision at the
    weekly `capacity` (geo_tool.model.selection); the choice and the fold figures are kept on the
    model as `selection_`.
    """
    from geo_tool.model.selection import CANDIDATES, select_model

    rows = training_rows(builder.dataset, before=as_of, start=pd.Timestamp(as_of) - pd.Timedelta(days=4 * 365))
    if len(rows) < 50 or rows.label.nunique() < 2:
        raise UsageError(f"--as-of {_as_date(as_of)}: only {len(rows)} usable visits before it (need 50 with both outcomes)")
    X = builder.features(rows.address_id, rows.day)
    if select:
        chosen, params, table = select_model(builder, as_of, capacity=capacity, random_state=random_state)
    else:
        chosen, params, table = "boosting_balanced", dict(CANDIDATES["boosting_balanced"]), pd.DataFrame()
    model = RiskModel(random_state=random_state, **params).fit(
        X, rows.label, visit_day=rows.day, selected_by=rows.selected_by)
    model.selection_ = {"chosen": chosen, "parameters": params, "folds": table.to_dict(orient="records")}
    ids = builder.address_ids
    X_all = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), to_day(as_of)))
    return model, reference_row(X_all), len(rows)


def train_model(dataset: Dataset, as_of: dt.date | str, out_dir: str | Path, *, capacity: int = 40,
                truth_dir: str | Path | None = None, progress: Progress | None = None,
                eval_dates: list | None = None, fairness_weeks: int = 2, n_boot: int = 100,
                random_state: int = 0) -> TrainResult:
    """Train on data before as_of, evaluate on rolling splits, audit fairness, write the model folder."""
    from geo_tool.model.evaluation import evaluate_split, read_truth
    from geo_tool.model.report import write_model_folder

    progress = progress or NullProgress()
    t0 = time.perf_counter()
    if capacity < 1:
        raise UsageError(f"--capacity: {capacity} must be at least 1")
    dates = [_as_date(d) for d in (eval_dates or default_eval_dates(as_of))]
    late = [d for d in dates if pd.Timestamp(d) > pd.Timestamp(as_of)]
    if late:
        raise UsageError(f"evaluation dates {', '.join(late)} are after --as-of {_as_date(as_of)}")
    timings_s: dict[str, float] = {}
    progress.start(len(dates) + 3, "model trainen")
    progress.step("kenmerken opbouwen")
    t = time.perf_counter()
    builder = FeatureBuilder(dataset)
    truth = read_truth(truth_dir) if truth_dir is not None else None
    timings_s["feature_indexes"] = round(time.perf_counter() - t, 1)
    progress.advance()
    splits = []
    for d in dates:
        progress.check_cancelled()
        progress.step(f"evaluatie op {d}")
        if len(training_rows(dataset, before=d)) < 200:
            continue
        t = time.perf_counter()
        splits.append(evaluate_split(builder, d, capacity=capacity, truth=truth, test_days=TEST_DAYS,
                                     fairness_weeks=fairness_weeks, random_state=random_state))
        timings_s[f"evaluation_{d}"] = round(time.perf_counter() - t, 1)
        progress.advance()
    progress.step("eindmodel trainen")
    t = time.perf_counter()
    model, reference, n_rows = fit_final_model(builder, as_of, random_state, capacity=capacity)
    timings_s["final_model"] = round(time.perf_counter() - t, 1)
    progress.advance()
    bundle = ModelBundle(model=model, reference=reference, as_of=_as_date(as_of), file_hashes=dict(dataset.file_hashes))
    progress.step("rapport schrijven")
    out_dir = Path(out_dir)
    # built under a temporary sibling, signed, then swapped in as a whole: never a new model beside an old card
    with write_folder(out_dir, dataset_fingerprint(dataset.file_hashes)) as tmp:
        written = save_model(bundle, tmp)
        metrics, files = write_model_folder(tmp, bundle, splits, capacity=capacity, n_train_rows=n_rows,
                                            has_truth=truth is not None, dataset=dataset, n_boot=n_boot,
                                            random_state=random_state, seconds=time.perf_counter() - t0,
                                            timings_s=timings_s)
        outputs = [out_dir / Path(p).relative_to(tmp) for p in [*written, *files]]
    outputs.append(out_dir / MANIFEST)
    progress.advance()
    progress.finish()
    return TrainResult(out_dir, _as_date(as_of), metrics, outputs, time.perf_counter() - t0)


def rank_addresses(dataset: Dataset, as_of: dt.date | str, *, model_dir: str | Path | None = None,
                   top: int | None = None, progress: Progress | None = None,
                   builder: FeatureBuilder | None = None, allow_other_dataset: bool = False) -> pd.DataFrame:
    """Every address (or the top N) ranked for visits on as_of, with score and three Dutch reasons.

    Needs the planner role (address-level output). Without model_dir a model is trained on the fly
    on the visits before as_of. A saved model is verified before it is read (signed manifest, trusted
    types); one trained on data up to a later date than as_of is refused (it has seen the period it
    would rank), and one trained on another dataset unless `allow_other_dataset` (then
    `frame.attrs["other_dataset"]` is True, for the audit line).
    """
    require_role("planner", "rank (address ranking)")
    progress = progress or NullProgress()
    progress.start(4, "adressen rangschikken")
    if top is not None and top < 1:
        raise UsageError(f"--top: {top} must be at least 1")
    builder = builder or FeatureBuilder(dataset)
    progress.advance()
    other_dataset = False
    if model_dir is not None:
        bundle = load_model(model_dir, dataset_fingerprint(dataset.file_hashes), allow_other_dataset)
        other_dataset = bundle.other_dataset
        if pd.Timestamp(bundle.as_of) > pd.Timestamp(as_of):
            raise UsageError(f"--as-of {_as_date(as_of)} is before the model's training date {bundle.as_of}: "
                             "that model has seen data after the ranking date")
        model, reference = bundle.model, bundle.reference
    else:
        model, reference, _ = fit_final_model(builder, as_of)
    progress.advance()
    ids = builder.address_ids
    X = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), to_day(as_of)))
    logit = model.decision_function(X)
    score = model.predict_proba(X)[:, 1]
    tie = np.random.default_rng(0).random(len(ids))
    order = np.lexsort((tie, -logit))
    if top is not None:
        order = order[:top]
    progress.advance()
    X_ranked = X.iloc[order].reset_index(drop=True)
    contributions = group_contributions(model.decision_function, X_ranked, reference)
    reasons = top_reasons(contributions, X_ranked)
    wijk = pd.Series(builder.wijk_codes.take(np.maximum(builder.address_wijk, 0)).to_numpy(dtype=object))
    wijk[builder.address_wijk < 0] = ""
    frame = pd.DataFrame({
        "rank": np.arange(1, len(order) + 1),
        "address_id": ids.to_numpy(dtype=object)[order],
        "score": np.round(score[order], 4),
        "wijk_code": wijk.to_numpy()[order],
    })
    frame = pd.concat([frame, reasons.reset_index(drop=True)], axis=1)
    progress.advance()
    progress.finish()
    frame = frame[RANKING_COLUMNS]
    frame.attrs["other_dataset"] = other_dataset
    return frame


def with_address_columns(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """The ranking plus street, house number (letter, addition), postcode and wijk name per address_id.

    Looked up in one vectorised join on the dataset's addresses and wijken; an unknown id gets empty cells.
    """
    out = frame.copy()
    ids = out["address_id"].astype(str)
    a = dataset.addresses.drop_duplicates("address_id")
    a = a.set_index(a["address_id"].astype(str))
    for col in ADDRESS_COLUMNS[:-1]:
        out[col] = a[col].reindex(ids).to_numpy() if col in a.columns else pd.NA
    w = dataset.wijken
    names = w.set_index(w["code"].astype(str))["name"] if len(w) and "name" in w.columns else pd.Series(dtype=object)
    out["wijk_name"] = out["wijk_code"].astype(str).map(names).to_numpy()
    return out


def write_ranking(frame: pd.DataFrame, path: str | Path, dataset: Dataset | None = None) -> Path:
    """Write a ranking as UTF-8 CSV atomically: the contract's columns rank,address_id,score,wijk_code,
    reason_1..3 first, then (with `dataset`) street, house_number, house_letter, house_number_addition,
    postcode and wijk_name, so a planner sees where each address is."""
    missing = [c for c in RANKING_COLUMNS if c not in frame]
    if missing:
        raise UsageError(f"ranking lacks columns {', '.join(missing)}")
    out = frame[RANKING_COLUMNS]
    if dataset is not None:
        out = with_address_columns(out, dataset)[RANKING_COLUMNS + ADDRESS_COLUMNS]
    write_csv_atomic(out, path)
    return Path(path)
