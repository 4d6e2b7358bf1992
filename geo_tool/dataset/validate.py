"""Validation: raw string cells -> typed columns, plus reject lines (`file,row,column,value,reason,action`).

Everything here works on whole columns (vectorised pandas); the only per-row work is done by
pandas/numpy. A `RejectLog` collects every problem before anything is reported, so the import
never stops at the first bad row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_tool.dataset.schema import DATE_MAX, DATE_MIN, OPEN_END, REJECT_COLUMNS, Column
from geo_tool.i18n import tr

_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_TZ_SUFFIX = r"[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$"
_TIME_SUFFIX = r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_TRUE = {"true", "1", "ja", "yes"}
_FALSE = {"false", "0", "nee", "no"}

#: whole numbers from here on are not held exactly (float64 parsing): invalid
INT_MAX = 2.0**53

# reject reasons: Dutch sources, translated where they are logged (`tr(REASON_MISSING)`)
REASON_MISSING = "verplichte waarde ontbreekt"
REASON_DUPLICATE = "dubbel id (het eerste voorkomen blijft staan)"
REASON_UNKNOWN_ADDRESS = "onbekend address_id (niet in het adressenbestand)"
REASON_OUTSIDE = "punt ligt buiten elke wijk"


@dataclass
class RejectLog:
    """Collects reject lines per file as small frames; `frame()` concatenates them once."""

    parts: list[pd.DataFrame] = field(default_factory=list)

    def add(self, file: str, rows, column: str, values, reason: str, action: str) -> None:
        """Add one line per row (rows and values are aligned arrays or scalars)."""
        rows = np.atleast_1d(np.asarray(rows, dtype="float64")) if rows is not None else np.array([np.nan])
        n = len(rows)
        if n == 0:
            return
        if isinstance(values, (pd.Series, pd.Index, np.ndarray, list, pd.api.extensions.ExtensionArray)):
            vals = pd.array(np.asarray(pd.Series(values).astype("string").fillna(""), dtype=object), dtype="string")
        else:
            vals = pd.array(["" if values is None else str(values)] * n, dtype="string")
        self.parts.append(
            pd.DataFrame(
                {
                    "file": pd.array([file] * n, dtype="string"),
                    "row": pd.array(rows, dtype="Float64").astype("Int64"),
                    "column": pd.array([column] * n, dtype="string"),
                    "value": vals,
                    "reason": pd.array([reason] * n, dtype="string"),
                    "action": pd.array([action] * n, dtype="string"),
                }
            )
        )

    def add_whole_file(self, file: str, column: str, reason: str) -> None:
        """A whole-file problem: empty row number."""
        self.add(file, None, column, "", reason, "rejected")

    def frame(self) -> pd.DataFrame:
        """All lines as one frame with the rejects.csv columns."""
        if not self.parts:
            return empty_rejects()
        return pd.concat(self.parts, ignore_index=True)[REJECT_COLUMNS]


def empty_rejects() -> pd.DataFrame:
    """A rejects frame with no lines but the right columns and dtypes."""
    return pd.DataFrame(
        {
            "file": pd.array([], dtype="string"),
            "row": pd.array([], dtype="Int64"),
            "column": pd.array([], dtype="string"),
            "value": pd.array([], dtype="string"),
            "reason": pd.array([], dtype="string"),
            "action": pd.array([], dtype="string"),
        }
    )


def parse_number(raw: pd.Series, decimal_comma: bool) -> tuple[pd.Series, pd.Series]:
    """Strings -> float64; returns (values, invalid mask). With `;` files `85,5` means 85.5."""
    s = raw
    if decimal_comma:
        s = s.str.replace(",", ".", regex=False)
    num = pd.to_numeric(s.where(s != "", None), errors="coerce").astype("float64")
    present = raw != ""
    invalid = present & ~np.isfinite(num.fillna(np.nan).to_numpy(dtype="float64", na_value=np.nan))
    return num.where(~invalid), pd.Series(np.asarray(invalid, dtype=bool), index=raw.index)


def parse_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO 8601 strings -> datetime64[ns] (never guessing another form); returns (values, invalid)."""
    present = raw != ""
    iso = raw.str.fullmatch(_ISO_DATE).fillna(False).astype(bool)
    # years far outside the plausible range (9999, 3021, 1082) cannot even be held by datetime64[ns]:
    # they are invalid before pandas sees them (one year of margin for a time-zone shift)
    year = pd.to_numeric(raw.str.slice(0, 4).where(iso), errors="coerce")
    iso &= year.between(int(DATE_MIN[:4]) - 1, int(DATE_MAX[:4]) + 1).fillna(False).astype(bool)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    has_tz = iso & raw.str.contains(_TZ_SUFFIX, regex=True).fillna(False).astype(bool)
    plain = iso & ~has_tz
    if plain.any():
        vals = raw[plain].str.replace(",", ".", regex=False)
        out.loc[plain] = pd.to_datetime(vals, format="ISO8601", errors="coerce").astype("datetime64[ns]")
    if has_tz.any():
        vals = raw[has_tz].str.replace(",", ".", regex=False)
        parsed = pd.to_datetime(vals, format="ISO8601", errors="coerce", utc=True)
        out.loc[has_tz] = parsed.dt.tz_convert("Europe/Amsterdam").dt.tz_localize(None).astype("datetime64[ns]")
    out = out.dt.floor("s")  # sub-second digits mean nothing here (and could carry a number of 9 digits)
    in_range = (out >= pd.Timestamp(DATE_MIN)) & (out < pd.Timestamp(DATE_MAX) + pd.Timedelta(days=1))
    invalid = present & ~(iso & in_range.fillna(False))
    return out.where(~invalid), invalid.astype(bool)


