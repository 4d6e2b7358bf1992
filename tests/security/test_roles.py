"""Issue 10 part 4: the role comes from the installation, can only be lowered, and the core enforces it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from attacks import geo_tool
from installations import make_installation

from geo_tool.security import installation, roles
from geo_tool.security.roles import RoleError, active_role, require_role, set_session_role


def _use(monkeypatch, role: str, audit_log: Path) -> None:
    """Make this process's installation grant `role` (in-process tests)."""
    inst = installation.Installation(role, audit_log)
    monkeypatch.setattr(installation, "load_installation", lambda: inst)


@pytest.fixture(scope="module")
def researcher_python(tmp_path_factory) -> Path:
    """A throw-away researcher installation (its own prefix, installation.toml and audit log)."""
    folder = tmp_path_factory.mktemp("researcher_installation")
    return make_installation(folder / "prefix", "researcher", folder / "audit.log")


ATTACK_ENV = {"GEO_TOOL_ROLE": "planner", "GEO_TOOL_INSTALLATION": "/nonexistent/installation.toml",
              "GEO_TOOL_AUDIT_LOG": "/tmp/elsewhere.log", "LOGNAME": "planner", "USER": "planner"}


def _address_level_commands(small_demo: Path, out: Path) -> dict[str, list[str]]:
    ranked = out / "ranked.csv"
    ranked.write_text("rank,address_id,score,wijk_code,reason_1,reason_2,reason_3\n")
    return {
        "rank": ["rank", str(small_demo), "--as-of", "2024-01-01", "--top", "10", "--out", str(out / "r.csv")],
        "plan": ["plan", str(small_demo), "--ranked", str(ranked), "--week", "2024-W02", "--out", str(out / "plan")],
        "map_internal": ["map", str(small_demo), "--layers", "brp:eum_share", "--internal", "--out", str(out / "m.csv")],
        "map_address": ["map", str(small_demo), "--layers", "complaints:points", "--level", "address", "--internal",
                        "--out", str(out / "a.gpkg")],
        "waterbed": ["waterbed", str(small_demo), "--target", "Carnisse", "--start", "2022-01-01",
                     "--out", str(out / "wb")],
    }


def test_a_researcher_installation_cannot_reach_address_level_work(researcher_python, small_demo, tmp_path):
    """On a researcher installation rank, plan, internal/address maps and waterbed exit 2 with one line and write
    nothing, also with --role planner/director and with environment variables that name a higher role.

    Each command runs as itself and with one of the three raising attempts (in turn), so every command
    and every attempt is tried in 12 child processes instead of all 24 combinations (the role is set in
    one place, `main`, for every command)."""
    commands = _address_level_commands(small_demo, tmp_path)
    attempts = [(["--role", "planner"], None), (["--role", "director"], None), ([], ATTACK_ENV)]
    for i, (name, args) in enumerate(commands.items()):
        for extra, env in (([], None), attempts[i % len(attempts)]):
            r = geo_tool(*args, *extra, env=env, python=str(researcher_python))
            assert r.returncode == 2, (name, extra, r.stderr)
            lines = [s for s in r.stderr.splitlines() if s.strip() and not s.startswith("geo-tool: waarschuwing")]
            assert len(lines) == 1 and "rol" in lines[0] and "Traceback" not in r.stderr, (name, r.stderr)
    assert not any(p.name in ("r.csv", "plan", "m.csv", "a.gpkg", "wb") for p in tmp_path.iterdir())


def test_a_researcher_may_validate_and_make_safe_maps(researcher_python, small_demo, tmp_path):
    """Validate and a disclosure-controlled wijk map work for a researcher (the role is not simply everything-off)."""
    r = geo_tool("map", str(small_demo), "--layers", "brp:eum_share", "--out", str(tmp_path / "m.csv"),
                 python=str(researcher_python))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "m.csv").exists()


def test_no_installation_file_means_the_lowest_role(tmp_path):
    """An interpreter without installation.toml gets the researcher role and rank is refused."""
    python = make_installation(tmp_path / "prefix", None)
    r = geo_tool("rank", str(tmp_path), "--as-of", "2024-01-01", "--out", str(tmp_path / "r.csv"), python=str(python))
    assert r.returncode == 2 and "'researcher'" in r.stderr


def test_an_installation_file_a_user_can_change_is_not_trusted(tmp_path, monkeypatch):
    """A planner installation.toml that everyone, or (as non-root) the user, can write is ignored with a warning."""
    etc = tmp_path / "etc" / "geo_tool"
    etc.mkdir(parents=True)
    path = etc / "installation.toml"
    path.write_text('role = "planner"\n')
    os.chmod(path, 0o644)
    os.chmod(etc, 0o755)
    if os.geteuid() == 0:
        assert installation.find_installation([path]).role == "planner"
    os.chmod(path, 0o666)  # writable by everyone
    found = installation.find_installation([path])
    assert found.role == "researcher" and found.warnings and "genegeerd" in found.warnings[0]
    os.chmod(path, 0o644)
    monkeypatch.setattr(installation.os, "geteuid", lambda: 1000)  # an ordinary user who can write the file
    monkeypatch.setattr(installation.os, "access", lambda p, mode: True)
    found = installation.find_installation([path])
    assert found.role == "researcher" and "schrijfbaar voor de huidige gebruiker" in found.warnings[0]


