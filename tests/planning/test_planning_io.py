"""The planner's files: the ranking reader, travel times, and every output written."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import pytest

from geo_tool.errors import UnusableInputError
from geo_tool.export.html import CDN_PATTERNS
from geo_tool.planning import read_ranked, write_plan_outputs
from geo_tool.planning.inputs import read_done, read_must_visits
from geo_tool.planning.travel import straight_distance_m, travel_matrices

GOOD = "0599200000000001"


def test_read_ranked_ok(tmp_path):
    """A ranking with `;` and decimal commas reads, sorted by score, ids kept as strings."""
    f = tmp_path / "ranked.csv"
    f.write_text("\ufeffRank;Address_ID;score;wijk_code;reason_1\n2;0599200000000002;0,2;BU05990000;x\n"
                 f"1;{GOOD};0,9;BU05990000;y\n", encoding="utf-8")
    r = read_ranked(f)
    assert list(r["address_id"]) == [GOOD, "0599200000000002"]
    assert r["score"].tolist() == [0.9, 0.2]
    assert list(r.columns) == ["rank", "address_id", "score", "wijk_code", "reason_1", "reason_2", "reason_3"]


def test_read_ranked_errors_name_row_and_column(tmp_path):
    """Bad values are reported all at once, each with the file, the 1-based data row and the column."""
    f = tmp_path / "ranked.csv"
    f.write_text(f"rank,address_id,score\n1,{GOOD},0.5\n2,0599200000000002,hoog\n3,12345,0.1\n4,{GOOD},0.2\n5,0599200000000003,-1\n")
    with pytest.raises(UnusableInputError) as err:
        read_ranked(f)
    msg = str(err.value)
    assert msg.startswith("ranked.csv:")
    assert "rij 2, kolom score: 'hoog'" in msg
    assert "rij 3, kolom address_id: '12345'" in msg
    assert "rij 4, kolom address_id" in msg and "twee keer" in msg
    assert "rij 5, kolom score: '-1'" in msg


def test_read_ranked_missing_column(tmp_path):
    """A ranking without a score column names the missing column and the columns found."""
    f = tmp_path / "r.csv"
    f.write_text(f"address_id,risk\n{GOOD},0.5\n")
    with pytest.raises(UnusableInputError, match="score"):
        read_ranked(f)


def test_read_must_visits_and_done(tmp_path):
    """Must-visits (dates or date-times) and done visits (inspections.csv format) read; bad rows are named."""
    m = tmp_path / "must.csv"
    m.write_text(f"address_id,earliest,latest,reason\n{GOOD},,2026-03-04,herinspectie\n")
    (mv,) = read_must_visits(m)
    assert mv.latest.hour == 23 and mv.reason == "herinspectie"
    d = tmp_path / "done.csv"
    d.write_text(f"inspection_id,address_id,visited_on,outcome,team\n1,{GOOD},2026-03-02T10:00,violation,T1\n"
                 f"2,{GOOD},02-03-2026,violation,T1\n")
    with pytest.raises(UnusableInputError, match="rij 2, kolom visited_on"):
        read_done(d)


def test_straight_line_travel():
    """Without a road graph: straight RD distance x detour factor; times rounded up to whole minutes."""
    xy = np.array([[0.0, 0.0], [3000.0, 4000.0]])
    t = travel_matrices(xy, speed_kmh=13.0, detour_factor=1.3)
    assert t.distance_m[0, 1] == 6500 and t.distance_m[0, 0] == 0
    assert t.travel_time_s[0, 1] == 1800  # 6.5 km at 13 km/h = 30 min exactly
    assert (t.travel_time_s % 60 == 0).all()


def test_road_graph_travel(tmp_path):
    """With a GraphML road graph, distances follow the streets (an L-shaped detour here), plus snapping."""
    g = nx.Graph()
    for n, (x, y) in {"a": (0, 0), "b": (1000, 0), "c": (1000, 1000)}.items():
        g.add_node(n, x=float(x), y=float(y) + 430000)
    g.add_edge("a", "b", length=1000.0)
    g.add_edge("b", "c", length=1000.0)
    path = tmp_path / "roads.graphml"
    nx.write_graphml(g, path)
    xy = np.array([[0.0, 430000.0], [1000.0, 431000.0], [10.0, 430000.0]])
    t = travel_matrices(xy, speed_kmh=12.0, road_graph=path)
    assert t.distance_m[0, 1] == 2000  # along the streets, not the 1414 m diagonal
    assert t.distance_m[1, 2] == 2010  # snapped 10 m to node a
    assert straight_distance_m(xy, 1.0)[0, 1] < t.distance_m[0, 1]


def test_outputs_written(tmp_path, small_plan, small_dataset):
    """All outputs are written: csv columns, a GeoPackage in EPSG:28992, GPX as XML, offline HTML, non-empty PDFs."""
    out = tmp_path / "plan"
    paths = write_plan_outputs(small_plan, small_dataset, out)
    names = {p.name for p in paths}
    assert {"plan.csv", "plan.gpkg", "plan_week.html", "plan_report.md"} <= names
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
    assert not list(out.glob(".*tmp*")), "temporary files left behind"

    csv = pd.read_csv(out / "plan.csv", dtype={"address_id": str})
    assert list(csv.columns)[:11] == ["team", "day", "order", "address_id", "arrival", "departure", "score", "reason_1",
                                      "selected_by", "x", "y"]
    assert len(csv) == len(small_plan.visits) and csv["address_id"].str.len().eq(16).all()

    layers = [name for name, _ in pyogrio.list_layers(out / "plan.gpkg")]
    assert {"visits", "routes"} <= set(layers)
    for layer in ("visits", "routes"):
        gdf = pyogrio.read_dataframe(out / "plan.gpkg", layer=layer)
        assert gdf.crs.to_epsg() == 28992 and len(gdf) > 0
    assert (pyogrio.read_dataframe(out / "plan.gpkg", layer="routes").geom_type == "LineString").all()

    used = small_plan.team_days[small_plan.team_days["visits"] > 0]
    gpx = sorted(out.glob("plan_*.gpx"))
    assert len(gpx) == len(used)
    root = ET.parse(gpx[0]).getroot()
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    wpts = root.findall("g:wpt", ns)
    assert len(wpts) > 0 and 51.5 < float(wpts[0].get("lat")) < 52.3 and 3.8 < float(wpts[0].get("lon")) < 4.9

    page = (out / "plan_week.html").read_text()
    for pattern in CDN_PATTERNS + ("http://", "https://"):
        assert pattern not in page, f"the offline map references {pattern}"
    assert 'src="plan_week_files/leaflet.js"' in page
    assert (out / "plan_week_files" / "leaflet.js").exists()

    pdfs = sorted(out.glob("*.pdf"))
    days = {d for d in small_plan.visits["day"]}
    assert len(list(out.glob("sheets_*.pdf"))) == len(used) and len(list(out.glob("map_*.pdf"))) == len(days)
    assert len(list(out.glob("map_*.png"))) == len(days)
    for p in pdfs:
        data = p.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 2000
    report = (out / "plan_report.md").read_text()
    assert "gretig" in report and "verwachte vondsten" in report


def test_sheets_hold_no_pseudonyms(tmp_path, small_plan, small_dataset):
    """Visit sheets aggregate the register (counts only): no person pseudonym reaches the sheet text."""
    from geo_tool.planning.outputs import _addresses_info, visit_sheet_pages
    info = _addresses_info(small_plan, small_dataset)
    td = small_plan.team_days[small_plan.team_days["visits"] > 0].iloc[0]
    figs = visit_sheet_pages(small_plan, info, td.team, td.day)
    text = " ".join(t.get_text() for f in figs for t in f.texts)
    assert "personen ingeschreven" in text and "Uitkomst" in text
    persons = set(small_dataset.brp["person_id"])
    assert not any(f" {p} " in f" {text} " for p in persons)
