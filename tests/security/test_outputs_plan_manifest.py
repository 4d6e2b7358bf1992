"""Issue 10, part 5: `plan` into a folder that holds an earlier week never leaves last week's sheets and GPX.

The plan folder carries plan_manifest.json (the files of the run with their SHA-256); the next run
removes exactly those, keeps the user's other files, refuses plan files no manifest lists, and a
crash leaves either the old plan or a manifest from which the next run cleans up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo_tool.errors import UsageError
from geo_tool.planning import PlanParams, plan_week, write_plan_outputs
from geo_tool.planning.outputs import MANIFEST, previous_plan_files
from geo_tool.planning.synthetic import toy_dataset, toy_ranking
from output_faults import folder_hashes


@pytest.fixture(scope="module")
def toy():
    """A small synthetic city and its ranking."""
    dataset = toy_dataset(300, size_m=3000, wijken_per_side=2, seed=0)
    return dataset, toy_ranking(dataset, 150, seed=0)


@pytest.fixture(scope="module")
def week10(toy):
    """Two teams on Monday and Tuesday of 2026-W10."""
    dataset, ranked = toy
    return plan_week(dataset, ranked, PlanParams(week="2026-W10", teams=2, days=("mon", "tue"), time_limit_s=0.5))


@pytest.fixture(scope="module")
def week11(toy):
    """One team on the Wednesday of 2026-W11: none of its file names is one of week 10's sheets or maps."""
    dataset, ranked = toy
    return plan_week(dataset, ranked, PlanParams(week="2026-W11", teams=1, days=("wed",), time_limit_s=0.5))


def _plan_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")} - {"notes.txt", "ranked.csv"}


def test_a_second_week_replaces_the_first_and_keeps_other_files(toy, week10, week11, tmp_path):
    """Week 11 into week 10's folder: no sheet, GPX or day map of week 10 is left; the user's own files stay."""
    dataset, _ = toy
    out = tmp_path / "plan"
    first = write_plan_outputs(week10, dataset, out)
    (out / "notes.txt").write_text("mine")
    old_sheets = {p.name for p in out.glob("sheets_*.pdf")} | {p.name for p in out.glob("plan_*.gpx")}
    assert any("2026-03-02" in n for n in old_sheets)
    second = write_plan_outputs(week11, dataset, out)
    names = _plan_files(out)
    assert not any("2026-03-0" in n for n in names), names   # 2 and 3 March: week 10
    assert {p.name for p in second} <= names | {"plan_week_files"}
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["week"] == "2026-W11" and manifest["status"] == "complete"
    assert set(manifest["files"]) == names - {MANIFEST}
    assert (out / "notes.txt").read_text() == "mine"
    assert first and not list(out.glob(".plan-new-*"))


def test_plan_files_that_no_manifest_lists_are_refused(toy, week11, tmp_path):
    """A folder with last week's sheets written without a manifest (today's folders) is refused, untouched."""
    dataset, _ = toy
    out = tmp_path / "plan"
    out.mkdir()
    (out / "sheets_T1_2026-03-02.pdf").write_bytes(b"%PDF old")
    (out / "plan_T2_2026-03-03.gpx").write_text("<gpx/>")
    before = folder_hashes(out)
    with pytest.raises(UsageError, match="sheets_T1_2026-03-02.pdf"):
        write_plan_outputs(week11, dataset, out)
    assert folder_hashes(out) == before


def test_a_manifest_cannot_name_files_outside_the_folder(tmp_path):
    """A crafted manifest listing ../something is refused, so a plan run never deletes outside its folder."""
    out = tmp_path / "plan"
    out.mkdir()
    victim = tmp_path / "victim.csv"
    victim.write_text("x")
    (out / MANIFEST).write_text(json.dumps({"files": ["../victim.csv", "plan.csv"]}))
    with pytest.raises(UsageError):
        previous_plan_files(out)
    (out / MANIFEST).write_text("{not json")
    with pytest.raises(UsageError):
        previous_plan_files(out)
    assert victim.exists()


