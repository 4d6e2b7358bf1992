"""Issue 10, done-when: every command driven with generated arguments and paths ends cleanly.

`geo_tool.cli.main(argv)` runs in-process with generated values: output paths that are missing,
existing files or folders of the wrong kind, read-only, files of the dataset (also through a symlink
or `..`), odd dates (0001-01-01, 9999-12-31, impossible ones), negative and huge numbers, empty and
unicode text, and unknown options. The rule checked for each run: no exception but SystemExit escapes
`main` (so no traceback), the exit code is 0, 1 or 2, and no file of the dataset folder changed
(SHA-256 before and after; DIR/rejects.csv is `validate`'s own default output).

Kept fast: the heavy work is reached only by a share of the examples, `plan` gets short solver
times, `train` few examples, `quickstart` only refused output folders (a valid one is the full demo),
`validate --no-cache` and `demo --size city` are left out, and `gui` is tested in test_outputs_paths.py.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from geo_tool.cli import main
from output_faults import (  # noqa: F401 (fixtures)
    _module_cache,
    copy_dataset,
    folder_hashes,
    make_read_only,
    shared_import_cache,
    undo_read_only,
)

FUZZ = settings(deadline=None, derandomize=True, database=None, phases=(Phase.explicit, Phase.generate),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])


@dataclass
class World:
    """The folders and files the generated arguments point at."""

    root: Path
    data: Path
    scratch: Path
    ranked: Path
    bad_files: list[str]
    bad_folders: list[str]
    inputs: list[str]

    def fresh(self) -> Path:
        """A new empty folder for one run's outputs."""
        return Path(tempfile.mkdtemp(dir=self.scratch))


@pytest.fixture(scope="module")
def world(small_demo, tmp_path_factory):
    """A private copy of the small demo plus every kind of awkward path, and a valid ranking of it."""
    root = tmp_path_factory.mktemp("fuzz")
    data = copy_dataset(small_demo, root / "dataset")
    (data / "truth" / "parameters.json").unlink()  # not a demo any more: what real data looks like to `demo`
    scratch = root / "scratch"
    scratch.mkdir()
    read_only = root / "read_only"
    read_only.mkdir()
    a_file, a_dir = root / "a_file.txt", root / "a_dir"
    a_file.write_text("not a folder")
    a_dir.mkdir()
    link = root / "link_to_register.csv"
    link.symlink_to(data / "brp_registrations.csv")
    binary, empty = root / "binary.csv", root / "empty.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    empty.write_bytes(b"")
    ranked = root / "ranked.csv"  # by hand: a module fixture runs outside the tests' isolated home and role
    import pyogrio

    ids = pyogrio.read_dataframe(data / "addresses.gpkg", columns=["address_id"], read_geometry=False)["address_id"]
    rows = [f"{i + 1},{a},{1 - i / 100:.2f}" for i, a in enumerate(ids.astype(str).head(60))]
    ranked.write_text("rank,address_id,score\n" + "\n".join(rows) + "\n", encoding="utf-8")
    make_read_only(read_only)
    d = str(data)
    dataset_files = [f"{d}/brp_registrations.csv", f"{d}/addresses.gpkg", f"{d}/districts.gpkg", f"{d}/complaints.csv",
                     f"{d}/INSPECTIONS.csv", f"{d}/truth/addresses.csv", f"{d}/truth/../permits.csv", str(link)]
    bad_files = dataset_files + [str(a_dir), str(a_file / "x.csv"), str(read_only / "out.csv"), "", " ",
                                 str(root / ("é" * 300 + ".csv")), f"{d}/truth"]
    bad_folders = [d, f"{d}/truth", str(root), f"{d}/..", str(a_file), str(a_file / "sub"), str(read_only / "out"),
                   "", str(ranked), f"{d}/brp_registrations.csv"]
    inputs = [str(ranked), str(binary), str(empty), str(a_dir), str(root / "missing.csv"), *dataset_files, ""]
    yield World(root, data, scratch, ranked, bad_files, bad_folders, inputs)
    undo_read_only(read_only)


