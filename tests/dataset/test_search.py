"""The search box: postcode + house number finds the address; names find wijken."""

from geo_tool.dataset import load_dataset
from geo_tool.dataset.search import search_place


def test_postcode_and_number_find_the_address(small_demo):
    """`3082 AB 12` style input finds exactly the addresses with that postcode and number."""
    ds = load_dataset(small_demo)
    a = ds.addresses.dropna(subset=["postcode", "house_number"]).iloc[10]
    pc = str(a["postcode"])
    hits = search_place(ds, f"{pc[:4]} {pc[4:].lower()} {int(a['house_number'])}")
    assert a["address_id"] in {h.key for h in hits}
    assert all(h.kind == "address" for h in hits)


def test_wijk_names_match_dash_and_case_insensitively(small_demo):
    """`oud-charlois` finds Oud Charlois; a code finds its wijk; nonsense finds nothing."""
    ds = load_dataset(small_demo)
    assert [h.label for h in search_place(ds, "oud-charlois")] == ["Oud Charlois"]
    assert search_place(ds, "BU05991572")[0].label == "Carnisse"
    assert search_place(ds, "xyzzy") == []
