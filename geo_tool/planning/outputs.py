"""Everything the teams take on the road: plan.csv, plan.gpkg, day maps, the week's offline HTML map,
printable visit sheets, GPX routes for phones and the plan report. Every file goes through
`geo_tool.fileio` (temporary name, then rename).
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg", force=False)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from shapely.geometry import LineString  # noqa: E402

from geo_tool.dataset import Dataset  # noqa: E402
from geo_tool.fileio import atomic_path, write_csv_atomic, write_text_atomic  # noqa: E402
from geo_tool.layers.permits import STATUS_LABELS as PERMIT_STATUS_NL  # noqa: E402
from geo_tool.planning.params import STOP_NL, TRAVEL_MODE_NL  # noqa: E402
from geo_tool.planning.plan import VisitPlan  # noqa: E402
from geo_tool.planning.routes import route_geometries, straight_line_error, travel_credit  # noqa: E402
from geo_tool.progress import NullProgress, Progress  # noqa: E402

# Okabe-Ito, ordered for contrast on white (yellow last)
TEAM_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
DAY_NL = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
MONTH_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
            "november", "december"]
OUTCOME_NL = {"violation": "overtreding", "no_violation": "geen overtreding", "no_access": "geen toegang"}
SELECTED_NL = {"model": "model", "random": "steekproef", "must": "verplicht", "complaint": "melding", "routine": "routine",
               "other": "anders"}


def team_colour(team: str, teams: list[str]) -> str:
    """The team's colour (colour-blind-safe Okabe-Ito palette)."""
    i = teams.index(team) if team in teams else len(teams)
    return TEAM_COLOURS[i % len(TEAM_COLOURS)]


def day_label(day: dt.date) -> str:
    """``maandag 2 maart 2026``."""
    return f"{DAY_NL[day.weekday()]} {day.day} {MONTH_NL[day.month - 1]} {day.year}"


def _fmt(v: float, digits: int = 2) -> str:
    """A number with a fixed number of decimals and a decimal comma."""
    return f"{v:.{digits}f}".replace(".", ",")


def _num(v: float) -> str:
    """A number as short as it goes (``13``, ``4,5``), with a decimal comma."""
    return f"{v:g}".replace(".", ",")


# --------------------------------------------------------------------------------------------- tables
def _addresses_info(plan: VisitPlan, dataset: Dataset) -> pd.DataFrame:
    """Per planned address: the label, wijk name and a short register/complaint/inspection history.

    Aggregated only (counts, categories, dates, outcomes): no person or landlord pseudonyms.
    """
    ids = plan.visits["address_id"].astype(str).unique()
    monday = pd.Timestamp(plan.params.monday)
    a = dataset.addresses
    a = a[a["address_id"].astype(str).isin(ids)].drop_duplicates("address_id").set_index(a["address_id"].astype(str).name)
    a.index = a.index.astype(str)
    out = pd.DataFrame(index=pd.Index(ids, name="address_id"))

    def col(name: str) -> pd.Series:
        return a[name].reindex(out.index) if name in a.columns else pd.Series(pd.NA, index=out.index)

    num = col("house_number").astype("string").fillna("")
    extra = col("house_letter").astype("string").fillna("") + col("house_number_addition").astype("string").fillna("").map(
        lambda s: f"-{s}" if s else "")
    out["label"] = (col("street").astype("string").fillna("(straat onbekend)") + " " + num + extra).str.strip()
    out["postcode"] = col("postcode").astype("string").fillna("")
    names = dataset.wijken.set_index(dataset.wijken["code"].astype(str))["name"] if len(dataset.wijken) else pd.Series(dtype=str)
    out["wijk"] = col("wijk_code").astype(str).map(names).fillna(col("wijk_code").astype("string").fillna(""))

    brp = dataset.brp
    if len(brp):
        b = brp[brp["address_id"].astype(str).isin(ids)]
        frm = pd.to_datetime(b["registered_from"], errors="coerce")
        until = pd.to_datetime(b["registered_until"], errors="coerce")
        now = b[(frm <= monday) & (until.isna() | (until > monday))]
        out["registered"] = now.groupby(now["address_id"].astype(str)).size().reindex(out.index).fillna(0).astype(int)
        new = b[(frm > monday - pd.Timedelta(days=365)) & (frm <= monday)]
        out["registered_new_12m"] = new.groupby(new["address_id"].astype(str)).size().reindex(out.index).fillna(0).astype(int)
    else:
        out["registered"], out["registered_new_12m"] = 0, 0
    comp = dataset.complaints
    if len(comp) and "address_id" in comp.columns:
        c = comp[comp["address_id"].astype("string").isin(ids)]
        got = pd.to_datetime(c["received_on"], errors="coerce")
        c = c[(got > monday - pd.Timedelta(days=365)) & (got <= monday)]
        out["complaints_12m"] = c.groupby(c["address_id"].astype(str)).size().reindex(out.index).fillna(0).astype(int)
        cats = c.groupby(c["address_id"].astype(str))["category"].agg(lambda s: ", ".join(sorted(set(map(str, s)))))
        out["complaint_categories"] = cats.reindex(out.index).fillna("")
    else:
        out["complaints_12m"], out["complaint_categories"] = 0, ""
    insp = dataset.inspections
    if len(insp):
        i = insp[insp["address_id"].astype(str).isin(ids)].copy()
        i["when"] = pd.to_datetime(i["visited_on"], errors="coerce")
        i = i[i["when"] < monday].sort_values("when")
        last = i.groupby(i["address_id"].astype(str)).last()
        out["last_inspection"] = [f"{w:%d-%m-%Y}: {OUTCOME_NL.get(str(o), str(o))}" if pd.notna(w) else ""
                                  for w, o in zip(last["when"].reindex(out.index), last["outcome"].reindex(out.index))]
    else:
        out["last_inspection"] = ""
    perm = dataset.permits
    if len(perm):
        p = perm[perm["address_id"].astype(str).isin(ids)].copy()
        p["vf"] = pd.to_datetime(p["valid_from"], errors="coerce")
        last = p.sort_values("vf").groupby(p["address_id"].astype(str))["status"].last()
        out["permit"] = last.reindex(out.index).map(lambda v: PERMIT_STATUS_NL.get(str(v), str(v)) if pd.notna(v) else PERMIT_STATUS_NL["none"])
    else:
        out["permit"] = PERMIT_STATUS_NL["none"]
    return out


