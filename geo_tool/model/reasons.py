"""Per-address reasons in plain Dutch, from interventional feature-group contributions.

Method (exact for the fitted model, no approximation of it): for each address and each
feature group (e.g. all complaint counts), the contribution is the model's log-odds for the
address minus its log-odds with that group's columns replaced by a reference address's values
(the typical address at training time: median per column, missing when most are missing, the
most common permit status). Groups are replaced together so that an address is never evaluated
with impossible combinations (7 persons but 0.3 persons per 10 m²). Contributions of different
groups do not sum to the score (interactions are not split); they answer "how much lower would
this address score if this group looked typical?", which is what a planner asks.
The three groups with the largest positive contribution become reason_1..3, each a Dutch
sentence with the address's own figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_tool.model.features import (BUILDING_FEATURES, CATEGORICAL_FEATURES, COMPLAINT_CATEGORIES, NEIGHBOURHOOD_FEATURES,
                                     NUMERIC_FEATURES)

COMPLAINT_COLUMNS = tuple(c for c in NUMERIC_FEATURES if c.startswith("complaints_")) + ("days_since_complaint",)

#: Feature groups that are replaced together; every feature belongs to exactly one group.
REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "bezetting": ("persons_now", "persons_per_10m2", "persons_vs_wijk_median"),
    "verloop": ("registrations_3m", "registrations_12m", "deregistrations_3m", "deregistrations_12m", "spells_12m",
                "persons_12m_per_10m2", "short_spells_12m", "arrivals_together_12m", "registered_since_finding",
                "registrations_1m", "deregistrations_1m", "persons_change_3m"),
    "na_bezoek": ("arrivals_since_visit", "departures_since_visit", "arrivals_since_finding", "departures_since_finding",
                  "persons_change_since_finding"),
    "rni": ("rni_now", "rni_registrations_12m"),
    "klachten": COMPLAINT_COLUMNS,
    "vergunning": ("permit_status",),
    "verhuurder": ("landlord_portfolio_size", "landlord_violation_rate", "landlord_inspections", "landlord_wijken",
                   "landlord_violations_other", "landlord_no_access_other", "landlord_refused_revoked",
                   "landlord_acquisitions_12m"),
    "eerdere_bezoeken": ("inspections_before", "violations_before", "no_access_before", "days_since_inspection",
                         "last_inspection_violation", "no_access_365d", "days_since_violation"),
    "pand": ("building_year", "floor_area_m2"),
    "pand_buren": BUILDING_FEATURES,
    "buurt": NEIGHBOURHOOD_FEATURES,
    "wijk": ("wijk_complaints_per_100_addresses_365d", "wijk_violation_rate", "wijk_permit_share"),
}

_PERMIT_TEXT = {
    "none": "geen verhuurvergunning bekend",
    "applied": "vergunning aangevraagd, nog niet verleend",
    "refused": "vergunning geweigerd",
    "revoked": "vergunning ingetrokken",
    "expired": "vergunning verlopen",
    "granted": "vergunning verleend",
    "exempt": "vrijgesteld van vergunningplicht",
}


def reference_row(X: pd.DataFrame) -> pd.DataFrame:
    """The typical address of a feature frame: one row (median / missing / most common status)."""
    ref = {}
    for col in NUMERIC_FEATURES:
        values = X[col]
        ref[col] = [np.nan if values.isna().mean() > 0.5 else float(values.median())]
    out = pd.DataFrame(ref).astype("float64")
    for col in CATEGORICAL_FEATURES:
        mode = X[col].mode(dropna=True)
        out[col] = pd.Categorical([mode.iloc[0] if len(mode) else X[col].cat.categories[0]], categories=X[col].cat.categories)
    return out


def group_contributions(decision_function, X: pd.DataFrame, reference: pd.DataFrame,
                        chunk_rows: int = 100_000) -> pd.DataFrame:
    """Log-odds contribution of every reason group for every row of X (rows x groups)."""
    out = np.zeros((len(X), len(REASON_GROUPS)))
    for start in range(0, len(X), chunk_rows):
        part = X.iloc[start:start + chunk_rows]
        base = decision_function(part)
        for j, cols in enumerate(REASON_GROUPS.values()):
            swapped = part.copy()
            for col in cols:
                if col in CATEGORICAL_FEATURES:
                    swapped[col] = pd.Categorical(np.repeat(reference[col].iloc[0], len(part)), categories=part[col].cat.categories)
                else:
                    swapped[col] = reference[col].iloc[0]
            out[start:start + len(part), j] = base - decision_function(swapped)
    return pd.DataFrame(out, index=X.index, columns=list(REASON_GROUPS))


def _num(values, decimals: int = 0) -> pd.Series:
    """Figures as Dutch text: whole numbers without decimals, others with a decimal comma, missing as '?'."""
    v = pd.Series(np.asarray(values, dtype=float)).round(decimals)
    whole = v.notna() & (v == v.round(0))
    text = v.astype(str).str.replace(".", ",", regex=False)
    text[whole] = v[whole].astype("int64").astype(str)
    text[v.isna()] = "?"
    return text.reset_index(drop=True)


def _plural(count: pd.Series, one: str, many: str) -> pd.Series:
    return pd.Series(np.where(np.asarray(count, dtype=float) == 1, one, many))


def reason_texts(group: str, X: pd.DataFrame) -> pd.Series:
    """The Dutch sentence of one reason group for every row of X, with each address's own figures."""
    X = X.reset_index(drop=True)
    n = len(X)
    if group == "bezetting":
        persons = _num(X["persons_now"])
        noun = _plural(X["persons_now"], "persoon", "personen")
        with_area = persons + " " + noun + " ingeschreven op " + _num(X["floor_area_m2"]) + " m²"
        without = persons + " " + noun + " ingeschreven (" + _num(X["persons_vs_wijk_median"], 1) + "× de wijkmediaan)"
        return pd.Series(np.where(X["floor_area_m2"].notna(), with_area, without))
    if group == "verloop":
        base = (_num(X["registrations_12m"]) + " " + _plural(X["registrations_12m"], "inschrijving", "inschrijvingen") + " en "
                + _num(X["deregistrations_12m"]) + " " + _plural(X["deregistrations_12m"], "uitschrijving", "uitschrijvingen")
                + " in 12 maanden (" + _num(X["spells_12m"]) + " " + _plural(X["spells_12m"], "bewoner", "bewoners")
                + " in die periode)")
        # only figures the model itself uses (short spells and arrivals together are computed, not model features)
        recent = pd.Series(np.where(X["registrations_1m"] > 0, "; " + _num(X["registrations_1m"]) + " "
                                    + _plural(X["registrations_1m"], "inschrijving", "inschrijvingen") + " in de laatste maand", ""))
        return base + recent
    if group == "na_bezoek":
        a, dep = X["arrivals_since_visit"], X["departures_since_visit"]
        text = ("sinds het laatste bezoek (" + _num(X["days_since_inspection"]) + " dagen geleden): " + _num(a) + " "
                + _plural(a, "inschrijving", "inschrijvingen") + ", " + _num(dep) + " "
                + _plural(dep, "uitschrijving", "uitschrijvingen"))
        change = X["persons_change_since_finding"]
        sign = pd.Series(np.where(change > 0, "+", ""))
        finding = pd.Series(np.where(change.notna(), "; sinds de laatste overtreding " + sign + _num(change) + " "
                                     + _plural(change.abs(), "bewoner", "bewoners"), ""))
        return pd.Series(np.where(X["arrivals_since_visit"].notna(), text + finding, "nooit eerder bezocht"))
    if group == "rni":
        return _num(X["rni_now"]) + " RNI-" + _plural(X["rni_now"], "ingeschrevene", "ingeschrevenen") + " op dit adres"
    if group == "pand_buren":
        c = X["building_complaints_365d_other"]
        v = X["building_violations_other"]
        tc = _num(c) + " " + _plural(c, "klacht", "klachten") + " bij andere woningen in dit pand (365 dagen)"
        tv = _num(v) + " " + _plural(v, "overtreding", "overtredingen") + " bij andere woningen in dit pand"
        tp = ("andere woningen in dit pand: " + _num(X["building_persons_per_10m2_other"], 1) + " personen per 10 m², "
              + _num(X["building_registrations_12m_other"]) + " inschrijvingen in 12 maanden")
        return pd.Series(np.where((c > 0) & (v > 0), tc + "; " + tv, np.where(c > 0, tc, np.where(v > 0, tv, tp))))
    if group == "buurt":
        return ("binnen 50 m: " + _num(X["near_complaints_365d_50m"]) + " klachten (365 dagen); binnen 100 m: "
                + _num(X["near_findings_730d_100m"]) + " overtredingen (2 jaar) en "
                + _num(X["near_registrations_365d_100m"]) + " inschrijvingen (365 dagen)")
    if group == "klachten":
        cats = np.array(COMPLAINT_CATEGORIES, dtype=object)
        c90 = X[[f"complaints_{c}_90d" for c in COMPLAINT_CATEGORIES]].to_numpy()
        c365 = X[[f"complaints_{c}_365d" for c in COMPLAINT_CATEGORIES]].to_numpy()
        i90, i365 = c90.argmax(axis=1), c365.argmax(axis=1)
        n90, n365 = c90[np.arange(n), i90], c365[np.arange(n), i365]
        t90 = (_num(n90) + " " + _plural(n90, "klacht", "klachten") + " " + pd.Series(cats[i90]) + " in 90 dagen ("
               + _num(X["complaints_total_365d"]) + " in 365 dagen)")
        t365 = (_num(n365) + " " + _plural(n365, "klacht", "klachten") + " " + pd.Series(cats[i365])
                + " in 365 dagen, laatste " + _num(X["days_since_complaint"]) + " dagen geleden")
        return pd.Series(np.where(n90 > 0, t90, np.where(n365 > 0, t365, "geen klachten in 365 dagen")))
    if group == "vergunning":
        status = X["permit_status"].astype(str)
        return status.map(_PERMIT_TEXT).fillna("vergunningstatus " + status)
    if group == "verhuurder":
        v = X["landlord_violations_other"]
        lead = pd.Series(np.where(v > 0, "verhuurder: " + _num(v) + " " + _plural(v, "overtreding", "overtredingen")
                                  + " op andere adressen; ", "verhuurder: "))
        na = pd.Series(np.where(X["landlord_no_access_other"] > 0,
                                _num(X["landlord_no_access_other"]) + " keer geen toegang elders; ", ""))
        bad = pd.Series(np.where(X["landlord_refused_revoked"] > 0,
                                 _num(X["landlord_refused_revoked"]) + " vergunningen geweigerd/ingetrokken; ", ""))
        text = (lead + na + bad + _num(X["landlord_portfolio_size"]) + " adressen in " + _num(X["landlord_wijken"])
                + " " + _plural(X["landlord_wijken"], "wijk", "wijken") + ", "
                + _num(100 * X["landlord_violation_rate"]) + "% overtredingen (gecorrigeerd)")
        return pd.Series(np.where(X["landlord_portfolio_size"] > 0, text, "geen verhuurder bekend"))
    if group == "eerdere_bezoeken":
        last = np.where(X["last_inspection_violation"] == 1, "overtreding",
                        np.where(X["last_inspection_violation"] == 0, "geen overtreding", "geen toegang"))
        text = (_num(X["inspections_before"]) + " eerdere bezoeken, " + _num(X["violations_before"])
                + " met overtreding; laatste " + _num(X["days_since_inspection"]) + " dagen geleden: " + pd.Series(last))
        return pd.Series(np.where(X["inspections_before"] > 0, text, "nooit eerder bezocht"))
    if group == "pand":
        year = _num(X["building_year"]).replace("?", "onbekend jaar")
        area = (_num(X["floor_area_m2"]) + " m²").replace("? m²", "oppervlakte onbekend")
        return "woning uit " + year + ", " + area
    if group == "wijk":
        return ("wijk met " + _num(X["wijk_complaints_per_100_addresses_365d"], 1) + " klachten per 100 adressen per jaar en "
                + _num(100 * X["wijk_violation_rate"]) + "% overtredingen bij bezoeken")
    raise KeyError(group)