def fast_isin(series: pd.Series, values) -> np.ndarray:
    """Boolean numpy mask `series in values` for strings, via Arrow (pandas' isin on Arrow strings is slow)."""
    s = pd.Series(series).astype("string")
    try:
        arr = pa.array(s.array)
    except (TypeError, pa.ArrowException):
        arr = pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string())
    vals = pa.array(pd.Series(list(values) if not isinstance(values, (pd.Series, pd.Index)) else values)
                    .astype("string").to_numpy(dtype=object, na_value=None), type=pa.string())
    res = pc.is_in(arr, value_set=vals.cast(arr.type), skip_nulls=True).fill_null(False)
    return np.asarray(res.to_numpy(zero_copy_only=False) if isinstance(res, pa.Array) else res.to_numpy(), dtype=bool)


def _canon_key(s: pd.Series) -> pd.Series:
    return s.str.strip().str.casefold()


def parse_column(raw: pd.Series, col: Column, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series, str]:
    """Parse one column by its schema kind; returns (typed values, invalid mask, reason for invalid)."""
    present = raw != ""
    kind = col.kind
    if kind in ("id", "text"):
        return raw.where(present).astype("string"), pd.Series(False, index=raw.index), ""
    if kind == "code":
        return raw.str.upper().where(present).astype("string"), pd.Series(False, index=raw.index), ""
    if kind == "bag_id":
        ok = raw.str.fullmatch(r"\d{16}").fillna(False).astype(bool)
        return raw.where(ok).astype("string"), present & ~ok, tr("ongeldig address_id (16 cijfers verwacht)")
    if kind == "postcode":
        norm = raw.str.replace(r"\s+", "", regex=True).str.upper()
        ok = norm.str.fullmatch(r"[1-9]\d{3}[A-Z]{2}").fillna(False).astype(bool)
        return norm.where(ok).astype("string"), present & ~ok, tr("ongeldige postcode (1234AB verwacht)")
    if kind in ("int", "float", "coord"):
        num, invalid = parse_number(raw, decimal_comma)
        if kind == "int":
            frac = (num - np.round(num)).abs() > 1e-9
            huge = num.abs() >= INT_MAX  # at or beyond what a whole-number column can hold exactly
            invalid |= (frac | huge).fillna(False).astype(bool)
        bounds = ""
        if col.minimum is not None:
            invalid |= (num < col.minimum).fillna(False).astype(bool)
            bounds += f" >= {col.minimum:g}"
        if col.maximum is not None:
            invalid |= (num > col.maximum).fillna(False).astype(bool)
            bounds += f" <= {col.maximum:g}"
        what = tr("een geheel getal") if kind == "int" else tr("een getal")
        reason = tr("ongeldige {name} ({what}{bounds} verwacht)", name=col.name, what=what,
                    bounds=(bounds and ",") + bounds)
        num = num.where(~invalid)
        if kind == "int":
            return num.round().astype("Int64"), invalid, reason
        return num.astype("float64"), invalid, reason
    if kind == "date":
        if col.open_end:  # 9999-12-31, with or without a time of day = no end
            open_end = raw.str.fullmatch(OPEN_END + _TIME_SUFFIX).fillna(False).astype(bool)
            raw = raw.mask(open_end, "")
        vals, invalid = parse_dates(raw)
        return vals, invalid, tr("ongeldige datum (ISO 8601 JJJJ-MM-DD tussen {low} en {high} verwacht)", low=DATE_MIN,
                                   high=DATE_MAX)
    if kind == "bool":
        key = _canon_key(raw)
        t = fast_isin(key, _TRUE)
        f = fast_isin(key, _FALSE)
        out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
        out[t] = True
        out[f] = False
        return out, present & ~(t | f), tr("ongeldige ja/nee-waarde (toegestaan: true/false, 1/0, ja/nee, yes/no)")
    if kind in ("enum", "category"):
        mapping = {v.casefold(): v for v in col.values}
        key = _canon_key(raw)
        canon = key.map(mapping).astype("string")
        known = canon.notna() & present
        if kind == "category":
            return canon.where(known, col.unknown_to).where(present).astype("string"), present & ~known, (
                tr("onbekende {name} (toegestaan: {allowed}): bewaard als {kept}, de gegeven tekst wordt niet "
                   "opgeslagen (waarde: de sleutel-hash ervan)", name=col.name, allowed=", ".join(col.values),
                   kept=col.unknown_to)
            )
        return canon.where(known).astype("string"), present & ~known, (
            tr("ongeldige {name} (toegestaan: {allowed})", name=col.name, allowed=", ".join(col.values))
        )
    if kind == "multi":
        return _parse_multi(raw, col)
    raise ValueError(f"unknown column kind {kind!r} for {col.name}")


