"""Issue 10 section 5 (dataset side): inputs a municipal export really holds never crash or corrupt the import.

- Dates pandas cannot hold (9999-12-31, 3021-04-01, 1082-11-09) used to crash with OutOfBoundsDatetime.
  The contract's reading rules: `9999-12-31` in an end-date column means "no end" (read as empty,
  no line in rejects.csv); any other invalid or implausible end date rejects the row; an
  out-of-range date in a required date column rejects the row.
- An unknown violation value is removed (a `blanked` line), known ones kept.
- An intervention in an unknown wijk is rejected.
- Only an empty cell is missing.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

_spec = importlib.util.spec_from_file_location(
    "_importhard_dataset_builders", Path(__file__).resolve().parents[1] / "dataset" / "dataset_builders.py")
builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builders)
ADDR, BU_A, make_dataset_folder = builders.ADDR, builders.BU_A, builders.make_dataset_folder

FAR_DATES = ["9999-12-31", "3021-04-01", "1082-11-09", "9999-12-31T00:00:00", "0001-01-01", "2262-04-12",
             "9999-12-31 23:59:59", "9999-12-30"]


def _rejects(ds, file: str) -> pd.DataFrame:
    r = ds.report.rejects
    return r[r["file"] == file].reset_index(drop=True)


@pytest.fixture
def dataset(tmp_path):
    """Factory of dataset folders with some files replaced (a fresh folder per call)."""
    n = {"i": 0}

    def make(files: dict) -> Path:
        n["i"] += 1
        return make_dataset_folder(tmp_path / f"ds{n['i']}", files)

    return make


def test_far_dates_in_every_date_column_never_crash(dataset):
    """Every far date in every date column of every file imports without an exception; only the
    open end 9999-12-31 in an end-date column is imported (as no end), every other one rejects its row."""
    from geo_tool.dataset import load_dataset

    brp = "person_id,address_id,registered_from,registered_until\n" + "".join(
        f"a{i},{ADDR[0]},{d},\nb{i},{ADDR[0]},2020-01-01,{d}\n" for i, d in enumerate(FAR_DATES))
    permits = "address_id,status,valid_from,valid_until\n" + "".join(
        f"{ADDR[0]},granted,{d},\n{ADDR[0]},granted,2020-01-01,{d}\n" for d in FAR_DATES)
    complaints = "complaint_id,received_on,category,address_id\n" + "".join(
        f"c{i},{d},afval,{ADDR[0]}\n" for i, d in enumerate(FAR_DATES))
    inspections = "inspection_id,address_id,visited_on,outcome\n" + "".join(
        f"i{i},{ADDR[0]},{d},no_access\n" for i, d in enumerate(FAR_DATES))
    interventions = "wijk_code,start,end,kind\n" + "".join(
        f"{BU_A},{d},,actie\n{BU_A},2020-01-01,{d},actie\n" for d in FAR_DATES)
    ds = load_dataset(dataset({"brp_registrations.csv": brp, "permits.csv": permits, "complaints.csv": complaints,
                               "inspections.csv": inspections, "interventions.csv": interventions}))
    n = len(FAR_DATES)
    open_ends = 3  # 9999-12-31 with and without a time of day
    for file, table, end in (("brp_registrations.csv", ds.brp, "registered_until"),
                             ("permits.csv", ds.permits, "valid_until"), ("interventions.csv", ds.interventions, "end")):
        r = _rejects(ds, file)
        assert len(table) == open_ends and table[end].isna().all(), file
        assert len(r) == 2 * n - open_ends and set(r["action"]) == {"rejected"}, file
        assert not r["value"].str.startswith("9999-12-31").any() or (r["column"] != end)[r["value"].str.startswith(
            "9999-12-31")].all()
        fs = ds.report.files[file]
        assert fs.rows_read == fs.rows_imported + fs.rows_rejected == 2 * n
    for file, table in (("complaints.csv", ds.complaints), ("inspections.csv", ds.inspections)):
        assert len(table) == 0 and len(_rejects(ds, file)) == n, file


def test_far_dates_give_exit_1_and_no_traceback(dataset):
    """`geo-tool validate` on far dates exits 1 with its summary, never a traceback."""
    brp = (f"person_id,address_id,registered_from,registered_until\np1,{ADDR[0]},2020-01-01,9999-12-31\n"
           f"p2,{ADDR[0]},3021-04-01,\np3,{ADDR[0]},2020-01-01,1082-11-09\n")
    root = dataset({"brp_registrations.csv": brp})
    proc = subprocess.run([sys.executable, "-m", "geo_tool", "validate", str(root)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "OutOfBounds" not in proc.stdout + proc.stderr
    rejects = pd.read_csv(root / "rejects.csv", dtype=str)
    assert sorted(rejects["row"]) == ["2", "3"] and set(rejects["action"]) == {"rejected"}


def test_open_end_alone_is_exit_0(dataset):
    """A register whose running spells carry 9999-12-31 imports as given: exit 0, no rejects line."""
    from geo_tool.dataset import load_dataset

    brp = builders.BRP_CSV.replace("2019-06-15,,", "2019-06-15,9999-12-31,")
    assert "9999-12-31" in brp
    ds = load_dataset(dataset({"brp_registrations.csv": brp}))
    assert ds.report.exit_code == 0 and ds.brp["registered_until"].isna().sum() == 2


def test_unknown_violation_value_is_removed_with_a_blanked_line(dataset):
    """`overbewoning;lekkage` keeps overbewoning and drops lekkage (a `blanked` line); a value of
    only unknown entries becomes empty; the inspections themselves are imported."""
    from geo_tool.dataset import load_dataset

    insp = ("inspection_id,address_id,visited_on,outcome,violations\n"
            f"i1,{ADDR[0]},2021-07-01,violation,Overbewoning; lekkage\n"
            f"i2,{ADDR[0]},2021-07-01,violation,schimmel\n"
            f"i3,{ADDR[0]},2021-07-01,violation,brandgevaar|brp_onjuist\n")
    ds = load_dataset(dataset({"inspections.csv": insp}))
    assert list(ds.inspections["violations"].fillna("")) == ["overbewoning", "", "brandgevaar;brp_onjuist"]
    r = _rejects(ds, "inspections.csv")
    assert list(r["row"]) == [1, 2] and set(r["action"]) == {"blanked"} and set(r["column"]) == {"violations"}
    assert ds.report.files["inspections.csv"].values_blanked == 2


def test_intervention_in_unknown_wijk_is_rejected(dataset):
    """An intervention naming a wijk that is neither a code nor a name of the districts is rejected."""
    from geo_tool.dataset import load_dataset

    inter = f"wijk_code,start,end,kind\n{BU_A},2021-01-01,,actie\nAtlantis,2021-01-01,,actie\nBU05999999,2021-01-01,,x\n"
    ds = load_dataset(dataset({"interventions.csv": inter}))
    r = _rejects(ds, "interventions.csv")
    assert len(ds.interventions) == 1 and list(r["row"]) == [2, 3] and set(r["action"]) == {"rejected"}


@pytest.mark.parametrize("token", ["NA", "NULL", "None", "nan", "-"])
def test_only_an_empty_cell_is_missing(dataset, token):
    """NA, NULL, None, nan and - are values: invalid in a date (row rejected), kept as text elsewhere."""
    from geo_tool.dataset import load_dataset

    brp = f"person_id,address_id,registered_from\n{token},{ADDR[0]},2020-01-01\np2,{ADDR[0]},{token}\n"
    ds = load_dataset(dataset({"brp_registrations.csv": brp}))
    assert list(ds.brp["person_id"]) == [token]
    r = _rejects(ds, "brp_registrations.csv")
    assert list(r["row"]) == [2] and r["value"].iloc[0] == token


@pytest.mark.parametrize("value", ["99999999999999999999", "1e300", "-1e300", "9007199254740993"])
def test_huge_whole_numbers_are_invalid_not_a_crash(dataset, value):
    """A house number or residents count beyond what a whole-number column holds is blanked, not a crash."""
    from geo_tool.dataset import load_dataset

    addresses = builders.ADDRESSES_CSV.replace(",Kerkstraat,1,", f",Kerkstraat,{value},", 1)
    ds = load_dataset(dataset({"addresses.csv": addresses}))
    assert len(ds.addresses) == 4 and ds.addresses["house_number"].isna().sum() == 1
    r = _rejects(ds, "addresses.csv")
    assert list(r["column"]) == ["house_number"] and list(r["action"]) == ["blanked"]
