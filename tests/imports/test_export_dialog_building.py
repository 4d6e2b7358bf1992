"""The window's export dialog offers the building level like `geo-tool map --level building`: internal,
planner only, the same formats and the same file."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("PyQt6")

from geo_tool.cli import main  # noqa: E402


def _dialog(allow_internal: bool, level: str = "wijk"):
    from geo_tool.ui.export_dialog import ExportDialog

    return ExportDialog(None, ["brp:residents"], level, "2023", allow_internal=allow_internal)


def test_building_level_is_offered_to_planners_only(qtbot):
    """A planner's dialog lists 'gebouw (intern)'; a researcher's (no internal export) does not, and a
    window at building level opens a researcher's dialog at wijk."""
    planner = _dialog(True)
    qtbot.addWidget(planner)
    assert planner.level.findData("building") >= 0
    researcher = _dialog(False, level="building")
    qtbot.addWidget(researcher)
    assert researcher.level.findData("building") < 0
    assert researcher.choices()[1] == "wijk"


def test_building_level_forces_internal_and_the_building_formats(qtbot, tmp_path):
    """Choosing the building level ticks 'Intern' and locks it (as the CLI needs --internal), and the GeoTIFF
    (a density surface, which the CLI refuses at building level) can no longer be chosen."""
    d = _dialog(True)
    qtbot.addWidget(d)
    d.internal.setChecked(False)
    d.format_boxes["tif"].setChecked(True)
    d.level.setCurrentIndex(d.level.findData("building"))
    assert d.internal.isChecked() and not d.internal.isEnabled()
    assert not d.format_boxes["tif"].isEnabled()
    d.folder.setText(str(tmp_path))
    for key in ("csv", "gpkg", "pdf"):
        d.format_boxes[key].setChecked(True)
    specs, level, files, internal = d.choices()
    assert level == "building" and internal is True
    assert {p.suffix for p in files} == {".csv", ".gpkg", ".pdf"}
    d.level.setCurrentIndex(d.level.findData("wijk"))
    assert d.internal.isEnabled() and d.format_boxes["tif"].isEnabled()


def test_window_building_csv_is_the_cli_file_and_is_audited(small_demo, tmp_path):
    """The dialog's building-level CSV holds the same figures per building as `geo-tool map --level building
    --internal --out x.csv`, and its export is in the audit log as internal building level."""
    from geo_tool.dataset import load_dataset
    from geo_tool.export.audit import read_audit
    from geo_tool.layers import TimeWindow
    from geo_tool.ui.export_dialog import write_export

    cli_out = tmp_path / "cli.csv"
    assert main(["map", str(small_demo), "--layers", "brp:residents", "--level", "building", "--internal",
                 "--out", str(cli_out)]) == 0
    ds = load_dataset(small_demo)
    out = write_export(ds, ["brp:residents"], tmp_path / "venster.csv", "building", TimeWindow.default_for(ds), True)
    a, b = pd.read_csv(cli_out, dtype=str), pd.read_csv(out, dtype=str)
    assert len(b) > 100 and {"building_id", "addresses", "residents", "complaints", "findings"} <= set(b.columns)
    pd.testing.assert_frame_equal(a, b)
    record = [r for r in read_audit() if r.get("file") == str(out.resolve())]
    assert record and record[-1]["level"] == "building" and record[-1]["internal"] is True


def test_building_export_is_refused_to_a_researcher(small_demo, tmp_path):
    """Even when called directly, a building-level file is refused unless the session is a planner's."""
    from geo_tool.dataset import load_dataset
    from geo_tool.errors import GeoToolError
    from geo_tool.layers import TimeWindow
    from geo_tool.security.roles import set_session_role
    from geo_tool.ui.export_dialog import write_export

    ds = load_dataset(small_demo)
    set_session_role("researcher")
    for name in ("gebouwen.csv", "gebouwen.png"):
        with pytest.raises(GeoToolError):
            write_export(ds, ["brp:residents"], tmp_path / name, "building", TimeWindow.default_for(ds), True)
        assert not (tmp_path / name).exists()
