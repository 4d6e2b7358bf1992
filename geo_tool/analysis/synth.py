"""Synthetic control (Abadie, Diamond & Hainmueller 2010) with placebo-in-space inference, hand-written.

For a wijk and a signal (monthly rate), the synthetic wijk is a weighted mean of untreated donor wijken with
weights >= 0 summing to 1 that best reproduces the wijk's before period (least squares). The gap after the
start (actual - synthetic) is the effect. Inference: the same fit for every donor wijk (its own synthetic
from the other donors) gives the reference distribution of the ratio post-RMSPE / pre-RMSPE; the p-value
is the wijk's rank in it (Abadie et al. 2010, section 2.4).

Why hand-written: the constrained least squares is `scipy.optimize.nnls` with the sum-to-one constraint as a
heavily weighted extra row (a dozen lines, milliseconds per fit); pysyncon would add a dependency and fits
by a slower general optimiser, which matters for the placebo loop over ~80 wijken x signals x targets.
Rates are demeaned by their before mean (the "demeaned" synthetic control of Ferman & Pinto 2021), so a wijk
whose level lies outside the donors' range is still fitted on its shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

SUM_WEIGHT = 1e3


def synth_weights(y_pre: np.ndarray, donors_pre: np.ndarray) -> np.ndarray:
    """Weights w >= 0, sum 1, minimising ||y_pre - donors_pre @ w||² (donors in columns)."""
    y = np.asarray(y_pre, float)
    X = np.asarray(donors_pre, float)
    scale = max(float(np.abs(y).max()), float(np.abs(X).max()) if X.size else 0.0, 1e-9)
    A = np.vstack([X / scale, np.full((1, X.shape[1]), SUM_WEIGHT)])
    b = np.concatenate([y / scale, [SUM_WEIGHT]])
    w, _ = nnls(A, b, maxiter=50 * X.shape[1])
    s = w.sum()
    return w / s if s > 0 else np.full(X.shape[1], 1.0 / X.shape[1])


@dataclass
class SynthFit:
    """A synthetic control of one unit: the series, weights and fit figures."""

    actual: np.ndarray
    synthetic: np.ndarray
    weights: np.ndarray          # over the donors (in donor order)
    n_before: int

    @property
    def gap(self) -> np.ndarray:
        """actual - synthetic per month."""
        return self.actual - self.synthetic

    @property
    def pre_rmspe(self) -> float:
        """Root mean squared gap before the start (how well the synthetic fits)."""
        return float(np.sqrt(np.mean(self.gap[: self.n_before] ** 2)))

    @property
    def post_rmspe(self) -> float:
        """Root mean squared gap after the start."""
        return float(np.sqrt(np.mean(self.gap[self.n_before:] ** 2)))

    @property
    def effect(self) -> float:
        """Mean gap after the start minus mean gap before (per month, in the signal's units)."""
        return float(self.gap[self.n_before:].mean() - self.gap[: self.n_before].mean())

    @property
    def ratio(self) -> float:
        """post / pre RMSPE: the placebo statistic."""
        return self.post_rmspe / max(self.pre_rmspe, 1e-9)


def fit_synth(y: np.ndarray, donors: np.ndarray, n_before: int) -> SynthFit:
    """Fit the synthetic control of series ``y`` (months) from ``donors`` (donors x months), demeaned."""
    y = np.asarray(y, float)
    D = np.asarray(donors, float)
    my = y[:n_before].mean()
    md = D[:, :n_before].mean(axis=1, keepdims=True)
    w = synth_weights(y[:n_before] - my, (D[:, :n_before] - md).T)
    synth = (D - md).T @ w + my
    return SynthFit(y, synth, w, n_before)


@dataclass
class SynthResult:
    """Synthetic controls of several units on one signal, with placebo-in-space p-values."""

    signal: str
    fits: dict[str, SynthFit]
    donor_codes: list[str]
    placebo_ratios: np.ndarray
    placebo_effects: np.ndarray

    def p_value(self, code: str, side: str = "up") -> float:
        """Share of placebos (plus the unit itself) at least as extreme: the rank p-value.

        ``up`` counts placebos with a ratio at least as large and a gap in the same direction as a rise.
        """
        f = self.fits[code]
        if side == "up" and f.effect <= 0:
            return 1.0
        if side == "down" and f.effect >= 0:
            return 1.0
        same = self.placebo_effects > 0 if side == "up" else self.placebo_effects < 0
        extreme = (self.placebo_ratios >= f.ratio) & same
        return float((1 + extreme.sum()) / (1 + len(self.placebo_ratios)))


def synth_panel(rates: np.ndarray, codes: list[str], units: list[str], donors: list[str], n_before: int,
                signal: str) -> SynthResult:
    """Synthetic control for each of ``units`` from ``donors`` and the placebo fit of every donor.

    ``rates`` is wijken x months in ``codes`` order. Donors with a non-finite series are left out.
    """
    idx = {c: i for i, c in enumerate(codes)}
    ok = [d for d in donors if d in idx and np.isfinite(rates[idx[d]]).all()]
    D = rates[[idx[d] for d in ok]] if ok else np.zeros((0, rates.shape[1]))
    fits = {}
    for u in units:
        if u in idx and np.isfinite(rates[idx[u]]).all() and len(ok) >= 2:
            fits[u] = fit_synth(rates[idx[u]], D, n_before)
    ratios, effects = [], []
    for j in range(len(ok)):
        rest = np.delete(D, j, axis=0)
        f = fit_synth(D[j], rest, n_before)
        ratios.append(f.ratio)
        effects.append(f.effect)
    return SynthResult(signal, fits, ok, np.asarray(ratios), np.asarray(effects))
