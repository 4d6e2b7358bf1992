"""The complaints layer: complaint points by category, rates per 1,000 residents and a density surface.

- points: complaints received in the window (``start <= received_on <= end``), coloured by category.
- complaint_rate: complaints in the window per 1,000 residents on the reference date (window end).
- density: a kernel density surface: complaints counted on a square grid (``numpy.histogram2d``,
  25 m cells by default) and smoothed with a Gaussian kernel (``scipy.ndimage.gaussian_filter``,
  sigma = bandwidth / cell size, zero outside the grid). Unit: complaints per km² in the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from affine import Affine
from scipy.ndimage import gaussian_filter

from geo_tool.dataset import Dataset
from geo_tool.i18n import tr
from geo_tool.layers.base import (
    CRS_RD,
    FAR_PAST,
    OKABE_ITO,
    DatasetIndex,
    Layer,
    Level,
    Measure,
    TimeWindow,
    count_by_area,
    dataset_index,
    day_number,
    day_numbers,
    register,
    safe_ratio,
)
from geo_tool.layers.brp import residents_by_area

CATEGORY_LABELS = {
    "woonoverlast": "Woonoverlast",
    "overbewoning": "Overbewoning",
    "afval": "Afval",
    "geluid": "Geluid",
    "verkamering": "Verkamering",
    "uitbuiting": "Uitbuiting",
    "overig": "Overig",
}


@dataclass
class DensitySurface:
    """A raster: ``values[row, col]`` with row 0 at the north edge, placed by ``transform`` (RD New)."""

    values: np.ndarray
    transform: Affine
    crs: str
    cell_m: float
    bandwidth_m: float
    unit: str = "meldingen per km²"
    method: str = "kernel"  # "kernel" (smoothed, internal) or "count" (counts per cell, disclosure-controlled)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the grid in metres."""
        h, w = self.values.shape
        xmin, ymax = self.transform.c, self.transform.f
        return xmin, ymax - h * self.cell_m, xmin + w * self.cell_m, ymax


def _complaint_arrays(dataset: Dataset, idx: DatasetIndex) -> dict[str, np.ndarray]:
    """Complaints as arrays: day number, wijk and address position, category, x, y (once per dataset)."""

    def compute() -> dict[str, np.ndarray]:
        c = dataset.complaints
        n = len(c)
        addr = idx.addr_pos(c["address_id"]) if "address_id" in c.columns and n else np.full(n, -1)
        wijk_codes = idx.area_codes[Level.WIJK]
        wijk = wijk_codes.get_indexer(c["wijk_code"].astype("string")) if "wijk_code" in c.columns and n else np.full(n, -1)
        via_addr = np.where(addr >= 0, idx.addr_area[Level.WIJK][np.maximum(addr, 0)], -1) if n else wijk
        wijk = np.where(wijk >= 0, wijk, via_addr)
        geom = c.geometry if isinstance(c, gpd.GeoDataFrame) and n else None
        x = np.full(n, np.nan)
        y = np.full(n, np.nan)
        if geom is not None:
            has = ~(geom.isna() | geom.is_empty).to_numpy()
            x[has], y[has] = geom[has].x.to_numpy(), geom[has].y.to_numpy()
        # location from the address when the complaint has none
        need = np.isnan(x) & (addr >= 0)
        if need.any():
            ag = dataset.addresses.geometry.iloc[addr[need]]
            x[need], y[need] = ag.x.to_numpy(), ag.y.to_numpy()
        if (wijk < 0).any() and np.isfinite(x).any():
            w = dataset.wijken.reset_index(drop=True)
            miss = np.flatnonzero((wijk < 0) & np.isfinite(x))
            pts = gpd.points_from_xy(x[miss], y[miss])
            i_pt, i_poly = w.sindex.query(pts, predicate="within")
            wijk[miss[i_pt]] = i_poly
        level = c["location_level"].astype("string") if "location_level" in c.columns and n else None
        area_only = (level == "pc4").fillna(False).to_numpy(dtype=bool) if level is not None else np.zeros(n, bool)
        return {
            "area_only": area_only,
            "day": day_numbers(c["received_on"], FAR_PAST) if n else np.zeros(0, np.int64),
            "wijk": wijk.astype(np.int64),
            "addr": np.asarray(addr, dtype=np.int64),
            "category": c["category"].astype("string").str.lower().fillna("overig").to_numpy(dtype=object) if n else np.zeros(0, object),
            "x": x,
            "y": y,
        }

    return idx.memo("complaint_arrays", compute)


