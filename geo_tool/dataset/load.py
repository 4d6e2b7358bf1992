"""`load_dataset`: read, validate, pseudonymise and cache a dataset folder (CONTRACT.md section 1).

The flow per file is a short chain: read raw strings (readers.py) -> check required columns ->
parse every column (validate.py) -> file-specific checks (locations, wijk, references, date
order, duplicates) -> typed table. Every row that is not imported gets a reject line; required
problems raise `UnusableInputError`, optional files with a whole-file problem are skipped with one
whole-file reject line.
"""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo_tool.dataset import cache as cache_mod
from geo_tool.dataset.dataset import Dataset, FileSummary, ImportReport
from geo_tool.dataset.pseudonym import hash_values, mask_bsn_text, scrub_bsn_tokens
from geo_tool.dataset.readers import (
    RawTable,
    ReadError,
    cells_as_strings,
    list_layers,
    read_csv_raw,
    read_vector_raw,
)
from geo_tool.dataset.schema import (
    ADDRESSES,
    BRP,
    COMPLAINTS,
    GEBIEDEN,
    INSPECTIONS,
    INTERVENTIONS,
    PERMITS,
    RD_X_RANGE,
    RD_Y_RANGE,
    TABLE_COLUMNS,
    WIJKEN,
    FileSpec,
)
from geo_tool.dataset.validate import (
    REASON_DUPLICATE,
    REASON_MISSING,
    REASON_OUTSIDE,
    REASON_UNKNOWN_ADDRESS,
    RejectLog,
    fast_isin,
    normalise_name,
    parse_column,
    parse_number,
)
from geo_tool.errors import UnusableInputError
from geo_tool.i18n import format_number, tr
from geo_tool.progress import NullProgress, Progress

DISTRICTS = "districts.gpkg"
OPTIONAL_CSV = (PERMITS, COMPLAINTS, INSPECTIONS, INTERVENTIONS)
MAIN_DATE = {"brp": "registered_from", "permits": "valid_from", "complaints": "received_on",
             "inspections": "visited_on", "interventions": "start"}
KNOWN_FILES = (DISTRICTS, *ADDRESSES.file_names, BRP.name, *(s.name for s in OPTIONAL_CSV))


# ----------------------------------------------------------------------------------------- files
def locate_files(root: Path) -> dict[str, Path]:
    """Map each contract file name to its path (names matched case-insensitively).

    Raises `UnusableInputError` for a missing required file or an ambiguous dataset.
    """
    if not root.is_dir():
        raise UnusableInputError(str(root), tr("is geen map (een datasetmap werd verwacht)"))
    found: dict[str, list[Path]] = {}
    for p in root.iterdir():
        if p.is_file() and p.name.lower() in KNOWN_FILES:
            found.setdefault(p.name.lower(), []).append(p)
    for name, paths in found.items():
        if len(paths) > 1:
            raise UnusableInputError(name, tr("dubbelzinnige dataset: {names} verschillen alleen in hoofdletters",
                                              names=", ".join(sorted(p.name for p in paths))))
    files = {name: paths[0] for name, paths in found.items()}
    addr = [n for n in ADDRESSES.file_names if n in files]
    if len(addr) > 1:
        raise UnusableInputError(tr(" en ").join(addr), tr("dubbelzinnige dataset: houd precies één adressenbestand"))
    if DISTRICTS not in files:
        raise UnusableInputError(DISTRICTS, tr("verplicht bestand ontbreekt in {folder}", folder=root))
    if not addr:
        raise UnusableInputError("addresses.gpkg|.csv", tr("verplicht bestand ontbreekt in {folder}", folder=root))
    if BRP.name not in files:
        raise UnusableInputError(BRP.name, tr("verplicht bestand ontbreekt in {folder}", folder=root))
    return files


# ----------------------------------------------------------------------------------------- helpers
def _empty_table(table: str) -> pd.DataFrame:
    cols = {name: pd.Series(dtype=dtype) for name, dtype in TABLE_COLUMNS[table].items()}
    frame = pd.DataFrame(cols)
    if table in ("gebieden", "wijken", "addresses", "complaints"):
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=28992), crs=28992)
    return frame


def _missing_required(raw: RawTable, spec: FileSpec) -> list[str]:
    cols = set(raw.frame.columns)
    missing = [c.name for c in spec.columns if c.required and c.name not in cols]
    has_xy = {"x", "y"} <= cols
    has_ll = {"lon", "lat"} <= cols
    if spec.location == "required" and raw.geometry is None and not (has_xy or has_ll):
        missing.append("x,y or lon,lat")
    if spec.location == "optional" and "address_id" not in cols and not (has_xy or has_ll):
        missing.append("address_id or x,y or lon,lat")
    return missing


