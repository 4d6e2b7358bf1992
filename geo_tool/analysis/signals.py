"""Monthly signals per wijk: complaints, visits and violations, registrations, moves.

The months are counted from the intervention's start date (month 0 = [start, start + 1 month)), so a
start in the middle of a calendar month still splits before and after exactly at the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.i18n import format_number

#: Hours per home visit when the inspections carry no duration (issue: 1 visit = 0.5 h).
DEFAULT_VISIT_HOURS = 0.5
EUM_GROUPS = ("EU-MOE", "EU-Zuid")
EUM_AGE = (18, 67)

#: Signal key -> Dutch label (what the report shows).
SIGNAL_LABELS: dict[str, str] = {
    "complaints": "meldingen (alle categorieën)",
    "inspections": "huisbezoeken",
    "violations": "gevonden overtredingen",
    "visit_hours": "bezoekuren",
    "eum_registrations": "nieuwe inschrijvingen EU-arbeidsmigranten (18-67, EU-MOE/EU-Zuid)",
    "rni_registrations": "RNI-inschrijvingen",
    "moves_in": "verhuizingen naar de wijk (nieuwe inschrijvingen)",
    "moves_out": "verhuizingen uit de wijk (beëindigde inschrijvingen)",
    "relocations_from_target": "verhuizingen vanuit de doelwijk (binnen 60 dagen ingeschreven)",
    "eum_relocations_from_target": "verhuizingen van EU-arbeidsmigranten vanuit de doelwijk",
    "short_spells": "korte inschrijvingen (korter dan 90 dagen)",
    "registered": "ingeschrevenen (stand aan het begin van de maand)",
    "crowding": "bewoningsdichtheid (ingeschrevenen per 10 m² woonoppervlak)",
}
#: Signal key -> short Dutch label (tab titles, chart legends where the long label does not fit).
SIGNAL_SHORT_LABELS: dict[str, str] = {
    "complaints": "meldingen", "inspections": "huisbezoeken", "violations": "overtredingen",
    "visit_hours": "bezoekuren", "eum_registrations": "EU-inschrijvingen", "rni_registrations": "RNI-inschrijvingen",
    "moves_in": "nieuwe inschrijvingen", "moves_out": "uitschrijvingen",
    "relocations_from_target": "verhuizingen uit de doelwijk",
    "eum_relocations_from_target": "EU-verhuizingen uit de doelwijk", "short_spells": "korte inschrijvingen",
    "registered": "ingeschrevenen", "crowding": "bewoningsdichtheid",
}
#: A registration that ends within this many days is a short spell (seasonal or shifted labour).
SHORT_SPELL_DAYS = 90
#: Register-based signals (not changed by a campaign that raises reporting): what the verdict trusts.
REGISTER_SIGNALS = ("eum_registrations", "rni_registrations", "moves_in", "short_spells", "crowding")


def signal_label(key: str) -> str:
    """The Dutch label of a signal key (complaint categories as `meldingen <categorie>`)."""
    if key.startswith("complaints:"):
        return f"meldingen {key.split(':', 1)[1]}"
    return SIGNAL_LABELS.get(key, key)


def signal_short_label(key: str) -> str:
    """The short Dutch label of a signal key (for tab titles); the long label when there is no short one."""
    if key.startswith("complaints:"):
        return f"meldingen {key.split(':', 1)[1]}"
    return SIGNAL_SHORT_LABELS.get(key) or signal_label(key)


@dataclass
class SignalPanel:
    """Counts per wijk (rows, in ``codes`` order) and month (columns) for every signal.

    ``month_starts`` has one more entry than there are months (the end of the last month);
    ``n_before`` months precede the start. ``residents`` is per wijk (for rates per 1,000).
    """

    codes: np.ndarray
    month_starts: pd.DatetimeIndex
    n_before: int
    counts: dict[str, np.ndarray]
    residents: np.ndarray
    residents_source: str
    notes: list[str] = field(default_factory=list)
    floor_area: np.ndarray | None = None   # residential m² per wijk (NaN when unknown)

    @property
    def n_months(self) -> int:
        """Number of months in the window."""
        return len(self.month_starts) - 1

    def pos(self, codes: "list[str] | np.ndarray") -> np.ndarray:
        """Row positions of wijk codes (-1 for unknown codes)."""
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = {c: i for i, c in enumerate(self.codes)}
            self.__dict__["_lookup"] = lookup
        return np.array([lookup.get(c, -1) for c in codes], dtype=int)

    def series(self, signal: str, codes: "list[str] | np.ndarray") -> np.ndarray:
        """Monthly counts summed over ``codes`` (1-D, length n_months)."""
        p = self.pos(codes)
        return self.counts[signal][p[p >= 0]].sum(axis=0)

    def before_after(self, signal: str, codes: "list[str] | np.ndarray") -> tuple[float, float]:
        """(before, after) totals of a signal over ``codes``."""
        s = self.series(signal, codes)
        return float(s[: self.n_before].sum()), float(s[self.n_before:].sum())

    def residents_of(self, codes: "list[str] | np.ndarray") -> float:
        """Residents summed over ``codes``."""
        p = self.pos(codes)
        return float(self.residents[p[p >= 0]].sum())

    def rate_series(self, signal: str, codes: "list[str] | np.ndarray") -> np.ndarray:
        """Monthly counts per 1,000 residents over ``codes`` (NaN when no residents).

        ``crowding`` is the registered stock per 10 m² of floor area (NaN without floor areas).
        """
        if signal == "crowding":
            p = self.pos(codes)
            p = p[p >= 0]
            fa = float(np.nansum(self.floor_area[p])) if self.floor_area is not None else 0.0
            s = self.counts["registered"][p].sum(axis=0)
            return s / fa * 10.0 if fa > 0 else np.full(len(s), np.nan)
        r = self.residents_of(codes)
        s = self.series(signal, codes)
        return s / r * 1000.0 if r > 0 else np.full(len(s), np.nan)


def month_edges(start: date, months_before: int, months_after: int) -> pd.DatetimeIndex:
    """Month boundaries from ``months_before`` months before ``start`` to ``months_after`` after it."""
    s = pd.Timestamp(start)
    return pd.DatetimeIndex([s + pd.DateOffset(months=k) for k in range(-months_before, months_after + 1)])


def _bin(dates: pd.Series, wijk_pos: np.ndarray, edges: pd.DatetimeIndex, n_wijk: int,
         weights: np.ndarray | None = None) -> np.ndarray:
    """Count (or sum ``weights``) events by wijk position and month; events outside are dropped."""
    d = pd.to_datetime(dates).to_numpy(dtype="datetime64[ns]")
    e = edges.to_numpy(dtype="datetime64[ns]")
    m = np.searchsorted(e, d, side="right") - 1
    ok = (~np.isnat(d)) & (m >= 0) & (m < len(e) - 1) & (wijk_pos >= 0)
    n_m = len(e) - 1
    flat = wijk_pos[ok] * n_m + m[ok]
    w = None if weights is None else np.asarray(weights, float)[ok]
    return np.bincount(flat, weights=w, minlength=n_wijk * n_m).reshape(n_wijk, n_m).astype(float)


def address_wijk(dataset: Dataset) -> pd.Series:
    """address_id -> wijk_code."""
    a = dataset.addresses
    return pd.Series(a["wijk_code"].astype("string").to_numpy(), index=a["address_id"].astype("string").to_numpy())


def spell_masks(brp: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per register spell: (EU labour migrant aged 18-67 at registration, short spell of at most 90 days)."""
    grp = brp["nationality_group"].astype("string") if "nationality_group" in brp.columns \
        else pd.Series(pd.NA, index=brp.index, dtype="string")
    by = pd.to_numeric(brp["birth_year"], errors="coerce") if "birth_year" in brp.columns \
        else pd.Series(np.nan, index=brp.index)
    age = brp["registered_from"].dt.year - by
    eum = (grp.isin(list(EUM_GROUPS)).fillna(False) & age.between(*EUM_AGE).fillna(False)).to_numpy(bool)
    short = ((brp["registered_until"] - brp["registered_from"]).dt.days <= SHORT_SPELL_DAYS).fillna(False).to_numpy(bool)
    return eum, short


