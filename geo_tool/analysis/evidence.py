"""Direct evidence of displacement: the target's people and landlords followed through the register.

Area counts (complaints, registrations) are estimates of a change; a person who leaves a target address and
registers in another wijk weeks later is an observation. This module counts, per destination wijk:

- ``from_target``: persons leaving any target address who register there within 60 days, after the start,
  against the same flow before the start scaled by the city-wide change in relocations (conditional
  binomial test, exact for two Poisson counts);
- ``from_enforced``: persons leaving target addresses where enforcement acted (an inspection found a
  violation in the year before they left), against the share of the target's outflow that the wijk received
  before the start, smoothed towards the wijk's share of all relocations in the city (exact binomial test);
- ``landlord:<signal>``: new registrations, EU labour migrant registrations, short spells, registered persons
  (crowding), complaints and violations at the other addresses of the target's landlords there, against their
  own before period scaled by the change at all other addresses (conditional binomial test).

Every row carries the excess (observed - expected) with an exact 95 % interval, a p-value and a pre-trend
p-value (the second half of the before period against the first: a rise that started before the intervention
is not displacement).

Multiple testing is organised by what a director decides on, one wijk at a time:

- the **primary family** holds one pre-declared test per wijk and channel: the person channel
  (``from_enforced``: households leaving addresses where enforcement found a violation; ``from_target`` when
  the target has no inspections with findings) for every wijk, and the landlord channel
  (``landlord:moves_in``: new household registrations at the target's landlords' addresses) for every wijk
  where they own an address. These are the direct measures of the estimand (operations pushed out by
  enforcement, people or landlords); they are fixed before any outcome is seen. Benjamini-Hochberg over this
  family: the counts of different wijken are (conditionally) independent Poisson counts, or multinomial with
  only weak negative dependence, where BH controls the FDR; Benjamini-Yekutieli's extra factor (about
  ln m = 5 for 100 tests) pays for arbitrary dependence the family does not have, and with eight kinds per wijk
  it made every kind a competitor of the wijk's own main test and drowned a real receiver;
- the other kinds (all the target's households, EU registrations, short spells, crowding, complaints,
  violations at landlords' addresses) are **supporting** evidence: reported with their own BH q-values (over
  the supporting rows), shown beside the verdict, never a flag on their own. They are partly the same events
  as the primary tests (an enforced household is also a target household), so counting them as further
  chances to reject would only inflate the family.

A wijk is flagged on a primary row with q < 5 %, the interval of the excess above zero, at least
``MIN_EVIDENCE`` households or events, and no pre-trend (in the row itself or in the wijk's flow of the
target's households). The smallest excess a primary test could have detected (80 % power at the first BH
threshold, alpha / m) makes "geen aanwijzing" readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy import stats

from geo_tool.analysis.disclose import count_text, round5
from geo_tool.analysis.flows import UNKNOWN_DESTINATION
from geo_tool.analysis.signals import month_edges, register_index
from geo_tool.analysis.stats import benjamini_hochberg
from geo_tool.dataset import Dataset

#: A person "leaves an enforced address" when a violation was found there at most this many days earlier.
ENFORCED_LOOKBACK_DAYS = 365
#: Weight (in persons) of the city-wide destination shares when smoothing the target's own shares.
SHARE_PRIOR = 10.0
FDR = 0.05
POWER = 0.8
#: Clear evidence needs at least this many households or events observed: fewer cannot be shown in the report
#: (disclosure suppresses 1-9), and a flow into a wijk that almost never receives anyone makes any handful of
#: households "significant" under an exact test whose expected share is near zero.
MIN_EVIDENCE = 10
#: A household move: persons going from one address to one address in the same month.
HOUSEHOLD_KEY = ["origin_address_id", "destination_address_id", "month"]
EVIDENCE_KINDS_NL = {
    "from_target": "huishoudens van adressen in de doelwijk die zich binnen 60 dagen hier inschreven",
    "from_enforced": "huishoudens van gehandhaafde adressen in de doelwijk die zich binnen 60 dagen hier inschreven",
    "landlord:moves_in": "nieuwe inschrijvingen (huishoudens) op adressen van verhuurders uit de doelwijk",
    "landlord:eum_registrations": "nieuwe inschrijvingen van EU-arbeidsmigranten (huishoudens) op adressen van "
                                  "verhuurders uit de doelwijk",
    "landlord:short_spells": "korte inschrijvingen op adressen van verhuurders uit de doelwijk",
    "landlord:registered": "ingeschrevenen (drukte) op adressen van verhuurders uit de doelwijk",
    "landlord:complaints": "meldingen over adressen van verhuurders uit de doelwijk",
    "landlord:violations": "gevonden overtredingen op adressen van verhuurders uit de doelwijk",
}
LANDLORD_EVIDENCE = ("moves_in", "eum_registrations", "short_spells", "registered", "complaints", "violations")
#: observed/expected/excess count households (relocation rows) or events (landlord rows); persons beside them
EVIDENCE_COLUMNS = ["wijk_code", "kind", "family", "before", "observed", "expected", "excess", "excess_lo",
                    "excess_hi", "p_value", "pre_p", "q_value", "detectable", "persons", "persons_expected"]
#: The pre-declared primary test per wijk and channel (see the module docstring); the person channel falls back
#: to ``from_target`` when no household left an enforced address (no inspections with findings).
PRIMARY_PERSON, FALLBACK_PERSON, PRIMARY_LANDLORD = "from_enforced", "from_target", "landlord:moves_in"


def clopper_pearson(k: np.ndarray, n: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) interval of a binomial proportion k/n, vectorised; [0, 1] when n = 0."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    a = (1 - level) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(k > 0, stats.beta.ppf(a, k, n - k + 1), 0.0)
        hi = np.where(k < n, stats.beta.ppf(1 - a, k + 1, n - k), 1.0)
    return np.nan_to_num(lo, nan=0.0), np.nan_to_num(hi, nan=1.0)


def rate_excess(after: np.ndarray, before: np.ndarray, ratio0: "np.ndarray | float",
                level: float = 0.95) -> dict[str, np.ndarray]:
    """Excess of ``after`` over ``before * ratio0`` with an exact conditional interval and one-sided p.

    Given n = before + after, after ~ Binomial(n, p) and the excess is n * (p (1 + r0) - r0), increasing in p,
    so the Clopper-Pearson interval of p gives an exact interval of the excess (Przyborowski & Wilenski 1940).
    """
    a, b = np.asarray(after, float), np.asarray(before, float)
    r0 = np.broadcast_to(np.asarray(ratio0, float), a.shape)
    n = a + b
    lo, hi = clopper_pearson(a, n, level)
    p = np.where(n > 0, stats.binom.sf(a - 1, n, r0 / (1 + r0)), 1.0)
    return {"expected": b * r0, "excess": a - b * r0, "excess_lo": n * (lo * (1 + r0) - r0),
            "excess_hi": n * (hi * (1 + r0) - r0), "p_value": p}


def share_excess(k: np.ndarray, n: "np.ndarray | float", share: np.ndarray,
                 level: float = 0.95) -> dict[str, np.ndarray]:
    """Excess of k out of n over the expected share (exact binomial test and Clopper-Pearson interval)."""
    k = np.asarray(k, float)
    n = np.broadcast_to(np.asarray(n, float), k.shape)
    s = np.clip(np.asarray(share, float), 1e-9, 1.0)
    lo, hi = clopper_pearson(k, n, level)
    p = np.where(n > 0, stats.binom.sf(k - 1, n, s), 1.0)
    return {"expected": n * s, "excess": k - n * s, "excess_lo": n * lo - n * s, "excess_hi": n * hi - n * s,
            "p_value": p}


def detectable_excess(expected: np.ndarray, alpha: float, power: float = POWER) -> np.ndarray:
    """The smallest excess over a Poisson expectation that a one-sided exact test at ``alpha`` finds with
    probability ``power``: the critical count k* (P(X >= k* | expected) <= alpha), then the mean m with
    P(Poisson(m) >= k*) = power; returns m - expected. Vectorised (bisection on m)."""
    e = np.maximum(np.asarray(expected, float), 1e-6)
    kstar = stats.poisson.isf(alpha, e) + 1  # smallest k with sf(k-1) <= alpha
    lo, hi = e.copy(), e + 10 * np.sqrt(e) + 50
    for _ in range(50):
        mid = (lo + hi) / 2
        ok = stats.poisson.sf(kstar - 1, mid) >= power
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return hi - e


def violation_findings(dataset: Dataset) -> pd.DataFrame:
    """Inspections that found a violation: address_id and found_on, sorted by date."""
    ins = dataset.inspections
    if ins is None or ins.empty:
        return pd.DataFrame({"address_id": pd.Series(dtype="string"), "found_on": pd.Series(dtype="datetime64[ns]")})
    viol = ins["outcome"].astype("string").str.lower().eq("violation").fillna(False).to_numpy(bool)
    f = pd.DataFrame({"address_id": ins["address_id"].astype("string")[viol].to_numpy(),
                      "found_on": pd.to_datetime(ins["visited_on"][viol]).to_numpy()})
    return f.dropna().sort_values("found_on", ignore_index=True)


def mark_enforced(moves: pd.DataFrame, findings: pd.DataFrame,
                  lookback_days: int = ENFORCED_LOOKBACK_DAYS) -> np.ndarray:
    """True for relocations that left an address where a violation was found at most ``lookback_days`` before."""
    if moves.empty or findings.empty:
        return np.zeros(len(moves), bool)
    m = pd.DataFrame({"i": np.arange(len(moves)), "address_id": moves["origin_address_id"].astype(str).to_numpy(),
                      "moved_on": pd.to_datetime(moves["moved_on"]).to_numpy()}).sort_values("moved_on")
    m["address_id"] = m["address_id"].astype(str)
    findings = findings.assign(address_id=findings["address_id"].astype(str))
    j = pd.merge_asof(m, findings, left_on="moved_on", right_on="found_on", by="address_id", direction="backward",
                      tolerance=pd.Timedelta(days=lookback_days))
    out = np.zeros(len(moves), bool)
    out[j["i"].to_numpy()] = j["found_on"].notna().to_numpy()
    return out


def _period_codes(when: "pd.Series | np.ndarray", edges: pd.DatetimeIndex, months_before: int) -> np.ndarray:
    """0 (first half of before), 1 (second half), 2 (after) or -1 (outside) for each date, vectorised."""
    t = pd.to_datetime(pd.Series(when)).to_numpy(dtype="datetime64[ns]")
    bounds = np.array([edges[0], edges[months_before // 2], edges[months_before], edges[-1]], dtype="datetime64[ns]")
    k = np.searchsorted(bounds, t, side="right") - 1
    return np.where(np.isnat(t) | (k < 0) | (k > 2), -1, k).astype(np.int8)


def _periods(when: pd.Series, edges: pd.DatetimeIndex, months_before: int) -> np.ndarray:
    """'b1' (first half of before), 'b2' (second half), 'after' or '' for each date."""
    lo, mid, hi = edges[0], edges[months_before], edges[-1]
    half = edges[months_before // 2]
    t = pd.to_datetime(when)
    return np.select([(t >= lo) & (t < half), (t >= half) & (t < mid), (t >= mid) & (t < hi)],
                     ["b1", "b2", "after"], "")


@dataclass
class DirectEvidence:
    """Per wijk and kind of evidence: observed, expected, excess with interval, p, pre-trend p and BH q
    (within the primary or the supporting family, column ``family``)."""

    table: pd.DataFrame          # EVIDENCE_COLUMNS
    persons_per_address: float   # persons per household move out of the target
    n_tests: int

    def best(self) -> pd.DataFrame:
        """Per wijk the strongest evidence row: primary rows first (q-values of the two families are not
        comparable), then the smallest q, then the largest excess."""
        t = self.table.assign(_s=(self.table["family"] != "primary").astype(int))
        t = t.sort_values(["_s", "q_value", "excess"], ascending=[True, True, False])
        return t.drop_duplicates("wijk_code").set_index("wijk_code").drop(columns="_s")

    def person_row(self, code: str) -> "pd.Series | None":
        """The wijk's primary person-channel row (what its detectable size is computed for), or None."""
        t = self.table
        r = t[(t["wijk_code"] == code) & (t["family"] == "primary") & ~t["kind"].str.startswith("landlord:")]
        return r.iloc[0] if len(r) else None

    def clear(self, alpha: float = FDR) -> pd.DataFrame:
        """Primary rows that are clear evidence: q < alpha, the interval of the excess above zero, at least
        `MIN_EVIDENCE` observed, no pre-trend in the row or in the wijk's flow of target households."""
        t = self.table
        ft = t[t["kind"] == FALLBACK_PERSON].set_index("wijk_code")["pre_p"]
        pre_wijk = t["wijk_code"].map(ft).fillna(1.0) < alpha
        return t[(t["family"] == "primary") & (t["q_value"] < alpha) & (t["excess_lo"] > 0)
                 & (t["observed"] >= MIN_EVIDENCE) & ~(t["pre_p"] < alpha) & ~pre_wijk]

    def primary(self) -> pd.DataFrame:
        """The primary rows (one pre-declared test per wijk and channel)."""
        return self.table[self.table["family"] == "primary"]

    def linked(self, alpha: float = FDR) -> set[str]:
        """Wijken with at least a nominal link (p < alpha, positive excess, no pre-trend) to the target on a
        primary test: households from enforced addresses or the landlords' new registrations, the channels that
        tie a wijk to the enforcement (the target's ordinary turnover does not)."""
        t = self.primary()
        return set(t.loc[(t["p_value"] < alpha) & (t["excess"] > 0) & ~(t["pre_p"] < alpha), "wijk_code"])


