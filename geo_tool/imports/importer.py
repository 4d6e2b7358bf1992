"""Apply a profile to an export: read, map columns, parse dates and values, match addresses, write.

`import_export` writes the contract file (`DIR/<table>.csv`), copies or converts the address source
into DIR when DIR has none, writes the match report and `DIR/rejects.csv` (rows it could not place,
with the reason: never silently away), then hands the folder to `load_dataset` when it is complete.
Every step is a whole-column operation.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo_tool.errors import UnusableInputError, UsageError
from geo_tool.fileio import atomic_path, write_csv_atomic, write_text_atomic
from geo_tool.imports import normalise as nz
from geo_tool.imports.addresses import AddressSource, read_address_source
from geo_tool.imports.match import match_addresses, method_family, prepare_addresses
from geo_tool.imports.profile import END_DATES, START_DATES, Profile, load_profile
from geo_tool.progress import NullProgress, Progress

REJECT_COLUMNS = ["file", "row", "column", "value", "reason", "action"]
OUTPUT_COLUMNS = {
    "brp_registrations": ["person_id", "address_id", "registered_from", "registered_until", "nationality_group",
                          "birth_year", "rni"],
    "permits": ["address_id", "landlord_id", "status", "valid_from", "valid_until"],
    "complaints": ["complaint_id", "received_on", "category", "address_id", "x", "y", "location_level"],
    "inspections": ["inspection_id", "address_id", "visited_on", "outcome", "violations", "selected_by", "team"],
}
IDENTITY_COLUMNS = {"person_id", "landlord_id"}  # never written to rejects.csv or a report


@dataclass
class ImportOutcome:
    """What one import did: rows, matches per method, rejects, the files written and the exit code."""

    source: Path
    profile: str
    table: str
    rows_read: int = 0
    rows_written: int = 0
    methods: dict[str, int] = field(default_factory=dict)
    area_level: int = 0
    repaired_dates: int = 0
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    validation: object = None
    notes: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    matches: pd.DataFrame | None = None

    @property
    def exit_code(self) -> int:
        """0 everything placed and valid, 1 with reject lines (ours or the validation's)."""
        val_code = getattr(getattr(self.validation, "report", None), "exit_code", 0)
        return 1 if len(self.rejects) or val_code else 0

    def match_rates(self) -> dict[str, float]:
        """Share of the rows read per method (exact, normalised, street, nearest, pc4, point, unmatched)."""
        n = max(self.rows_read, 1)
        return {k: v / n for k, v in self.methods.items()}

    def to_dict(self) -> dict:
        """A JSON-ready summary (the `import_report_<table>.json`)."""
        return {"source": self.source.name, "profile": self.profile, "table": self.table,
                "rows_read": self.rows_read, "rows_written": self.rows_written, "methods": self.methods,
                "match_rates": {k: round(v, 4) for k, v in self.match_rates().items()},
                "area_level_only": self.area_level, "dates_repaired": self.repaired_dates,
                "reject_lines": int(len(self.rejects)), "notes": self.notes, "exit_code": self.exit_code}

    def summary(self) -> str:
        """The Dutch report for the terminal and the window."""
        from geo_tool.imports.report import summary_text

        return summary_text(self)


class _Rejects:
    """Collects reject lines column-wise (`file,row,column,value,reason,action`)."""

    def __init__(self, file: str):
        self.file = file
        self.parts: list[pd.DataFrame] = []

    def add(self, rows, column: str, values, reason: str, action: str) -> None:
        rows = np.asarray(rows)
        if not len(rows):
            return
        vals = pd.Series(values, dtype="string").fillna("").to_numpy() if not isinstance(values, str) else values
        self.parts.append(pd.DataFrame({"file": self.file, "row": rows, "column": column, "value": vals,
                                        "reason": reason, "action": action}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        return pd.concat(self.parts, ignore_index=True).sort_values(["row", "column"], kind="stable").reset_index(drop=True)


def read_source(path: Path, profile: Profile):
    """The export's cells as stripped strings (headers lower-cased), via the dataset package's CSV reader."""
    from geo_tool.dataset.readers import ReadError, normalise_header, read_csv_raw

    if not path.is_file():
        raise UsageError(f"SOURCE: file '{path}' does not exist")
    try:
        raw = read_csv_raw(path, path.name)
    except ReadError as exc:
        raise UnusableInputError(path.name, str(exc)) from None
    if profile.delimiter and raw.delimiter != profile.delimiter:
        raise UnusableInputError(path.name, f"uses delimiter {raw.delimiter!r}, profile '{profile.name}' expects "
                                            f"{profile.delimiter!r}")
    missing = [(key, col) for key, col in [*profile.columns.items(), *(("address." + k, v) for k, v in profile.address.items())]
               if normalise_header(col) not in raw.frame.columns]
    if missing:
        key, col = missing[0]
        raise UnusableInputError(path.name, f"column '{col}' (profile key '{key}') is not in the file; "
                                            f"{len(missing)} mapped column(s) missing")
    return raw


def parse_dates(values: pd.Series, fmt: str, partial: bool) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(ISO date strings or '', repaired mask, open-end mask) from source strings in `fmt`.

    With `partial`, a GBA date with unknown parts (`20230000`, `20230500`) becomes the first day of
    the known period. `99991231`/`9999-12-31` (open end) gives '' with the open-end mask set.
    """
    s = nz.clean_text(values)
    digits = s.str.replace(r"\D", "", regex=True)
    open_end = digits.isin(["99991231", "99999999"])
    repaired = pd.Series(False, index=s.index)
    if partial:
        year, mm, dd = s.str.slice(0, 4), s.str.slice(4, 6), s.str.slice(6, 8)
        eight = (s.str.len() == 8) & s.str.isdigit()
        unknown = eight & (year != "0000") & ((mm == "00") | (dd == "00"))
        fixed = year + mm.where(mm != "00", "01") + dd.where((dd != "00") & (mm != "00"), "01")
        s = s.where(~unknown, fixed)
        repaired = unknown.fillna(False).astype(bool)
    if fmt == "iso":
        parsed = pd.to_datetime(s.where(s.str.match(r"^\d{4}-\d{2}-\d{2}"), ""), errors="coerce", format="ISO8601")
    else:
        parsed = pd.to_datetime(s, format=fmt, errors="coerce")
    ok = parsed.notna() & (parsed >= "1900-01-01") & (parsed <= "2100-12-31")
    iso = parsed.dt.strftime("%Y-%m-%d").where(ok, "").fillna("").astype("string")
    return iso, repaired & ok, open_end


def _apply_values(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Map values case-insensitively; `*` is the default for unmapped non-empty values, else kept as given."""
    s = nz.clean_text(values)
    lower = {k.strip().lower(): v for k, v in mapping.items() if k != "*"}
    mapped = s.str.lower().map(lower)
    out = s.where(mapped.isna(), mapped)
    if "*" in mapping:
        out = out.where(mapped.notna() | (s == ""), mapping["*"])
    return out.astype("string")


def _to_rd(lon: pd.Series, lat: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    x, y = t.transform(lon.to_numpy(dtype=float), lat.to_numpy(dtype=float))
    return np.asarray(x), np.asarray(y)


def _numbers(values: pd.Series, decimal: str) -> pd.Series:
    s = nz.clean_text(values)
    if decimal == ",":
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(s, errors="coerce")


def _pc4_points(profile: Profile, addresses_hint: Path | None) -> pd.DataFrame | None:
    """PC4 -> x, y (RD) from the profile's `pc4_points` file (found beside the profile, in the
    address source's folder or in $GEO_TOOL_SHARED_DATA)."""
    import geopandas as gpd

    if not profile.pc4_points:
        return None
    name = Path(profile.pc4_points).name
    folders = [p for p in (profile.source.parent if profile.source else None, addresses_hint,
                           Path(os.environ["GEO_TOOL_SHARED_DATA"]) if os.environ.get("GEO_TOOL_SHARED_DATA") else None)
               if p is not None]
    for folder in folders:
        path = Path(folder) / name
        if path.is_file():
            g = gpd.read_file(path)
            if g.crs is not None and g.crs.to_epsg() != 28992:
                g = g.to_crs(28992)
            return pd.DataFrame({"pc4": g["pc4"].astype(str).str.zfill(4).to_numpy(), "x": g.geometry.x.to_numpy(),
                                 "y": g.geometry.y.to_numpy()}).drop_duplicates("pc4")
    raise UsageError(f"profile '{profile.name}': PC4 points file '{name}' not found beside the profile, the "
                     "addresses or in $GEO_TOOL_SHARED_DATA")


def import_export(source: str | os.PathLike, profile: str | os.PathLike | Profile, into: str | os.PathLike,
                  addresses: str | os.PathLike | None = None, *, validate: bool = True,
                  write: bool = True, progress: Progress | None = None) -> ImportOutcome:
    """Turn one export into a contract file in `into` through `profile`, matching addresses.

    `addresses`: a dataset folder, a contract addresses file or a BAG GeoPackage of verblijfsobjecten
    (default: `into` itself). With `write=False` nothing is written (the window's preview).
    """
    progress = progress or NullProgress()
    source, into = Path(source), Path(into)
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    if write and (into / f"{prof.table}.csv").resolve() == source.resolve():
        raise UsageError(f"--into: writing {prof.table}.csv there would overwrite the export itself ({source}); "
                         "import into another folder")
    progress.start(5, f"Importeren via profiel {prof.name}")
    progress.step("bron lezen")
    raw = read_source(source, prof)
    frame = raw.frame
    rows = raw.rows
    out = ImportOutcome(source=source, profile=prof.name, table=prof.table, rows_read=int(raw.rows_read))
    rej = _Rejects(source.name)
    if len(raw.malformed):
        rej.add(raw.malformed["row"].to_numpy(), "", "", "malformed line", "rejected")
        rej.parts[-1]["reason"] = raw.malformed["reason"].to_numpy()
    out.notes += raw.notes
    progress.advance()

    progress.step("adressen laden")
    addr_source = read_address_source(Path(addresses) if addresses else into)
    table = prepare_addresses(addr_source.addresses)
    out.notes += addr_source.notes
    progress.advance()

    progress.step("kolommen en datums")
    n = len(frame)
    col = {k: frame[v.strip().lower()] for k, v in prof.columns.items()}
    result = pd.DataFrame(index=frame.index)
    alive = np.ones(n, dtype=bool)
    for key, values in col.items():
        result[key] = nz.clean_text(values)
    for key, mapping in prof.values.items():
        base = result[key] if key in result else pd.Series("", index=frame.index, dtype="string")
        result[key] = _apply_values(base, mapping)
    for key in prof.date_columns:
        iso, repaired, open_end = parse_dates(result[key], prof.date_format, prof.partial_dates)
        given = result[key] != ""
        bad = (given & (iso == "") & ~open_end).to_numpy()
        src_col = prof.columns[key]
        if repaired.any():
            rej.add(rows[repaired.to_numpy()], src_col, result[key][repaired], "date with unknown day or month: "
                    "first day of the known period", "repaired")
            out.repaired_dates += int(repaired.sum())
        if key == "birth_year":
            rej.add(rows[bad], src_col, result[key][bad], "not a date in the profile's format", "blanked")
            result[key] = iso.str.slice(0, 4)
            continue
        if key in START_DATES or key in END_DATES:
            what = "required date" if key in START_DATES else "end date (blanking would make it still running)"
            rej.add(rows[bad & alive], src_col, result[key][bad], f"{what} is not a date in the profile's format "
                    f"({prof.date_format}) or outside 1900..2100", "rejected")
            alive &= ~bad
        result[key] = iso
    for key in (k for k in prof.columns if k in ("person_id", "complaint_id", "inspection_id", "received_on",
                                                   "visited_on", "registered_from", "valid_from")):
        empty = (result[key] == "").to_numpy() & alive
        rej.add(rows[empty], prof.columns[key], "", f"required value {key} is empty", "rejected")
        alive &= ~empty
    progress.advance()

    progress.step("adressen koppelen")
    addr_rows = pd.DataFrame({k: frame[v.strip().lower()] for k, v in prof.address.items() if k not in ("lon", "lat", "x", "y")},
                             index=frame.index)
    x = y = None
    if "x" in prof.address and "y" in prof.address:
        x = _numbers(frame[prof.address["x"].lower()], prof.decimal)
        y = _numbers(frame[prof.address["y"].lower()], prof.decimal)
    elif "lon" in prof.address and "lat" in prof.address:
        lon = _numbers(frame[prof.address["lon"].lower()], prof.decimal)
        lat = _numbers(frame[prof.address["lat"].lower()], prof.decimal)
        xa, ya = _to_rd(lon, lat)
        x, y = pd.Series(xa, index=frame.index), pd.Series(ya, index=frame.index)
    if x is not None:
        plausible = x.between(0, 300_000) & y.between(289_000, 629_000)
        addr_rows["x"], addr_rows["y"] = x.where(plausible), y.where(plausible)
    matched = match_addresses(addr_rows, table, prof.max_distance_m)
    method = matched["method"].astype("object")
    result["address_id"] = matched["address_id"].fillna("")
    level = pd.Series("address", index=frame.index, dtype="object")
    if prof.table == "complaints":
        result["x"] = pd.Series(np.nan, index=frame.index)
        result["y"] = pd.Series(np.nan, index=frame.index)
        if x is not None:
            has_point = (result["address_id"] == "") & addr_rows["x"].notna()
            result.loc[has_point, "x"] = addr_rows.loc[has_point, "x"].round(1)
            result.loc[has_point, "y"] = addr_rows.loc[has_point, "y"].round(1)
            method[has_point] = "point"
            level[has_point] = "point"
        if prof.area_fallback == "pc4" and "postcode" in prof.address:
            pts = _pc4_points(prof, addr_source.folder)
            code = nz.pc4(frame[prof.address["postcode"].lower()])
            todo = (result["address_id"] == "") & result["x"].isna() & (code != "")
            lut = pts.set_index("pc4")
            px, py = code[todo].map(lut["x"]), code[todo].map(lut["y"])
            ok = px.notna()
            idx = px.index[ok]
            result.loc[idx, "x"], result.loc[idx, "y"] = px[ok].round(1), py[ok].round(1)
            method[idx] = "pc4"
            level[idx] = "pc4"
    unplaced = (method == "unmatched").to_numpy() & alive
    if unplaced.any():
        shown = _address_text(frame, prof)
        fields = "+".join(prof.address[k] for k in prof.address if k in ("id", "postcode", "number", "street", "text", "x", "lon"))
        rej.add(rows[unplaced], fields, shown[unplaced], "address not found (id, postcode + number, street + number"
                + (", nearest point" if x is not None else "") + ")", "rejected")
        alive &= ~unplaced
    out.matches = pd.DataFrame({"row": rows, "method": method.to_numpy(), "address_id": result["address_id"].to_numpy()})
    fam = method_family(pd.Series(method.to_numpy()))
    fam = fam.where(alive | (fam == "unmatched"), "rejected (other reason)")
    out.methods = {k: int(v) for k, v in fam.value_counts().items()}
    out.methods.setdefault("unmatched", 0)
    if len(raw.malformed):
        out.methods["malformed"] = int(len(raw.malformed))
    out.area_level = int(((level != "address") & alive).sum())
    progress.advance()

    progress.step("schrijven")
    result["location_level"] = level
    final = result.loc[alive].reindex(columns=OUTPUT_COLUMNS[prof.table])
    for c in final.columns:
        if final[c].dtype == object or str(final[c].dtype) == "string":
            final[c] = final[c].fillna("")
    out.rows_written = int(alive.sum())
    out.rejects = rej.frame()
    if write:
        _write_outputs(out, final, into, addr_source, validate)
    progress.advance()
    progress.finish()
    return out


def _address_text(frame: pd.DataFrame, prof: Profile) -> pd.Series:
    """The typed address of each row as one string, for rejects.csv (no identity columns)."""
    parts = [nz.clean_text(frame[prof.address[k].lower()]) for k in ("text", "street", "number", "letter", "addition",
                                                                      "postcode", "woonplaats", "id")
             if k in prof.address]
    if not parts:
        return pd.Series("", index=frame.index, dtype="string")
    text = parts[0]
    for p in parts[1:]:
        text = text + " " + p
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def _earlier_import_rejects(path: Path, source_name: str) -> pd.DataFrame:
    """Lines of earlier imports into the same folder (other sources), kept when this import rewrites rejects.csv.

    Lines of this source (replaced now) and of the contract files (the validation runs again) are dropped.
    """
    if not path.is_file():
        return pd.DataFrame(columns=REJECT_COLUMNS)
    try:
        old = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return pd.DataFrame(columns=REJECT_COLUMNS)
    if list(old.columns) != REJECT_COLUMNS:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    contract = {"districts.gpkg", "addresses.gpkg", "addresses.csv", "brp_registrations.csv", "permits.csv",
                "complaints.csv", "inspections.csv", "interventions.csv"}
    base = old["file"].str.split(":").str[0]
    return old[~base.isin(contract) & (old["file"] != source_name)]


def _write_outputs(out: ImportOutcome, final: pd.DataFrame, into: Path, addr_source: AddressSource,
                   validate: bool) -> None:
    """Write the contract file, the address files DIR lacks, then validate and write rejects + report."""
    from geo_tool.dataset import load_dataset
    from geo_tool.dataset.load import locate_files

    into.mkdir(parents=True, exist_ok=True)
    target = into / f"{out.table}.csv"
    write_csv_atomic(final, target, lineterminator="\n")
    out.outputs.append(target)
    out.outputs += addr_source.provide(into)
    files = {p.name for p in into.iterdir()}
    complete = "districts.gpkg" in files and bool({"addresses.gpkg", "addresses.csv"} & files) \
        and "brp_registrations.csv" in files
    rejects = out.rejects
    rej_path = into / "rejects.csv"
    previous = _earlier_import_rejects(rej_path, out.source.name)
    if len(previous):
        rejects = pd.concat([previous, rejects], ignore_index=True)
    if validate and complete:
        try:
            locate_files(into)
            ds = load_dataset(into)
        except UnusableInputError as exc:
            out.notes.append(f"validatie: map onbruikbaar ({exc})")
            ds = None
        if ds is not None:
            out.validation = ds
            rejects = pd.concat([rejects, ds.report.rejects.reindex(columns=REJECT_COLUMNS)], ignore_index=True)
    elif validate:
        out.notes.append("map nog niet compleet (districts.gpkg, addresses en brp_registrations.csv nodig): "
                         "controleer later met geo-tool validate")
    write_csv_atomic(rejects.reindex(columns=REJECT_COLUMNS), rej_path, lineterminator="\n")
    out.outputs.append(rej_path)
    if out.matches is not None:  # how every row matched (row = data row of the source, 1-based)
        matches = into / f"import_matches_{out.table}.csv"
        write_csv_atomic(out.matches, matches, lineterminator="\n")
        out.outputs.append(matches)
    report = into / f"import_report_{out.table}.json"
    write_text_atomic(report, json.dumps(out.to_dict(), indent=2, ensure_ascii=False))
    write_text_atomic(into / f"import_report_{out.table}.txt", out.summary() + "\n")
    out.outputs += [report, into / f"import_report_{out.table}.txt"]