#: column kinds whose BSN-like tokens become the keyed hash (ids stay joinable); others are masked
HASH_KINDS = ("id", "code")
#: kinds whose valid values cannot hold a BSN (dates, enumerations, booleans, postcodes, BAG ids,
#: violations, coordinates): not scanned on import, since an invalid value only reaches the disk as a
#: rejects.csv `value`, and those are scrubbed (and counted) once in `_finalise`
CONSTRAINED_KINDS = ("date", "bool", "enum", "postcode", "bag_id", "multi", "coord")
NUMBER_KINDS = ("int", "float", "coord")
COORD_NAMES = ("x", "y", "lon", "lat")


def _known_columns(spec: FileSpec) -> dict[str, str]:
    """Column name -> kind of every column the file may carry (contract columns, plus a location)."""
    known = {c.name: c.kind for c in spec.columns}
    if spec.location != "none":
        known.update({name: "coord" for name in COORD_NAMES})
    return known


def _scrub_raw(raw: RawTable, spec: FileSpec) -> None:
    """Before anything is parsed, stored, written or logged: no raw BSN stays in the table.

    Unknown columns are dropped (never stored; their names are kept for the summary, masked);
    in every cell of every column that can store free content (ids, codes, text, categories, numbers
    without a small maximum) a BSN-like token (pseudonym.scrub_bsn_tokens) becomes its keyed hash in
    id and code columns and `[BSN verwijderd]` elsewhere. The number found per column goes to
    `raw.bsn_found` (never which).
    """
    known = _known_columns(spec)
    bounded = {c.name for c in spec.columns if c.maximum is not None and c.maximum < 1e7}
    found: dict[str, int] = {}
    unknown = [c for c in raw.frame.columns if c not in known]
    masked_names = [mask_bsn_text(c) for c in unknown]
    if any(a != b for a, b in zip(unknown, masked_names)):
        found["(column names)"] = sum(a != b for a, b in zip(unknown, masked_names))
    raw.unknown_columns = masked_names
    if unknown:
        raw.frame = raw.frame.drop(columns=unknown)
    for name in raw.frame.columns:
        kind = known[name]
        if kind in CONSTRAINED_KINDS or name in bounded:
            continue
        cells, n = scrub_bsn_tokens(raw.frame[name], mode="hash" if kind in HASH_KINDS else "mask",
                                    numeric=kind in NUMBER_KINDS)
        if n:
            raw.frame[name] = cells.fillna("")
            found[name] = found.get(name, 0) + n
    if raw.extra is not None and spec.keep_extra_columns:
        for name in [c for c in raw.extra.columns if c not in known]:
            col = raw.extra[name]
            text = cells_as_strings(col)
            cells, n = scrub_bsn_tokens(text, numeric=pd.api.types.is_numeric_dtype(col))
            if n:
                changed = (cells != text).fillna(False).to_numpy(dtype=bool)
                if pd.api.types.is_numeric_dtype(col):
                    raw.extra[name] = col.astype("float64").where(~changed)
                else:
                    raw.extra[name] = cells.where(col.notna().to_numpy(), None)
                found[mask_bsn_text(name)] = found.get(mask_bsn_text(name), 0) + n
        raw.extra.columns = [mask_bsn_text(c) for c in raw.extra.columns]
    raw.notes = [mask_bsn_text(note) for note in raw.notes]
    raw.bsn_found = found


