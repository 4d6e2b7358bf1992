"""The Waterbed tab in Dutch mode shows no English words and no code identifiers (issue 12)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("PyQt6")

#: English words that leaked into the tab before (signal keys, roles, verdicts) and common English glue words ("of" is Dutch too);
#: none of them is also a Dutch word the tab uses.
ENGLISH = {
    "complaints", "complaint", "registrations", "registration", "relocations", "relocation", "eum", "target",
    "moves", "spells", "short", "crowding", "timeseries", "evidence", "displacement", "diffusion",
    "destination", "control", "landlord", "landlords", "violations", "inspections", "signal", "verdict",
    "from", "the", "with", "and", "none", "nan", "true", "false",
}


def _visible_texts(tab) -> list[str]:
    """Every text a user reads in the tab: labels, buttons, form rows, tab titles, table headers and cells,
    and the report panes' plain text."""
    from PyQt6.QtWidgets import QAbstractButton, QLabel, QTabWidget, QTableWidget, QTextBrowser

    texts: list[str] = []
    for w in tab.findChildren(QLabel):
        texts.append(w.text())
    for w in tab.findChildren(QAbstractButton):
        texts.append(w.text())
    for w in tab.findChildren(QTabWidget):
        texts += [w.tabText(i) for i in range(w.count())]
    for w in tab.findChildren(QTableWidget):
        for c in range(w.columnCount()):
            h = w.horizontalHeaderItem(c)
            texts.append(h.text() if h is not None else "")
            texts += [w.item(r, c).text() for r in range(w.rowCount()) if w.item(r, c) is not None]
    for w in tab.findChildren(QTextBrowser):
        texts.append(w.toPlainText())
    return texts


def test_waterbed_tab_has_no_english_words_in_dutch_mode(window, qtbot):
    """After a run in Dutch mode, no sub-tab title, label, table cell or report pane in the Waterbed tab contains an
    English word from the list above or a code identifier with an underscore (like eum_registrations)."""
    from geo_tool.ui.i18n import language

    assert language() == "nl"
    tab = window.waterbed_tab
    window.show_tab("waterbed")
    with qtbot.waitSignal(tab.finished, timeout=300000):
        tab.run()
    gallery = [tab.gallery.tabText(i) for i in range(tab.gallery.count())]
    assert len(gallery) >= 4 and any(t.startswith("Maandcijfers") for t in gallery), gallery
    bad = []
    for text in _visible_texts(tab):
        words = set(re.findall(r"[a-z_]+", text.lower()))
        found = (words & ENGLISH) | {w for w in words if "_" in w.strip("_")}
        if found:
            bad.append((sorted(found), text[:120]))
    assert not bad, "\n".join(f"{w}: {t!r}" for w, t in bad)
