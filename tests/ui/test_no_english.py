"""The window in Dutch mode shows no English word (issue 15, "Dutch throughout").

Every tab is opened on the small demo and filled (a wijk clicked, a ranking shown and an address chosen,
a week planned, the waterbed analysis run, a model card shown); then every visible text is scanned for
the English words of tests/english_words.py: labels, buttons, check boxes, placeholders, drop-down
items, tooltips, menus, tab names, table headers and cells, and the details panels. Areas other
branches are making Dutch now are xfail (strict=False) with the branch named, for the lead to flip.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from english_words import english_words

pytest.importorskip("PyQt6")
pytest.importorskip("pytestqt")

# values the window shows that the contract fixes (a layer key in a file name, a role's name): none today
ALLOWED: tuple[str, ...] = ()


@pytest.fixture
def _dutch():
    """Dutch mode from before the window is built (its texts are read when it is made), restored afterwards."""
    from geo_tool.i18n import language, set_language

    before = language()
    set_language("nl")
    yield
    set_language(before)


@pytest.fixture
def dutch_window(_dutch, window):
    """The shared window (tests/ui/conftest.py: small demo loaded) built in Dutch; errors collected, no dialogs."""
    window.errors = []
    window.show_error = window.errors.append
    yield window
    window.cancel_work()


def _menu_texts(menu) -> list[str]:
    texts = []
    for action in menu.actions():
        texts += [action.text().replace("&", ""), action.toolTip() if action.toolTip() != action.text() else ""]
        if action.menu() is not None:
            texts += _menu_texts(action.menu())
    return texts


def _table_texts(view) -> list[str]:
    """Header labels and the first rows' cells of a table (QTableWidget or any QAbstractItemView)."""
    from PyQt6.QtCore import QAbstractListModel, Qt

    model = view.model()
    if model is None:
        return []
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
    texts = []
    for c in range(columns):
        texts += [str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or ""),
                  str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) or "")]
    for r in range(min(model.rowCount(), 30)):
        for c in range(columns):
            index = model.index(r, c)
            texts += [str(model.data(index, Qt.ItemDataRole.DisplayRole) or ""),
                      str(model.data(index, Qt.ItemDataRole.ToolTipRole) or "")]
    return texts


def visible_texts(root) -> dict[str, str]:
    """Every text a user can read in `root` and its children, keyed by widget class and object name."""
    from PyQt6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QGroupBox, QLabel, QLineEdit,
                                 QMainWindow, QPlainTextEdit, QTabBar, QTabWidget, QTextEdit, QWidget)

    found: dict[str, list[str]] = {}

    def add(widget, *texts) -> None:
        key = f"{type(widget).__name__}:{widget.objectName() or id(widget)}"
        found.setdefault(key, []).extend(t for t in texts if t)

    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        add(w, w.toolTip(), w.statusTip(), w.whatsThis(), w.windowTitle() if w.isWindow() else "")
        if isinstance(w, QLabel):
            add(w, w.text())
        elif isinstance(w, QAbstractButton):
            add(w, w.text().replace("&", ""))
        elif isinstance(w, QLineEdit):
            add(w, w.text(), w.placeholderText())
        elif isinstance(w, QComboBox):
            add(w, *(w.itemText(i) for i in range(w.count())))
        elif isinstance(w, QGroupBox):
            add(w, w.title())
        elif isinstance(w, QTabWidget):
            add(w, *(w.tabText(i) for i in range(w.count())), *(w.tabToolTip(i) for i in range(w.count())))
        elif isinstance(w, QTabBar):
            add(w, *(w.tabText(i) for i in range(w.count())))
        elif isinstance(w, (QTextEdit, QPlainTextEdit)):
            add(w, w.toPlainText(), getattr(w, "placeholderText", lambda: "")())
        if isinstance(w, QAbstractItemView):
            add(w, *_table_texts(w))
        if isinstance(w, QMainWindow):
            add(w, *_menu_texts(w.menuBar()))
        for action in w.actions():
            add(w, action.text().replace("&", ""), action.toolTip())
    return {k: "\n".join(v) for k, v in found.items()}


def english_in(root) -> dict[str, list[str]]:
    """{widget: English words found} over every visible text of `root`."""
    problems = {}
    for key, text in visible_texts(root).items():
        words = english_words(text, ALLOWED)
        if words:
            problems[key] = words
    return problems


