"""Issue 15, the window: the map fills its panel, opens on the residential city, labels never overlap,
the port shows "geen bewoning", no text is cut off (map boxes, Maat drop-down, Ranglijst reasons)."""

from __future__ import annotations

import dataclasses
import itertools
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

pytest.importorskip("PyQt6")

PANEL_PX = (730, 640)  # the Kaart tab's map panel on a 1366x768 screen
EUM = [("districts", "outline", "quantiles", 1.0), ("brp", "eum_share", "quantiles", 1.0)]


@pytest.fixture(scope="module")
def city_wijken(real_districts):
    """The 91 real wijken and 21 gebieden of Rotterdam with their CBS residents."""
    return (gpd.read_file(real_districts, layer="wijken"), gpd.read_file(real_districts, layer="gebieden"))


@pytest.fixture(scope="module")
def city_dataset(small_demo, city_wijken):
    """The small demo (addresses in Charlois) on the boundaries of the whole city, port included."""
    from geo_tool.dataset import load_dataset

    wijken, gebieden = city_wijken
    ds = load_dataset(small_demo)
    return dataclasses.replace(ds, wijken=wijken.set_crs(ds.wijken.crs, allow_override=True),
                               gebieden=gebieden.set_crs(ds.gebieden.crs, allow_override=True))


def screen_map(dataset, layers=EUM, size_px=PANEL_PX):
    """The window's map figure for `dataset`, composed and rendered at the panel's size."""
    from geo_tool.jobs import map_figure_for_window
    from geo_tool.ui.map_view import render_figure

    fig, table = map_figure_for_window(dataset, layers, "wijk", size_in=(size_px[0] / 100, size_px[1] / 100))
    render_figure(fig, *size_px)
    return fig, table


def map_boxes(ax):
    """The title, legend and footer drawn on the map."""
    return [a for a in [*ax.artists, *ax.texts] if a.get_gid() in ("title", "legend", "footer")]


def extents(artists, renderer):
    return [a.get_window_extent(renderer) for a in artists]


def test_uninhabited_is_cbs_residents_below_the_threshold_or_no_address():
    """An area is "geen bewoning" when CBS counts fewer than NO_RESIDENTS_BELOW residents; without a CBS
    figure, when the dataset has no address in it; an inhabited area never is."""
    from geo_tool.export.maps import NO_RESIDENTS_BELOW, uninhabited

    wijken = pd.DataFrame({"code": ["A", "B", "C", "D"], "gebied_code": ["G"] * 4,
                           "residents": pd.array([5, NO_RESIDENTS_BELOW, None, None], dtype="Int64")})
    ds = SimpleNamespace(wijken=wijken, gebieden=pd.DataFrame({"code": ["G"], "residents": [105]}),
                         addresses=pd.DataFrame({"wijk_code": ["C", "C", "A"]}))
    assert uninhabited(ds, "wijk", ["A", "B", "C", "D"]).tolist() == [True, False, False, True]
    assert uninhabited(ds, "gebied", ["G"]).tolist() == [False]


def test_opening_extent_is_the_residential_city_not_the_port(city_wijken):
    """The window opens on the inhabited city (centre, Hoogvliet, Heijplaat), computed from the CBS figures:
    the Maasvlakte, Europoort, Rozenburg and Hoek van Holland lie outside it, and it is far narrower
    than the municipality."""
    from geo_tool.export.maps import residential_extent

    wijken, gebieden = city_wijken
    ds = SimpleNamespace(wijken=wijken, gebieden=gebieden, addresses=pd.DataFrame({"wijk_code": []}))
    xmin, ymin, xmax, ymax = residential_extent(ds)
    inside = wijken.geometry.representative_point().map(lambda p: xmin <= p.x <= xmax and ymin <= p.y <= ymax)
    by_name = dict(zip(wijken["name"], inside))
    for name in ("Stadsdriehoek", "Hoogvliet Zuid", "Heijplaat", "Nesselande", "Pernis"):
        assert by_name[name], name
    for name in ("Maasvlakte", "Europoort", "Rozenburg", "Hoek van Holland"):
        assert not by_name.get(name, False), name
    all_w = wijken.total_bounds[2] - wijken.total_bounds[0]
    assert (xmax - xmin) < 0.6 * all_w


def test_the_map_fills_its_panel_and_no_text_is_cut_off(city_dataset):
    """The map axes cover the whole panel; the city fills most of it; every text (title, legend title
    "Aandeel EU-arbeidsmigranten (% van bewoners)", footer) lies wholly inside the panel; the legend and
    the title box do not overlap."""
    fig, _table = screen_map(city_dataset)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    panel = fig.bbox
    box = ax.get_window_extent(renderer)
    assert box.width >= panel.width - 1 and box.height >= panel.height - 1
    # the inhabited city takes most of the panel's width or height
    from geo_tool.export.maps import residential_extent

    xmin, ymin, xmax, ymax = residential_extent(city_dataset)
    (x0, y0), (x1, y1) = ax.transData.transform([(xmin, ymin), (xmax, ymax)])
    assert max((x1 - x0) / panel.width, (y1 - y0) / panel.height) > 0.6
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and t.get_rotation() == 0]
    legend_titles = [t for t in texts if "Aandeel EU-arbeidsmigranten" in str(t.get_text())]
    assert legend_titles
    for t in texts:
        e = t.get_window_extent(renderer)
        assert panel.x0 - 1 <= e.x0 and e.x1 <= panel.x1 + 1 and panel.y0 - 1 <= e.y0 and e.y1 <= panel.y1 + 1, \
            t.get_text()
    boxes = {b.get_gid(): b.get_window_extent(renderer) for b in map_boxes(ax)}
    assert set(boxes) == {"title", "legend", "footer"}
    for a, b in itertools.combinations(boxes.values(), 2):
        assert not a.overlaps(b)