@dataclass
class RegisterIndex:
    """Integer positions computed once per dataset: each address's wijk, each register spell's address and wijk.

    String look-ups over 1.4 million spells cost seconds each; the analyses (and `--all` across interventions)
    share these arrays instead. ``-1`` marks an unknown address or wijk.
    """

    codes: np.ndarray            # wijk codes in dataset.wijken order
    addr_ids: pd.Index           # address_id in dataset.addresses order
    addr_wpos: np.ndarray        # wijk position per address
    brp_apos: np.ndarray         # address position per spell
    brp_wpos: np.ndarray         # wijk position per spell
    eum: np.ndarray              # spell of an EU labour migrant (18-67)
    short: np.ndarray            # spell of at most 90 days

    @classmethod
    def build(cls, dataset: Dataset) -> "RegisterIndex":
        """Compute the positions for ``dataset``."""
        codes = dataset.wijken["code"].astype(str).to_numpy()
        a = dataset.addresses
        addr_ids = pd.Index(a["address_id"].astype(str).to_numpy(dtype=object), dtype=object)
        addr_wpos = pd.Index(codes).get_indexer(a["wijk_code"].astype("string").fillna("").astype(str).to_numpy())
        brp_apos = addr_ids.get_indexer(dataset.brp["address_id"].astype(str).to_numpy(dtype=object))
        brp_wpos = np.where(brp_apos >= 0, addr_wpos[np.maximum(brp_apos, 0)], -1)
        return cls(codes, addr_ids, addr_wpos, brp_apos, brp_wpos, *spell_masks(dataset.brp))

    def wijk_of(self, address_ids: "pd.Series | np.ndarray") -> np.ndarray:
        """Wijk positions of address ids (-1 when unknown)."""
        p = self.addr_ids.get_indexer(pd.Series(address_ids).astype(str).to_numpy(dtype=object))
        return np.where(p >= 0, self.addr_wpos[np.maximum(p, 0)], -1)

    def positions_of(self, table: pd.DataFrame, column: str = "address_id") -> np.ndarray:
        """Address positions of a table's address column (-1 when unknown or absent), computed once per table
        object: `--all` asks for the complaints' and inspections' positions once per intervention."""
        key = (id(table), len(table), column)
        cache = self.__dict__.setdefault("_positions", {})
        if key not in cache:
            cache[key] = (self.addr_ids.get_indexer(table[column].astype(str).to_numpy(dtype=object))
                          if column in table.columns else np.full(len(table), -1))
        return cache[key]

    def wijk_positions_of(self, table: pd.DataFrame, column: str = "address_id") -> np.ndarray:
        """Wijk positions of a table's addresses (-1 when unknown), cached like `positions_of`."""
        p = self.positions_of(table, column)
        return np.where(p >= 0, self.addr_wpos[np.maximum(p, 0)], -1)


