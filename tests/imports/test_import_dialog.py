"""File > Importeren: preview rows, pick a profile, see match rates before writing, save, import (offscreen)."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("PyQt6")


@pytest.fixture
def export_dir(small_demo, tmp_path):
    """The small demo's permits written as the text-address export."""
    from geo_tool.demo.exported import permit_list
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from geo_tool.demo.exported import write_csv_semicolon

    addr = gpd.read_file(small_demo / "addresses.gpkg").drop(columns="geometry")
    perm = pd.read_csv(small_demo / "permits.csv", dtype=str, keep_default_na=False)
    write_csv_semicolon(permit_list(perm, addr, np.random.default_rng(1)), tmp_path / "vergunningen.csv")
    return tmp_path


def test_preview_shows_rates_and_writes_nothing_then_import_writes(qtbot, small_demo, export_dir, tmp_path):
    """The preview runs the matching in the background and shows rates per method without writing;
    Importeren writes permits.csv; the profile saves as a loadable TOML file."""
    from geo_tool.imports import load_profile
    from geo_tool.ui.import_dialog import ImportDialog
    from geo_tool.ui.workers import Worker

    workers = []

    def runner(label, fn, ok, fail):
        w = Worker(fn)
        w.succeeded.connect(ok)
        w.failed.connect(fail)
        workers.append(w)
        w.start()

    into = tmp_path / "ds"
    dlg = ImportDialog(runner=runner, dataset_dir=small_demo, source=export_dir / "vergunningen.csv")
    qtbot.addWidget(dlg)
    dlg.into_edit.setText(str(into))
    assert dlg.preview.columnCount() == 8 and dlg.preview.rowCount() == 10
    dlg.select_profile("vergunningen-tekstadres")
    dlg.preview_match()
    qtbot.waitUntil(lambda: dlg.last_outcome is not None, timeout=60000)
    assert "normalised" in dlg.rates_label.text() and "%" in dlg.rates_label.text()
    assert not into.exists()
    dlg.save_profile(tmp_path / "mijn.toml")
    assert load_profile(tmp_path / "mijn.toml").table == "permits"
    dlg.last_outcome = None
    dlg.run_import()
    qtbot.waitUntil(lambda: dlg.last_outcome is not None, timeout=60000)
    assert (into / "permits.csv").exists()
    for w in workers:
        w.thread.wait(5000)


def test_a_bad_profile_is_explained_not_run(qtbot, export_dir):
    """A profile with an unknown key shows the one-line reason naming the key; nothing runs."""
    from geo_tool.ui.import_dialog import ImportDialog

    calls = []
    dlg = ImportDialog(runner=lambda *a: calls.append(a), source=export_dir / "vergunningen.csv")
    qtbot.addWidget(dlg)
    dlg.profile_text.setPlainText('table = "permits"\nkleur = "rood"\n')
    dlg.preview_match()
    assert "kleur" in dlg.rates_label.text() and not calls


def test_file_menu_has_importeren(qtbot):
    """The main window's File menu offers Importeren… and opens the dialog."""
    from geo_tool.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    texts = [a.text() for a in win.menuBar().actions()[0].menu().actions()]
    assert "Importeren…" in texts
    dlg = win.open_import_dialog()
    assert dlg.windowTitle() == "Importeren"
    dlg.close()
    win.close()
