"""Find an address (postcode + house number) or a wijk (name or code) from what a user types."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo_tool.dataset.dataset import Dataset

_POSTCODE = re.compile(r"^\s*(\d{4})\s*([a-zA-Z]{2})\s*[, ]?\s*(\d+)\s*([a-zA-Z]?)\s*[-\s]?\s*(\S*)\s*$")


@dataclass(frozen=True)
class SearchHit:
    """What a search found: an address (`kind="address"`) or a wijk (`kind="wijk"`), with its id and label."""

    kind: str
    key: str
    label: str


def _norm(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", str(text)).strip().lower()


def search_place(dataset: Dataset, text: str) -> list[SearchHit]:
    """Addresses for `3082 AB 12` / `3082AB 12a`, else wijken whose name or code matches (dash- and case-insensitive)."""
    m = _POSTCODE.match(text or "")
    if m:
        postcode = f"{m.group(1)}{m.group(2).upper()}"
        ads = dataset.addresses
        hit = ads[(ads["postcode"].astype("string").str.replace(" ", "") == postcode)
                  & (pd.to_numeric(ads["house_number"], errors="coerce") == int(m.group(3)))]
        if m.group(4):
            hit = hit[hit["house_letter"].astype("string").str.upper() == m.group(4).upper()]
        return [SearchHit("address", str(r.address_id),
                          f"{r.street or ''} {r.house_number}{r.house_letter if isinstance(r.house_letter, str) else ''} "
                          f"{postcode}".strip())
                for r in hit.head(20).itertuples()]
    q = _norm(text)
    if not q:
        return []
    w = dataset.wijken
    names = w["name"].astype(str).map(_norm)
    exact = w[(names == q) | (w["code"].astype(str).str.lower() == q)]
    found = exact if len(exact) else w[names.str.contains(re.escape(q), regex=True)]
    return [SearchHit("wijk", str(r.code), str(r.name)) for r in found.head(20).itertuples()]