_INDEX_CACHE: dict[tuple, RegisterIndex] = {}


def register_index(dataset: Dataset) -> RegisterIndex:
    """The `RegisterIndex` of ``dataset``, cached while its tables are the same objects (a few datasets kept)."""
    key = (id(dataset), id(dataset.brp), id(dataset.addresses), id(dataset.wijken), len(dataset.brp))
    hit = _INDEX_CACHE.get(key)
    if hit is None:
        hit = RegisterIndex.build(dataset)
        while len(_INDEX_CACHE) >= 3:
            _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
        _INDEX_CACHE[key] = hit
    return hit


def wijk_residents(dataset: Dataset, at: date) -> tuple[np.ndarray, str]:
    """Residents per wijk (in wijken order): the districts' `residents`, else persons registered on ``at``.

    Missing values in the districts are filled from the register so every wijk has a figure.
    """
    codes = dataset.wijken["code"].astype(str).to_numpy()
    brp = dataset.brp
    t = pd.Timestamp(at)
    alive = ((brp["registered_from"] <= t) & (brp["registered_until"].isna() | (brp["registered_until"] > t))).to_numpy(bool)
    wpos = register_index(dataset).brp_wpos[alive]
    reg = np.bincount(wpos[wpos >= 0], minlength=len(codes)).astype(float)
    given = pd.to_numeric(dataset.wijken.get("residents", pd.Series(np.nan, index=dataset.wijken.index)),
                          errors="coerce").to_numpy(float)
    if np.isfinite(given).any():
        out = np.where(np.isfinite(given), given, reg)
        src = "CBS-bewoners uit districts.gpkg" + (" (aangevuld uit de BRP)" if np.isnan(given).any() else "")
        return out, src
    return reg, f"ingeschrevenen in de BRP op {t.date().isoformat()}"


