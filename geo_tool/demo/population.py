"""Population register spells: households, EU labour migrants' beds, turnover and moves.

Everything is vectorised: chains of successive occupants are built in rounds (one round adds the next
occupant of every slot that still needs one), never with a loop over persons or addresses.
Calibration is exact by construction: the spells that cover 2020-01-01 are drawn first (residents
and EUM per wijk on that date), their predecessors and successors are added around them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_tool.demo.calibration import eum_growth_factor, moe_share_2020
from geo_tool.demo.timeline import CAL, END, START, year_frac

NATIONALITIES = np.array(["NL", "EU-MOE", "EU-Zuid", "EU-overig", "non-EU", "unknown"])
NAT_NL, NAT_MOE, NAT_ZUID, NAT_EU_OTHER, NAT_NON_EU, NAT_UNKNOWN = range(6)
HOUSEHOLD_MEAN_STAY_DAYS = 9 * 365   # ~11 % of households move per year (CBS verhuismobiliteit ~10-12 %)
EUM_MEAN_STAY_DAYS = 420             # labour migrants' short stays: ~14 months per address (assumption)
MOVER_SHARE = 0.45                   # share of arrivals that moved from elsewhere in the city (assumption)
EUM_MOVER_SHARE = 0.35
MAX_MOVE_GAP_DAYS = 60
DEFAULT_VACANCY_PCT = 4.0            # CBS percentage_onbewoond, Rotterdam-wide roughly
EUM_AGE_MIN, EUM_AGE_MAX = 19, 62    # ages on 2020-01-01; keeps every EUM aged 18-67 in 2019-2025
HOUSE_SHARE = 0.72                   # share of EUM beds in shared "EUM houses" (concentration in few addresses)
HOUSE_CAPACITY_BASE, HOUSE_CAPACITY_POISSON = 3, 2.2   # beds per EUM house: 3 + Poisson(2.2)
EUM_RNI_P = 0.05                     # share of EUM spells registered as RNI (assumption)
FAR_PAST = START - 60 * 365


@dataclass
class Spells:
    """Residence spells as parallel arrays (int days; `end` >= END means still registered)."""

    person: np.ndarray
    addr: np.ndarray
    start: np.ndarray
    end: np.ndarray
    nat: np.ndarray
    birth: np.ndarray
    rni: np.ndarray

    def __len__(self) -> int:
        return len(self.person)

    @staticmethod
    def concat(parts: list["Spells"]) -> "Spells":
        return Spells(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                        ("person", "addr", "start", "end", "nat", "birth", "rni")))

    def take(self, idx: np.ndarray) -> "Spells":
        return Spells(*(getattr(self, f)[idx] for f in ("person", "addr", "start", "end", "nat", "birth", "rni")))


def _exp_days(rng: np.random.Generator, mean: float, n: int) -> np.ndarray:
    return 1 + np.floor(rng.exponential(mean, n)).astype(np.int64)


def renewal_chains(lo: np.ndarray, hi: np.ndarray, anchored: np.ndarray, mean_days: float,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Successive occupants of slots open on [lo, hi): gap-free chains of exponential stays.

    A slot with `anchored` True has one occupant covering 2020-01-01 (exponential stays are memoryless,
    so the backward and forward residuals are exponential too); others start at `lo`. Chains run back
    to before 2019-01-01 (or `lo`) and forward to 2026-01-01 (or `hi`). Returns (slot, start, end,
    is_anchor).
    """
    n = len(lo)
    s0 = np.where(anchored, np.maximum(lo, CAL - _exp_days(rng, mean_days, n) + 1), lo)
    e0 = np.where(anchored, CAL + _exp_days(rng, mean_days, n), lo + _exp_days(rng, mean_days, n))
    e0 = np.minimum(e0, hi)
    slots, starts, ends, anchor = [np.arange(n)], [s0], [e0], [anchored.copy()]
    cur, cs = np.arange(n), s0
    while True:  # backward rounds
        m = (cs > lo[cur]) & (cs > START)
        if not m.any():
            break
        cur, cs = cur[m], cs[m]
        ps = np.maximum(lo[cur], cs - _exp_days(rng, mean_days, len(cur)))
        slots.append(cur); starts.append(ps); ends.append(cs); anchor.append(np.zeros(len(cur), bool))
        cs = ps
    cur, ce = np.arange(n), e0
    while True:  # forward rounds
        m = (ce < hi[cur]) & (ce < END)
        if not m.any():
            break
        cur, ce = cur[m], ce[m]
        ne = np.minimum(hi[cur], ce + _exp_days(rng, mean_days, len(cur)))
        slots.append(cur); starts.append(ce); ends.append(ne); anchor.append(np.zeros(len(cur), bool))
        ce = ne
    return (np.concatenate(slots), np.concatenate(starts), np.concatenate(ends), np.concatenate(anchor))


