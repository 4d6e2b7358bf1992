"""ranked.csv tells a planner where each address is: the contract's columns first, then street, house
number, postcode and wijk name."""

from __future__ import annotations

import pandas as pd

from geo_tool.dataset import load_dataset
from geo_tool.model.api import ADDRESS_COLUMNS, RANKING_COLUMNS, write_ranking


def test_ranked_csv_carries_address_and_wijk_name(small_demo, tmp_path):
    """The written ranking keeps rank,address_id,score,wijk_code,reason_1..3 as its first columns and adds
    street, house_number, postcode and wijk_name that match the dataset's addresses and wijken."""
    ds = load_dataset(small_demo)
    a = ds.addresses.head(25)
    ranked = pd.DataFrame({"rank": range(1, 26), "address_id": a["address_id"].astype(str).to_numpy(),
                           "score": 0.5, "wijk_code": a["wijk_code"].astype(str).to_numpy(),
                           "reason_1": "r", "reason_2": "", "reason_3": ""})
    out = pd.read_csv(write_ranking(ranked, tmp_path / "ranked.csv", ds), dtype=str, keep_default_na=False)
    assert list(out.columns) == RANKING_COLUMNS + ADDRESS_COLUMNS
    assert {"street", "house_number", "postcode", "wijk_name"} <= set(out.columns)
    assert out["street"].tolist() == a["street"].astype(str).tolist()
    assert out["postcode"].tolist() == a["postcode"].astype(str).tolist()
    assert out["house_number"].tolist() == a["house_number"].astype(str).tolist()
    names = ds.wijken.set_index(ds.wijken["code"].astype(str))["name"]
    assert out["wijk_name"].tolist() == a["wijk_code"].astype(str).map(names).tolist()
    assert (out["wijk_name"] != "").all()
