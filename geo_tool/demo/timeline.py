"""Day arithmetic for the demo: dates are int days since 1970-01-01, months are indices from 2019-01."""

from __future__ import annotations

import numpy as np

START = int(np.datetime64("2019-01-01", "D").astype(np.int64))   # first day of the simulated window
END = int(np.datetime64("2026-01-01", "D").astype(np.int64))     # first day after it (2025-12-31 is the last)
CAL = int(np.datetime64("2020-01-01", "D").astype(np.int64))     # calibration date of the seed tables
INTERVENTION = int(np.datetime64("2022-01-01", "D").astype(np.int64))  # Carnisse approach starts
PERMIT_START = int(np.datetime64("2021-01-01", "D").astype(np.int64))  # verhuurdersvergunning starts
N_MONTHS = 84
MONTH_START = np.array([int(np.datetime64(f"{2019 + i // 12}-{i % 12 + 1:02d}-01", "D").astype(np.int64))
                        for i in range(N_MONTHS + 1)], dtype=np.int64)


def month_of(day: np.ndarray) -> np.ndarray:
    """Month index (0 = 2019-01) of int days; clipped to [-1, N_MONTHS]."""
    return np.searchsorted(MONTH_START, np.asarray(day), side="right") - 1


def iso(days: np.ndarray) -> np.ndarray:
    """ISO date strings of int days."""
    return np.datetime_as_string(np.asarray(days, dtype="int64").astype("datetime64[D]"), unit="D")


def month_label(months: np.ndarray) -> np.ndarray:
    """'YYYY-MM' labels of month indices."""
    m = np.asarray(months)
    return np.char.add(np.char.add((2019 + m // 12).astype(str), "-"), np.char.zfill((m % 12 + 1).astype(str), 2))


def year_frac(days: np.ndarray) -> np.ndarray:
    """Fractional calendar year of int days (e.g. 2020.0 for 2020-01-01)."""
    return 1970 + np.asarray(days, dtype=float) / 365.2425
