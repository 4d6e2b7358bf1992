"""The first window: opens the small demo, draws, toggles layers, identifies, exports, switches language."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("PyQt6")


def test_open_draws_the_default_layers(window):
    """Opening a dataset draws EU labour migrant share per wijk on the wijk polygons."""
    assert window.dataset is not None
    assert "eum_share" in window.table.columns
    assert len(window.table) == len(window.dataset.wijken)
    assert window.map_view.image is not None and window.map_view.image.shape[2] == 4


def test_toggling_a_layer_redraws_with_its_figures(window, qtbot):
    """Ticking the inspections layer redraws the map with the hit rate per wijk in the figures."""
    window.layer_panel.set_visible("inspections", True)
    with qtbot.waitSignal(window.map_drawn, timeout=60000):
        pass
    measures = window.table.attrs["measures"]
    assert any(k in window.table.columns for k in ("visits", "hit_rate", "points")) or measures


def test_click_on_a_wijk_shows_its_figures(window):
    """A click inside Carnisse shows Carnisse's name and figures in the details panel."""
    carnisse = window.table[window.table["name"] == "Carnisse"]
    if carnisse.empty:
        pytest.skip("Carnisse is not in this demo")
    pt = carnisse.geometry.iloc[0].representative_point()
    window.set_role("researcher")  # researchers see area figures only, never an address
    window.identify(pt.x, pt.y)
    html = window.details.toHtml()
    assert "Carnisse" in html
    assert "Aandeel EU-arbeidsmigranten" in html


def test_click_on_an_address_shows_its_history(window):
    """A planner's click on an inspected address shows its history with the visit, and no person id."""
    insp = window.dataset.inspections.iloc[-1]
    addr = window.dataset.addresses.set_index("address_id").loc[insp["address_id"]]
    window.identify(addr.geometry.x + 1.0, addr.geometry.y)
    html = window.details.toHtml()
    assert "huisbezoek" in html and "personen ingeschreven" in html
    persons = window.dataset.brp.loc[window.dataset.brp["address_id"] == insp["address_id"], "person_id"]
    assert not any(p in html for p in persons)


def test_roles_hide_what_a_role_does_not_need(window):
    """A researcher sees only the map and model tabs; a planner sees the waterbed tab too."""
    window.set_role("researcher")
    idx = window.tab_index("waterbed")
    assert not window.tabs.isTabVisible(idx)
    window.set_role("planner")
    assert window.tabs.isTabVisible(idx)


def test_export_from_the_window_writes_a_disclosure_safe_csv(window, qtbot, tmp_path):
    """File > Export to CSV writes the figures per wijk with small counts suppressed."""
    import pandas as pd

    out = tmp_path / "kaart.csv"
    done = []
    window.export_to(out, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=60000)
    table = pd.read_csv(out)
    assert "code" in table.columns and len(table) == len(window.dataset.wijken)
    for col in [c for c in table.columns if c.endswith("_count") or c in ("residents", "eum_count")]:
        values = pd.to_numeric(table[col], errors="coerce").dropna()
        assert not ((values > 0) & (values < 10)).any(), col


def test_language_switch_to_english(window):
    """Switching to English relabels the menus; switching back restores Dutch."""
    window.switch_language("en")
    titles = [a.text() for a in window.menuBar().actions()]
    assert "File" in titles
    window.switch_language("nl")
    assert "Bestand" in [a.text() for a in window.menuBar().actions()]


