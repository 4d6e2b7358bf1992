"""Address matching: source rows -> `address_id`, with the method that found it, vectorised.

Order (the first that finds a unique address wins):
1. `exact`: the BAG id (short or long form) is known, or postcode + number + letter + addition
   equal the address table's values as typed;
2. `normalised`: the same after normalisation (`3074 ht`, `12-B`, `12 bis`, `12-1hg`, `12hs`);
3. `street`: street + number + suffix (+ woonplaats when both sides have it), for a missing or wrong postcode;
4. `nearest Xm`: the nearest address to the row's point within `max_distance_m`;
5. otherwise `unmatched`.
Each step is a hash join (`Series.map` on a unique key), never a loop over rows. Keys that point at
more than one address are left out of the join (ambiguous), so nothing is matched by chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_tool.imports import normalise as nz

ADDRESS_FIELDS = ("id", "postcode", "number", "letter", "addition", "street", "woonplaats", "text", "x", "y")
METHODS = ("exact", "normalised", "street", "nearest", "unmatched")


@dataclass
class AddressTable:
    """The address table prepared once for matching: unique keys -> address_id, and the points."""

    ids: pd.Index
    exact: pd.Series
    normalised: pd.Series
    ground: pd.Series
    street: pd.Series
    street_place: pd.Series
    has_place: bool
    xy: np.ndarray
    id_of_point: np.ndarray
    _tree: object = None

    @property
    def tree(self):
        """A KD-tree over the address points, built on first use."""
        if self._tree is None:
            from scipy.spatial import cKDTree

            self._tree = cKDTree(self.xy) if len(self.xy) else None
        return self._tree


def _unique_map(keys: pd.Series, ids: pd.Series) -> pd.Series:
    """key -> id for keys that occur once (ambiguous and empty keys are left out)."""
    frame = pd.DataFrame({"k": keys.to_numpy(), "id": ids.to_numpy()})
    frame = frame[frame["k"].notna() & (frame["k"] != "")]
    frame = frame.drop_duplicates("k", keep=False)
    return pd.Series(frame["id"].to_numpy(), index=pd.Index(frame["k"].to_numpy()))


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return nz.clean_text(frame[name].astype("string"))
    return pd.Series("", index=frame.index, dtype="string")


def prepare_addresses(addresses: pd.DataFrame) -> AddressTable:
    """Index an addresses table (contract columns; `woonplaats` optional) for `match_addresses`."""
    ids = nz.clean_text(addresses["address_id"])
    pc_raw, num_raw = _col(addresses, "postcode"), _col(addresses, "house_number")
    num_raw = num_raw.str.replace(r"\.0$", "", regex=True)
    let_raw, add_raw = _col(addresses, "house_letter"), _col(addresses, "house_number_addition")
    exact = pc_raw + "|" + num_raw + "|" + let_raw + "|" + add_raw
    num, suf = nz.split_number(num_raw, let_raw, add_raw)
    pc = nz.postcode(pc_raw)
    norm = (pc + "|" + num + "|" + suf).where((pc != "") & (num != ""), "")
    ground = (pc + "|" + num + "|" + nz.ground_free(suf)).where((pc != "") & (num != ""), "")
    st = nz.street(_col(addresses, "street"))
    street_key = (st + "|" + num + "|" + suf).where((st != "") & (num != ""), "")
    has_place = "woonplaats" in addresses.columns
    place = nz.place(_col(addresses, "woonplaats")) if has_place else pd.Series("", index=addresses.index, dtype="string")
    street_place = (street_key + "|" + place).where((street_key != "") & (place != ""), "")
    if "geometry" in addresses.columns and len(addresses):
        geom = addresses.geometry
        xy = np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()])
    elif {"x", "y"} <= set(addresses.columns):
        xy = np.column_stack([pd.to_numeric(addresses["x"], errors="coerce"), pd.to_numeric(addresses["y"], errors="coerce")])
    else:
        xy = np.empty((0, 2))
    ok = np.isfinite(xy).all(axis=1) if len(xy) else np.zeros(0, bool)
    return AddressTable(
        ids=pd.Index(ids.to_numpy()), exact=_unique_map(exact, ids), normalised=_unique_map(norm, ids),
        ground=_unique_map(ground, ids), street=_unique_map(street_key, ids),
        street_place=_unique_map(street_place, ids), has_place=has_place,
        xy=xy[ok], id_of_point=ids.to_numpy()[ok] if len(ok) else np.empty(0, object),
    )


def _fill(found: pd.Series, method: pd.Series, candidates: pd.Series, name: str) -> None:
    """Take `candidates` where nothing was found yet (in place)."""
    take = (found == "") & candidates.notna() & (candidates != "")
    found[take] = candidates[take]
    method[take] = name


def match_addresses(rows: pd.DataFrame, table: AddressTable, max_distance_m: float = 25.0) -> pd.DataFrame:
    """Find the address of every row; returns `address_id` ('' when none), `method` and `distance_m`.

    `rows` carries any of ADDRESS_FIELDS as columns (strings, '' = missing; `x`, `y` as numbers in RD).
    Each step only looks at the rows still without an address, so a file whose ids are good is fast.
    """
    idx = rows.index
    found = pd.Series("", index=idx, dtype="object")
    method = pd.Series("unmatched", index=idx, dtype="object")
    distance = pd.Series(np.nan, index=idx)
    if "id" in rows.columns:
        bid = nz.bag_id(rows["id"])
        _fill(found, method, bid.where(bid.isin(table.ids), ""), "exact")
    todo = rows.loc[(found == "").to_numpy()]
    if len(todo):
        _match_by_fields(todo, table, found, method)
    if {"x", "y"} <= set(rows.columns) and table.tree is not None:
        xy = np.column_stack([pd.to_numeric(rows["x"], errors="coerce"), pd.to_numeric(rows["y"], errors="coerce")])
        open_ = ((found == "").to_numpy()) & np.isfinite(xy).all(axis=1)
        if open_.any():
            dist, pos = table.tree.query(xy[open_], distance_upper_bound=max_distance_m)
            hit = np.isfinite(dist)
            where = np.flatnonzero(open_)[hit]
            found.iloc[where] = table.id_of_point[pos[hit]]
            method.iloc[where] = pd.Series(np.round(dist[hit]).astype(int)).map("nearest {}m".format).to_numpy()
            distance.iloc[where] = dist[hit]
    return pd.DataFrame({"address_id": found.astype("string"), "method": method.astype("string"),
                         "distance_m": distance}, index=idx)


def _match_by_fields(rows: pd.DataFrame, table: AddressTable, found: pd.Series, method: pd.Series) -> None:
    """Steps exact (as typed), normalised and street for `rows` (a subset of found's index), in place."""
    letter, addition = _col(rows, "letter"), _col(rows, "addition")
    number_raw, pc_raw, street_raw = _col(rows, "number"), _col(rows, "postcode"), _col(rows, "street")
    if "text" in rows.columns:  # a one-line address fills the fields it has
        parsed = nz.split_text_address(rows["text"])
        street_raw = street_raw.where(street_raw != "", parsed["street"])
        pc_raw = pc_raw.where(pc_raw != "", parsed["postcode"])
        text_number = (parsed["number"] + " " + parsed["suffix"]).str.strip()
        number_raw = number_raw.where(number_raw != "", text_number)
    sub_found = pd.Series("", index=rows.index, dtype="object")
    sub_method = pd.Series("unmatched", index=rows.index, dtype="object")
    if (pc_raw != "").any():
        exact_key = pc_raw + "|" + number_raw + "|" + letter + "|" + addition
        _fill(sub_found, sub_method, exact_key.map(table.exact), "exact")
    num, suf = nz.split_number(number_raw, letter, addition)
    pc = nz.postcode(pc_raw)
    has_pc = (pc != "") & (num != "")
    if has_pc.any():
        _fill(sub_found, sub_method, (pc + "|" + num + "|" + suf).where(has_pc, "").map(table.normalised), "normalised")
        ground = (pc + "|" + num + "|" + nz.ground_free(suf)).where(has_pc & (sub_found == ""), "")
        _fill(sub_found, sub_method, ground.map(table.ground), "normalised")
    has_st = (street_raw != "") & (num != "") & (sub_found == "")
    if has_st.any():
        st = nz.street(street_raw.where(has_st, ""))
        key = (st + "|" + num + "|" + suf).where(has_st & (st != ""), "")
        if table.has_place and "woonplaats" in rows.columns:
            place = nz.place(rows["woonplaats"])
            _fill(sub_found, sub_method, (key + "|" + place).where((place != "") & (key != ""), "").map(table.street_place),
                  "street")
        _fill(sub_found, sub_method, key.map(table.street), "street")
    hit = sub_found != ""
    found.loc[hit.index[hit]] = sub_found[hit]
    method.loc[hit.index[hit]] = sub_method[hit]


def method_family(methods: pd.Series) -> pd.Series:
    """`nearest 12m` -> `nearest`; the other methods as they are (for counting per method)."""
    return methods.astype("string").str.replace(r"^nearest \d+m$", "nearest", regex=True)
