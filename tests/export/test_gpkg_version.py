"""Every GeoPackage the tool writes is GeoPackage 1.2, so GDAL 3.6 and older QGIS installs open it cleanly."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import geo_tool
from geo_tool.export import export_map

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_1_2 = 10200  # user_version of GeoPackage 1.2 (GDAL's default is 10400 = 1.4)


def _version(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as con:
        return (con.execute("pragma application_id").fetchone()[0], con.execute("pragma user_version").fetchone()[0])


def test_exported_gpkg_is_version_1_2(tiny_dataset, window_2023, tmp_path):
    """A map export to .gpkg carries application_id GPKG and user_version 10200 (1.2), and ogrinfo, when
    installed, opens it without the 'may only be partially supported' warning."""
    out = export_map(tiny_dataset, ["brp", "districts"], tmp_path / "figures.gpkg", window=window_2023)
    assert _version(Path(out)) == (GPKG_APPLICATION_ID, GPKG_1_2)
    if shutil.which("ogrinfo"):
        run = subprocess.run(["ogrinfo", "-so", "-al", str(out)], capture_output=True, text=True)
        assert run.returncode == 0 and "partially supported" not in run.stderr + run.stdout


def test_demo_gpkgs_are_version_1_2(small_demo):
    """Every GeoPackage of the generated demo dataset (districts, addresses, ...) is version 1.2."""
    files = sorted(small_demo.rglob("*.gpkg"))
    assert files
    assert {f.name: _version(f) for f in files} == {f.name: (GPKG_APPLICATION_ID, GPKG_1_2) for f in files}


def test_every_gpkg_writer_passes_the_version_option():
    """No source file writes a GeoPackage (driver="GPKG") without GPKG_DATASET_OPTIONS: one rule, every writer."""
    root = Path(geo_tool.__file__).parent
    missing = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"(to_file|write_dataframe)\((?:[^()]|\([^()]*\))*\)", text):
            if 'driver="GPKG"' in call.group(0) and "GPKG_DATASET_OPTIONS" not in call.group(0):
                missing.append(f"{path.relative_to(root)}: {call.group(0)[:60]}")
    assert missing == []
