"""The common base of every map layer: `Level`, `TimeWindow`, `Measure`, `Classification`, `Layer`.

A layer is data, not a widget (as in napari): it knows how to aggregate a dataset to
addresses, wijken or gebieden for a time window, and how each of its measures should look.
The UI and the exporters draw it. Adding a layer = one new module in ``geo_tool/layers``
that subclasses `Layer` and decorates it with `register`.

Time: a `TimeWindow` covers the calendar days ``start`` .. ``end`` *inclusive*. Stock figures
(residents, permit status) are taken on the *reference date* = ``window.end``; flow figures
(moves, complaints, visits) count events dated ``start <= date <= end``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.errors import UsageError
from geo_tool.i18n import tr

CRS_RD = "EPSG:28992"
ATTRIBUTION = "CBS Wijk- en Buurtkaart 2024, CC BY 4.0"

# Okabe-Ito: a categorical palette that colour-blind readers can tell apart.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#999999"]


class Level(str, Enum):
    """The unit a figure is computed for: one address, a building (BAG pand, else one street number),
    a Rotterdam wijk (CBS buurt) or a gebied (CBS wijk). Address and building are internal-only detail."""

    ADDRESS = "address"
    WIJK = "wijk"
    GEBIED = "gebied"
    BUILDING = "building"

    @classmethod
    def parse(cls, value: "Level | str") -> "Level":
        """`Level.WIJK` from ``"wijk"`` (case-insensitive); names the allowed values when wrong."""
        if isinstance(value, Level):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise UsageError(tr("niveau {level} is niet toegestaan; kies uit: address, building, wijk, gebied", level=repr(value))) from None

    @property
    def label(self) -> str:
        """Dutch name of the level for map titles."""
        return {"address": "adres", "wijk": "wijk", "gebied": "gebied", "building": "gebouw"}[self.value]

    @property
    def is_detail(self) -> bool:
        """True for the address and building levels: address-like detail, for internal use by planners only."""
        return self in (Level.ADDRESS, Level.BUILDING)


@dataclass(frozen=True)
class TimeWindow:
    """The calendar days ``start`` .. ``end`` (both inclusive); ``end`` is the reference date for stocks."""

    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self) -> None:
        start, end = pd.Timestamp(self.start).normalize(), pd.Timestamp(self.end).normalize()
        if pd.isna(start) or pd.isna(end):
            raise UsageError(tr("een periode heeft een begin- en een einddatum nodig"))
        if end < start:
            raise UsageError(tr("einde van de periode {end} ligt vóór het begin {start}", end=end.date(), start=start.date()))
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @classmethod
    def year_ending(cls, end: "pd.Timestamp | str") -> "TimeWindow":
        """The 365/366 days that end on ``end`` (e.g. 2023-01-01 .. 2023-12-31)."""
        end = pd.Timestamp(end).normalize()
        return cls(end - pd.DateOffset(years=1) + pd.Timedelta(days=1), end)

    @classmethod
    def default_for(cls, dataset: Dataset) -> "TimeWindow":
        """One year ending on the last event date in the dataset (BRP, complaints, visits, permits)."""
        dates = []
        for frame, cols in (
            (dataset.brp, ["registered_from", "registered_until"]),
            (dataset.complaints, ["received_on"]),
            (dataset.inspections, ["visited_on"]),
            (dataset.permits, ["valid_from"]),
        ):
            for col in cols:
                if col in frame.columns and len(frame):
                    dates.append(pd.to_datetime(frame[col]).max())
        dates = [d for d in dates if not pd.isna(d)]
        end = max(dates) if dates else pd.Timestamp("2024-01-01")
        return cls.year_ending(end)

    @property
    def reference_date(self) -> pd.Timestamp:
        """The date on which stock figures (residents, permits) are counted: the window's last day."""
        return self.end

    @property
    def days(self) -> int:
        """Number of calendar days in the window."""
        return int((self.end - self.start).days) + 1

    @property
    def years(self) -> float:
        """Length in years (days / 365.25), used to express rates per year."""
        return self.days / 365.25

    def label(self) -> str:
        """Dutch text for maps: ``1-1-2023 t/m 31-12-2023``."""
        return f"{self.start.day}-{self.start.month}-{self.start.year} t/m {self.end.day}-{self.end.month}-{self.end.year}"

    def as_dict(self) -> dict[str, str]:
        """ISO dates, for metadata and the audit log."""
        return {"start": self.start.date().isoformat(), "end": self.end.date().isoformat()}


