"""Issue 10, part 5: an output never damages an input, and a bad output path is one line and exit 2.

Each test makes the fault itself (the register as --rejects, the dataset folder as --out, a symlink
or `..` to a data file, a read-only folder, a folder where a file goes and the reverse) and checks
the exit code, the one-line message naming the path, and that the dataset's files are unchanged.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from geo_tool.cli import main
from output_faults import _module_cache, copy_dataset, folder_hashes, read_only_folder, shared_import_cache  # noqa: F401

AS_OF = "2024-02-05"


@pytest.fixture(scope="module")
def data(small_demo, tmp_path_factory) -> Path:
    """A private copy of the small demo whose files the tests must never change."""
    return copy_dataset(small_demo, tmp_path_factory.mktemp("guarded") / "dataset")


@pytest.fixture(scope="module")
def ranked(data, tmp_path_factory) -> Path:
    """A small ranking of the demo (written once, outside the dataset)."""
    out = tmp_path_factory.mktemp("ranked") / "ranked.csv"
    assert main(["rank", str(data), "--as-of", AS_OF, "--top", "40", "--out", str(out)]) == 0
    return out


@pytest.fixture
def unchanged(data):
    """Asserts after the test that no file of the dataset folder was changed, added or removed."""
    before = folder_hashes(data)
    yield data
    assert folder_hashes(data) == before, "the dataset folder was changed"


def _one_line_error(capsys, *names: str) -> str:
    """The one error line on stderr (progress lines aside), which names `names`; no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("geo-tool ")]
    assert len(lines) == 1, err
    for name in names:
        assert name in lines[0], err
    return lines[0]


def _commands_writing_into(data: Path, ranked: Path, out: str) -> dict[str, list[str]]:
    """Every command with `out` as its output (file or folder)."""
    d = str(data)
    return {
        "validate": ["validate", d, "--rejects", out],
        "map": ["map", d, "--layers", "brp:eum_share", "--out", out],
        "rank": ["rank", d, "--as-of", AS_OF, "--top", "10", "--out", out],
        "train": ["train", d, "--as-of", AS_OF, "--out", out],
        "plan": ["plan", d, "--ranked", str(ranked), "--week", "2024-W06", "--time-limit", "1", "--out", out],
        "waterbed": ["waterbed", d, "--target", "Carnisse", "--start", "2022-01-01", "--out", out],
        "gui": ["gui", d, "--screenshot", out],
    }


@pytest.mark.parametrize("command", ["validate", "map", "rank", "gui"])
@pytest.mark.parametrize("name", ["brp_registrations.csv", "addresses.gpkg", "districts.gpkg", "complaints.csv",
                                  "Permits.CSV", "addresses.csv", "truth/addresses.csv"])
def test_an_output_file_of_the_dataset_is_refused(data, ranked, unchanged, capsys, command, name):
    """`validate D --rejects D/brp_registrations.csv` (and map/rank/gui onto any contract file, absent ones and
    other letter cases included, or into truth/) is refused with exit 2 before anything is written."""
    argv = _commands_writing_into(data, ranked, str(data / name))[command]
    assert main(argv) == 2
    _one_line_error(capsys, name)


@pytest.mark.parametrize("command", ["train", "plan", "waterbed"])
def test_the_dataset_folder_or_a_folder_holding_it_is_refused_as_output_folder(data, ranked, unchanged, capsys,
                                                                                command):
    """`plan --out D`, `train --out D`, `waterbed --out D`, their truth/ folder and a folder above D: exit 2."""
    for out in (data, data / "truth", data.parent):
        argv = _commands_writing_into(data, ranked, str(out))[command]
        assert main(argv) == 2
        _one_line_error(capsys, str(out))


def test_symlinks_and_dotdot_are_resolved_before_comparing(data, ranked, unchanged, tmp_path, capsys):
    """A symlink to the register, a symlinked dataset folder and a `..` detour still count as the dataset."""
    link = tmp_path / "innocent.csv"
    link.symlink_to(data / "brp_registrations.csv")
    assert main(["validate", str(data), "--rejects", str(link)]) == 2
    _one_line_error(capsys, "innocent.csv")
    folder_link = tmp_path / "elsewhere"
    folder_link.symlink_to(data, target_is_directory=True)
    assert main(["map", str(data), "--layers", "brp:eum_share", "--out", str(folder_link / "complaints.csv")]) == 2
    _one_line_error(capsys)
    detour = data / "truth" / ".." / "inspections.csv"
    assert main(["rank", str(data), "--as-of", AS_OF, "--out", str(detour)]) == 2
    _one_line_error(capsys)
    assert main(["train", str(data), "--as-of", AS_OF, "--out", str(folder_link)]) == 2
    _one_line_error(capsys)


