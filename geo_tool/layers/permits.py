"""The permits layer: landlord-permit (verhuurdersvergunning) status per address and per wijk.

Definitions on the reference date d (the window's last day); only permit records with
``valid_from <= d`` count:
- a *valid* permit: status ``granted`` (or ``exempt``) with ``valid_until`` empty or after d;
- a *rented* address: it appears in permits.csv (or, when addresses carry a ``landlord_id``, it has one);
- permits are *required* in a wijk when the wijk has any permit record at all;
- status per address: ``granted``/``exempt`` when valid, else the status of its latest record
  (``applied``, ``refused``, ``revoked``); ``none`` for a rented address in a wijk where permits are
  required and with no valid permit and no pending/refused/revoked record (an expired permit is ``none``);
- per area: the share of rented addresses (in wijken where permits are required) without a valid permit.
- landlords by portfolio size: the number of addresses each landlord holds city-wide on d;
  ``large_landlord_share`` is the share of rented addresses held by landlords with at least
  ``large_portfolio`` (default 10) addresses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.layers.base import (
    FAR_FUTURE,
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

STATUS_LABELS = {  # the one table of Dutch permit statuses: map legends, visit sheets, the window
    "granted": "verleend",
    "exempt": "vrijgesteld",
    "applied": "aangevraagd",
    "refused": "geweigerd",
    "revoked": "ingetrokken",
    "none": "geen vergunning",
}
PORTFOLIO_CLASSES = [(1, 1, "1 adres"), (2, 4, "2-4 adressen"), (5, 9, "5-9 adressen"), (10, 10**9, "10 of meer adressen")]


def permit_status_per_address(dataset: Dataset, reference_date: pd.Timestamp) -> pd.DataFrame:
    """Per address (row order of `addresses`): status on the date, rented flag, valid flag, landlord code."""
    idx = dataset_index(dataset)
    d = day_number(reference_date)

    def compute() -> pd.DataFrame:
        p = dataset.permits
        n = idx.n_addr
        addr = idx.addr_pos(p["address_id"]) if len(p) else np.zeros(0, np.int64)
        frm = day_numbers(p["valid_from"], FAR_FUTURE) if len(p) else np.zeros(0, np.int64)
        until = (day_numbers(p["valid_until"], FAR_FUTURE) if "valid_until" in p.columns and len(p)
                 else np.full(len(p), FAR_FUTURE))
        status = p["status"].astype("string").str.lower().fillna("").to_numpy(dtype=object) if len(p) else np.zeros(0, object)
        landlord = (pd.factorize(p["landlord_id"].astype("string"), use_na_sentinel=True)[0]
                    if "landlord_id" in p.columns and len(p) else np.full(len(p), -1))
        keep = (addr >= 0) & (frm <= d)
        addr, frm, until, status, landlord = addr[keep], frm[keep], until[keep], status[keep], landlord[keep]
        current = until > d
        rank = np.where((status == "granted") & current, 3, np.where((status == "exempt") & current, 2, 1))
        order = np.lexsort((frm, rank, addr))
        last = np.ones(len(order), bool)
        last[:-1] = addr[order][1:] != addr[order][:-1]
        win = order[last]
        out_status = np.full(n, None, dtype=object)
        win_status = status[win].copy()
        win_status[(rank[win] == 1) & np.isin(win_status, ["granted", "exempt"])] = "none"  # expired
        out_status[addr[win]] = win_status
        valid = np.zeros(n, bool)
        valid[addr[win]] = rank[win] >= 2
        rented = np.zeros(n, bool)
        rented[addr] = True
        land = np.full(n, -1, dtype=np.int64)
        land[addr[win]] = landlord[win]
        if "landlord_id" in dataset.addresses.columns:
            rented |= dataset.addresses["landlord_id"].notna().to_numpy(dtype=bool)
        wijk = idx.addr_area[Level.WIJK]
        has_permits = np.zeros(idx.n_area[Level.WIJK] + 1, bool)
        has_permits[wijk[addr][wijk[addr] >= 0]] = True
        required = np.where(wijk >= 0, has_permits[np.maximum(wijk, 0)], False)
        missing = rented & required & ~valid & ((out_status == None) | (out_status == "none"))  # noqa: E711
        out_status[missing] = "none"
        out_status[rented & ~required & (out_status == "none")] = None
        return pd.DataFrame({"status": out_status, "rented": rented, "valid": valid,
                             "required": required, "landlord": land})

    return idx.memo(("permits", d), compute)


def landlord_portfolios(dataset: Dataset, reference_date: pd.Timestamp) -> pd.DataFrame:
    """Landlords (pseudonyms: internal use only) with their number of addresses and size class on a date."""
    st = permit_status_per_address(dataset, reference_date)
    codes = pd.factorize(dataset.permits["landlord_id"].astype("string"))[1] if len(dataset.permits) else []
    held = st.loc[st["landlord"] >= 0, "landlord"].value_counts()
    out = pd.DataFrame({"landlord_id": pd.Series(np.asarray(codes, dtype=object)[held.index.to_numpy()], dtype="string"),
                        "addresses": held.to_numpy()})
    bins = [c[0] - 0.5 for c in PORTFOLIO_CLASSES] + [np.inf]
    out["size_class"] = pd.cut(out["addresses"], bins=bins, labels=[c[2] for c in PORTFOLIO_CLASSES])
    return out.sort_values("addresses", ascending=False, ignore_index=True)


@register
class PermitsLayer(Layer):
    """Landlord-permit status per address and the share of rented addresses without a valid permit."""

    key = "permits"
    label = "Verhuurdersvergunningen"
    sources = ("Verhuurdersvergunningen (gemeente)",)
    default_measure = "no_permit_share"
    params: dict[str, Any] = {"large_portfolio": 10}
    measures = {
        "status": Measure("status", "Vergunningstatus per adres", "", "category"),
        "rented_count": Measure("rented_count", "Verhuurde adressen", "adressen", "count", "YlGnBu"),
        "permit_valid_count": Measure("permit_valid_count", "Adressen met geldige vergunning of vrijstelling",
                                      "adressen", "count", "YlGnBu"),
        "no_permit_count": Measure("no_permit_count", "Verhuurde adressen zonder geldige vergunning", "adressen",
                                   "count", "YlGnBu"),
        "no_permit_share": Measure("no_permit_share", "Aandeel verhuurd zonder geldige vergunning",
                                   "% verhuurde adressen", "share", "viridis",
                                   suppress_with=("no_permit_count", "rented_required_count"),
                                   numerator="no_permit_count", denominator="rented_required_count", scale=100.0),
        "applied_count": Measure("applied_count", "Vergunning aangevraagd", "adressen", "count", "YlGnBu"),
        "refused_revoked_count": Measure("refused_revoked_count", "Vergunning geweigerd of ingetrokken", "adressen",
                                         "count", "YlGnBu"),
        "landlords_count": Measure("landlords_count", "Verhuurders met bezit in het gebied", "verhuurders", "count",
                                   "YlGnBu", additive=False),
        "large_landlord_share": Measure("large_landlord_share", "Aandeel verhuurd door grote verhuurders",
                                        "% verhuurde adressen", "share", "viridis",
                                        suppress_with=("large_landlord_rented_count", "rented_count"),
                                        numerator="large_landlord_rented_count", denominator="rented_count",
                                        scale=100.0),
    }
    helpers = {
        "rented_required_count": Measure("rented_required_count", "Verhuurde adressen met vergunningplicht",
                                         "adressen", "count"),
        "large_landlord_rented_count": Measure("large_landlord_rented_count", "Verhuurd door grote verhuurders",
                                               "adressen", "count"),
    }

    def _aggregate(self, window: TimeWindow, level: Level, idx: DatasetIndex) -> dict[str, np.ndarray]:
        st = permit_status_per_address(self.dataset, window.reference_date)
        pos, n = idx.addr_area[level], idx.n_area[level]
        status = st["status"].to_numpy(dtype=object)
        rented, valid, required = (st[c].to_numpy(dtype=bool) for c in ("rented", "valid", "required"))
        land = st["landlord"].to_numpy()
        rented_req = count_by_area(pos, n, rented & required)
        no_permit = count_by_area(pos, n, rented & required & ~valid)
        sizes = np.bincount(land[land >= 0]) if (land >= 0).any() else np.zeros(1, np.int64)
        large = np.zeros(idx.n_addr, bool)
        has = land >= 0
        large[has] = sizes[land[has]] >= int(self.options["large_portfolio"])
        rented_n = count_by_area(pos, n, rented)
        large_n = count_by_area(pos, n, rented & large)
        out: dict[str, np.ndarray] = {
            "rented_count": rented_n,
            "permit_valid_count": count_by_area(pos, n, valid),
            "no_permit_count": no_permit,
            "no_permit_share": safe_ratio(no_permit, rented_req, 100.0),
            "applied_count": count_by_area(pos, n, status == "applied"),
            "refused_revoked_count": count_by_area(pos, n, (status == "refused") | (status == "revoked")),
            "large_landlord_share": safe_ratio(large_n, rented_n, 100.0),
            "rented_required_count": rented_req,
            "large_landlord_rented_count": large_n,
        }
        ok = has & (pos >= 0)
        pairs = np.unique(pos[ok].astype(np.int64) * (int(land.max()) + 1) + land[ok]) if ok.any() else np.zeros(0, np.int64)
        out["landlords_count"] = np.bincount(pairs // (int(land.max()) + 1), minlength=n)[:n] if len(pairs) else np.zeros(n, np.int64)
        if level is Level.ADDRESS:
            out["status"] = status
        return out

    def point_categories(self) -> dict[str, str]:
        """Dutch labels of the permit statuses."""
        return dict(STATUS_LABELS)