def plan_geoframes(plan: VisitPlan) -> dict[str, gpd.GeoDataFrame]:
    """The plan as GeoDataFrames in EPSG:28992: `visits` (points) and `routes` (one line per team-day)."""
    v = plan.visits.copy()
    visits = gpd.GeoDataFrame(v.drop(columns=["candidate"], errors="ignore").assign(day=v["day"].astype(str)),
                              geometry=gpd.points_from_xy(v["x"], v["y"]), crs=28992)
    inst = plan.instance
    rows = []
    pl = v[v["status"] == "planned"]
    lines = route_geometries(plan)
    for td in inst.team_days.itertuples():
        grp = pl[(pl["team"] == td.team) & (pl["day"] == td.day)].sort_values("order")
        if grp.empty:
            continue
        g = lines[(td.team, td.day)]
        stats = plan.team_days[(plan.team_days["team"] == td.team) & (plan.team_days["day"] == td.day)].iloc[0]
        rows.append({"team": td.team, "day": str(td.day), "visits": len(grp), "expected_finds": float(stats.expected_finds),
                     "travel_min": float(stats.travel_s) / 60, "along_streets": g.along_streets,
                     "maas_crossings": ", ".join(g.crossings), "geometry": LineString(g.coords)})
    routes = gpd.GeoDataFrame(rows, columns=["team", "day", "visits", "expected_finds", "travel_min", "along_streets",
                                             "maas_crossings", "geometry"], geometry="geometry", crs=28992)
    depots = gpd.GeoDataFrame(inst.depots[["name"]].copy(), geometry=gpd.points_from_xy(inst.depots["x"], inst.depots["y"]),
                              crs=28992)
    return {"visits": visits, "routes": routes, "start_points": depots}


# --------------------------------------------------------------------------------------------- maps
def _scale_bar(ax, extent_m: float) -> None:
    nice = [100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000]
    length = max([n for n in nice if n <= extent_m / 4] or [100])
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    ax.add_patch(Rectangle((bx, by), length, (y1 - y0) * 0.008, color="black", zorder=10))
    ax.text(bx + length / 2, by + (y1 - y0) * 0.015, f"{length / 1000:g} km" if length >= 1000 else f"{length} m",
            ha="center", va="bottom", fontsize=8, zorder=10)
    ax.annotate("N", xy=(x1 - (x1 - x0) * 0.04, y1 - (y1 - y0) * 0.05), xytext=(x1 - (x1 - x0) * 0.04, y1 - (y1 - y0) * 0.13),
                ha="center", fontsize=10, fontweight="bold", arrowprops=dict(facecolor="black", width=2, headwidth=8))


def _draw_street_context(ax, plan: VisitPlan, bbox: tuple[float, float, float, float], area=None) -> bool:
    """Water and streets of the plan's street network under the routes (nothing without a network)."""
    from geo_tool.export.maps import draw_street_context
    from geo_tool.network.context import default_context

    t = plan.instance.travel
    if t is None or t.network_path is None:
        return False
    return draw_street_context(ax, default_context(t.network_path), bbox, area, zorder=1.5, alpha=0.9)


