"""Secondary suppression over wijk -> gebied -> gemeente, checked on paper and against a linear program."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from geo_tool.errors import UsageError
from geo_tool.export.disclosure import (
    attacker_bounds,
    check_density_window,
    published_bounds,
    suppression_pattern,
)
from geo_tool.layers import TimeWindow

T = 10


def test_a_lone_small_wijk_takes_the_smallest_other_wijk_with_it():
    """One small wijk (7) in a gebied: the smallest non-zero other wijk (35) is suppressed too, not 0 or 400."""
    wijk, gebied = suppression_pattern([7, 400, 0, 420, 35], [862], [0, 0, 0, 0, 0])
    assert wijk.tolist() == [True, False, False, False, True] and not gebied.any()


def test_rounding_that_pins_published_counts_is_caught():
    """Four wijken of 12 (published 10 each) under a gebied of 48 (published 50) would pin every wijk at 12:
    two of them are suppressed, although none is small."""
    lo, hi = attacker_bounds(*published_bounds(np.array([12, 12, 12, 12, 48]), np.zeros(5, bool)),
                             [(4, np.arange(4))])
    assert (lo[:4] == 12).all() and (hi[:4] == 12).all()  # the attack without protection
    wijk, _ = suppression_pattern([12, 12, 12, 12], [48], [0, 0, 0, 0])
    assert wijk.sum() == 2


def test_a_small_gebied_is_protected_among_the_gebieden():
    """A gebied of 7 (one wijk) is suppressed with the smallest other gebied, and a gebied with a single
    wijk that is suppressed for protection takes its wijk with it (else the wijk would give it back)."""
    wijk, gebied = suppression_pattern([7, 0, 50, 60, 100], [7, 110, 100], [0, 0, 1, 1, 2])
    assert gebied.tolist() == [True, False, True]
    assert wijk.tolist() == [True, False, False, False, True]


def _lp_range(lo, hi, groups, i):
    """Exact min and max of cell i over the polytope lo <= x <= hi, parent = sum(children)."""
    n = len(lo)
    a_eq, b_eq = [], []
    for p, ch in groups:
        row = np.zeros(n)
        row[p], row[ch] = 1.0, -1.0
        a_eq.append(row)
        b_eq.append(0.0)
    bounds = list(zip(lo.astype(float), hi.astype(float)))
    c = np.zeros(n)
    c[i] = 1.0
    low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    return round(low.fun), round(-high.fun)


@pytest.mark.parametrize("seed", range(12))
def test_no_suppressed_cell_can_be_narrowed_by_any_linear_attack(seed):
    """Random cities with many small counts: for every suppressed wijk or gebied the exact range that a
    linear program finds from everything published (both levels, a known gemeente total, rounding) still
    holds at least threshold-1 values, and no published count is pinned."""
    rng = np.random.default_rng(seed)
    n_geb = int(rng.integers(2, 6))
    parent = np.sort(np.concatenate([np.arange(n_geb), rng.integers(0, n_geb, int(rng.integers(2, 12)))]))
    wijk = rng.choice([0, 1, 3, 7, 9, 11, 12, 14, 23, 48, 130], size=len(parent))
    gebied = np.bincount(parent, weights=wijk, minlength=n_geb).astype(int)
    sw, sg = suppression_pattern(wijk, gebied, parent)
    assert sw[(wijk >= 1) & (wijk < T)].all() and sg[(gebied >= 1) & (gebied < T)].all()
    for j in range(n_geb):  # never one suppressed wijk alone in a gebied, unless all the others are 0
        part = parent == j
        assert sw[part].sum() != 1 or (wijk[part & ~sw] == 0).all()
    values = np.concatenate([wijk, gebied, [gebied.sum()]])
    sup = np.concatenate([sw, sg, [False]])
    lo, hi = published_bounds(values, sup)
    nw = len(wijk)
    groups = [(nw + j, np.flatnonzero(parent == j)) for j in range(n_geb)] + [(nw + n_geb, np.arange(nw, nw + n_geb))]
    lo = np.minimum(lo, 10**6)
    hi = np.minimum(hi, 10**6)
    for i in range(nw + n_geb):
        a, b = _lp_range(lo, hi, groups, i)
        assert a <= values[i] <= b
        if sup[i]:
            assert b - a + 1 >= T - 1, (i, values[i], a, b)
        elif values[i] > 0:
            assert b > a, (i, values[i])


def test_density_needs_a_month():
    """A researcher density surface over less than a calendar month is refused; a full month is fine."""
    with pytest.raises(UsageError, match="ten minste één maand"):
        check_density_window(TimeWindow("2024-02-01", "2024-02-28"))
    check_density_window(TimeWindow("2024-02-01", "2024-02-29"))
    check_density_window(TimeWindow("2024-01-15", "2024-02-14"))


def test_every_derived_figure_names_the_counts_it_is_built_from():
    """Each share, rate, ratio or mean names a numerator count and a denominator (count or area) of its
    own layer, so disclosure control can recompute it from the published counts (else it is never shown)."""
    from geo_tool.layers import LAYERS

    for cls in LAYERS.values():
        figures = {**cls.measures, **cls.helpers}
        for m in cls.measures.values():
            if m.kind in ("share", "rate", "ratio"):
                assert figures.get(m.numerator) is not None and figures[m.numerator].is_count, (cls.key, m.key)
                den = figures.get(m.denominator)
                assert den is not None and den.kind in ("count", "area"), (cls.key, m.key)
