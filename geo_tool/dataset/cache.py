"""Cache of validated datasets: (Geo)Parquet tables plus a JSON report, keyed by the inputs.

The key is a SHA-256 over each input file's content hash, geo_tool's version, the schema version
and a fingerprint of the pseudonym key (another key gives other pseudonyms). Entries live in
``$GEO_TOOL_CACHE_DIR`` (default ``~/.cache/geo_tool``), never in the dataset folder (which may
be read-only). An entry is written to a temporary folder and renamed, so it is whole or absent;
its `manifest.json` (written last) holds the SHA-256 and size of every file, and every read is
checked against it: a truncated, altered or missing file makes the entry "damaged", and the caller
rebuilds it from the source files and says so. Temporary folders left by a killed import are
removed. Only pseudonymised tables are stored, so no BSN ever reaches the cache.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import geo_tool
from geo_tool.dataset.dataset import Dataset, FileSummary, ImportReport
from geo_tool.dataset.pseudonym import key_fingerprint
from geo_tool.dataset.schema import GEO_TABLES, SCHEMA_VERSION, TABLE_COLUMNS

TABLES = tuple(TABLE_COLUMNS)


def cache_dir() -> Path:
    """The cache root: ``$GEO_TOOL_CACHE_DIR`` or ``~/.cache/geo_tool``."""
    env = os.environ.get("GEO_TOOL_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "geo_tool"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's content, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_key(file_hashes: dict[str, str]) -> str:
    """The entry name for these inputs under this code and schema version and pseudonym key."""
    h = hashlib.sha256()
    for name in sorted(file_hashes):
        h.update(f"{name}\0{file_hashes[name]}\n".encode())
    h.update(f"version={geo_tool.__version__}\nschema={SCHEMA_VERSION}\nkey={key_fingerprint()}\n".encode())
    return h.hexdigest()


MANIFEST = "manifest.json"
REPORT = "report.json"
#: every file of a complete entry (the manifest lists each with its hash)
ENTRY_FILES = (*(f"{name}.parquet" for name in TABLES), "rejects.parquet", REPORT)
#: a temporary folder of a live process younger than this is never removed (another import may be writing it)
ORPHAN_AGE_S = 6 * 3600


class DamagedEntry(Exception):
    """A cache entry exists but does not check out (the message says which file and how)."""


def entry_path(key: str) -> Path:
    """The cache folder of one import (it is complete when its manifest.json exists)."""
    return cache_dir() / "datasets" / key


def _temp_name(key: str, kind: str = "tmp") -> str:
    """`.<key12>.<pid>.<random>.<kind>`: the pid tells a later run whether its writer still lives."""
    return f".{key[:12]}.{os.getpid()}.{secrets.token_hex(4)}.{kind}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def remove_orphans() -> int:
    """Remove temporary folders left by an import that was killed while writing the cache.

    A folder is an orphan when the process named in it is gone (or it has no pid) or it is older
    than `ORPHAN_AGE_S`. Returns the number removed.
    """
    root = cache_dir() / "datasets"
    if not root.is_dir():
        return 0
    removed = 0
    now = time.time()
    for p in root.iterdir():
        if not p.name.startswith("."):
            continue
        parts = p.name.split(".")
        pid = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
        try:
            age = now - p.stat().st_mtime
        except OSError:
            continue
        live = pid is not None and pid != os.getpid() and _pid_alive(pid)
        if pid == os.getpid() or (live and age < ORPHAN_AGE_S):
            continue
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed += not p.exists()
    return removed


def discard(key: str) -> None:
    """Remove an entry (a damaged one): renamed away first, so a kill halfway leaves only an orphan."""
    entry = entry_path(key)
    if not entry.exists():
        return
    trash = entry.parent / _temp_name(key, "trash")
    try:
        os.replace(entry, trash)
    except OSError:
        trash = entry
    shutil.rmtree(trash, ignore_errors=True)


def _verified_bytes(entry: Path, manifest: dict) -> dict[str, bytes]:
    """Every entry file's bytes, each checked against its size and SHA-256 in the manifest."""
    listed = manifest.get("files", {})
    out = {}
    for name in ENTRY_FILES:
        if name not in listed:
            raise DamagedEntry(f"{name} not in the manifest")
        try:
            data = (entry / name).read_bytes()
        except OSError:
            raise DamagedEntry(f"{name} missing") from None
        if len(data) != listed[name]["bytes"]:
            raise DamagedEntry(f"{name} has {len(data):,} bytes, {listed[name]['bytes']:,} written (truncated or altered)")
        if hashlib.sha256(data).hexdigest() != listed[name]["sha256"]:
            raise DamagedEntry(f"{name} differs from its content hash (altered)")
        out[name] = data
    return out


