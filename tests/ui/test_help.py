"""F1 opens the short manual (issue 15): Dutch by default, English in the English interface, shipped as package data."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("PyQt6")
pytest.importorskip("pytestqt")

ROOT = Path(__file__).resolve().parents[2]
SECTIONS_NL = ["De tabbladen", "Hoe de ranglijst werkt", "Hoe het waterbedoordeel werkt", "Onthullingsregels", "De rollen"]
SECTIONS_EN = ["The tabs", "How the ranking works", "How the waterbed verdicts work", "Disclosure rules", "The roles"]


@pytest.fixture
def bare_window(qtbot):
    """A main window without a dataset (the manual needs none); the language is Dutch again afterwards."""
    from geo_tool.ui.i18n import set_language
    from geo_tool.ui.main_window import MainWindow

    set_language("nl")
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    set_language("nl")
    win.close()


def test_f1_opens_the_dutch_manual_with_its_sections(bare_window, qtbot):
    """F1 opens the manual in a text browser with the sections on the tabs, the ranking and its reasons, the
    waterbed verdicts (direct evidence, FDR, detectable size), the disclosure rules and the roles; the Help
    menu has it as Handleiding."""
    from PyQt6.QtCore import Qt
    from PyQt6.QtTest import QTest

    win = bare_window
    help_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "Help")
    entry = next(a for a in help_menu.actions() if a.text() == "Handleiding")
    assert entry.shortcut().toString() == "F1"
    win.activateWindow()
    win.setFocus()
    QTest.keyClick(win, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(win, "help_window", None) is not None and win.help_window.isVisible(), timeout=5000)
    text = win.help_window.browser.toPlainText()
    for title in SECTIONS_NL:
        assert title in text, title
    for term in ("directe aanwijzingen", "FDR", "Kleinste zichtbare verplaatsing", "afgerond op 5", "onder de 10",
                 "Onderzoeker", "reden 1 tot 3"):
        assert term.lower() in text.lower(), term
    for english in ("The tabs", "ranking works", "Researcher"):
        assert english not in text


def test_the_english_interface_opens_the_english_manual(bare_window, qtbot):
    """After Beeld > Taal > English, Help > Manual shows the English manual with the same sections."""
    win = bare_window
    win.switch_language("en")
    help_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "Help")
    entry = next(a for a in help_menu.actions() if a.text() == "Manual")
    entry.trigger()
    text = win.help_window.browser.toPlainText()
    for title in SECTIONS_EN:
        assert title in text, title
    assert "Hoe de ranglijst werkt" not in text


def test_the_manual_files_are_package_data():
    """Both manuals sit in the package geo_tool.ui.help and match pyproject's package-data, so the wheel has them."""
    from importlib import resources

    from geo_tool.ui.help import MANUAL_FILES, manual_html

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"].get("geo_tool.ui.help", [])
    assert (ROOT / "geo_tool" / "ui" / "help" / "__init__.py").exists()  # a package that packages.find includes
    for lang, name in MANUAL_FILES.items():
        assert any(fnmatch.fnmatch(name, p) for p in patterns), name
        assert resources.files("geo_tool.ui.help").joinpath(name).is_file()
        html = manual_html(lang)
        assert not re.search(r"https?://", html)  # readable offline: nothing to fetch
        assert html.count("<h2>") == 6
