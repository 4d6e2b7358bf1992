"""Issue 10 part 1: a model folder can never run code, is refused unless signed and whole, is written whole."""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from attacks import AS_OF, build_model, copy_model, geo_tool, pickle_payload, skops_payload

from geo_tool.errors import GeoToolError
from geo_tool.model.registry import ESTIMATOR_FILE, META_FILE, load_model
from geo_tool.security.modelfolder import MANIFEST, UntrustedModelError, sign_folder, verify_folder


def _resign_with(folder: Path, key: bytes) -> None:
    """Re-sign a folder's manifest with `key` after changing files (what an attacker with a key of their own does)."""
    from geo_tool.security import modelfolder

    manifest = json.loads((folder / MANIFEST).read_text())
    body = {k: v for k, v in manifest.items() if k != "signature"}
    body["files"] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                     for p in sorted(folder.iterdir()) if p.name != MANIFEST}
    (folder / MANIFEST).write_text(json.dumps({**body, "signature": modelfolder._signature(body, key)}))


def _attacks(signed_model: Path, root: Path, marker: Path) -> dict[str, Path]:
    """Every malicious or damaged model folder, each of which would write `marker` if deserialised."""
    folders = {}
    # 1. the old format: only a pickled model.joblib, no manifest
    legacy = root / "legacy"
    legacy.mkdir()
    (legacy / "model.joblib").write_bytes(pickle_payload(marker))
    (legacy / "model_card.md").write_text("# model\n")
    folders["legacy_joblib"] = legacy
    # 2. a valid signed folder with a pickle bomb added beside it
    extra = copy_model(signed_model, root / "extra_joblib")
    (extra / "model.joblib").write_bytes(pickle_payload(marker))
    folders["extra_joblib"] = extra
    # 3. the estimator swapped for a pickle bomb, manifest left as it was (hash mismatch)
    swapped = copy_model(signed_model, root / "pickle_as_estimator")
    (swapped / ESTIMATOR_FILE).write_bytes(pickle_payload(marker))
    folders["pickle_as_estimator"] = swapped
    # 4. a skops file with an untrusted type, re-signed with the *right* key: only the type check stops it
    evil = skops_payload(root / "evil_module", marker)
    typed = copy_model(signed_model, root / "untrusted_type_signed")
    (typed / ESTIMATOR_FILE).write_bytes(evil)
    sign_folder(typed, json.loads((signed_model / MANIFEST).read_text())["dataset_fingerprint"])
    folders["untrusted_type_signed"] = typed
    # 5. the same payload, manifest re-signed with another key
    wrong = copy_model(signed_model, root / "wrong_key")
    (wrong / ESTIMATOR_FILE).write_bytes(evil)
    _resign_with(wrong, secrets.token_bytes(32))
    folders["resigned_wrong_key"] = wrong
    # 6. a signed file removed
    missing = copy_model(signed_model, root / "missing_file")
    (missing / META_FILE).unlink()
    folders["missing_file"] = missing
    # 7. the card edited after signing (a new model beside an old card, or a forged card)
    card = copy_model(signed_model, root / "edited_card")
    (card / "model_card.md").write_text("# a better model\n")
    folders["edited_card"] = card
    return folders


def test_payloads_really_run_code_when_deserialised(tmp_path):
    """The payloads used below are live: pickle and skops with trusted=True do write the marker (so the tests can fail)."""
    import skops.io as sio

    m1, m2 = tmp_path / "m1", tmp_path / "m2"
    pickle.loads(pickle_payload(m1))
    data = skops_payload(tmp_path / "mod", m2)
    sys.path.insert(0, str(tmp_path / "mod"))
    try:
        sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    finally:
        sys.path.remove(str(tmp_path / "mod"))
    assert m1.exists() and m2.exists()


def test_every_malicious_folder_is_refused_in_process_without_running_code(signed_model, tmp_path):
    """load_model refuses each planted folder with a GeoToolError (exit 2) and the marker never appears."""
    marker = tmp_path / "MARKER"
    assert load_model(signed_model).model is not None  # the genuine folder loads
    for name, folder in _attacks(signed_model, tmp_path, marker).items():
        with pytest.raises(GeoToolError) as info:
            load_model(folder)
        assert info.value.exit_code == 2, name
        assert not marker.exists(), f"{name}: code ran"