def load_cached(key: str, root: Path, file_hashes: dict[str, str]) -> Dataset | None:
    """The cached Dataset for `key`; None when there is no entry; `DamagedEntry` when one does not check out."""
    entry = entry_path(key)
    if not entry.exists():
        return None
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DamagedEntry(f"{MANIFEST} missing (incomplete entry)") from None
    except (OSError, ValueError) as exc:
        raise DamagedEntry(f"{MANIFEST} unreadable ({exc.__class__.__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("key") != key:
        raise DamagedEntry(f"{MANIFEST} belongs to another entry")
    data = _verified_bytes(entry, manifest)
    try:
        tables = {}
        for name in TABLES:
            blob = data[f"{name}.parquet"]
            tables[name] = _read_geoparquet_in_chunks(blob) if name in GEO_TABLES else pd.read_parquet(io.BytesIO(blob))
        meta = json.loads(data[REPORT].decode("utf-8"))
        rejects = pd.read_parquet(io.BytesIO(data["rejects.parquet"]))
    except Exception as exc:  # hashes matched but the content cannot be read: written by a broken run
        raise DamagedEntry(f"unreadable ({exc.__class__.__name__})") from None
    report = ImportReport(
        files={name: _summary_from_dict(d) for name, d in meta["files"].items()},
        rejects=rejects,
        notes=list(meta.get("notes", [])),
        wijken_covered=int(meta.get("wijken_covered", 0)),
    )
    report.from_cache = True
    for name in ("wijken",):
        if meta.get("wijken_attrs"):
            tables[name].attrs.update(meta["wijken_attrs"])
    return Dataset(root=root, report=report, file_hashes=dict(file_hashes), **tables)


WKB_CHUNK_ROWS = 25_000


def _read_geoparquet_in_chunks(source: Path | bytes) -> gpd.GeoDataFrame:
    """`gpd.read_parquet`, but decoding the geometry in chunks.

    Decoding WKB holds the GIL; 300,000 points at once would freeze the window's event loop for
    ~0.3 s when a dataset is opened in a background thread. Chunks keep each pause short.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    table = pq.read_table(pa.BufferReader(source) if isinstance(source, bytes) else source)
    meta = json.loads(table.schema.metadata[b"geo"]) if table.schema.metadata and b"geo" in table.schema.metadata else {}
    geom_col = meta.get("primary_column", "geometry")
    crs = meta.get("columns", {}).get(geom_col, {}).get("crs")
    frame = table.drop([geom_col]).to_pandas()
    wkb = table.column(geom_col).to_numpy(zero_copy_only=False)
    parts = [shapely.from_wkb(wkb[i:i + WKB_CHUNK_ROWS]) for i in range(0, len(wkb), WKB_CHUNK_ROWS)]
    geoms = np.concatenate(parts) if parts else np.array([], dtype=object)
    from pyproj import CRS

    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index),
                            crs=CRS.from_user_input(crs) if crs else "EPSG:28992")


def _summary_from_dict(d: dict) -> FileSummary:
    d = dict(d)
    if d.get("date_range"):
        d["date_range"] = tuple(d["date_range"])
    return FileSummary(**d)


def store(key: str, ds: Dataset) -> None:
    """Write `ds` under `key` atomically: a temporary folder, its manifest of hashes last, then rename."""
    entry = entry_path(key)
    if (entry / MANIFEST).exists():
        return
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.parent / _temp_name(key)
    tmp.mkdir()
    try:
        for name in TABLES:
            frame = getattr(ds, name)
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        ds.report.rejects.to_parquet(tmp / "rejects.parquet", index=False)
        meta = {
            "files": {name: fs.to_dict() for name, fs in ds.report.files.items()},
            "notes": ds.report.notes,
            "wijken_covered": ds.report.wijken_covered,
            "wijken_attrs": {k: v for k, v in ds.wijken.attrs.items() if isinstance(v, (str, int, float, bool))},
            "version": geo_tool.__version__,
            "schema": SCHEMA_VERSION,
        }
        (tmp / REPORT).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        files = {}
        for name in ENTRY_FILES:  # hash what is on disk, so the check compares with what was written
            data = (tmp / name).read_bytes()
            files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        manifest = {"key": key, "version": geo_tool.__version__, "schema": SCHEMA_VERSION, "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        try:
            os.replace(tmp, entry)
        except OSError:
            if not (entry / MANIFEST).exists():  # an incomplete or damaged entry is in the way: replace it
                discard(key)
                os.replace(tmp, entry)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
