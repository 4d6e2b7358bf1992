"""The contract's columns, in one table: the single source of truth for readers, validator and demo.

Every file of the dataset folder (CONTRACT.md section 1) is a `FileSpec` holding its `Column`s.
The validator parses each column by its `kind`; the demo writer and the docs can list the same
table (`describe_schema()`), so a column added here is added everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Bump when the validated tables change shape or meaning (part of the cache key).
SCHEMA_VERSION = "4"

#: Plausible date range (inclusive) for every date in the dataset.
DATE_MIN = "1900-01-01"
DATE_MAX = "2100-12-31"

#: The open-end value in an end-date column: read as empty ("still running"), no reject line.
OPEN_END = "9999-12-31"

#: RD New (EPSG:28992) plausible coordinate range (the Netherlands with margin).
RD_X_RANGE = (-7_000.0, 300_000.0)
RD_Y_RANGE = (289_000.0, 629_000.0)

NATIONALITY_GROUPS = ("NL", "EU-MOE", "EU-Zuid", "EU-overig", "non-EU", "unknown")
PERMIT_STATUSES = ("applied", "granted", "refused", "revoked", "exempt")
INSPECTION_OUTCOMES = ("violation", "no_violation", "no_access")
SELECTED_BY = ("model", "complaint", "random", "routine", "other")
VIOLATIONS = ("overbewoning", "illegale_kamerverhuur", "brp_onjuist", "brandgevaar", "uitbuiting_signaal")
LOCATION_LEVELS = ("address", "point", "pc4")
COMPLAINT_CATEGORIES = ("woonoverlast", "overbewoning", "afval", "geluid", "verkamering", "uitbuiting", "overig")

# Column kinds understood by validate.parse_column:
#   id        non-empty string, stripped (leading zeros kept)
#   bag_id    16 digits
#   text      any string
#   code      string, stripped
#   postcode  1234AB (spaces removed, upper-cased)
#   int, float, date, bool
#   enum      one of `values`, matched case-insensitively, stored in the canonical spelling
#   category  known values matched case-insensitively, others become `unknown_to` (a repaired line)
#   multi     ;-separated values of `values`, lower-cased and stripped, rejoined with ;
#             (unknown entries are removed: a blanked line)
#   coord     float coordinate (x, y, lon, lat)


@dataclass(frozen=True)
class Column:
    """One contract column: its name, how to parse it, and whether a row needs it."""

    name: str
    kind: str
    required: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pseudonymise: bool = False
    dtype: str = "string"
    #: an invalid value rejects the row instead of blanking it (end dates: blanking one would make
    #: a closed spell or permit look open-ended, which changes the meaning of the row)
    invalid_rejects: bool = False
    #: an end date: `OPEN_END` (the open-end value of many municipal systems) means "still running"
    open_end: bool = False
    #: an enumeration whose unknown values are kept as this value (a `repaired` line whose value is
    #: the keyed hash of the given text: free text typed into a category is never stored)
    unknown_to: str | None = None


@dataclass(frozen=True)
class FileSpec:
    """One file (or layer) of the dataset folder."""

    name: str
    table: str
    columns: tuple[Column, ...]
    required_file: bool
    unique: str | None = None
    location: str = "none"  # none | optional | required
    keep_extra_columns: bool = False
    date_order: tuple[tuple[str, str], ...] = ()
    references_address: str | None = None  # column that must name a known address
    notes: str = ""
    file_names: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


COORD_COLUMNS = (
    Column("x", "coord", dtype="float64"),
    Column("y", "coord", dtype="float64"),
    Column("lon", "coord", minimum=-180, maximum=180, dtype="float64"),
    Column("lat", "coord", minimum=-90, maximum=90, dtype="float64"),
)

GEBIEDEN = FileSpec(
    name="districts.gpkg:gebieden",
    table="gebieden",
    columns=(
        Column("code", "code", required=True),
        Column("name", "text", required=True),
        Column("residents", "int", minimum=0, dtype="Int64"),
    ),
    required_file=True,
    unique="code",
    keep_extra_columns=True,
)

WIJKEN = FileSpec(
    name="districts.gpkg:wijken",
    table="wijken",
    columns=(
        Column("code", "code", required=True),
        Column("name", "text", required=True),
        Column("gebied_code", "code"),
        Column("residents", "int", minimum=0, dtype="Int64"),
    ),
    required_file=True,
    unique="code",
    keep_extra_columns=True,
)

ADDRESSES = FileSpec(
    name="addresses",
    table="addresses",
    columns=(
        Column("address_id", "bag_id", required=True),
        Column("street", "text"),
        Column("house_number", "int", minimum=1, dtype="Int64"),
        Column("house_letter", "text"),
        Column("house_number_addition", "text"),
        Column("postcode", "postcode"),
        Column("wijk_code", "code"),
        Column("floor_area_m2", "float", minimum=0, maximum=100_000, dtype="float64"),
        Column("building_year", "int", minimum=1000, maximum=2100, dtype="Int64"),
        #: BAG pand id; when missing, addresses at one street number share a building
        Column("building_id", "bag_id"),
    ),
    required_file=True,
    unique="address_id",
    location="required",
    file_names=("addresses.gpkg", "addresses.csv", "addresses.geojson"),
)

BRP = FileSpec(
    name="brp_registrations.csv",
    table="brp",
    columns=(
        Column("person_id", "id", required=True, pseudonymise=True),
        Column("address_id", "id", required=True),
        Column("registered_from", "date", required=True, dtype="datetime64[ns]"),
        Column("registered_until", "date", dtype="datetime64[ns]", invalid_rejects=True, open_end=True),
        Column("nationality_group", "enum", values=NATIONALITY_GROUPS),
        Column("birth_year", "int", minimum=1880, maximum=2100, dtype="Int64"),
        Column("rni", "bool", dtype="boolean"),
    ),
    required_file=True,
    date_order=(("registered_from", "registered_until"),),
    references_address="address_id",
)

PERMITS = FileSpec(
    name="permits.csv",
    table="permits",
    columns=(
        Column("address_id", "id", required=True),
        Column("landlord_id", "id", pseudonymise=True),
        Column("status", "enum", required=True, values=PERMIT_STATUSES),
        Column("valid_from", "date", required=True, dtype="datetime64[ns]"),
        Column("valid_until", "date", dtype="datetime64[ns]", invalid_rejects=True, open_end=True),
    ),
    required_file=False,
    date_order=(("valid_from", "valid_until"),),
    references_address="address_id",
)

COMPLAINTS = FileSpec(
    name="complaints.csv",
    table="complaints",
    columns=(
        Column("complaint_id", "id", required=True),
        Column("received_on", "date", required=True, dtype="datetime64[ns]"),
        Column("category", "category", required=True, values=COMPLAINT_CATEGORIES, unknown_to="overig"),
        Column("address_id", "id"),
        #: how precise the location is: `address`/`point`, or `pc4` (a postcode-area point: counts in area
        #: layers, never shown or used as an address-level location)
        Column("location_level", "enum", values=LOCATION_LEVELS),
    ),
    required_file=False,
    unique="complaint_id",
    location="optional",
)

INSPECTIONS = FileSpec(
    name="inspections.csv",
    table="inspections",
    columns=(
        Column("inspection_id", "id", required=True),
        Column("address_id", "id", required=True),
        Column("visited_on", "date", required=True, dtype="datetime64[ns]"),
        Column("outcome", "enum", required=True, values=INSPECTION_OUTCOMES),
        Column("violations", "multi", values=VIOLATIONS),
        Column("selected_by", "enum", values=SELECTED_BY),
        Column("team", "text"),
    ),
    required_file=False,
    unique="inspection_id",
    references_address="address_id",
)

INTERVENTIONS = FileSpec(
    name="interventions.csv",
    table="interventions",
    columns=(
        Column("wijk_code", "code", required=True),
        Column("start", "date", required=True, dtype="datetime64[ns]"),
        Column("end", "date", dtype="datetime64[ns]", invalid_rejects=True, open_end=True),
        Column("kind", "text", required=True),
        Column("description", "text"),
    ),
    required_file=False,
    date_order=(("start", "end"),),
)

#: Every CSV-like file in reading order (districts and addresses first: the others refer to them).
CSV_FILES: tuple[FileSpec, ...] = (BRP, PERMITS, COMPLAINTS, INSPECTIONS, INTERVENTIONS)
ALL_SPECS: tuple[FileSpec, ...] = (GEBIEDEN, WIJKEN, ADDRESSES, *CSV_FILES)

#: Columns (and dtypes) of each stored table, including derived ones; empty tables use these.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "gebieden": {"code": "string", "name": "string", "residents": "Int64"},
    "wijken": {"code": "string", "name": "string", "gebied_code": "string", "residents": "Int64"},
    "addresses": {c.name: c.dtype for c in ADDRESSES.columns},
    "brp": {c.name: c.dtype for c in BRP.columns},
    "permits": {c.name: c.dtype for c in PERMITS.columns},
    "complaints": {**{c.name: c.dtype for c in COMPLAINTS.columns}, "wijk_code": "string"},
    "inspections": {c.name: c.dtype for c in INSPECTIONS.columns},
    "interventions": {c.name: c.dtype for c in INTERVENTIONS.columns},
}
GEO_TABLES = ("gebieden", "wijken", "addresses", "complaints")

REJECT_COLUMNS = ["file", "row", "column", "value", "reason", "action"]


def describe_schema() -> str:
    """A Markdown table of every file's columns (for docs and `--help` texts)."""
    lines = ["| file | column | kind | required | values |", "|---|---|---|---|---|"]
    for spec in ALL_SPECS:
        for c in spec.columns:
            lines.append(f"| {spec.name} | {c.name} | {c.kind} | {'yes' if c.required else ''} | {', '.join(c.values)} |")
    return "\n".join(lines)