def person_evidence(moves: pd.DataFrame, findings: pd.DataFrame, target_code: str, start: date,
                    months_before: int, months_after: int, codes: list[str]) -> tuple[pd.DataFrame, float]:
    """``from_target`` and ``from_enforced`` rows for every wijk in ``codes`` (see the module docstring)."""
    edges = month_edges(start, months_before, months_after)
    mv = moves.assign(period=_periods(moves["moved_on"], edges, months_before),
                      month=pd.to_datetime(moves["moved_on"]).dt.to_period("M"))
    mv = mv[mv["period"] != ""]
    dest_codes = [c for c in codes if c != target_code]
    other = mv[(mv["origin"] != target_code) & (mv["destination"] != target_code) & mv["origin"].notna()]
    per = other.drop_duplicates(HOUSEHOLD_KEY)["period"]
    ob = float(per.isin(["b1", "b2"]).sum())
    oa = float((per == "after").sum())
    ratio0 = oa / ob if ob > 0 else months_after / max(months_before, 1)
    ob1, ob2 = float((per == "b1").sum()), float((per == "b2").sum())
    pre_ratio = ob2 / ob1 if ob1 > 0 else 1.0
    out_t = mv[(mv["origin"] == target_code) & (mv["destination"] != target_code)
               & (mv["destination"] != UNKNOWN_DESTINATION)]
    # the unit of the tests is a household move (persons moving together from one address to one address in
    # the same month): persons in one household do not move independently, households roughly do
    out_t = out_t.assign(enforced=mark_enforced(out_t, findings))
    hh = out_t.drop_duplicates(HOUSEHOLD_KEY)
    ppa = max(len(out_t) / max(len(hh), 1), 1.0)

    def per_dest(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.crosstab(frame["destination"], frame["period"]).reindex(
            index=dest_codes, columns=["b1", "b2", "after"], fill_value=0).fillna(0)

    tab, ptab = per_dest(hh), per_dest(out_t)
    b1, b2, a = (tab[c].to_numpy(float) for c in ("b1", "b2", "after"))
    before = b1 + b2
    r = rate_excess(a, before, ratio0)
    pre = rate_excess(b2, b1, pre_ratio)["p_value"]
    rows = [pd.DataFrame({"wijk_code": dest_codes, "kind": "from_target", "before": before, "observed": a, **r,
                          "pre_p": pre, "persons": ptab["after"].to_numpy(float),
                          "persons_expected": r["expected"] * ppa})]
    # from enforced addresses: the after flow against the target's (smoothed) destination shares
    he = hh[hh["enforced"].to_numpy(bool)]
    pe = out_t[out_t["enforced"].to_numpy(bool)]
    k = he.loc[he["period"] == "after", "destination"].value_counts().reindex(dest_codes, fill_value=0).to_numpy(float)
    kb = he.loc[he["period"] != "after", "destination"].value_counts().reindex(dest_codes, fill_value=0).to_numpy(float)
    kp = pe.loc[pe["period"] == "after", "destination"].value_counts().reindex(dest_codes, fill_value=0).to_numpy(float)
    ohh = other.drop_duplicates(HOUSEHOLD_KEY)
    city_in = ohh[ohh["period"].isin(["b1", "b2"])]["destination"].value_counts().reindex(dest_codes, fill_value=0)
    city_share = (city_in / max(city_in.sum(), 1)).to_numpy(float)
    share = (before + SHARE_PRIOR * city_share) / (before.sum() + SHARE_PRIOR)
    n_e = float(k.sum())
    if n_e > 0:
        s_ = share_excess(k, n_e, share)
        ppe = max(kp.sum() / n_e, 1.0)
        rows.append(pd.DataFrame({"wijk_code": dest_codes, "kind": "from_enforced", "before": kb, "observed": k, **s_,
                                  "pre_p": np.nan, "persons": kp, "persons_expected": s_["expected"] * ppe}))
    return pd.concat(rows, ignore_index=True), max(ppa, 1.0)


def landlord_evidence(dataset: Dataset, target_code: str, start: date, months_before: int,
                      months_after: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """``landlord:<signal>`` rows and a per-wijk summary of the target's landlords' other addresses.

    Returns (evidence rows, per-wijk table with n_addresses, floor area, counts before/after per signal and
    crowding as persons per 10 m² at the start and at the end, number of target landlords).
    """
    perm = dataset.permits
    empty = pd.DataFrame(columns=[c for c in EVIDENCE_COLUMNS if c not in ("q_value", "detectable", "family")])
    if perm is None or perm.empty or "landlord_id" not in perm.columns or perm["landlord_id"].isna().all():
        return empty, pd.DataFrame(), 0
    ri = register_index(dataset)
    codes = ri.codes
    tpos = int(np.flatnonzero(codes == target_code)[0]) if (codes == target_code).any() else -2
    p = perm[["address_id", "landlord_id"]].dropna().astype("string")
    p["wpos"] = ri.wijk_of(p["address_id"])
    lords = pd.Index(p.loc[p["wpos"] == tpos, "landlord_id"].unique())
    if lords.empty:
        return empty, pd.DataFrame(), 0
    their = p[p["landlord_id"].isin(lords) & (p["wpos"] != tpos) & (p["wpos"] >= 0)]
    their = their.assign(wijk=codes[their["wpos"].to_numpy()])
    mine_addr = np.zeros(len(ri.addr_ids), bool)
    ta = ri.addr_ids.get_indexer(their["address_id"].astype(str).to_numpy())
    mine_addr[ta[ta >= 0]] = True
    edges = month_edges(start, months_before, months_after)
    brp = dataset.brp
    eum, short = ri.eum, ri.short
    ins = dataset.inspections
    viol = ins["outcome"].astype("string").str.lower().eq("violation").fillna(False).to_numpy(bool)
    c = dataset.complaints
    capos = ri.positions_of(c)
    iapos = ri.positions_of(ins)
    reg = brp["registered_from"].to_numpy(dtype="datetime64[ns]")
    bap = ri.brp_apos
    # (address position, period code, day for household de-duplication or None)
    ev: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]] = {
        "moves_in": (bap, _period_codes(reg, edges, months_before), reg),
        "eum_registrations": (bap[eum], _period_codes(reg[eum], edges, months_before), reg[eum]),
        "short_spells": (bap[short], _period_codes(reg[short], edges, months_before), reg[short]),
        "complaints": (capos, _period_codes(c["received_on"], edges, months_before), None),
        "violations": (iapos[viol], _period_codes(ins["visited_on"][viol], edges, months_before), None),
    }
    # registered persons (crowding): the stock on three days, as pseudo-events b1 (period start), b2 (half), after (end)
    f, u = brp["registered_from"], brp["registered_until"]
    stock_a, stock_p = [], []
    for code, day in ((0, edges[0]), (1, edges[months_before]), (2, edges[-1] - pd.Timedelta(days=1))):
        alive = ((f <= day) & (u.isna() | (u > day))).to_numpy(bool)
        stock_a.append(bap[alive])
        stock_p.append(np.full(int(alive.sum()), code, dtype=np.int8))
    ev["registered"] = (np.concatenate(stock_a), np.concatenate(stock_p), None)
    summary = their.groupby("wijk").agg(
        n_addresses=("address_id", "nunique"))
    summary.index = summary.index.astype(str)
    wcodes = list(summary.index)
    wsel = pd.Index(codes).get_indexer(wcodes)
    rows = []
    for sig, (apos, per, day) in ev.items():
        ok = (apos >= 0) & (per >= 0)
        apos, per = apos[ok], per[ok]
        if day is not None:   # a household registering on one day at one address is one event
            d = pd.DataFrame({"a": apos, "d": day[ok].astype("int64")})
            keep = ~d.duplicated().to_numpy()
            apos, per = apos[keep], per[keep]
        wpos = ri.addr_wpos[apos]
        ok = (wpos >= 0) & (wpos != tpos)
        apos, per, wpos = apos[ok], per[ok], wpos[ok]
        mine = mine_addr[apos]
        rest = np.bincount(per[~mine], minlength=3)
        if sig == "registered":   # stock at the start (b2) vs the end (after); pre-trend b1 vs b2
            rb, ra, r1 = rest[1], rest[2], rest[0]
        else:
            rb, ra, r1 = rest[0] + rest[1], rest[2], rest[0]
        ratio0 = ra / rb if rb > 0 else 1.0
        pre_ratio = (rest[1] / r1) if r1 > 0 else 1.0
        g = np.bincount(wpos[mine] * 3 + per[mine], minlength=len(codes) * 3).reshape(len(codes), 3)[wsel]
        b1, b2, a = (g[:, k].astype(float) for k in range(3))
        before = b2 if sig == "registered" else b1 + b2
        r = rate_excess(a, before, ratio0)
        pre = rate_excess(b2, b1, pre_ratio)["p_value"]
        rows.append(pd.DataFrame({"wijk_code": wcodes, "kind": f"landlord:{sig}", "before": before, "observed": a,
                                  **r, "pre_p": pre, "persons": np.nan, "persons_expected": np.nan}))
        summary[f"{sig}_before"] = before
        summary[f"{sig}_after"] = a
    if "floor_area_m2" in dataset.addresses.columns:
        area = pd.to_numeric(dataset.addresses["floor_area_m2"], errors="coerce").to_numpy(float)
        u = their.drop_duplicates("address_id")
        up = ri.addr_ids.get_indexer(u["address_id"].astype(str).to_numpy(dtype=object))
        fa = u.assign(m2=np.where(up >= 0, area[np.maximum(up, 0)], np.nan)).groupby("wijk")["m2"].sum()
        summary["floor_area_m2"] = fa.reindex(summary.index).to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            summary["crowding_before"] = np.where(summary["floor_area_m2"] > 0,
                                                  summary["registered_before"] / summary["floor_area_m2"] * 10, np.nan)
            summary["crowding_after"] = np.where(summary["floor_area_m2"] > 0,
                                                 summary["registered_after"] / summary["floor_area_m2"] * 10, np.nan)
    summary.index.name = "wijk_code"
    return pd.concat(rows, ignore_index=True), summary.reset_index(), len(lords)