def test_a_hard_link_to_a_data_file_is_refused(data, unchanged, tmp_path, capsys):
    """An existing file that is the same inode as a data file (a hard link) is the data file."""
    hard = tmp_path / "copy_of_register.csv"
    try:
        os.link(data / "brp_registrations.csv", hard)
    except OSError:
        pytest.skip("hard links not possible here")
    assert main(["validate", str(data), "--rejects", str(hard)]) == 2
    _one_line_error(capsys, "copy_of_register.csv")


def test_plan_may_not_write_over_its_ranking(data, ranked, unchanged, capsys):
    """`plan --ranked R --out R` (the ranking as plan folder) is refused; the ranking stays as it was."""
    before = ranked.read_bytes()
    argv = _commands_writing_into(data, ranked, str(ranked))["plan"]
    assert main(argv) == 2
    _one_line_error(capsys, str(ranked))
    assert ranked.read_bytes() == before


def test_rank_may_not_write_into_its_model_folder(data, unchanged, tmp_path, capsys):
    """`rank --model M --out M/x.csv` would damage the model folder: exit 2."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "model_card.md").write_text("x")
    assert main(["rank", str(data), "--as-of", AS_OF, "--model", str(model), "--out", str(model / "ranked.csv")]) == 2
    _one_line_error(capsys, "ranked.csv")


def test_rejects_in_the_dataset_folder_by_default_is_still_allowed(data, unchanged, capsys, tmp_path):
    """The contract's default DIR/rejects.csv is not a data file (the guard does not refuse it)."""
    from geo_tool.outputs import dataset_conflict

    assert dataset_conflict(data / "rejects.csv", data) is None
    assert dataset_conflict(data / "maps" / "x.png", data) is None
    assert dataset_conflict(data / "BRP_REGISTRATIONS.csv", data)


@pytest.mark.parametrize("command", ["validate", "map", "rank", "gui"])
def test_an_existing_folder_as_output_file_is_exit_2(data, ranked, unchanged, tmp_path, capsys, command):
    """A folder where a file is written (today IsADirectoryError, or SIGABRT for gui): one line, exit 2."""
    folder = tmp_path / "a_folder.png"
    folder.mkdir()
    argv = _commands_writing_into(data, ranked, str(folder))[command]
    assert main(argv) == 2
    _one_line_error(capsys, "a_folder.png")


@pytest.mark.parametrize("command", ["train", "plan", "waterbed", "demo", "quickstart"])
def test_an_existing_file_as_output_folder_is_exit_2(data, ranked, unchanged, tmp_path, capsys, command):
    """A file where a folder is written (today FileExistsError / NotADirectoryError): one line, exit 2."""
    file = tmp_path / "a_file"
    file.write_text("keep me")
    argv = {**_commands_writing_into(data, ranked, str(file)),
            "demo": ["demo", "--out", str(file)], "quickstart": ["quickstart", "--no-window", "--out", str(file)]}[command]
    assert main(argv) == 2
    _one_line_error(capsys, "a_file")
    assert file.read_text() == "keep me"


def test_an_output_under_a_file_is_exit_2(data, ranked, unchanged, tmp_path, capsys):
    """`--out some_file/x.png`: the folder to write in is a file: exit 2 naming it."""
    file = tmp_path / "plain"
    file.write_text("x")
    for command, argv in _commands_writing_into(data, ranked, str(file / "sub" / "x.png")).items():
        assert main(argv) == 2, command
        _one_line_error(capsys, "plain")


ALL_NINE = ["demo", "validate", "map", "train", "rank", "plan", "waterbed", "quickstart", "gui"]


@pytest.mark.parametrize("command", ALL_NINE)
def test_a_read_only_output_folder_is_one_line_and_exit_2(data, ranked, unchanged, tmp_path, capsys, command):
    """All 9 commands into a folder nobody can write (root included): one line naming it, exit 2, no traceback."""
    ro = tmp_path / "read_only"
    ro.mkdir()
    with read_only_folder(ro):
        target = str(ro / ("out.png" if command in ("map", "gui") else "out.csv" if command in ("validate", "rank")
                           else "out"))
        argv = {**_commands_writing_into(data, ranked, target), "demo": ["demo", "--out", target],
                "quickstart": ["quickstart", "--no-window", "--out", target]}[command]
        assert main(argv) == 2
        _one_line_error(capsys, "read_only")
        assert list(ro.iterdir()) == []