def _parse_multi(raw: pd.Series, col: Column) -> tuple[pd.Series, pd.Series, str]:
    """;-separated values: known entries kept (lower-cased, in order); unknown ones removed (invalid)."""
    parts = raw.str.replace(r"\s*[;|]\s*", ";", regex=True).str.strip(";").str.lower()
    present = parts.fillna("") != ""
    invalid = pd.Series(False, index=raw.index)
    if col.values and present.any():
        entries = parts[present].str.split(";").explode()
        ok = fast_isin(entries, col.values) | (entries == "").to_numpy(dtype=bool)
        if not ok.all():
            bad_rows = entries.index[~ok].unique()
            invalid.loc[bad_rows] = True
            kept = entries[ok].groupby(level=0).agg(";".join)
            parts.loc[bad_rows] = kept.reindex(bad_rows).fillna("").to_numpy()
    reason = tr("onbekende waarde van {name} (toegestaan: {allowed}): verwijderd, de bekende blijven staan",
                name=col.name, allowed=", ".join(col.values))
    return parts.where(parts.fillna("") != "").astype("string"), invalid, reason


def normalise_name(s: pd.Series) -> pd.Series:
    """Names match case- and dash-insensitively (`Oud-Charlois` = `oud charlois`)."""
    return (
        s.astype("string")
        .str.casefold()
        .str.replace(r"[-_\u2010-\u2015]", " ", regex=True)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