def test_environment_variables_do_not_change_the_installation(tmp_path, monkeypatch):
    """No environment variable raises the role or moves the audit log (the lookup reads none)."""
    for k, v in ATTACK_ENV.items():
        monkeypatch.setenv(k, v)
    found = installation.find_installation([tmp_path / "absent.toml"])
    assert installation.candidate_files()[0] == Path(sys.prefix) / "etc" / "geo_tool" / "installation.toml"
    assert found.role == "researcher"
    assert found.audit_log == installation.default_audit_log()


def test_role_flag_only_lowers_and_persists_nothing(small_demo, tmp_path, capsys):
    """On a planner installation `--role researcher` refuses an internal map; the next run, without it, may."""
    from geo_tool.cli import main

    out = tmp_path / "m.csv"
    args = ["map", str(small_demo), "--layers", "brp:eum_share", "--internal", "--out", str(out)]
    assert main(args + ["--role", "researcher"]) == 2
    assert "rol" in capsys.readouterr().err and not out.exists()
    assert main(args) == 0 and out.exists()
    assert active_role() == "planner"


def test_require_role_levels(monkeypatch, tmp_path):
    """Director may run waterbed but not rank/plan; researcher neither; planner all (the core's own check)."""
    from geo_tool.jobs import run_plan, run_rank
    from geo_tool.params import RankParams

    _use(monkeypatch, "director", tmp_path / "audit.log")
    assert require_role("director", "waterbed") == "director"
    with pytest.raises(RoleError):
        run_rank(RankParams(dataset=tmp_path, as_of="2024-01-01", out=tmp_path / "r.csv"))
    with pytest.raises(RoleError):
        run_plan(tmp_path, tmp_path / "ranked.csv", None, tmp_path / "plan")
    with pytest.raises(RoleError):
        set_session_role("planner")
    set_session_role("researcher")
    with pytest.raises(RoleError):
        require_role("director", "waterbed")
    set_session_role(None)
    assert active_role() == "director"


# -- the window -----------------------------------------------------------------------------------

@pytest.fixture
def researcher_window(qtbot, monkeypatch, tmp_path):
    """A main window on a researcher installation (no dataset needed for the role checks)."""
    pytest.importorskip("PyQt6")
    from geo_tool.ui.main_window import MainWindow

    _use(monkeypatch, "researcher", tmp_path / "audit.log")
    win = MainWindow(role="planner")  # even asked for planner, the installation decides
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_window_researcher_cannot_reach_the_ranking(researcher_window, qtbot):
    """Ctrl+2, Ga naar > Ranglijst, show_tab and Beeld > Rol never bring a researcher to the ranking or planning."""
    from PyQt6.QtCore import Qt

    win = researcher_window
    assert win.role == "researcher"
    kaart = win.tab_index("kaart")
    for n in (2, 3, 4):
        qtbot.keyClick(win, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert win.tabs.currentIndex() in (kaart, win.tab_index("model")), n
    for act in win.menuBar().actions():
        for sub in act.menu().actions() if act.menu() else []:
            if sub.text() in ("Ranglijst", "Weekplanning", "Waterbed"):
                sub.trigger()
    win.show_tab("ranglijst")
    win.tabs.setCurrentIndex(win.tab_index("ranglijst"))  # even a direct click on a (hidden) tab
    assert win.tabs.currentIndex() == kaart
    role_labels = [a.text() for a in win.menuBar().actions() for a in (a.menu().actions() if a.menu() else [])
                   for a in (a.menu().actions() if a.menu() else [])]
    assert "Handhavingsplanner" not in role_labels and "Procesdirecteur" not in role_labels
    assert win.set_role("planner") is False and win.role == "researcher"
    assert not win.tabs.isTabVisible(win.tab_index("ranglijst"))


def test_window_researcher_core_refuses_ranking(researcher_window, qtbot, small_demo):
    """Even when the ranking tab's run is called directly, the core refuses it for a researcher."""
    win = researcher_window
    errors: list[str] = []
    win.show_error = errors.append
    with qtbot.waitSignal(win.dataset_loaded, timeout=120000):
        win.open_dataset(small_demo)
    win.ranking_tab.run()
    qtbot.waitUntil(lambda: bool(errors), timeout=60000)
    assert "planner" in errors[0]
    assert win.ranking_tab.current_ranking() is None


def test_gui_role_flag_cannot_raise_and_is_not_stored(monkeypatch, tmp_path):
    """`gui --role director` on a researcher installation exits 2; no role is kept in the window settings."""
    pytest.importorskip("PyQt6")
    from PyQt6.QtCore import QSettings

    from geo_tool.ui.app import run_gui
    from geo_tool.ui.settings import use_home_settings

    _use(monkeypatch, "researcher", tmp_path / "audit.log")
    assert run_gui(None, None, role="director") == 2
    folder = use_home_settings()
    assert str(folder).startswith(os.environ["GEO_TOOL_HOME"])
    assert QSettings().value("role") is None


def test_window_settings_live_under_geo_tool_home(qtbot):
    """The window's settings are an INI file under GEO_TOOL_HOME, never in the real home folder."""
    pytest.importorskip("PyQt6")
    from PyQt6.QtCore import QSettings

    from geo_tool.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    QSettings().setValue("probe", "1")
    QSettings().sync()
    path = Path(QSettings().fileName())
    assert path.is_relative_to(os.environ["GEO_TOOL_HOME"]) and path.suffix == ".ini"
    win.close()