@pytest.fixture
def checked(world, monkeypatch):
    """Runs one argv: asserts no exception but SystemExit escapes, exit code in {0,1,2}, the dataset unchanged."""
    work = world.root / "cwd"
    work.mkdir(exist_ok=True)
    monkeypatch.chdir(work)  # relative generated paths land here, never in the repository
    before = {k: v for k, v in folder_hashes(world.data).items() if k != "rejects.csv"}

    def run(argv: list[str]) -> int:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: bad usage (2) or --help (0)
            code = exc.code if isinstance(exc.code, int) else 2
        assert code in (0, 1, 2), (argv, code)
        after = {k: v for k, v in folder_hashes(world.data).items() if k != "rejects.csv"}
        assert after == before, ("the dataset folder changed", argv)
        for p in world.scratch.iterdir():
            shutil.rmtree(p, ignore_errors=True)
        return code

    return run


# ------------------------------------------------------------------------------------------------ values
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
NAME = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=12)
SUFFIX = st.sampled_from([".png", ".csv", ".html", ".gpkg", ".tif", ".pdf", ".svg", ".txt", ""])
ODD_DATES = ["0001-01-01", "9999-12-31", "1900-01-01", "1082-11-09", "3021-04-01", "2024-02-30", "2024-13-01",
             "20240205", "05-02-2024", "", "morgen", "2024-02-05", "2022-01-01", "2023-06-01"]
DATES = st.one_of(st.sampled_from(ODD_DATES), st.dates().map(lambda d: d.isoformat()), TEXT)
NUMBERS = st.one_of(st.sampled_from(["0", "-1", "1", "2", "12", "60", "61", "9" * 30, "1e309", "nan", "inf", "-inf",
                                     "0.5", "", "x"]), st.integers(-10**12, 10**12).map(str))
UNKNOWN = st.lists(st.sampled_from(["--bogus", "--out", "-x", "--", "--help", "ééé", "--as-of=2024-01-01"]),
                   max_size=1)


def _file_out(world: World):
    return st.one_of(st.sampled_from(world.bad_files),
                     st.tuples(NAME, SUFFIX).map(lambda t: str(world.fresh() / (t[0] + t[1]))),
                     st.tuples(TEXT, SUFFIX).map(lambda t: t[0] + t[1]))


def _folder_out(world: World, good_share: int = 3):
    """A folder output: one in `good_share` draws is a usable new folder (the others are refused)."""
    good = st.one_of(NAME.map(lambda n: str(world.fresh() / n)), TEXT)
    return st.integers(1, good_share).flatmap(lambda i: good if i == 1 else st.sampled_from(world.bad_folders))


def _dataset(world: World):
    return st.one_of(st.just(str(world.data)), st.just(str(world.data)), st.just(str(world.data)),
                     st.sampled_from(world.bad_files), TEXT)


def _opt(name: str, values) -> st.SearchStrategy:
    """An optional option: absent, or `name value`."""
    return st.one_of(st.just([]), values.map(lambda v: [name, v]))


def _argv(*parts) -> st.SearchStrategy:
    return st.tuples(*parts).map(lambda ps: [a for p in ps for a in (p if isinstance(p, list) else [p])])


# ------------------------------------------------------------------------------------------------ tests
def test_fuzz_validate_and_demo(world, checked):
    """validate and demo with generated paths and values: no traceback, exit 0/1/2, the dataset unchanged."""
    @settings(FUZZ, max_examples=60)
    @given(st.data())
    def run(d):
        if d.draw(st.integers(0, 4)) > 1:
            argv = d.draw(_argv(st.just("validate"), _dataset(world), _opt("--rejects", _file_out(world)),
                                st.sampled_from([[], ["--json"]]), UNKNOWN))
        else:
            argv = d.draw(_argv(st.just("demo"), _opt("--out", _folder_out(world, 6)),
                                _opt("--size", st.sampled_from(["small", "", "CITY", "groot", "smal"])),
                                _opt("--seed", NUMBERS), _opt("--displacement", NUMBERS),
                                _opt("--displacement-mode", st.sampled_from(["adjacent", "portfolio", "x", ""])),
                                _opt("--boundaries", st.sampled_from(world.inputs)), UNKNOWN))
        checked(argv)

    run()