def day_map_figure(plan: VisitPlan, dataset: Dataset, day: dt.date) -> Figure:
    """A4 landscape map of one day: routes coloured by team, numbered stops, start points, scale, north."""
    inst = plan.instance
    teams = plan.params.team_labels
    v = plan.visits[plan.visits["day"] == day]
    fig = Figure(figsize=(11.69, 8.27))
    ax = fig.add_axes([0.03, 0.08, 0.72, 0.82])
    lines = {k: g for k, g in route_geometries(plan).items() if k[1] == day}
    line_xy = np.vstack([g.coords for g in lines.values()]) if lines else np.zeros((0, 2))
    xs = np.concatenate([v["x"].to_numpy(float), inst.depots["x"].to_numpy(float), line_xy[:, 0]])
    ys = np.concatenate([v["y"].to_numpy(float), inst.depots["y"].to_numpy(float), line_xy[:, 1]])
    pad = max(300.0, 0.08 * max(np.ptp(xs), np.ptp(ys)))
    x0, x1, y0, y1 = xs.min() - pad, xs.max() + pad, ys.min() - pad, ys.max() + pad
    # equal aspect inside the axes' shape
    w_in, h_in = 0.72 * 11.69, 0.82 * 8.27
    cx, cy, span_x, span_y = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    if span_x / span_y < w_in / h_in:
        span_x = span_y * w_in / h_in
    else:
        span_y = span_x * h_in / w_in
    x0, x1, y0, y1 = cx - span_x / 2, cx + span_x / 2, cy - span_y / 2, cy + span_y / 2
    wijken = dataset.wijken.cx[x0:x1, y0:y1] if len(dataset.wijken) else dataset.wijken
    if len(wijken):
        wijken.plot(ax=ax, facecolor="#f2f2f2", edgecolor="#9e9e9e", linewidth=0.6, zorder=1)
        for r in wijken.itertuples():
            pt = r.geometry.representative_point()
            if x0 < pt.x < x1 and y0 < pt.y < y1:
                ax.text(pt.x, pt.y, str(r.name), fontsize=7, color="#707070", ha="center", va="center", zorder=2,
                        style="italic")
    _draw_street_context(ax, plan, (x0, y0, x1, y1), dataset.wijken.geometry.union_all() if len(dataset.wijken) else None)
    handles = []
    pl = v[v["status"] == "planned"]
    for td in inst.team_days[inst.team_days["day"] == day].itertuples():
        grp = pl[pl["team"] == td.team].sort_values("order")
        colour = team_colour(td.team, teams)
        if grp.empty:
            continue
        route = lines[(td.team, day)].coords
        ax.plot(route[:, 0], route[:, 1], color=colour, linewidth=1.8, alpha=0.9, zorder=3)
        for r in grp.itertuples():
            face = "white" if r.selected_by == "random" else colour
            ax.scatter([r.x], [r.y], s=150, color=face, edgecolors=colour, linewidths=1.8,
                       marker="s" if r.required and r.selected_by == "must" else "o", zorder=4)
            ax.text(r.x, r.y, str(r.order), fontsize=6.5, ha="center", va="center", zorder=5, fontweight="bold",
                    color=colour if r.selected_by == "random" else "white")
        handles.append(Line2D([], [], color=colour, linewidth=2, marker="o", markersize=8,
                              label=f"{td.team}: {len(grp)} bezoeken, {grp['arrival'].iloc[0]}-{grp['departure'].iloc[-1]}"))
    done = v[v["status"] != "planned"]
    if len(done):
        ax.scatter(done["x"], done["y"], s=60, marker="x", color="#444444", zorder=4)
        handles.append(Line2D([], [], color="#444444", marker="x", linestyle="", label="al bezocht"))
    ax.scatter(inst.depots["x"], inst.depots["y"], s=160, marker="*", color="black", zorder=6)
    handles += [Line2D([], [], color="black", marker="*", markersize=11, linestyle="", label="start/eindpunt"),
                Line2D([], [], color="#555555", marker="o", markerfacecolor="white", markersize=8, linestyle="",
                       label="steekproef (willekeurig)"),
                Line2D([], [], color="#555555", marker="s", markersize=8, linestyle="", label="verplicht bezoek")]
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax, x1 - x0)
    fig.text(0.03, 0.95, f"Bezoekplanning {plan.params.week}: {day_label(day)}", fontsize=16, fontweight="bold")
    sc = pl["score"].astype(float)
    fig.text(0.03, 0.915, f"{count_nl(len(pl), 'bezoek', 'bezoeken')}, verwachte vondsten {_fmt(float(np.nansum(sc)), 1)}; "
                          f"nummers = volgorde van het bezoek", fontsize=10)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.765, 0.9), fontsize=8.5, frameon=False,
               title="Teams", title_fontproperties={"weight": "bold"})
    foot = _wrap(f"Gemaakt op {dt.date.today():%d-%m-%Y} met geo_tool. {travel_credit(plan)}. "
                 f"Grenzen: wijken uit de dataset. INTERN: bevat adressen, niet verspreiden.", 190)
    fig.text(0.03, 0.055, foot, fontsize=7, color="#444444", va="top")
    if dataset.schematic:
        fig.text(0.77, 0.08, "SCHEMATISCH:\ngrenzen zijn niet echt", color="#b2182b", fontsize=9, fontweight="bold")
    return fig


def _save_figure(fig: Figure, path: Path, **kwargs) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, **kwargs)


# --------------------------------------------------------------------------------------------- sheets
def _wrap(text: str, width: int) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width)) or ""


def count_nl(n: int, singular: str, plural: str) -> str:
    """``1 melding``, ``2 meldingen``: a count with the Dutch singular or plural noun."""
    return f"{n} {singular if int(n) == 1 else plural}"


class _SheetWriter:
    """Places text on an A4 figure top-down by measured height, so wrapped blocks never print over the next.

    Positions are figure fractions; every text is drawn, measured with the Agg renderer (same font metrics
    as the PDF) and the cursor moves below its bounding box.
    """

    def __init__(self, fig: Figure):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        self.fig = fig
        self.renderer = FigureCanvasAgg(fig).get_renderer()

    def height(self, artist) -> float:
        """The artist's height as a fraction of the page height."""
        return artist.get_window_extent(renderer=self.renderer).height / self.fig.bbox.height

    def right(self, artist) -> float:
        """The artist's right edge as a fraction of the page width."""
        return artist.get_window_extent(renderer=self.renderer).x1 / self.fig.bbox.width

    def wrapped(self, x: float, y: float, text: str, x_max: float, **kw):
        """Draw `text` at (x, y) (top-aligned), wrapped so that it ends left of `x_max`."""
        width = 95
        t = self.fig.text(x, y, _wrap(text, width), va="top", **kw)
        while width > 20 and self.right(t) > x_max:
            width -= 5
            t.set_text(_wrap(text, width))
        return t


SHEET_TOP, SHEET_BOTTOM = 0.915, 0.045  # the visit blocks live between the header and the footer
LINE_GAP = 0.006