@dataclass(frozen=True)
class Classification:
    """How values are put in colour classes; the user can change it.

    ``scheme``: ``quantiles``, ``natural_breaks`` (Fisher-Jenks via mapclassify), ``equal_interval``
    or ``fixed`` (then ``bins`` holds the upper bounds of the classes).
    """

    scheme: str = "quantiles"
    k: int = 5
    bins: tuple[float, ...] | None = None

    SCHEMES: ClassVar[tuple[str, ...]] = ("quantiles", "natural_breaks", "equal_interval", "fixed")

    def __post_init__(self) -> None:
        if self.scheme not in self.SCHEMES:
            raise UsageError(tr("indeling {scheme} is niet toegestaan; kies uit: {schemes}", scheme=repr(self.scheme), schemes=", ".join(self.SCHEMES)))
        if self.scheme == "fixed" and not self.bins:
            raise UsageError(tr("een vaste indeling heeft klassengrenzen nodig (de bovengrenzen van de klassen)"))

    def upper_bounds(self, values: "np.ndarray | pd.Series") -> np.ndarray:
        """Upper bounds of the classes for these values (NaN ignored); at least one class."""
        import mapclassify

        v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce").dropna(), dtype=float)
        if self.scheme == "fixed":
            bins = np.asarray(self.bins, dtype=float)
            if len(v) and v.max() > bins[-1]:
                bins = np.append(bins, v.max())
            return bins
        if len(v) == 0:
            return np.array([0.0])
        uniq = np.unique(v)
        k = int(min(self.k, len(uniq)))
        if k <= 1:
            return np.array([uniq[-1]])
        if self.scheme == "quantiles":
            c = mapclassify.Quantiles(v, k=k)
        elif self.scheme == "natural_breaks":
            import warnings

            with warnings.catch_warnings():  # "Numba not installed": fine for the sizes used here
                warnings.simplefilter("ignore")
                c = (mapclassify.FisherJenks(v, k=k) if len(v) <= 2000
                     else mapclassify.FisherJenksSampled(v, k=k, pct=min(1.0, 2000 / len(v))))
        else:
            c = mapclassify.EqualInterval(v, k=k)
        return np.unique(np.asarray(c.bins, dtype=float))

    def classify(self, values: "np.ndarray | pd.Series", bins: np.ndarray | None = None) -> np.ndarray:
        """Class index per value (0 = lowest), -1 for NaN."""
        v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
        bins = self.upper_bounds(v) if bins is None else bins
        idx = np.searchsorted(bins, v, side="left")
        idx = np.minimum(idx, len(bins) - 1)
        idx[np.isnan(v)] = -1
        return idx


