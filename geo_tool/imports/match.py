"""Address matching: source rows -> `address_id`, with the method that found it, vectorised.

Order (the first that finds a unique address wins):
1. `exact`: the BAG id (short or long form) is known, or postcode + number + letter + addition
   equal the address table's values as typed;
2. `normalised`: the same after normalisation (`3074 ht`, `12-B`, `12 bis`, `12-1hg`, `12hs`);
3. `street`: street + number + suffix, for a missing or wrong postcode (first with the typed postcode's
   four digits, then with the woonplaats when both sides have it, then alone);
4. `nearest Xm`: the nearest address to the row's point within `max_distance_m`;
5. otherwise `unmatched`.
Each step is a hash join (`Series.map` on a unique key), never a loop over rows. Keys that point at
more than one address are left out of the join (ambiguous), so nothing is matched by chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_tool.imports import normalise as nz

ADDRESS_FIELDS = ("id", "postcode", "number", "letter", "addition", "street", "woonplaats", "text", "x", "y")
METHODS = ("exact", "normalised", "street", "nearest", "unmatched")


@dataclass
class KeyMap:
    """Unique key -> row position in the address table, looked up with Arrow's hash join (`index_in`)."""

    keys: pa.Array
    positions: np.ndarray

    def lookup(self, keys: pd.Series) -> np.ndarray:
        """The address row position per key (-1 when the key is unknown, empty or ambiguous)."""
        if not len(self.positions) or not len(keys):
            return np.full(len(keys), -1, dtype=np.int64)
        arr = pa.array(keys.astype("string").array)
        hit = pc.index_in(arr, value_set=self.keys).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return np.where(hit >= 0, self.positions[np.maximum(hit, 0)], -1)


def _unique_map(keys: pd.Series) -> KeyMap:
    """key -> address position for keys that occur once (ambiguous and empty keys are left out)."""
    frame = pd.DataFrame({"k": keys.to_numpy(), "pos": np.arange(len(keys))})
    frame = frame[frame["k"].notna() & (frame["k"] != "")]
    frame = frame.drop_duplicates("k", keep=False)
    return KeyMap(pa.array(frame["k"].astype("string").array), frame["pos"].to_numpy(dtype=np.int64))


@dataclass
class AddressTable:
    """The address table prepared once for matching: unique keys -> row position, ids and points."""

    ids: pd.Index
    exact: KeyMap
    normalised: KeyMap
    ground: KeyMap
    street: KeyMap
    street_place: KeyMap
    street_pc4: KeyMap
    has_place: bool
    xy: np.ndarray
    point_pos: np.ndarray
    _tree: object = None

    @property
    def tree(self):
        """A KD-tree over the address points, built on first use."""
        if self._tree is None:
            from scipy.spatial import cKDTree

            self._tree = cKDTree(self.xy) if len(self.xy) else None
        return self._tree


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
    num, suf = nz.number_key(num_raw, let_raw, add_raw)
    pc = nz.on_uniques(nz.postcode, pc_raw)
    norm = (pc + "|" + num + "|" + suf).where((pc != "") & (num != ""), "")
    ground = (pc + "|" + num + "|" + nz.on_uniques(nz.ground_free, suf)).where((pc != "") & (num != ""), "")
    st = nz.on_uniques(nz.street, _col(addresses, "street"))
    street_key = (st + "|" + num + "|" + suf).where((st != "") & (num != ""), "")
    has_place = "woonplaats" in addresses.columns
    place = nz.on_uniques(nz.place, _col(addresses, "woonplaats")) if has_place else pd.Series("", index=addresses.index, dtype="string")
    street_place = (street_key + "|" + place).where((street_key != "") & (place != ""), "")
    pc4 = nz.on_uniques(nz.pc4, pc_raw)
    street_pc4 = (street_key + "|" + pc4).where((street_key != "") & (pc4 != ""), "")
    if "geometry" in addresses.columns and len(addresses):
        geom = addresses.geometry
        xy = np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()])
    elif {"x", "y"} <= set(addresses.columns):
        xy = np.column_stack([pd.to_numeric(addresses["x"], errors="coerce"), pd.to_numeric(addresses["y"], errors="coerce")])
    else:
        xy = np.empty((0, 2))
    ok = np.isfinite(xy).all(axis=1) if len(xy) else np.zeros(0, bool)
    return AddressTable(
        ids=pd.Index(ids.to_numpy()), exact=_unique_map(exact), normalised=_unique_map(norm),
        ground=_unique_map(ground), street=_unique_map(street_key), street_place=_unique_map(street_place),
        street_pc4=_unique_map(street_pc4), has_place=has_place, xy=xy[ok], point_pos=np.flatnonzero(ok) if len(ok) else np.empty(0, np.int64),
    )


METHOD_NAMES = np.array(["unmatched", "exact", "normalised", "street"], dtype=object)


def _fill(pos: np.ndarray, method: np.ndarray, rows: np.ndarray, candidates: np.ndarray, code: int) -> None:
    """Take `candidates` (positions, -1 = none) for `rows` still without an address (in place)."""
    take = (pos[rows] < 0) & (candidates >= 0)
    pos[rows[take]] = candidates[take]
    method[rows[take]] = code


