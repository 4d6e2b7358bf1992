"""Small, hand-checkable statistics of the waterbed analysis: WDQ, WDD, DiD, rate tests, Mann-Kendall, FDR.

Every function here takes plain numbers or arrays and returns plain numbers or small dataclasses,
so that the tests can check them against figures computed on paper or published in the papers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Two-sided 95 % normal quantile.
Z95 = float(stats.norm.ppf(0.975))


# --------------------------------------------------------------------------- WDQ (Bowers & Johnson 2003)
def success_measure(r_before: float, r_after: float, c_before: float, c_after: float) -> float:
    """Bowers & Johnson's success measure of the target: R_a/C_a - R_b/C_b (negative = the target improved).

    NaN when a control count is zero (the control gives no scale).
    """
    if c_before <= 0 or c_after <= 0:
        return float("nan")
    return r_after / c_after - r_before / c_before


def wdq(r_before: float, r_after: float, b_before: float, b_after: float,
        c_before: float, c_after: float) -> float:
    """Weighted Displacement Quotient (Bowers & Johnson 2003).

    WDQ = (B_a/C_a - B_b/C_b) / (R_a/C_a - R_b/C_b), with R the target, B the buffer, C the control,
    b before and a after. Only meaningful when the success measure (the denominator) is negative:
    then WDQ > 0 is diffusion of benefits, WDQ < 0 displacement, WDQ < -1 more displaced than gained.
    NaN when the denominator is zero or a control count is zero.
    """
    sm = success_measure(r_before, r_after, c_before, c_after)
    if not np.isfinite(sm) or sm == 0:
        return float("nan")
    return (b_after / c_after - b_before / c_before) / sm


def wdq_interpretation(value: float, success: float) -> str:
    """The Dutch reading of a WDQ value given the target's success measure (Bowers & Johnson 2003)."""
    if not np.isfinite(success) or success >= 0:
        return "doelwijk niet verbeterd t.o.v. controle: WDQ niet te duiden"
    if not np.isfinite(value):
        return "niet te berekenen"
    if value < -1:
        return "meer verplaatst dan gewonnen"
    if value < 0:
        return "verplaatsing (kleiner dan de winst)"
    if value > 0:
        return "uitstraling van positieve effecten"
    return "geen verplaatsing of uitstraling"


# --------------------------------------------------------------------------- WDD (Wheeler & Ratcliffe 2018)
@dataclass(frozen=True)
class WDD:
    """A weighted displacement difference with its Poisson standard error and normal interval."""

    estimate: float
    se: float
    level: float = 0.95

    @property
    def z(self) -> float:
        """estimate / se (NaN when se is 0)."""
        return self.estimate / self.se if self.se > 0 else float("nan")

    @property
    def ci(self) -> tuple[float, float]:
        """The two-sided normal interval at `level`."""
        q = float(stats.norm.ppf(0.5 + self.level / 2))
        return self.estimate - q * self.se, self.estimate + q * self.se


def wdd_component(treated: tuple[float, float], control: tuple[float, float],
                  weights: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)) -> tuple[float, float]:
    """One area's WDD term and its Poisson variance, as in Wheeler & Ratcliffe (2018) and ptools::wdd.

    ``treated`` and ``control`` are (before, after) counts; ``weights`` are the time x area weights
    (treated before, treated after, control before, control after) by which each count is divided.
    Estimate = (T_a/w_ta - T_b/w_tb) - (C_a/w_ca - C_b/w_cb);
    variance = T_a/w_ta^2 + T_b/w_tb^2 + C_a/w_ca^2 + C_b/w_cb^2 (normal approximation of the Poisson:
    Var(count) = count).
    """
    (tb, ta), (cb, ca) = treated, control
    wtb, wta, wcb, wca = weights
    est = (ta / wta - tb / wtb) - (ca / wca - cb / wcb)
    var = ta / wta**2 + tb / wtb**2 + ca / wca**2 + cb / wcb**2
    return float(est), float(var)


