"""Features per address as of a date D, computed only from data dated strictly before D.

One function, `features_for_queries`, serves training (one row per past visit, features as of
the visit date) and ranking (every address, features as of the ranking date), so the model
never sees a feature that the ranking cannot compute, and the leakage test covers both.

Everything is vectorised: events are sorted once by (group, day) into integer keys and every
count "in group g between day a and day b" is two `np.searchsorted` calls. No loop runs over
addresses; the only loops are over event types, complaint categories and month snapshots.

Excluded on purpose (never read here): nationality or nationality group, birth year or age, sex,
and anything derived from them (such as the EU labour migrant share).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.dataset.buildings import building_keys
from geo_tool.model.neighbourhood import RADII_M, GridCounter, snapshot_days

#: Bump when a feature is added, removed or changes meaning; a saved model with another value is refused.
FEATURE_SET_VERSION = "3"

#: Columns of brp/addresses that must never become features (nor be used to build one).
EXCLUDED_ATTRIBUTES = ("nationality_group", "nationality", "birth_year", "age", "sex", "gender", "eum", "eum_share")

COMPLAINT_CATEGORIES = ("woonoverlast", "overbewoning", "afval", "geluid", "verkamering", "uitbuiting", "overig")
PERMIT_STATUS_VALUES = ("none", "applied", "granted", "refused", "revoked", "exempt", "expired")

#: Smoothing strength (pseudo-visits) for rates computed on few inspections.
LANDLORD_SMOOTHING_VISITS = 5.0
WIJK_SMOOTHING_VISITS = 20.0

_DAY0 = -30_000  # days since 1970 of the earliest representable day (before 1900-01-01)
_SPAN = 120_000  # days per group in the sorted keys (beyond 2100-12-31)

NUMERIC_FEATURES_V1: tuple[str, ...] = (
    "persons_now",
    "persons_per_10m2",
    "persons_vs_wijk_median",
    "registrations_3m",
    "registrations_12m",
    "deregistrations_3m",
    "deregistrations_12m",
    "spells_12m",
    "rni_now",
    *(f"complaints_{c}_{w}d" for c in COMPLAINT_CATEGORIES for w in (90, 365)),
    "complaints_total_90d",
    "complaints_total_365d",
    "days_since_complaint",
    "landlord_portfolio_size",
    "landlord_violation_rate",
    "landlord_inspections",
    "inspections_before",
    "violations_before",
    "no_access_before",
    "days_since_inspection",
    "last_inspection_violation",
    "building_year",
    "floor_area_m2",
    "wijk_complaints_per_100_addresses_365d",
    "wijk_violation_rate",
    "wijk_permit_share",
)
#: Feature set 2 (issue 11): what a municipality can see around an address.
BUILDING_FEATURES: tuple[str, ...] = (
    "building_units", "building_complaints_90d_other", "building_complaints_365d_other",
    "building_persons_per_10m2_other", "building_registrations_12m_other", "building_violations_other",
    "building_no_access_other", "building_days_since_violation",
)
NEIGHBOURHOOD_FEATURES: tuple[str, ...] = tuple(
    f"near_{kind}_{r}m" for kind in ("complaints_365d", "findings_730d", "registrations_365d") for r in RADII_M)
LANDLORD_FEATURES: tuple[str, ...] = (
    "landlord_wijken", "landlord_violations_other", "landlord_no_access_other", "landlord_refused_revoked",
    "landlord_acquisitions_12m",
)
REGISTER_FEATURES: tuple[str, ...] = (
    "persons_12m_per_10m2", "short_spells_12m", "arrivals_together_12m", "registered_since_finding",
    "rni_registrations_12m",
)
HISTORY_FEATURES: tuple[str, ...] = ("no_access_365d", "days_since_violation")
#: Feature set 3: what the register shows since the last visit and in the last weeks. After a finding the
#: occupants of a resolved case leave (deregistrations) and a still-packed unit keeps receiving new ones; a
#: ranking that only sees "violation found 40 days ago" cannot tell the two apart.
DYNAMICS_FEATURES: tuple[str, ...] = (
    "registrations_1m", "deregistrations_1m", "persons_change_3m", "arrivals_since_visit", "departures_since_visit",
    "arrivals_since_finding", "departures_since_finding", "persons_change_since_finding",
)
#: Every feature the builder computes (the reasons, the model card and the ablations see them all).
NUMERIC_FEATURES: tuple[str, ...] = (NUMERIC_FEATURES_V1 + BUILDING_FEATURES + NEIGHBOURHOOD_FEATURES
                                     + LANDLORD_FEATURES + REGISTER_FEATURES + HISTORY_FEATURES + DYNAMICS_FEATURES)
#: The groups added after today's model (set 1), by the name an ablation drops (`-building`) or adds (`+register`) them with.
NEW_FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "building": BUILDING_FEATURES, "neighbourhood": NEIGHBOURHOOD_FEATURES, "landlord": LANDLORD_FEATURES,
    "register": REGISTER_FEATURES, "history": HISTORY_FEATURES, "dynamics": DYNAMICS_FEATURES,
}
#: The groups the model uses on top of set 1 (feature set 3). Left out, though computed: the neighbourhood
#: (25-250 m) and the set-2 register group. Added one at a time to the model's features on the development
#: demos (city, seeds 21 and 22, 12 dates), each lowered precision@40 (neighbourhood 0.875 -> 0.858, register
#: 0.875 -> 0.842); all set-2 groups together 0.875 -> 0.819. On 18 evaluations of seeds not developed on,
#: every group's effect (dropped or added) is within +-0.01 of 0.826: none of them clearly helps or hurts
#: (benchmarks/results/eval_model_city.md).
MODEL_GROUPS: tuple[str, ...] = ("dynamics", "building", "landlord", "history")
MODEL_FEATURES: tuple[str, ...] = NUMERIC_FEATURES_V1 + tuple(c for g in MODEL_GROUPS for c in NEW_FEATURE_GROUPS[g])
SHORT_SPELL_DAYS = 91
CATEGORICAL_FEATURES: tuple[str, ...] = ("permit_status",)
FEATURE_NAMES: tuple[str, ...] = NUMERIC_FEATURES + CATEGORICAL_FEATURES


def to_day(value) -> int:
    """Days since 1970-01-01 of a date-like value (the integer time axis of this module)."""
    return int((pd.Timestamp(value).normalize() - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1))


def _days(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer days of a datetime column and a mask of the non-missing ones."""
    values = pd.to_datetime(series).to_numpy(dtype="datetime64[D]")
    valid = ~np.isnat(values)
    out = np.zeros(len(values), dtype=np.int64)
    out[valid] = values[valid].astype(np.int64)
    return out, valid


