"""Rules about the shape of the code base (as napari does for its Qt-free core)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import geo_tool


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(geo_tool.__path__, prefix="geo_tool."):
        if info.name.startswith("geo_tool.ui") or info.name == "geo_tool.__main__":
            continue
        names.append(info.name)
    return names


def test_core_never_imports_qt():
    """Importing every core module (everything but geo_tool.ui) loads no PyQt6 module."""
    modules = _core_modules() + ["geo_tool.jobs", "geo_tool.cli"]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "qt = sorted(m for m in sys.modules if m.startswith('PyQt'))\n"
        "print(','.join(qt))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"core loaded Qt modules: {out.stdout.strip()}"


def test_cli_unbuilt_command_exits_2(capsys, monkeypatch):
    """A subcommand that is not built yet says so on one line and exits 2."""
    import argparse

    from geo_tool import cli

    real = cli.build_parser

    def parser_with_stub():
        parser = real()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        sub.add_parser("future").set_defaults(func=cli._not_built(99, "a future capability"))
        return parser

    monkeypatch.setattr(cli, "build_parser", parser_with_stub)
    assert cli.main(["future"]) == 2
    err = capsys.readouterr().err.strip()
    assert "nog niet gebouwd" in err and len(err.splitlines()) == 1