def wdd_paper(treated: tuple[float, float], control: tuple[float, float],
              disp_treated: tuple[float, float] = (0.0, 0.0), disp_control: tuple[float, float] = (0.0, 0.0),
              area_weights: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
              level: float = 0.95) -> tuple[WDD, WDD, WDD]:
    """The WDD test of Wheeler & Ratcliffe (2018), Crime Science 7:11, doi:10.1186/s40163-018-0085-5.

    WDD = ΔT - ΔCT + ΔD - ΔCD with Δ = after - before for the treated area T, its control CT, the
    displacement area D and its control CD; Var(WDD) = T_b + T_a + CT_b + CT_a + D_b + D_a + CD_b + CD_a
    (each count Poisson). ``area_weights`` (control, treated, disp_control, disp_treated) divide the counts
    as in ptools::wdd (Wheeler 2021, "the WDD test with different area sizes"). Returns the local, the
    displacement and the total WDD; negative total = net reduction.
    """
    wc, wt, wdc, wdt = area_weights
    el, vl = wdd_component(treated, control, (wt, wt, wc, wc))
    ed, vd = wdd_component(disp_treated, disp_control, (wdt, wdt, wdc, wdc))
    return WDD(el, np.sqrt(vl), level), WDD(ed, np.sqrt(vd), level), WDD(el + ed, np.sqrt(vl + vd), level)


def wdd_proportional(area: tuple[float, float], control: tuple[float, float], level: float = 0.95) -> WDD:
    """WDD of one area against a control with a proportional trend: X_a - X_b * C_a / C_b.

    This is Wheeler & Ratcliffe's (2018) term ΔX - ΔC·w with the control's area weight chosen as
    C_b / X_b (the before-period size ratio, Wheeler 2021 "different area sizes"), so that the control
    is scaled to the area's own before level: a city-wide rise of 10 % then expects a 10 % rise here too,
    whatever the wijk's size or problem level. Variance as in the paper with that weight:
    X_a + X_b + (C_a + C_b) * (X_b / C_b)^2. For the target a negative value is a reduction (success);
    for a buffer or destination wijk a positive value is a rise beyond the city trend (possible displacement).
    When C_b is 0 the control gives no scale and the plain difference X_a - X_b is used.
    """
    xb, xa = float(area[0]), float(area[1])
    cb, ca = float(control[0]), float(control[1])
    if cb <= 0:
        return WDD(xa - xb, float(np.sqrt(xa + xb)), level)
    scale = xb / cb
    est = xa - xb * ca / cb
    var = xa + xb + (ca + cb) * scale**2
    return WDD(float(est), float(np.sqrt(var)), level)


# --------------------------------------------------------------------------- DiD with a month bootstrap
@dataclass(frozen=True)
class DiD:
    """A difference-in-differences estimate with a bootstrap percentile interval."""

    estimate: float
    ci_low: float
    ci_high: float
    level: float = 0.95


def did_estimate(area_before: np.ndarray, area_after: np.ndarray, ctrl_before: np.ndarray,
                 ctrl_after: np.ndarray) -> np.ndarray:
    """DiD of monthly rates with the control scaled to the area's before level (along the last axis).

    DiD = (mean X_a - mean X_b) - (mean C_a - mean C_b) * (mean X_b / mean C_b), i.e. the area's change
    minus the change expected from the control's relative trend; in the units of X (e.g. per 1,000
    residents per month). Works on stacked bootstrap draws (leading axes are kept).
    """
    xb, xa = area_before.mean(-1), area_after.mean(-1)
    cb, ca = ctrl_before.mean(-1), ctrl_after.mean(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cb > 0, ca / np.where(cb > 0, cb, 1.0), 1.0)
    return xa - xb * ratio


