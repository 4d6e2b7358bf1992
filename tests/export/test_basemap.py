"""The background map: RD tile arithmetic, cached tiles, and silence offline."""

from __future__ import annotations

import numpy as np

from geo_tool.export import basemap


def test_tile_ranges_cover_the_bounds():
    """The tiles chosen for a box cover it completely, at a level finer than the map's pixels."""
    bounds = (88000.0, 430000.0, 96000.0, 438000.0)  # Charlois, RD metres
    level = basemap.level_for(bounds, 1000)
    assert basemap.RES0_M / 2**level <= 8.0  # 8 m per pixel wanted
    cols, rows = basemap.tiles_for(bounds, level)
    size = basemap.RES0_M / 2**level * basemap.TILE_PX
    assert basemap.ORIGIN_X + cols.start * size <= bounds[0]
    assert basemap.ORIGIN_X + (cols.stop) * size >= bounds[2]
    assert basemap.ORIGIN_Y - rows.start * size >= bounds[3]
    assert basemap.ORIGIN_Y - rows.stop * size <= bounds[1]


def test_offline_gives_no_basemap_and_no_error(monkeypatch, tmp_path):
    """Without a network the basemap is None, quickly and without raising."""
    monkeypatch.setenv("GEO_TOOL_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(basemap, "_offline", False)

    def no_network(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(basemap.urllib.request, "urlopen", no_network)
    assert basemap.fetch_basemap((88000.0, 430000.0, 96000.0, 438000.0)) is None
    assert basemap._offline is True


def test_cached_tiles_are_used_and_placed(monkeypatch, tmp_path):
    """Tiles already in the cache make the mosaic, with an extent on the RD tile grid around the bounds."""
    import matplotlib.image as mpimg

    monkeypatch.setenv("GEO_TOOL_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(basemap, "_offline", True)  # never touch the network in this test
    bounds = (90000.0, 432000.0, 91000.0, 433000.0)
    level = basemap.level_for(bounds, 200)
    cols, rows = basemap.tiles_for(bounds, level)
    for col in cols:
        for row in rows:
            path = tmp_path / "tiles" / "grijs" / str(level) / f"{col}_{row}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            mpimg.imsave(path, np.full((256, 256, 3), 0.5))
    bm = basemap.fetch_basemap(bounds, 200)
    assert bm is not None
    xmin, xmax, ymin, ymax = bm.extent
    assert xmin <= bounds[0] and xmax >= bounds[2] and ymin <= bounds[1] and ymax >= bounds[3]
    assert bm.image.shape == (len(rows) * 256, len(cols) * 256, 4)
    assert abs(float(bm.image[..., 0].mean()) - 0.5) < 0.01
