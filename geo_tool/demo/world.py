"""The realistic demo world: hidden states that start and end, seen only partly by the register,
complaints and visits (the default `geo-tool demo --world realistic`).

What a municipality meets in practice, and what this world therefore does:
- A violation is a hidden state of a dwelling that starts and ends: a unit *packed* with beds and
  rotating occupants (overbewoning, illegal room rental, often a wrong register, with exploitative
  landlords signs of exploitation) or a *dangerous conversion* (a family house split into rooms: room
  rental and fire risk). Onsets are driven by the landlord (a few exploitative landlords, some of
  them also their tenants' employer, owning whole buildings and houses in several wijken) and by the
  building (old, poorly kept blocks; a packed flat makes its neighbours likelier to be packed), far
  more than by anything the register shows.
- The register undercounts: of a packed unit's rotating occupants only some register (in groups, for
  short spells), some stay registered months after leaving, some are RNI; others never register.
- Complaints are noisy: ordinary neighbour trouble, a few addresses in disputes that complain for
  years, complaints about a flat filed at another flat of the same building, complaints with only a
  point, fewer complaints where the landlord is the employer, and dips in summer and the lockdowns.
- Visits follow complaints and sweeps (and permit checks), with a small random share; `no_access` is
  likelier exactly where something is wrong, and a visit does not always see what is there.
- The truth keeps, per address and month, the latent risk: the probability of being in violation that
  month given everything up to the month before (the oracle a model could at best know).

The labour migrants' beds of the simple world stay (they carry the calibration to the seed tables),
and so does the Carnisse approach with its displacement of tenants (the waterbed effect).
All rates below are assumptions, stated where they are set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_tool.demo.population import NAT_MOE, NAT_NON_EU, NAT_UNKNOWN, NAT_ZUID, Beds, Spells, eum_birth_years
from geo_tool.demo.timeline import CAL, END, INTERVENTION, MONTH_START, N_MONTHS, PERMIT_START, month_of
from geo_tool.demo.truth import (SELECTED_BY, V_BRAND, V_BRP, V_KAMER, V_OVER, V_UITB, Context, TruthResult, _csr,
                                 bed_events, make_wijk_picker, move_tenants)

# -- who is prone (assumptions) -------------------------------------------------------------------
EXPLOITATIVE_RISK = (2.6, 0.5)        # log-mean, log-sd of an exploitative landlord's risk (x ~14)
ORDINARY_RISK = (0.0, 0.7)            # an ordinary private landlord
EMPLOYER_SHARE = 0.4                  # exploitative landlords who are also their tenants' employer
OWNER_RISK, CORPORATION_RISK = 0.08, 0.2
WHOLE_BUILDING_SHARE = 0.75           # private units of one building owned by one landlord
EXPLOIT_SPREAD_ADDRESSES = 3          # houses a larger exploitative landlord also owns elsewhere in the city
SPREAD_MIN_PORTFOLIO = 5
BUILDING_RISK_SD = 0.8                # lognormal spread of a building's proneness
OLD_BUILDING_YEAR, OLD_BUILDING_MULT = 1945, 1.6
# -- the hidden states --------------------------------------------------------------------------
PACKED_BASE = 0.0004                  # monthly onset of 'packed' at a unit of risk 1
PACKED_SMALL_MULT = 1.6               # below 55 m2
PACKED_BEDS_MULT = 2.5                # an address where labour migrants' beds are (EUM house)
PACKED_NEIGHBOUR_MULT = 5.0           # per share of the building's other units packed last month
PACKED_MEAN_MONTHS = 9
CONVERSION_BASE = 0.00006            # monthly onset of a dangerous conversion at a unit of risk 1
CONVERSION_LARGE_MULT = 2.5           # 75 m2 and more: worth splitting into rooms
CONVERSION_MEAN_MONTHS = 40
DETERRENCE_MONTHS, DETERRENCE_MULT = 24, 0.3   # after a found violation the address stays quieter
# -- occupants and the register -----------------------------------------------------------------
GROUP_SIZE = (2, 3.0)                 # a packed unit's first group: 2 + Poisson(3) extra occupants
ARRIVALS_PER_MONTH = 0.9              # rotating occupants arriving later, per packed month
STAY_MEAN_DAYS = 110
P_REGISTER = 0.25                     # share of rotating occupants who register at all
P_REGISTER_EMPLOYER = 0.25            # ... where the landlord is also the employer
P_OVERSTAY, OVERSTAY_DAYS = 0.3, (60, 365)     # registration outlives the stay
P_RNI_EXTRA = 0.12
P_OVERSTAY_BEDS = 0.15                # labour migrants of the beds whose last registration outlives them
BED_STAY_DAYS = 200                   # legal labour-migrant housing rotates too (agencies' short contracts)
# -- complaints -----------------------------------------------------------------------------------
RATE_PACKED, RATE_CONVERSION = 0.10, 0.035     # complaints per violation-month (mean) ...
VISIBILITY_SD = 1.4                   # ... times a lognormal per address: some are noticed by the whole street
EMPLOYER_REPORTING = 0.35             # relative reporting where the landlord is the employer
P_OTHER_UNIT = 0.3                    # filed at another address of the same building
P_POINT_ONLY = 0.12                   # only a location
NOISE_RATE = 0.0030                   # ordinary complaints per address-month
DISPUTE_SHARE = 0.0015                # addresses in a long neighbour dispute
DISPUTE_MONTHS = (8, 60)
DISPUTE_RATE = 0.6
SUMMER_DIP, LOCKDOWN_DIP = 0.65, 0.6
LOCKDOWN_MONTHS = ((2020, 3), (2020, 4), (2020, 5), (2020, 12), (2021, 1), (2021, 2), (2021, 3))
# -- visits ---------------------------------------------------------------------------------------
P_VISIT_PER_COMPLAINT = 0.22          # a complaint leads to a visit (per complaint, that month)
P_RANDOM = 0.00006
P_PERMIT_CHECK = 0.0010               # routine permit checks, Goed-huren wijken from 2021
SWEEP_WIJKEN_PER_MONTH = 0.04         # share of wijken swept each month ...
P_SWEEP = 0.025                       # ... visiting this share of their private rental units
P_CARNISSE, P_CARNISSE_BEDS = 0.05, 0.15       # the Carnisse approach from 2022 (more where beds are)
CARNISSE_ONSET_MULT = 0.5             # landlords in the approach wijk know they are watched
P_NO_ACCESS, P_NO_ACCESS_VIOLATION = 0.07, 0.30
P_DETECT_PACKED, P_DETECT_CONVERSION = 0.75, 0.6
P_FALSE_POSITIVE = 0.03
P_RESOLVE, RESOLVE_DAYS = 0.85, (30, 120)
RISK_KEEP = 0.02                      # latent risks below this are not written (the rest is ~0)
# -- the hard displacement of issue 12 (assumptions) ----------------------------------------------
CAMPAIGN_REPORTING = 1.8              # the approach raises reporting in the target: complaints per cause x this
DEST_REPORTING = 0.15                 # a displaced operation's tenants (housed by their employer) seldom complain
DECOY_ONSET_MONTHS = (2, 12)          # the decoy landlord's buildings fill this many months after the start
P_REGISTER_DECOY = 0.6                # the decoy's agency registers most of its tenants


@dataclass
class Hidden:
    """Per-address and per-landlord traits of the realistic world."""

    building: np.ndarray              # building index per address
    landlord_risk: np.ndarray         # per address (owners and corporations get a low constant)
    employer: np.ndarray              # per address: the landlord is also the employer
    building_risk: np.ndarray         # per address (of its building)
    small: np.ndarray
    large: np.ndarray
    beds_here: np.ndarray             # an EUM house or single by the bed placement


@dataclass
class WorldResult:
    """The realistic world's output beyond `TruthResult`."""

    truth: TruthResult
    complaints: pd.DataFrame          # addr, day, category, point_only
    risk: pd.DataFrame                # addr, month, risk (>= RISK_KEEP)
    packed: pd.DataFrame              # addr, month: months in the packed state (for the occupants)