def _first_k_per_group(group: np.ndarray, k: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices of up to k[g] randomly chosen rows of each group g."""
    key = rng.random(len(group))
    order = np.lexsort((key, group))
    g = group[order]
    first = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    rank = np.arange(len(g)) - np.repeat(first, np.diff(np.r_[first, len(g)]))
    return order[rank < k[g]]


def _exact_sizes(size: np.ndarray, group: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Adjust household sizes (>= 1) so that each group's sum equals its target exactly."""
    size = size.copy()
    for _ in range(200):
        diff = target - np.bincount(group, weights=size, minlength=len(target)).astype(np.int64)
        if not diff.any():
            break
        up = _first_k_per_group(group, np.maximum(diff, 0), rng)
        size[up] += 1
        can = np.flatnonzero(size > 1)
        down = can[_first_k_per_group(group[can], np.maximum(-diff, 0), rng)]
        size[down] -= 1
    return size


def _nationality_probs(wijken: pd.DataFrame) -> np.ndarray:
    def col(name: str, default: float) -> np.ndarray:
        s = pd.to_numeric(wijken.get(name, pd.Series(default, index=wijken.index)), errors="coerce")
        return s.fillna(default).to_numpy(float)

    nl = col("percentage_met_herkomstland_nederland", 50)
    eu = col("percentage_met_herkomstland_uit_europa_excl_nl", 10)
    non = col("percentage_met_herkomstland_buiten_europa", 40)
    p = np.column_stack([nl, 0 * nl, 0 * nl, 0.45 * eu, non, np.full(len(nl), 1.5)])
    p = np.maximum(p, 0) + 1e-9
    return p / p.sum(1, keepdims=True)


def household_spells(addr: pd.DataFrame, wijken: pd.DataFrame, n_persons: np.ndarray, occupied_ok: np.ndarray,
                     rng: np.random.Generator) -> tuple[Spells, np.ndarray]:
    """Residence spells of the non-EUM population: households per address, turnover over time.

    `n_persons[w]` residents per wijk on 2020-01-01 (exact); households go to addresses with
    `occupied_ok`. Returns the spells and a household id per spell (for moving families together).
    """
    w_of = addr["wijk"].to_numpy()
    cand = np.flatnonzero(occupied_ok)
    n_w = len(wijken)
    cand_count = np.bincount(w_of[cand], minlength=n_w)
    # tiny wijken with residents but no free address: use any address there
    lack = (cand_count == 0) & (n_persons > 0)
    if lack.any():
        cand = np.union1d(cand, np.flatnonzero(lack[w_of]))
    n_hh = np.minimum(np.bincount(w_of[cand], minlength=n_w), n_persons)
    hh_addr = cand[_first_k_per_group(w_of[cand], n_hh, rng)]
    hh_w = w_of[hh_addr]
    lam = np.maximum(n_persons / np.maximum(n_hh, 1) - 1, 0)
    size0 = 1 + rng.poisson(lam[hh_w])
    size0 = _exact_sizes(size0, hh_w, n_persons, rng)
    n = len(hh_addr)
    slot, s, e, is_anchor = renewal_chains(np.full(n, FAR_PAST), np.full(n, END + 10**6), np.ones(n, bool),
                                           HOUSEHOLD_MEAN_STAY_DAYS, rng)
    size = np.where(is_anchor, size0[slot], 1 + rng.poisson(lam[hh_w[slot]]))
    hh = np.repeat(np.arange(len(slot)), size)
    member = np.arange(len(hh)) - np.repeat(np.cumsum(size) - size, size)
    pn = _nationality_probs(wijken)[hh_w[slot]]
    nat_hh = (rng.random(len(slot))[:, None] > np.cumsum(pn, 1)).sum(1).clip(0, 5)
    ref_year = np.floor(year_frac(np.maximum(s, START))).astype(np.int64)
    head_age = np.clip(20 + rng.gamma(2.2, 12.0, len(slot)), 18, 98).astype(np.int64)
    nh = len(hh)
    partner = rng.random(nh) < 0.5
    age = np.where(member == 0, head_age[hh],
                   np.where(partner, np.clip(head_age[hh] + rng.normal(0, 4, nh), 18, 99), rng.integers(0, 18, nh)))
    birth = (ref_year[hh] - age).astype(np.int64)
    sp = Spells(person=np.arange(nh), addr=hh_addr[slot][hh], start=s[hh], end=e[hh],
                nat=nat_hh[hh].astype(np.int8), birth=birth, rni=np.zeros(nh, bool))
    return sp, hh


@dataclass
class Beds:
    """EUM beds: a bed is one registered place, occupied by a chain of labour migrants."""

    wijk: np.ndarray
    group: np.ndarray      # NAT_MOE or NAT_ZUID
    open: np.ndarray       # first day the bed exists
    addr: np.ndarray       # initial address
    anchored: np.ndarray   # exists on 2020-01-01


def make_beds(addr: pd.DataFrame, eum_2020: np.ndarray, house_weight: np.ndarray, eligible: np.ndarray,
              rng: np.random.Generator) -> tuple[Beds, np.ndarray]:
    """Beds per wijk: exactly `eum_2020[w]` on 2020-01-01, growing before/after by the nationality trend.

    Beds are placed in EUM houses (3+ beds, chosen among `eligible` addresses with `house_weight`) and
    in single/double addresses. Returns the beds and a flag per address: 2 = EUM house, 1 = single.
    """
    n_w = len(eum_2020)
    moe = moe_share_2020()
    g_start = moe * eum_growth_factor("EU-MOE", year_frac(START)) + (1 - moe) * eum_growth_factor("EU-Zuid", year_frac(START))
    g_end = moe * eum_growth_factor("EU-MOE", year_frac(END)) + (1 - moe) * eum_growth_factor("EU-Zuid", year_frac(END))
    extra = np.floor(eum_2020 * (g_end - 1) + rng.random(n_w)).astype(np.int64)
    n_anchor = eum_2020.astype(np.int64)
    bw = np.r_[np.repeat(np.arange(n_w), n_anchor), np.repeat(np.arange(n_w), extra)]
    anchored = np.r_[np.ones(n_anchor.sum(), bool), np.zeros(extra.sum(), bool)]
    nb = len(bw)
    group = np.where(rng.random(nb) < moe, NAT_MOE, NAT_ZUID).astype(np.int8)
    # anchored beds: a share (1 - g(2019)/g(2020)) opened during 2019, the rest before the window
    late = anchored & (rng.random(nb) < (1 - g_start))
    open_day = np.where(anchored, np.where(late, START + rng.integers(0, CAL - START, nb), FAR_PAST),
                        CAL + 1 + rng.integers(0, END - CAL - 1, nb))
    # places: houses take HOUSE_SHARE of each wijk's beds, singles the rest
    w_of = addr["wijk"].to_numpy()
    total_w = np.bincount(bw, minlength=n_w)
    house_beds = np.round(total_w * HOUSE_SHARE).astype(np.int64)
    cap_mean = HOUSE_CAPACITY_BASE + HOUSE_CAPACITY_POISSON
    n_houses = np.ceil(house_beds / cap_mean).astype(np.int64)
    el = np.flatnonzero(eligible)
    if len(el) == 0:
        el = np.arange(len(addr))
    # weighted choice without replacement per wijk (Gumbel top-k)
    key = np.log(np.maximum(house_weight[el], 1e-12)) + rng.gumbel(size=len(el))
    order = el[np.lexsort((-key, w_of[el]))]
    g = w_of[order]
    first = np.r_[0, np.flatnonzero(np.diff(g)) + 1] if len(g) else np.zeros(0, np.int64)
    rank = np.arange(len(g)) - np.repeat(first, np.diff(np.r_[first, len(g)]))
    houses = order[rank < n_houses[g]]
    n_single = np.maximum(total_w - house_beds, 0)
    singles_needed = np.ceil(n_single / 1.3).astype(np.int64)
    singles = order[(rank >= n_houses[g]) & (rank < n_houses[g] + singles_needed[g])]
    cap_h = HOUSE_CAPACITY_BASE + rng.poisson(HOUSE_CAPACITY_POISSON, len(houses))
    cap_s = 1 + (rng.random(len(singles)) < 0.3)
    slot_addr = np.r_[np.repeat(houses, cap_h), np.repeat(singles, cap_s)]
    slot_w = w_of[slot_addr]
    # beds take slots of their wijk in random order; beds without a slot (small wijken) take any address
    bed_order = np.lexsort((rng.random(nb), bw))
    slot_order = np.lexsort((rng.random(len(slot_addr)), slot_w))
    bed_rank = np.arange(nb) - np.repeat(np.r_[0, np.cumsum(total_w)[:-1]], total_w)
    slot_cnt = np.bincount(slot_w, minlength=n_w)
    slot_first = np.r_[0, np.cumsum(slot_cnt)[:-1]]
    bw_sorted = bw[bed_order]
    has = bed_rank < slot_cnt[bw_sorted]
    bed_addr = np.full(nb, -1, dtype=np.int64)
    bed_addr[bed_order[has]] = slot_addr[slot_order][slot_first[bw_sorted[has]] + bed_rank[has]]
    missing = bed_order[~has]
    if len(missing):
        addr_first = np.r_[0, np.cumsum(np.bincount(w_of, minlength=n_w))[:-1]]
        addr_cnt = np.bincount(w_of, minlength=n_w)
        by_w = np.argsort(w_of, kind="stable")
        pick = addr_first[bw[missing]] + (rng.random(len(missing)) * np.maximum(addr_cnt[bw[missing]], 1)).astype(np.int64)
        bed_addr[missing] = by_w[np.minimum(pick, len(by_w) - 1)]
    kind = np.zeros(len(addr), dtype=np.int8)
    kind[singles] = 1
    kind[houses] = 2
    return Beds(wijk=bw, group=group, open=open_day, addr=bed_addr, anchored=anchored), kind


def eum_birth_years(n: int, rng: np.random.Generator) -> np.ndarray:
    """Birth years of labour migrants: ages 19-62 on 2020-01-01, mostly 22-45."""
    age = np.clip(np.round(EUM_AGE_MIN + rng.gamma(2.0, 7.0, n)), EUM_AGE_MIN, EUM_AGE_MAX).astype(np.int64)
    return 2020 - age


def match_movers(sp: Spells, share: float, rng: np.random.Generator, fixed: np.ndarray | None = None) -> Spells:
    """Turn a share of arrivals into moves: the arriving spell takes the identity of someone who left
    another address shortly before (at most MAX_MOVE_GAP_DAYS), so persons move between addresses
    and wijken. Spells that cover 2020-01-01 never lose that day (calibration stays exact).
    """
    free = np.ones(len(sp), bool) if fixed is None else ~fixed
    arr = np.flatnonzero((sp.start > START) & (sp.start < END) & free)
    dep = np.flatnonzero((sp.end > START) & (sp.end < END) & free)
    m = int(min(len(arr) * share, len(dep) * 0.95))
    if m == 0:
        return sp
    a = rng.choice(arr, m, replace=False)
    d = rng.choice(dep, m, replace=False)
    a = a[np.argsort(sp.start[a], kind="stable")]
    d = d[np.argsort(sp.end[d], kind="stable")]
    new_start = np.maximum(sp.start[a], sp.end[d])
    ok = (new_start - sp.end[d] <= MAX_MOVE_GAP_DAYS) & (sp.start[a] - sp.end[d] >= -30) & (new_start < sp.end[a])
    ok &= ~((sp.start[a] <= CAL) & (new_start > CAL))
    ok &= sp.addr[a] != sp.addr[d]
    a, d, new_start = a[ok], d[ok], new_start[ok]
    parent = np.arange(len(sp))
    parent[a] = d
    for _ in range(64):  # pointer jumping: a chain of moves keeps the first person's identity
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            break
        parent = nxt
    out = Spells(person=sp.person[parent], addr=sp.addr, start=sp.start.copy(), end=sp.end,
                 nat=sp.nat[parent], birth=sp.birth[parent], rni=sp.rni)
    out.start[a] = new_start
    return out


def place_bed_spells(beds: Beds, bed_close: np.ndarray, events: pd.DataFrame, rng: np.random.Generator,
                     mean_stay_days: float = EUM_MEAN_STAY_DAYS) -> tuple[Spells, np.ndarray, pd.DataFrame]:
    """Labour migrants' spells: a chain of occupants per bed, placed at the bed's address over time.

    A relocation event (a resolved violation) ends the spell of the person in the bed and starts a new
    spell for the same person at the new address `lag` days later. Returns the spells, a flag for
    spells that are part of a relocation (kept out of the random mover matching), and the displaced
    persons (person, from_addr, to_addr, left_on, registered_on).
    """
    slot, s, e, _ = renewal_chains(beds.open, bed_close, beds.anchored, mean_stay_days, rng)
    n0 = len(slot)
    birth_all = eum_birth_years(n0, rng)
    rni_all = rng.random(n0) < EUM_RNI_P
    ev = events[events["new_addr"] >= 0].sort_values(["bed", "day"], kind="stable")
    ev_bed = ev["bed"].to_numpy(np.int64)
    ev_day = ev["day"].to_numpy(np.int64)
    ev_new = ev["new_addr"].to_numpy(np.int64)
    ev_lag = ev["lag"].to_numpy(np.int64)
    ev_disp = (ev["kind"] == "displaced").to_numpy()
    ev_from = ev["from_addr"].to_numpy(np.int64)
    key = ev_bed * 100_000 + ev_day
    out = {k: [] for k in ("bed", "s", "e", "addr", "person", "moved")}
    disp_rows = []
    cur_bed, cur_s, cur_e, cur_p = slot, s, e, np.arange(n0)
    cur_moved = np.zeros(n0, bool)
    for _ in range(64):
        if len(cur_bed) == 0:
            break
        k = np.searchsorted(key, cur_bed * 100_000 + cur_s, side="right") - 1
        prev_ok = (k >= 0) & (ev_bed[np.maximum(k, 0)] == cur_bed) if len(key) else np.zeros(len(cur_bed), bool)
        addr = np.where(prev_ok, ev_new[np.maximum(k, 0)] if len(key) else 0, beds.addr[cur_bed])
        j = k + 1
        jj = np.minimum(j, max(len(key) - 1, 0))
        cross = (j < len(key)) & (ev_bed[jj] == cur_bed) & (ev_day[jj] < cur_e) if len(key) else np.zeros(len(cur_bed), bool)
        end = np.where(cross, ev_day[jj] if len(key) else cur_e, cur_e)
        for name, val in (("bed", cur_bed), ("s", cur_s), ("e", end), ("addr", addr), ("person", cur_p),
                          ("moved", cur_moved | cross)):
            out[name].append(val)
        c = np.flatnonzero(cross)
        s2 = ev_day[jj[c]] + ev_lag[jj[c]]
        ok = s2 < cur_e[c]
        c, s2 = c[ok], s2[ok]
        d = ev_disp[jj[c]]
        disp_rows.append(pd.DataFrame({"person": cur_p[c][d], "from_addr": ev_from[jj[c]][d], "to_addr": ev_new[jj[c]][d],
                                       "left_on": ev_day[jj[c]][d], "registered_on": s2[d]}))
        cur_bed, cur_s, cur_e, cur_p = cur_bed[c], s2, cur_e[c], cur_p[c]
        cur_moved = np.ones(len(c), bool)
    cat = {k: np.concatenate(v) for k, v in out.items()}
    keep = cat["e"] > cat["s"]
    bed = cat["bed"][keep]
    person = cat["person"][keep]
    sp = Spells(person=person, addr=cat["addr"][keep], start=cat["s"][keep], end=cat["e"][keep],
                nat=beds.group[bed].astype(np.int8), birth=birth_all[person], rni=rni_all[person])
    return sp, cat["moved"][keep], pd.concat(disp_rows, ignore_index=True)
