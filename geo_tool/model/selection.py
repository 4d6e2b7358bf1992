"""Choosing the estimator by rolling temporal validation on precision at the weekly capacity.

For a few fold dates before as_of (each leaving its 4-week test window before as_of), every
candidate is trained on the visits before the fold date and ranks the visits made in the four
weeks after it (features as of the fold date, as a ranking would see them); the candidate with
the best mean precision in the top k (the week's capacity, at most a quarter of the visits) wins.
Visits are a biased sample, so this is a check among visited addresses; the unbiased check (the
random visits) is in the evaluation report. Ties go to the earlier, simpler candidate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_tool.model.features import FeatureBuilder, to_day, training_rows

#: Candidates, simplest first: (name, RiskModel parameters). Boosting weighted by inverse propensity
#: ("boosting_ipw") is no longer a candidate: on the development demos (city, seeds 21 and 22, 12 dates)
#: it ranked worst of the three weightings at precision@40 (0.78 against 0.84 balanced and 0.86
#: unweighted), and the folds, scored on visited addresses, cannot see that. It is still trained and
#: reported in every evaluation (evaluation.evaluate_split, the model card's weighting comparison).
CANDIDATES: dict[str, dict] = {
    "logistic": {"kind": "logistic", "random_weight": "balanced"},
    "boosting_balanced": {"kind": "boosting", "random_weight": "balanced"},
    "boosting_unweighted": {"kind": "boosting", "random_weight": 1.0},
}
#: Hyperparameters tried for the winning boosting variant (stage 2 of the selection), the default first.
#: A small grid a municipality can defend: smaller trees, a slower learning rate
#: (its number of trees doubles as early stopping, chosen on later weeks rather than on a random split of
#: the training visits, which would leak the future into the choice). Larger trees (10-15 leaves, 40-80
#: visits per leaf) were tried on development demos (small, seeds 21 and 22) and ranked worse: they learn the
#: quirks of the visited sample.
BOOSTING_GRID: dict[str, dict] = {
    "standaard": {},
    "langzaam": {"learning_rate": 0.05, "max_iter": 150},
    "kleiner": {"max_leaf_nodes": 4, "min_samples_leaf": 300, "max_iter": 100},
}
#: Dutch names of the candidates, for the model card and the window.
CANDIDATE_NL: dict[str, str] = {
    "logistic": "logistische regressie",
    "boosting_balanced": "gradient boosting, gebalanceerd gewogen",
    "boosting_ipw": "gradient boosting, gewogen naar selectiekans",
    "boosting_unweighted": "gradient boosting, ongewogen",
}


def candidate_label(name: str) -> str:
    """The Dutch name of a selection candidate ("boosting_ipw/langzaam" -> "... (instelling langzaam)")."""
    base, _, grid = str(name).partition("/")
    text = CANDIDATE_NL.get(base, base)
    return f"{text} (instelling {grid})" if grid else text


TRAIN_DAYS = 4 * 365
TEST_DAYS = 28


def rolling_validation(builder: FeatureBuilder, as_of, *, capacity: int = 40, folds: int = 3, step_days: int = 56,
                       candidates: dict[str, dict] | None = None, random_state: int = 0) -> pd.DataFrame:
    """Precision@k among the visits after each fold date, per candidate: rows fold_date, candidate, k, precision."""
    from geo_tool.model.evaluation import precision_at_k
    from geo_tool.model.pipeline import RiskModel

    candidates = candidates or CANDIDATES
    d = to_day(as_of)
    first_fold = d - TEST_DAYS - (folds - 1) * step_days
    rows = training_rows(builder.dataset, before=as_of,
                         start=pd.Timestamp("1970-01-01") + pd.Timedelta(days=first_fold - TRAIN_DAYS))
    X = builder.features(rows.address_id, rows.day)
    out = []
    for f in range(folds):
        fold = first_fold + f * step_days
        train = np.flatnonzero((rows.day < fold) & (rows.day >= fold - TRAIN_DAYS))
        test = np.flatnonzero((rows.day >= fold) & (rows.day < fold + TEST_DAYS))
        y_train = rows.label.to_numpy()[train]
        if len(test) < 8 or len(np.unique(y_train)) < 2 or len(train) < 50:
            continue
        X_test = builder.features(rows.address_id.iloc[test], np.full(len(test), fold))
        k = max(1, min(capacity, len(test) // 4))
        for name, params in candidates.items():
            model = RiskModel(random_state=random_state, **params).fit(
                X.iloc[train], y_train, visit_day=rows.day.to_numpy()[train],
                selected_by=rows.selected_by.to_numpy()[train])
            s = model.decision_function(X_test)
            out.append({"fold_date": str((pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(fold))).date()),
                        "candidate": name, "k": k,
                        "precision": precision_at_k(rows.label.to_numpy()[test], s, k, random_state)})
    return pd.DataFrame(out, columns=["fold_date", "candidate", "k", "precision"])


def choose_candidate(table: pd.DataFrame, default: str = "boosting_balanced") -> str:
    """The candidate with the best mean precision over the folds (the default when there were no folds)."""
    if table.empty:
        return default
    mean = table.groupby("candidate", sort=False)["precision"].mean()
    return str(mean.idxmax())


def select_model(builder: FeatureBuilder, as_of, *, capacity: int = 40, random_state: int = 0,
                 grid: dict[str, dict] | None = None) -> tuple[str, dict, pd.DataFrame]:
    """Two-stage rolling validation: the estimator and weighting (CANDIDATES), then, when boosting wins, its
    hyperparameters (BOOSTING_GRID) on the same folds. Returns (chosen candidate, RiskModel parameters, folds).

    The folds table holds both stages (stage-2 rows are named "CANDIDATE/GRIDNAME"). A grid entry must
    beat the default by the mean over the folds to be chosen (ties keep the default).
    """
    table = rolling_validation(builder, as_of, capacity=capacity, random_state=random_state)
    chosen = choose_candidate(table)
    params = dict(CANDIDATES[chosen])
    if table.empty or params["kind"] != "boosting":
        return chosen, params, table
    grid = BOOSTING_GRID if grid is None else grid
    tuned = {f"{chosen}/{name}": {**params, **extra} for name, extra in grid.items() if extra}
    if not tuned:
        return chosen, params, table
    stage2 = rolling_validation(builder, as_of, capacity=capacity, random_state=random_state, candidates=tuned)
    both = pd.concat([table[table.candidate == chosen].assign(candidate=f"{chosen}/standaard"), stage2], ignore_index=True)
    best = choose_candidate(both, default=f"{chosen}/standaard")
    if best in tuned:
        params = tuned[best]
    return chosen, params, pd.concat([table, stage2], ignore_index=True)
