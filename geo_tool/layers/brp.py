"""The BRP layer: registered residents, EU labour migrants, crowding and register turnover.

Definitions (reference date d = the window's last day; a spell covers d when
``registered_from <= d < registered_until``, an empty ``registered_until`` meaning still registered):

- residents: distinct persons with a non-RNI spell covering d at an address in the area.
- EU labour migrants (EUM, Rotterdam's definition): residents aged 18-67 on d (age = year of d minus
  birth_year) with nationality_group ``EU-MOE`` or ``EU-Zuid``.
- persons per dwelling: residents / addresses with at least one resident.
- persons per 10 m²: 10 x residents / floor area, over occupied addresses with a known floor area.
- overcrowded addresses: occupied addresses whose persons per 10 m² exceed the threshold
  (default 10/12 = 0.833, i.e. less than 12 m² per person; configurable).
- turnover: (moves in + moves out) per 100 residents per year: spells starting in the window plus
  spells ending in the window (``registered_until`` within it), divided by residents on d and by the
  window length in years (days / 365.25).
- RNI registrations: RNI spells (``rni`` true) that start in the window.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.layers.base import (
    FAR_FUTURE,
    FAR_PAST,
    Classification,
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
    sum_by_area,
)

EUM_GROUPS = ("EU-MOE", "EU-Zuid")
EUM_AGE = (18, 67)
DEFAULT_OVERCROWDING_P10M2 = 10.0 / 12.0  # more than 1 person per 12 m2


def _brp_arrays(dataset: Dataset, idx: DatasetIndex) -> dict[str, np.ndarray]:
    """The BRP table as plain arrays (day numbers, address positions, person codes), once per dataset."""

    def compute() -> dict[str, np.ndarray]:
        b = dataset.brp
        n = len(b)
        rni = b["rni"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "rni" in b.columns else np.zeros(n, bool)
        nat = b["nationality_group"].astype("string") if "nationality_group" in b.columns else pd.Series([pd.NA] * n, dtype="string")
        birth = (pd.to_numeric(b["birth_year"], errors="coerce").astype("float64").to_numpy()
                 if "birth_year" in b.columns else np.full(n, np.nan))
        return {
            "from": day_numbers(b["registered_from"], FAR_FUTURE),
            "until": day_numbers(b["registered_until"], FAR_FUTURE) if "registered_until" in b.columns else np.full(n, FAR_FUTURE),
            "addr": idx.addr_pos(b["address_id"]),
            "person": b["person_id"],
            "rni": rni,
            "eu": nat.isin(EUM_GROUPS).fillna(False).to_numpy(dtype=bool),
            "birth": birth,
        }

    return idx.memo("brp_arrays", compute)


def residents_per_address(dataset: Dataset, reference_date: pd.Timestamp) -> dict[str, np.ndarray]:
    """Residents and EUM per address on a date (arrays in address row order); cached per dataset and date."""
    idx = dataset_index(dataset)
    d = day_number(reference_date)

    def compute() -> dict[str, np.ndarray]:
        a = _brp_arrays(dataset, idx)
        active = (a["from"] <= d) & (a["until"] > d) & ~a["rni"] & (a["addr"] >= 0)
        rows = np.flatnonzero(active)
        # a person counts once, at the spell that started last (two open spells = a data error)
        person = pd.factorize(a["person"].iloc[rows])[0]
        order = np.lexsort((-a["from"][rows], person))
        rows, person = rows[order], person[order]
        first = np.ones(len(rows), bool)
        first[1:] = person[1:] != person[:-1]
        rows = rows[first]
        age = pd.Timestamp(reference_date).year - a["birth"][rows]
        eum = a["eu"][rows] & (age >= EUM_AGE[0]) & (age <= EUM_AGE[1])
        n = idx.n_addr
        return {
            "residents": np.bincount(a["addr"][rows], minlength=n)[:n].astype(np.int64),
            "eum": np.bincount(a["addr"][rows[eum]], minlength=n)[:n].astype(np.int64),
        }

    return idx.memo(("residents", d), compute)


def residents_by_area(dataset: Dataset, reference_date: pd.Timestamp, level: Level) -> np.ndarray:
    """Residents per area of ``level`` on a date (used as the denominator of other layers' rates)."""
    idx = dataset_index(dataset)
    r = residents_per_address(dataset, reference_date)["residents"]
    return sum_by_area(r, idx.addr_area[level], idx.n_area[level]).astype(np.int64)


@register
class BrpLayer(Layer):
    """Registered residents and EU labour migrants from the BRP, with crowding and turnover."""

    key = "brp"
    label = "Basisregistratie Personen (BRP)"
    sources = ("BRP-inschrijvingen (gemeente)", "BAG gebruiksoppervlakte")
    default_measure = "eum_share"
    params: dict[str, Any] = {"overcrowding_threshold_p10m2": DEFAULT_OVERCROWDING_P10M2}
    measures = {
        "residents": Measure("residents", "Ingeschreven bewoners", "personen", "count", "YlGnBu",
                             description="Personen ingeschreven op de peildatum (einde periode), zonder RNI."),
        "eum_count": Measure("eum_count", "Ingeschreven EU-arbeidsmigranten", "personen", "count", "YlGnBu",
                             description="Bewoners van 18-67 jaar met nationaliteit EU-MOE of EU-Zuid."),
        "eum_share": Measure("eum_share", "Aandeel EU-arbeidsmigranten", "% van bewoners", "share", "viridis",
                             suppress_with=("eum_count", "residents"), numerator="eum_count",
                             denominator="residents", scale=100.0),
        "addresses": Measure("addresses", "Woonadressen", "adressen", "count", "YlGnBu"),
        "occupied_addresses": Measure("occupied_addresses", "Bewoonde adressen", "adressen", "count", "YlGnBu"),
        "persons_per_dwelling": Measure("persons_per_dwelling", "Personen per bewoond adres", "personen/adres",
                                        "ratio", "cividis", suppress_with=("residents", "occupied_addresses"),
                                        numerator="residents", denominator="occupied_addresses"),
        "persons_per_10m2": Measure("persons_per_10m2", "Personen per 10 m² woonoppervlak", "personen/10 m²",
                                    "ratio", "cividis", suppress_with=("residents", "residents_known_area"),
                                    numerator="residents_known_area", denominator="floor_area_known_m2",
                                    scale=10.0),
        "overcrowded_count": Measure("overcrowded_count", "Adressen met overbewoning", "adressen", "count", "YlGnBu",
                                     classification=Classification("natural_breaks", 5),
                                     description="Bewoonde adressen met minder woonoppervlak per persoon dan de drempel."),
        "overcrowded_share": Measure("overcrowded_share", "Aandeel adressen met overbewoning", "% bewoonde adressen",
                                     "share", "viridis", suppress_with=("overcrowded_count", "occupied_known_area"),
                                     numerator="overcrowded_count", denominator="occupied_known_area", scale=100.0),
        "turnover": Measure("turnover", "Verhuismutaties (in + uit)", "per 100 bewoners per jaar", "rate", "cividis",
                            suppress_with=("moves", "residents"), numerator="moves", denominator="residents",
                            scale=100.0, per_year=True),
        "moves": Measure("moves", "Verhuizingen in + uit", "mutaties", "count", "YlGnBu"),
        "rni_count": Measure("rni_count", "RNI-inschrijvingen", "inschrijvingen", "count", "YlGnBu",
                             description="Nieuwe inschrijvingen als niet-ingezetene (RNI) in de periode."),
    }
    helpers = {
        "occupied_known_area": Measure("occupied_known_area", "Bewoonde adressen met bekend woonoppervlak",
                                       "adressen", "count"),
        "residents_known_area": Measure("residents_known_area", "Bewoners van adressen met bekend woonoppervlak",
                                        "personen", "count"),
        "floor_area_known_m2": Measure("floor_area_known_m2", "Woonoppervlak van die adressen", "m²", "area"),
    }

    def _aggregate(self, window: TimeWindow, level: Level, idx: DatasetIndex) -> dict[str, np.ndarray]:
        ds = self.dataset
        pos, n = idx.addr_area[level], idx.n_area[level]
        per_addr = residents_per_address(ds, window.reference_date)
        res_a, eum_a = per_addr["residents"], per_addr["eum"]
        area_m2 = (pd.to_numeric(ds.addresses["floor_area_m2"], errors="coerce").astype("float64").to_numpy()
                   if "floor_area_m2" in ds.addresses.columns else np.full(idx.n_addr, np.nan))
        occupied = res_a > 0
        known = occupied & np.isfinite(area_m2) & (area_m2 > 0)
        thr = float(self.options["overcrowding_threshold_p10m2"])
        p10 = np.zeros(idx.n_addr)
        p10[known] = 10.0 * res_a[known] / area_m2[known]
        overcrowded = known & (p10 > thr + 1e-9)

        a = _brp_arrays(ds, idx)
        s, e = day_number(window.start), day_number(window.end)
        valid = (a["addr"] >= 0)
        moves_in = valid & ~a["rni"] & (a["from"] >= s) & (a["from"] <= e)
        moves_out = valid & ~a["rni"] & (a["until"] >= s) & (a["until"] <= e)
        rni_new = valid & a["rni"] & (a["from"] >= s) & (a["from"] <= e)
        addr_area = np.where(a["addr"] >= 0, pos[np.maximum(a["addr"], 0)], -1) if len(a["addr"]) else a["addr"]

        residents = sum_by_area(res_a, pos, n)
        eum = sum_by_area(eum_a, pos, n)
        occ = count_by_area(pos, n, occupied)
        moves = count_by_area(addr_area, n, moves_in) + count_by_area(addr_area, n, moves_out)
        res_known = sum_by_area(np.where(known, res_a, 0), pos, n)
        m2_known = sum_by_area(np.where(known, area_m2, 0.0), pos, n)
        over = count_by_area(pos, n, overcrowded)
        known_n = count_by_area(pos, n, known)
        return {
            "residents": residents.astype(np.int64),
            "eum_count": eum.astype(np.int64),
            "eum_share": safe_ratio(eum, residents, 100.0),
            "addresses": count_by_area(pos, n),
            "occupied_addresses": occ,
            "persons_per_dwelling": safe_ratio(residents, occ),
            "persons_per_10m2": safe_ratio(res_known, m2_known, 10.0),
            "overcrowded_count": over,
            "overcrowded_share": safe_ratio(over, known_n, 100.0),
            "occupied_known_area": known_n,
            "residents_known_area": res_known.astype(np.int64),
            "floor_area_known_m2": m2_known,
            "moves": moves,
            "turnover": safe_ratio(moves, residents, 100.0 / window.years),
            "rni_count": count_by_area(addr_area, n, rni_new),
        }