def did_bootstrap(area_before: np.ndarray, area_after: np.ndarray, ctrl_before: np.ndarray,
                  ctrl_after: np.ndarray, *, n_boot: int = 2000, level: float = 0.95,
                  seed: int = 0) -> DiD:
    """DiD (see `did_estimate`) with a percentile interval from resampling months.

    Months are drawn with replacement within the before and within the after period, the same months for
    the area and the control (so a city-wide bad month moves both), which carries the month-to-month
    noise and overdispersion that a Poisson SE ignores.
    """
    area_before, area_after = np.asarray(area_before, float), np.asarray(area_after, float)
    ctrl_before, ctrl_after = np.asarray(ctrl_before, float), np.asarray(ctrl_after, float)
    est = float(did_estimate(area_before, area_after, ctrl_before, ctrl_after))
    rng = np.random.default_rng(seed)
    ib = rng.integers(0, len(area_before), size=(n_boot, len(area_before)))
    ia = rng.integers(0, len(area_after), size=(n_boot, len(area_after)))
    draws = did_estimate(area_before[ib], area_after[ia], ctrl_before[ib], ctrl_after[ia])
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return DiD(est, float(lo), float(hi), level)


# --------------------------------------------------------------------------- rate tests
def conditional_rate_test(after: np.ndarray, before: np.ndarray, ratio0: np.ndarray | float = 1.0) -> np.ndarray:
    """One-sided p-value that the after count is higher than expected (conditional binomial test).

    Given n = before + after, under H0 (the rate changed by ``ratio0``, e.g. the city-wide trend or the
    ratio of period lengths) after ~ Binomial(n, ratio0 / (1 + ratio0)). Vectorised; p = 1 when n = 0.
    Exact for two Poisson counts (Przyborowski & Wilenski 1940).
    """
    after = np.asarray(after, float)
    before = np.asarray(before, float)
    r = np.broadcast_to(np.asarray(ratio0, float), after.shape)
    n = after + before
    p0 = r / (1 + r)
    pval = stats.binom.sf(after - 1, n, p0)
    return np.where(n > 0, pval, 1.0)


def benjamini_hochberg(pvalues: np.ndarray, method: str = "bh") -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN stays NaN.

    ``method="by"`` gives Benjamini-Yekutieli, valid under any dependence between the tests (the q-values
    are larger by the factor sum 1/i over the number of tests).
    """
    p = np.asarray(pvalues, float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method=method)
    return out


# --------------------------------------------------------------------------- Mann-Kendall
@dataclass(frozen=True)
class MannKendall:
    """Mann-Kendall trend test per series: S, its variance, Z, two-sided p and Kendall's tau."""

    s: np.ndarray
    var_s: np.ndarray
    z: np.ndarray
    p: np.ndarray
    tau: np.ndarray

    def trend(self, alpha: float = 0.05) -> np.ndarray:
        """+1 significant increase, -1 significant decrease, 0 none."""
        return np.where(self.p < alpha, np.sign(self.s), 0).astype(int)


def mann_kendall(series: np.ndarray) -> MannKendall:
    """Mann-Kendall test of a monotonic trend, for each row of a 2-D array (time along axis 1).

    S = sum over i<j of sign(x_j - x_i); Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18 with t the
    sizes of tied groups; Z = (S - sign(S)) / sqrt(Var S) (continuity correction); p two-sided normal.
    Implemented here with numpy/scipy (no extra dependency): it is a dozen lines.
    """
    x = np.atleast_2d(np.asarray(series, float))
    n = x.shape[1]
    iu = np.triu_indices(n, k=1)
    diff = x[:, iu[1]] - x[:, iu[0]]
    s = np.sign(diff).sum(axis=1)
    var = np.full(len(x), n * (n - 1) * (2 * n + 5), dtype=float)
    xs = np.sort(x, axis=1)
    # tie groups per row: run lengths of equal sorted values
    for i in np.flatnonzero((np.diff(xs, axis=1) == 0).any(axis=1)):
        _, t = np.unique(xs[i], return_counts=True)
        var[i] -= float(np.sum(t * (t - 1) * (2 * t + 5)))
    var /= 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, (s - np.sign(s)) / np.sqrt(np.where(var > 0, var, 1)), 0.0)
    p = 2 * stats.norm.sf(np.abs(z))
    tau = s / (n * (n - 1) / 2) if n > 1 else np.zeros(len(x))
    return MannKendall(s.astype(float), var, z, p, tau)