def build_signals(dataset: Dataset, start: date, months_before: int = 12, months_after: int = 12, *,
                  target_code: str | None = None, moves: pd.DataFrame | None = None) -> SignalPanel:
    """Count every signal per wijk and month around ``start``.

    With ``target_code`` and ``moves`` (see `flows.relocations`) also the relocations out of the target by
    destination wijk and month of leaving (all persons and EU labour migrants): the part of the target's
    outflow that lands in each wijk, which the control (outflow into control wijken) scales.
    """
    codes = dataset.wijken["code"].astype(str).to_numpy()
    index = pd.Index(codes)
    edges = month_edges(start, months_before, months_after)
    n = len(codes)
    counts: dict[str, np.ndarray] = {}
    notes: list[str] = []

    # complaints, total and per category
    c = dataset.complaints
    cpos = index.get_indexer(c["wijk_code"].astype("string").fillna("").astype(str).to_numpy(dtype=object))
    if "address_id" in c.columns:
        cpos = np.where(cpos >= 0, cpos, register_index(dataset).wijk_positions_of(c))
    counts["complaints"] = _bin(c["received_on"], cpos, edges, n)
    for cat in sorted(c["category"].dropna().astype(str).unique()):
        mask = (c["category"].astype(str) == cat).to_numpy()
        counts[f"complaints:{cat}"] = _bin(c["received_on"][mask], cpos[mask], edges, n)

    # inspections: visits, violations found, visit hours
    ins = dataset.inspections
    ipos = register_index(dataset).wijk_positions_of(ins)
    viol = ins["outcome"].astype("string").str.lower().eq("violation").fillna(False).to_numpy()
    # number of non-blank items in "a;b;c" (vectorised)
    items = ins["violations"].astype("string").fillna("").str.count(r"[^;\s][^;]*").to_numpy(float) \
        if len(ins) else np.zeros(0)
    n_viol = np.where(viol, np.maximum(items, 1), 0)
    hours_col = next((h for h in ("visit_hours", "duration_h", "hours") if h in ins.columns), None)
    hours = (pd.to_numeric(ins[hours_col], errors="coerce").fillna(DEFAULT_VISIT_HOURS).to_numpy(float)
             if hours_col else np.full(len(ins), DEFAULT_VISIT_HOURS))
    if not hours_col:
        notes.append(f"bezoekduur niet gegeven: {format_number(DEFAULT_VISIT_HOURS, 1, 'nl')} uur per huisbezoek aangenomen")
    counts["inspections"] = _bin(ins["visited_on"], ipos, edges, n)
    counts["violations"] = _bin(ins["visited_on"], ipos, edges, n, weights=n_viol)
    counts["visit_hours"] = _bin(ins["visited_on"], ipos, edges, n, weights=hours)

    # register: new EUM registrations, RNI, moves in and out
    brp = dataset.brp
    bpos = register_index(dataset).brp_wpos
    eum, short = register_index(dataset).eum, register_index(dataset).short
    rni = (brp["rni"].astype("boolean").fillna(False).to_numpy(bool) if "rni" in brp.columns
           else np.zeros(len(brp), bool))
    counts["eum_registrations"] = _bin(brp["registered_from"][eum], bpos[eum], edges, n)
    counts["rni_registrations"] = _bin(brp["registered_from"][rni], bpos[rni], edges, n)
    counts["moves_in"] = _bin(brp["registered_from"], bpos, edges, n)
    counts["moves_out"] = _bin(brp["registered_until"], bpos, edges, n)
    counts["short_spells"] = _bin(brp["registered_from"][short], bpos[short], edges, n)
    counts["registered"] = registered_stock(brp["registered_from"], brp["registered_until"], bpos, edges[:-1], n)
    counts["crowding"] = counts["registered"]  # per 10 m² through SignalPanel.rate_series

    if target_code is not None and moves is not None:
        mv = moves[(moves["origin"] == target_code) & (moves["destination"] != target_code)]
        mpos = index.get_indexer(mv["destination"].fillna("").astype(str))
        counts["relocations_from_target"] = _bin(mv["moved_on"], mpos, edges, n)
        e = mv["eum"].to_numpy(bool)
        counts["eum_relocations_from_target"] = _bin(mv["moved_on"][e], mpos[e], edges, n)

    residents, src = wijk_residents(dataset, start)
    fa = np.full(n, np.nan)
    if "floor_area_m2" in dataset.addresses.columns:
        a = dataset.addresses
        apos = index.get_indexer(a["wijk_code"].astype("string").fillna("").astype(str))
        area = pd.to_numeric(a["floor_area_m2"], errors="coerce").to_numpy(float)
        ok = (apos >= 0) & np.isfinite(area)
        fa = np.bincount(apos[ok], weights=area[ok], minlength=n)
        fa[fa <= 0] = np.nan
    else:
        notes.append("geen woonoppervlak (floor_area_m2) in addresses: bewoningsdichtheid niet te berekenen")
    return SignalPanel(codes, edges, months_before, counts, residents, src, notes, fa)


def registered_stock(reg_from: pd.Series, reg_until: pd.Series, wijk_pos: np.ndarray, at: pd.DatetimeIndex,
                     n_wijk: int) -> np.ndarray:
    """Persons registered per wijk on each day of ``at`` (from <= day < until), vectorised over all spells.

    Each spell adds +1 at the first day of ``at`` on or after its start and -1 at the first on or after its
    end; a cumulative sum over the days gives the stock (the crowding signal's numerator).
    """
    t = at.to_numpy(dtype="datetime64[ns]")
    f = pd.to_datetime(reg_from).to_numpy(dtype="datetime64[ns]")
    u = pd.to_datetime(reg_until).to_numpy(dtype="datetime64[ns]")
    k = len(t)
    a = np.searchsorted(t, f, side="left")
    b = np.where(np.isnat(u), k, np.searchsorted(t, u, side="left"))
    ok = (wijk_pos >= 0) & ~np.isnat(f) & (a < b)
    size = n_wijk * (k + 1)
    diff = (np.bincount(wijk_pos[ok] * (k + 1) + a[ok], minlength=size)
            - np.bincount(wijk_pos[ok] * (k + 1) + b[ok], minlength=size)).reshape(n_wijk, k + 1)
    return np.cumsum(diff, axis=1)[:, :k].astype(float)
