"""The PDOK BRT-Achtergrondkaart as a background for maps: WMTS tiles in RD New, cached, silent offline.

PDOK serves the Dutch topographic background map in EPSG:28992 itself (no reprojection needed):
tile matrix set "EPSG:28992", origin (-285401.92, 903401.92), 256-pixel tiles, resolution
3440.64 m/px at level 0, halving per level. Tiles are cached in `$GEO_TOOL_CACHE_DIR/tiles`; when a
tile cannot be fetched (offline) the basemap is simply absent: no error, one short try per session.
"""

from __future__ import annotations

import io
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo_tool.fileio import write_bytes_atomic

TILE_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/{layer}/EPSG:28992/{z:02d}/{col}/{row}.png"
ORIGIN_X, ORIGIN_Y = -285401.92, 903401.92
RES0_M = 3440.64
TILE_PX = 256
MAX_LEVEL = 14
MAX_TILES = 64
TIMEOUT_S = 2.0
ATTRIBUTION = "Achtergrond: BRT-Achtergrondkaart, Kadaster/PDOK, CC BY 4.0"
_offline = False


@dataclass(frozen=True)
class Basemap:
    """An RGB(A) image with its extent in RD metres (xmin, xmax, ymin, ymax), for imshow."""

    image: np.ndarray
    extent: tuple[float, float, float, float]


def tile_cache_dir() -> Path:
    """Where fetched tiles are kept."""
    return Path(os.environ.get("GEO_TOOL_CACHE_DIR", Path.home() / ".cache" / "geo_tool")) / "tiles"


def level_for(bounds: tuple[float, float, float, float], width_px: int) -> int:
    """The tile level whose resolution is just finer than the map's metres per pixel."""
    xmin, _, xmax, _ = bounds
    m_per_px = max((xmax - xmin) / max(width_px, 1), 1e-6)
    level = int(np.ceil(np.log2(RES0_M / m_per_px)))
    return int(np.clip(level, 0, MAX_LEVEL))


def tiles_for(bounds: tuple[float, float, float, float], level: int) -> tuple[range, range]:
    """Column and row ranges of the tiles that cover `bounds` at `level` (rows count down from the top)."""
    xmin, ymin, xmax, ymax = bounds
    size_m = RES0_M / 2**level * TILE_PX
    cols = range(int(np.floor((xmin - ORIGIN_X) / size_m)), int(np.floor((xmax - ORIGIN_X) / size_m)) + 1)
    rows = range(int(np.floor((ORIGIN_Y - ymax) / size_m)), int(np.floor((ORIGIN_Y - ymin) / size_m)) + 1)
    return cols, rows


def _tile(level: int, col: int, row: int, layer: str) -> np.ndarray | None:
    """One tile as an RGBA float array, from the cache or PDOK; None when it cannot be had."""
    global _offline
    import matplotlib.image as mpimg

    path = tile_cache_dir() / layer / f"{level}" / f"{col}_{row}.png"
    if not path.exists():
        if _offline:
            return None
        try:
            url = TILE_URL.format(layer=layer, z=level, col=col, row=row)
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 (fixed https host)
                data = response.read()
        except OSError:
            _offline = True  # one failed try per session: offline maps stay fast and silent
            return None
        write_bytes_atomic(path, data)
    try:
        img = mpimg.imread(io.BytesIO(path.read_bytes()), format="png")
    except (OSError, ValueError):
        return None
    if img.ndim == 2:
        img = np.dstack([img] * 3)
    if img.shape[2] == 3:
        img = np.dstack([img, np.ones(img.shape[:2])])
    return img.astype(np.float32)


def fetch_basemap(bounds: tuple[float, float, float, float], width_px: int = 1200,
                  layer: str = "grijs") -> Basemap | None:
    """The background map for `bounds` (RD metres), mosaicked from tiles; None offline or when too large."""
    level = level_for(bounds, width_px)
    cols, rows = tiles_for(bounds, level)
    while len(cols) * len(rows) > MAX_TILES and level > 0:
        level -= 1
        cols, rows = tiles_for(bounds, level)
    mosaic = np.zeros((len(rows) * TILE_PX, len(cols) * TILE_PX, 4), dtype=np.float32)
    got = 0
    for i, row in enumerate(rows):
        for j, col in enumerate(cols):
            tile = _tile(level, col, row, layer)
            if tile is None:
                if _offline:
                    return None
                continue
            mosaic[i * TILE_PX:(i + 1) * TILE_PX, j * TILE_PX:(j + 1) * TILE_PX] = tile[:TILE_PX, :TILE_PX]
            got += 1
    if not got:
        return None
    size_m = RES0_M / 2**level * TILE_PX
    xmin = ORIGIN_X + cols.start * size_m
    ymax = ORIGIN_Y - rows.start * size_m
    return Basemap(mosaic, (xmin, xmin + len(cols) * size_m, ymax - len(rows) * size_m, ymax))
