"""First run (issue 15): `./run demo` uses the real data of ../shared/data and says so, says how to open
the window without a display, and the set-up prints one line per step instead of pip's output."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from geo_tool.cli import main
from geo_tool.jobs import SHARED_DATA_FILES, quickstart_sources

REPO = Path(__file__).resolve().parents[1]


def test_sources_line_names_the_real_data_found(tmp_path, monkeypatch):
    """With only the street network in the shared folder, quickstart uses just that and its line names only
    'stratennet'; with an empty folder it uses none and says it falls back."""
    monkeypatch.setenv("GEO_TOOL_SHARED_DATA", str(tmp_path))
    found, line = quickstart_sources()
    assert found == {} and line.startswith("geen echte gegevens in ")
    (tmp_path / "rotterdam_osm_street_network.gpkg").write_bytes(b"")
    found, line = quickstart_sources()
    assert set(found) == {"network"}
    assert line.endswith(": stratennet") and line.startswith("gebruikt echte gegevens uit ")


def test_quickstart_with_shared_data_uses_boundaries_grid_and_street_network(shared_data, tmp_path, monkeypatch,
                                                                             capsys):
    """`geo-tool quickstart` with GEO_TOOL_SHARED_DATA set: one line says which real data it uses, the demo
    has the real wijk codes, the week plan's report names the street network, and without a display the
    output ends by saying how to open the window."""
    import geopandas as gpd

    if not all((shared_data / name).is_file() for _, name, _ in SHARED_DATA_FILES):
        pytest.skip("not all of the shared data files are there")
    monkeypatch.setenv("GEO_TOOL_SHARED_DATA", str(shared_data))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("GEO_TOOL_LAUNCHER", raising=False)
    out = tmp_path / "qs"
    assert main(["quickstart", "--out", str(out)]) in (0, 1)
    printed = capsys.readouterr().out.strip().splitlines()
    assert "gebruikt echte gegevens uit" in printed[0] and "wijkgrenzen, CBS-raster, stratennet" in printed[0]
    assert printed[-1] == f"geen beeldscherm gevonden. Open het venster met: geo-tool gui {out / 'dataset'}"
    real = set(gpd.read_file(shared_data / "rotterdam_districts.gpkg", layer="wijken")["code"])
    demo = set(gpd.read_file(out / "dataset" / "districts.gpkg", layer="wijken")["code"])
    assert demo and demo <= real
    report = (out / "plan" / "plan_report.md").read_text(encoding="utf-8")
    assert "stratennet rotterdam_osm_street_network.gpkg" in report
    assert "hemelsbreed x 1,3: geen stratennet" not in report


def test_window_hint_names_the_run_script_when_started_by_it(monkeypatch):
    """Started by `./run demo` the closing line says `./run window`; otherwise `geo-tool gui DIR/dataset`."""
    from geo_tool.cli import window_hint

    monkeypatch.setenv("GEO_TOOL_LAUNCHER", "./run")
    assert window_hint(Path("demo-output"), displayed=False).endswith("Open het venster met: ./run window")
    assert window_hint(Path("elders"), displayed=False).endswith("./run window elders")
    monkeypatch.delenv("GEO_TOOL_LAUNCHER")
    assert window_hint(Path("x"), displayed=True).endswith(f"geo-tool gui {Path('x') / 'dataset'}")


FAKE_PYTHON = """#!/bin/bash
# a stand-in interpreter: `-m venv DIR` makes a venv whose pip prints what real pip prints, warnings included
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  cat > "$3/bin/pip" <<'PIP'
#!/bin/bash
echo "Collecting numpy"
echo "DEPRECATION: License classifiers are deprecated. Please use a SPDX license expression instead." >&2
echo "WARNING: pip is being invoked by an old script wrapper." >&2
if [ -n "$FAKE_PIP_FAIL" ]; then echo "ERROR: No matching distribution found for pyvrp==99" >&2; exit 1; fi
echo "Successfully installed geo-tool"
PIP
  printf '#!/bin/bash\\necho "geo-tool 0.0"\\n' > "$3/bin/geo-tool"
  chmod +x "$3/bin/pip" "$3/bin/geo-tool"
  exit 0
fi
exec python3 "$@"
"""


def _run_setup(tmp_path: Path, fail: bool, *args: str) -> subprocess.CompletedProcess:
    fake = tmp_path / "python"
    fake.write_text(FAKE_PYTHON, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PYTHON": str(fake), "GEO_TOOL_VENV": str(tmp_path / "venv")}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    if fail:
        env["FAKE_PIP_FAIL"] = "1"
    return subprocess.run(["bash", str(REPO / "run"), *args], env=env, capture_output=True, text=True, timeout=60)


def test_setup_prints_one_line_per_step_and_keeps_pip_output_in_a_log(tmp_path):
    """The set-up shows its numbered steps and no pip output or warnings; pip's output is in the venv's log."""
    done = _run_setup(tmp_path, fail=False)
    assert done.returncode == 2  # no command: the usage line after the set-up
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert [s.split(" ")[0] for s in lines if s[:1].isdigit()] == ["1/3", "2/3", "3/3"]
    for bad in ("pip is being invoked", "DEPRECATION", "WARNING", "Collecting", "License"):
        assert not any(bad in s for s in lines), (bad, lines)
    log = (tmp_path / "venv" / "setup.log").read_text(encoding="utf-8")
    assert "DEPRECATION: License classifiers" in log and "Successfully installed" in log
    assert (tmp_path / "venv" / ".installed").exists()


def test_a_failing_setup_step_shows_the_tail_of_the_log(tmp_path):
    """When pip fails, the set-up stops (exit 1), says which step failed and shows pip's last lines."""
    done = _run_setup(tmp_path, fail=True)
    assert done.returncode == 1
    assert "mislukt" in done.stderr and "No matching distribution found for pyvrp==99" in done.stderr
    assert not (tmp_path / "venv" / ".installed").exists()


def test_run_window_without_a_display_says_so(tmp_path):
    """`./run window` on a machine without a display stops with a Dutch one-line reason (exit 2), not Qt's abort."""
    done = _run_setup(tmp_path, False, "window")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("geen beeldscherm gevonden")
