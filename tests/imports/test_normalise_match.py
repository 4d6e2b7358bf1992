"""Address normalisation and matching: every spelling in issue 14 finds its address, by the right method."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_tool.imports import normalise as nz
from geo_tool.imports.match import match_addresses, prepare_addresses

ADDRESSES = pd.DataFrame({
    "address_id": [f"05992000000000{i:02d}" for i in range(1, 9)],
    "street": ["Putselaan", "Putselaan", "Putselaan", "Van der Takstraat", "Kade", "Kade", "Dorpsweg", "Dorpsweg"],
    "house_number": [12, 12, 12, 5, 3, 4, 7, 7],
    "house_letter": ["", "B", "", "", "", "", "", ""],
    "house_number_addition": ["", "", "2", "", "BIS", "", "", ""],
    "postcode": ["3074HT", "3074HT", "3074HT", "3071LK", "3011AA", "3011AA", "3083AB", "3191AB"],
    "x": [92000.0, 92001.0, 92002.0, 93000.0, 94000.0, 94010.0, 91000.0, 80000.0],
    "y": [434000.0, 434000.0, 434000.0, 435000.0, 436000.0, 436000.0, 433000.0, 433000.0],
})


def _match(**cols) -> pd.DataFrame:
    return match_addresses(pd.DataFrame(cols), prepare_addresses(ADDRESSES), max_distance_m=25)


def test_spellings_of_postcode_and_number_find_the_address_normalised():
    """`3074 ht` + `12-B`, `12-2`, `12 bis`, `12-02`, `12hs` and `12 / 2` match; as typed is `exact`."""
    got = _match(postcode=["3074HT", "3074 ht", "3074HT", "3011 aa", "3074-HT", "3074HT", "3074ht"],
                 number=["12", "12-B", "12-2", "3 bis", "12-02", "12hs", "12 / 2"])
    assert got["address_id"].tolist() == ["0599200000000001", "0599200000000002", "0599200000000003",
                                          "0599200000000005", "0599200000000003", "0599200000000001",
                                          "0599200000000003"]
    assert got["method"].tolist() == ["exact"] + ["normalised"] * 6


def test_separate_letter_and_addition_columns_and_floor_words():
    """Letter and addition in their own columns (any case) and `2hg`/`2e` floors fold to the BAG addition."""
    got = _match(postcode=["3074HT", "3074HT", "3074HT"], number=["12", "12", "12"], letter=["b", "", ""],
                 addition=["", "2hg", "2e"])
    assert got["address_id"].tolist() == ["0599200000000002", "0599200000000003", "0599200000000003"]


def test_long_bag_id_is_exact_and_unknown_id_falls_through_to_postcode():
    """`NL.IMBAG.NUMMERAANDUIDING.<16 digits>` is accepted; an unknown id does not stop the postcode step."""
    got = _match(id=["NL.IMBAG.NUMMERAANDUIDING.0599200000000004", "0599999999999999"],
                 postcode=["", "3074HT"], number=["", "12"])
    assert got["address_id"].tolist() == ["0599200000000004", "0599200000000001"]
    assert got["method"].tolist() == ["exact", "exact"]


def test_street_when_postcode_missing_or_wrong_and_ambiguous_street_stays_unmatched():
    """A wrong postcode falls back to street + number; `v.d.` is `van der`; a street+number in two places
    (Dorpsweg 7) is not guessed without the woonplaats."""
    got = _match(postcode=["3074XX", "", ""], number=["12-b", "5", "7"],
                 street=["putselaan", "v.d. Takstraat", "Dorpsweg"])
    assert got["address_id"].tolist() == ["0599200000000002", "0599200000000004", ""]
    assert got["method"].tolist() == ["street", "street", "unmatched"]


def test_nearest_point_within_distance_only():
    """A point 10 m from an address matches as `nearest 10m`; a point 200 m away stays unmatched."""
    got = _match(x=[94000.0, 95000.0], y=[436010.0, 436200.0])
    assert got["address_id"].tolist() == ["0599200000000005", ""]
    assert got["method"].tolist() == ["nearest 10m", "unmatched"]


def test_text_address_is_split():
    """`Putselaan 12-B, 3074 HT Rotterdam` -> street Putselaan, number 12, suffix B, postcode 3074HT."""
    parts = nz.split_text_address(pd.Series(["Putselaan 12-B, 3074 HT Rotterdam", "Kade 3 bis"]))
    assert parts.to_dict("list") == {"street": ["Putselaan", "Kade"], "number": ["12", "3"], "suffix": ["B", "BIS"],
                                     "postcode": ["3074HT", ""]}


def test_matching_is_vectorised_over_many_rows():
    """50,000 rows match in one call and every row gets a method (no row is dropped)."""
    rng = np.random.default_rng(1)
    pick = rng.integers(0, 3, 50_000)
    got = _match(postcode=np.array(["3074 HT", "3074ht", "3074HT"])[pick], number=np.array(["12", "12-b", "12-2"])[pick])
    assert len(got) == 50_000 and (got["address_id"] != "").all()


def test_street_with_a_wrong_postcode_uses_its_four_digits_to_choose():
    """Dorpsweg 7 exists in 3083 and 3191: with postcode `3083 XY` (letters wrong) the street step picks 3083."""
    got = _match(postcode=["3083 XY", "3191ZZ"], number=["7", "7"], street=["Dorpsweg", "dorpsweg"])
    assert got["address_id"].tolist() == ["0599200000000007", "0599200000000008"]
    assert got["method"].tolist() == ["street", "street"]
