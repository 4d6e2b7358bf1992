"""Which addresses share a building (CONTRACT.md: BAG pand id, else one street number)."""

import pandas as pd

from geo_tool.dataset.buildings import building_keys


def test_pand_id_wins_and_a_street_number_groups_the_rest():
    """Addresses at one street number share a key; a pand id is its own key; no number means alone."""
    a = pd.DataFrame({
        "address_id": ["1", "2", "3", "4", "5"],
        "street": ["Putselaan", "putselaan ", "Putselaan", None, None],
        "house_number": pd.array([12, 12, 14, None, None], dtype="Int64"),
        "postcode": ["3074HT", "3074HT", "3074HT", None, None],
        "building_id": pd.array([None, None, "0599100000000001", None, None], dtype="string"),
    })
    keys = building_keys(a)
    assert keys[0] == keys[1]
    assert keys[2] == "b:0599100000000001"
    assert keys[3] != keys[4]
    assert len(set(keys)) == 4


def test_without_a_building_id_column():
    """The column is optional: a table without it still gets keys."""
    a = pd.DataFrame({"address_id": ["1", "2"], "street": ["A", "A"], "house_number": [1, 2], "postcode": ["x", "x"]})
    assert building_keys(a).nunique() == 2
