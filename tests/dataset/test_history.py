"""The address timeline shown by the identify tool."""

import pandas as pd

from geo_tool.dataset import load_dataset
from geo_tool.dataset.history import address_timeline, registered_persons


def test_timeline_holds_every_kind_and_no_pseudonym(small_demo):
    """An inspected address's timeline lists register moves, complaints and the visit, newest first, no person ids."""
    ds = load_dataset(small_demo)
    insp = ds.inspections.iloc[0]
    line = address_timeline(ds, insp["address_id"])
    assert "huisbezoek" in set(line["kind"])
    assert line["date"].is_monotonic_decreasing
    persons = set(ds.brp.loc[ds.brp["address_id"] == insp["address_id"], "person_id"])
    assert not any(p in " ".join(line["text"]) for p in persons)


def test_registered_persons_counts_spells_covering_the_date(small_demo):
    """Persons registered on a date = spells with from <= date < until (empty until = still there)."""
    ds = load_dataset(small_demo)
    addr = ds.brp["address_id"].iloc[0]
    spells = ds.brp[ds.brp["address_id"] == addr]
    day = spells["registered_from"].min()
    expected = spells[(spells["registered_from"] <= day)
                      & (spells["registered_until"].isna() | (spells["registered_until"] > day))]["person_id"].nunique()
    assert registered_persons(ds, addr, day) == expected >= 1
    assert registered_persons(ds, addr, pd.Timestamp("1800-01-01")) == 0
