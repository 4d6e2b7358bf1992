"""The hidden truth and the enforcement that acts on it, month by month (2019-01 .. 2025-12).

A violation is a state of an address in a month. Two sources:
- EUM houses: 3+ registered labour migrants in one dwelling is illegal room rental unless the address
  has a valid permit; with hidden (unregistered) occupants it is overcrowding (overbewoning) and a wrong
  register (brp_onjuist); exploitative landlords add uitbuiting_signaal, some houses fire risk.
- A background Markov chain on all other addresses (students' room rental, overcrowded families):
  invisible in the register, so the model cannot be perfect.
Inspections are drawn each month (complaint-driven, routine, random, and the Carnisse approach from
2022-01-01); a found violation is usually resolved within a few months: the tenants relocate (within
the wijk), leave, or, in Carnisse under the intervention, are displaced by exploitative landlords to
their addresses in the destination wijken (the waterbed effect).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo_tool.demo.population import Beds
from geo_tool.demo.timeline import CAL, END, INTERVENTION, MONTH_START, N_MONTHS, PERMIT_START, month_of

VIOLATION_TYPES = np.array(["overbewoning", "illegale_kamerverhuur", "brp_onjuist", "brandgevaar", "uitbuiting_signaal"])
V_OVER, V_KAMER, V_BRP, V_BRAND, V_UITB = 1, 2, 4, 8, 16
KAMERVERHUUR_MIN_PERSONS = 3      # 3+ unrelated registered persons in one dwelling = room rental (assumption)
M2_PER_PERSON_NORM = 12.0         # below this floor area per (true) occupant: overbewoning (assumption)
HIDDEN_MULT_EXPLOITATIVE = (1.4, 2.6)  # true/registered occupants; registered EUM ~ 1/4 of real (programme)
HIDDEN_MULT_NORMAL = (1.0, 1.5)
HIDDEN_BRP_THRESHOLD = 1.45
P_BRANDGEVAAR = 0.25
P_UITBUITING_EXPLOITATIVE = 0.55
BG_ONSET_BASE = 0.00012            # monthly onset of a background violation (assumption)
BG_MULT_PRIVATE, BG_MULT_EXPLOITATIVE, BG_MULT_SMALL = 3.0, 10.0, 2.0
BG_MEAN_MONTHS = 18
SMALL_AREA_M2 = 50.0
# inspections per address per month (assumptions; give a few thousand per year city-wide)
P_INSPECT_COMPLAINT_VIOL = 0.022   # a violation draws complaints that lead to a visit
P_INSPECT_COMPLAINT_OTHER = 0.00035
P_INSPECT_RANDOM = 0.00008         # ~5-10 % of visits are random
P_INSPECT_ROUTINE_PERMIT = 0.0012  # permit checks in Goed-huren wijken from 2021
P_INSPECT_ROUTINE = 0.00004
P_INSPECT_CARNISSE_VIOL = 0.14     # intensified approach in Carnisse from 2022-01-01
P_INSPECT_CARNISSE_OTHER = 0.0015
P_INSPECT_DISPUTE = 0.06           # a neighbour dispute's stream of complaints also draws visits
# neighbour disputes: a few addresses are complained about constantly for some months, without any
# violation (in practice the top of "most complaints" is full of them; assumption)
DISPUTE_SHARE = 0.0025
DISPUTE_MONTHS = (3, 8)
P_NO_ACCESS = 0.10
P_DETECT = 0.85                    # a visit finds a true violation
P_FALSE_POSITIVE = 0.04
P_RESOLVE = 0.85                   # a found violation is resolved ...
RESOLVE_DAYS = (30, 120)           # ... within a few months
P_RELOCATE_TOGETHER = 0.5          # outside the intervention: the group moves on together (same wijk)
DISPLACE_LAG_DAYS = (5, 60)        # displaced tenants register at the destination within 60 days
RELOCATE_LAG_DAYS = (0, 30)
SELECTED_BY = np.array(["complaint", "random", "routine", "other"])


@dataclass
class Context:
    """Per-address arrays the simulation needs."""

    wijk: np.ndarray
    area: np.ndarray
    private: np.ndarray
    landlord: np.ndarray
    exploit: np.ndarray           # per address: landlord exploitative
    permit_from: np.ndarray
    permit_until: np.ndarray
    goed_huren: np.ndarray        # per address
    target: np.ndarray            # per address: in the intervention wijk (Carnisse)
    dest_addr_of_landlord: dict[int, np.ndarray] = field(default_factory=dict)


@dataclass
class TruthResult:
    """What the monthly simulation produced."""

    viol_addr: np.ndarray
    viol_month: np.ndarray
    viol_mask: np.ndarray
    insp: pd.DataFrame            # addr, day, selected_by, outcome, violations, true_violation
    events: pd.DataFrame          # bed, day, new_addr (-1 = bed closed), lag, kind
    bed_close: np.ndarray
    dispute_addr: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))   # neighbour disputes:
    dispute_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # first month
    dispute_end: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))    # first month after


def _csr(groups: np.ndarray, members: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.argsort(groups, kind="stable")
    cnt = np.bincount(groups, minlength=n_groups)
    return members[order], np.r_[0, np.cumsum(cnt)[:-1]], cnt


def make_wijk_picker(ctx: Context, rng: np.random.Generator):
    """A function giving, for wijk indices, a random private-rental address in each (any address when none)."""
    A = len(ctx.wijk)
    n_w = int(ctx.wijk.max()) + 1 if A else 0
    pool_members = np.flatnonzero(ctx.private)
    if len(pool_members) == 0:
        pool_members = np.arange(A)
    pool, pool_first, pool_cnt = _csr(ctx.wijk[pool_members], pool_members, n_w)
    all_pool, all_first, all_cnt = _csr(ctx.wijk, np.arange(A), n_w)

    def pick_in_wijk(w: np.ndarray) -> np.ndarray:
        has = pool_cnt[w] > 0
        out = all_pool[np.minimum(all_first[w] + (rng.random(len(w)) * np.maximum(all_cnt[w], 1)).astype(np.int64), A - 1)]
        k = pool_first[w] + (rng.random(len(w)) * np.maximum(pool_cnt[w], 1)).astype(np.int64)
        return np.where(has, pool[np.minimum(k, len(pool) - 1)], out)

    return pick_in_wijk


def simulate(ctx: Context, beds: Beds, rng: np.random.Generator, displacement: float) -> TruthResult:
    """Run the month-by-month truth and enforcement simulation (vectorised over addresses and beds)."""
    A, nb, M = len(ctx.wijk), len(beds.wijk), N_MONTHS
    lo, hi = np.where(ctx.exploit, HIDDEN_MULT_EXPLOITATIVE[0], HIDDEN_MULT_NORMAL[0]), \
        np.where(ctx.exploit, HIDDEN_MULT_EXPLOITATIVE[1], HIDDEN_MULT_NORMAL[1])
    hidden = lo + rng.random(A) * (hi - lo)
    brand_flag = rng.random(A) < P_BRANDGEVAAR
    uitb_flag = ctx.exploit & (rng.random(A) < P_UITBUITING_EXPLOITATIVE)
    bg_mult = 1 + (BG_MULT_PRIVATE - 1) * ctx.private + (BG_MULT_EXPLOITATIVE - 1) * ctx.exploit \
        + (BG_MULT_SMALL - 1) * (ctx.area < SMALL_AREA_M2)
    p_bg_on = BG_ONSET_BASE * bg_mult
    bg_type = np.where(rng.random(A) < 0.5, V_KAMER, V_OVER) | np.where(rng.random(A) < 0.2, V_BRAND, 0)
    bg = np.zeros(A, bool)
    bg_resolve = np.full(A, -1)
    pending = np.full(A, -1, dtype=np.int64)  # day until which a found address awaits resolution
    bed_addr = np.repeat(beds.addr[:, None].astype(np.int64), M, axis=1)
    bed_close = np.full(nb, END + 10**6, dtype=np.int64)
    pick_in_wijk = make_wijk_picker(ctx, rng)
    dispute_addr = np.flatnonzero(rng.random(A) < DISPUTE_SHARE)
    dispute_start = rng.integers(0, M, len(dispute_addr))
    dispute_end = np.minimum(dispute_start + rng.integers(DISPUTE_MONTHS[0], DISPUTE_MONTHS[1] + 1, len(dispute_addr)), M)
    rec_a, rec_m, rec_k = [], [], []
    insp_parts, ev_parts = [], []

    for m in range(M):
        day0, day1 = MONTH_START[m], MONTH_START[m + 1]
        ex = (beds.open <= day0) & (bed_close > day0)
        occ = np.bincount(bed_addr[ex, m], minlength=A)
        valid = (ctx.permit_from >= 0) & (ctx.permit_from <= day0) & (ctx.permit_until > day0)
        many = occ >= KAMERVERHUUR_MIN_PERSONS
        true_occ = occ * hidden
        over = many & (ctx.area < true_occ * M2_PER_PERSON_NORM)
        kamer = many & (~valid | (occ > KAMERVERHUUR_MIN_PERSONS + 1))
        eum_v = over | kamer
        mask = np.where(over, V_OVER, 0) | np.where(kamer, V_KAMER, 0)
        mask |= np.where(eum_v & (hidden >= HIDDEN_BRP_THRESHOLD), V_BRP, 0)
        mask |= np.where(eum_v & brand_flag & (occ >= 5), V_BRAND, 0)
        mask |= np.where(eum_v & uitb_flag, V_UITB, 0)
        # background chain
        bg[bg_resolve == m] = False
        onset = ~bg & (rng.random(A) < p_bg_on)
        ending = bg & (rng.random(A) < 1 / BG_MEAN_MONTHS)
        bg = (bg | onset) & ~ending
        mask |= np.where(bg, bg_type, 0)
        viol = mask > 0
        idx = np.flatnonzero(viol)
        rec_a.append(idx); rec_m.append(np.full(len(idx), m, dtype=np.int16)); rec_k.append(mask[idx].astype(np.int8))
        # inspections this month
        disputed = np.zeros(A, bool)
        disputed[dispute_addr[(dispute_start <= m) & (m < dispute_end)]] = True
        p_c = np.where(viol, P_INSPECT_COMPLAINT_VIOL, np.where(disputed, P_INSPECT_DISPUTE, P_INSPECT_COMPLAINT_OTHER))
        p_rt = np.where(ctx.goed_huren & ctx.private & (day0 >= PERMIT_START), P_INSPECT_ROUTINE_PERMIT, P_INSPECT_ROUTINE)
        p_o = np.where(ctx.target & (day0 >= INTERVENTION), np.where(viol, P_INSPECT_CARNISSE_VIOL, P_INSPECT_CARNISSE_OTHER), 0.0)
        cum = np.cumsum(np.column_stack([p_c, np.full(A, P_INSPECT_RANDOM), p_rt, p_o]), axis=1)
        u = rng.random(A)
        hit = np.flatnonzero(u < cum[:, -1])
        sel = (u[hit][:, None] >= cum[hit]).sum(1)
        n = len(hit)
        vday = day0 + (rng.random(n) * (day1 - day0)).astype(np.int64)
        truth_v = viol[hit]
        r = rng.random(n)
        outcome = np.where(r < P_NO_ACCESS, 2, np.where(np.where(truth_v, rng.random(n) < P_DETECT,
                                                                 rng.random(n) < P_FALSE_POSITIVE), 0, 1))
        found_mask = np.where(outcome == 0, np.where(truth_v, mask[hit], np.where(rng.random(n) < 0.5, V_OVER, V_BRP)), 0)
        # each true type is recorded with high probability; at least one stays
        keep_t = rng.random((n, 5)) < 0.9
        bits = np.array([V_OVER, V_KAMER, V_BRP, V_BRAND, V_UITB])
        rec = (found_mask[:, None] & bits[None, :]) > 0
        rec2 = rec & keep_t
        rec2[np.arange(n), np.argmax(rec, 1)] |= rec[np.arange(n), np.argmax(rec, 1)]
        insp_parts.append(pd.DataFrame({"addr": hit, "day": vday, "selected_by": SELECTED_BY[sel], "outcome": outcome,
                                        "vmask": (rec2 * bits[None, :]).sum(1), "true_violation": truth_v}))
        # resolution of found true violations
        res = (outcome == 0) & truth_v & (rng.random(n) < P_RESOLVE) & (pending[hit] < vday)
        ra, rday = hit[res], vday[res] + rng.integers(RESOLVE_DAYS[0], RESOLVE_DAYS[1] + 1, res.sum())
        pending[ra] = rday
        rm = month_of(rday)
        bgres = bg[ra] & (rm < M)
        bg_resolve[ra[bgres]] = rm[bgres]
        houses = eum_v[ra]
        if not houses.any():
            continue
        part = move_tenants(ctx, ra[houses], rday[houses], rm[houses], m, ex, bed_addr, bed_close, rng,
                            displacement, pick_in_wijk)
        if part is not None:
            ev_parts.append(part)
    insp = pd.concat(insp_parts, ignore_index=True)
    events = bed_events(ev_parts)
    return TruthResult(np.concatenate(rec_a), np.concatenate(rec_m), np.concatenate(rec_k), insp, events, bed_close,
                       dispute_addr, dispute_start, dispute_end)


def bed_events(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """All bed events of a simulation in one frame (an empty one with the columns when there were none)."""
    if parts:
        return pd.concat(parts, ignore_index=True)
    return pd.DataFrame({"bed": [], "day": [], "new_addr": [], "lag": [], "kind": [], "from_addr": []})


def move_tenants(ctx: Context, ha: np.ndarray, hday: np.ndarray, hm: np.ndarray, m: int, ex: np.ndarray,
                 bed_addr: np.ndarray, bed_close: np.ndarray, rng: np.random.Generator, displacement: float,
                 pick_in_wijk) -> pd.DataFrame | None:
    """What happens to the labour migrants' beds of resolved houses `ha` (resolved on `hday`, month `hm`).

    Outside the intervention the group relocates together or scatters within the wijk; in Carnisse
    under the intervention an exploitative landlord displaces them (with probability `displacement`)
    to his address in a destination wijk, else they leave. Updates `bed_addr`/`bed_close` in place and
    returns the bed events (None when no bed was there).
    """
    A, M = len(ctx.wijk), bed_addr.shape[1]
    cols = np.arange(M)
    # what happens to the house's tenants
    in_target = ctx.target[ha] & (hday >= INTERVENTION)
    has_dest = np.array([ctx.landlord[a] in ctx.dest_addr_of_landlord for a in ha], dtype=bool) if len(ha) else np.zeros(0, bool)
    displace = in_target & ctx.exploit[ha] & has_dest & (rng.random(len(ha)) < displacement)
    close = in_target & ~displace
    together = ~in_target & (rng.random(len(ha)) < P_RELOCATE_TOGETHER)
    new_house = np.where(together, pick_in_wijk(ctx.wijk[ha]), -1)
    for i in np.flatnonzero(displace):  # one destination per displaced house (few per month)
        cand = ctx.dest_addr_of_landlord[int(ctx.landlord[ha[i]])]
        new_house[i] = cand[rng.integers(len(cand))]
    # beds now at those houses
    hpos = np.full(A, -1)
    hpos[ha] = np.arange(len(ha))
    b = np.flatnonzero(ex & (hpos[bed_addr[:, m]] >= 0))
    if len(b) == 0:
        return None
    hi_ = hpos[bed_addr[b, m]]
    kind = np.where(displace[hi_], "displaced", np.where(close[hi_], "left", np.where(together[hi_], "together", "scattered")))
    new = np.where(kind == "scattered", pick_in_wijk(ctx.wijk[ha[hi_]]), new_house[hi_])
    new = np.where(kind == "left", -1, new)
    rday_b = hday[hi_]
    lag = np.where(kind == "displaced", rng.integers(DISPLACE_LAG_DAYS[0], DISPLACE_LAG_DAYS[1] + 1, len(b)),
                   rng.integers(RELOCATE_LAG_DAYS[0], RELOCATE_LAG_DAYS[1] + 1, len(b)))
    lag = np.where((rday_b <= CAL) & (rday_b + lag > CAL), 0, lag)   # keep the 2020-01-01 count exact
    lag = np.where(kind == "left", 0, lag)
    after = cols[None, :] > hm[hi_][:, None]
    moving = new >= 0
    bed_addr[b[moving]] = np.where(after[moving], new[moving][:, None], bed_addr[b[moving]])
    bed_close[b[~moving]] = np.minimum(bed_close[b[~moving]], rday_b[~moving])
    return pd.DataFrame({"bed": b, "day": rday_b, "new_addr": new, "lag": lag, "kind": kind,
                         "from_addr": bed_addr[b, m]})


def mask_to_text(mask: np.ndarray) -> np.ndarray:
    """';'-separated violation type names of bit masks."""
    mask = np.asarray(mask, dtype=np.int64)
    out = np.full(len(mask), "", dtype=object)
    for bit, name in zip([V_OVER, V_KAMER, V_BRP, V_BRAND, V_UITB], VIOLATION_TYPES):
        has = (mask & bit) > 0
        out[has] = np.where(out[has] == "", name, out[has] + ";" + name)
    return out