def match_addresses(rows: pd.DataFrame, table: AddressTable, max_distance_m: float = 25.0) -> pd.DataFrame:
    """Find the address of every row; returns `address_id` ('' when none), `method` and `distance_m`.

    `rows` carries any of ADDRESS_FIELDS as columns (strings, '' = missing; `x`, `y` as numbers in RD).
    Each step only looks at the rows still without an address, so a file whose ids are good is fast.
    """
    n = len(rows)
    pos = np.full(n, -1, dtype=np.int64)
    method = np.zeros(n, dtype=np.int8)
    everything = np.arange(n)
    if "id" in rows.columns:
        bid = nz.bag_id(rows["id"])
        _fill(pos, method, everything, table.ids.get_indexer(bid.astype(object)), 1)
    todo = np.flatnonzero(pos < 0)
    if len(todo):
        _match_by_fields(rows.iloc[todo], todo, table, pos, method)
    labels = METHOD_NAMES[method].copy()
    distance = np.full(n, np.nan)
    if {"x", "y"} <= set(rows.columns) and table.tree is not None:
        xy = np.column_stack([pd.to_numeric(rows["x"], errors="coerce"), pd.to_numeric(rows["y"], errors="coerce")])
        open_ = (pos < 0) & np.isfinite(xy).all(axis=1)
        if open_.any():
            dist, near = table.tree.query(xy[open_], distance_upper_bound=max_distance_m)
            hit = np.isfinite(dist)
            where = np.flatnonzero(open_)[hit]
            pos[where] = table.point_pos[near[hit]]
            labels[where] = pd.Series(np.round(dist[hit]).astype(int)).map("nearest {}m".format).to_numpy()
            distance[where] = dist[hit]
    ids = np.where(pos >= 0, np.asarray(table.ids, dtype=object)[np.maximum(pos, 0)] if len(table.ids) else "", "")
    return pd.DataFrame({"address_id": pd.array(ids, dtype="string"), "method": pd.array(labels, dtype="string"),
                         "distance_m": distance}, index=rows.index)


def _match_by_fields(rows: pd.DataFrame, at: np.ndarray, table: AddressTable, pos: np.ndarray,
                     method: np.ndarray) -> None:
    """Steps exact (as typed), normalised and street for `rows` (at positions `at` of pos/method), in place."""
    letter, addition = _col(rows, "letter"), _col(rows, "addition")
    number_raw, pc_raw, street_raw = _col(rows, "number"), _col(rows, "postcode"), _col(rows, "street")
    if "text" in rows.columns:  # a one-line address fills the fields it has
        parsed = nz.split_text_address(rows["text"])
        street_raw = street_raw.where(street_raw != "", parsed["street"])
        pc_raw = pc_raw.where(pc_raw != "", parsed["postcode"])
        text_number = (parsed["number"] + " " + parsed["suffix"]).str.strip()
        number_raw = number_raw.where(number_raw != "", text_number)
    if (pc_raw != "").any():
        exact_key = pc_raw + "|" + number_raw + "|" + letter + "|" + addition
        _fill(pos, method, at, table.exact.lookup(exact_key), 1)
    num, suf = nz.number_key(number_raw, letter, addition)
    pcode = nz.on_uniques(nz.postcode, pc_raw)
    has_pc = ((pcode != "") & (num != "")).to_numpy()
    if has_pc.any():
        key = pcode + "|" + num + "|"
        _fill(pos, method, at, np.where(has_pc, table.normalised.lookup(key + suf), -1), 2)
        left = has_pc & (pos[at] < 0)
        if left.any():
            sub = np.flatnonzero(left)
            ground = key.iloc[sub] + nz.on_uniques(nz.ground_free, suf.iloc[sub])
            _fill(pos, method, at[sub], table.ground.lookup(ground), 2)
    has_st = ((street_raw != "") & (num != "")).to_numpy() & (pos[at] < 0)
    if has_st.any():
        sub = np.flatnonzero(has_st)
        st = nz.on_uniques(nz.street, street_raw.iloc[sub])
        key = (st + "|" + num.iloc[sub] + "|" + suf.iloc[sub]).where(st != "", "")
        pc4 = nz.on_uniques(nz.pc4, pc_raw.iloc[sub].str.slice(0, 4))
        with_pc4 = (key + "|" + pc4).where((pc4 != "") & (key != ""), "")
        _fill(pos, method, at[sub], table.street_pc4.lookup(with_pc4), 3)
        if table.has_place and "woonplaats" in rows.columns:
            place = nz.on_uniques(nz.place, rows["woonplaats"].iloc[sub])
            with_place = (key + "|" + place).where((place != "") & (key != ""), "")
            _fill(pos, method, at[sub], table.street_place.lookup(with_place), 3)
        _fill(pos, method, at[sub], table.street.lookup(key), 3)


def method_family(methods: pd.Series) -> pd.Series:
    """`nearest 12m` -> `nearest`; the other methods as they are (for counting per method)."""
    return methods.astype("string").str.replace(r"^nearest \d+m$", "nearest", regex=True)
