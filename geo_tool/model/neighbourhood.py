"""Counts of events near each address within 25, 50, 100 and 250 m, as of a date, in O(1) per address.

Events (complaints by their point, also those without an address; visit findings; registrations)
are binned once on a 12.5 m grid. For a query date the events of its window are summed into a
grid and turned into a summed-area table; a square of half-width r around an address is then four
look-ups. Snapshots are taken on the first day of the query's quarter (never later than the query,
so leak-free), and cached, so training on thousands of visits needs one snapshot per quarter.
A square of half-width r approximates the disc of radius r (the corners add ~27 %), which is the
same for every address and therefore harmless for a ranking.
"""

from __future__ import annotations

import numpy as np

CELL_M = 12.5
RADII_M = (25, 50, 100, 250)
MAX_SNAPSHOTS = 12   # cached summed-area tables (~20 MB each on the city)


class GridCounter:
    """Windowed event counts around points, from a summed-area table per (window, month) snapshot."""

    def __init__(self, x: np.ndarray, y: np.ndarray, pad_m: float = 300.0):
        self.x0 = float(np.nanmin(x)) - pad_m if len(x) else 0.0
        self.y0 = float(np.nanmin(y)) - pad_m if len(y) else 0.0
        self.nx = int((float(np.nanmax(x)) + pad_m - self.x0) / CELL_M) + 1 if len(x) else 1
        self.ny = int((float(np.nanmax(y)) + pad_m - self.y0) / CELL_M) + 1 if len(y) else 1
        self._events: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._cache: dict[tuple, np.ndarray] = {}

    def cell(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat cell index of points (-1 outside the grid or missing)."""
        ix = np.floor((np.asarray(x, float) - self.x0) / CELL_M)
        iy = np.floor((np.asarray(y, float) - self.y0) / CELL_M)
        ok = np.isfinite(ix) & np.isfinite(iy) & (ix >= 0) & (iy >= 0) & (ix < self.nx) & (iy < self.ny)
        return np.where(ok, np.nan_to_num(iy) * self.nx + np.nan_to_num(ix), -1).astype(np.int64)

    def add_events(self, name: str, x: np.ndarray, y: np.ndarray, day: np.ndarray, weight: np.ndarray | None = None) -> None:
        """Register an event kind: points, integer days, optional weights (sorted by day once)."""
        c = self.cell(x, y)
        w = np.ones(len(c)) if weight is None else np.asarray(weight, float)
        keep = (c >= 0) & (w != 0)
        order = np.argsort(np.asarray(day)[keep], kind="stable")
        self._events[name] = (np.asarray(day)[keep][order], c[keep][order], w[keep][order])

    def _sat(self, name: str, start: int, end: int) -> np.ndarray:
        key = (name, start, end)
        if key not in self._cache:
            day, cell, w = self._events[name]
            lo, hi = np.searchsorted(day, [start, end], side="left")
            grid = np.bincount(cell[lo:hi], weights=w[lo:hi], minlength=self.nx * self.ny).reshape(self.ny, self.nx)
            sat = np.zeros((self.ny + 1, self.nx + 1), dtype=np.float32)
            sat[1:, 1:] = grid.cumsum(0).cumsum(1)
            if len(self._cache) >= MAX_SNAPSHOTS:
                self._cache.clear()
            self._cache[key] = sat
        return self._cache[key]

    def counts(self, name: str, x: np.ndarray, y: np.ndarray, window_days: int, snapshot_days: np.ndarray,
               radii_m=RADII_M) -> dict[int, np.ndarray]:
        """Events of kind `name` in [snapshot - window, snapshot) within each radius of each point."""
        ix = np.floor((np.asarray(x, float) - self.x0) / CELL_M)
        iy = np.floor((np.asarray(y, float) - self.y0) / CELL_M)
        ok = np.isfinite(ix) & np.isfinite(iy)
        ix, iy = np.nan_to_num(ix).astype(np.int64), np.nan_to_num(iy).astype(np.int64)
        out = {r: np.full(len(ix), np.nan) for r in radii_m}
        snap = np.asarray(snapshot_days, dtype=np.int64)
        for s in np.unique(snap):
            sel = np.flatnonzero((snap == s) & ok)
            sat = self._sat(name, int(s) - window_days, int(s))
            for r in radii_m:
                h = int(round(r / CELL_M))
                x1, x2 = np.clip(ix[sel] - h, 0, self.nx), np.clip(ix[sel] + h + 1, 0, self.nx)
                y1, y2 = np.clip(iy[sel] - h, 0, self.ny), np.clip(iy[sel] + h + 1, 0, self.ny)
                out[r][sel] = sat[y2, x2] - sat[y1, x2] - sat[y2, x1] + sat[y1, x1]
        return out


def snapshot_days(days: np.ndarray) -> np.ndarray:
    """The snapshot date of each query day: the first day of its quarter (never later than the day)."""
    months = np.asarray(days, dtype="int64").astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return (months - months % 3).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