def test_a_crash_while_writing_leaves_the_old_plan(toy, week10, week11, tmp_path, monkeypatch):
    """Killed while writing the new files (here: the report fails): the old plan is exactly as it was."""
    import geo_tool.planning.outputs as po

    dataset, _ = toy
    out = tmp_path / "plan"
    write_plan_outputs(week10, dataset, out)
    before = folder_hashes(out)

    def crash(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(po, "plan_report_text", crash)
    with pytest.raises(RuntimeError):
        write_plan_outputs(week11, dataset, out)
    assert folder_hashes(out) == before
    assert not list(out.glob(".plan-new-*"))


def test_a_crash_during_the_switch_is_cleaned_up_by_the_next_run(toy, week10, week11, tmp_path, monkeypatch):
    """Killed halfway through renaming: the manifest lists old and new files, and the next run leaves only its own."""
    import geo_tool.planning.outputs as po

    dataset, _ = toy
    out = tmp_path / "plan"
    write_plan_outputs(week10, dataset, out)
    calls = {"n": 0}
    real_replace = po.os.replace

    def crash_after_three(src, dst):  # only the renames of the switch (staging folder -> plan folder) count
        if Path(dst).parent == out and Path(src).parent.name.startswith(".plan-new-"):
            calls["n"] += 1
            if calls["n"] > 3:
                raise OSError("killed")
        return real_replace(src, dst)

    monkeypatch.setattr(po.os, "replace", crash_after_three)
    with pytest.raises(OSError):
        write_plan_outputs(week11, dataset, out)
    monkeypatch.setattr(po.os, "replace", real_replace)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["status"] == "switching"
    assert _plan_files(out) - {MANIFEST} <= set(manifest["files"])
    write_plan_outputs(week11, dataset, out)
    assert not any("2026-03-0" in n for n in _plan_files(out))
    assert json.loads((out / MANIFEST).read_text())["status"] == "complete"


def test_cli_plan_into_a_folder_with_an_earlier_week_is_refused_before_the_work(small_demo, tmp_path, capsys,
                                                                                monkeypatch):
    """`geo-tool plan --out FOLDER` with last week's GPX and no manifest: exit 2 naming the file, before any import."""
    from geo_tool.cli import main

    out = tmp_path / "plan"
    out.mkdir()
    (out / "plan_T1_2026-03-02.gpx").write_text("<gpx/>")
    ranked = tmp_path / "ranked.csv"
    ranked.write_text("rank,address_id,score\n1,0599200000000001,0.5\n")
    monkeypatch.setattr("geo_tool.dataset.load_dataset", lambda *a, **k: pytest.fail("the dataset was imported"))
    code = main(["plan", str(small_demo), "--ranked", str(ranked), "--week", "2026-W11", "--out", str(out)])
    assert code == 2
    assert "plan_T1_2026-03-02.gpx" in capsys.readouterr().err
    assert (out / "plan_T1_2026-03-02.gpx").read_text() == "<gpx/>"


def test_quickstart_adopts_only_its_own_older_plan_folder(tmp_path, capsys):
    """An older quickstart folder (earlier demo + plan without manifest) is adopted; plan files in a folder that is
    not a quickstart's are refused before the demo is generated."""
    from geo_tool.cli import main
    from geo_tool.planning.outputs import adopt_plan_folder

    foreign = tmp_path / "not_quickstart"
    (foreign / "plan").mkdir(parents=True)
    (foreign / "plan" / "sheets_T1_2026-03-02.pdf").write_bytes(b"%PDF")
    assert main(["quickstart", "--no-window", "--out", str(foreign)]) == 2
    assert "sheets_T1_2026-03-02.pdf" in capsys.readouterr().err
    assert not (foreign / "dataset").exists()
    ours = tmp_path / "quickstart" / "plan"
    ours.mkdir(parents=True)
    (ours / "plan_T1_2026-03-02.gpx").write_text("<gpx/>")
    (ours / "notes.txt").write_text("mine")
    assert adopt_plan_folder(ours) == ["plan_T1_2026-03-02.gpx"]
    assert previous_plan_files(ours) == ["plan_T1_2026-03-02.gpx"]