def _visit_block(w: _SheetWriter, r, a: pd.Series, y: float) -> float:
    """Draw one visit's block from `y` down; returns the y of its bottom edge (box included)."""
    fig = w.fig
    x0, x1, xt = 0.08, 0.92, 0.25
    t = fig.text(x0, y - 0.012, f"{r.order}.  {r.arrival}-{r.departure}   {a['label']}, {a['postcode']}",
                 fontsize=12, fontweight="bold", va="top")
    y = y - 0.012 - w.height(t) - LINE_GAP
    sel = SELECTED_NL.get(str(r.selected_by), str(r.selected_by))
    score = "" if pd.isna(r.score) else f", score {_fmt(float(r.score), 2)}"
    t = w.wrapped(x0, y, f"Wijk: {a['wijk']}; adres-id {r.address_id}; gekozen door: {sel}{score}"
                  + (f"; tijdvak {r.window}" if r.window else ""), x1, fontsize=8, color="#333333")
    y -= w.height(t) + LINE_GAP * 1.5
    reasons = [str(x) for x in (r.reason_1, r.reason_2, r.reason_3) if isinstance(x, str) and x]
    hist = (f"{count_nl(a['registered'], 'persoon', 'personen')} ingeschreven ({a['registered_new_12m']} nieuw in 12 mnd); "
            f"{count_nl(a['complaints_12m'], 'melding', 'meldingen')} in 12 mnd"
            + (f" ({a['complaint_categories']})" if a["complaint_categories"] else "")
            + f"; laatste huisbezoek: {a['last_inspection'] or 'geen'}; verhuurdersvergunning: {a['permit']}")
    for label, text in (("Waar op letten:", "; ".join(reasons) or "-"), ("Historie:", hist)):
        lab = fig.text(x0, y, label, fontsize=9, fontweight="bold", va="top")
        body = w.wrapped(xt, y, text, x1, fontsize=9)
        y -= max(w.height(lab), w.height(body)) + LINE_GAP * 1.5
    y -= LINE_GAP
    lab = fig.text(x0, y, "Uitkomst:", fontsize=9, fontweight="bold", va="top")
    h = w.height(lab)
    for j, name in enumerate(["overtreding", "geen overtreding", "geen toegang"]):
        bx = xt + j * 0.2
        fig.add_artist(Rectangle((bx, y - h), 0.013, 0.009, transform=fig.transFigure, fill=False,
                                 edgecolor="black", linewidth=0.8))
        fig.text(bx + 0.02, y, name, fontsize=9, va="top")
    y -= h + LINE_GAP * 3
    t = fig.text(x0, y, "Opmerkingen: " + "_" * 70, fontsize=9, color="#555555", va="top")
    return y - w.height(t) - LINE_GAP * 2


def visit_sheet_pages(plan: VisitPlan, info: pd.DataFrame, team: str, day: dt.date) -> list[Figure]:
    """A4 portrait pages for one team-day: per visit the address, what to look for, a short history and
    boxes for the outcome. Blocks are laid out by their measured height: a block that does not fit on the
    page starts the next page, and long texts wrap inside their box without printing over the next line."""
    pl = plan.visits[(plan.visits["team"] == team) & (plan.visits["day"] == day) & (plan.visits["status"] == "planned")]
    pl = pl.sort_values("order")
    brk = plan.breaks[(plan.breaks["team"] == team) & (plan.breaks["day"] == day)]
    inst = plan.instance
    td = inst.team_days[(inst.team_days["team"] == team) & (inst.team_days["day"] == day)].iloc[0]
    start_name = inst.depots.iloc[int(td.start_depot)]["name"]
    pause = f", pauze {brk['start'].iloc[0]}-{brk['end'].iloc[0]}" if len(brk) else ""
    pages: list[Figure] = []
    page_labels = []

    def new_page() -> _SheetWriter:
        fig = Figure(figsize=(8.27, 11.69))
        fig.text(0.07, 0.955, f"Bezoeklijst team {team}: {day_label(day)}", fontsize=15, fontweight="bold")
        page_labels.append(fig.text(0.07, 0.935, "", fontsize=9))
        fig.text(0.07, 0.02, "INTERN: bevat adressen en signalen, niet verspreiden. Vul de uitkomst in en lever het blad in.",
                 fontsize=7, color="#444444")
        fig.text(0.07, 0.008, travel_credit(plan), fontsize=6.5, color="#444444")
        pages.append(fig)
        return _SheetWriter(fig)

    w = new_page()
    y = SHEET_TOP
    for r in pl.itertuples():
        a = info.loc[str(r.address_id)]
        n_before = (len(w.fig.texts), len(w.fig.artists))
        bottom = _visit_block(w, r, a, y)
        if bottom < SHEET_BOTTOM and y < SHEET_TOP:  # does not fit below the previous block: move it over
            for art in list(w.fig.texts[n_before[0]:]) + list(w.fig.artists[n_before[1]:]):
                art.remove()
            w = new_page()
            y = SHEET_TOP
            bottom = _visit_block(w, r, a, y)
        w.fig.add_artist(Rectangle((0.06, bottom), 0.88, y - bottom, transform=w.fig.transFigure, fill=False,
                                   edgecolor="#888888", linewidth=0.8))
        y = bottom - 0.008
    if pl.empty:
        w.fig.text(0.07, 0.85, "Geen bezoeken gepland.", fontsize=12)
    for pno, t in enumerate(page_labels, start=1):
        t.set_text(f"Start {plan.params.day_start} bij {start_name}{pause}; "
                   f"{count_nl(len(pl), 'bezoek', 'bezoeken')} van {plan.params.visit_min} min. "
                   f"Pagina {pno}/{len(pages)}")
    return pages


def _write_pdf(pages: list[Figure], path: Path, title: str) -> None:
    with atomic_path(path) as tmp:
        with PdfPages(tmp, metadata={"Title": title, "Creator": "geo_tool"}) as pdf:
            for fig in pages:
                pdf.savefig(fig)