def test_every_malicious_folder_is_refused_by_the_cli(signed_model, small_demo, tmp_path, capsys, monkeypatch):
    """`geo-tool rank --model DIR` exits 2 with one line for each planted folder; the marker never appears.

    Every folder goes through the CLI's `main` in this process (the payload's module importable); the
    one only a type check stops (a skops file with an untrusted type, signed with the right key) also
    runs in a fresh child interpreter, as a planner would start it (one child process instead of seven).
    """
    from geo_tool.cli import main

    marker = tmp_path / "MARKER"
    folders = _attacks(signed_model, tmp_path, marker)
    env = {"PYTHONPATH": f"{tmp_path / 'evil_module'}:{__import__('os').environ.get('PYTHONPATH', '')}"}
    monkeypatch.syspath_prepend(str(tmp_path / "evil_module"))
    runs = [(name, folder, False) for name, folder in folders.items()] + \
           [("untrusted_type_signed", folders["untrusted_type_signed"], True)]
    for name, folder, child in runs:
        out = tmp_path / f"ranked_{name}.csv"
        args = ["rank", str(small_demo), "--as-of", AS_OF, "--model", str(folder), "--top", "10", "--out", str(out)]
        if child:
            r = geo_tool(*args, env=env)
            code, stderr = r.returncode, r.stderr
        else:
            code, stderr = main(args), capsys.readouterr().err
        assert code == 2, (name, stderr)
        errors = [line for line in stderr.splitlines() if ": fout: " in line]
        assert len(errors) == 1 and "Traceback" not in stderr, (name, stderr)
        assert "refused" in errors[0] or "no signed manifest" in errors[0], (name, errors[0])
        assert not marker.exists(), f"{name}: code ran"
        assert not out.exists()


def test_the_window_refuses_a_malicious_model_folder(qtbot, small_demo, signed_model, tmp_path):
    """The Ranglijst tab ranking with a planted model folder shows the refusal; no code runs, no ranking shown."""
    pytest.importorskip("PyQt6")
    from geo_tool.ui.main_window import MainWindow

    marker = tmp_path / "MARKER"
    folders = _attacks(signed_model, tmp_path, marker)
    win = MainWindow()
    qtbot.addWidget(win)
    errors: list[str] = []
    win.show_error = errors.append
    with qtbot.waitSignal(win.dataset_loaded, timeout=120000):
        win.open_dataset(small_demo)
    tab = win.ranking_tab
    for name in ("legacy_joblib", "extra_joblib", "untrusted_type_signed", "resigned_wrong_key"):
        errors.clear()
        tab.model_dir.setText(str(folders[name]))
        tab.run()
        qtbot.waitUntil(lambda: bool(errors), timeout=120000)
        assert "refused" in errors[0] or "no signed manifest" in errors[0], (name, errors)
        assert tab.current_ranking() is None
        assert not marker.exists(), f"{name}: code ran in the window"
    win.close()


def test_a_genuine_folder_verifies_and_lists_every_file(signed_model):
    """The manifest names every file with its SHA-256 and the training dataset's fingerprint."""
    manifest = verify_folder(signed_model)
    names = {p.name for p in signed_model.iterdir()} - {MANIFEST}
    assert set(manifest["files"]) == names
    assert {"estimator.skops", "reference.parquet", "model.json", "model_card.md"} <= names
    assert len(manifest["dataset_fingerprint"]) == 64
    assert not (signed_model / "model.joblib").exists()


def test_signing_key_is_private_and_made_once(tmp_path, monkeypatch):
    """The model-signing key is created with 0600 rights beside the pseudonym key and reused."""
    from geo_tool.security.keys import KEY_FILE, signing_key

    monkeypatch.setenv("GEO_TOOL_HOME", str(tmp_path / "home"))
    key = signing_key()
    path = tmp_path / "home" / KEY_FILE
    assert len(key) == 32 and path.stat().st_mode & 0o777 == 0o600
    assert signing_key() == key


def test_a_folder_signed_on_another_installation_is_refused(signed_model, tmp_path, monkeypatch):
    """Another home (another model-signing key) cannot use the folder: the signature does not match."""
    folder = copy_model(signed_model, tmp_path / "m")
    monkeypatch.setenv("GEO_TOOL_HOME", str(tmp_path / "other_home"))
    with pytest.raises(UntrustedModelError, match="signature"):
        load_model(folder)


# -- other dataset -------------------------------------------------------------------------------

def _other_dataset(small_demo: Path, root: Path) -> Path:
    """A copy of the demo with one more (valid) complaint: another dataset, another fingerprint."""
    other = root / "other"
    shutil.copytree(small_demo, other, ignore=shutil.ignore_patterns("truth", "rejects*.csv"))
    path = other / "complaints.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[-1].split(",")
    row[header.index("complaint_id")] = "extra-complaint-1"
    path.write_text("\n".join(lines + [",".join(row)]) + "\n", encoding="utf-8")
    return other


