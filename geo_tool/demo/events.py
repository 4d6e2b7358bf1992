"""Observable events derived from the truth: complaints (noisy) and the inspections' records."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_tool.demo.timeline import MONTH_START, N_MONTHS
from geo_tool.demo.truth import V_KAMER, V_OVER, V_UITB

CATEGORIES = np.array(["woonoverlast", "overbewoning", "afval", "geluid", "verkamering", "uitbuiting", "overig"])
#: category mix of complaints caused by a violation / by ordinary neighbour trouble (assumptions)
P_CAT_VIOLATION = np.array([0.28, 0.22, 0.20, 0.08, 0.15, 0.03, 0.04])
P_CAT_NOISE = np.array([0.25, 0.03, 0.25, 0.33, 0.02, 0.002, 0.118])
P_CAT_NOISE = P_CAT_NOISE / P_CAT_NOISE.sum()
COMPLAINT_RATE_VIOLATION = 0.07     # complaints per violation-month: many violations are never reported
COMPLAINT_RATE_NOISE = 0.0016       # complaints per address-month without a violation
DISPUTE_RATE = 1.2                  # complaints per month at an address in a neighbour dispute
NO_ADDRESS_SHARE = 0.08             # complaints with a location only
JITTER_M = 6.0
TEAMS_NORTH = np.array(["Team Noord-1", "Team Noord-2", "Team West"])
TEAMS_SOUTH = np.array(["Team Zuid-1", "Team Zuid-2", "Team Zuid-3"])


def _day_in_month(m: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    lo, hi = MONTH_START[m], MONTH_START[m + 1]
    return lo + (rng.random(len(m)) * (hi - lo)).astype(np.int64)


def make_complaints(n_addr: int, viol_addr: np.ndarray, viol_month: np.ndarray, viol_mask: np.ndarray,
                    insp: pd.DataFrame, rng: np.random.Generator,
                    disputes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Complaints (addr index, day, category): violation-driven, background noise, neighbour disputes
    (addr, first month, first month after), and one complaint before every complaint-driven inspection."""
    rate = COMPLAINT_RATE_VIOLATION * (1 + 0.5 * ((viol_mask & V_OVER) > 0) + 0.3 * ((viol_mask & V_UITB) > 0)
                                       + 0.2 * ((viol_mask & V_KAMER) > 0))
    k = rng.poisson(rate)
    va = np.repeat(viol_addr, k)
    vm = np.repeat(viol_month, k).astype(np.int64)
    vc = rng.choice(len(CATEGORIES), size=len(va), p=P_CAT_VIOLATION)
    n_noise = rng.poisson(COMPLAINT_RATE_NOISE * n_addr * N_MONTHS)
    na = rng.integers(0, n_addr, n_noise)
    nm = rng.integers(0, N_MONTHS, n_noise)
    d_addr, d_start, d_end = disputes if disputes is not None else (np.zeros(0, np.int64),) * 3
    d_len = (d_end - d_start).astype(np.int64)
    month_addr = np.repeat(d_addr, d_len)
    month = np.repeat(d_start, d_len) + (np.arange(d_len.sum()) - np.repeat(np.cumsum(d_len) - d_len, d_len))
    kd = rng.poisson(DISPUTE_RATE, len(month))
    ca = np.repeat(month_addr, kd)
    cm = np.repeat(month, kd).astype(np.int64)
    noise_a, noise_m = np.r_[na, ca], np.r_[nm, cm]
    nc = rng.choice(len(CATEGORIES), size=len(noise_a), p=P_CAT_NOISE)
    ci = insp[insp["selected_by"] == "complaint"]
    pa = ci["addr"].to_numpy()
    pday = ci["day"].to_numpy() - rng.integers(3, 41, len(ci))
    pc = np.where(ci["true_violation"].to_numpy(), rng.choice(len(CATEGORIES), size=len(ci), p=P_CAT_VIOLATION),
                  rng.choice(len(CATEGORIES), size=len(ci), p=P_CAT_NOISE))
    addr = np.r_[va, noise_a, pa]
    day = np.r_[_day_in_month(vm, rng), _day_in_month(noise_m, rng), np.maximum(pday, MONTH_START[0])]
    cat = np.r_[vc, nc, pc]
    df = pd.DataFrame({"addr": addr, "day": day, "category": CATEGORIES[cat]})
    return df.sort_values(["day", "addr", "category"], kind="stable").reset_index(drop=True)


def complaints_table(c: pd.DataFrame, address_ids: np.ndarray, x: np.ndarray, y: np.ndarray,
                     rng: np.random.Generator) -> pd.DataFrame:
    """complaints.csv rows: ids, ISO dates, address or location only, x/y jittered around the address.

    A `point_only` column in `c` says which complaints have only a location; else a share is drawn.
    """
    from geo_tool.demo.timeline import iso

    n = len(c)
    a = c["addr"].to_numpy()
    no_addr = c["point_only"].to_numpy(bool) if "point_only" in c else rng.random(n) < NO_ADDRESS_SHARE
    return pd.DataFrame({
        "complaint_id": np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
        "received_on": iso(c["day"].to_numpy()),
        "category": c["category"].to_numpy(),
        "address_id": np.where(no_addr, "", address_ids[a]),
        "x": np.round(x[a] + rng.normal(0, JITTER_M, n), 1),
        "y": np.round(y[a] + rng.normal(0, JITTER_M, n), 1),
    })


def inspections_table(insp: pd.DataFrame, address_ids: np.ndarray, south: np.ndarray, target: np.ndarray,
                      rng: np.random.Generator) -> pd.DataFrame:
    """inspections.csv rows: ids, visit date, outcome, found types, how the address was selected, team."""
    from geo_tool.demo.timeline import iso
    from geo_tool.demo.truth import mask_to_text

    insp = insp.sort_values(["day", "addr"], kind="stable").reset_index(drop=True)
    n = len(insp)
    a = insp["addr"].to_numpy()
    team = np.where(south[a], TEAMS_SOUTH[rng.integers(0, 3, n)], TEAMS_NORTH[rng.integers(0, 3, n)])
    team = np.where(insp["selected_by"].to_numpy() == "other", "Wijkteam Carnisse", team)
    return pd.DataFrame({
        "inspection_id": np.char.add("I", np.char.zfill(np.arange(1, n + 1).astype(str), 6)),
        "address_id": address_ids[a],
        "visited_on": iso(insp["day"].to_numpy()),
        "outcome": np.array(["violation", "no_violation", "no_access"])[insp["outcome"].to_numpy()],
        "violations": mask_to_text(insp["vmask"].to_numpy()),
        "selected_by": insp["selected_by"].to_numpy(),
        "team": team,
    })
