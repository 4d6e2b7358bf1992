"""Dutch labels of the model's features and feature groups: one table for the reasons, the model card
and the window (code and identifiers stay English; everything a user reads is Dutch)."""

from __future__ import annotations

from geo_tool.model.features import COMPLAINT_CATEGORIES, FEATURE_NAMES, RADII_M

_WINDOWS = {"90d": "90 dagen", "365d": "365 dagen", "730d": "2 jaar"}

#: Feature -> Dutch label (what the figure is, with its unit or window).
FEATURE_LABELS: dict[str, str] = {
    "persons_now": "ingeschreven personen nu",
    "persons_per_10m2": "ingeschreven personen per 10 m²",
    "persons_vs_wijk_median": "ingeschreven personen t.o.v. de wijkmediaan",
    "registrations_3m": "inschrijvingen in 3 maanden",
    "registrations_12m": "inschrijvingen in 12 maanden",
    "deregistrations_3m": "uitschrijvingen in 3 maanden",
    "deregistrations_12m": "uitschrijvingen in 12 maanden",
    "spells_12m": "verschillende bewoners in 12 maanden",
    "rni_now": "RNI-ingeschrevenen nu",
    **{f"complaints_{c}_{w}": f"klachten {c} in {_WINDOWS[w]}" for c in COMPLAINT_CATEGORIES for w in ("90d", "365d")},
    "complaints_total_90d": "klachten in 90 dagen",
    "complaints_total_365d": "klachten in 365 dagen",
    "days_since_complaint": "dagen sinds de laatste klacht",
    "landlord_portfolio_size": "adressen van de verhuurder",
    "landlord_violation_rate": "aandeel overtredingen bij de verhuurder (gecorrigeerd)",
    "landlord_inspections": "eerdere bezoeken bij de verhuurder",
    "inspections_before": "eerdere bezoeken aan het adres",
    "violations_before": "eerdere overtredingen op het adres",
    "no_access_before": "eerdere bezoeken zonder toegang",
    "days_since_inspection": "dagen sinds het laatste bezoek",
    "last_inspection_violation": "laatste bezoek: overtreding",
    "building_year": "bouwjaar",
    "floor_area_m2": "oppervlakte (m²)",
    "wijk_complaints_per_100_addresses_365d": "klachten per 100 adressen in de wijk (365 dagen)",
    "wijk_violation_rate": "aandeel overtredingen bij bezoeken in de wijk",
    "wijk_permit_share": "aandeel adressen met vergunning in de wijk",
    "building_units": "woningen in het pand",
    "building_complaints_90d_other": "klachten bij andere woningen in het pand (90 dagen)",
    "building_complaints_365d_other": "klachten bij andere woningen in het pand (365 dagen)",
    "building_persons_per_10m2_other": "ingeschreven personen per 10 m² in de andere woningen van het pand",
    "building_registrations_12m_other": "inschrijvingen bij andere woningen in het pand (12 maanden)",
    "building_violations_other": "overtredingen bij andere woningen in het pand",
    "building_no_access_other": "bezoeken zonder toegang bij andere woningen in het pand",
    "building_days_since_violation": "dagen sinds de laatste overtreding in het pand",
    **{f"near_complaints_365d_{r}m": f"klachten binnen {r} m (365 dagen, ook zonder adres)" for r in RADII_M},
    **{f"near_findings_730d_{r}m": f"overtredingen binnen {r} m (2 jaar)" for r in RADII_M},
    **{f"near_registrations_365d_{r}m": f"inschrijvingen binnen {r} m (365 dagen)" for r in RADII_M},
    "landlord_wijken": "wijken waarin de verhuurder adressen heeft",
    "landlord_violations_other": "overtredingen op andere adressen van de verhuurder",
    "landlord_no_access_other": "bezoeken zonder toegang op andere adressen van de verhuurder",
    "landlord_refused_revoked": "geweigerde of ingetrokken vergunningen van de verhuurder",
    "landlord_acquisitions_12m": "adressen die de verhuurder in 12 maanden verwierf",
    "persons_12m_per_10m2": "verschillende bewoners in 12 maanden per 10 m²",
    "short_spells_12m": "korte inschrijvingen (< 3 maanden) geëindigd in 12 maanden",
    "arrivals_together_12m": "personen die op dezelfde dag samen werden ingeschreven (12 maanden)",
    "registered_since_finding": "nog ingeschreven personen van vóór de laatste overtreding",
    "rni_registrations_12m": "RNI-inschrijvingen in 12 maanden",
    "no_access_365d": "bezoeken zonder toegang in 365 dagen",
    "days_since_violation": "dagen sinds de laatste overtreding op het adres",
    "permit_status": "verhuurvergunning",
}

#: Reason group -> Dutch label (the model card's and the window's name for a group).
GROUP_LABELS: dict[str, str] = {
    "bezetting": "bezetting volgens de BRP",
    "verloop": "verloop en inschrijvingspatronen",
    "rni": "RNI-inschrijvingen",
    "klachten": "klachten op het adres",
    "vergunning": "verhuurvergunning",
    "verhuurder": "verhuurder",
    "eerdere_bezoeken": "eerdere bezoeken",
    "pand": "woning (bouwjaar, oppervlakte)",
    "pand_buren": "andere woningen in het pand",
    "buurt": "directe omgeving (25-250 m)",
    "wijk": "wijk",
}