@register
class ComplaintsLayer(Layer):
    """Complaints (meldingen): points by category, rate per 1,000 residents, kernel density."""

    key = "complaints"
    label = "Meldingen"
    sources = ("Meldingen (gemeente)",)
    default_measure = "complaint_rate"
    params: dict[str, Any] = {"bandwidth_m": 150.0, "cell_m": 25.0, "categories": None}
    measures = {
        "points": Measure("points", "Meldingen naar categorie", "", "points"),
        "complaint_count": Measure("complaint_count", "Meldingen", "meldingen", "count", "YlGnBu"),
        "complaint_rate": Measure("complaint_rate", "Meldingen per 1.000 bewoners", "per 1.000 bewoners in periode",
                                  "rate", "cividis", suppress_with=("complaint_count", "residents_ref"),
                                  numerator="complaint_count", denominator="residents_ref", scale=1000.0),
        "overbewoning_count": Measure("overbewoning_count", "Meldingen overbewoning", "meldingen", "count", "YlGnBu"),
        "residents_ref": Measure("residents_ref", "Bewoners op peildatum (noemer)", "personen", "count", "YlGnBu"),
        "density": Measure("density", "Dichtheid van meldingen", "meldingen per km²", "surface", "YlGnBu"),
    }

    def _selected(self, window: TimeWindow, a: dict[str, np.ndarray]) -> np.ndarray:
        s, e = day_number(window.start), day_number(window.end)
        sel = (a["day"] >= s) & (a["day"] <= e)
        cats = self.options.get("categories")
        if cats:
            sel &= np.isin(a["category"], [str(c).lower() for c in cats])
        return sel

    def _aggregate(self, window: TimeWindow, level: Level, idx: DatasetIndex) -> dict[str, np.ndarray]:
        a = _complaint_arrays(self.dataset, idx)
        sel = self._selected(window, a)
        n = idx.n_area[level]
        if level is Level.ADDRESS:
            pos = a["addr"]
        elif level is Level.WIJK:
            pos = a["wijk"]
        elif level is Level.BUILDING:  # address-placed complaints only, like the address level
            pos = np.where(a["addr"] >= 0, idx.addr_area[level][np.maximum(a["addr"], 0)], -1) if len(a["addr"]) else a["addr"]
        else:
            pos = np.where(a["wijk"] >= 0, idx.wijk_to_gebied_pos[np.maximum(a["wijk"], 0)], -1) if len(a["wijk"]) else a["wijk"]
        count = count_by_area(pos, n, sel)
        residents = residents_by_area(self.dataset, window.reference_date, level)
        return {
            "complaint_count": count,
            "complaint_rate": safe_ratio(count, residents, 1000.0),
            "overbewoning_count": count_by_area(pos, n, sel & (a["category"] == "overbewoning")),
            "residents_ref": residents,
        }

    def points(self, window: TimeWindow | None = None) -> gpd.GeoDataFrame:
        """Complaints received in the window with their category (address-level: internal use only)."""
        window = window or TimeWindow.default_for(self.dataset)
        a = _complaint_arrays(self.dataset, dataset_index(self.dataset))
        sel = self._selected(window, a) & np.isfinite(a["x"]) & ~a["area_only"]  # a PC4 point is no location
        c = self.dataset.complaints
        return gpd.GeoDataFrame(
            {"complaint_id": c["complaint_id"].astype("string").to_numpy()[sel] if len(c) else [],
             "received_on": pd.to_datetime(c["received_on"]).to_numpy()[sel] if len(c) else [],
             "category": a["category"][sel]},
            geometry=gpd.points_from_xy(a["x"][sel], a["y"][sel]), crs=CRS_RD,
        )

    def point_categories(self) -> dict[str, str]:
        """Dutch labels of the complaint categories."""
        return dict(CATEGORY_LABELS)

    def cell_counts(self, window: TimeWindow | None = None, *, cell_m: float | None = None,
                    margin_m: float = 0.0,
                    bounds: tuple[float, float, float, float] | None = None) -> tuple[np.ndarray, Affine]:
        """Complaints in the window counted per square cell: (counts with row 0 north, transform in RD New).

        The grid covers the wijken plus ``margin_m`` (or ``bounds``) and is aligned to multiples of the
        cell size, so a 100 m grid coincides with the CBS 100 m squares.
        """
        window = window or TimeWindow.default_for(self.dataset)
        cell = float(cell_m or self.options["cell_m"])
        if cell <= 0:
            from geo_tool.errors import UsageError
            raise UsageError(tr("celgrootte moet positief zijn, kreeg cell_m={cell}", cell=cell))
        a = _complaint_arrays(self.dataset, dataset_index(self.dataset))
        sel = self._selected(window, a) & np.isfinite(a["x"]) & ~a["area_only"]
        if bounds is None:
            xmin, ymin, xmax, ymax = self.dataset.wijken.total_bounds
            xmin, ymin, xmax, ymax = xmin - margin_m, ymin - margin_m, xmax + margin_m, ymax + margin_m
        else:
            xmin, ymin, xmax, ymax = bounds
        xmin, ymin = np.floor(xmin / cell) * cell, np.floor(ymin / cell) * cell
        ncol = max(1, int(np.ceil((xmax - xmin) / cell)))
        nrow = max(1, int(np.ceil((ymax - ymin) / cell)))
        ymax_grid = ymin + nrow * cell
        hist, _, _ = np.histogram2d(
            a["y"][sel], a["x"][sel],
            bins=[nrow, ncol], range=[[ymin, ymax_grid], [xmin, xmin + ncol * cell]],
        )
        return hist[::-1, :], Affine(cell, 0.0, xmin, 0.0, -cell, ymax_grid)

    def density(self, window: TimeWindow | None = None, *, bounds: tuple[float, float, float, float] | None = None,
                cell_m: float | None = None, bandwidth_m: float | None = None) -> DensitySurface:
        """Kernel density of the complaints in the window on a grid over the wijken (or ``bounds``).

        The grid is aligned to multiples of the cell size; values are complaints per km² so that
        ``values.sum() * cell_km2`` is the number of complaints (up to what leaks off the grid).
        Address-precise (a single complaint makes its own peak): internal use only; researchers get
        `geo_tool.export.disclosure.protected_density`.
        """
        cell = float(cell_m or self.options["cell_m"])
        bw = float(bandwidth_m or self.options["bandwidth_m"])
        if cell <= 0 or bw <= 0:
            from geo_tool.errors import UsageError
            raise UsageError(tr("celgrootte en bandbreedte moeten positief zijn, kreeg cell_m={cell}, bandwidth_m={bw}", cell=cell, bw=bw))
        # the wijken plus 3 bandwidths, so (almost) no density leaks off the grid
        counts, transform = self.cell_counts(window, cell_m=cell, margin_m=3 * bw, bounds=bounds)
        smooth = gaussian_filter(counts, sigma=bw / cell, mode="constant", truncate=4.0)
        values = (smooth / (cell * cell / 1e6)).astype(np.float32)  # row 0 = north; per km2
        return DensitySurface(values, transform, CRS_RD, cell, bw)