def direct_evidence(dataset: Dataset, moves: pd.DataFrame, target_code: str, start: date, months_before: int = 12,
                    months_after: int = 12, alpha: float = FDR) -> tuple[DirectEvidence, pd.DataFrame, int]:
    """All direct evidence rows for the target, with BH q-values within the primary and the supporting family
    (module docstring) and detectable sizes; ``n_tests`` of the result is the size of the primary family.

    Returns (evidence, landlord per-wijk summary, number of target landlords).
    """
    codes = list(dataset.wijken["code"].astype(str))
    pe, ppa = person_evidence(moves, violation_findings(dataset), target_code, start, months_before, months_after,
                              codes)
    le, lsum, n_lords = landlord_evidence(dataset, target_code, start, months_before, months_after)
    t = pd.concat([pe, le], ignore_index=True) if len(le) else pe
    person = PRIMARY_PERSON if (t["kind"] == PRIMARY_PERSON).any() else FALLBACK_PERSON
    t["family"] = np.where(t["kind"].isin([person, PRIMARY_LANDLORD]), "primary", "supporting")
    t["q_value"] = 1.0
    t["detectable"] = np.nan
    m = 0
    for fam in ("primary", "supporting"):
        # every pre-declared row counts in its family, also those with nothing before or after (p = 1):
        # dropping them would let the outcome choose the family's size
        sel = (t["family"] == fam).to_numpy()
        if not sel.any():
            continue
        n_fam = int(sel.sum())
        t.loc[sel, "q_value"] = benjamini_hochberg(t.loc[sel, "p_value"].to_numpy(float))
        e = t.loc[sel, "expected"].to_numpy(float)
        # the first BH threshold (alpha / m): what a lone displacement into one wijk must pass
        t.loc[sel, "detectable"] = np.maximum(detectable_excess(e, alpha / n_fam), MIN_EVIDENCE - e)
        if fam == "primary":
            m = n_fam
    t = t[EVIDENCE_COLUMNS].reset_index(drop=True)
    return DirectEvidence(t, ppa, m), lsum, n_lords