# --------------------------------------------------------------------------------------------- GPX
def _gpx_team_day(root: ET.Element, plan: VisitPlan, info: pd.DataFrame, team: str, day: dt.date, tr) -> None:
    """Add one team-day to a GPX root: a waypoint per visit, the track along the streets, the stops as a route."""
    inst = plan.instance
    td = inst.team_days[(inst.team_days["team"] == team) & (inst.team_days["day"] == day)].iloc[0]
    pl = plan.visits[(plan.visits["team"] == team) & (plan.visits["day"] == day) & (plan.visits["status"] == "planned")]
    pl = pl.sort_values("order")
    s, e = inst.depots.iloc[int(td.start_depot)], inst.depots.iloc[int(td.end_depot)]
    xs = np.array([s.x, *pl["x"], e.x], dtype=float)
    ys = np.array([s.y, *pl["y"], e.y], dtype=float)
    lon, lat = tr.transform(xs, ys)
    names = ["Start: " + str(s["name"])]
    for k, r in enumerate(pl.itertuples(), start=1):
        a = info.loc[str(r.address_id)]
        wpt = ET.Element("wpt", {"lat": f"{lat[k]:.7f}", "lon": f"{lon[k]:.7f}"})
        ET.SubElement(wpt, "name").text = f"{team} {r.order}. {r.arrival} {a['label']}"
        reasons = "; ".join(str(x) for x in (r.reason_1, r.reason_2, r.reason_3) if isinstance(x, str) and x)
        ET.SubElement(wpt, "desc").text = f"{a['label']}, {a['postcode']} ({a['wijk']}). {reasons}"
        ET.SubElement(wpt, "type").text = f"bezoek {team} {day.isoformat()}"
        root.append(wpt)  # `_gpx_finish` puts the waypoints first (GPX 1.1 order)
        names.append(f"{r.order}. {a['label']}")
    names.append("Eind: " + str(e["name"]))
    rte = ET.SubElement(root, "rte")
    ET.SubElement(rte, "name").text = f"Team {team} {day.isoformat()} (stops)"
    for k in range(len(xs)):
        pt = ET.SubElement(rte, "rtept", {"lat": f"{lat[k]:.7f}", "lon": f"{lon[k]:.7f}"})
        ET.SubElement(pt, "name").text = names[k]
    geom = route_geometries(plan).get((team, day))
    if geom is not None:
        trk = ET.Element("trk")
        ET.SubElement(trk, "name").text = f"Team {team} {day.isoformat()}"
        ET.SubElement(trk, "desc").text = ("route langs de straten" if geom.along_streets else "rechte lijnen tussen de stops")
        seg = ET.SubElement(trk, "trkseg")
        tlon, tlat = tr.transform(geom.coords[:, 0], geom.coords[:, 1])
        for la, lo in zip(tlat, tlon):
            ET.SubElement(seg, "trkpt", {"lat": f"{la:.7f}", "lon": f"{lo:.7f}"})
        root.append(trk)


def _gpx_root(name: str, plan: VisitPlan) -> ET.Element:
    root = ET.Element("gpx", {"version": "1.1", "creator": "geo_tool", "xmlns": "http://www.topografix.com/GPX/1/1"})
    meta = ET.SubElement(root, "metadata")
    ET.SubElement(meta, "name").text = name
    ET.SubElement(meta, "desc").text = travel_credit(plan)
    return root


def _gpx_finish(root: ET.Element) -> str:
    # GPX 1.1 order: metadata, wpt*, rte*, trk*
    order = {"metadata": 0, "wpt": 1, "rte": 2, "trk": 3}
    children = sorted(list(root), key=lambda c: order.get(c.tag, 4))
    for c in list(root):
        root.remove(c)
    root.extend(children)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def gpx_text(plan: VisitPlan, info: pd.DataFrame, team: str, day: dt.date) -> str:
    """GPX 1.1 for one team-day: a waypoint per visit, the route as a track along the streets, the stops (WGS84)."""
    from pyproj import Transformer

    root = _gpx_root(f"Team {team} {day.isoformat()}", plan)
    _gpx_team_day(root, plan, info, team, day, Transformer.from_crs(28992, 4326, always_xy=True))
    return _gpx_finish(root)


def plan_gpx_text(plan: VisitPlan, info: pd.DataFrame) -> str:
    """plan.gpx: every team-day's route as a track along the streets plus all visits as waypoints (WGS84)."""
    from pyproj import Transformer

    tr = Transformer.from_crs(28992, 4326, always_xy=True)
    root = _gpx_root(f"Bezoekplanning {plan.params.week}", plan)
    used = plan.team_days[plan.team_days["visits"] > 0]
    for td in used.itertuples():
        _gpx_team_day(root, plan, info, td.team, td.day, tr)
    return _gpx_finish(root)


