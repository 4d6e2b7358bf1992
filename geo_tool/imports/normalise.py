"""Address normalisation: one canonical key per typed address, computed over whole columns at once.

Municipal exports spell one address many ways: `Putselaan 12-B`, `3074 HT`, `12 bis`, `12hs`,
`12-2`, `12-1hg`, upper or lower case, spaces, `-` or `/` between number and suffix. Every function
here works on pandas Series (vectorised string methods), never a Python loop over rows, so 1.5 million
register rows normalise in seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

# Patterns are plain strings in RE2 syntax, so pandas runs them in Arrow over whole columns.
BAG_LONG_PREFIX = r"(?i)^\s*NL\.IMBAG\.(?:NUMMERAANDUIDING|VERBLIJFSOBJECT|PAND)\."

# Floors written after the number: "1hg", "2-hoog", "3e", "1ste" -> the floor digit; ground-floor
# words (huis, beganegrond) are dropped by `ground_free`, they rarely appear in the BAG itself.
_FLOOR = r"(\d+)(?:HG|HOOG|STE|DE|E)$"
_GROUND = r"^(?:HS|H|HUIS|BG|BGG|BEG|BEGANEGROND|0)$"


def clean_text(values: pd.Series) -> pd.Series:
    """Strings stripped, '' for missing (the common ground of every other normaliser)."""
    return values.astype("string").fillna("").str.strip()


def bag_id(values: pd.Series) -> pd.Series:
    """A 16-digit BAG id from the short form or the long form `NL.IMBAG.NUMMERAANDUIDING.0599...`.

    Anything that is not 16 digits after removing the prefix becomes ''.
    """
    s = clean_text(values).str.replace(BAG_LONG_PREFIX, "", regex=True).str.replace(r"\s+", "", regex=True)
    return s.where(s.str.fullmatch(r"\d{16}"), "")


def postcode(values: pd.Series) -> pd.Series:
    """`3074 HT`, `3074ht`, ` 3074-HT ` -> `3074HT`; anything else -> ''."""
    s = clean_text(values).str.upper().str.replace(r"[\s\-./]+", "", regex=True)
    return s.where(s.str.fullmatch(r"[1-9]\d{3}[A-Z]{2}"), "")


def pc4(values: pd.Series) -> pd.Series:
    """The four digits of a postcode (`3074 HT` -> `3074`, `3074` -> `3074`), else ''."""
    s = clean_text(values).str.upper().str.replace(r"\s+", "", regex=True)
    out = s.str.extract(r"^([1-9]\d{3})(?:[A-Z]{2})?$", expand=False).fillna("")
    return out.astype("string")


def suffix(values: pd.Series) -> pd.Series:
    """Canonical letter + addition: upper case, only letters and digits, leading zeros and floor words folded.

    `-B` -> `B`, ` bis` -> `BIS`, `/2` -> `2`, `02` -> `2`, `1hg` -> `1`, `hs` -> `HS`.
    """
    s = clean_text(values).str.upper().str.replace(r"[^0-9A-Z]+", "", regex=True)
    s = s.str.replace(_FLOOR, r"\1", regex=True)
    return s.str.replace(r"(^|[^0-9])0+([0-9])", r"\1\2", regex=True)


def ground_free(canonical_suffix: pd.Series) -> pd.Series:
    """The suffix with a ground-floor word removed (`HS`, `BG`, `H`, `0` -> ''), for a second try."""
    return canonical_suffix.str.replace(_GROUND, "", regex=True)


def split_number(number: pd.Series, letter: pd.Series | None = None, addition: pd.Series | None = None
                 ) -> tuple[pd.Series, pd.Series]:
    """(house number as digits without leading zeros, canonical suffix) from separate or combined fields.

    The number field may carry the suffix itself (`12-B`, `12 bis`, `12hs`); letter and addition,
    when given, are appended. A number that does not start with digits gives ''.
    """
    text = clean_text(number)
    starts = text.str.contains(r"^0*\d", regex=True)
    num = text.str.replace(r"^0*(\d{1,5}).*$", r"\1", regex=True).where(starts, "")
    rest = text.str.replace(r"^0*\d{1,5}", "", regex=True).where(starts, "")
    for extra in (letter, addition):
        if extra is not None:
            rest = rest + " " + clean_text(extra)
    return num, suffix(rest)


def split_text_address(text: pd.Series) -> pd.DataFrame:
    """`Putselaan 12-B`, `Putselaan 12 b, 3074 HT Rotterdam` -> street, number, suffix, postcode columns.

    The street is everything before the first number that follows a word; a postcode anywhere in the
    text is picked up. Rows that do not parse give '' cells.
    """
    s = clean_text(text)
    pc = s.str.extract(r"(?<!\d)([1-9]\d{3}\s?[A-Za-z]{2})(?![A-Za-z])", expand=False).fillna("")
    without_pc = s.str.replace(r"(?<!\d)[1-9]\d{3}\s?[A-Za-z]{2}(?![A-Za-z]).*$", "", regex=True).str.rstrip(" ,")
    parts = without_pc.str.extract(r"^(?P<street>.*?[^\d\s,])[\s,]+(?P<number>\d{1,5}(?:[^,]*?))\s*(?:,.*)?$")
    num, suf = split_number(parts["number"].fillna(""))
    return pd.DataFrame({
        "street": parts["street"].fillna("").astype("string"),
        "number": num,
        "suffix": suf,
        "postcode": postcode(pc.astype("string")),
    }, index=text.index)


_STREET_ABBREVIATIONS = (
    (r"\bstr\b", "straat"), (r"\bln\b", "laan"), (r"\bpl\b", "plein"), (r"\bburg\b", "burgemeester"),
    (r"\bdr\b", "dokter"), (r"\bmr\b", "meester"), (r"\bprof\b", "professor"), (r"\bst\b", "sint"),
    (r"\bv\b", "van"),
)


def street(values: pd.Series) -> pd.Series:
    """A street name key: lower case, accents and punctuation removed, common abbreviations written out.

    `Burg. v.d. Lelystraat` and `burgemeester van de lelystraat` give the same key; spaces are
    dropped last so `Van der Takstraat` = `Vandertakstraat`.
    """
    s = clean_text(values).str.lower().str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    s = s.astype("string").str.replace(r"[^a-z0-9 ]+", " ", regex=True)
    s = s.str.replace(r"\bv\s*d\b|\bvan\s+(?:der|den|de)\b", "vd", regex=True)
    for pattern, full in _STREET_ABBREVIATIONS:
        s = s.str.replace(pattern, full, regex=True)
    s = s.str.replace(r"(\w)str\b", r"\1straat", regex=True)
    return s.str.replace(r"\s+", "", regex=True)


def place(values: pd.Series) -> pd.Series:
    """A woonplaats key: upper case letters only, the municipality suffix dropped (`HOOGVLIET ROTTERDAM` -> `HOOGVLIET`).

    Plain `Rotterdam` stays `ROTTERDAM`.
    """
    s = clean_text(values).str.upper().str.replace(r"[^A-Z ]+", " ", regex=True).str.strip()
    s = s.str.replace(r"^(.+?)\s+(?:ROTTERDAM|ROTTERD\w*|ZH)$", r"\1", regex=True)
    return s.str.replace(r"\s+", "", regex=True)


def _spread(done: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Results per distinct value -> results per row, with Arrow's `take` (no Python objects per row)."""
    arr = pa.array(done.astype("string").array)
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    taken = arr.take(pa.array(np.maximum(codes, 0)))
    out = pd.Series(pd.arrays.ArrowStringArray(taken), index=index)
    if (codes < 0).any():
        out = out.where(codes >= 0, "")
    return out


