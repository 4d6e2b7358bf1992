"""One address's history as a short timeline: register, permits, complaints and inspections.

For the window's identify tool and the visit sheets. Persons appear only as counts, never by pseudonym.
"""

from __future__ import annotations

import pandas as pd

from geo_tool.dataset.dataset import Dataset

TIMELINE_COLUMNS = ["date", "kind", "text"]


def address_timeline(dataset: Dataset, address_id: str, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Dated events at one address, newest first, up to `as_of` (all when None).

    Register moves are grouped per day ("2 personen ingeschreven"); no person ids are shown.
    """
    address_id = str(address_id)
    as_of = pd.Timestamp(as_of) if as_of is not None else None
    rows: list[tuple[pd.Timestamp, str, str]] = []
    brp = dataset.brp[dataset.brp["address_id"] == address_id]
    for col, verb in (("registered_from", "ingeschreven"), ("registered_until", "uitgeschreven")):
        days = brp[col].dropna()
        for day, n in days.value_counts().items():
            rows.append((day, "inschrijving", f"{n} {'persoon' if n == 1 else 'personen'} {verb}"))
    permits = dataset.permits[dataset.permits["address_id"] == address_id]
    for rec in permits.itertuples(index=False):
        text = f"vergunning {rec.status}"
        if isinstance(rec.valid_until, pd.Timestamp) and not pd.isna(rec.valid_until):
            text += f" (geldig tot {rec.valid_until.date().isoformat()})"
        rows.append((rec.valid_from, "vergunning", text))
    complaints = dataset.complaints[dataset.complaints["address_id"] == address_id]
    for rec in complaints.itertuples(index=False):
        rows.append((rec.received_on, "melding", f"melding {rec.category}"))
    inspections = dataset.inspections[dataset.inspections["address_id"] == address_id]
    for rec in inspections.itertuples(index=False):
        found = f": {rec.violations}" if isinstance(rec.violations, str) and rec.violations else ""
        rows.append((rec.visited_on, "huisbezoek", f"huisbezoek {rec.outcome}{found}"))
    frame = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    if as_of is not None:
        frame = frame[frame["date"] <= as_of]
    return frame.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)


def registered_persons(dataset: Dataset, address_id: str, on: pd.Timestamp | str) -> int:
    """Number of persons registered at the address on a date (spell covers the date)."""
    on = pd.Timestamp(on)
    brp = dataset.brp[dataset.brp["address_id"] == str(address_id)]
    covers = (brp["registered_from"] <= on) & (brp["registered_until"].isna() | (brp["registered_until"] > on))
    return int(brp.loc[covers, "person_id"].nunique())