def _parse_generic(raw: RawTable, spec: FileSpec, label: str, log: RejectLog) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse every schema column; returns the typed frame and the mask of rows still alive."""
    f = raw.frame
    n = len(f)
    rows = raw.rows
    if len(raw.malformed):
        log.add(label, raw.malformed["row"].to_numpy(dtype="float64"), "", "", "", "rejected")
        log.parts[-1]["reason"] = raw.malformed["reason"].to_numpy()
    alive = np.ones(n, dtype=bool)
    typed: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.name not in f.columns:
            typed[col.name] = pd.Series(pd.array([None] * n, dtype=col.dtype)) if col.dtype != "datetime64[ns]" \
                else pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
            continue
        s = f[col.name]  # already scrubbed: BSN-like tokens hashed (ids) or masked (text), see _scrub_raw
        values, invalid, reason = parse_column(s, col, raw.decimal_comma)
        inv = invalid.to_numpy(dtype=bool)
        if col.unknown_to and inv.any():  # kept as `unknown_to`; the given text is not stored, only its hash
            log.add(label, rows[inv], col.name, hash_values(s[inv]), reason, "repaired")
            inv = np.zeros(n, dtype=bool)
        if col.required:
            missing = (s == "").to_numpy(dtype=bool)
            if missing.any():
                log.add(label, rows[missing], col.name, "", tr(REASON_MISSING), "rejected")
            if inv.any():
                log.add(label, rows[inv], col.name, s[inv], reason, "rejected")
            alive &= ~(missing | inv)
        elif inv.any():
            if col.invalid_rejects:
                log.add(label, rows[inv], col.name, s[inv], reason, "rejected")
                alive &= ~inv
            else:
                log.add(label, rows[inv], col.name, s[inv], reason, "blanked")
        typed[col.name] = values.reset_index(drop=True)
    out = pd.DataFrame(typed, index=pd.RangeIndex(n))
    for a, b in spec.date_order:
        if a in f.columns and b in f.columns:
            bad = (out[b] < out[a]).fillna(False).to_numpy(dtype=bool) & alive
            if bad.any():
                log.add(label, rows[bad], b, f[b][bad], tr("onmogelijke datumvolgorde: {b} vóór {a}", b=b, a=a), "rejected")
                alive &= ~bad
    return out, alive


def _reject_duplicates(out: pd.DataFrame, alive: np.ndarray, col: str, rows: np.ndarray, label: str,
                       log: RejectLog) -> np.ndarray:
    ids = out[col].where(alive)
    dup = (ids.duplicated(keep="first") & ids.notna()).to_numpy(dtype=bool)
    if dup.any():
        log.add(label, rows[dup], col, out[col][dup], tr(REASON_DUPLICATE), "rejected")
    return alive & ~dup


def _reject_unknown_address(out: pd.DataFrame, alive: np.ndarray, raw: RawTable, known: pd.Index,
                            label: str, log: RejectLog) -> np.ndarray:
    unknown = ~fast_isin(out["address_id"], known) & alive
    if unknown.any():
        log.add(label, raw.rows[unknown], "address_id", out["address_id"][unknown], tr(REASON_UNKNOWN_ADDRESS), "rejected")
    return alive & ~unknown


_WGS84_TO_RD: Transformer | None = None


def _coord_pair(f: pd.DataFrame, a: str, b: str, decimal_comma: bool, lo: tuple[float, float],
                hi: tuple[float, float]):
    n = len(f)
    if a not in f.columns or b not in f.columns:
        z = np.zeros(n, dtype=bool)
        return np.full(n, np.nan), np.full(n, np.nan), z, z
    va, _ = parse_number(f[a], decimal_comma)
    vb, _ = parse_number(f[b], decimal_comma)
    va = va.to_numpy(dtype="float64", na_value=np.nan)
    vb = vb.to_numpy(dtype="float64", na_value=np.nan)
    given = ((f[a] != "") | (f[b] != "")).to_numpy(dtype=bool)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(va) & np.isfinite(vb) & (va >= lo[0]) & (va <= hi[0]) & (vb >= lo[1]) & (vb <= hi[1])
    return va, vb, given, ok


def _locate(raw: RawTable, label: str, log: RejectLog, required: bool) -> tuple[np.ndarray, np.ndarray]:
    """Points (EPSG:28992) from x,y (wins) or lon,lat; returns (shapely points or None, ok mask)."""
    global _WGS84_TO_RD
    f, rows = raw.frame, raw.rows
    n = len(f)
    x, y, xy_given, xy_ok = _coord_pair(f, "x", "y", raw.decimal_comma, (RD_X_RANGE[0], RD_Y_RANGE[0]),
                                        (RD_X_RANGE[1], RD_Y_RANGE[1]))
    lon, lat, ll_given, ll_ok = _coord_pair(f, "lon", "lat", raw.decimal_comma, (-180, -90), (180, 90))
    use_ll = ll_ok & ~xy_ok
    px, py = x.copy(), y.copy()
    if use_ll.any():
        if _WGS84_TO_RD is None:
            _WGS84_TO_RD = Transformer.from_crs(4326, 28992, always_xy=True)
        tx, ty = _WGS84_TO_RD.transform(lon[use_ll], lat[use_ll])
        px[use_ll], py[use_ll] = tx, ty
        with np.errstate(invalid="ignore"):
            inrange = (np.isfinite(px) & np.isfinite(py) & (px >= RD_X_RANGE[0]) & (px <= RD_X_RANGE[1])
                       & (py >= RD_Y_RANGE[0]) & (py <= RD_Y_RANGE[1]))
        ll_ok = ll_ok & (inrange | ~use_ll)
        use_ll = use_ll & ll_ok
    ok = xy_ok | use_ll
    given = xy_given | ll_given
    bad_xy_superseded = xy_given & ~xy_ok & use_ll
    if bad_xy_superseded.any():
        log.add(label, rows[bad_xy_superseded], "x,y", f["x"][bad_xy_superseded] + "," + f["y"][bad_xy_superseded],
                "invalid x,y (RD New metres expected); lon,lat used", "blanked")
    bad = given & ~ok
    if bad.any():
        col = np.where(xy_given[bad], "x,y", "lon,lat")
        xs = f["x"] if "x" in f.columns else pd.Series("", index=f.index)
        ys = f["y"] if "y" in f.columns else pd.Series("", index=f.index)
        lo = f["lon"] if "lon" in f.columns else pd.Series("", index=f.index)
        la = f["lat"] if "lat" in f.columns else pd.Series("", index=f.index)
        val = np.where(xy_given, (xs + "," + ys).to_numpy(dtype=object), (lo + "," + la).to_numpy(dtype=object))
        for c in ("x,y", "lon,lat"):
            m = np.zeros(n, dtype=bool)
            m[np.flatnonzero(bad)[col == c]] = True
            if m.any():
                reason = ("invalid x,y (RD New metres expected)" if c == "x,y"
                          else "invalid lon,lat (WGS84 degrees in the RD New area expected)")
                log.add(label, rows[m], c, val[m], reason, "rejected" if required else "blanked")
    if required:
        none = ~given
        if none.any():
            log.add(label, rows[none], "x,y or lon,lat", "", tr("verplichte locatie ontbreekt"), "rejected")
    points = np.full(n, None, dtype=object)
    if ok.any():
        points[ok] = shapely.points(px[ok], py[ok])
    return points, ok


def wijk_of_points(points: np.ndarray, wijken: gpd.GeoDataFrame, preferred: np.ndarray | None = None) -> np.ndarray:
    """The wijk code containing each point (None outside every wijk), by one STRtree query.

    A point on a shared boundary takes the `preferred` code when that is one of its wijken.
    """
    out = np.full(len(points), None, dtype=object)
    valid = np.array([p is not None for p in points], dtype=bool) if len(points) else np.zeros(0, bool)
    if not valid.any() or len(wijken) == 0:
        return out
    idx = np.flatnonzero(valid)
    # a tree of the points queried with each (prepared) polygon: far faster than testing every point
    # against unprepared, detailed polygons
    tree = shapely.STRtree(points[idx])
    wi, pi = tree.query(wijken.geometry.to_numpy(), predicate="intersects")
    codes = wijken["code"].to_numpy(dtype=object)[wi]
    if preferred is not None:
        pref = preferred[idx][pi]
        match = codes == pref
    else:
        match = np.zeros(len(pi), dtype=bool)
    order = np.lexsort((~match, pi))
    pi, codes = pi[order], codes[order]
    first = np.ones(len(pi), dtype=bool)
    first[1:] = pi[1:] != pi[:-1]
    out[idx[pi[first]]] = codes[first]
    return out


def _make_valid(geoms: gpd.GeoSeries) -> tuple[gpd.GeoSeries, int]:
    """Repair invalid polygons with shapely.make_valid, keeping only their polygonal parts."""
    arr = geoms.to_numpy().copy()
    present = ~(geoms.isna() | geoms.is_empty).to_numpy()
    invalid = present & ~shapely.is_valid(arr)
    if invalid.any():
        fixed = shapely.make_valid(arr[invalid])
        for i, g in enumerate(fixed):
            if g.geom_type == "GeometryCollection":
                polys = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
                fixed[i] = shapely.union_all(polys) if polys else g
        arr[invalid] = fixed
    return gpd.GeoSeries(arr, crs=geoms.crs, index=geoms.index), int(invalid.sum())


def _summary(label: str, raw: RawTable | None, imported: int, log: RejectLog, start_part: int) -> FileSummary:
    fs = FileSummary(file=label)
    if raw is not None:
        fs.rows_read = raw.rows_read
        fs.notes = list(raw.notes)
        fs.encoding = raw.encoding
        fs.delimiter = raw.delimiter
        fs.crs = raw.crs
        fs.bsn_found = dict(raw.bsn_found)
    fs.rows_imported = imported
    fs.rows_rejected = fs.rows_read - imported
    return fs


def _raw_or_skip(path: Path, spec: FileSpec, label: str, log: RejectLog, layer: str | None = None) -> RawTable | None:
    """Read a file; an optional file that cannot be read or lacks a column is skipped (whole-file line)."""
    try:
        raw = read_csv_raw(path, label) if layer is None and path.suffix.lower() == ".csv" \
            else read_vector_raw(path, layer, label)
    except ReadError as exc:
        if spec.required_file:
            raise UnusableInputError(label, mask_bsn_text(str(exc))) from exc
        log.add_whole_file(label, "", tr("bestand overgeslagen: {cause}", cause=mask_bsn_text(str(exc))))
        return None
    _scrub_raw(raw, spec)
    missing = _missing_required(raw, spec)
    if missing:
        cause = tr("verplichte kolom {columns} ontbreekt (gevonden: {found})",
                   columns=", ".join(repr(m) for m in missing),
                   found=", ".join([*raw.frame.columns, *raw.unknown_columns]) or tr("geen"))
        if spec.required_file:
            raise UnusableInputError(label, cause)
        log.add_whole_file(label, missing[0], tr("bestand overgeslagen: {cause}", cause=cause))
        return None
    return raw


def _finish_table(table: str, out: pd.DataFrame, alive: np.ndarray, geometry=None, extra: pd.DataFrame | None = None):
    cols = TABLE_COLUMNS[table]
    kept = out.loc[alive].reset_index(drop=True)
    frame = pd.DataFrame({c: kept[c].astype(dtype) if c in kept.columns else pd.Series(pd.array([None] * len(kept), dtype=dtype))
                          for c, dtype in cols.items()})
    if extra is not None:
        ex = extra.loc[alive].reset_index(drop=True)
        for c in ex.columns:
            if c not in frame.columns and c not in ("geometry", "geom"):
                frame[c] = ex[c]
    if geometry is not None:
        geom = np.asarray(geometry, dtype=object)[alive]
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geom, crs=28992), crs=28992)
    return frame


# ----------------------------------------------------------------------------------------- files
def _load_districts(path: Path, log: RejectLog, report: ImportReport) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    try:
        layers = list_layers(path)
    except ReadError as exc:
        raise UnusableInputError(DISTRICTS, str(exc)) from exc
    by_lower = {name.lower(): name for name in layers}
    if "wijken" not in by_lower:
        raise UnusableInputError(DISTRICTS, tr("districts.gpkg zonder wijken: geen laag 'wijken' (gevonden: {found})",
                                                found=mask_bsn_text(", ".join(layers)) or tr("geen")))
    if "gebieden" not in by_lower:
        raise UnusableInputError(DISTRICTS, tr("geen laag 'gebieden' (gevonden: {found})",
                                                found=mask_bsn_text(", ".join(layers))))
    frames = {}
    for spec in (GEBIEDEN, WIJKEN):
        layer = by_lower[spec.table]
        label = f"{DISTRICTS}:{layer}"
        raw = _raw_or_skip(path, spec, label, log, layer=layer)
        out, alive = _parse_generic(raw, spec, label, log)
        geoms, repaired = _make_valid(raw.geometry)
        nogeom = (geoms.isna() | geoms.is_empty).to_numpy() & alive
        if nogeom.any():
            log.add(label, raw.rows[nogeom], "geometry", "", tr("geometrie ontbreekt"), "rejected")
            alive &= ~nogeom
        notpoly = ~geoms.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy() & alive
        if notpoly.any():
            log.add(label, raw.rows[notpoly], "geometry", geoms.geom_type[notpoly], tr("geometrie is geen polygoon"),
                    "rejected")
            alive &= ~notpoly
        if spec is WIJKEN:
            gebied_codes = pd.Index(frames["gebieden"]["code"].dropna())
            given = out["gebied_code"]
            unknown = given.notna() & ~given.isin(gebied_codes)
            if unknown.any():
                m = unknown.to_numpy(dtype=bool) & alive
                log.add(label, raw.rows[m], "gebied_code", given[m], tr("onbekende gebied_code (niet in laag gebieden)"), "blanked")
                out.loc[unknown, "gebied_code"] = pd.NA
            derived = out["code"].str.replace(r"^BU(\d{6})\d{2}$", r"WK\1", regex=True)
            derivable = out["gebied_code"].isna() & out["code"].str.fullmatch(r"BU\d{8}").fillna(False) \
                & derived.isin(gebied_codes)
            out.loc[derivable, "gebied_code"] = derived[derivable]
        alive = _reject_duplicates(out, alive, "code", raw.rows, label, log)
        extra = raw.extra.drop(columns=[c for c in spec.column_names if c in raw.extra.columns])
        frame = _finish_table(spec.table, out, alive, geometry=geoms.to_numpy(), extra=extra)
        fs = _summary(label, raw, len(frame), log, 0)
        fs.unknown_columns = []
        if repaired:
            fs.notes.append(tr("{n} ongeldige polygo(o)n(en) hersteld met make_valid", n=repaired))
        report.files[label] = fs
        frames[spec.table] = frame
    if len(frames["wijken"]) == 0:
        raise UnusableInputError(DISTRICTS, tr("districts.gpkg zonder wijken: laag 'wijken' heeft geen geldige rij"))
    return frames["gebieden"], frames["wijken"]


def _load_addresses(path: Path, wijken: gpd.GeoDataFrame, log: RejectLog, report: ImportReport) -> gpd.GeoDataFrame:
    name = path.name.lower()
    layer = None
    label = name
    if name.endswith(".gpkg"):
        try:
            layers = list_layers(path)
        except ReadError as exc:
            raise UnusableInputError(name, str(exc)) from exc
        named = [lay for lay in layers if lay.lower() == "addresses"]
        if named:
            layer = named[0]
        elif len(layers) == 1:
            layer = layers[0]
        else:
            raise UnusableInputError(name, tr("dubbelzinnige dataset: {n} lagen en geen met de naam 'addresses' "
                                              "(gevonden: {found})", n=len(layers),
                                              found=mask_bsn_text(", ".join(layers)) or tr("geen")))
        label = mask_bsn_text(f"{name}:{layer}")
    raw = _raw_or_skip(path, ADDRESSES, label, log, layer=layer if layer is not None else
                       (None if name.endswith(".csv") else pyogrio_first_layer(path)))
    out, alive = _parse_generic(raw, ADDRESSES, label, log)
    n = len(out)
    notes: list[str] = []
    if raw.geometry is not None:
        g = raw.geometry
        has = ~(g.isna() | g.is_empty).to_numpy()
        points = np.full(n, None, dtype=object)
        if has.any():
            arr = g.to_numpy()[has]
            notpoint = shapely.get_type_id(arr) != 0
            if notpoint.any():
                arr[notpoint] = shapely.point_on_surface(arr[notpoint])
                notes.append(tr("{n} geometrieën die geen punt zijn vervangen door een punt erop", n=int(notpoint.sum())))
            points[has] = arr
        if (~has).any() and ({"x", "y"} <= set(raw.frame.columns) or {"lon", "lat"} <= set(raw.frame.columns)):
            sub = RawTable(frame=raw.frame.loc[~has].reset_index(drop=True), rows=raw.rows[~has], rows_read=0,
                           malformed=raw.malformed.iloc[:0], decimal_comma=raw.decimal_comma)
            pts, ok = _locate(sub, label, log, required=True)
            points[np.flatnonzero(~has)] = pts
        elif (~has).any():
            log.add(label, raw.rows[~has], "geometry", "", tr("verplichte locatie ontbreekt (lege geometrie)"), "rejected")
        ok = np.array([p is not None for p in points], dtype=bool)
    else:
        points, ok = _locate(raw, label, log, required=True)
    alive &= ok
    given = out["wijk_code"].to_numpy(dtype=object, na_value=None)
    codes = wijk_of_points(np.where(alive, points, None), wijken, preferred=given)
    outside = alive & pd.isna(codes)
    if outside.any():
        xy = shapely.get_coordinates(points[outside].tolist()) if outside.any() else np.zeros((0, 2))
        vals = [f"{x:.1f},{y:.1f}" for x, y in xy]
        log.add(label, raw.rows[outside], "geometry" if raw.geometry is not None else "x,y", vals, tr(REASON_OUTSIDE), "rejected")
        alive &= ~outside
    disagree = alive & ~pd.isna(given) & (given != codes)
    if disagree.any():
        log.add(label, raw.rows[disagree], "wijk_code", given[disagree],
                "wijk_code disagrees with the point; replaced by the wijk that contains it", "repaired")
    out["wijk_code"] = pd.array(np.where(alive, codes, None), dtype="string")
    alive = _reject_duplicates(out, alive, "address_id", raw.rows, label, log)
    frame = _finish_table("addresses", out, alive, geometry=points)
    fs = _summary(label, raw, len(frame), log, 0)
    fs.notes += notes
    fs.unknown_columns = list(raw.unknown_columns)
    fs.values_repaired = int(disagree.sum())  # recounted in _finalise
    report.files[label] = fs
    if len(frame) == 0:
        raise UnusableInputError(label, tr("adressen: geen geldige rij ({n} rij(en) gelezen, alle afgekeurd)",
                                          n=raw.rows_read))
    return frame


def pyogrio_first_layer(path: Path) -> str | None:
    """The only layer of a single-layer vector file (GeoJSON)."""
    layers = list_layers(path)
    return layers[0] if layers else None


def _load_csv(spec: FileSpec, path: Path | None, ctx: dict, log: RejectLog, report: ImportReport):
    label = spec.name
    if path is None:
        report.files[label] = FileSummary(file=label, present=False, notes=["absent (optional): empty table"])
        return _empty_table(spec.table)
    raw = _raw_or_skip(path, spec, label, log)
    if raw is None:
        report.files[label] = FileSummary(file=label, present=True, notes=["skipped: see rejects (whole-file line)"])
        return _empty_table(spec.table)
    out, alive = _parse_generic(raw, spec, label, log)
    addresses: gpd.GeoDataFrame = ctx["addresses"]
    known = pd.Index(addresses["address_id"])
    geometry = None
    if spec is COMPLAINTS:
        f = raw.frame
        if {"x", "y"} <= set(f.columns) or {"lon", "lat"} <= set(f.columns):
            points, loc_ok = _locate(raw, label, log, required=False)
        else:
            points, loc_ok = np.full(len(out), None, dtype=object), np.zeros(len(out), dtype=bool)
        addr = out["address_id"]
        given = addr.notna().to_numpy(dtype=bool)
        is_known = fast_isin(addr, known) & given
        unknown = given & ~is_known
        m = alive & unknown & loc_ok
        if m.any():
            log.add(label, raw.rows[m], "address_id", addr[m], tr("onbekend address_id; de eigen locatie van de melding wordt gebruikt"), "blanked")
            out.loc[m, "address_id"] = pd.NA
        m = alive & unknown & ~loc_ok
        if m.any():
            log.add(label, raw.rows[m], "address_id", addr[m], tr("onbekend address_id en geen geldige locatie"), "rejected")
            alive &= ~m
        m = alive & ~given & ~loc_ok
        if m.any():
            log.add(label, raw.rows[m], "address_id", "", tr("geen address_id en geen geldige locatie (een melding heeft er een nodig)"), "rejected")
            alive &= ~m
        use_addr = alive & ~loc_ok & is_known
        if use_addr.any():
            pts = addresses.set_index("address_id").geometry
            points[use_addr] = pts.reindex(addr[use_addr].to_numpy()).to_numpy()
        codes = wijk_of_points(np.where(alive, points, None), ctx["wijken"])
        outside = alive & pd.isna(codes)
        if outside.any():
            xy = shapely.get_coordinates(points[outside].tolist())
            log.add(label, raw.rows[outside], "x,y", [f"{x:.1f},{y:.1f}" for x, y in xy], tr(REASON_OUTSIDE), "rejected")
            alive &= ~outside
        out["wijk_code"] = pd.array(codes, dtype="string")
        geometry = points
    elif spec.references_address:
        alive = _reject_unknown_address(out, alive, raw, known, label, log)
    if spec is INTERVENTIONS:
        wijken: gpd.GeoDataFrame = ctx["wijken"]
        rawcode = raw.frame["wijk_code"]
        by_code = dict(zip(wijken["code"].str.upper(), wijken["code"]))
        by_name = dict(zip(normalise_name(wijken["name"]), wijken["code"]))
        code = rawcode.str.upper().map(by_code)
        code = code.fillna(normalise_name(rawcode).map(by_name))
        bad = alive & code.isna().to_numpy(dtype=bool) & (rawcode != "").to_numpy(dtype=bool)
        if bad.any():
            log.add(label, raw.rows[bad], "wijk_code", rawcode[bad], tr("onbekende wijk (geen wijkcode en geen wijknaam)"), "rejected")
            alive &= ~bad
        out["wijk_code"] = code.astype("string")
    if spec.unique:
        alive = _reject_duplicates(out, alive, spec.unique, raw.rows, label, log)
    frame = _finish_table(spec.table, out, alive, geometry=geometry)
    fs = _summary(label, raw, len(frame), log, 0)
    fs.unknown_columns = list(raw.unknown_columns)
    datecol = MAIN_DATE.get(spec.table)
    if datecol and len(frame) and frame[datecol].notna().any():
        fs.date_range = (frame[datecol].min().date().isoformat(), frame[datecol].max().date().isoformat())
    report.files[label] = fs
    return frame


def _scrub_reject_values(rej: pd.DataFrame, report: ImportReport) -> None:
    """Mask every BSN-like token left in a reject's `value` (from the columns not scanned on import)
    and add the number found to the file's summary, per column."""
    values = rej["value"].fillna("").astype("string")
    for (file, column), idx in rej.groupby(["file", "column"], dropna=False).groups.items():
        cells, n = scrub_bsn_tokens(values.loc[idx])
        if n:
            values.loc[idx] = cells
            fs = report.files.get(file)
            if fs is not None:
                fs.bsn_found[column] = fs.bsn_found.get(column, 0) + n
    rej["value"] = values