@pytest.mark.parametrize("size_px", [PANEL_PX, (1200, 880), (480, 420)])
def test_area_labels_never_overlap(city_dataset, size_px):
    """Area names are placed by size and skipped where their measured box would overlap a name already
    placed or a box on the map (title, legend, footer); still, many wijken are named."""
    fig, _table = screen_map(city_dataset, size_px=size_px)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_gid() == "area-label"]
    assert len(labels) >= (8 if size_px[0] > 600 else 2)
    boxes = extents(labels, renderer)
    for (a, ta), (b, tb) in itertools.combinations(zip(boxes, labels), 2):
        assert not a.overlaps(b), (ta.get_text(), tb.get_text())
    furniture = extents(map_boxes(ax), renderer)
    for a, t in zip(boxes, labels):
        assert not any(a.overlaps(f) for f in furniture), t.get_text()


def _hatched_areas(ax, hatch):
    return sum(len(c.get_paths()) for c in ax.collections if c.get_hatch() == hatch)


def test_port_wijken_show_geen_bewoning_on_screen_and_on_paper(city_dataset):
    """Wijken with (almost) no residents (the port, Maasvlakte) are drawn grey hatched with their own
    legend entry "geen bewoning", on screen and in the printed map, and take no part in the classes."""
    from geo_tool.export.maps import NO_RESIDENTS_HATCH, compose_map, uninhabited
    from geo_tool.export.tables import export_metadata, figures_table, resolve_specs
    from geo_tool.layers import Level, TimeWindow

    empty = uninhabited(city_dataset, "wijk", city_dataset.wijken["code"].astype(str))
    names = set(city_dataset.wijken.loc[empty, "name"])
    assert {"Maasvlakte", "Europoort", "Waalhaven", "Eemhaven", "Vondelingenplaat"} <= names
    assert not {"Carnisse", "Stadsdriehoek", "Heijplaat"} & names
    fig, table = screen_map(city_dataset)
    assert _hatched_areas(fig.axes[0], NO_RESIDENTS_HATCH) == int(empty.sum())
    assert any("geen bewoning" in str(t.get_text()) for t in fig.findobj(Text))
    # the PNG/PDF export composes the same map on paper
    window = TimeWindow.default_for(city_dataset)
    sels = resolve_specs(city_dataset, ["brp:eum_share", "districts"])
    table = figures_table(city_dataset, [], Level.WIJK, window, selections=sels)
    meta = export_metadata(city_dataset, sels, Level.WIJK, window, True, "test", "png")
    paper = compose_map(city_dataset, sels, table, Level.WIJK, window, meta, paper="A4", internal=True)
    assert _hatched_areas(paper.axes[0], NO_RESIDENTS_HATCH) == int(empty.sum())
    assert any("geen bewoning" in str(t.get_text()) for t in paper.findobj(Text))


def test_maat_dropdown_shows_every_measure_uncut(window):
    """The Maat drop-down is as wide as the layer panel and every measure name of every layer fits in it
    (the unit is in the tooltip and the legend); the open list is as wide as its longest entry."""
    from PyQt6.QtCore import Qt
    from PyQt6.QtWidgets import QStyle, QStyleOptionComboBox

    panel = window.layer_panel
    combo = panel.measure
    metrics = combo.fontMetrics()
    assert combo.width() >= panel.width() - 20
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)  # where the text goes
    for row in range(panel.list.count()):
        panel.list.setCurrentRow(row)
        for i in range(combo.count()):
            text = combo.itemText(i)
            assert metrics.horizontalAdvance(text) <= field.width(), (text, field.width())
            assert combo.itemData(i, Qt.ItemDataRole.ToolTipRole).startswith(text)
        assert combo.view().minimumWidth() >= combo.view().sizeHintForColumn(0)


def test_ranglijst_shows_every_reason_on_screen(window, qtbot):
    """All three reasons of a row are in one column next to the score, inside the table's visible width
    on a 1366x768 screen, and the details panel lists them for the selected row."""
    from test_tabs_ranking_planning import random_ranking

    window.resize(1366, 768)
    window.show_tab("ranglijst")
    qtbot.wait(50)
    frame = random_ranking(window.dataset, 50)
    frame["reason_3"] = "lang geleden gecontroleerd"
    tab = window.ranking_tab
    tab.show_ranking(frame)
    qtbot.wait(50)
    table = tab.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    col = headers.index("redenen")
    assert table.item(0, col).text() == ("veel meldingen in het afgelopen jaar; veel in- en uitschrijvingen; "
                                         "lang geleden gecontroleerd")
    left = table.columnViewportPosition(col)
    assert left >= 0 and left + min(table.columnWidth(col), 200) <= table.viewport().width()
    tab.select_address(table.item(0, headers.index("adres-id")).text())
    html = tab.history.toHtml()
    for reason in ("veel meldingen in het afgelopen jaar", "veel in- en uitschrijvingen", "lang geleden gecontroleerd"):
        assert reason in html


def test_wijk_figures_in_the_details_panel_are_in_dutch_notation(window):
    """A click on a wijk shows its figures as the legend does: thousands with a point, decimals with a comma
    (12.330, 8,4), never English notation (12,330 or 8.40)."""
    import re

    row = window.table.loc[window.table["eum_share"].astype(float).idxmax()]
    pt = row.geometry.representative_point()
    window.set_role("researcher")  # area figures, not an address
    window.identify(pt.x, pt.y)
    text = window.details.toPlainText()
    assert row["name"] in text
    assert not re.search(r"\d\.\d{2}(?!\d)", text), text  # no English decimals
    assert re.search(r"\d,\d(?!\d)", text), text  # the share with a decimal comma