# --------------------------------------------------------------------------------------------- HTML
def week_html(plan: VisitPlan, dataset: Dataset, info: pd.DataFrame, assets: str) -> str:
    """The week's routes as an offline folium page (local Leaflet/jQuery in `assets`, no tiles, no CDN)."""
    import folium
    from pyproj import Transformer

    from geo_tool.export.html import CDN_PATTERNS, add_legend_and_scale, add_street_context

    tr = Transformer.from_crs(28992, 4326, always_xy=True)
    lines = route_geometries(plan)
    inst = plan.instance
    teams = plan.params.team_labels
    v = plan.visits
    lon, lat = tr.transform(v["x"].to_numpy(float), v["y"].to_numpy(float))
    v = v.assign(lon=lon, lat=lat)
    dlon, dlat = tr.transform(inst.depots["x"].to_numpy(float), inst.depots["y"].to_numpy(float))
    allx = np.concatenate([lon, dlon])
    ally = np.concatenate([lat, dlat])
    fmap = folium.Map(location=[float(ally.mean()), float(allx.mean())], zoom_start=14, tiles=None)
    fmap.default_js = [("leaflet", f"{assets}/leaflet.js"), ("jquery", f"{assets}/jquery.min.js")]
    fmap.default_css = [("leaflet_css", f"{assets}/leaflet.css")]
    if len(dataset.wijken):
        w = dataset.wijken[["code", "name", "geometry"]].copy()
        w = w[w.intersects(gpd.GeoSeries.from_xy(v["x"], v["y"], crs=28992).union_all().envelope.buffer(1500))] if len(v) else w
        w["geometry"] = w.geometry.simplify(2.0)
        folium.GeoJson(w.to_crs(4326).to_json(), name="Wijken",
                       style_function=lambda f: {"fillColor": "#f0f0f0", "fillOpacity": 0.5, "color": "#888888", "weight": 1},
                       tooltip=folium.GeoJsonTooltip(fields=["name", "code"], aliases=["Wijk", "Code"])).add_to(fmap)
        if plan.instance.travel is not None and plan.instance.travel.network_path is not None:
            from geo_tool.network.context import default_context

            add_street_context(fmap, w.geometry.union_all(), default_context(plan.instance.travel.network_path),
                               classes=("motorway", "trunk", "primary", "secondary", "tertiary", "residential"))
    for day in sorted(inst.team_days["day"].unique()):
        group = folium.FeatureGroup(name=day_label(day), show=True)
        for td in inst.team_days[inst.team_days["day"] == day].itertuples():
            grp = v[(v["team"] == td.team) & (v["day"] == day) & (v["status"] == "planned")].sort_values("order")
            if grp.empty:
                continue
            colour = team_colour(td.team, teams)
            route = lines[(td.team, day)].coords
            rlon, rlat = tr.transform(route[:, 0], route[:, 1])
            pts = list(zip(np.round(rlat, 6), np.round(rlon, 6)))
            folium.PolyLine(pts, color=colour, weight=3, opacity=0.85,
                            tooltip=f"Team {td.team}, {day_label(day)}: {len(grp)} bezoeken").add_to(group)
            for r in grp.itertuples():
                a = info.loc[str(r.address_id)]
                tip = htmllib.escape(f"{td.team} {DAY_NL[day.weekday()][:2]} {r.order}. {r.arrival} {a['label']} "
                                     f"({SELECTED_NL.get(str(r.selected_by), str(r.selected_by))}"
                                     + ("" if pd.isna(r.score) else f", score {_fmt(float(r.score))}") + ")")
                folium.CircleMarker((r.lat, r.lon), radius=6, color=colour, weight=2,
                                    fill=True, fill_color="white" if r.selected_by == "random" else colour, fill_opacity=0.9,
                                    tooltip=tip).add_to(group)
        group.add_to(fmap)
    done = v[v["status"] != "planned"]
    if len(done):
        g = folium.FeatureGroup(name="Al bezocht", show=True)
        for r in done.itertuples():
            folium.CircleMarker((r.lat, r.lon), radius=4, color="#444444", tooltip=f"al bezocht {r.day}").add_to(g)
        g.add_to(fmap)
    for name, la, lo in zip(inst.depots["name"], dlat, dlon):
        folium.CircleMarker((la, lo), radius=8, color="black", fill=True, fill_color="black",
                            tooltip=htmllib.escape(f"start/eindpunt: {name}")).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[float(ally.min()), float(allx.min())], [float(ally.max()), float(allx.max())]])
    legend = "".join(f"<div><span style='display:inline-block;width:14px;height:4px;background:{team_colour(t, teams)};"
                     f"margin-right:6px;vertical-align:middle'></span>Team {t}</div>" for t in teams)
    box = ("position:fixed;z-index:1000;background:rgba(255,255,255,0.93);padding:6px 9px;border:1px solid #999;"
           "border-radius:4px;font:12px/1.35 Arial,sans-serif;")
    s = plan.stats()
    fmap.get_root().html.add_child(folium.Element(
        f"<div style='{box}top:10px;left:55px'><b style='font-size:15px'>Bezoekplanning {plan.params.week}</b><br>"
        f"{s['visits']:.0f} bezoeken, verwachte vondsten {_fmt(s['expected_finds'], 1)}. Open cirkel = steekproef."
        f"<div style='font-size:11px;color:#444'>{htmllib.escape(travel_credit(plan))}</div>"
        f"<div style='color:#b2182b;font-weight:bold'>INTERN - niet verspreiden</div></div>"))
    add_legend_and_scale(fmap, [(None, legend)])  # above the metric scale bar, never under it
    page = fmap.get_root().render()
    found = [p for p in CDN_PATTERNS if p in page]
    if found:
        from geo_tool.errors import GeoToolError
        raise GeoToolError(f"the week map would load {found} from the internet; refusing to write an online-only page")
    return page