def test_fuzz_map(world, checked):
    """map with generated layers, levels, periods, sizes and outputs."""
    layers = st.one_of(st.sampled_from(["brp:eum_share", "complaints:points", "brp,permits", "districts",
                                        "complaints:density", "inspections:hit_rate", "brp:nope", "nope", "", ",",
                                        "brp:eum_share,complaints:complaint_rate"]), TEXT)

    @settings(FUZZ, max_examples=80)
    @given(_argv(st.just("map"), _dataset(world), st.just("--layers"), layers, st.just("--out"), _file_out(world),
                 _opt("--level", st.sampled_from(["wijk", "gebied", "address", "building", "building", "buurt", ""])),
                 st.one_of(st.just([]), st.tuples(DATES, DATES).map(lambda t: ["--from", t[0], "--to", t[1]]),
                           DATES.map(lambda v: ["--from", v])),
                 _opt("--dpi", NUMBERS), _opt("--paper", st.sampled_from(["A4", "A3", "a4", ""])),
                 st.sampled_from([[], ["--internal"]]), UNKNOWN))
    def run(argv):
        checked(argv)

    run()


def test_fuzz_rank_and_train(world, checked, monkeypatch):
    """rank (and a few train runs) with generated dates, numbers, model folders and outputs.

    The model's estimator selection (rolling validation) is skipped: it is the slow part of every rank
    without --model and takes no argument or path of its own."""
    import pandas as pd

    import geo_tool.model.selection as selection

    monkeypatch.setattr(selection, "rolling_validation", lambda *a, **k: pd.DataFrame())

    @settings(FUZZ, max_examples=60)
    @given(st.data())
    def run(d):
        if d.draw(st.integers(0, 9)) == 0:
            argv = d.draw(_argv(st.just("train"), _dataset(world), st.just("--as-of"),
                                st.sampled_from(["9999-12-31", "0001-01-01", "2099-01-01", "1900-01-01", "x", ""]),
                                st.just("--out"), _folder_out(world), _opt("--capacity", NUMBERS),
                                _opt("--eval-dates", DATES), UNKNOWN))
        else:
            argv = d.draw(_argv(st.just("rank"), _dataset(world), st.just("--as-of"), DATES, st.just("--out"),
                                _file_out(world), _opt("--top", NUMBERS),
                                _opt("--model", st.sampled_from(world.bad_folders + world.inputs)), UNKNOWN))
        checked(argv)

    run()


def test_fuzz_plan(world, checked):
    """plan with generated rankings, weeks, teams, hours, short solver times and plan folders."""
    weeks = st.one_of(st.sampled_from(["2024-W06", "2024-W53", "2020-W53", "0001-W01", "9999-W52", "2024-W00",
                                       "2024-06", ""]), TEXT)

    @settings(FUZZ, max_examples=60)
    @given(_argv(st.just("plan"), _dataset(world), st.just("--ranked"), st.sampled_from(world.inputs),
                 st.just("--week"), weeks, st.just("--out"), _folder_out(world), st.just("--time-limit"),
                 st.sampled_from(["0.2", "0.5", "0", "-1", "nan", "inf", "1e309", "x"]),
                 _opt("--teams", NUMBERS), _opt("--hours", st.sampled_from(["09:00-17:00", "17:00-09:00", "25:00-26:00",
                                                                            "9-5", "", "09:00-"])),
                 _opt("--days", st.sampled_from(["mon", "ma,di", "", "zz", "sun"])),
                 _opt("--visit-min", NUMBERS), _opt("--break-min", NUMBERS), _opt("--exploration", NUMBERS),
                 _opt("--recent-days", NUMBERS), _opt("--wijk-cap", NUMBERS), _opt("--speed-kmh", NUMBERS),
                 _opt("--mode", st.sampled_from(["walk", "car", "boat"])),
                 _opt("--team-start", st.sampled_from(["0599200000661620", "1,2", "abc", "", "Carnisse"])),
                 _opt("--done", st.sampled_from(world.inputs)), _opt("--must-visit", st.sampled_from(world.inputs)),
                 _opt("--exclude", st.sampled_from(world.inputs)), UNKNOWN))
    def run(argv):
        checked(argv)

    run()