def whole_buildings(landlord: np.ndarray, building: np.ndarray, private: np.ndarray, exploit_ll: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """Landlords own whole buildings, and exploitative ones also houses in other wijken.

    Returns the new landlord per address (-1 = none). The private units of most buildings go to the
    landlord of the building's first private unit; each exploitative landlord buys a few private
    houses of ordinary landlords elsewhere in the city.
    """
    landlord = landlord.copy()
    priv = np.flatnonzero(private & (landlord >= 0))
    if len(priv) == 0:
        return landlord
    b = building[priv]
    order = np.lexsort((priv, b))
    first = np.r_[True, b[order][1:] != b[order][:-1]]
    head = priv[order][np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))]
    whole = rng.random(len(np.unique(b))) < WHOLE_BUILDING_SHARE
    bid = np.cumsum(first) - 1
    take = whole[bid]
    landlord[priv[order][take]] = landlord[head[take]]
    size = np.bincount(landlord[priv], minlength=len(exploit_ll))
    ex_ll = np.flatnonzero(exploit_ll & (size >= SPREAD_MIN_PORTFOLIO))
    alone = np.bincount(building, minlength=int(building.max()) + 1)[building[priv]] == 1
    pool = priv[~exploit_ll[landlord[priv]] & alone]
    k = min(len(ex_ll) * EXPLOIT_SPREAD_ADDRESSES, len(pool))
    if k:
        give = rng.choice(pool, size=k, replace=False)
        landlord[give] = np.repeat(ex_ll, EXPLOIT_SPREAD_ADDRESSES)[:k]   # anywhere in the city
    return landlord