# --------------------------------------------------------------------------------------------- report
def plan_report_text(plan: VisitPlan, best_known: dict | None = None) -> str:
    """plan_report.md: the plan's figures against the greedy practice (and a best-known run when given)."""
    p = plan.params
    s = plan.stats()
    lines = [f"# Bezoekplanning {p.week}", "",
             f"Teams: {p.teams}; dagen: {', '.join(day_label(d) for d in p.day_dates)}; werktijd {p.day_start}-{p.day_end} "
             f"met {p.break_min} min pauze; bezoek {p.visit_min} min; vervoer {TRAVEL_MODE_NL.get(p.travel_mode.value, p.travel_mode.value)} "
             f"{_num(p.network_speed_kmh if plan.instance.travel.uses_network else p.speed_kmh)} km/u; "
             f"reistijden: {plan.instance.travel.source}.", "", travel_credit(plan) + ".", "",
             "Verwachte vondsten = som van de scores van de geplande bezoeken (de kans op een overtreding volgens de "
             "ranking); een steekproefadres zonder score telt als 0.", "",
             "| | pyvrp (deze planning) | gretig (praktijk) |" + (" langste run (best bekend) |" if best_known else ""),
             "|---|---|---|" + ("---|" if best_known else "")]
    b = plan.baseline.stats() if plan.baseline is not None else None
    rows = [("bezoeken", "visits", 0), ("verwachte vondsten", "expected_finds", 2),
            ("reistijd per team-dag (min)", "travel_min_per_team_day", 0), ("reistijd totaal (u)", "travel_h", 1),
            ("vondsten per werkuur", "finds_per_work_h", 3), ("steekproefbezoeken", "random_visits", 0)]
    for label, key, digits in rows:
        line = f"| {label} | {_fmt(s[key], digits)} | {_fmt(b[key], digits) if b else '-'} |"
        if best_known:
            line += f" {_fmt(best_known[key], digits) if key in best_known else '-'} |"
        lines.append(line)
    lines.append("")
    if b and b["expected_finds"]:
        lines.append(f"Ten opzichte van gretig: {(s['expected_finds'] / b['expected_finds'] - 1) * 100:+.1f} % verwachte ".replace(".", ",")
                     + f"vondsten bij gelijke uren ({_fmt(s['work_h'], 1)} werkuren).")
    if best_known and best_known.get("expected_finds"):
        gap = (1 - s["expected_finds"] / best_known["expected_finds"]) * 100
        lines.append(f"Verschil met de best bekende oplossing ({_fmt(best_known.get('runtime_s', 0), 0)} s): {_fmt(gap, 2)} %.")
    if plan.solve_info:
        i = plan.solve_info
        lines.append(f"Oplosser: PyVRP, {_fmt(i.runtime_s, 1)} s, {i.iterations} iteraties, seed {i.seed}, "
                     f"gestopt op: {STOP_NL.get(i.stop, i.stop)}.")
    err = straight_line_error(plan)
    if err:
        lines += ["", "## Stratennet tegenover hemelsbreed", "",
                  f"De {err['legs']:.0f} ritten van deze week zijn samen {_fmt(err['network_km'], 1)} km over de straten; "
                  f"hemelsbreed x {_fmt(p.detour_factor, 1)} schat {_fmt(err['straight_km'], 1)} km (de straten zijn "
                  f"{_fmt(err['ratio'], 2)} x die schatting). Per rit zat de schatting in de mediaan "
                  f"{_fmt(err['median_leg_pct'], 0)} % ernaast, de grootste afwijking was {_fmt(err['worst_leg_pct'], 0)} % "
                  f"(positief = hemelsbreed was te kort). Reistijd over het stratennet: {_fmt(err['network_min'], 0)} min, "
                  f"stallen/parkeren ({_fmt(p.stop_min, 0)} min per stop) inbegrepen."]
        used = sorted({c for g in route_geometries(plan).values() for c in g.crossings})
        if used:
            lines.append(f"Maasoversteken in de routes: {', '.join(used)}.")
    lines += ["", "## Per team en dag", "", "| team | dag | bezoeken | verwachte vondsten | reistijd (min) | klaar om |",
              "|---|---|---|---|---|---|"]
    from geo_tool.planning.schedule import hhmm
    for r in plan.team_days.itertuples():
        lines.append(f"| {r.team} | {r.day} | {r.visits} | {_fmt(r.expected_finds, 2)} | {_fmt(r.travel_s / 60, 0)} | "
                     f"{hhmm(r.end_s) if r.visits else '-'} |")
    excl = plan.instance.excluded
    if len(excl):
        lines += ["", "## Uitgesloten adressen", ""]
        lines += [f"- {reason}: {n}" for reason, n in excl.groupby("reason").size().items()]
    if plan.notes:
        lines += ["", "## Opmerkingen", ""] + [f"- {n}" for n in plan.notes]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------- all
MANIFEST = "plan_manifest.json"
STAGING_PREFIX = ".plan-new-"
# every name a plan run can write; such a file that the folder's manifest does not list was not written by us
PLAN_FILE_PATTERNS = ("plan.csv", "plan.gpkg", "map_*.png", "map_*.pdf", "plan_week.html", "plan_week_files",
                      "sheets_*.pdf", "plan_*.gpx", "plan_report.md", MANIFEST)


def _plan_like(name: str) -> bool:
    import fnmatch

    return any(fnmatch.fnmatchcase(name, pattern) for pattern in PLAN_FILE_PATTERNS)


def previous_plan_files(out_dir: str | Path) -> list[str]:
    """The names of the previous plan run in `out_dir` (from its plan_manifest.json), to be replaced.

    Refuses (UsageError) a folder holding plan files that no manifest lists (an older week written
    without one, or someone else's), and an unreadable manifest: they would be left beside the new plan.
    """
    import json

    from geo_tool.errors import UsageError

    out = Path(out_dir)
    if not out.is_dir():
        return []
    listed: set[str] = set()
    manifest = out / MANIFEST
    if manifest.exists():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            listed = {str(n) for n in data["files"]} | {str(n) for n in data.get("replacing", [])}
        except (OSError, ValueError, KeyError, TypeError):
            raise UsageError(f"--out: '{manifest}' is onleesbaar; verwijder de oude planning uit '{out}' "
                             f"of kies een lege map") from None
        if any(Path(n).name != n or n in ("", ".", "..") for n in listed):
            raise UsageError(f"--out: '{manifest}' noemt bestanden buiten de map; kies een lege map")
    foreign = sorted(p.name for p in out.iterdir() if _plan_like(p.name) and p.name != MANIFEST and p.name not in listed)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" en {len(foreign) - 5} meer" if len(foreign) > 5 else "")
        raise UsageError(f"--out: map '{out}' bevat planningsbestanden die niet in {MANIFEST} staan ({shown}); "
                         f"kies een lege map of verwijder ze, zodat geen oude planning naast de nieuwe blijft staan")
    return sorted(n for n in listed if (out / n).exists() and n != MANIFEST)


