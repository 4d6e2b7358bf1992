"""Cache of validated datasets: (Geo)Parquet tables plus a JSON report, keyed by the inputs.

The key is a SHA-256 over each input file's content hash, geo_tool's version, the schema version
and a fingerprint of the pseudonym key (another key gives other pseudonyms). Entries live in
``$GEO_TOOL_CACHE_DIR`` (default ``~/.cache/geo_tool``), never in the dataset folder (which may
be read-only). An entry is written to a temporary folder and renamed, so it is whole or absent.
Only pseudonymised tables are stored, so no BSN ever reaches the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
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


def entry_path(key: str) -> Path:
    """The cache folder of one import (it is complete when its report.json exists)."""
    return cache_dir() / "datasets" / key


def load_cached(key: str, root: Path, file_hashes: dict[str, str]) -> Dataset | None:
    """The cached Dataset for `key`, or None when absent or unreadable (then it is simply rebuilt)."""
    entry = entry_path(key)
    if not (entry / "report.json").exists():
        return None
    try:
        tables = {}
        for name in TABLES:
            path = entry / f"{name}.parquet"
            tables[name] = _read_geoparquet_in_chunks(path) if name in GEO_TABLES else pd.read_parquet(path)
        meta = json.loads((entry / "report.json").read_text(encoding="utf-8"))
        rejects = pd.read_parquet(entry / "rejects.parquet")
    except Exception:
        return None
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


def _read_geoparquet_in_chunks(path: Path) -> gpd.GeoDataFrame:
    """`gpd.read_parquet`, but decoding the geometry in chunks.

    Decoding WKB holds the GIL; 300,000 points at once would freeze the window's event loop for
    ~0.3 s when a dataset is opened in a background thread. Chunks keep each pause short.
    """
    import pyarrow.parquet as pq
    import shapely

    table = pq.read_table(path)
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
    """Write `ds` under `key` atomically (temporary folder, then rename)."""
    entry = entry_path(key)
    if (entry / "report.json").exists():
        return
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", dir=entry.parent))
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
        (tmp / "report.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        try:
            os.replace(tmp, entry)
        except OSError:
            if not (entry / "report.json").exists():  # a half entry left by a crash: replace it
                shutil.rmtree(entry, ignore_errors=True)
                os.replace(tmp, entry)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