def _finalise(report: ImportReport, log: RejectLog) -> None:
    """Scrub BSNs from reject values, drop blank/repair lines of rows that were rejected anyway, count per file."""
    rej = log.frame()
    if len(rej):
        _scrub_reject_values(rej, report)
        rejected_keys = rej.loc[(rej["action"] == "rejected") & rej["row"].notna(), ["file", "row"]].drop_duplicates()
        rejected_keys["_r"] = True
        rej = rej.merge(rejected_keys, on=["file", "row"], how="left")
        drop = rej["_r"].fillna(False).astype(bool) & (rej["action"] != "rejected")
        rej = rej.loc[~drop].drop(columns="_r").reset_index(drop=True)
        rej = rej.sort_values(["file", "row"], kind="stable", na_position="first").reset_index(drop=True)
    for label, fs in report.files.items():
        sub = rej[rej["file"] == label] if len(rej) else rej
        fs.values_blanked = int((sub["action"] == "blanked").sum())
        fs.values_repaired = int((sub["action"] == "repaired").sum())
        counted = sub.loc[(sub["action"] == "rejected") & sub["row"].notna(), "row"].nunique()
        if fs.rows_read and counted != fs.rows_rejected:  # never drop a row silently: an internal bug
            raise AssertionError(f"{label}: {fs.rows_rejected} rows not imported but {counted} rejected rows logged")
    report.rejects = rej