def adopt_plan_folder(out_dir: str | Path) -> list[str]:
    """List the plan files of a folder written before manifests existed in a new plan_manifest.json.

    Only for a folder the caller knows it wrote (quickstart's own demo-output/plan), so that the next
    run replaces those files instead of refusing the folder. Returns the names adopted.
    """
    import json

    out = Path(out_dir)
    if not out.is_dir() or (out / MANIFEST).exists():
        return []
    names = sorted(p.name for p in out.iterdir() if _plan_like(p.name) and p.name != MANIFEST)
    if names:
        data = {"tool": "geo_tool", "week": None, "status": "complete", "files": names, "adopted": True}
        write_text_atomic(out / MANIFEST, json.dumps(data, indent=2) + "\n")
    return names


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _write_manifest(out: Path, plan: VisitPlan, files: list[str], replacing: list[str]) -> Path:
    """plan_manifest.json: the files of this run (with SHA-256), and while switching also the ones it replaces."""
    import hashlib
    import json

    hashes = {n: hashlib.sha256((out / n).read_bytes()).hexdigest() for n in files if (out / n).is_file()}
    data = {"tool": "geo_tool", "week": plan.params.week, "made": dt.datetime.now().isoformat(timespec="seconds"),
            "status": "switching" if replacing else "complete", "files": files, "sha256": hashes}
    if replacing:
        data["replacing"] = replacing
    write_text_atomic(out / MANIFEST, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return out / MANIFEST


def write_plan_outputs(plan: VisitPlan, dataset: Dataset, out_dir: str | Path, *,
                       progress: Progress | None = None, best_known: dict | None = None) -> list[Path]:
    """Write every output of the plan into `out_dir`, replacing the previous plan there; returns the paths.

    plan.csv, plan.gpkg (visits, routes, start points; EPSG:28992), map_<day>.png/.pdf, plan_week.html
    (+ plan_week_files/ with Leaflet), sheets_<team>_<day>.pdf, plan_<team>_<day>.gpx, plan_report.md and
    plan_manifest.json (the run's files with their SHA-256). The files of the previous run (its manifest)
    are removed, so last week's sheets and GPX never stay beside this week's plan; a folder holding plan
    files that no manifest lists is refused. Everything is first written into a hidden staging folder
    (a crash there leaves the old plan untouched); then the manifest lists old and new files, the old
    ones are removed and the new ones renamed into place, and the manifest is rewritten with the new
    ones only, so a crash in that short switch leaves a manifest from which the next run cleans up.
    """
    import shutil
    import tempfile

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    previous = previous_plan_files(out)
    for stale in out.glob(STAGING_PREFIX + "*"):  # left by a run that was killed while writing
        shutil.rmtree(stale, ignore_errors=True)
    stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        staged = _write_plan_files(plan, dataset, stage, progress or NullProgress(), best_known)
        names = []
        for p in staged:
            top = p.relative_to(stage).parts[0]
            if top not in names:
                names.append(top)
        if (stage / "plan_week_files").is_dir() and "plan_week_files" not in names:
            names.append("plan_week_files")
        _write_manifest(out, plan, sorted(set(previous) | set(names)), previous or [])  # the journal
        for name in previous:
            if name not in names:
                _remove(out / name)
        for name in names:
            if (stage / name).is_dir():
                _remove(out / name)
            os.replace(stage / name, out / name)
        manifest = _write_manifest(out, plan, names, [])
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return [out / p.relative_to(stage) for p in staged] + [manifest]


def _write_plan_files(plan: VisitPlan, dataset: Dataset, out: Path, progress: Progress,
                      best_known: dict | None) -> list[Path]:
    """Write the plan's files into the (staging) folder `out`; returns the paths written."""
    from geo_tool.export.gpkg import write_gpkg
    from geo_tool.export.html import copy_assets

    used = plan.team_days[plan.team_days["visits"] > 0]
    days = sorted(set(plan.visits["day"])) if len(plan.visits) else []
    progress.start(4 + 2 * len(days) + 2 * len(used), "Planning schrijven")
    written: list[Path] = []
    write_csv_atomic(plan.to_frame(), out / "plan.csv")
    written.append(out / "plan.csv")
    progress.advance()
    meta = {"title": f"Bezoekplanning {plan.params.week}", "internal": True, "week": plan.params.week,
            "made": dt.datetime.now().isoformat(timespec="seconds"), "crs": "EPSG:28992"}
    write_gpkg(plan_geoframes(plan), meta, out / "plan.gpkg")
    written.append(out / "plan.gpkg")
    progress.advance()
    info = _addresses_info(plan, dataset) if len(plan.visits) else pd.DataFrame()
    for day in days:
        progress.check_cancelled()
        fig = day_map_figure(plan, dataset, day)
        for suffix in ("png", "pdf"):
            path = out / f"map_{day.isoformat()}.{suffix}"
            _save_figure(fig, path, dpi=150 if suffix == "png" else None, metadata={"Title": f"Bezoekplanning {day}"}
                         if suffix == "pdf" else None)
            written.append(path)
        progress.advance(2)
    html_path = out / "plan_week.html"
    if len(plan.visits):
        assets = copy_assets(html_path)
        write_text_atomic(html_path, week_html(plan, dataset, info, assets))
        written.append(html_path)
    progress.advance()
    for td in used.itertuples():
        progress.check_cancelled()
        stem = f"{td.team}_{td.day.isoformat()}"
        sheet = out / f"sheets_{stem}.pdf"
        _write_pdf(visit_sheet_pages(plan, info, td.team, td.day), sheet, f"Bezoeklijst {td.team} {td.day}")
        gpx = out / f"plan_{stem}.gpx"
        write_text_atomic(gpx, gpx_text(plan, info, td.team, td.day))
        written += [sheet, gpx]
        progress.advance(2)
    if len(used):
        write_text_atomic(out / "plan.gpx", plan_gpx_text(plan, info))
        written.append(out / "plan.gpx")
    write_text_atomic(out / "plan_report.md", plan_report_text(plan, best_known))
    written.append(out / "plan_report.md")
    progress.finish()
    return written
