"""Which addresses share a building: the BAG pand id, else one street number.

CONTRACT.md: `addresses.building_id` is optional; where it is missing, addresses at one street
number (same street, house number and postcode) share a building. Features, layers and imports
all ask this one function, so "the building" means the same everywhere.
"""

from __future__ import annotations

import pandas as pd


def building_keys(addresses: pd.DataFrame) -> pd.Series:
    """A building key per address (index aligned): ``building_id`` where given, else ``street|number|postcode``.

    An address with neither a building id nor a street number is a building of its own
    (its key is its ``address_id``), so nothing is grouped by accident.
    """
    index = addresses.index
    if "building_id" in addresses.columns:
        given = addresses["building_id"].astype("string")
    else:
        given = pd.Series(pd.NA, index=index, dtype="string")
    parts = []
    for col in ("street", "house_number", "postcode"):
        if col in addresses.columns:
            parts.append(addresses[col].astype("string").str.strip().str.lower())
        else:
            parts.append(pd.Series(pd.NA, index=index, dtype="string"))
    has_number = parts[1].notna() & (parts[0].notna() | parts[2].notna())
    street_key = ("sn:" + parts[0].fillna("") + "|" + parts[1].fillna("") + "|" + parts[2].fillna("")).astype("string")
    own = ("a:" + addresses["address_id"].astype("string")).astype("string")
    key = given.where(given.notna() & (given.str.len() > 0), street_key.where(has_number, own))
    return ("b:" + key).where(given.notna() & (given.str.len() > 0), key).rename("building_key")