# ----------------------------------------------------------------------------------------- public
def load_dataset(root: str | Path, *, progress: Progress | None = None, use_cache: bool = True) -> Dataset:
    """Read, validate, pseudonymise and (by default) cache the dataset folder at `root`.

    Raises `UnusableInputError` (exit 2) when the dataset cannot be used; otherwise the returned
    Dataset's `report` lists every reject line and `report.exit_code` is 0 or 1. The dataset
    folder is only read (it may be read-only); the cache lives in ``$GEO_TOOL_CACHE_DIR``.
    """
    root = Path(root)
    progress = progress or NullProgress()
    files = locate_files(root)
    hashes = {name: cache_mod.file_sha256(path) for name, path in sorted(files.items())}
    if not use_cache:
        return _import(root, files, hashes, progress)
    key = cache_mod.cache_key(hashes)
    notes = []
    try:
        orphans = cache_mod.remove_orphans()
    except OSError:
        orphans = 0
    if orphans:
        notes.append(tr("{n} onvoltooide cachemap(pen) van een onderbroken import verwijderd", n=orphans))
    try:
        cached = cache_mod.load_cached(key, root, hashes)
    except cache_mod.DamagedEntry as exc:
        cached = None
        notes.append(tr("cache beschadigd ({cause}): opnieuw opgebouwd uit de bronbestanden", cause=exc))
        cache_mod.discard(key)
    if cached is not None:
        cached.report.notes += notes
        return cached
    ds = _import(root, files, hashes, progress)
    try:
        cache_mod.store(key, ds)
    except Exception as exc:  # a full, read-only or failing cache never stops an import (its temp folder is gone)
        notes.append(tr("cache niet geschreven ({cause})", cause=f"{exc.__class__.__name__}: {mask_bsn_text(str(exc))}"))
    ds.report.notes += notes  # after storing: a later open from the cache does not repeat them
    return ds


