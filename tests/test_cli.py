"""The `geo-tool` command end to end on the small demo: demo -> validate, and a damaged copy."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo_tool.cli import main


def _geo_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo_tool", *args], capture_output=True, text=True)


@pytest.mark.cold_cache
def test_demo_then_validate_exits_0(small_demo, capsys):
    """A fresh demo validates with exit status 0 and an empty rejects.csv."""
    code = main(["validate", str(small_demo), "--rejects", str(small_demo.parent / "rejects_ok.csv")])
    assert code == 0
    rejects = pd.read_csv(small_demo.parent / "rejects_ok.csv")
    assert list(rejects.columns) == ["file", "row", "column", "value", "reason", "action"]
    assert rejects.empty


@pytest.mark.cold_cache
def test_validate_json_counts_add_up(small_demo, capsys):
    """`validate --json` gives rows_read = rows_imported + rows_rejected for every file."""
    code = main(["validate", str(small_demo), "--json", "--rejects", str(small_demo.parent / "r.csv")])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    files = summary["files"] if "files" in summary else summary
    assert files, "no files in the summary"
    for name, f in files.items():
        if isinstance(f, dict) and "rows_read" in f:
            assert f["rows_read"] == f["rows_imported"] + f["rows_rejected"], name


def test_broken_copy_exits_1_and_lists_every_broken_row(small_demo, tmp_path):
    """A copy with broken rows exits 1 and rejects.csv names every broken row with file, row and column."""
    broken = tmp_path / "broken"
    shutil.copytree(small_demo, broken, ignore=shutil.ignore_patterns("truth", "rejects*.csv"))
    brp = broken / "brp_registrations.csv"
    lines = brp.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    i_from = header.index("registered_from")
    i_addr = header.index("address_id")
    row3 = lines[3].split(",")
    row3[i_from] = "31-12-2021"          # not ISO: invalid, never guessed
    lines[3] = ",".join(row3)
    row7 = lines[7].split(",")
    row7[i_addr] = "0599999999999999"    # an address that does not exist
    lines[7] = ",".join(row7)
    lines[10] = lines[10] + ",extra"     # too many fields
    brp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    comp = broken / "complaints.csv"
    clines = comp.read_text(encoding="utf-8").splitlines()
    clines.append(clines[1])             # duplicate complaint_id
    comp.write_text("\n".join(clines) + "\n", encoding="utf-8")
    n_complaints = len(clines) - 1

    result = _geo_tool("validate", str(broken))
    assert result.returncode == 1, result.stderr
    rejects = pd.read_csv(broken / "rejects.csv", dtype=str)
    got = set(zip(rejects["file"], rejects["row"].astype(int), rejects["action"]))
    assert ("brp_registrations.csv", 3, "rejected") in got
    assert ("brp_registrations.csv", 7, "rejected") in got
    assert ("brp_registrations.csv", 10, "rejected") in got
    assert ("complaints.csv", n_complaints, "rejected") in got
    assert rejects.loc[(rejects["file"] == "brp_registrations.csv") & (rejects["row"] == "3"), "column"].iloc[0] \
        == "registered_from"
    assert len(rejects) == 4


def test_unusable_dataset_exits_2_and_names_the_file(tmp_path):
    """A folder without addresses is unusable: exit 2 and a one-line reason naming the file."""
    (tmp_path / "x").mkdir()
    result = _geo_tool("validate", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "districts.gpkg" in result.stderr or "addresses" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_command_has_help():
    """Every subcommand answers --help with exit 0, in Dutch by default and in English with --lang en."""
    for cmd in ("demo", "validate", "map", "train", "rank", "plan", "waterbed", "gui", "quickstart"):
        result = _geo_tool(cmd, "--help")
        assert result.returncode == 0, cmd
        assert "gebruik:" in result.stdout.lower() and "usage" not in result.stdout.lower(), cmd
        result = _geo_tool("--lang", "en", cmd, "--help")
        assert result.returncode == 0, cmd
        assert "usage:" in result.stdout.lower(), cmd


def test_waterbed_command_writes_the_contract_csv(small_demo, tmp_path):
    """`geo-tool waterbed` writes waterbed.csv with the contract's columns, roles and verdicts, and a report."""
    out = tmp_path / "wb"
    result = _geo_tool("waterbed", str(small_demo), "--target", "carnisse", "--start", "2022-01-01", "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "waterbed.csv", dtype={"wijk_code": str})
    assert list(table.columns) == ["wijk_code", "wijk_name", "role", "wdq", "wdd", "wdd_ci_low", "wdd_ci_high",
                                   "did", "did_ci_low", "did_ci_high", "verdict"]
    assert set(table["role"]) <= {"target", "buffer", "destination", "control"}
    assert set(table["verdict"]) <= {"displacement", "diffusion", "no_evidence"}
    assert (table["role"] == "target").sum() == 1
    assert table.loc[table["role"] == "target", "wijk_name"].iloc[0] == "Carnisse"
    assert (out / "report.md").exists() and (out / "report.pdf").stat().st_size > 1000


def test_train_then_rank_then_plan(small_demo, tmp_path):
    """train -> rank -> plan on the small demo: a model folder, a ranked.csv per the contract, a valid plan."""
    model = tmp_path / "model"
    # one evaluation date, not the default three: the test is about the chain of commands, not the evaluation
    r = _geo_tool("train", str(small_demo), "--as-of", "2024-01-01", "--eval-dates", "2023-06-01", "--out", str(model))
    assert r.returncode == 0, r.stderr
    for name in ("estimator.skops", "manifest.json", "model_card.md", "model_card.json", "report.md", "metrics.json", "fairness.csv"):
        assert (model / name).exists(), name
    ranked = tmp_path / "ranked.csv"
    r = _geo_tool("rank", str(small_demo), "--as-of", "2024-01-01", "--model", str(model), "--top", "300",
                  "--out", str(ranked))
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(ranked, dtype={"address_id": str})
    # the contract's columns first; the address and wijk name follow for planners
    assert list(table.columns)[:7] == ["rank", "address_id", "score", "wijk_code", "reason_1", "reason_2", "reason_3"]
    assert len(table) == 300 and table["score"].is_monotonic_decreasing
    assert table["address_id"].str.len().eq(16).all()
    plan = tmp_path / "plan"
    r = _geo_tool("plan", str(small_demo), "--ranked", str(ranked), "--week", "2024-W02", "--teams", "2",
                  "--time-limit", "3", "--out", str(plan))
    assert r.returncode == 0, r.stderr
    visits = pd.read_csv(plan / "plan.csv", dtype={"address_id": str})
    for col in ("team", "day", "order", "address_id", "arrival", "score", "reason_1"):
        assert col in visits.columns
    assert len(visits) > 20
    assert (visits["selected_by"] == "random").any()
