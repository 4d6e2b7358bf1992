"""The risk model: a scikit-learn Pipeline, calibrated on a later time slice, plus its baselines.

`RiskModel` is a scikit-learn estimator (parameters in `__init__`, everything learned in `fit`,
learned attributes end in `_`). It trains a `ColumnTransformer` (pandas output, so contributions
keep real column names) + `HistGradientBoostingClassifier` on visits before the calibration
slice, then fits a Platt (sigmoid) calibration on the visits of the last `calibration_days`
with the boosted model frozen. Sigmoid, not isotonic: it is strictly monotone, so the ranking
is exactly the boosted model's order and no ties appear at the capacity cut.

Selection bias: past visits mostly followed complaints. With `random_weight="balanced"` the
random and routine visits together get as much total weight as all other visits, so the model
is pulled towards the population that a ranking of *all* addresses scores; with "ipw" every visit
is weighted by the inverse of its estimated propensity to be a complaint-driven visit
(`propensity_weights`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from geo_tool.model.fast_binning import install as _install_fast_binning
from geo_tool.model.features import (CATEGORICAL_FEATURES, DYNAMICS_FEATURES, MODEL_FEATURES, NEW_FEATURE_GROUPS,
                                     NUMERIC_FEATURES, NUMERIC_FEATURES_V1,
                                     PERMIT_STATUS_VALUES)

_install_fast_binning()  # weighted boosting fits: scikit-learn's bin thresholds, sorted once (fast_binning.py)

UNBIASED_SOURCES = ("random", "routine")

#: OpenMP threads for fitting and scoring. One: the machines are shared, and a busy core makes
#: OpenMP's spin-waiting ~10x slower than a single thread (measured on 2 shared cores).
N_THREADS = 1


#: Features whose rise may never lower the risk (monotonic constraints). Without them the boosted trees,
#: trained on visited addresses only, extrapolated to odd corners of the population (e.g. an address
#: emptied after a recent violation ranked top): precision@40 on the city demo went from 0.90 to 1.00.
INCREASING_FEATURES = tuple(c for c in NUMERIC_FEATURES if c not in DYNAMICS_FEATURES and c.startswith(
    ("persons_", "registrations_", "spells_", "rni_", "complaints_", "landlord_violation_rate",
     "building_complaints_", "building_violations_", "building_no_access_", "landlord_violations_other",
     "landlord_no_access_other", "landlord_refused_revoked", "short_spells_", "arrivals_together_")))

#: The feature sets a model can use: "full" (the model's features, set 3: features.MODEL_FEATURES),
#: "all" (every computed feature, with the neighbourhood and the set-2 register group) and "v1" (today's
#: model, issue 4).
FEATURE_SETS = {"full": MODEL_FEATURES, "all": NUMERIC_FEATURES, "v1": NUMERIC_FEATURES_V1}


def numeric_columns(feature_set: str = "full") -> list[str]:
    """The numeric columns of a feature set: "full", "all", "v1", or, for ablations, "-GROUP" (the model's
    features without one group) and "+GROUP" (with one group it leaves out)."""
    sign, group = feature_set[:1], feature_set[1:]
    if sign in "-+" and group in NEW_FEATURE_GROUPS:
        cols = set(NEW_FEATURE_GROUPS[group])
        if sign == "-":
            return [c for c in MODEL_FEATURES if c not in cols]
        return [c for c in NUMERIC_FEATURES if c in cols or c in MODEL_FEATURES]
    if feature_set not in FEATURE_SETS:
        raise ValueError(f"feature_set '{feature_set}' is not one of {', '.join(FEATURE_SETS)}")
    return list(FEATURE_SETS[feature_set])


def make_boosting_pipeline(random_state: int = 0, numeric: list[str] | None = None, max_iter: int = 60,
                           max_leaf_nodes: int = 6, min_samples_leaf: int = 150, learning_rate: float = 0.1,
                           l2_regularization: float = 1.0) -> Pipeline:
    """ColumnTransformer (pandas out) + HistGradientBoostingClassifier: the production model.

    `numeric`: the numeric columns (default: the full feature set).
    Deliberately small (60 trees of 6 leaves, 150 visits per leaf) and monotone in the occupancy,
    turnover, complaint and landlord signals: the training visits are a biased sample of the
    addresses it must rank, and a flexible model learned that sample's quirks (measured on the demo).
    """
    numeric = list(MODEL_FEATURES) if numeric is None else numeric
    columns = ColumnTransformer(
        [
            ("num", "passthrough", numeric),
            ("cat", OrdinalEncoder(categories=[list(PERMIT_STATUS_VALUES)], handle_unknown="use_encoded_value",
                                   unknown_value=np.nan), list(CATEGORICAL_FEATURES)),
        ],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    boosting = HistGradientBoostingClassifier(
        learning_rate=learning_rate, max_iter=max_iter, max_leaf_nodes=max_leaf_nodes, min_samples_leaf=min_samples_leaf,
        l2_regularization=l2_regularization, categorical_features=list(CATEGORICAL_FEATURES),
        monotonic_cst=dict.fromkeys([c for c in INCREASING_FEATURES if c in numeric], 1),
        early_stopping=False, random_state=random_state,
    )
    return Pipeline([("columns", columns), ("boosting", boosting)])


def make_logistic_pipeline(numeric: list[str] | None = None) -> Pipeline:
    """A plain, regularised LogisticRegression on the same features: the baseline the model must beat."""
    numeric = list(MODEL_FEATURES) if numeric is None else numeric
    scale = make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler())
    columns = ColumnTransformer(
        [
            ("num", scale, numeric),
            ("cat", OneHotEncoder(categories=[list(PERMIT_STATUS_VALUES)], handle_unknown="ignore", sparse_output=False),
             list(CATEGORICAL_FEATURES)),
        ],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    return Pipeline([("columns", columns), ("logistic", LogisticRegression(C=0.3, max_iter=2000))])


def selection_weights(selected_by: pd.Series | np.ndarray, random_weight: float | str = "balanced") -> np.ndarray:
    """Sample weights against selection bias: random/routine visits get `random_weight` each.

    "balanced": random+routine rows together weigh as much as all other rows (when both exist).
    """
    sel = pd.Series(np.asarray(selected_by, dtype=object)).fillna("other").astype(str).str.lower()
    unbiased = sel.isin(UNBIASED_SOURCES).to_numpy()
    n_u, n_o = int(unbiased.sum()), int((~unbiased).sum())
    if random_weight == "balanced":
        factor = max(n_o / n_u, 1.0) if n_u and n_o else 1.0
    else:
        factor = float(random_weight)
    return np.where(unbiased, factor, 1.0)


IPW_CLIP = (0.2, 20.0)


def propensity_weights(X: pd.DataFrame, selected_by, numeric: list[str] | None = None) -> np.ndarray:
    """Inverse-propensity weights that make the visited rows look like the unbiased (random/routine) visits.

    A logistic regression estimates P(unbiased | x) among the visits; each row gets
    P(unbiased | x) / P(unbiased) (the inverse of its propensity to be visited, up to a constant;
    clipped to IPW_CLIP, mean 1): rows of a kind that complaints bring in often weigh less, rows
    like the random visits (the population) weigh more. With fewer
    than 20 unbiased visits (or no biased ones) every weight is 1.
    """
    sel = pd.Series(np.asarray(selected_by, dtype=object)).fillna("other").astype(str).str.lower()
    unbiased = sel.isin(UNBIASED_SOURCES).to_numpy()
    if unbiased.sum() < 20 or unbiased.all():
        return np.ones(len(sel))
    clf = make_logistic_pipeline(numeric)
    with threadpool_limits(N_THREADS):
        clf.fit(X, unbiased.astype(int))
        p = clf.predict_proba(X)[:, 1]
    # 1 / P(visited | x) is proportional to p_population(x) / p_visited(x) = P(unbiased | x) / P(unbiased)
    w = np.clip(p / unbiased.mean(), *IPW_CLIP)
    return w / w.mean()


class RiskModel(ClassifierMixin, BaseEstimator):
    """Boosted (or logistic) pipeline trained on older visits, sigmoid-calibrated on the newest ones.

    fit(X, y, visit_day=..., selected_by=...): rows with visit_day >= max(visit_day) - calibration_days
    form the calibration slice (when it holds both classes and at least `min_calibration_rows`).
    """

    def __init__(self, kind: str = "boosting", calibration_days: int = 120, random_weight: float | str = "balanced",
                 min_calibration_rows: int = 100, random_state: int = 0, feature_set: str = "full",
                 max_iter: int = 60, max_leaf_nodes: int = 6, min_samples_leaf: int = 150, learning_rate: float = 0.1,
                 l2_regularization: float = 1.0):
        self.kind = kind
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.learning_rate = learning_rate
        self.l2_regularization = l2_regularization
        self.feature_set = feature_set
        self.calibration_days = calibration_days
        self.random_weight = random_weight
        self.min_calibration_rows = min_calibration_rows
        self.random_state = random_state

    def _base(self) -> Pipeline:
        numeric = numeric_columns(self.feature_set)
        if self.kind == "boosting":
            return make_boosting_pipeline(self.random_state, numeric, max_iter=self.max_iter,
                                          max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
                                          learning_rate=self.learning_rate, l2_regularization=self.l2_regularization)
        if self.kind == "boosting_large":
            return make_boosting_pipeline(self.random_state, numeric, max_iter=200, max_leaf_nodes=15, min_samples_leaf=40)
        if self.kind == "logistic":
            return make_logistic_pipeline(numeric)
        raise ValueError(f"kind '{self.kind}' is not one of boosting, boosting_large, logistic")

    def fit(self, X: pd.DataFrame, y, visit_day=None, selected_by=None) -> "RiskModel":
        """Fit the pipeline on the older rows, then calibrate on the newest slice; returns self."""
        y = np.asarray(y, dtype=int)
        n = len(y)
        visit_day = np.zeros(n, dtype=np.int64) if visit_day is None else np.asarray(visit_day, dtype=np.int64)
        sel = selected_by if selected_by is not None else np.full(n, "other")
        if self.random_weight == "ipw":
            weights = propensity_weights(X, sel, numeric_columns(self.feature_set))
        else:
            weights = selection_weights(sel, self.random_weight)
        cal = visit_day >= visit_day.max() - self.calibration_days if n else np.zeros(0, bool)
        use_cal = cal.sum() >= self.min_calibration_rows and len(np.unique(y[cal])) == 2 and len(np.unique(y[~cal])) == 2
        fit_rows = ~cal if use_cal else np.ones(n, bool)
        base = self._base()
        step = base.steps[-1][0]
        with threadpool_limits(N_THREADS):
            base.fit(X.iloc[np.flatnonzero(fit_rows)], y[fit_rows], **{f"{step}__sample_weight": weights[fit_rows]})
        self.pipeline_ = base
        if use_cal:
            calibrator = CalibratedClassifierCV(FrozenEstimator(base), method="sigmoid")
            with warnings.catch_warnings(), threadpool_limits(N_THREADS):
                # the weights are meant for the calibration only; the frozen model is not refitted
                warnings.filterwarnings("ignore", message=".*FrozenEstimator does not appear to accept sample_weight.*")
                calibrator.fit(X.iloc[np.flatnonzero(cal)], y[cal], sample_weight=weights[cal])
            self.calibrator_ = calibrator
        else:
            self.calibrator_ = None
        self.classes_ = np.array([0, 1])
        self.n_train_rows_ = int(fit_rows.sum())
        self.n_calibration_rows_ = int(cal.sum()) if use_cal else 0
        self.feature_names_in_ = np.array(X.columns, dtype=object)
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Uncalibrated log-odds of the pipeline (the ranking order and the scale of the reasons)."""
        with threadpool_limits(N_THREADS):
            return self.pipeline_.decision_function(X)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability that a visit finds a violation."""
        with threadpool_limits(N_THREADS):
            if self.calibrator_ is not None:
                return self.calibrator_.predict_proba(X)
            return self.pipeline_.predict_proba(X)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the calibrated probability is at least one half."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


def clone_model(model: RiskModel, **params) -> RiskModel:
    """An unfitted copy of `model` with some parameters changed."""
    return clone(model).set_params(**params)