def test_fuzz_waterbed_and_quickstart(world, checked):
    """waterbed with generated targets, starts, periods and buffers; quickstart into refused folders."""
    @settings(FUZZ, max_examples=60)
    @given(st.data())
    def run(d):
        if d.draw(st.integers(0, 5)) == 0:
            argv = d.draw(_argv(st.just("quickstart"), st.just("--no-window"), st.just("--out"),
                                st.sampled_from(world.bad_folders[:-1]), _opt("--seed", NUMBERS), UNKNOWN))
        else:
            argv = d.draw(_argv(
                st.just("waterbed"), _dataset(world), st.just("--target"),
                st.one_of(st.sampled_from(["Carnisse", "carnisse", "BU05991572", "Tarwewijk", "Atlantis", ""]), TEXT),
                st.just("--out"), _folder_out(world, 4), _opt("--start", DATES),
                _opt("--months-before", NUMBERS), _opt("--months-after", NUMBERS),
                _opt("--buffer", st.sampled_from(["queen", "distance:500", "distance:-5", "distance:x", "distance:",
                                                  "distance:1e12", "rook"])),
                _opt("--control", st.sampled_from(["rest", "same_gebied_type", "x"])), UNKNOWN))
        checked(argv)

    run()


# ------------------------------------------------------------------------------- import, profiles, audit, network
@pytest.fixture(scope="module")
def exports(world):
    """The demo's three exports (cut to 150 rows, so an import takes a moment) and profile files good and bad."""
    from geo_tool.demo.exported import write_exports

    small = world.root / "export_source"  # the first 150 rows of each table: the exports are cut, not regenerated
    small.mkdir()
    (small / "addresses.gpkg").symlink_to(world.data / "addresses.gpkg")
    for name in ("brp_registrations.csv", "complaints.csv", "permits.csv"):
        head = (world.data / name).read_text(encoding="utf-8").splitlines()[:151]
        (small / name).write_text("\n".join(head) + "\n", encoding="utf-8")
    write_exports(small, seed=1)
    folder = small / "exports"
    profiles = world.root / "profiles"
    profiles.mkdir()
    shipped = Path(__file__).resolve().parents[2] / "geo_tool" / "imports" / "profiles" / "generic.toml"
    (profiles / "generic_copy.toml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    (profiles / "broken.toml").write_text("[columns\nx = ", encoding="utf-8")
    (profiles / "empty.toml").write_text("", encoding="utf-8")
    (profiles / "binary.toml").write_bytes(bytes(range(256)))
    (profiles / "outside.toml").write_text('table = "../../permits"\n[columns]\n', encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir()), sorted(str(p) for p in profiles.iterdir())


def test_fuzz_import_and_profiles(world, exports, checked):
    """import (with --list-profiles) and profile new with generated exports, profiles and folders."""
    sources, profile_files = exports
    profiles = st.one_of(st.sampled_from(["brp-gba", "dcmr-2011", "generic", "meldingen-signalen",
                                          "vergunningen-tekstadres", "nope", "", "../generic", "generic.toml"]),
                         st.sampled_from(profile_files + world.inputs), TEXT)
    source = st.one_of(st.sampled_from(sources), st.sampled_from(world.inputs), TEXT)

    @settings(FUZZ, max_examples=60)
    @given(st.data())
    def run(d):
        kind = d.draw(st.integers(0, 9))
        if kind == 0:
            argv = d.draw(_argv(st.just("import"), st.just("--list-profiles"), st.sampled_from([[], ["x.csv"]]),
                                UNKNOWN))
        elif kind <= 3:
            argv = d.draw(_argv(st.just("profile"), st.just("new"), source, _opt("--out", _file_out(world)),
                                _opt("--table", st.sampled_from(["permits", "complaints", "brp_registrations",
                                                                 "inspections", "addresses", ""])), UNKNOWN))
        else:
            argv = d.draw(_argv(st.just("import"), st.one_of(st.just([]), source), _opt("--profile", profiles),
                                _opt("--into", _folder_out(world)),
                                _opt("--addresses", st.sampled_from([str(world.data), f"{world.data}/addresses.gpkg",
                                                                     *world.inputs])), UNKNOWN))
        checked(argv)

    run()


def test_fuzz_audit_verify(world, checked):
    """audit verify over generated logs and head files: garbage, truncated or reordered lines, a folder, JSON
    of the wrong shape; every run reports (exit 0 or 1) in one line per break, never a traceback."""
    from geo_tool.security.audit import append_line, audit_log_path, head_path

    log = audit_log_path()
    for n in range(3):
        append_line({"kind": "command", "command": f"fuzz {n}"})
    good_lines = log.read_text(encoding="utf-8").splitlines()
    good_head = head_path(log).read_text(encoding="utf-8")
    line = st.one_of(st.sampled_from(good_lines), st.sampled_from(["", "{}", "[]", "5", "null", '{"prev": 5}',
                                                                   '{"prev": null}', "\x00\xff"]), TEXT)
    content = st.one_of(st.lists(line, max_size=5).map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass")),
                        st.binary(max_size=40), st.just(None), st.just("dir"))
    head = st.one_of(st.just(good_head.encode()), st.sampled_from([b"[]", b"5", b"null", b'{"lines": "x"}',
                                                                   b"\xff\xfe", b""]),
                     st.binary(max_size=20), st.just(None), st.just("dir"))

    def place(path: Path, value) -> None:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        if value == "dir":
            path.mkdir()
        elif value is not None:
            path.write_bytes(value)

    @settings(FUZZ, max_examples=60)
    @given(content, head, UNKNOWN)
    def run(body, head_body, unknown):
        place(log, body)
        place(head_path(log), head_body)
        checked(["audit", "verify", *unknown])

    run()
    place(log, None)
    place(head_path(log), None)


def test_fuzz_network_fetch(world, checked, monkeypatch):
    """network fetch with generated places and outputs, offline (no download is ever attempted)."""
    import socket

    def offline(*a, **k):
        raise OSError("offline (test)")

    monkeypatch.setattr(socket, "create_connection", offline)

    @settings(FUZZ, max_examples=30)
    @given(_argv(st.just("network"), st.just("fetch"), _opt("--place", st.one_of(st.just("Rotterdam"), TEXT)),
                 _opt("--out", _file_out(world)), UNKNOWN))
    def run(argv):
        checked(argv)

    run()


def test_network_fetch_refuses_a_bad_out_before_anything_else(world, checked):
    """network fetch refuses (exit 2) an --out that is a dataset file, a folder or not .gpkg, before it
    looks for osmnx or the internet (found by the fuzz test: it answered exit 1 "osmnx not installed")."""
    for out in (f"{world.data}/addresses.gpkg", str(world.root), str(world.fresh() / "net.csv")):
        assert checked(["network", "fetch", "--out", out]) == 2, out


def test_audit_verify_reports_a_damaged_head_file(checked):
    """A head file that is not UTF-8 or not a JSON object is a reported break (exit 1), not a traceback
    (found by the fuzz test: UnicodeDecodeError and AttributeError)."""
    from geo_tool.security.audit import append_line, audit_log_path, head_path

    append_line({"kind": "command", "command": "test"})
    for body in (b"\xff\xfe", b"[1]", b"5"):
        head_path(audit_log_path()).write_bytes(body)
        assert checked(["audit", "verify"]) == 1, body