def test_model_from_another_dataset_is_refused_unless_allowed_and_audited(signed_model, small_demo, tmp_path):
    """rank with a model trained on another dataset exits 2; with --allow-other-dataset it ranks and the audit says so."""
    from geo_tool.cli import main
    from geo_tool.security.audit import read_audit_lines

    other = _other_dataset(small_demo, tmp_path)
    out = tmp_path / "ranked.csv"
    args = ["rank", str(other), "--as-of", AS_OF, "--model", str(signed_model), "--top", "20", "--out", str(out)]
    assert main(args) == 2
    assert not out.exists()
    assert main(args + ["--allow-other-dataset"]) == 0
    assert out.exists()
    line = [r for r in read_audit_lines() if r.get("command") == "rank"][-1]
    assert line["allow_other_dataset"] is True and line["model_from_other_dataset"] is True
    assert main(["rank", str(small_demo), "--as-of", AS_OF, "--model", str(signed_model), "--top", "20",
                 "--out", str(tmp_path / "same.csv")]) == 0  # its own dataset needs no flag
    assert "allow_other_dataset" not in read_audit_lines()[-1]


# -- written as a whole --------------------------------------------------------------------------

def _consistent(folder: Path) -> str:
    """The as_of of a verified folder whose card and model agree (the card names the model's as_of)."""
    bundle = load_model(folder)
    card = (folder / "model_card.md").read_text()
    assert card == f"# model {bundle.as_of}\n", "a model beside another model's card"
    return bundle.as_of


def test_an_exception_mid_save_leaves_the_old_folder(demo, tmp_path):
    """A save that fails after writing part of the new model leaves the old folder whole and no temporary folder."""
    from geo_tool.model.registry import ModelBundle, save_model
    from geo_tool.security.modelfolder import write_folder

    target = build_model(demo, tmp_path / "model", as_of="2023-06-01")
    bundle = load_model(target)
    newer = ModelBundle(model=bundle.model, reference=bundle.reference, as_of="2023-09-01")
    with pytest.raises(RuntimeError):
        with write_folder(target, "x") as tmp:
            save_model(newer, tmp)
            (tmp / "model_card.md").write_text("# model 2023-09-01\n")
            raise RuntimeError("disk full")
    assert _consistent(target) == "2023-06-01"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


KILL_SCRIPT = r'''
import os, signal, sys
from pathlib import Path
import geo_tool.security.modelfolder as mf
from geo_tool.model.registry import load_model, save_model

target, point = Path(sys.argv[1]), sys.argv[2]
bundle = load_model(target)
bundle.as_of = "2023-09-01"
die = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
if point == "before_swap":
    mf._exchange = die
elif point == "after_swap":
    mf.shutil.rmtree = die
elif point == "between_renames":          # a system without an atomic exchange: two renames
    mf._exchange = lambda a, b: False
    real, calls = os.rename, []
    def rename(a, b):
        calls.append(a)
        if len(calls) == 2:
            die()
        real(a, b)
    mf.os.rename = rename
with mf.write_folder(target, "fp") as tmp:
    save_model(bundle, tmp)
    (tmp / "model_card.md").write_text("# model 2023-09-01\n")
    if point == "while_writing":
        die()
'''


@pytest.fixture(scope="module")
def model_2023_06(demo, tmp_path_factory) -> Path:
    """A signed model folder of 2023-06-01, trained once for the kill tests (each works on a copy)."""
    return build_model(demo, tmp_path_factory.mktemp("old") / "model", as_of="2023-06-01")


def _resave(target: Path, as_of: str) -> None:
    """Save the folder's own model again under another as_of through `write_folder` (no training)."""
    from geo_tool.model.registry import ModelBundle, save_model
    from geo_tool.security.modelfolder import write_folder

    bundle = load_model(target)
    newer = ModelBundle(model=bundle.model, reference=bundle.reference, as_of=as_of, file_hashes=bundle.file_hashes)
    with write_folder(target, "fp") as tmp:
        save_model(newer, tmp)
        (tmp / "model_card.md").write_text(f"# model {as_of}\n", encoding="utf-8")


@pytest.mark.parametrize("point", ["while_writing", "before_swap", "between_renames", "after_swap"])
def test_a_kill_mid_save_leaves_the_old_or_the_new_folder(model_2023_06, tmp_path, point):
    """SIGKILL at any step of writing a model over an old one: the folder then verifies, with card and model of one run."""
    target = copy_model(model_2023_06, tmp_path / "model")
    r = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(target), point], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == -9, r.stderr
    as_of = _consistent(target)
    assert as_of == ("2023-09-01" if point == "after_swap" else "2023-06-01")
    # the next save cleans what the killed one left and succeeds
    _resave(target, "2023-12-01")
    assert _consistent(target) == "2023-12-01"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_the_model_tab_marks_a_tampered_folder(qtbot, signed_model, tmp_path):
    """The Model tab shows a tampered folder's card with a warning that it will be refused; a genuine one without."""
    pytest.importorskip("PyQt6")
    from geo_tool.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.model_tab.show_model(signed_model)
    assert win.model_tab.verified and "niet te vertrouwen" not in win.model_tab.card.toPlainText()
    card = copy_model(signed_model, tmp_path / "edited")
    (card / "model_card.md").write_text("# a better model\n")
    win.model_tab.show_model(card)
    assert not win.model_tab.verified and "niet te vertrouwen" in win.model_tab.card.toPlainText()
    win.close()