class _EventIndex:
    """Events sorted by (group, day) so that per-group counts in a window are two searchsorted calls."""

    def __init__(self, group: np.ndarray, day: np.ndarray, weights: dict[str, np.ndarray] | None = None):
        group = np.asarray(group, dtype=np.int64)
        day = np.clip(np.asarray(day, dtype=np.int64) - _DAY0, 0, _SPAN - 1)
        keep = group >= 0
        keys = group[keep] * _SPAN + day[keep]
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.cum = {}
        for name, w in (weights or {}).items():
            w = np.asarray(w, dtype=np.float64)[keep][order]
            self.cum[name] = np.concatenate([[0.0], np.cumsum(w)])

    def _pos(self, group: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Number of events before (group, day), i.e. position of the first event at or after it."""
        day = np.clip(np.asarray(day, dtype=np.int64) - _DAY0, 0, _SPAN - 1)
        return np.searchsorted(self.keys, np.asarray(group, dtype=np.int64) * _SPAN + day, side="left")

    def count(self, group: np.ndarray, start_day, end_day, weight: str | None = None) -> np.ndarray:
        """Events (or summed weights) of each group with start_day <= day < end_day; group -1 gives 0."""
        group = np.asarray(group, dtype=np.int64)
        lo = self._pos(np.maximum(group, 0), start_day)
        hi = self._pos(np.maximum(group, 0), end_day)
        if weight is None:
            out = (hi - lo).astype(np.float64)
        else:
            out = self.cum[weight][hi] - self.cum[weight][lo]
        out[group < 0] = 0.0
        return out

    def before(self, group: np.ndarray, end_day, weight: str | None = None) -> np.ndarray:
        """Events (or summed weights) of each group strictly before end_day."""
        return self.count(group, np.full(len(group), _DAY0), end_day, weight)

    def last_before(self, group: np.ndarray, end_day) -> tuple[np.ndarray, np.ndarray]:
        """Sorted position and day of each group's last event strictly before end_day (-1 / NaN when none)."""
        group = np.asarray(group, dtype=np.int64)
        pos = self._pos(np.maximum(group, 0), end_day) - 1
        ok = (pos >= 0) & (group >= 0)
        ok[ok] = self.keys[pos[ok]] >= group[ok] * _SPAN
        day = np.full(len(group), np.nan)
        day[ok] = (self.keys[pos[ok]] % _SPAN) + _DAY0
        pos = np.where(ok, pos, -1)
        return pos, day


def _sorted_order(group: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The order in which `_EventIndex` stores events (to look up attributes of the last event)."""
    keep = np.flatnonzero(np.asarray(group) >= 0)
    keys = np.asarray(group, dtype=np.int64)[keep] * _SPAN + np.clip(np.asarray(day, dtype=np.int64) - _DAY0, 0, _SPAN - 1)[keep]
    return keep[np.argsort(keys, kind="stable")]


class FeatureBuilder:
    """Sorted event indexes of one dataset, built once, then queried for any (address, date) pairs.

    Building the indexes reads the whole dataset (including data after any query date);
    every query only counts events strictly before its own date.
    """

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        addresses = dataset.addresses
        self.address_ids = pd.Index(addresses["address_id"].astype("string"))
        n = len(addresses)
        wijk = addresses["wijk_code"].astype("string") if "wijk_code" in addresses else pd.Series(pd.NA, index=addresses.index, dtype="string")
        self.wijk_codes = pd.Index(sorted(set(wijk.dropna().tolist())))
        self.address_wijk = self.wijk_codes.get_indexer(wijk.fillna("\x00")).astype(np.int64)
        self.addresses_per_wijk = np.bincount(self.address_wijk[self.address_wijk >= 0], minlength=len(self.wijk_codes)).astype(float)
        self.floor_area_m2 = _float_column(addresses, "floor_area_m2", n)
        self.building_year = _float_column(addresses, "building_year", n)
        self.building = pd.factorize(building_keys(addresses))[0].astype(np.int64)
        self.building_units = np.bincount(self.building).astype(float)
        self.building_area = np.bincount(self.building, weights=np.nan_to_num(self.floor_area_m2))
        self.x, self.y = _points(addresses)
        self.grid = GridCounter(self.x, self.y)
        self._build_brp(dataset.brp)
        self._build_complaints(dataset.complaints)
        self._build_permits(dataset.permits)
        self._build_inspections(dataset.inspections)
        self._median_cache: dict[int, np.ndarray] = {}

    # -- indexes -------------------------------------------------------------------------------
    def _addr(self, ids: pd.Series) -> np.ndarray:
        return self.address_ids.get_indexer(ids.astype("string").fillna("\x00")).astype(np.int64)

    def _build_brp(self, brp: pd.DataFrame) -> None:
        a = self._addr(brp["address_id"])
        start, start_ok = _days(brp["registered_from"])
        end, end_ok = _days(brp["registered_until"]) if "registered_until" in brp else (np.zeros(len(brp), np.int64), np.zeros(len(brp), bool))
        rni = brp["rni"].fillna(False).to_numpy(dtype=bool) if "rni" in brp else np.zeros(len(brp), bool)
        self.spell_start = _EventIndex(np.where(start_ok, a, -1), start)
        self.spell_end = _EventIndex(np.where(end_ok & start_ok, a, -1), end)
        self.rni_start = _EventIndex(np.where(start_ok & rni, a, -1), start)
        self.rni_end = _EventIndex(np.where(start_ok & end_ok & rni, a, -1), end)
        ok = start_ok & (a >= 0)
        b = np.where(ok, self.building[np.maximum(a, 0)], -1)
        self.b_spell_start = _EventIndex(b, start)
        self.b_spell_end = _EventIndex(np.where(end_ok, b, -1), end)
        short = (end_ok & (end - start < SHORT_SPELL_DAYS)).astype(float)
        self.short_end = _EventIndex(np.where(end_ok & ok, a, -1), end, {"short": short})
        same_day = pd.DataFrame({"a": a, "d": start}).groupby(["a", "d"])["a"].transform("size").to_numpy() > 1
        self.together_start = _EventIndex(np.where(ok & same_day, a, -1), start)
        aa = np.maximum(a, 0)
        self.grid.add_events("registrations", self.x[aa], self.y[aa], np.where(ok, start, _DAY0), ok.astype(float))

    def _build_complaints(self, complaints: pd.DataFrame) -> None:
        day, ok = _days(complaints["received_on"])
        a = self._addr(complaints["address_id"]) if "address_id" in complaints else np.full(len(complaints), -1)
        cats = complaints["category"].astype("string").str.lower().fillna("overig")
        cat = pd.Index(COMPLAINT_CATEGORIES).get_indexer(cats)
        cat = np.where(cat < 0, COMPLAINT_CATEGORIES.index("overig"), cat)
        a = np.where(ok, a, -1)
        self.n_categories = len(COMPLAINT_CATEGORIES)
        self.complaint_addr = _EventIndex(a, day)
        self.complaint_addr_cat = _EventIndex(np.where(a >= 0, a * self.n_categories + cat, -1), day)
        if "wijk_code" in complaints:
            w = self.wijk_codes.get_indexer(complaints["wijk_code"].astype("string").fillna("\x00"))
        else:
            w = np.full(len(complaints), -1)
        w = np.where((w < 0) & (a >= 0), self.address_wijk[np.maximum(a, 0)], w)
        self.complaint_wijk = _EventIndex(np.where(ok, w, -1), day)
        self.complaint_building = _EventIndex(np.where(a >= 0, self.building[np.maximum(a, 0)], -1), day)
        cx, cy = _points(complaints) if len(complaints) else (np.zeros(0), np.zeros(0))
        aa = np.maximum(a, 0)
        cx = np.where(np.isfinite(cx), cx, np.where(a >= 0, self.x[aa], np.nan))
        cy = np.where(np.isfinite(cy), cy, np.where(a >= 0, self.y[aa], np.nan))
        self.grid.add_events("complaints", cx, cy, day, ok.astype(float))

    def _build_permits(self, permits: pd.DataFrame) -> None:
        a = self._addr(permits["address_id"])
        start, ok = _days(permits["valid_from"])
        until, until_ok = _days(permits["valid_until"]) if "valid_until" in permits else (np.zeros(len(permits), np.int64), np.zeros(len(permits), bool))
        a = np.where(ok, a, -1)
        self.permit_index = _EventIndex(a, start)
        order = _sorted_order(a, start)
        status = permits["status"].astype("string").str.lower().fillna("applied").to_numpy(dtype=object)
        self.permit_status_sorted = status[order]
        self.permit_until_sorted = np.where(until_ok, until, np.iinfo(np.int64).max)[order]
        landlord = permits["landlord_id"].astype("string") if "landlord_id" in permits else pd.Series(pd.NA, index=permits.index, dtype="string")
        self.landlord_ids = pd.Index(sorted(set(landlord.dropna().tolist())))
        lid = self.landlord_ids.get_indexer(landlord.fillna("\x00")).astype(np.int64)
        self.permit_landlord_sorted = lid[order]
        # portfolio: each (landlord, address) counted from its first permit record
        frame = pd.DataFrame({"l": lid, "a": a, "d": start})
        frame = frame[(frame.l >= 0) & (frame.a >= 0)]
        first = frame.groupby(["l", "a"], sort=False)["d"].min().reset_index()
        self.portfolio = _EventIndex(first["l"].to_numpy(), first["d"].to_numpy())
        # wijk permit share: each address counted from its first permit record
        fa = pd.DataFrame({"a": a, "d": start})[a >= 0].groupby("a")["d"].min()
        self.permit_wijk = _EventIndex(self.address_wijk[fa.index.to_numpy(dtype=np.int64)], fa.to_numpy())
        # landlord spread over wijken: each (landlord, wijk) counted from its first permit record
        frame["w"] = self.address_wijk[frame["a"].to_numpy()]
        lw = frame[frame.w >= 0].groupby(["l", "w"], sort=False)["d"].min().reset_index()
        self.landlord_wijk = _EventIndex(lw["l"].to_numpy(), lw["d"].to_numpy())
        bad = np.isin(status, ["refused", "revoked"])
        self.landlord_refusals = _EventIndex(np.where(bad & ok, lid, -1), start)

    def _landlord_at(self, addr: np.ndarray, day) -> np.ndarray:
        """Landlord index of each address's latest permit record strictly before `day` (-1 when none)."""
        pos, _ = self.permit_index.last_before(addr, day)
        out = np.full(len(addr), -1, dtype=np.int64)
        ok = pos >= 0
        out[ok] = self.permit_landlord_sorted[pos[ok]]
        return out

    def _build_inspections(self, inspections: pd.DataFrame) -> None:
        a = self._addr(inspections["address_id"])
        day, ok = _days(inspections["visited_on"])
        outcome = inspections["outcome"].astype("string").str.lower().fillna("")
        violation = (outcome == "violation").to_numpy(dtype=float)
        no_access = (outcome == "no_access").to_numpy(dtype=float)
        decided = outcome.isin(["violation", "no_violation"]).to_numpy(dtype=bool)
        a = np.where(ok, a, -1)
        self.insp_all = _EventIndex(a, day, {"violation": violation, "no_access": no_access})
        ad = np.where(decided, a, -1)
        self.insp_decided = _EventIndex(ad, day, {"violation": violation})
        self.insp_decided_violation_sorted = violation[_sorted_order(ad, day)]
        self.insp_global = _EventIndex(np.where(ad >= 0, 0, -1), day, {"violation": violation})
        w = np.where(ad >= 0, self.address_wijk[np.maximum(ad, 0)], -1)
        self.insp_wijk = _EventIndex(w, day, {"violation": violation})
        landlord = self._landlord_at(np.maximum(ad, 0), day)
        self.insp_landlord = _EventIndex(np.where(ad >= 0, landlord, -1), day, {"violation": violation})
        landlord_all = self._landlord_at(np.maximum(a, 0), day)
        self.insp_landlord_all = _EventIndex(np.where(a >= 0, landlord_all, -1), day,
                                             {"violation": violation, "no_access": no_access})
        b = np.where(a >= 0, self.building[np.maximum(a, 0)], -1)
        self.insp_building = _EventIndex(b, day, {"violation": violation, "no_access": no_access})
        self.viol_addr = _EventIndex(np.where(violation > 0, a, -1), day)
        self.viol_building = _EventIndex(np.where(violation > 0, b, -1), day)
        aa = np.maximum(a, 0)
        self.grid.add_events("findings", self.x[aa], self.y[aa], np.where(a >= 0, day, _DAY0), violation * (a >= 0))

    # -- queries -------------------------------------------------------------------------------
    def persons_at(self, addr: np.ndarray, day) -> np.ndarray:
        """Persons registered at each address on `day`, from registrations strictly before it."""
        return self.spell_start.before(addr, day) - self.spell_end.before(addr, day)

    def _wijk_median_persons(self, month_day: int) -> np.ndarray:
        """Median registered persons over occupied dwellings per wijk on `month_day` (a snapshot).

        Snapshots are taken on the first day of each quarter (<= the query date, so never later data):
        the median moves slowly, and one snapshot per training month cost seconds on the city.
        """
        if month_day not in self._median_cache:
            n = len(self.address_ids)
            persons = self.persons_at(np.arange(n), np.full(n, month_day))
            frame = pd.DataFrame({"w": self.address_wijk, "p": persons})
            frame = frame[(frame.w >= 0) & (frame.p > 0)]
            med = frame.groupby("w")["p"].median()
            out = np.full(len(self.wijk_codes), np.nan)
            out[med.index.to_numpy()] = med.to_numpy()
            self._median_cache[month_day] = out
        return self._median_cache[month_day]

    def features(self, address_ids: pd.Series | np.ndarray, as_of_days: np.ndarray) -> pd.DataFrame:
        """Feature rows for (address, as_of day) pairs; only events strictly before each day count."""
        addr = self._addr(pd.Series(np.asarray(address_ids, dtype=object)))
        d = np.asarray(as_of_days, dtype=np.int64)
        n = len(addr)
        valid = addr >= 0
        addr = np.where(valid, addr, -1)
        out: dict[str, np.ndarray] = {}

        persons = self.persons_at(addr, d)
        out["persons_now"] = persons
        area = np.where(valid, self.floor_area_m2[np.maximum(addr, 0)], np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["persons_per_10m2"] = np.where(area > 0, persons * 10.0 / area, np.nan)
        wijk = np.where(valid, self.address_wijk[np.maximum(addr, 0)], -1)
        month = _quarter_start_days(d)
        median = np.full(n, np.nan)
        for m in np.unique(month):
            sel = month == m
            med = self._wijk_median_persons(int(m))
            w = wijk[sel]
            median[sel] = np.where(w >= 0, med[np.maximum(w, 0)], np.nan)
        out["persons_vs_wijk_median"] = persons / np.maximum(np.nan_to_num(median, nan=1.0), 1.0)
        out["registrations_3m"] = self.spell_start.count(addr, d - 91, d)
        out["registrations_12m"] = self.spell_start.count(addr, d - 365, d)
        out["deregistrations_3m"] = self.spell_end.count(addr, d - 91, d)
        out["deregistrations_12m"] = self.spell_end.count(addr, d - 365, d)
        out["spells_12m"] = self.spell_start.before(addr, d) - self.spell_end.before(addr, d - 364)
        out["rni_now"] = self.rni_start.before(addr, d) - self.rni_end.before(addr, d)

        total90 = np.zeros(n)
        total365 = np.zeros(n)
        for i, cat in enumerate(COMPLAINT_CATEGORIES):
            g = np.where(addr >= 0, addr * self.n_categories + i, -1)
            c90 = self.complaint_addr_cat.count(g, d - 90, d)
            c365 = self.complaint_addr_cat.count(g, d - 365, d)
            out[f"complaints_{cat}_90d"], out[f"complaints_{cat}_365d"] = c90, c365
            total90 += c90
            total365 += c365
        out["complaints_total_90d"], out["complaints_total_365d"] = total90, total365
        _, last = self.complaint_addr.last_before(addr, d)
        out["days_since_complaint"] = d - last

        landlord = self._landlord_at(addr, d)
        out["landlord_portfolio_size"] = np.where(landlord >= 0, self.portfolio.before(landlord, d), 0.0)
        prior = _smoothed_rate(self.insp_global.before(np.zeros(n, np.int64), d, "violation"), self.insp_global.before(np.zeros(n, np.int64), d), 0.0, 0.0, fallback=0.3)
        l_v = self.insp_landlord.before(landlord, d, "violation")
        l_n = self.insp_landlord.before(landlord, d)
        out["landlord_violation_rate"] = np.where(landlord >= 0, _smoothed_rate(l_v, l_n, prior, LANDLORD_SMOOTHING_VISITS), np.nan)
        out["landlord_inspections"] = l_n

        out["inspections_before"] = self.insp_all.before(addr, d)
        out["violations_before"] = self.insp_all.before(addr, d, "violation")
        out["no_access_before"] = self.insp_all.before(addr, d, "no_access")
        _, last = self.insp_all.last_before(addr, d)
        out["days_since_inspection"] = d - last
        pos, _ = self.insp_decided.last_before(addr, d)
        lastv = np.full(n, np.nan)
        lastv[pos >= 0] = self.insp_decided_violation_sorted[pos[pos >= 0]]
        out["last_inspection_violation"] = lastv

        out["building_year"] = np.where(valid, self.building_year[np.maximum(addr, 0)], np.nan)
        out["floor_area_m2"] = area
        n_addr = np.where(wijk >= 0, self.addresses_per_wijk[np.maximum(wijk, 0)], np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["wijk_complaints_per_100_addresses_365d"] = self.complaint_wijk.count(wijk, d - 365, d) * 100.0 / n_addr
            out["wijk_permit_share"] = self.permit_wijk.before(wijk, d) / n_addr
        w_v = self.insp_wijk.before(wijk, d, "violation")
        w_n = self.insp_wijk.before(wijk, d)
        out["wijk_violation_rate"] = np.where(wijk >= 0, _smoothed_rate(w_v, w_n, prior, WIJK_SMOOTHING_VISITS), np.nan)

        self._context_features(addr, valid, d, area, out)
        out["permit_status"] = self._permit_status(addr, d)
        frame = pd.DataFrame({name: out[name] for name in NUMERIC_FEATURES})
        frame = frame.astype("float64")
        frame["permit_status"] = pd.Categorical(out["permit_status"], categories=PERMIT_STATUS_VALUES)
        return frame

    def _context_features(self, addr: np.ndarray, valid: np.ndarray, d: np.ndarray, area: np.ndarray,
                          out: dict[str, np.ndarray]) -> None:
        """Feature set 2: the building, the neighbourhood, the landlord, register dynamics, visit history."""
        a0 = np.maximum(addr, 0)
        b = np.where(valid, self.building[a0], -1)
        units = np.where(valid, self.building_units[np.maximum(b, 0)], np.nan)
        out["building_units"] = units
        out["building_complaints_90d_other"] = self.complaint_building.count(b, d - 90, d) - out["complaints_total_90d"]
        out["building_complaints_365d_other"] = self.complaint_building.count(b, d - 365, d) - out["complaints_total_365d"]
        b_persons = self.b_spell_start.before(b, d) - self.b_spell_end.before(b, d) - out["persons_now"]
        other_area = np.where(valid, self.building_area[np.maximum(b, 0)], 0.0) - np.nan_to_num(area)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["building_persons_per_10m2_other"] = np.where(
                other_area > 0, b_persons * 10.0 / other_area, np.where(units > 1, np.nan, 0.0))
            out["persons_12m_per_10m2"] = np.where(area > 0, out["spells_12m"] * 10.0 / area, np.nan)
        out["building_registrations_12m_other"] = self.b_spell_start.count(b, d - 365, d) - out["registrations_12m"]
        out["building_violations_other"] = self.insp_building.before(b, d, "violation") - out["violations_before"]
        out["building_no_access_other"] = self.insp_building.before(b, d, "no_access") - out["no_access_before"]
        _, last_b = self.viol_building.last_before(b, d)
        out["building_days_since_violation"] = d - last_b
        snap = snapshot_days(d)
        own = {"complaints_365d": out["complaints_total_365d"], "registrations_365d": out["registrations_12m"],
               "findings_730d": self.viol_addr.count(addr, d - 730, d)}
        for kind, event, window in (("complaints_365d", "complaints", 365), ("findings_730d", "findings", 730),
                                    ("registrations_365d", "registrations", 365)):
            # the window ends at the quarter's first day (the snapshot): never later than d
            near = self.grid.counts(event, self.x[a0], self.y[a0], window, snap)
            for r, values in near.items():
                out[f"near_{kind}_{r}m"] = np.where(valid, np.maximum(values - own[kind], 0.0), np.nan)
        landlord = self._landlord_at(addr, d)
        has = landlord >= 0
        out["landlord_wijken"] = np.where(has, self.landlord_wijk.before(landlord, d), 0.0)
        out["landlord_violations_other"] = np.where(
            has, self.insp_landlord_all.before(landlord, d, "violation") - out["violations_before"], 0.0).clip(0)
        out["landlord_no_access_other"] = np.where(
            has, self.insp_landlord_all.before(landlord, d, "no_access") - out["no_access_before"], 0.0).clip(0)
        out["landlord_refused_revoked"] = np.where(has, self.landlord_refusals.before(landlord, d), 0.0)
        out["landlord_acquisitions_12m"] = np.where(has, self.portfolio.count(landlord, d - 365, d), 0.0)
        out["short_spells_12m"] = self.short_end.count(addr, d - 365, d, "short")
        out["arrivals_together_12m"] = self.together_start.count(addr, d - 365, d)
        _, last_v = self.viol_addr.last_before(addr, d)
        out["days_since_violation"] = d - last_v
        # persons still registered who were already registered when the last violation was found
        since = np.where(np.isfinite(last_v), last_v, d).astype(np.int64)
        stayed = self.spell_start.before(addr, since) - self.spell_end.before(addr, d)
        out["registered_since_finding"] = np.where(np.isfinite(last_v), np.clip(stayed, 0, None), 0.0)
        out["rni_registrations_12m"] = self.rni_start.count(addr, d - 365, d)
        out["no_access_365d"] = self.insp_all.count(addr, d - 365, d, "no_access")
        self._dynamics_features(addr, d, last_v, out)

    def _dynamics_features(self, addr: np.ndarray, d: np.ndarray, last_v: np.ndarray, out: dict[str, np.ndarray]) -> None:
        """Feature set 3: register movements in the last weeks, since the last visit and since the last finding."""
        out["registrations_1m"] = self.spell_start.count(addr, d - 31, d)
        out["deregistrations_1m"] = self.spell_end.count(addr, d - 31, d)
        out["persons_change_3m"] = out["persons_now"] - self.persons_at(addr, d - 91)
        _, last_i = self.insp_all.last_before(addr, d)
        for name, last in (("visit", last_i), ("finding", last_v)):
            seen = np.isfinite(last)
            since = np.where(seen, last, d).astype(np.int64)
            out[f"arrivals_since_{name}"] = np.where(seen, self.spell_start.count(addr, since, d), np.nan)
            out[f"departures_since_{name}"] = np.where(seen, self.spell_end.count(addr, since, d), np.nan)
            if name == "finding":
                out["persons_change_since_finding"] = np.where(seen, out["persons_now"] - self.persons_at(addr, since), np.nan)

    def _permit_status(self, addr: np.ndarray, d: np.ndarray) -> np.ndarray:
        """Status of each address's latest permit record before d; granted past valid_until is `expired`."""
        pos, _ = self.permit_index.last_before(addr, d)
        status = np.full(len(addr), "none", dtype=object)
        ok = pos >= 0
        status[ok] = self.permit_status_sorted[pos[ok]]
        expired = ok.copy()
        expired[ok] = (self.permit_until_sorted[pos[ok]] < d[ok]) & (status[ok] == "granted")
        status[expired] = "expired"
        status[~np.isin(status, PERMIT_STATUS_VALUES)] = "none"
        return status


def _points(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """x, y (RD metres) of a frame's point geometry, else its x/y columns, else NaN."""
    n = len(frame)
    if "geometry" in frame and n:
        geom = frame.geometry
        empty = geom.isna() | geom.is_empty
        x = np.where(empty, np.nan, geom.x.to_numpy(dtype=float, na_value=np.nan) if hasattr(geom, "x") else np.nan)
        y = np.where(empty, np.nan, geom.y.to_numpy(dtype=float, na_value=np.nan) if hasattr(geom, "y") else np.nan)
        return x.astype(float), y.astype(float)
    if "x" in frame and "y" in frame:
        return _float_column(frame, "x", n), _float_column(frame, "y", n)
    return np.full(n, np.nan), np.full(n, np.nan)


def _float_column(frame: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in frame:
        return np.full(n, np.nan)
    return pd.to_numeric(frame[name], errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _quarter_start_days(days: np.ndarray) -> np.ndarray:
    """Day number of the first day of the quarter containing each day (the wijk-median snapshots)."""
    months = (np.asarray(days, dtype="int64").astype("datetime64[D]")).astype("datetime64[M]").astype(np.int64)
    return (months - months % 3).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _smoothed_rate(violations, visits, prior, strength, fallback: float | None = None) -> np.ndarray:
    """(violations + strength * prior) / (visits + strength): shrinks small portfolios to the prior."""
    violations = np.asarray(violations, dtype=float)
    visits = np.asarray(visits, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (violations + strength * np.asarray(prior, dtype=float)) / (visits + strength)
    if fallback is not None:
        rate = np.where(visits + strength > 0, rate, fallback)
    return rate


def features_as_of(dataset: Dataset, as_of: dt.date | str, builder: FeatureBuilder | None = None) -> pd.DataFrame:
    """Features of every address as of `as_of` (data strictly before it), indexed by address_id."""
    builder = builder or FeatureBuilder(dataset)
    ids = builder.address_ids
    frame = builder.features(ids.to_numpy(dtype=object), np.full(len(ids), to_day(as_of)))
    frame.index = pd.Index(ids, name="address_id")
    return frame


def training_rows(dataset: Dataset, before: dt.date | str, start: dt.date | str | None = None) -> pd.DataFrame:
    """Past visits usable as labels: outcome violation/no_violation (no_access excluded), visited in [start, before).

    Columns: address_id, visited_on, day, label (1 = violation found), selected_by.
    """
    insp = dataset.inspections
    outcome = insp["outcome"].astype("string").str.lower()
    day, ok = _days(insp["visited_on"])
    keep = ok & outcome.isin(["violation", "no_violation"]).to_numpy(dtype=bool) & (day < to_day(before))
    if start is not None:
        keep &= day >= to_day(start)
    sel = insp["selected_by"].astype("string").fillna("other") if "selected_by" in insp else pd.Series("other", index=insp.index)
    rows = pd.DataFrame(
        {
            "address_id": insp["address_id"].astype("string").to_numpy()[keep],
            "visited_on": pd.to_datetime(insp["visited_on"]).to_numpy()[keep],
            "day": day[keep],
            "label": (outcome.to_numpy(dtype=object)[keep] == "violation").astype(int),
            "selected_by": sel.to_numpy(dtype=object)[keep],
        }
    )
    return rows.sort_values(["day", "address_id"], kind="stable").reset_index(drop=True)