def evidence_sentence(row: "pd.Series | dict", wijk_name: str, target_name: str) -> str:
    """One Dutch sentence for a director: what was seen, against what was expected, with the interval.

    Every count is disclosure-controlled (`disclose.count_text`); relocations are told in persons with the
    households (addresses) they moved from, the test and the interval count households.
    """
    kind = row["kind"]
    obs, exp = float(row["observed"]), float(row["expected"])
    lo, hi = float(row["excess_lo"]), float(row["excess_hi"])
    if kind in ("from_target", "from_enforced"):
        src = "adressen" if kind == "from_target" else "gehandhaafde adressen"
        return (f"{count_text(float(row['persons']))} bewoners van {src} in {target_name} schreven zich binnen 60 "
                f"dagen in {wijk_name} in, tegen {count_text(float(row['persons_expected']), expected=True)} verwacht; "
                f"het zijn {count_text(obs)} huishoudens tegen {count_text(exp, expected=True)} verwacht "
                f"(overschot {round5(lo)} tot {round5(hi)} huishoudens, 95 %-interval)")
    sig = kind.split(":", 1)[1]
    what = {"moves_in": "nieuwe inschrijvingen (huishoudens)", "eum_registrations":
            "nieuwe inschrijvingen van EU-arbeidsmigranten (huishoudens)", "short_spells": "korte inschrijvingen",
            "registered": "ingeschrevenen", "complaints": "meldingen", "violations": "gevonden overtredingen"}.get(sig, sig)
    return (f"{count_text(obs)} {what} op adressen in {wijk_name} van verhuurders die ook in {target_name} "
            f"verhuren, tegen {count_text(exp, expected=True)} verwacht (overschot {round5(lo)} tot {round5(hi)}, "
            "95 %-interval)")