def _random_ranking(dataset, n: int = 200, seed: int = 0) -> pd.DataFrame:
    """A ranking of `n` demo addresses with random scores and Dutch reasons (not the model)."""
    rng = np.random.default_rng(seed)
    a = dataset.addresses.drop_duplicates("address_id")
    ids = list(a["address_id"].astype(str).sample(n, random_state=seed))
    wijk = a.set_index(a["address_id"].astype(str))["wijk_code"].astype("string")
    frame = pd.DataFrame({"address_id": ids, "score": rng.random(n).round(4)})
    frame = frame.sort_values("score", ascending=False).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, n + 1))
    frame["wijk_code"] = wijk.loc[frame["address_id"]].to_numpy()
    frame["reason_1"] = "veel meldingen in het afgelopen jaar"
    frame["reason_2"] = "veel in- en uitschrijvingen"
    frame["reason_3"] = pd.NA
    return frame


def test_the_map_tab_menus_and_details_are_dutch(dutch_window):
    """The Kaart tab, the menus, the layer panel and the details panel after a click on a wijk: no English."""
    win = dutch_window
    win.show_tab("kaart")
    wijk = win.table.iloc[0]
    pt = wijk.geometry.representative_point()
    win.identify(pt.x, pt.y)
    assert wijk["name"] in win.details.toPlainText()
    problems = english_in(win)
    assert not problems, problems


def test_the_ranking_tab_is_dutch(dutch_window):
    """The Ranglijst tab with a ranking shown and an address's history in its details: no English."""
    win = dutch_window
    win.show_tab("ranglijst")
    tab = win.ranking_tab
    ranked = _random_ranking(win.dataset)
    tab.show_ranking(ranked)
    tab.select_address(str(ranked["address_id"].iloc[0]))
    tab.show_history(str(ranked["address_id"].iloc[0]))
    assert tab.table.rowCount() > 0
    problems = english_in(tab)
    assert not problems, problems


def test_the_week_plan_tab_is_dutch(dutch_window, qtbot):
    """The Weekplanning tab after planning two teams over two days: no English in tables, summary, legend."""
    win = dutch_window
    win.ranking_tab.show_ranking(_random_ranking(win.dataset, 300))
    win.show_tab("weekplanning")
    tab = win.planning_tab
    tab.time_limit.setValue(2)
    tab.teams.setValue(2)
    for key, box in tab.day_checks.items():
        box.setChecked(key in ("mon", "tue"))
    with qtbot.waitSignal(tab.finished, timeout=300000):
        tab.run()
    assert not win.errors, win.errors
    problems = english_in(tab)
    assert not problems, problems


def test_the_waterbed_tab_is_dutch(dutch_window, qtbot):
    """The Waterbed tab after the analysis of Carnisse (sub-tabs, verdict table, report): no English."""
    win = dutch_window
    tab = win.waterbed_tab
    win.show_tab("waterbed")
    with qtbot.waitSignal(tab.finished, timeout=600000):
        tab.run()
    problems = english_in(tab)
    assert not problems, problems


def test_the_model_tab_controls_are_dutch(dutch_window):
    """The Model tab's own controls (before a model is chosen): no English."""
    win = dutch_window
    win.show_tab("model")
    win.model_tab.show_model(None)
    problems = english_in(win.model_tab)
    assert not problems, problems


def test_the_model_card_is_dutch(dutch_window, tmp_path):
    """The Model tab showing a trained model's card, charts and fairness table: no English."""
    import sys
    from pathlib import Path

    from geo_tool.model import train_model

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "model"))
    from toydata import make_toy_dataset  # the model tests' 800-address toy: a card in seconds

    win = dutch_window
    out = tmp_path / "model"
    toy, _truth = make_toy_dataset(800, seed=3)
    train_model(toy, "2023-03-01", out, capacity=10, eval_dates=["2022-06-01"], fairness_weeks=1, n_boot=10)
    win.show_tab("model")
    win.model_tab.show_model(out)
    problems = english_in(win.model_tab)
    assert not problems, problems


def test_the_scan_sees_english_in_english_mode(qtbot):
    """The scan can fail: the same window in English (no dataset) shows English words in menus and tabs."""
    from geo_tool.i18n import language, set_language
    from geo_tool.ui.main_window import MainWindow

    before = language()
    set_language("en")
    try:
        win = MainWindow()
        qtbot.addWidget(win)
        texts = "\n".join(visible_texts(win).values())
        assert "Open dataset" in texts and "Week plan" in texts
        assert english_in(win)
    finally:
        set_language(before)
    set_language("nl")
    try:
        win = MainWindow()
        qtbot.addWidget(win)
        assert "Dataset openen" in "\n".join(visible_texts(win).values())
    finally:
        set_language(before)