@dataclass(frozen=True)
class Measure:
    """What one figure is and how it looks: the single source of its label, unit and colours.

    ``kind``: ``count`` (a number of persons/addresses/events: suppressed below the threshold and
    rounded on export), ``share`` / ``rate`` / ``ratio`` (derived from counts: suppressed together with
    the counts named in ``suppress_with``), ``points`` (address-level points), ``surface`` (a raster),
    ``outline`` (district boundaries), ``category`` (a status per address), ``area`` (not disclosive).

    A derived figure names the counts it is built from: ``scale * numerator / denominator`` (divided
    by the window in years when ``per_year``), so disclosure control can recompute it from the
    *published* (rounded) counts. ``additive``: the figure of a gebied is the sum of its wijken (not so
    for distinct landlords), which secondary suppression relies on.
    """

    key: str
    label: str
    unit: str
    kind: str = "count"
    cmap: str = "YlGnBu"
    classification: Classification = field(default_factory=Classification)
    suppress_with: tuple[str, ...] = ()
    description: str = ""
    numerator: str = ""
    denominator: str = ""
    scale: float = 1.0
    per_year: bool = False
    additive: bool = True

    @property
    def is_count(self) -> bool:
        """True for counts of persons, addresses or events (the ones disclosure control rounds)."""
        return self.kind == "count"

    @property
    def is_area_figure(self) -> bool:
        """True when the measure is a number per address/wijk/gebied (not points, raster or outlines)."""
        return self.kind in {"count", "share", "rate", "ratio", "area", "category"}

    def legend_title(self) -> str:
        """Label with unit, for legends."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


# ----------------------------------------------------------------------------------------------
# Areas and the per-dataset index (address -> wijk -> gebied), computed once per dataset.


def _gebied_codes_of_wijken(wijken: pd.DataFrame) -> pd.Series:
    """Parent gebied code per wijk; derived from the CBS code (BU0599nnnn -> WK0599nn) when missing."""
    derived = "WK" + wijken["code"].astype("string").str.slice(2, 8)
    if "gebied_code" in wijken.columns:
        return wijken["gebied_code"].astype("string").fillna(derived)
    return derived


class DatasetIndex:
    """Integer positions that link the tables, computed once per dataset so aggregation is vectorised.

    ``addr_area[level]``: per address the row position of its wijk/gebied (-1 when unknown).
    """

    def __init__(self, dataset: Dataset):
        ads = dataset.addresses
        self.n_addr = len(ads)
        self.addr_ids = pd.Index(ads["address_id"].astype("string"))
        wijk_codes = pd.Index(dataset.wijken["code"].astype("string"))
        geb_codes = pd.Index(dataset.gebieden["code"].astype("string"))
        self.wijk_gebied = _gebied_codes_of_wijken(dataset.wijken)
        wijk_pos = wijk_codes.get_indexer(ads["wijk_code"].astype("string")) if "wijk_code" in ads else None
        if wijk_pos is None or (wijk_pos < 0).all() and len(ads):
            wijk_pos = self._wijk_by_location(dataset)
        wijk_to_geb = geb_codes.get_indexer(self.wijk_gebied)
        geb_pos = np.where(wijk_pos >= 0, wijk_to_geb[np.maximum(wijk_pos, 0)], -1) if len(wijk_to_geb) else np.full(self.n_addr, -1)
        self.addr_area = _BuildingLazy(self, {
            Level.ADDRESS: np.arange(self.n_addr),
            Level.WIJK: np.asarray(wijk_pos, dtype=np.int64),
            Level.GEBIED: np.asarray(geb_pos, dtype=np.int64),
        })
        self.n_area = _BuildingLazy(self, {Level.ADDRESS: self.n_addr, Level.WIJK: len(wijk_codes),
                                           Level.GEBIED: len(geb_codes)})
        self.area_codes = _BuildingLazy(self, {Level.WIJK: wijk_codes, Level.GEBIED: geb_codes})
        self._dataset_ref = weakref.ref(dataset)
        self.wijk_to_gebied_pos = wijk_to_geb
        self._memo: dict[Any, Any] = {}

    def _add_building_level(self) -> None:
        """Per address the row position of its building (`building_keys`), computed on first use only."""
        from geo_tool.dataset.buildings import building_keys

        dataset = self._dataset_ref()
        keys = building_keys(dataset.addresses.reset_index(drop=True))
        codes, uniques = pd.factorize(keys, sort=True)
        dict.__setitem__(self.addr_area, Level.BUILDING, np.asarray(codes, dtype=np.int64))
        dict.__setitem__(self.n_area, Level.BUILDING, len(uniques))
        dict.__setitem__(self.area_codes, Level.BUILDING, pd.Index(uniques).astype("string"))

    @staticmethod
    def _wijk_by_location(dataset: Dataset) -> np.ndarray:
        """Wijk position per address by point-in-polygon (when addresses carry no wijk_code)."""
        ads = dataset.addresses
        w = dataset.wijken.reset_index(drop=True)
        idx_pt, idx_poly = w.sindex.query(ads.geometry.values, predicate="within")
        out = np.full(len(ads), -1, dtype=np.int64)
        out[idx_pt] = idx_poly
        return out

    def addr_pos(self, address_ids: pd.Series) -> np.ndarray:
        """Row position in `addresses` for each address id (-1 when unknown)."""
        return positions_in(pd.Series(address_ids), self.addr_ids)

    def memo(self, key: Any, compute) -> Any:
        """Cache a per-dataset intermediate (e.g. residents per address on a date)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


