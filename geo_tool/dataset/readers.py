"""Readers at the edge: bytes -> raw string tables, with encoding/delimiter detection and malformed lines.

A reader never judges values: it returns every cell as a stripped string ('' = missing) with the
1-based data row number of each record, plus reject lines for records that cannot be split into
the header's fields (too many/few fields, a NUL byte). Judging is validate.py's work.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo_tool.dataset.schema import RD_X_RANGE, RD_Y_RANGE
from geo_tool.i18n import tr

csv.field_size_limit(2**31 - 1)


class ReadError(Exception):
    """A whole file cannot be read (the caller decides: unusable when required, skipped when optional)."""


@dataclass
class RawTable:
    """A file's cells as stripped strings, keyed by lower-cased header name, with data row numbers."""

    frame: pd.DataFrame
    rows: np.ndarray
    rows_read: int
    malformed: pd.DataFrame  # row, reason (records that were not split into fields)
    unknown_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    decimal_comma: bool = False
    crs: str | None = None
    geometry: gpd.GeoSeries | None = None
    extra: pd.DataFrame | None = None  # typed extra columns (kept for districts layers)
    bsn_found: dict[str, int] = field(default_factory=dict)  # BSN-like tokens replaced, per column


def normalise_header(name: object) -> str:
    """Header names are matched case-insensitively with surrounding spaces stripped."""
    return str(name).strip().lower()


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode a CSV: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252 (noted)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", []
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise ReadError(tr("begint met een UTF-16-bytevolgordeteken maar is geen geldige UTF-16 ({cause})",
                               cause=exc.reason)) from exc
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        return (
            data.decode("cp1252", errors="replace"),
            "windows-1252",
            ["not UTF-8: read as Windows-1252 (what Dutch Excel writes); check accented names"],
        )


def detect_delimiter(header_line: str) -> str:
    """`,` or `;`, whichever occurs more in the header line (ties: `,`)."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_csv_raw(path: Path, label: str) -> RawTable:
    """Read a CSV into stripped strings; malformed records become reject rows, blank lines are skipped.

    Row numbers: the first line after the header is row 1 and blank lines count, so row N is
    line N+1 of the file when the header is on line 1.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(tr("kan niet worden gelezen ({cause})", cause=exc.strerror or exc)) from exc
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError(tr("is leeg (geen kopregel)"))
    text, encoding, notes = decode_bytes(data)
    # find the header: the first non-blank line
    lines_iter = io.StringIO(text, newline="")
    header_line = ""
    for header_line in lines_iter:
        if header_line.strip():
            break
    delimiter = detect_delimiter(header_line)
    if '"' not in text and "\r" not in text.replace("\r\n", "\n"):
        header, starts, records, bad_rows, bad_reasons, only_delims = _split_simple(text, delimiter)
    else:
        header, starts, records, bad_rows, bad_reasons, only_delims = _split_csv(text, delimiter)
    if header is None:
        raise ReadError("is empty (no header line)")

    names = [normalise_header(h) for h in header]
    columns: dict[str, pd.Series] = {}
    unknown_dupes: list[str] = []
    cols = list(zip(*records)) if records else [()] * len(names)
    for name, values in zip(names, cols):
        if name in columns:
            unknown_dupes.append(name)
            continue
        columns[name] = pd.Series(values, dtype="string").str.strip().fillna("")
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(records)))
    # rows that hold nothing but delimiters are blank lines too (Excel writes ';;;;' rows)
    blank = np.zeros(len(frame), dtype=bool)
    if len(frame.columns):
        blank = (frame == "").all(axis=1).to_numpy()
    if blank.any():
        only_delims += int(blank.sum())
        frame = frame.loc[~blank].reset_index(drop=True)
        starts = list(np.asarray(starts)[~blank])
    if only_delims:
        notes.append(tr("{n} regel(s) met alleen scheidingstekens of spaties overgeslagen als leeg", n=only_delims))
    if unknown_dupes:
        notes.append(tr("dubbele kolom(men) {columns}: de eerste wordt gebruikt", columns=", ".join(sorted(set(unknown_dupes)))))
    if delimiter == ";":
        notes.append(tr("scheidingsteken ';' (decimale komma geaccepteerd)"))
    malformed = pd.DataFrame({"row": pd.array(bad_rows, dtype="Int64"), "reason": pd.array(bad_reasons, dtype="string")})
    return RawTable(
        frame=frame,
        rows=np.asarray(starts, dtype=np.int64),
        rows_read=len(frame) + len(bad_rows),
        malformed=malformed,
        notes=notes,
        encoding=encoding,
        delimiter=delimiter,
        decimal_comma=delimiter == ";",
    )