def is_cached(root: str | Path) -> bool:
    """True when the dataset folder as it is now has a finished import in the cache (opening it is fast)."""
    root = Path(root)
    files = locate_files(root)
    hashes = {name: cache_mod.file_sha256(path) for name, path in sorted(files.items())}
    return (cache_mod.entry_path(cache_mod.cache_key(hashes)) / cache_mod.MANIFEST).exists()


def _import(root: Path, files: dict[str, Path], hashes: dict[str, str], progress: Progress) -> Dataset:
    t0 = time.perf_counter()
    log = RejectLog()
    report = ImportReport()
    steps = 3 + len(OPTIONAL_CSV)
    progress.start(steps, tr("Dataset inlezen"))
    progress.step("districts.gpkg")
    gebieden, wijken = _load_districts(files[DISTRICTS], log, report)
    progress.advance()
    progress.check_cancelled()
    addr_name = next(n for n in ADDRESSES.file_names if n in files)
    progress.step(addr_name)
    addresses = _load_addresses(files[addr_name], wijken, log, report)
    progress.advance()
    ctx = {"addresses": addresses, "wijken": wijken}
    tables = {}
    for spec in (BRP, *OPTIONAL_CSV):
        progress.check_cancelled()
        progress.step(spec.name)
        tables[spec.table] = _load_csv(spec, files.get(spec.name), ctx, log, report)
        progress.advance()
    _finalise(report, log)
    report.wijken_covered = int(addresses["wijk_code"].nunique())
    report.notes.append(tr("ingelezen in {seconds} s", seconds=format_number(time.perf_counter() - t0, 1)))
    progress.finish()
    return Dataset(root=root, gebieden=gebieden, wijken=wijken, addresses=addresses, report=report,
                   file_hashes=hashes, **tables)
