"""The one `Dataset` object that every capability uses.

Tables carry the contract's column names (CONTRACT.md section 1) with these dtypes:
- ids and codes: pandas ``string`` (leading zeros kept)
- dates: ``datetime64[ns]`` (NaT where empty; ``registered_until`` NaT = still registered)
- ints that may be missing: ``Int64``; floats: ``float64``; booleans that may be missing: ``boolean``
- geometry: EPSG:28992 (RD New), Points for addresses/complaints, (Multi)Polygons for districts

Optional files that are absent give empty tables with all contract columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd


@dataclass
class FileSummary:
    """What the import did with one file (the JSON summary of `geo-tool validate`)."""

    file: str
    present: bool = True
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    values_blanked: int = 0
    values_repaired: int = 0
    notes: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    crs: str | None = None
    date_range: tuple[str, str] | None = None
    #: BSN-like tokens found and replaced (hashed in ids, masked in text), per column; never which
    bsn_found: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-ready dict of this summary."""
        d = dict(self.__dict__)
        d["date_range"] = list(self.date_range) if self.date_range else None
        d["bsn_found"] = dict(self.bsn_found)
        return d


@dataclass
class ImportReport:
    """Per-file summaries plus every reject line (`file,row,column,value,reason,action`)."""

    files: dict[str, FileSummary] = field(default_factory=dict)
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file", "row", "column", "value", "reason", "action"])
    )
    notes: list[str] = field(default_factory=list)
    wijken_covered: int = 0
    from_cache: bool = False

    @property
    def exit_code(self) -> int:
        """0 when everything was imported as given, 1 when rejects.csv has any line."""
        return 1 if len(self.rejects) else 0


@dataclass
class Dataset:
    """A validated, pseudonymised dataset folder, loaded once.

    Attributes hold the contract tables; `report` says what the import did;
    `file_hashes` maps file name to SHA-256 of the input (used for the cache key
    and written into model cards).
    """

    root: Path
    gebieden: gpd.GeoDataFrame     # code, name, [residents, dwellings, ...], geometry
    wijken: gpd.GeoDataFrame       # code, name, gebied_code, residents (Int64), [dwellings, ...], geometry
    addresses: gpd.GeoDataFrame    # address_id, street, house_number (Int64), house_letter,
                                   # house_number_addition, postcode, wijk_code, floor_area_m2, building_year, geometry
    brp: pd.DataFrame              # person_id, address_id, registered_from, registered_until,
                                   # nationality_group, birth_year (Int64), rni (boolean)
    permits: pd.DataFrame          # address_id, landlord_id, status, valid_from, valid_until
    complaints: gpd.GeoDataFrame   # complaint_id, received_on, category, address_id, wijk_code, geometry
    inspections: pd.DataFrame      # inspection_id, address_id, visited_on, outcome, violations,
                                   # selected_by, team
    interventions: pd.DataFrame    # wijk_code, start, end, kind, description
    report: ImportReport = field(default_factory=ImportReport)
    file_hashes: dict[str, str] = field(default_factory=dict)

    @property
    def schematic(self) -> bool:
        """True when the boundaries are the project's schematic fallback city (maps must say so)."""
        return bool(self.wijken.attrs.get("schematic", False)) or "schematic" in self.wijken.columns and bool(
            self.wijken["schematic"].any()
        )