def test_screenshot_command_writes_a_drawn_window(small_demo, tmp_path):
    """`geo-tool gui DIR --screenshot FILE` saves a PNG of the drawn window that is not blank."""
    import matplotlib.image as mpimg

    out = tmp_path / "window.png"
    result = subprocess.run([sys.executable, "-m", "geo_tool", "gui", str(small_demo), "--screenshot", str(out)],
                            capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    img = mpimg.imread(out)
    assert img.shape[0] > 400 and img.shape[1] > 600
    assert float(np.std(img[..., :3])) > 0.05
    # the map area holds many colours (a choropleth), not a flat placeholder
    h, w = img.shape[:2]
    centre = img[h // 4: 3 * h // 4, w // 3: 2 * w // 3, :3].reshape(-1, 3)
    assert len(np.unique((centre * 255).astype(int), axis=0)) > 20


def test_model_tab_trains_a_model_and_shows_its_card(window, qtbot):
    """'Nieuw model trainen' trains in the background, keeps it in the list and shows its model card."""
    tab = window.model_tab
    from PyQt6.QtCore import QDate

    tab.as_of.setDate(QDate(2024, 1, 1))
    with qtbot.waitSignal(tab.finished, timeout=300000):
        tab.train()
    assert tab.current is not None and (tab.current / "estimator.skops").exists()
    assert "Algoritmeregister" in tab.card.toPlainText() or "model" in tab.card.toPlainText().lower()
    assert tab.gallery.count() >= 1
    assert tab.fairness.rowCount() > 0
    # the ranking tab now uses that model
    assert window.ranking_tab.model_dir.text() == str(tab.current)


def test_waterbed_tab_runs_and_saves_the_report(window, qtbot, tmp_path):
    """The Waterbed tab runs the analysis for Carnisse, shows verdicts and maps, and saves the report."""
    tab = window.waterbed_tab
    window.show_tab("waterbed")
    assert tab.target.currentData() == "BU05991572"  # preselected from interventions.csv
    with qtbot.waitSignal(tab.finished, timeout=300000):
        tab.run()
    from geo_tool.analysis.waterbed import VERDICT_NL

    assert tab.table.rowCount() >= 2
    verdicts = {tab.table.item(r, 2).text() for r in range(tab.table.rowCount())}
    assert verdicts <= set(VERDICT_NL.values())
    assert tab.gallery.count() >= 2
    # the report's content in Dutch sub-tabs: conclusion first, evidence per wijk with names, charts, methods
    assert [tab.views.tabText(i) for i in range(tab.views.count())] == [
        "Conclusie", "Bewijs per wijk", "Kaarten en grafieken", "Methoden"]
    assert "Carnisse" in tab.conclusion.toPlainText() and "Oordeel" in tab.sections.toPlainText()
    assert "BU0599" not in tab.conclusion.toPlainText()
    written = tab.save_report_to(tmp_path)
    assert (tmp_path / "waterbed.csv").exists() and (tmp_path / "report.pdf").exists()
    assert len(written) >= 8


def test_export_every_format_from_the_window(window, qtbot, tmp_path):
    """The window exports PNG, PDF, SVG, HTML, GeoPackage, GeoTIFF and CSV; each lands in the audit log."""
    from geo_tool.export.audit import read_audit

    files = [tmp_path / f"kaart.{ext}" for ext in ("png", "pdf", "svg", "html", "gpkg", "tif", "csv")]
    done = []
    before = len(read_audit())
    window.export_files(["brp:eum_share", "complaints:complaint_rate"], "wijk", files, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=180000)
    for f in files:
        assert f.exists() and f.stat().st_size > 0, f.name
    assert len(read_audit()) == before + len(files)


def test_researcher_exports_are_never_internal(window, qtbot, tmp_path):
    """A researcher asking for an internal address-level export is refused: exports stay disclosure-safe."""
    window.set_role("researcher")
    errors = []
    window.show_error = errors.append
    done = []
    window.export_files(["complaints:points"], "wijk", [tmp_path / "punten.csv"], internal=True,
                        on_done=done.append)
    qtbot.waitUntil(lambda: bool(errors) or bool(done), timeout=60000)
    assert errors and not (tmp_path / "punten.csv").exists()


def test_search_box_finds_a_wijk_and_an_address(window):
    """Typing a wijk name zooms to it and shows its figures; a postcode + number shows the address history."""
    assert window.search_for("oud-charlois")
    assert "Oud Charlois" in window.details.toHtml()
    a = window.dataset.addresses.dropna(subset=["postcode", "house_number"]).iloc[5]
    assert window.search_for(f"{a['postcode']} {int(a['house_number'])}")
    assert "personen ingeschreven" in window.details.toHtml()
    assert not window.search_for("nergensstraat")


def test_basemap_offline_draws_without_error(window, qtbot, monkeypatch):
    """Ticking the background map offline redraws the map with a note instead of failing."""
    from geo_tool.export import basemap

    monkeypatch.setattr(basemap, "_offline", True)
    with qtbot.waitSignal(window.map_drawn, timeout=60000):
        window.basemap.setChecked(True)
    from matplotlib.text import Text  # the note is in the map's footer box

    texts = [t.get_text() for t in window.map_view.figure.findobj(Text)]
    assert any("achtergrondkaart niet beschikbaar" in t for t in texts)
    with qtbot.waitSignal(window.map_drawn, timeout=60000):
        window.basemap.setChecked(False)


def test_pan_and_zoom_render_in_the_background(window, qtbot):
    """Zooming in and out and dragging change the map extent and give a new image, drawn off the UI thread."""
    from PyQt6.QtCore import QPoint

    ax = window.map_view.map_axes
    width = ax.get_xlim()[1] - ax.get_xlim()[0]
    with qtbot.waitSignal(window.map_view.rendered, timeout=60000):
        window.map_view.zoom(0.5)
    assert abs((ax.get_xlim()[1] - ax.get_xlim()[0]) - width * 0.5) < 1e-6 * width
    x0 = ax.get_xlim()[0]
    with qtbot.waitSignal(window.map_view.rendered, timeout=60000):
        window.map_view._dragged(QPoint(200, 200), QPoint(100, 200))
    assert ax.get_xlim()[0] > x0  # dragging left moves the view east
    with qtbot.waitSignal(window.map_view.rendered, timeout=60000):
        window.map_view.home()
    assert abs((ax.get_xlim()[1] - ax.get_xlim()[0]) - width) < 1e-6 * width


def test_period_slider_moves_the_window_and_redraws(window, qtbot):
    """Moving the period slider back 12 months shifts both dates a year earlier and redraws the map."""
    before = window.window_selected()
    with qtbot.waitSignal(window.map_drawn, timeout=60000):
        window.period_slider.setValue(window.period_slider.value() - 12)
    after = window.window_selected()
    assert (after.end - after.start) == (before.end - before.start)
    assert after.end.year == before.end.year - 1 and after.end.month == before.end.month
    assert window.table.attrs["window"]["end"] == after.end.date().isoformat()
