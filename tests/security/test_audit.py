"""Issue 10 part 4: every command that reads personal data or writes address-level output leaves a chained audit line."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import socket
from pathlib import Path

import pytest

from attacks import geo_tool
from installations import make_installation

from geo_tool.cli import main
from geo_tool.security.audit import (GENESIS, append_line, audit_log_path, head_path, line_hash, read_audit_lines,
                                     verify_audit_log)

REQUIRED = ("time", "os_user", "host", "command", "role", "dataset", "dataset_fingerprint", "outputs", "prev")


def test_every_command_appends_a_complete_chained_line(small_demo, tmp_path, monkeypatch, capsys):
    """validate, map, train, rank, plan and waterbed each append one line with user (from the OS, not LOGNAME),
    host, time, command, role, dataset fingerprint and every output with its SHA-256; the chain verifies.

    `train` skips its model selection (rolling validation, the slowest part, which writes nothing the audit
    line records): the test is about the audit line, not the choice of estimator."""
    import pandas as pd

    import geo_tool.model.selection as selection

    monkeypatch.setattr(selection, "rolling_validation", lambda *a, **k: pd.DataFrame())
    monkeypatch.setenv("LOGNAME", "mallory")
    monkeypatch.setenv("USER", "mallory")
    model, ranked = tmp_path / "model", tmp_path / "ranked.csv"
    runs = {
        "validate": ["validate", str(small_demo), "--rejects", str(tmp_path / "rejects.csv")],
        "map": ["map", str(small_demo), "--layers", "brp:eum_share", "--out", str(tmp_path / "eum.csv")],
        "train": ["train", str(small_demo), "--as-of", "2024-01-01", "--eval-dates", "2023-06-01", "--out", str(model)],
        "rank": ["rank", str(small_demo), "--as-of", "2024-01-01", "--model", str(model), "--top", "60",
                 "--out", str(ranked)],
        "plan": ["plan", str(small_demo), "--ranked", str(ranked), "--week", "2024-W02", "--teams", "1",
                 "--time-limit", "1", "--out", str(tmp_path / "plan")],
        "waterbed": ["waterbed", str(small_demo), "--target", "Carnisse", "--start", "2022-01-01",
                     "--out", str(tmp_path / "wb")],
    }
    user = pwd.getpwuid(os.geteuid()).pw_name
    for command, args in runs.items():
        before = len(read_audit_lines())
        assert main(args) in (0, 1), command
        capsys.readouterr()
        lines = [r for r in read_audit_lines()[before:] if r.get("kind") == "command"]
        assert len(lines) == 1, command
        line = lines[0]
        for key in REQUIRED:
            assert key in line, (command, key)
        assert line["command"] == command and line["os_user"] == user != "mallory"
        assert line["host"] == socket.gethostname() and line["role"] == "planner"
        assert len(line["dataset_fingerprint"]) == 64 and line["outputs"], command
        for out in line["outputs"]:
            assert hashlib.sha256(Path(out["path"]).read_bytes()).hexdigest() == out["sha256"], (command, out)
    n, breaks = verify_audit_log()
    assert n >= len(runs) and breaks == []
    assert main(["audit", "verify"]) == 0


def test_exports_flow_into_the_same_chain(small_demo, tmp_path):
    """An export made by the exporter itself (as the window does) is a chained line of the same log."""
    from geo_tool.dataset import load_dataset
    from geo_tool.export.core import export_map

    ds = load_dataset(small_demo)
    append_line({"command": "probe"})
    export_map(ds, "brp:eum_share", tmp_path / "x.csv")
    records = read_audit_lines()
    assert records[-1]["kind"] == "export" and records[-1]["outputs"][0]["sha256"]
    assert verify_audit_log()[1] == []


def _log_of(n: int) -> list[str]:
    for i in range(n):
        append_line({"command": f"c{i}"})
    return audit_log_path().read_text().splitlines()


def _write(lines: list[str]) -> None:
    audit_log_path().write_text("\n".join(lines) + "\n")


def test_verify_catches_an_edited_line(capsys):
    """Changing a field of a middle line breaks the chain at the next line: verify names it and exits 1."""
    lines = _log_of(5)
    rec = json.loads(lines[2])
    rec["os_user"] = "someone_else"
    lines[2] = json.dumps(rec)
    _write(lines)
    n, breaks = verify_audit_log()
    assert n == 5 and len(breaks) == 1 and breaks[0].startswith("regel 4")
    assert main(["audit", "verify"]) == 1
    assert "regel 4" in capsys.readouterr().out


def test_verify_catches_a_deleted_line():
    """Removing a line (first, middle or last) is reported."""
    for index in (0, 2, 4):
        audit_log_path().unlink(missing_ok=True)
        head_path(audit_log_path()).unlink(missing_ok=True)
        lines = _log_of(5)
        del lines[index]
        _write(lines)
        _n, breaks = verify_audit_log()
        assert breaks, index


def test_verify_catches_an_inserted_line():
    """A forged line inserted with a correct `prev` still breaks the chain at the line after it; appended at
    the end, the head file gives it away."""
    lines = _log_of(4)
    forged = json.dumps({"command": "forged", "prev": line_hash(lines[1])})
    _write(lines[:2] + [forged] + lines[2:])
    _n, breaks = verify_audit_log()
    assert len(breaks) >= 1 and breaks[0].startswith("regel 4")
    forged_end = json.dumps({"command": "forged", "prev": line_hash(lines[-1])})
    _write(lines + [forged_end])
    _n, breaks = verify_audit_log()
    assert breaks and breaks[-1].startswith("einde")


def test_a_whole_log_verifies_and_starts_at_genesis():
    """An untouched log verifies (exit 0) and its first line points at 64 zeros."""
    lines = _log_of(3)
    assert json.loads(lines[0])["prev"] == GENESIS
    assert verify_audit_log() == (3, [])
    assert main(["audit", "verify"]) == 0


def test_the_log_location_comes_from_the_installation_only(small_demo, tmp_path):
    """A child process with GEO_TOOL_HOME and other variables pointing elsewhere still writes to the installation's log."""
    log = tmp_path / "installed" / "audit.log"
    python = make_installation(tmp_path / "prefix", "planner", log)
    elsewhere = tmp_path / "elsewhere"
    env = {"GEO_TOOL_HOME": str(elsewhere), "GEO_TOOL_AUDIT_LOG": str(elsewhere / "audit.log"), "LOGNAME": "mallory"}
    r = geo_tool("validate", str(small_demo), "--rejects", str(tmp_path / "rej.csv"), env=env, python=str(python))
    assert r.returncode in (0, 1), r.stderr
    records = read_audit_lines(log)
    assert records and records[-1]["command"] == "validate"
    assert records[-1]["os_user"] == pwd.getpwuid(os.geteuid()).pw_name
    assert not (elsewhere / "audit.log").exists()
    r = geo_tool("audit", "verify", python=str(python))
    assert r.returncode == 0 and str(log) in r.stdout


def test_window_session_opening_a_dataset_is_audited(qtbot, small_demo):
    """Opening a dataset in the window appends a line with the dataset's fingerprint."""
    pytest.importorskip("PyQt6")
    from geo_tool.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.dataset_loaded, timeout=120000):
        win.open_dataset(small_demo)
    line = [r for r in read_audit_lines() if r.get("command", "").startswith("gui")][-1]
    assert line["dataset"] == str(Path(small_demo).resolve()) and len(line["dataset_fingerprint"]) == 64
    win.close()
