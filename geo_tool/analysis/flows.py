"""Relocations in the register: who left an address and registered elsewhere within 60 days.

A rise in counts somewhere is only called displacement from the target when something ties it to the
target: people who left a target address and registered there (here), or the target's landlords whose
addresses there got busier (`evidence.landlord_evidence`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from geo_tool.analysis.signals import month_edges, spell_masks
from geo_tool.analysis.stats import benjamini_hochberg, conditional_rate_test

#: A relocation is a spell ending at one address and a new spell elsewhere starting within this many days.
RELOCATION_DAYS = 60
UNKNOWN_DESTINATION = "onbekend"


def relocations(brp: pd.DataFrame, a2w: pd.Series, *, max_gap_days: int = RELOCATION_DAYS) -> pd.DataFrame:
    """Every relocation in the register: person, origin and destination wijk, and the day the old spell ended.

    A relocation is a spell with a ``registered_until`` followed by the same person's next spell, at another
    address, starting 0 to ``max_gap_days`` days later. Destination wijk ``onbekend`` when the new address
    lies in no wijk. Columns: person_id, origin, destination, moved_on, eum, origin_address_id,
    destination_address_id, registered_on (the day the new spell started).
    """
    cols = ["person_id", "address_id", "registered_from", "registered_until"]
    b = brp[cols].copy()
    b["person_id"] = b["person_id"].astype("string")
    b["address_id"] = b["address_id"].astype("string")
    b["eum"] = spell_masks(brp)[0]
    b["pid"] = pd.factorize(b["person_id"])[0]   # integer keys: merge_asof on strings is slow
    ends = b[b["registered_until"].notna()].sort_values("registered_until")
    starts = b[["pid", "address_id", "registered_from"]].dropna().sort_values("registered_from")
    starts = starts.rename(columns={"address_id": "new_address_id"})
    if ends.empty or starts.empty:
        return pd.DataFrame({"person_id": pd.Series(dtype="string"), "origin": pd.Series(dtype="string"),
                             "destination": pd.Series(dtype="string"),
                             "moved_on": pd.Series(dtype="datetime64[ns]"), "eum": pd.Series(dtype=bool),
                             "origin_address_id": pd.Series(dtype="string"),
                             "destination_address_id": pd.Series(dtype="string"),
                             "registered_on": pd.Series(dtype="datetime64[ns]")})
    m = pd.merge_asof(ends, starts, left_on="registered_until", right_on="registered_from", by="pid",
                      direction="forward", tolerance=pd.Timedelta(days=max_gap_days), suffixes=("", "_new"))
    m = m[m["new_address_id"].notna() & (m["new_address_id"] != m["address_id"])]
    out = pd.DataFrame({
        "person_id": m["person_id"].to_numpy(),
        "origin": m["address_id"].map(a2w).to_numpy(),
        "destination": m["new_address_id"].map(a2w).fillna(UNKNOWN_DESTINATION).to_numpy(),
        "moved_on": m["registered_until"].to_numpy(),
        "eum": m["eum"].to_numpy(bool),
        "origin_address_id": m["address_id"].to_numpy(),
        "destination_address_id": m["new_address_id"].to_numpy(),
        "registered_on": m["registered_from_new"].to_numpy(),
    })
    out["origin_address_id"] = out["origin_address_id"].astype("string")
    out["destination_address_id"] = out["destination_address_id"].astype("string")
    out["origin"] = out["origin"].astype("string")
    out["destination"] = out["destination"].astype("string")
    return out


def relocation_flows(moves: pd.DataFrame, target_code: str, start: date, months_before: int = 12,
                     months_after: int = 12) -> pd.DataFrame:
    """Origin-destination table of relocations out of the target, before vs after, with a rise test.

    Per destination wijk: ``before``, ``after`` (persons), ``eum_before``, ``eum_after``; ``expected_ratio``
    is the city-wide after/before ratio of relocations between other wijken (so a general rise in moves
    is not read as displacement); ``p_value`` the one-sided conditional binomial test that ``after`` is
    higher than that ratio predicts, ``q_value`` its Benjamini-Hochberg adjustment over destinations.
    Moves within the target are left out.
    """
    edges = month_edges(start, months_before, months_after)
    lo, mid, hi = edges[0], edges[months_before], edges[-1]
    t = moves["moved_on"]
    period = np.where((t >= lo) & (t < mid), "before", np.where((t >= mid) & (t < hi), "after", ""))
    mv = moves.assign(period=period)
    mv = mv[mv["period"] != ""]
    other = mv[(mv["origin"] != target_code) & (mv["destination"] != target_code) & mv["origin"].notna()]
    ob, oa = (other["period"] == "before").sum(), (other["period"] == "after").sum()
    ratio0 = (oa / ob) if ob > 0 else months_after / max(months_before, 1)
    out_t = mv[(mv["origin"] == target_code) & (mv["destination"] != target_code)]
    tab = (out_t.assign(n=1, e=out_t["eum"].astype(int))
           .pivot_table(index="destination", columns="period", values=["n", "e"], aggfunc="sum", fill_value=0))
    res = pd.DataFrame(index=pd.Index(tab.index.astype(str), name="destination"))
    for src, name in (("n", ""), ("e", "eum_")):
        for per in ("before", "after"):
            res[f"{name}{per}"] = tab[(src, per)].to_numpy(int) if (src, per) in tab.columns else 0
    res["expected_ratio"] = float(ratio0)
    res["p_value"] = conditional_rate_test(res["after"].to_numpy(), res["before"].to_numpy(), ratio0)
    known = res.index != UNKNOWN_DESTINATION
    q = np.full(len(res), np.nan)
    q[known] = benjamini_hochberg(res["p_value"].to_numpy()[known])
    res["q_value"] = q
    res.insert(0, "origin", target_code)
    return res.reset_index().sort_values(["after", "before"], ascending=False, ignore_index=True)