def on_uniques(func, values: pd.Series) -> pd.Series:
    """Apply a column normaliser to the distinct values only and spread the result back.

    A register of 1.5 million rows holds a few ten thousand distinct postcodes and a few thousand
    distinct house-number spellings, so this is what makes normalisation fast at city size.
    """
    codes, uniques = pd.factorize(clean_text(values), sort=False)
    if len(uniques) == 0:
        return pd.Series("", index=values.index, dtype="string")
    return _spread(func(pd.Series(uniques, dtype="string")), codes, values.index)


def number_key(number: pd.Series, letter: pd.Series | None = None, addition: pd.Series | None = None
               ) -> tuple[pd.Series, pd.Series]:
    """`split_number` computed on the distinct (number, letter, addition) spellings: (number, suffix)."""
    sep = "\x1f"
    joined = clean_text(number)
    for extra in (letter, addition):
        joined = joined + sep + (clean_text(extra) if extra is not None else "")
    codes, uniques = pd.factorize(joined, sort=False)
    if len(uniques) == 0:
        empty = pd.Series("", index=number.index, dtype="string")
        return empty, empty
    parts = pd.Series(uniques, dtype="string").str.split(sep, expand=True, regex=False)
    num, suf = split_number(parts[0], parts[1], parts[2])
    return _spread(num, codes, number.index), _spread(suf, codes, number.index)