def test_an_os_error_during_the_work_is_one_line_naming_the_path(data, unchanged, tmp_path, capsys, monkeypatch):
    """A full disk (ENOSPC) while writing, after the checks passed: the CLI prints one line with the path, exit 2."""
    import geo_tool.fileio

    real_replace = os.replace

    def full_disk(src, dst):
        if str(dst).endswith("rejects_full.csv"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(geo_tool.fileio.os, "replace", full_disk)
    out = tmp_path / "rejects_full.csv"
    assert main(["validate", str(data), "--rejects", str(out)]) == 2
    err = _one_line_error(capsys, "rejects_full.csv")
    assert "schijf vol" in err
    assert not out.exists()


def test_gui_screenshot_paths_are_checked_before_qt_starts(data, tmp_path, capsys, monkeypatch):
    """`gui --screenshot FOLDER` used to abort (exit 134) inside Qt; the path is now refused before Qt is imported."""
    import sys

    monkeypatch.delitem(sys.modules, "geo_tool.ui.app", raising=False)
    monkeypatch.setitem(sys.modules, "geo_tool.ui.app", None)  # importing the window would now fail loudly
    assert main(["gui", "--screenshot", str(tmp_path)]) == 2
    _one_line_error(capsys, str(tmp_path))
    assert main(["gui", str(tmp_path / "missing"), "--screenshot", str(tmp_path / "x.png")]) == 2
    _one_line_error(capsys, "missing")


def test_demo_never_overwrites_a_dataset_that_is_not_a_demo(data, tmp_path, capsys):
    """`demo --out D` on real data (no truth/parameters.json) regenerated it over the register: now exit 2."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "brp_registrations.csv").write_text("person_id,address_id,registered_from\n")
    before = folder_hashes(real)
    assert main(["demo", "--out", str(real)]) == 2
    _one_line_error(capsys, "real")
    assert folder_hashes(real) == before
    from geo_tool.outputs import check_demo_folder

    check_demo_folder(data)  # an earlier demo (truth/parameters.json) may be regenerated


def test_quickstart_never_writes_into_a_dataset_folder(data, unchanged, capsys):
    """`quickstart --out D` put a demo, maps and a plan inside the dataset folder: now exit 2."""
    assert main(["quickstart", "--no-window", "--out", str(data)]) == 2
    _one_line_error(capsys, str(data))


@pytest.mark.parametrize("argv", [
    ["demo", "--seed", "-1"], ["demo", "--seed", str(2**40)], ["quickstart", "--no-window", "--seed", str(10**30)],
])
def test_seeds_outside_what_the_generators_take_are_exit_2(tmp_path, capsys, argv):
    """A seed numpy or pyvrp cannot take (negative, > 2^32-1) ended in a TypeError/ValueError traceback."""
    assert main(argv + ["--out", str(tmp_path / "out")]) == 2
    assert "--seed" in _one_line_error(capsys)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", ["--out", "--rejects"])
def test_an_empty_path_is_not_the_current_folder(data, unchanged, tmp_path, capsys, monkeypatch, option):
    """`--out ''` silently meant the current folder (Path('') == '.'); now exit 2 and nothing written there."""
    monkeypatch.chdir(tmp_path)
    argv = {"--out": ["map", str(data), "--layers", "brp:eum_share", "--out", ""],
            "--rejects": ["validate", str(data), "--rejects", " "]}[option]
    assert main(argv) == 2
    assert option in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_huge_dpi_is_refused_before_drawing(data, unchanged, tmp_path, capsys):
    """`map --dpi 10^9` would ask matplotlib for an image of petabytes: exit 2 at once."""
    assert main(["map", str(data), "--layers", "brp:eum_share", "--dpi", str(10**9), "--out", str(tmp_path / "x.png")]) == 2
    assert "--dpi" in _one_line_error(capsys)


def test_the_window_reports_a_bad_screenshot_path_instead_of_aborting(tmp_path):
    """`run_gui(screenshot=FOLDER)` called directly (past the CLI's check) raised inside a Qt slot and aborted
    the process (exit 134); the slot now reports one line and exits 2."""
    import subprocess
    import sys

    folder = tmp_path / "shots"
    folder.mkdir()
    code = ("import sys; from pathlib import Path; from geo_tool.ui.app import run_gui; "
            f"sys.exit(run_gui(None, Path({str(folder)!r}), timeout_s=60))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "shots" in [line for line in result.stderr.splitlines() if line.startswith("geo-tool gui")][0]