def traits(ctx: Context, building: np.ndarray, building_year: np.ndarray, tenure_private: np.ndarray,
           tenure_corp: np.ndarray, exploit_ll: np.ndarray, addr_kind: np.ndarray,
           rng: np.random.Generator) -> Hidden:
    """Draw the hidden proneness of landlords and buildings."""
    n_ll = len(exploit_ll)
    ll_risk = np.where(exploit_ll, np.exp(rng.normal(*EXPLOITATIVE_RISK, n_ll)), np.exp(rng.normal(*ORDINARY_RISK, n_ll)))
    employer_ll = exploit_ll & (rng.random(n_ll) < EMPLOYER_SHARE)
    has = ctx.landlord >= 0
    l = np.maximum(ctx.landlord, 0)
    risk = np.where(has, ll_risk[l] if n_ll else 1.0, np.where(tenure_corp, CORPORATION_RISK, OWNER_RISK))
    risk = np.where(tenure_private & ~has, 1.0, risk)
    n_b = int(building.max()) + 1 if len(building) else 0
    b_risk = np.exp(rng.normal(-BUILDING_RISK_SD ** 2 / 2, BUILDING_RISK_SD, n_b))[building]
    b_risk = b_risk * np.where(building_year < OLD_BUILDING_YEAR, OLD_BUILDING_MULT, 1.0)
    return Hidden(building=building, landlord_risk=risk, employer=has & (employer_ll[l] if n_ll else False),
                  building_risk=b_risk, small=ctx.area < 55, large=ctx.area >= 75, beds_here=addr_kind > 0)


def _season(m: int) -> float:
    year, month = 2019 + m // 12, m % 12 + 1
    f = SUMMER_DIP if month in (7, 8) else 1.0
    return f * (LOCKDOWN_DIP if (year, month) in LOCKDOWN_MONTHS else 1.0)


