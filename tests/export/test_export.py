"""Exports: formats, offline HTML, disclosure control, internal marking, audit log, atomic writes."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess

import numpy as np
import pandas as pd
import pyogrio
import pytest

from geo_tool.errors import UsageError
from geo_tool.export import export_map, figures_table
from geo_tool.export.audit import audit_log_path, read_audit
from geo_tool.export.disclosure import apply_disclosure, round_to_base
from geo_tool.export.html import CDN_PATTERNS, local_asset_refs
from geo_tool.layers import Measure

ALL = ["brp", "permits", "complaints", "inspections"]


def _no_temp_files(folder):
    return [p.name for p in folder.rglob("*") if ".tmp" in p.name]


def test_disclosure_suppresses_small_counts_and_rounds_others():
    """Counts 1-9 are emptied (flag onderdrukt), 0 stays 0, others round to 5; a share is recomputed from
    the rounded counts with one decimal and goes with its counts; a share naming no counts is never shown."""
    m = {"n": Measure("n", "n", "", "count"), "d": Measure("d", "d", "", "count"),
         "s": Measure("s", "s", "%", "share", suppress_with=("n", "d"), numerator="n", denominator="d", scale=100.0),
         "bare": Measure("bare", "bare", "%", "share", suppress_with=("n",))}
    df = pd.DataFrame({"n": [0, 3, 12, 13, 40], "d": [20, 30, 33, 5, 100], "s": [0.0, 10.0, 36.36, 260.0, 40.0],
                       "bare": [1.0, 2.0, 3.0, 4.0, 5.0]})
    out = apply_disclosure(df, m)
    assert out["n"].tolist()[0] == 0 and pd.isna(out["n"][1])
    assert out["n"].tolist()[2:] == [10, 15, 40]
    assert out["n_flag"].tolist() == ["", "onderdrukt", "", "", ""]
    assert pd.isna(out["d"][3]) and out["d"].tolist()[:3] == [20, 30, 35]
    assert np.isnan(out["s"][1]) and np.isnan(out["s"][3])
    assert out["s"][2] == 28.6 and out["s"][0] == 0.0  # 100 x 10 / 35 from the rounded counts, not 36.36
    assert out["s_flag"].tolist() == ["", "onderdrukt", "", "onderdrukt", ""]
    assert out["bare"].isna().all() and (out["bare_flag"] == "onderdrukt").all()
    assert list(round_to_base(np.array([12.5, 17.4, 22.5]))) == [15, 15, 25]


def test_figures_table_holds_every_requested_figure(tiny_dataset, window_2023):
    """figures_table gives one row per wijk with code, name and the figures of every spec (bare key = all)."""
    t = figures_table(tiny_dataset, ["brp:eum_share", "inspections"], "wijk", window_2023)
    assert list(t["code"]) == ["BU05990101", "BU05990102", "BU05990201", "BU05990202"]
    assert {"eum_share", "visits", "violations_found", "hit_rate"} <= set(t.columns)
    assert "residents" not in t.columns
    assert t.crs.to_epsg() == 28992


def test_csv_has_no_count_between_1_and_9(tiny_dataset, window_2023, tmp_path):
    """No exported CSV cell of a count holds 1..9; counts are multiples of 5; flags mark the suppressed."""
    out = export_map(tiny_dataset, ALL, tmp_path / "figures.csv", window=window_2023)
    df = pd.read_csv(out, dtype={"code": str})
    counts = [c for c in df.columns if c.endswith(("_count", "residents", "moves", "visits", "_found", "no_access",
                                                   "addresses", "residents_ref"))]
    assert "residents" in counts and "complaint_count" in counts
    for c in counts:
        v = df[c].dropna()
        assert not ((v >= 1) & (v < 10)).any(), c
        assert (v % 5 == 0).all(), c
    alpha = df.set_index("code").loc["BU05990101"]
    # Bravo's 5 residents are suppressed, so Alpha (12), the only other wijk of gebied Noord, is too:
    # otherwise Noord's total minus Alpha would give Bravo back (secondary suppression)
    assert pd.isna(alpha["residents"]) and alpha["residents_flag"] == "onderdrukt"
    assert pd.isna(alpha["eum_count"]) and alpha["eum_count_flag"] == "onderdrukt"
    assert pd.isna(alpha["eum_share"]) and alpha["eum_share_flag"] == "onderdrukt"
    assert df.set_index("code").loc["BU05990201", "residents"] == 20  # 22 rounded to 5
    assert not _no_temp_files(tmp_path)


def test_gpkg_opens_with_epsg_28992_and_cbs_codes(tiny_dataset, window_2023, tmp_path):
    """Every layer is its own table in EPSG:28992 with CBS codes, no small counts, and export metadata."""
    out = export_map(tiny_dataset, ALL + ["districts"], tmp_path / "figures.gpkg", window=window_2023)
    names = {n for n, _ in pyogrio.list_layers(out)}
    assert {"brp_wijk", "permits_wijk", "complaints_wijk", "inspections_wijk", "districts_wijk"} <= names
    gdf = pyogrio.read_dataframe(out, layer="brp_wijk")
    assert gdf.crs.to_epsg() == 28992
    assert gdf["code"].str.match(r"^BU0599\d{4}$").all()
    for c in ("residents", "eum_count", "overcrowded_count", "moves"):
        v = gdf[c].dropna()
        assert not ((v >= 1) & (v < 10)).any(), c
    info = pyogrio.read_dataframe(out, layer="geo_tool_export_info")
    meta = dict(zip(info["key"], info["value"]))
    assert meta["internal"] == "False" and meta["level"] == "wijk"
    with sqlite3.connect(out) as con:
        assert con.execute("select count(*) from gpkg_metadata").fetchone()[0] >= 1
    if shutil.which("ogrinfo"):
        res = subprocess.run(["ogrinfo", "-so", str(out), "brp_wijk"], capture_output=True, text=True)
        assert res.returncode == 0 and "28992" in res.stdout
    gebied = export_map(tiny_dataset, ["brp"], tmp_path / "gebied.gpkg", level="gebied", window=window_2023)
    g = pyogrio.read_dataframe(gebied, layer="brp_gebied")
    assert g["code"].tolist() == ["WK059901", "WK059902"]
    assert not _no_temp_files(tmp_path)


def test_geotiff_crs_transform_dtype(tiny_dataset, window_2023, tmp_path):
    """The density GeoTIFF is EPSG:28992, float32, deflate-compressed, with metadata tags: 25 m kernel
    density when internal, 100 m cells with nodata under the threshold for researchers."""
    import rasterio

    out = export_map(tiny_dataset, ["complaints:density"], tmp_path / "density.tif", window=window_2023)
    with rasterio.open(out) as src:
        assert src.crs.to_epsg() == 28992
        assert src.transform.a == 100.0 and src.transform.e == -100.0
        assert src.dtypes[0] == "float32"
        assert src.compression.name.lower() == "deflate"
        assert src.tags()["internal"] == "False" and src.tags()["disclosure_grid_m"] == "100"
        assert np.isnan(src.read(1)).all()  # 6 complaints: no 100 m cell reaches 10
    out = export_map(tiny_dataset, ["complaints:density"], tmp_path / "intern.tif", window=window_2023, internal=True)
    with rasterio.open(out) as src:
        assert src.transform.a == 25.0 and src.transform.e == -25.0
        assert src.tags()["internal"] == "True"
        assert src.read(1).sum() > 0
    with pytest.raises(UsageError, match="complaints:density"):
        export_map(tiny_dataset, ["brp"], tmp_path / "x.tif", window=window_2023)


def test_html_is_offline(tiny_dataset, window_2023, tmp_path):
    """The HTML page references no CDN, only local Leaflet/jQuery copies that exist; tooltips and layer control are there."""
    out = export_map(tiny_dataset, ["brp:eum_share", "complaints:complaint_rate", "complaints:density"],
                     tmp_path / "kaart.html", window=window_2023)
    page = out.read_text(encoding="utf-8")
    for p in CDN_PATTERNS:
        assert p not in page, p
    refs = local_asset_refs(page)
    assert any(r.endswith("leaflet.js") for r in refs) and any(r.endswith("jquery.min.js") for r in refs)
    for r in refs:
        assert (tmp_path / r).is_file(), r
    assert "L.control.layers" in page and "tooltip" in page.lower()
    assert "Aandeel EU-arbeidsmigranten" in page and "onderdrukt" in page
    assert '"show": false' in page or "service.pdok.nl" in page  # basemap only as an optional layer
    assert not _no_temp_files(tmp_path)


def test_address_level_refused_unless_internal(tiny_dataset, window_2023, tmp_path):
    """Address figures and point layers never leave the tool without internal=True; internal files say so."""
    with pytest.raises(UsageError, match="--internal"):
        export_map(tiny_dataset, ["brp:residents"], tmp_path / "a.csv", level="address", window=window_2023)
    with pytest.raises(UsageError, match="--internal"):
        export_map(tiny_dataset, ["complaints:points"], tmp_path / "a.png", window=window_2023)
    assert not list(tmp_path.iterdir())
    out = export_map(tiny_dataset, ["brp:residents"], tmp_path / "a.csv", level="address", window=window_2023,
                     internal=True)
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# INTERN")
    df = pd.read_csv(out, comment="#", dtype={"code": str})
    assert len(df) == 40 and "person_id" not in df.columns
    html = export_map(tiny_dataset, ["complaints:points"], tmp_path / "p.html", window=window_2023, internal=True)
    assert "INTERN" in html.read_text(encoding="utf-8").splitlines()[0]


def test_audit_log_line_per_export(tiny_dataset, window_2023, tmp_path):
    """Each export appends one JSON line: who, when, file, format, layers, level, window, internal."""
    export_map(tiny_dataset, ["brp:eum_share"], tmp_path / "a.csv", window=window_2023, user="tester")
    export_map(tiny_dataset, ["inspections:hit_rate"], tmp_path / "b.gpkg", level="gebied", window=window_2023,
               user="tester")
    recs = read_audit()
    assert len(recs) == 2 and audit_log_path().read_text().count("\n") == 2
    r = recs[1]
    assert r["who"] == "tester" and r["format"] == "gpkg" and r["level"] == "gebied"
    assert r["layers"] == ["inspections:hit_rate"] and r["window"] == {"start": "2023-01-01", "end": "2023-12-31"}
    assert r["internal"] is False and r["file"].endswith("b.gpkg") and r["when"]
    assert json.loads(audit_log_path().read_text().splitlines()[0])["format"] == "csv"


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".svg"])
def test_static_maps_are_written(schematic_dataset, window_2023, tmp_path, suffix):
    """PNG/PDF/SVG maps are written, non-empty, with no temp files left; the PNG is not blank and says schematic."""
    out = export_map(schematic_dataset, ["brp:eum_share", "complaints:density", "districts"], tmp_path / f"map{suffix}",
                     window=window_2023, dpi=80)
    assert out.stat().st_size > 5000
    assert not _no_temp_files(tmp_path)
    if suffix == ".png":
        import matplotlib.image as mpimg
        from PIL import Image

        img = mpimg.imread(out)
        assert img[..., :3].var() > 0
        assert "schematic=true" in Image.open(out).info.get("Comment", "")
    if suffix == ".svg":
        assert "SCHEMATISCH" in out.read_text(encoding="utf-8")


def test_a3_is_larger_than_a4(tiny_dataset, window_2023, tmp_path):
    """paper='A3' gives a larger page than A4 at the same dpi; unknown papers are refused."""
    from PIL import Image

    a4 = export_map(tiny_dataset, ["brp:residents"], tmp_path / "a4.png", window=window_2023, dpi=50)
    a3 = export_map(tiny_dataset, ["brp:residents"], tmp_path / "a3.png", window=window_2023, dpi=50, paper="A3")
    assert Image.open(a3).size[0] > Image.open(a4).size[0] > Image.open(a4).size[1]
    with pytest.raises(UsageError):
        export_map(tiny_dataset, ["brp:residents"], tmp_path / "a5.png", window=window_2023, paper="A5")


def test_unknown_suffix_is_refused(tiny_dataset, tmp_path):
    """A suffix that is not a known format is refused with the allowed ones named."""
    with pytest.raises(UsageError, match=".png"):
        export_map(tiny_dataset, ["brp"], tmp_path / "x.docx")


def test_failed_write_leaves_old_file_and_no_temp(tiny_dataset, window_2023, tmp_path, monkeypatch):
    """A crash while writing leaves the previous file untouched and no temporary file behind."""
    target = tmp_path / "keep.csv"
    target.write_text("old")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(RuntimeError):
        export_map(tiny_dataset, ["brp"], target, window=window_2023)
    assert target.read_text() == "old"
    assert not _no_temp_files(tmp_path)