def malformed_reason(n: int, ncols: int) -> str:
    """The reject reason of a line with `n` fields under a header of `ncols` (too many or too few)."""
    if n > ncols:
        return tr("onjuiste regel: {n} velden, de kopregel heeft er {ncols} (te veel)", n=n, ncols=ncols)
    return tr("onjuiste regel: {n} velden, de kopregel heeft er {ncols} (te weinig)", n=n, ncols=ncols)


def in_rd_range(bounds: np.ndarray) -> bool:
    """True when total bounds (minx, miny, maxx, maxy) lie inside the RD New range."""
    minx, miny, maxx, maxy = bounds
    return bool(
        RD_X_RANGE[0] <= minx and maxx <= RD_X_RANGE[1] and RD_Y_RANGE[0] <= miny and maxy <= RD_Y_RANGE[1]
    )


def list_layers(path: Path) -> list[str]:
    """Layer names of a GeoPackage/GeoJSON (ReadError when it cannot be opened)."""
    try:
        return [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise ReadError(tr("kan niet worden geopend als vectorbestand ({cause})", cause=exc)) from exc


def _to_rd(gdf: gpd.GeoDataFrame, notes: list[str]) -> tuple[gpd.GeoDataFrame, str]:
    """Bring a layer to EPSG:28992: reproject another CRS, accept a missing CRS only in the RD range."""
    if gdf.crs is None:
        geoms = gdf.geometry
        nonempty = geoms[~(geoms.isna() | geoms.is_empty)]
        if len(nonempty) and not in_rd_range(nonempty.total_bounds):
            raise ReadError(tr(
                "heeft geen CRS en de coördinaten liggen buiten het RD-New-bereik (x {x0}..{x1}, y {y0}..{y1}); "
                "stel het CRS in (EPSG:28992 verwacht)", x0=f"{RD_X_RANGE[0]:.0f}", x1=f"{RD_X_RANGE[1]:.0f}",
                y0=f"{RD_Y_RANGE[0]:.0f}", y1=f"{RD_Y_RANGE[1]:.0f}"))
        notes.append(tr("geen CRS: opgevat als EPSG:28992 (de coördinaten liggen in het RD-New-bereik)"))
        return gdf.set_crs(28992, allow_override=True), tr("EPSG:28992 (aangenomen)")
    epsg = gdf.crs.to_epsg()
    if epsg == 28992:
        return gdf, "EPSG:28992"
    src = f"EPSG:{epsg}" if epsg else gdf.crs.to_string()
    try:
        out = gdf.to_crs(28992)
    except Exception as exc:
        raise ReadError(tr("kan niet worden omgezet van {src} naar EPSG:28992 ({cause})", src=src, cause=exc)) from exc
    notes.append(tr("omgezet van {src} naar EPSG:28992", src=src))
    return out, tr("{src} (omgezet naar EPSG:28992)", src=src)


def read_vector_raw(path: Path, layer: str | None, label: str) -> RawTable:
    """Read one GeoPackage/GeoJSON layer: attribute cells as strings, geometry in EPSG:28992."""
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise ReadError(tr("laag {layer} kan niet worden gelezen ({cause})", layer=repr(layer), cause=exc)) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise ReadError(tr("laag {layer} heeft geen geometrie", layer=repr(layer)))
    notes: list[str] = []
    gdf, crs = _to_rd(gdf, notes)
    geom = gdf.geometry.reset_index(drop=True)
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    names = [normalise_header(c) for c in attrs.columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    attrs.columns = names
    if dupes:
        attrs = attrs.loc[:, ~attrs.columns.duplicated()]
        notes.append(tr("dubbele kolom(men) {columns}: de eerste wordt gebruikt", columns=", ".join(dupes)))
    frame = pd.DataFrame(
        {c: cells_as_strings(attrs[c]) for c in attrs.columns}, index=pd.RangeIndex(len(attrs))
    )
    return RawTable(
        frame=frame,
        rows=np.arange(1, len(frame) + 1, dtype=np.int64),
        rows_read=len(frame),
        malformed=pd.DataFrame({"row": pd.array([], dtype="Int64"), "reason": pd.array([], dtype="string")}),
        notes=notes,
        crs=crs,
        geometry=geom,
        extra=attrs,
    )


def cells_as_strings(s: pd.Series) -> pd.Series:
    """Typed layer cells as the strings a CSV would hold ('' for missing)."""
    if pd.api.types.is_float_dtype(s):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        out = pd.Series(vals).astype("string")
        integral = np.isfinite(vals) & (vals == np.round(vals)) & (np.abs(vals) < 1e15)
        if integral.any():
            out[integral] = pd.Series(vals[integral].astype(np.int64)).astype("string").to_numpy()
        return out.fillna("").str.strip()
    if pd.api.types.is_datetime64_any_dtype(s):
        return pd.Series(s.dt.strftime("%Y-%m-%dT%H:%M:%S"), dtype="string").fillna("")
    return s.astype("string").fillna("").str.strip()


def _split_csv(text: str, delimiter: str):
    """General path (quotes, multi-line fields): the csv module, one record at a time."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    header: list[str] | None = None
    header_lineno = 0
    prev = 0
    starts: list[int] = []
    records: list[list[str]] = []
    bad_rows: list[int] = []
    bad_reasons: list[str] = []
    has_nul = "\x00" in text
    only_delims = 0
    try:
        for rec in reader:
            start = prev + 1
            prev = reader.line_num
            if header is None:
                if not rec or not "".join(rec).strip():
                    continue
                header = rec
                header_lineno = prev
                ncols = len(header)
                continue
            if not rec:
                continue
            row = start - header_lineno
            if has_nul and any("\x00" in f for f in rec):
                bad_rows.append(row)
                bad_reasons.append(tr("onjuiste regel: bevat een NUL-byte"))
                continue
            if len(rec) != ncols:
                if not "".join(rec).strip():
                    only_delims += 1
                    continue
                bad_rows.append(row)
                bad_reasons.append(malformed_reason(len(rec), ncols))
                continue
            starts.append(row)
            records.append(rec)
    except csv.Error as exc:
        raise ReadError(f"cannot be parsed as CSV near line {prev + 1} ({exc})") from exc

    return header, starts, records, bad_rows, bad_reasons, only_delims


def _split_simple(text: str, delimiter: str):
    """Fast path for files without quotes: one line is one record, split in C by str.split."""
    lines = text.replace("\r\n", "\n").split("\n")
    h = next((i for i, line in enumerate(lines) if line.strip()), None)
    if h is None:
        return None, [], [], [], [], 0
    header = lines[h].split(delimiter)
    ncols = len(header)
    body = lines[h + 1:]
    rows = [line.split(delimiter) for line in body]
    lens = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    lengths = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    empty = lengths == 0
    ws = ~empty & (lengths < 64)
    if ws.any():  # whitespace-only lines are blank too
        idx = np.flatnonzero(ws)
        ws[idx] = [not body[i].strip() for i in idx]
    blank = empty | ws
    bad_rows: list[int] = []
    bad_reasons: list[str] = []
    nul = np.zeros(len(body), dtype=bool)
    if "\x00" in text:
        nul = np.fromiter(("\x00" in line for line in body), dtype=bool, count=len(body))
    rownum = np.arange(1, len(body) + 1)
    only_delims = 0
    wrong = ~blank & ~nul & (lens != ncols)
    if wrong.any():
        idx = np.flatnonzero(wrong)
        delim_only = np.array([not "".join(rows[i]).strip() for i in idx], dtype=bool)
        only_delims = int(delim_only.sum())
        blank[idx[delim_only]] = True
        wrong[idx[delim_only]] = False
    bad = (nul & ~blank) | wrong
    for i in np.flatnonzero(bad):
        bad_rows.append(int(rownum[i]))
        if nul[i]:
            bad_reasons.append(tr("onjuiste regel: bevat een NUL-byte"))
        else:
            n = int(lens[i])
            bad_reasons.append(malformed_reason(n, ncols))
    good = ~(blank | bad)
    if good.all():
        records = rows
    else:
        records = [rows[i] for i in np.flatnonzero(good)]
    return header, rownum[good].tolist(), records, bad_rows, bad_reasons, only_delims