def simulate(ctx: Context, h: Hidden, beds: Beds, rng: np.random.Generator, displacement: float,
             sweep_pool: np.ndarray, portfolio: bool = False, decoy: np.ndarray | None = None) -> WorldResult:
    """Month by month: hidden states, complaints, visits, enforcement and the tenants' moves.

    `sweep_pool` marks the wijken that sweeps may visit (those with labour migrants or permits).
    In the target the approach raises reporting (complaints per cause x CAMPAIGN_REPORTING) while
    onsets fall. With `portfolio` a displaced operation lands at the landlord's destination address:
    it is packed from the month after, and its tenants (housed by their employer) seldom complain.
    `decoy` (addresses of a new landlord's whole buildings elsewhere, unrelated to the target) fill one
    by one DECOY_ONSET_MONTHS after the intervention: a rise without links to the target.
    """
    A, nb, M = len(ctx.wijk), len(beds.wijk), N_MONTHS
    n_b = int(h.building.max()) + 1 if A else 0
    units_b = np.bincount(h.building, minlength=n_b).astype(float)
    base_p = PACKED_BASE * h.landlord_risk * h.building_risk * np.where(h.small, PACKED_SMALL_MULT, 1.0) \
        * np.where(h.beds_here, PACKED_BEDS_MULT, 1.0)
    base_c = CONVERSION_BASE * h.landlord_risk ** 1.2 * h.building_risk * np.where(h.large, CONVERSION_LARGE_MULT, 1.0)
    base_c = np.where(ctx.private, base_c, base_c * 0.2)
    report = np.where(h.employer, EMPLOYER_REPORTING, 1.0) \
        * np.exp(rng.normal(-VISIBILITY_SD ** 2 / 2, VISIBILITY_SD, A))
    # start in the steady state (the city did not begin in 2019)
    packed = rng.random(A) < base_p * PACKED_MEAN_MONTHS / (1 + base_p * PACKED_MEAN_MONTHS)
    conv = rng.random(A) < base_c * CONVERSION_MEAN_MONTHS / (1 + base_c * CONVERSION_MEAN_MONTHS)
    resolve_m = np.full(A, -1)
    quiet_until = np.full(A, -1)
    pending = np.full(A, -1, dtype=np.int64)
    uitb = ctx.exploit & (rng.random(A) < 0.6)
    # building -> members (to file a complaint at another unit of the same building)
    b_members, b_first, b_cnt = _csr(h.building, np.arange(A), n_b)
    dispute = np.flatnonzero(rng.random(A) < DISPUTE_SHARE * np.where(units_b[h.building] > 1, 1.5, 0.6))
    d_start = rng.integers(-DISPUTE_MONTHS[1], M, len(dispute))
    d_end = np.minimum(d_start + rng.integers(DISPUTE_MONTHS[0], DISPUTE_MONTHS[1] + 1, len(dispute)), M)
    d_start = np.maximum(d_start, 0)
    bed_addr = np.repeat(beds.addr[:, None].astype(np.int64), M, axis=1)
    bed_close = np.full(nb, END + 10**6, dtype=np.int64)
    pick_in_wijk = make_wijk_picker(ctx, rng)
    m0 = int(month_of(np.array([INTERVENTION]))[0])
    decoy = np.zeros(0, np.int64) if decoy is None else np.asarray(decoy, np.int64)
    decoy_on = m0 + rng.integers(DECOY_ONSET_MONTHS[0], DECOY_ONSET_MONTHS[1] + 1, len(decoy))
    landed = np.full(A, M, dtype=np.int64)    # month from which a displaced operation is packed here
    target_idx = np.flatnonzero(ctx.target)

    rec_a, rec_m, rec_k, risk_parts, comp_parts, insp_parts, ev_parts, packed_parts = [], [], [], [], [], [], [], []
    sweep_cand = np.flatnonzero(sweep_pool)
    for m in range(M):
        day0, day1 = MONTH_START[m], MONTH_START[m + 1]
        ex = (beds.open <= day0) & (bed_close > day0)
        # onsets: landlord x building x unit, neighbours in the building, quieter after enforcement
        nb_packed = np.bincount(h.building, weights=packed.astype(float), minlength=n_b)[h.building] - packed
        share = nb_packed / np.maximum(units_b[h.building] - 1, 1)
        quiet = np.where(quiet_until >= m, DETERRENCE_MULT, 1.0) \
            * np.where(ctx.target & (day0 >= INTERVENTION), CARNISSE_ONSET_MULT, 1.0)
        hp = np.minimum(base_p * (1 + PACKED_NEIGHBOUR_MULT * share) * quiet, 0.5)
        hc = np.minimum(base_c * quiet, 0.5)
        ending_p = resolve_m == m
        p_stay_p = np.where(ending_p, 0.0, 1 - 1 / PACKED_MEAN_MONTHS)
        p_stay_c = np.where(ending_p, 0.0, 1 - 1 / CONVERSION_MEAN_MONTHS)
        risk_p = np.where(packed, p_stay_p, hp)
        risk_c = np.where(conv, p_stay_c, hc)
        risk = 1 - (1 - risk_p) * (1 - risk_c)
        keep = np.flatnonzero(risk >= RISK_KEEP)
        risk_parts.append((keep, np.full(len(keep), m, np.int16), risk[keep].astype(np.float32)))
        u = rng.random(A)
        packed = np.where(packed, u < p_stay_p, u < hp)
        packed[decoy[decoy_on <= m]] = True                 # the decoy's buildings stay full
        packed |= (landed <= m) & ~ending_p                 # a displaced operation keeps going
        u = rng.random(A)
        conv = np.where(conv, u < p_stay_c, u < hc)
        packed_parts.append(np.flatnonzero(packed))
        mask = np.where(packed, V_OVER | V_KAMER | V_BRP, 0) | np.where(packed & uitb, V_UITB, 0) \
            | np.where(conv, V_KAMER | V_BRAND, 0)
        viol = mask > 0
        idx = np.flatnonzero(viol)
        rec_a.append(idx); rec_m.append(np.full(len(idx), m, dtype=np.int16)); rec_k.append(mask[idx].astype(np.int8))
        # complaints this month
        season = _season(m)
        campaign = CAMPAIGN_REPORTING if day0 >= INTERVENTION else 1.0
        rate_v = (RATE_PACKED * packed + RATE_CONVERSION * conv) * report * season \
            * np.where(ctx.target, campaign, 1.0)
        kv = rng.poisson(rate_v)
        va = np.repeat(np.arange(A), kv)
        other = rng.random(len(va)) < P_OTHER_UNIT
        bb = h.building[va]
        alt = b_members[b_first[bb] + (rng.random(len(va)) * b_cnt[bb]).astype(np.int64)]
        va = np.where(other & (b_cnt[bb] > 1), alt, va)
        n_noise = rng.poisson(NOISE_RATE * A * season)
        na = rng.integers(0, A, n_noise)
        if campaign > 1 and len(target_idx):     # more neighbour trouble is reported in the target too
            n_more = rng.poisson(NOISE_RATE * (campaign - 1) * len(target_idx) * season)
            na = np.r_[na, target_idx[rng.integers(0, len(target_idx), n_more)]]
        active = dispute[(d_start <= m) & (m < d_end)]
        kd = rng.poisson(DISPUTE_RATE * season, len(active))
        da = np.repeat(active, kd)
        ca = np.r_[va, na, da]
        from_violation = np.r_[np.ones(len(va), bool), np.zeros(len(na) + len(da), bool)]
        cday = day0 + (rng.random(len(ca)) * (day1 - day0)).astype(np.int64)
        comp_parts.append((ca, cday, from_violation))
        n_comp = np.bincount(ca, minlength=A)
        # visits: complaints, sweeps and permit checks, Carnisse, a small random share
        p_c = 1 - (1 - P_VISIT_PER_COMPLAINT) ** n_comp
        p_r = np.full(A, P_RANDOM)
        p_rt = np.where(ctx.goed_huren & ctx.private & (day0 >= PERMIT_START), P_PERMIT_CHECK, 0.0)
        if len(sweep_cand):
            swept = sweep_cand[rng.random(len(sweep_cand)) < SWEEP_WIJKEN_PER_MONTH]
            p_rt = p_rt + np.where(np.isin(ctx.wijk, swept) & ctx.private, P_SWEEP, 0.0)
        beds_now = np.bincount(bed_addr[ex, m], minlength=A) > 0
        p_o = np.where(ctx.target & ctx.private & (day0 >= INTERVENTION), np.where(beds_now, P_CARNISSE_BEDS, P_CARNISSE), 0.0)
        cum = np.cumsum(np.column_stack([p_c, p_r, p_rt, p_o]), axis=1)
        u = rng.random(A) * np.maximum(cum[:, -1], 1.0)
        hit = np.flatnonzero(u < cum[:, -1])
        sel = (u[hit][:, None] >= cum[hit]).sum(1)
        n = len(hit)
        vday = day0 + (rng.random(n) * (day1 - day0)).astype(np.int64)
        truth_v = viol[hit]
        no_access = rng.random(n) < np.where(truth_v, P_NO_ACCESS_VIOLATION, P_NO_ACCESS)
        p_detect = np.where(packed[hit], P_DETECT_PACKED, np.where(conv[hit], P_DETECT_CONVERSION, P_FALSE_POSITIVE))
        found = ~no_access & (rng.random(n) < p_detect)
        outcome = np.where(no_access, 2, np.where(found, 0, 1))
        seen = np.where(truth_v, mask[hit], V_OVER)
        bits = np.array([V_OVER, V_KAMER, V_BRP, V_BRAND, V_UITB])
        rec = (seen[:, None] & bits[None, :]) > 0
        rec2 = rec & (rng.random((n, 5)) < 0.8)
        first = np.argmax(rec, 1)
        rec2[np.arange(n), first] |= rec[np.arange(n), first]
        vmask = np.where(outcome == 0, (rec2 * bits[None, :]).sum(1), 0)
        insp_parts.append(pd.DataFrame({"addr": hit, "day": vday, "selected_by": SELECTED_BY[sel], "outcome": outcome,
                                        "vmask": vmask, "true_violation": truth_v}))
        # enforcement: a found violation is mostly resolved within 1-4 months, then the address is quieter
        res = (outcome == 0) & truth_v & (rng.random(n) < P_RESOLVE) & (pending[hit] < vday)
        ra, rday = hit[res], vday[res] + rng.integers(RESOLVE_DAYS[0], RESOLVE_DAYS[1] + 1, res.sum())
        pending[ra] = rday
        rm = month_of(rday)
        inside = rm < M
        resolve_m[ra[inside]] = rm[inside]
        landed[ra[inside]] = np.where(landed[ra[inside]] <= m, M, landed[ra[inside]])   # enforced there too
        quiet_until[ra] = rm + DETERRENCE_MONTHS
        has_beds = beds_now[ra]
        if has_beds.any():
            part = move_tenants(ctx, ra[has_beds], rday[has_beds], rm[has_beds], m, ex, bed_addr, bed_close, rng,
                                displacement, pick_in_wijk)
            if part is not None:
                ev_parts.append(part)
                if portfolio:
                    d = part.loc[part["kind"] == "displaced", ["new_addr", "day"]].drop_duplicates("new_addr")
                    na_ = d["new_addr"].to_numpy(np.int64)
                    landed[na_] = np.minimum(landed[na_], np.maximum(month_of(d["day"].to_numpy(np.int64)) + 1, m + 1))
                    report[na_] = np.minimum(report[na_], DEST_REPORTING)
    insp = pd.concat(insp_parts, ignore_index=True)
    events = bed_events(ev_parts)
    tr = TruthResult(np.concatenate(rec_a), np.concatenate(rec_m), np.concatenate(rec_k), insp, events, bed_close,
                     dispute, d_start, d_end)
    ca = np.concatenate([c[0] for c in comp_parts])
    cday = np.concatenate([c[1] for c in comp_parts])
    from_v = np.concatenate([c[2] for c in comp_parts])
    complaints = _complaint_frame(ca, cday, from_v, insp, rng)
    risk = pd.DataFrame({"addr": np.concatenate([r[0] for r in risk_parts]),
                         "month": np.concatenate([r[1] for r in risk_parts]),
                         "risk": np.concatenate([r[2] for r in risk_parts])})
    pk = pd.DataFrame({"addr": np.concatenate(packed_parts),
                       "month": np.concatenate([np.full(len(p), i, np.int16) for i, p in enumerate(packed_parts)])})
    return WorldResult(tr, complaints, risk, pk)


