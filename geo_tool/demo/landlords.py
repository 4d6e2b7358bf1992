"""Tenure, private landlords with heavy-tailed portfolios, and landlord permits (verhuurdersvergunning)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_tool.demo.calibration import norm_name
from geo_tool.demo.timeline import END, INTERVENTION, PERMIT_START

TENURE_OWNER, TENURE_CORPORATION, TENURE_PRIVATE = 0, 1, 2
DEFAULT_PRIVATE_PCT = 15.0      # Rotterdam average private rental share when CBS has no figure
DEFAULT_CORPORATION_PCT = 35.0
PORTFOLIO_PARETO_ALPHA = 1.15   # heavy tail: most landlords own 1-2 dwellings, a few own hundreds
MAX_PORTFOLIO = 1500
PORTFOLIO_SPREAD = 1.2          # landlords own across neighbouring wijken (std dev in wijk-index units)
EXPLOITATIVE_BASE_LOGIT = -3.3  # ~6-10 % of landlords exploitative, more among large and high-EUM ones
EXPLOITATIVE_SIZE_COEF = 0.45
EXPLOITATIVE_EUM_COEF = 9.0
#: Goed huren en verhuren wijken, where the permit applies from 2021-01-01 (seed_tables/README.md).
GOED_HUREN_WIJKEN = ["Carnisse", "Tarwewijk", "Bloemhof", "Hillesluis", "Oud Charlois", "Oud Mathenesse"]
PERMIT_STATUSES = np.array(["none", "applied", "granted", "refused", "revoked", "exempt"])
#: Permit status probabilities (none, applied, granted, refused, revoked, exempt): assumptions.
PERMIT_P_NORMAL = [0.05, 0.07, 0.74, 0.02, 0.02, 0.10]
PERMIT_P_EXPLOITATIVE = [0.35, 0.12, 0.18, 0.18, 0.17, 0.00]
PERMIT_VALID_YEARS = 5


def assign_tenure(addr: pd.DataFrame, wijken: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Owner-occupied, corporation or private rental per address, from the wijk's CBS shares."""
    def col(name: str, default: float) -> np.ndarray:
        s = pd.to_numeric(wijken.get(name, pd.Series(default, index=wijken.index)), errors="coerce")
        return s.fillna(default).to_numpy(float)[addr["wijk"].to_numpy()] / 100

    p_priv = col("perc_huurwoningen_in_bezit_overige_verhuurders", DEFAULT_PRIVATE_PCT)
    p_corp = col("perc_huurwoningen_in_bezit_woningcorporaties", DEFAULT_CORPORATION_PCT)
    p_corp = np.minimum(p_corp, 1 - p_priv)
    u = rng.random(len(addr))
    return np.where(u < p_priv, TENURE_PRIVATE, np.where(u < p_priv + p_corp, TENURE_CORPORATION, TENURE_OWNER))


def assign_landlords(addr: pd.DataFrame, tenure: np.ndarray, wijk_eum_share: np.ndarray,
                     rng: np.random.Generator) -> tuple[np.ndarray, pd.DataFrame]:
    """Give every private rental address a landlord; portfolios are Pareto-sized and spatially clustered.

    Returns (landlord index per address, -1 when none; landlord table with landlord_id, n_addresses,
    exploitative).
    """
    priv = np.flatnonzero(tenure == TENURE_PRIVATE)
    n = len(priv)
    landlord = np.full(len(addr), -1, dtype=np.int64)
    if n == 0:
        return landlord, pd.DataFrame({"landlord_id": [], "n_addresses": [], "exploitative": []})
    sizes = np.minimum(np.floor(rng.pareto(PORTFOLIO_PARETO_ALPHA, size=n) + 1), MAX_PORTFOLIO).astype(np.int64)
    cum = np.cumsum(sizes)
    k = int(np.searchsorted(cum, n)) + 1
    sizes = sizes[:k]
    sizes[-1] -= cum[k - 1] - n
    sizes = sizes[sizes > 0]
    # order addresses by a noisy wijk position so one portfolio spans neighbouring wijken
    w = addr["wijk"].to_numpy()[priv].astype(float)
    order = priv[np.argsort(w + rng.normal(0, PORTFOLIO_SPREAD, n) * (rng.random(n) < 0.3), kind="stable")]
    owner = np.repeat(np.arange(len(sizes)), sizes)
    landlord[order] = owner
    main_wijk = pd.Series(addr["wijk"].to_numpy()[order]).groupby(owner).agg(lambda s: s.mode().iat[0]).to_numpy()
    logit = EXPLOITATIVE_BASE_LOGIT + EXPLOITATIVE_SIZE_COEF * np.log(sizes) + EXPLOITATIVE_EUM_COEF * wijk_eum_share[main_wijk]
    exploit = rng.random(len(sizes)) < 1 / (1 + np.exp(-logit))
    ids = rng.choice(10**7, size=len(sizes), replace=False)
    table = pd.DataFrame({"landlord_id": np.char.add("L", np.char.zfill(ids.astype(str), 7)),
                          "n_addresses": sizes, "exploitative": exploit})
    return landlord, table


def goed_huren_mask(wijken: pd.DataFrame) -> np.ndarray:
    """Which wijken are Goed huren en verhuren wijken (permit obligation from 2021-01-01)."""
    names = {norm_name(n) for n in GOED_HUREN_WIJKEN}
    return np.array([norm_name(n) in names for n in wijken["name"]])


def make_permits(addr: pd.DataFrame, landlord: np.ndarray, landlords: pd.DataFrame, goed_huren: np.ndarray,
                 rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Permits for private rental addresses in the Goed-huren wijken, from 2021-01-01.

    Returns (permits table with integer days, valid_from day per address or -1, valid_until day per
    address) where the two arrays describe the *valid* (granted) permit of each address, if any.
    """
    idx = np.flatnonzero((landlord >= 0) & goed_huren[addr["wijk"].to_numpy()])
    exploit = landlords["exploitative"].to_numpy()[landlord[idx]] if len(idx) else np.zeros(0, bool)
    u = rng.random(len(idx))
    cp_n, cp_e = np.cumsum(PERMIT_P_NORMAL), np.cumsum(PERMIT_P_EXPLOITATIVE)
    status_i = np.where(exploit, (u[:, None] > cp_e[None, :]).sum(1), (u[:, None] > cp_n[None, :]).sum(1))
    status_i = np.minimum(status_i, len(PERMIT_STATUSES) - 1)
    status = PERMIT_STATUSES[status_i]
    applied = PERMIT_START + rng.integers(0, 330, len(idx))
    decided = applied + rng.integers(20, 120, len(idx))
    revoked_on = np.maximum(decided + 60, INTERVENTION - 180 + rng.integers(0, 1200, len(idx)))
    valid_from = np.where(status == "applied", applied, np.where(status == "exempt", PERMIT_START, decided))
    valid_until = np.where(status == "granted", decided + int(PERMIT_VALID_YEARS * 365.25),
                           np.where(status == "revoked", np.minimum(revoked_on, END - 1), -1))
    keep = status != "none"
    permits = pd.DataFrame({"addr": idx[keep], "landlord": landlord[idx[keep]], "status": status[keep],
                            "valid_from": valid_from[keep], "valid_until": valid_until[keep]})
    vf = np.full(len(addr), -1, dtype=np.int64)
    vu = np.full(len(addr), -1, dtype=np.int64)
    ok = np.isin(status, ["granted", "revoked", "exempt"])
    vf[idx[ok]] = valid_from[ok]
    vu[idx[ok]] = np.where(valid_until[ok] < 0, END + 3650, valid_until[ok])
    return permits, vf, vu