class _BuildingLazy(dict):
    """A per-level dict of `DatasetIndex` whose building entry is computed on first access (a city has
    ~100,000 building keys to build; wijk and gebied maps never need them)."""

    def __init__(self, owner: "DatasetIndex", items: dict):
        super().__init__(items)
        self._owner = weakref.ref(owner)

    def __missing__(self, key):
        if key is Level.BUILDING and self._owner() is not None:
            self._owner()._add_building_level()
            return dict.__getitem__(self, key)
        raise KeyError(key)


def building_frame(dataset: Dataset) -> gpd.GeoDataFrame:
    """One point per building (the centroid of its addresses) with ``code`` (building key),
    ``building_id`` (BAG pand id, else empty) and ``wijk_code``, in `DatasetIndex` building order."""
    idx = dataset_index(dataset)
    pos, n = idx.addr_area[Level.BUILDING], idx.n_area[Level.BUILDING]
    a = dataset.addresses.reset_index(drop=True)
    count = np.maximum(np.bincount(pos, minlength=n)[:n], 1)
    x = np.bincount(pos, weights=a.geometry.x.to_numpy(), minlength=n)[:n] / count
    y = np.bincount(pos, weights=a.geometry.y.to_numpy(), minlength=n)[:n] / count
    first = np.full(n, len(a), dtype=np.int64)
    np.minimum.at(first, pos, np.arange(len(a)))  # the first address of each building
    cols: dict[str, Any] = {"code": idx.area_codes[Level.BUILDING].to_numpy()}
    bid = a["building_id"].astype("string").fillna("") if "building_id" in a.columns else pd.Series("", index=a.index)
    cols["building_id"] = bid.to_numpy()[first]
    if "wijk_code" in a.columns:
        cols["wijk_code"] = a["wijk_code"].astype("string").to_numpy()[first]
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(x, y), crs=a.crs or CRS_RD)


def positions_in(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 when absent); Arrow's hash lookup for strings (4x faster)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        if len(index) and index.is_unique:
            va = pa.array(values.astype("string").array)
            ia = pa.array(pd.Series(index).astype("string").array)
            return pc.index_in(va, value_set=ia).fill_null(-1).to_numpy().astype(np.int64)
    except (ImportError, TypeError, ValueError, pa.ArrowException):  # type: ignore[name-defined]
        pass
    return index.get_indexer(values.astype("string"))


_INDEX_CACHE: dict[int, tuple[weakref.ref, tuple[int, int, int], DatasetIndex]] = {}


def dataset_index(dataset: Dataset) -> DatasetIndex:
    """The `DatasetIndex` of a dataset, built on first use and kept while the dataset lives."""
    key = id(dataset)
    sig = (len(dataset.addresses), len(dataset.brp), len(dataset.wijken))
    hit = _INDEX_CACHE.get(key)
    if hit is not None and hit[0]() is dataset and hit[1] == sig:
        return hit[2]
    for k in [k for k, (ref, _, _) in _INDEX_CACHE.items() if ref() is None]:
        del _INDEX_CACHE[k]
    idx = DatasetIndex(dataset)
    _INDEX_CACHE[key] = (weakref.ref(dataset), sig, idx)
    return idx


def sum_by_area(values: np.ndarray, area_pos: np.ndarray, n_area: int) -> np.ndarray:
    """Sum ``values`` into areas by integer position, skipping -1 (vectorised ``np.bincount``)."""
    ok = area_pos >= 0
    return np.bincount(area_pos[ok], weights=np.asarray(values, dtype=float)[ok], minlength=n_area)[:n_area]