CATEGORIES = np.array(["woonoverlast", "overbewoning", "afval", "geluid", "verkamering", "uitbuiting", "overig"])
P_CAT_VIOLATION = np.array([0.30, 0.20, 0.20, 0.10, 0.13, 0.02, 0.05])
P_CAT_NOISE = np.array([0.30, 0.05, 0.22, 0.30, 0.03, 0.005, 0.095])
P_CAT_NOISE = P_CAT_NOISE / P_CAT_NOISE.sum()


def _complaint_frame(addr: np.ndarray, day: np.ndarray, from_violation: np.ndarray, insp: pd.DataFrame,
                     rng: np.random.Generator) -> pd.DataFrame:
    """Complaints with categories (violations look a little different from neighbour trouble, not much)."""
    cat = np.where(from_violation, rng.choice(len(CATEGORIES), size=len(addr), p=P_CAT_VIOLATION),
                   rng.choice(len(CATEGORIES), size=len(addr), p=P_CAT_NOISE))
    point_only = rng.random(len(addr)) < P_POINT_ONLY
    df = pd.DataFrame({"addr": addr, "day": np.maximum(day, MONTH_START[0]), "category": CATEGORIES[cat],
                       "point_only": point_only})
    return df.sort_values(["day", "addr", "category"], kind="stable").reset_index(drop=True)


