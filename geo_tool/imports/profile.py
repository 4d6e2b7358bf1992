"""Import profiles: a small TOML file that maps an export's columns to one contract file.

A profile is user input. It is parsed strictly (an unknown key or a wrong type is a one-line error
naming the key), it holds only data (no expressions, no paths to write to: output file names follow
from `table`, a fixed list), so a profile can never run code or write outside `--into`.

Format (every key but `table` and `columns` optional; see `profiles/generic.toml` for a documented one):

    name = "brp-gba"
    description = "..."
    table = "brp_registrations"          # brp_registrations | permits | complaints | inspections
    delimiter = ";"                      # "," or ";" (checked against the file)
    decimal = ","                        # "." or "," (for coordinates)

    [columns]                            # contract column = source column (case-insensitive)
    person_id = "01.20 burgerservicenummer"

    [dates]
    format = "%Y%m%d"                    # strftime form, or "iso"
    columns = ["registered_from"]        # contract columns to parse as dates (birth_year: the year)
    partial = true                       # GBA dates with unknown parts (20230000): first day, `repaired`

    [values.nationality_group]           # value maps per contract column, case-insensitive; "*" = default
    "Nederlandse" = "NL"

    [address]                            # how to find the address (any of these)
    id = "11.90 identificatiecode nummeraanduiding"
    postcode = "..."; number = "..."; letter = "..."; addition = "..."
    street = "..."; woonplaats = "..."; text = "..."     # text: `Putselaan 12-B, 3074 HT`
    x = "..."; y = "..."  or  lon = "..."; lat = "..."
    max_distance_m = 25                  # for `nearest`
    area_fallback = "pc4"                # complaints only: place unmatched rows at their PC4 point
    pc4_points = "rotterdam_pc4_centroids_postcodetabel.gpkg"
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from geo_tool.errors import UnusableInputError, UsageError

TABLES: dict[str, tuple[str, ...]] = {
    "brp_registrations": ("person_id", "registered_from", "registered_until", "nationality_group", "birth_year", "rni"),
    "permits": ("landlord_id", "status", "valid_from", "valid_until"),
    "complaints": ("complaint_id", "received_on", "category"),
    "inspections": ("inspection_id", "visited_on", "outcome", "violations", "selected_by", "team"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "brp_registrations": ("person_id", "registered_from"),
    "permits": ("status", "valid_from"),
    "complaints": ("complaint_id", "received_on", "category"),
    "inspections": ("inspection_id", "visited_on", "outcome"),
}
START_DATES = {"registered_from", "valid_from", "received_on", "visited_on"}
END_DATES = {"registered_until", "valid_until"}
ADDRESS_KEYS = ("id", "postcode", "number", "letter", "addition", "street", "woonplaats", "text", "x", "y", "lon", "lat")
_TOP_KEYS = {"name", "description", "table", "delimiter", "decimal", "columns", "dates", "values", "address"}
_DATE_KEYS = {"format", "columns", "partial"}
_ADDRESS_EXTRA = {"max_distance_m", "area_fallback", "pc4_points"}
_ALLOWED_DIRECTIVES = set("YmdHMSyb")


@dataclass(frozen=True)
class Profile:
    """A parsed, checked import profile."""

    name: str
    table: str
    columns: dict[str, str]
    description: str = ""
    delimiter: str | None = None
    decimal: str = "."
    date_format: str = "iso"
    date_columns: tuple[str, ...] = ()
    partial_dates: bool = False
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    address: dict[str, str] = field(default_factory=dict)
    max_distance_m: float = 25.0
    area_fallback: str | None = None
    pc4_points: str | None = None
    source: Path | None = None

    def source_columns(self) -> list[str]:
        """Every source column the profile reads (contract columns and address fields)."""
        return list(self.columns.values()) + list(self.address.values())

    def to_toml(self) -> str:
        """The profile as TOML text (what `profile new` and the window's 'save' write)."""
        lines = [f"name = {_q(self.name)}"]
        if self.description:
            lines.append(f"description = {_q(self.description)}")
        lines.append(f"table = {_q(self.table)}")
        if self.delimiter:
            lines.append(f"delimiter = {_q(self.delimiter)}")
        if self.decimal != ".":
            lines.append(f"decimal = {_q(self.decimal)}")
        lines += ["", "[columns]"] + [f"{k} = {_q(v)}" for k, v in self.columns.items()]
        lines += ["", "[dates]", f"format = {_q(self.date_format)}",
                  "columns = [" + ", ".join(_q(c) for c in self.date_columns) + "]",
                  f"partial = {'true' if self.partial_dates else 'false'}"]
        for col, mapping in self.values.items():
            lines += ["", f"[values.{col}]"] + [f"{_q(k)} = {_q(v)}" for k, v in mapping.items()]
        lines += ["", "[address]"] + [f"{k} = {_q(v)}" for k, v in self.address.items()]
        lines.append(f"max_distance_m = {self.max_distance_m:g}")
        if self.area_fallback:
            lines.append(f"area_fallback = {_q(self.area_fallback)}")
        if self.pc4_points:
            lines.append(f"pc4_points = {_q(self.pc4_points)}")
        return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A TOML basic string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _bad(where: str, key: str, cause: str) -> UnusableInputError:
    return UnusableInputError(where, f"key '{key}': {cause}")


def _expect(where: str, key: str, value, kind, what: str):
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise _bad(where, key, f"must be {what}, not {type(value).__name__}")
    return value


def _str_table(where: str, key: str, value) -> dict[str, str]:
    _expect(where, key, value, dict, "a table")
    for k, v in value.items():
        _expect(where, f"{key}.{k}", v, str, "a string")
    return dict(value)


def parse_profile(data: dict, where: str = "profile") -> Profile:
    """Check a profile's TOML data and build a `Profile`; the error names the offending key."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _bad(where, unknown[0], f"unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})")
    table = _expect(where, "table", data.get("table"), str, "a string") if "table" in data else None
    if table not in TABLES:
        raise _bad(where, "table", f"must be one of {', '.join(TABLES)}, not {table!r}")
    name = _expect(where, "name", data.get("name", Path(where).stem), str, "a string")
    if "columns" not in data:
        raise _bad(where, "columns", "missing (the [columns] table maps contract columns to source columns)")
    columns = _str_table(where, "columns", data["columns"])
    for col in columns:
        if col not in TABLES[table]:
            hint = " (the address is given in [address])" if col == "address_id" else ""
            raise _bad(where, f"columns.{col}", f"not a column of {table}{hint}; allowed: {', '.join(TABLES[table])}")
    for col in REQUIRED[table]:
        if col not in columns and not (table == "permits" and col == "status" and "status" in data.get("values", {})):
            raise _bad(where, f"columns.{col}", f"missing: {table} needs {', '.join(REQUIRED[table])}")
    delimiter = data.get("delimiter")
    if delimiter is not None and _expect(where, "delimiter", delimiter, str, "a string") not in (",", ";"):
        raise _bad(where, "delimiter", f"must be ',' or ';', not {delimiter!r}")
    decimal = _expect(where, "decimal", data.get("decimal", "."), str, "a string")
    if decimal not in (".", ","):
        raise _bad(where, "decimal", f"must be '.' or ',', not {decimal!r}")
    dates = _expect(where, "dates", data.get("dates", {}), dict, "a table")
    bad_dates = sorted(set(dates) - _DATE_KEYS)
    if bad_dates:
        raise _bad(where, f"dates.{bad_dates[0]}", f"unknown key (allowed: {', '.join(sorted(_DATE_KEYS))})")
    fmt = _expect(where, "dates.format", dates.get("format", "iso"), str, "a string")
    if fmt != "iso":
        directives = set(re.findall(r"%(.)", fmt))
        if not directives or directives - _ALLOWED_DIRECTIVES or not {"Y", "y"} & directives:
            raise _bad(where, "dates.format", f"{fmt!r} is not 'iso' or a date form such as '%Y%m%d' or '%d-%m-%Y'")
    date_cols = _expect(where, "dates.columns", dates.get("columns", []), list, "a list of column names")
    for c in date_cols:
        if not isinstance(c, str) or c not in columns:
            raise _bad(where, "dates.columns", f"{c!r} is not a column mapped in [columns]")
    partial = _expect(where, "dates.partial", dates.get("partial", False), bool, "true or false")
    values_raw = _expect(where, "values", data.get("values", {}), dict, "a table of tables")
    values = {}
    for col, mapping in values_raw.items():
        if col not in TABLES[table]:
            raise _bad(where, f"values.{col}", f"not a column of {table}")
        values[col] = _str_table(where, f"values.{col}", mapping)
    address_raw = _expect(where, "address", data.get("address", {}), dict, "a table")
    address = {}
    for k, v in address_raw.items():
        if k in _ADDRESS_EXTRA:
            continue
        if k not in ADDRESS_KEYS:
            raise _bad(where, f"address.{k}", f"unknown key (allowed: {', '.join(ADDRESS_KEYS + tuple(sorted(_ADDRESS_EXTRA)))})")
        address[k] = _expect(where, f"address.{k}", v, str, "a string (a source column name)")
    if not address:
        raise _bad(where, "address", "missing: say how to find the address (id, postcode + number, street + number, text, or x/y)")
    dist = address_raw.get("max_distance_m", 25)
    if not isinstance(dist, (int, float)) or isinstance(dist, bool) or not 0 <= dist <= 1000:
        raise _bad(where, "address.max_distance_m", f"must be a number of metres 0..1000, not {dist!r}")
    fallback = address_raw.get("area_fallback")
    if fallback is not None and fallback != "pc4":
        raise _bad(where, "address.area_fallback", f"must be 'pc4', not {fallback!r}")
    if fallback and table != "complaints":
        raise _bad(where, "address.area_fallback", "only complaints may be placed at postcode level")
    pc4_points = address_raw.get("pc4_points")
    if pc4_points is not None:
        _expect(where, "address.pc4_points", pc4_points, str, "a file name")
    return Profile(
        name=name, table=table, columns=columns,
        description=_expect(where, "description", data.get("description", ""), str, "a string"),
        delimiter=delimiter, decimal=decimal, date_format=fmt, date_columns=tuple(date_cols), partial_dates=partial,
        values=values, address=address, max_distance_m=float(dist), area_fallback=fallback, pc4_points=pc4_points,
    )


def shipped_profiles() -> dict[str, Path]:
    """Name -> path of every profile shipped with geo_tool (package data)."""
    folder = resources.files("geo_tool.imports") / "profiles"
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}


def load_profile(name_or_file: str | os.PathLike) -> Profile:
    """A shipped profile by name, or a profile file; `UsageError` / `UnusableInputError` when it cannot be used."""
    text_name = str(name_or_file)
    shipped = shipped_profiles()
    path = shipped.get(text_name) if text_name in shipped else Path(text_name)
    if not path.is_file():
        raise UsageError(f"--profile: '{text_name}' is neither a shipped profile ({', '.join(sorted(shipped))}) "
                         "nor a profile file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UnusableInputError(str(path), "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UnusableInputError(str(path), f"is not valid TOML ({exc})") from None
    profile = parse_profile(data, str(path))
    return Profile(**{**profile.__dict__, "source": path})