def count_by_area(area_pos: np.ndarray, n_area: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Number of items per area (items given by their area position, -1 skipped)."""
    pos = area_pos if mask is None else area_pos[mask]
    pos = pos[pos >= 0]
    return np.bincount(pos, minlength=n_area)[:n_area].astype(np.int64)


def day_numbers(values: "pd.Series", missing: int) -> np.ndarray:
    """Dates as int64 day numbers since 1970 (NaT -> ``missing``), for fast interval arithmetic."""
    s = pd.to_datetime(pd.Series(values), errors="coerce")
    arr = s.to_numpy(dtype="datetime64[ns]")
    out = arr.astype("datetime64[D]").astype(np.int64)
    out[np.isnat(arr)] = missing
    return out


def day_number(ts: pd.Timestamp) -> int:
    """One date as an int64 day number since 1970."""
    return int(np.datetime64(pd.Timestamp(ts).normalize(), "D").astype(np.int64))


FAR_FUTURE = 10**7  # a day number beyond any real date: "still registered"
FAR_PAST = -(10**7)


def safe_ratio(num: np.ndarray, den: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``scale * num / den`` with NaN where the denominator is 0."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(num.shape, np.nan)
    ok = den > 0
    out[ok] = scale * num[ok] / den[ok]
    return out


def area_frame(dataset: Dataset, level: Level) -> gpd.GeoDataFrame:
    """The areas of a level with ``code``, ``name``, (``gebied_code``) and geometry, in row order."""
    level = Level.parse(level)
    if level is Level.WIJK:
        w = dataset.wijken
        out = gpd.GeoDataFrame(
            {"code": w["code"].astype("string").values, "name": w["name"].astype("string").values,
             "gebied_code": _gebied_codes_of_wijken(w).values},
            geometry=w.geometry.values, crs=w.crs or CRS_RD,
        )
    elif level is Level.GEBIED:
        g = dataset.gebieden
        out = gpd.GeoDataFrame(
            {"code": g["code"].astype("string").values, "name": g["name"].astype("string").values},
            geometry=g.geometry.values, crs=g.crs or CRS_RD,
        )
    elif level is Level.BUILDING:
        out = building_frame(dataset)
    else:
        a = dataset.addresses
        cols = {"code": a["address_id"].astype("string").values}
        if "wijk_code" in a.columns:
            cols["wijk_code"] = a["wijk_code"].astype("string").values
        out = gpd.GeoDataFrame(cols, geometry=a.geometry.values, crs=a.crs or CRS_RD)
    return out


# ----------------------------------------------------------------------------------------------
# Layer and the registry.


class Layer:
    """Data + ``aggregate(window, level)`` + style, for one theme (brp, permits, ...).

    Subclasses set ``key``, ``label``, ``sources`` and ``measures`` and implement `_aggregate`, which
    returns one numpy array per area-figure measure in area row order. Parameters (thresholds,
    bandwidths) are constructor keywords listed in ``params``.
    """

    key: ClassVar[str] = ""
    label: ClassVar[str] = ""
    sources: ClassVar[tuple[str, ...]] = ()
    measures: ClassVar[dict[str, Measure]] = {}
    default_measure: ClassVar[str] = ""
    params: ClassVar[dict[str, Any]] = {}
    helpers: ClassVar[dict[str, Measure]] = {}  # counts behind derived figures, not published on their own

    def __init__(self, dataset: Dataset, **params: Any):
        unknown = set(params) - set(self.params)
        if unknown:
            raise UsageError(
                f"layer {self.key!r} has no parameter(s) {sorted(unknown)}; allowed: {sorted(self.params) or 'none'}"
            )
        self.dataset = dataset
        self.options: dict[str, Any] = {**self.params, **params}

    # -- style ------------------------------------------------------------------------------
    def measure(self, key: str | None = None) -> Measure:
        """The `Measure` with this key (the layer's default when None); names the allowed keys when wrong."""
        key = key or self.default_measure
        if key not in self.measures:
            raise UsageError(tr("laag {layer} heeft geen maat {measure}; kies uit: {measures}", layer=repr(self.key), measure=repr(key), measures=", ".join(self.measures)))
        return self.measures[key]

    def style(self, key: str | None = None) -> Measure:
        """How a measure should be drawn (label, unit, colour map, classification)."""
        return self.measure(key)

    def area_measures(self) -> list[Measure]:
        """The measures that are a figure per area (the columns of `aggregate`)."""
        return [m for m in self.measures.values() if m.is_area_figure]

    # -- data -------------------------------------------------------------------------------
    def aggregate(self, window: TimeWindow | None = None, level: "Level | str" = Level.WIJK) -> gpd.GeoDataFrame:
        """Every area figure of this layer per area of ``level`` for ``window`` (unrounded, undisclosed).

        Also holds the layer's `helpers` (the counts behind derived figures, listed in ``attrs["helpers"]``).
        """
        level = Level.parse(level)
        window = window or TimeWindow.default_for(self.dataset)
        idx = dataset_index(self.dataset)
        arrays = self._aggregate(window, level, idx)
        out = area_frame(self.dataset, level)
        for m in self.area_measures():
            if m.key in arrays:
                out[m.key] = arrays[m.key]
        out.attrs["measures"] = {m.key: m for m in self.area_measures() if m.key in arrays}
        for key in self.helpers:  # the counts behind derived figures, for disclosure control only
            if key in arrays:
                out[key] = arrays[key]
        out.attrs["helpers"] = {k: m for k, m in self.helpers.items() if k in arrays}
        out.attrs["window"] = window.as_dict()
        out.attrs["level"] = level.value
        return out

    def _aggregate(self, window: TimeWindow, level: Level, idx: DatasetIndex) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def points(self, window: TimeWindow | None = None) -> gpd.GeoDataFrame:
        """Address-level points of this layer (only for layers with a ``points`` measure)."""
        raise UsageError(tr("laag {layer} heeft geen punten", layer=repr(self.key)))

    def point_category_column(self) -> str:
        """The column of `points` that holds the category drawn in colour."""
        return "category"

    def point_categories(self) -> dict[str, str]:
        """Dutch label per category value of `points`."""
        return {}


LAYERS: dict[str, type[Layer]] = {}


def register(cls: type[Layer]) -> type[Layer]:
    """Class decorator: add a layer to `LAYERS` (figure keys are table columns, so unique across layers)."""
    taken = {k for other in LAYERS.values() if other.key != cls.key for k, m in other.measures.items() if m.is_area_figure}
    clash = taken & {k for k, m in cls.measures.items() if m.is_area_figure}
    if clash:
        raise ValueError(f"measure keys {sorted(clash)} of layer {cls.key!r} are used by another layer")
    LAYERS[cls.key] = cls
    return cls


@dataclass
class LayerSelection:
    """One entry of a map: a layer with the measure to draw (``"brp:eum_share"``)."""

    layer: Layer
    measure: Measure
    explicit: bool = True

    @property
    def spec(self) -> str:
        """The spec string this selection stands for."""
        return f"{self.layer.key}:{self.measure.key}"

    def aggregate(self, window: TimeWindow | None = None, level: "Level | str" = Level.WIJK) -> gpd.GeoDataFrame:
        """All figures of the layer (so disclosure control can see the counts behind a share)."""
        return self.layer.aggregate(window, level)


def parse_spec(spec: str) -> tuple[str, str | None]:
    """``"brp:eum_share"`` -> ``("brp", "eum_share")``; ``"brp"`` -> ``("brp", None)``."""
    spec = str(spec).strip()
    key, _, measure = spec.partition(":")
    return key.strip().lower(), (measure.strip() or None)


def layer_from_spec(spec: str, dataset: Dataset, **params: Any) -> LayerSelection:
    """Build the layer named in ``"layer[:measure]"`` for a dataset; names the allowed layers when wrong."""
    from geo_tool import layers as _  # noqa: F401  (fills LAYERS)

    key, measure = parse_spec(spec)
    if key not in LAYERS:
        raise UsageError(tr("onbekende laag {layer} in {spec}; kies uit: {layers}", layer=repr(key), spec=repr(spec), layers=", ".join(sorted(LAYERS))))
    layer = LAYERS[key](dataset, **params)
    return LayerSelection(layer, layer.measure(measure), explicit=measure is not None)


def all_specs() -> list[str]:
    """Every ``layer:measure`` spec that exists, for help texts and the UI."""
    from geo_tool import layers as _  # noqa: F401

    return [f"{k}:{m}" for k, cls in LAYERS.items() for m in cls.measures]