def occupant_spells(packed: pd.DataFrame, employer: np.ndarray, rng: np.random.Generator,
                    first_person: int, decoy: np.ndarray | None = None) -> Spells:
    """Registrations of a packed unit's rotating occupants: a group on arrival, more later, few register
    (most at `decoy` addresses, whose agency registers its tenants).

    Spells never cover 2020-01-01 (the calibration date of the seed tables): such a spell starts the day after.
    """
    if len(packed) == 0:
        z = np.zeros(0, np.int64)
        return Spells(z, z, z, z, z.astype(np.int8), z, z.astype(bool))
    p = packed.sort_values(["addr", "month"], kind="stable")
    a, m = p["addr"].to_numpy(np.int64), p["month"].to_numpy(np.int64)
    new_ep = np.r_[True, (a[1:] != a[:-1]) | (m[1:] != m[:-1] + 1)]
    ep = np.cumsum(new_ep) - 1
    ep_addr = a[new_ep]
    ep_start = m[new_ep]
    ep_end = np.r_[m[np.flatnonzero(new_ep)[1:] - 1], m[-1]] + 1      # first month after
    n_ep = len(ep_addr)
    # the first group: arrives together on one day
    g = GROUP_SIZE[0] + rng.poisson(GROUP_SIZE[1], n_ep)
    g_ep = np.repeat(np.arange(n_ep), g)
    g_day = np.repeat(MONTH_START[ep_start] + rng.integers(0, 28, n_ep), g)
    # later arrivals, one by one, in the packed months
    k = rng.poisson(ARRIVALS_PER_MONTH, len(a))
    l_ep = np.repeat(ep, k)
    l_day = np.repeat(MONTH_START[m], k) + rng.integers(0, 28, k.sum())
    e_of = np.r_[g_ep, l_ep]
    arrive = np.r_[g_day, l_day]
    leave = np.minimum(arrive + 1 + rng.exponential(STAY_MEAN_DAYS, len(arrive)).astype(np.int64),
                       MONTH_START[ep_end[e_of]])
    addr = ep_addr[e_of]
    p_reg = np.where(employer[addr], P_REGISTER_EMPLOYER, P_REGISTER)
    if decoy is not None and len(decoy):
        p_reg = np.where(np.isin(addr, decoy), P_REGISTER_DECOY, p_reg)
    reg = (rng.random(len(arrive)) < p_reg) & (leave > arrive)
    start = arrive + np.where(np.r_[np.zeros(len(g_ep), bool), np.ones(len(l_ep), bool)], rng.integers(0, 20, len(arrive)), 3)
    over = rng.random(len(arrive)) < P_OVERSTAY
    end = leave + np.where(over, rng.integers(OVERSTAY_DAYS[0], OVERSTAY_DAYS[1] + 1, len(arrive)), 0)
    start = np.where((start <= CAL) & (end > CAL), CAL + 1, start)
    reg &= (end > start) & (start < END)
    n = int(reg.sum())
    u = rng.random(n)
    nat = np.where(u < 0.7, NAT_MOE, np.where(u < 0.85, NAT_ZUID, np.where(u < 0.95, NAT_NON_EU, NAT_UNKNOWN)))
    return Spells(person=first_person + np.arange(n), addr=addr[reg], start=start[reg], end=end[reg],
                  nat=nat.astype(np.int8), birth=eum_birth_years(n, rng), rni=rng.random(n) < P_RNI_EXTRA)


def overstay(sp: Spells, rng: np.random.Generator) -> Spells:
    """Some persons stay registered months after they left: their last spell ends later (never across
    2020-01-01, so the calibration holds)."""
    order = np.lexsort((sp.start, sp.person))
    last = np.ones(len(sp), bool)
    last[order[:-1]] = sp.person[order[1:]] != sp.person[order[:-1]]
    pick = last & (sp.end > CAL) & (sp.end < END) & (rng.random(len(sp)) < P_OVERSTAY_BEDS)
    end = sp.end.copy()
    end[pick] += rng.integers(OVERSTAY_DAYS[0], OVERSTAY_DAYS[1] + 1, pick.sum())
    return Spells(sp.person, sp.addr, sp.start, end, sp.nat, sp.birth, sp.rni)