def _eligible(X: pd.DataFrame) -> pd.DataFrame:
    """Per row and group: does the address have something to report for that group (e.g. any complaint)?"""
    yes = np.ones(len(X), bool)
    cols = {
        "bezetting": (X["persons_now"] > 0).to_numpy(),
        "verloop": ((X["registrations_12m"] + X["deregistrations_12m"]) > 0).to_numpy(),
        "rni": (X["rni_now"] > 0).to_numpy(),
        "na_bezoek": (X["arrivals_since_visit"].fillna(0) + X["departures_since_visit"].fillna(0) > 0).to_numpy(),
        "pand_buren": (X["building_units"] > 1).to_numpy(),
        "buurt": yes,
        "klachten": (X["complaints_total_365d"] > 0).to_numpy(),
        "vergunning": yes,
        "verhuurder": (X["landlord_portfolio_size"] > 0).to_numpy(),
        "eerdere_bezoeken": yes,
        "pand": yes,
        "wijk": yes,
    }
    return pd.DataFrame({g: cols[g] for g in REASON_GROUPS}, index=X.index)


def top_reasons(contributions: pd.DataFrame, X: pd.DataFrame, n_reasons: int = 3) -> pd.DataFrame:
    """reason_1..n per row: the groups with the largest positive contribution, as Dutch text ('' when none)."""
    values = contributions.to_numpy().copy()
    values[~_eligible(X).to_numpy()] = -np.inf  # a group with nothing to report is no reason
    order = np.argsort(-values, axis=1, kind="stable")[:, :n_reasons]
    groups = list(contributions.columns)
    out = {}
    for i in range(n_reasons):
        col = np.full(len(X), "", dtype=object)
        chosen = order[:, i]
        positive = np.isfinite(values[np.arange(len(X)), chosen]) & (values[np.arange(len(X)), chosen] > 1e-9)
        for j, group in enumerate(groups):
            rows = np.flatnonzero(positive & (chosen == j))
            if len(rows):
                col[rows] = reason_texts(group, X.iloc[rows]).to_numpy(dtype=object)
        out[f"reason_{i + 1}"] = col
    return pd.DataFrame(out, index=X.index)
