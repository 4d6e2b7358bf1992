"""The vectorised weighted binning gives scikit-learn's own thresholds, so the trained model is unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble._hist_gradient_boosting import binning
from sklearn.utils.stats import _weighted_percentile
from threadpoolctl import threadpool_limits

from geo_tool.model import fast_binning


def _columns():
    """Columns with ties, missing values, zero and uneven weights, few and many distinct values."""
    rng = np.random.default_rng(7)
    for n in (50, 300, 1200):
        for kind in ("continuous", "ties", "counts", "skewed"):
            x = {"continuous": rng.normal(size=n), "ties": np.round(rng.normal(size=n), 1) * 3,
                 "counts": rng.poisson(2, n).astype(float), "skewed": rng.gamma(0.3, 5, n)}[kind]
            x[rng.random(n) < 0.1] = np.nan
            for w in (rng.choice([0.0, 0.5, 1.0, 2.0, 7.5], n), rng.exponential(1, n), np.ones(n)):
                yield x.astype(np.float64), w.astype(np.float64)


def test_thresholds_equal_scikit_learns():
    """For every test column and weighting, the thresholds are scikit-learn 1.9.1's, number for number."""
    original = fast_binning._ORIGINAL or binning._find_binning_thresholds
    for x, w in _columns():
        for max_bins in (255, 16):
            ours = fast_binning.find_binning_thresholds(x, max_bins, sample_weight=w)
            theirs = original(x, max_bins, sample_weight=w)
            np.testing.assert_array_equal(ours, theirs)


def test_percentiles_equal_one_call_per_percentile():
    """All percentiles at once equal scikit-learn's weighted percentile asked one at a time (zero weights kept)."""
    rng = np.random.default_rng(3)
    x = np.sort(np.round(rng.normal(size=400), 2))
    w = rng.choice([0.0, 1.0, 3.0], 400)
    p = np.linspace(0, 100, 65)[1:-1]
    ours = fast_binning.weighted_percentiles(x, w, p)
    theirs = np.array([_weighted_percentile(x, w, q, average=True) for q in p])
    np.testing.assert_array_equal(ours, theirs)


def test_installed_for_the_model_and_a_weighted_fit_predicts_the_same():
    """Importing the model installs it; a weighted boosting fit predicts exactly as with scikit-learn's binning."""
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier

    import geo_tool.model.pipeline  # noqa: F401  (installs the fast binning)

    if sklearn.__version__ != fast_binning.CHECKED_SKLEARN:
        pytest.skip("another scikit-learn: its own binning is used")
    assert binning._find_binning_thresholds is fast_binning.find_binning_thresholds
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 3))
    y = (X[:, 0] + rng.normal(size=600) > 0.5).astype(int)
    w = rng.choice([0.3, 1.0, 4.0], 600)
    with threadpool_limits(1, "openmp"):  # as the model fits (pipeline.N_THREADS): no spin-waiting on busy cores
        fast = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X, y, sample_weight=w)
        binning._find_binning_thresholds = fast_binning._ORIGINAL
        try:
            slow = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X, y, sample_weight=w)
        finally:
            binning._find_binning_thresholds = fast_binning.find_binning_thresholds
    np.testing.assert_array_equal(fast.predict_proba(X), slow.predict_proba(X))
