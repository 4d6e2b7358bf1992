"""Static maps (PNG, SVG, PDF) composed with matplotlib: no Qt.

A map has a title, the layers stacked in the order given (first = bottom), a legend per layer, a
scale bar, a north arrow, the time window, the data sources and attribution, the date it was made,
the disclosure note, and a clear "schematisch" mark when the boundaries are the schematic city.
Suppressed figures are drawn grey and hatched ("onderdrukt").
"""

from __future__ import annotations

import textwrap
from typing import Any, Sequence

import geopandas as gpd
import matplotlib

matplotlib.use("Agg", force=False)  # headless; never a GUI backend from the core
import matplotlib.patheffects as pe  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from geo_tool.dataset import Dataset  # noqa: E402
from geo_tool.export.disclosure import DECIMALS, DEFAULT_THRESHOLD, SUPPRESSED_LABEL, export_surface  # noqa: E402
from geo_tool.i18n import tr  # noqa: E402
from geo_tool.layers.base import OKABE_ITO, LayerSelection, Level, Measure, TimeWindow, area_frame  # noqa: E402

PAPER_IN = {"A4": (11.69, 8.27), "A3": (16.54, 11.69), "SCREEN": (11.69, 8.27)}
# where the map and the legend column go: (map axes, side axes) in figure fractions
LAYOUT = {"print": ([0.015, 0.13, 0.68, 0.78], [0.71, 0.13, 0.28, 0.78]),
          "screen": ([0.005, 0.085, 0.755, 0.83], [0.77, 0.085, 0.225, 0.83])}
SUPPRESSED_FACE, SUPPRESSED_EDGE = "#d9d9d9", "#737373"
SCREEN_SIMPLIFY_M = 4.0  # below one screen pixel for a whole-city map
NODATA_FACE = "#ffffff"


def paper_size(paper: str) -> tuple[float, float]:
    """Landscape size in inches of ``A4`` or ``A3``; names the allowed ones when wrong."""
    key = str(paper).upper()
    if key not in PAPER_IN:
        from geo_tool.errors import UsageError
        raise UsageError(tr("papierformaat {paper} is niet toegestaan; gebruik een van: {allowed}", paper=repr(paper),
                            allowed=", ".join(PAPER_IN)))
    return PAPER_IN[key]


SUPPRESSED_LEGEND = f"{SUPPRESSED_LABEL} (klein aantal, of ter bescherming daarvan)"


def value_decimals(m: Measure, internal: bool = True) -> int:
    """Decimals a figure is shown with: counts and surfaces whole, shares/rates 1, ratios 2 (1 outside the tool)."""
    if m.kind in {"count", "surface"}:
        return 0
    if m.kind in {"share", "rate"}:
        return 1
    return 2 if internal else DECIMALS


def format_value(v: float, m: Measure, decimals: int | None = None) -> str:
    """A figure in Dutch notation (decimal comma): counts whole, shares 1 decimal, ratios 2 (see `value_decimals`)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    d = value_decimals(m) if decimals is None else decimals
    return f"{v:,.{d}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def class_colours(cmap: str, k: int) -> list:
    """``k`` colours from a colour-blind-safe sequential colour map, light to dark."""
    cm = matplotlib.colormaps[cmap]
    lo, hi = (0.12, 0.95) if cmap.startswith(("Yl", "Bu", "Gn", "Or", "Pu")) else (0.0, 0.92)
    return [cm(x) for x in (np.linspace(lo, hi, k) if k > 1 else [0.6])]


def class_labels(bins: np.ndarray, vmin: float, m: Measure, decimals: int | None = None) -> list[str]:
    """Legend text per class: ``lower - upper`` in Dutch notation."""
    lows = [vmin] + list(bins[:-1])
    return [f"{format_value(lo, m, decimals)} - {format_value(hi, m, decimals)}" for lo, hi in zip(lows, bins)]


class _Composer:
    """Draws one map figure; a class only to share the axes and legend cursor between the steps."""

    def __init__(self, dataset: Dataset, level: Level, paper: str, internal: bool):
        self.dataset = dataset
        self.level = level
        self.internal = internal
        w, h = paper_size(paper)
        self.scale = w / PAPER_IN["A4"][0]
        self.fig = Figure(figsize=(w, h))
        FigureCanvasAgg(self.fig)  # a canvas to measure legends with; savefig switches per format
        self.screen = str(paper).upper() == "SCREEN"
        self.wijken = self.display(dataset.wijken)
        self.gebieden = self.display(dataset.gebieden)
        map_box, side_box = LAYOUT["screen" if self.screen else "print"]
        self.ax = self.fig.add_axes(map_box)
        self.side = self.fig.add_axes(side_box)
        self.side.set_axis_off()
        self.legend_top = 1.0
        self.legends: list[Any] = []
        # on screen the canvas can have any shape: fill it by widening the data limits, not by shrinking the box
        self.ax.set_aspect("equal", adjustable="datalim" if self.screen else "box")
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        self.ax.xaxis.label.set_visible(False)  # geopandas labels projected axes "Easting [metre]"
        self.ax.yaxis.label.set_visible(False)
        for s in self.ax.spines.values():
            s.set_edgecolor("#999999")
            s.set_linewidth(0.6)

    def display(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Polygons as drawn: on screen simplified to SCREEN_SIMPLIFY_M (invisible at city scale, 5x faster)."""
        if not self.screen or len(gdf) == 0:
            return gdf
        return gdf.set_geometry(gdf.geometry.simplify(SCREEN_SIMPLIFY_M, preserve_topology=True))

    def fs(self, size: float) -> float:
        return size * self.scale

    # -- layers ------------------------------------------------------------------------------
    def base(self) -> None:
        """A light background of all wijken so the city shape is always visible."""
        self.wijken.plot(ax=self.ax, facecolor="#f4f4f4", edgecolor="#d0d0d0", linewidth=0.3, zorder=0)

    def background(self) -> bool:
        """The PDOK BRT-Achtergrondkaart under the map for the current extent; False when not available."""
        from geo_tool.export.basemap import ATTRIBUTION as BASEMAP_ATTRIBUTION
        from geo_tool.export.basemap import fetch_basemap

        xmin, xmax = self.ax.get_xlim()
        ymin, ymax = self.ax.get_ylim()
        bm = fetch_basemap((xmin, ymin, xmax, ymax), width_px=int(self.fig.get_size_inches()[0] * 100))
        if bm is None:
            self.ax.text(0.99, 0.01, "achtergrondkaart niet beschikbaar (offline)", transform=self.ax.transAxes,
                         ha="right", va="bottom", fontsize=self.fs(6), color="#777777", zorder=60)
            return False
        self.ax.imshow(bm.image, extent=bm.extent, zorder=-1, interpolation="bilinear")
        self.ax.text(0.99, 0.01, BASEMAP_ATTRIBUTION, transform=self.ax.transAxes, ha="right", va="bottom",
                     fontsize=self.fs(6), color="#333333", zorder=60)
        return True

    def street_context(self) -> bool:
        """Water and main streets from the street network (offline), with the OSM credit; False without a network."""
        from geo_tool.network import ATTRIBUTION_NL
        from geo_tool.network.context import default_context

        context = default_context()
        if context is None or self.wijken.empty:
            return False
        xmin, xmax = self.ax.get_xlim()
        ymin, ymax = self.ax.get_ylim()
        area = self.wijken.geometry.union_all()
        if not draw_street_context(self.ax, context, (xmin, ymin, xmax, ymax), area, scale=self.scale):
            return False
        self.ax.set_xlim(xmin, xmax)
        self.ax.set_ylim(ymin, ymax)
        self.ax.text(0.99, 0.035, f"Straten en water: {ATTRIBUTION_NL}", transform=self.ax.transAxes, ha="right",
                     va="bottom", fontsize=self.fs(6), color="#333333", zorder=60)
        return True

    def choropleth(self, gdf: gpd.GeoDataFrame, m: Measure, z: int, alpha: float) -> None:  # noqa: C901
        """Areas (or address points) coloured by class; suppressed grey hatched; missing white."""
        values = pd.to_numeric(gdf[m.key], errors="coerce").to_numpy(dtype=float)
        flag = gdf.get(f"{m.key}_flag")
        suppressed = (flag.fillna("").astype(str) != "").to_numpy() if flag is not None else np.zeros(len(gdf), bool)
        ok = np.isfinite(values)
        handles: list[Any] = []
        is_point = len(gdf) and gdf.geom_type.iloc[0] == "Point"
        if not is_point:
            gdf = self.display(gdf)
        kw: dict[str, Any] = {"markersize": self.fs(6)} if is_point else {"edgecolor": "white", "linewidth": 0.3}
        if ok.any():
            bins = m.classification.upper_bounds(values[ok])
            cls = m.classification.classify(values, bins)
            colours = class_colours(m.cmap, len(bins))
            face = [colours[c] if c >= 0 else NODATA_FACE for c in cls]
            rows = np.flatnonzero(ok)
            if is_point and self.level is Level.BUILDING:  # buildings: sized by class too, the biggest on top
                rows = rows[np.argsort(cls[rows], kind="stable")]
                kw = {"markersize": self.fs(1.5) * (1.0 + 1.5 * cls[rows] / max(len(bins) - 1, 1)) ** 2}
            gdf.iloc[rows].plot(ax=self.ax, color=[face[i] for i in rows], alpha=alpha, zorder=z, **kw)
            used = set(cls[ok].tolist())
            labels = class_labels(bins, float(values[ok].min()), m, value_decimals(m, self.internal))
            for i, (col, lab) in enumerate(zip(colours, labels)):
                if i in used:
                    handles.append(Patch(facecolor=col, edgecolor="#999999", linewidth=0.4, label=lab))
        if suppressed.any():
            gdf[suppressed].plot(ax=self.ax, facecolor=SUPPRESSED_FACE, edgecolor=SUPPRESSED_EDGE, hatch="////",
                                 linewidth=0.3, zorder=z, **({"markersize": self.fs(6)} if is_point else {}))
            handles.append(Patch(facecolor=SUPPRESSED_FACE, edgecolor=SUPPRESSED_EDGE, hatch="////",
                                 label=SUPPRESSED_LEGEND))
        nodata = ~ok & ~suppressed
        if nodata.any():
            gdf[nodata].plot(ax=self.ax, facecolor=NODATA_FACE, edgecolor="#bdbdbd", linewidth=0.3, zorder=z,
                             **({"markersize": self.fs(4)} if is_point else {}))
            handles.append(Patch(facecolor=NODATA_FACE, edgecolor="#bdbdbd", label="geen gegevens"))
        self.add_legend(handles, m.legend_title())

    def outlines(self, with_labels: bool = True) -> None:
        """Wijk and gebied boundaries, with names."""
        z = 20
        if self.level is not Level.GEBIED:
            self.wijken.boundary.plot(ax=self.ax, color="#555555", linewidth=0.35, zorder=z)
        self.gebieden.boundary.plot(ax=self.ax, color="#111111", linewidth=0.9, zorder=z + 1)
        if not with_labels:
            return
        lab = area_frame(self.dataset, Level.GEBIED if self.level is Level.GEBIED else Level.WIJK)
        size = self.fs(7 if len(lab) <= 30 else 5)
        # metres per typographic point on this map, to label only areas wide enough for their name
        x0, x1 = self.ax.get_xlim()
        m_per_pt = (x1 - x0) / (self.ax.get_position(original=True).width * self.fig.get_size_inches()[0] * 72)
        pts = lab.geometry.representative_point()
        b = lab.geometry.bounds
        for x, y, name, w in zip(pts.x, pts.y, lab["name"].astype(str), (b["maxx"] - b["minx"]).to_numpy()):
            if w < 0.55 * size * len(name) * m_per_pt:
                continue
            self.ax.text(x, y, name, fontsize=size, ha="center", va="center", color="#222222", zorder=z + 2,
                         path_effects=[pe.withStroke(linewidth=1.6 * self.scale, foreground="white")])
        self.add_legend([Line2D([], [], color="#111111", lw=1.2, label="grens gebied"),
                         Line2D([], [], color="#555555", lw=0.6, label="grens wijk")], "Grenzen")

    def points(self, pts: gpd.GeoDataFrame, column: str, labels: dict[str, str], title: str, z: int) -> None:
        """Points coloured by category (Okabe-Ito palette)."""
        cats = [c for c in labels if (pts[column] == c).any()] + sorted(set(pts[column].dropna()) - set(labels))
        handles = []
        for i, cat in enumerate(cats):
            sub = pts[pts[column] == cat]
            col = OKABE_ITO[i % len(OKABE_ITO)]
            self.ax.scatter(sub.geometry.x, sub.geometry.y, s=self.fs(9 if len(pts) < 300 else 3 if len(pts) < 3000 else 1), color=col, edgecolor="black",
                            linewidth=0.25, zorder=z)
            handles.append(Line2D([], [], marker="o", ls="", color=col, markeredgecolor="black", markeredgewidth=0.3,
                                  label=f"{labels.get(cat, cat)} ({len(sub)})"))
        if not handles:
            handles = [Patch(facecolor="none", edgecolor="none", label="geen punten in de periode")]
        self.add_legend(handles, title)

    def surface(self, surf: Any, m: Measure, z: int) -> None:
        """The density raster, transparent where (almost) zero or nodata, with a colour bar."""
        finite = surf.values[np.isfinite(surf.values)]
        vmax = float(finite.max()) if finite.size else 0.0
        vals = np.ma.masked_less_equal(np.ma.masked_invalid(surf.values), vmax * 0.02)
        xmin, ymin, xmax, ymax = surf.bounds
        im = self.ax.imshow(vals, extent=(xmin, xmax, ymin, ymax), cmap=m.cmap, alpha=0.85, zorder=z,
                            interpolation="bilinear" if surf.method == "kernel" else "nearest", origin="upper")
        h = 0.035
        top = self.legend_top - 0.06
        self.side.text(0.0, self.legend_top - 0.01, f"{m.label} ({surf.unit})", fontsize=self.fs(8), fontweight="bold",
                       va="top", transform=self.side.transAxes)
        cax = self.side.inset_axes([0.02, top - h, 0.9, h])
        cb = self.fig.colorbar(im, cax=cax, orientation="horizontal")
        cb.ax.tick_params(labelsize=self.fs(6.5))
        how = (f"kernel {surf.bandwidth_m:.0f} m, cellen {surf.cell_m:.0f} m" if surf.method == "kernel" else
               textwrap.fill(f"aantallen per cel van {surf.cell_m:.0f} m, afgerond op 5; cellen met minder dan {DEFAULT_THRESHOLD} "
                             "meldingen leeg", 48))
        self.side.text(0.0, top - h - 0.055, how,
                       fontsize=self.fs(6.5), va="top", color="#444444", transform=self.side.transAxes)
        self.legend_top = top - h - 0.1 - 0.025 * how.count("\n")

    # -- furniture ---------------------------------------------------------------------------
    def add_legend(self, handles: list, title: str) -> None:
        """Stack a legend under the previous ones in the side panel."""
        if not handles:
            return
        leg = self.side.legend(handles=handles, title=textwrap.fill(title, 42), loc="upper left",
                               bbox_to_anchor=(0.0, self.legend_top), fontsize=self.fs(7),
                               title_fontsize=self.fs(8), frameon=False, alignment="left", borderaxespad=0.0)
        leg.get_title().set_fontweight("bold")
        self.side.add_artist(leg)
        renderer = self.fig.canvas.get_renderer()
        bb = leg.get_window_extent(renderer).transformed(self.side.transAxes.inverted())
        self.legend_top = bb.y0 - 0.035

    def extent(self) -> None:
        xmin, ymin, xmax, ymax = self.dataset.wijken.total_bounds
        dx, dy = (xmax - xmin) * 0.03, (ymax - ymin) * 0.03
        xmin, xmax, ymin, ymax = xmin - dx, xmax + dx, ymin - dy, ymax + dy
        # fill the axes box: widen the shorter side so the aspect stays equal without white bands
        box = self.ax.get_position(original=True)
        fw, fh = self.fig.get_size_inches()
        target = (box.width * fw) / (box.height * fh)
        w, h = xmax - xmin, ymax - ymin
        if w / h < target:
            extra = (h * target - w) / 2
            xmin, xmax = xmin - extra, xmax + extra
        else:
            extra = (w / target - h) / 2
            ymin, ymax = ymin - extra, ymax + extra
        self.ax.set_xlim(xmin, xmax)
        self.ax.set_ylim(ymin, ymax)
        self.ax.set_xlabel("")
        self.ax.set_ylabel("")

    def scale_bar(self) -> None:
        """A two-segment black/white bar of a round length, lower left."""
        xmin, xmax = self.ax.get_xlim()
        ymin, ymax = self.ax.get_ylim()
        width = xmax - xmin
        nice = [50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000]
        length = max([n for n in nice if n <= width * 0.22] or [nice[0]])
        x0, y0 = xmin + width * 0.03, ymin + (ymax - ymin) * 0.035
        hbar = (ymax - ymin) * 0.008
        for i in range(2):
            self.ax.add_patch(Rectangle((x0 + i * length / 2, y0), length / 2, hbar, facecolor="black" if i == 0 else "white",
                                        edgecolor="black", linewidth=0.6, zorder=50))
        label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        for x, t in ((x0, "0"), (x0 + length, label)):
            self.ax.text(x, y0 + hbar * 1.8, t, ha="center", va="bottom", fontsize=self.fs(7), zorder=50,
                         path_effects=[pe.withStroke(linewidth=1.5, foreground="white")])

    def north_arrow(self) -> None:
        """An arrow with N in the upper right (RD New grid north ~ true north in Rotterdam)."""
        self.ax.annotate("N", xy=(0.955, 0.965), xytext=(0.955, 0.875), xycoords="axes fraction",
                         ha="center", va="center", fontsize=self.fs(10), fontweight="bold", zorder=50,
                         arrowprops=dict(facecolor="black", edgecolor="black", width=3 * self.scale,
                                         headwidth=10 * self.scale, headlength=9 * self.scale))

    def stamps(self, schematic: bool) -> None:
        """Watermarks: schematic boundaries, internal use."""
        if schematic:
            self.ax.text(0.5, 0.5, "SCHEMATISCH", transform=self.ax.transAxes, fontsize=self.fs(54), color="#b2182b",
                         alpha=0.22, rotation=28, ha="center", va="center", fontweight="bold", zorder=60)
            self.ax.text(0.5, 0.015, "Schematische kaart: grenzen en ligging zijn niet echt", transform=self.ax.transAxes,
                         fontsize=self.fs(8), color="#b2182b", ha="center", va="bottom", fontweight="bold", zorder=60,
                         path_effects=[pe.withStroke(linewidth=2, foreground="white")])
        if self.internal:
            self.ax.text(0.015, 0.985, "INTERN - niet verspreiden", transform=self.ax.transAxes, fontsize=self.fs(9),
                         color="white", ha="left", va="top", fontweight="bold", zorder=60,
                         bbox=dict(facecolor="#b2182b", edgecolor="none", pad=3))

    def texts(self, title: str, window: TimeWindow, meta: dict[str, Any]) -> None:
        """Title, period and the footer with sources, attribution, date made and the disclosure note."""
        self.fig.text(0.015, 0.965, title, fontsize=self.fs(15), fontweight="bold", va="center", ha="left")
        sub = f"Periode {window.label()}  |  peildatum bewoners en vergunningen: {window.end.day}-{window.end.month}-{window.end.year}"
        if meta.get("schematic"):
            sub += "  |  SCHEMATISCHE KAART"
        self.fig.text(0.015, 0.93, sub, fontsize=self.fs(8.5), color="#333333", va="center", ha="left")
        made = pd.Timestamp(meta["made"])
        lines = [
            f"Bronnen: {meta['sources']}.",
            f"Gemaakt op {made.day}-{made.month}-{made.year} {made:%H:%M} met geo_tool door {meta['made_by']}. "
            f"Coördinaten RD New (EPSG:28992).",
            meta["disclosure"],
        ]
        text = "\n".join(textwrap.fill(s, 190) for s in lines)
        self.fig.text(0.015, 0.075 if self.screen else 0.105, text, fontsize=self.fs(6.5), color="#333333", va="top", ha="left", linespacing=1.4)


def draw_street_context(ax, context, bbox: tuple[float, float, float, float], area=None, *, scale: float = 1.0,
                        zorder: float = 25, alpha: float = 0.75) -> bool:
    """Draw water and main streets (`geo_tool.network.context`) inside bbox on a matplotlib axes.

    Drawn above the area fills and below points and outlines: the CBS wijk polygons include the water,
    so water drawn underneath would be hidden. Residential streets only when zoomed in (< 6 km wide).
    Returns False when there is no context to draw.
    """
    from matplotlib.collections import LineCollection
    import shapely

    from geo_tool.network.context import STREET_STYLE, WATER_COLOUR, clip_context

    part = clip_context(context, bbox, area)
    if part is None or not len(part):
        return False
    water = part[part["kind"] == "water"]
    if len(water):
        water.plot(ax=ax, facecolor=WATER_COLOUR, edgecolor="none", zorder=zorder, alpha=0.95)
    wide = bbox[2] - bbox[0] > 6000
    streets = part[part["kind"] == "street"]
    for cls, (width, colour) in STREET_STYLE.items():
        if cls == "residential" and wide:
            continue
        sub = streets[streets["road_class"] == cls]
        if not len(sub):
            continue
        coords, index = shapely.get_coordinates(sub.geometry.to_numpy(), return_index=True)
        segs = np.split(coords, np.flatnonzero(np.diff(index)) + 1)
        ax.add_collection(LineCollection(segs, linewidths=width * scale, colors=colour, alpha=alpha,
                                         zorder=zorder + 0.5, capstyle="round"))
    return True


def compose_map(dataset: Dataset, selections: Sequence[LayerSelection], table: gpd.GeoDataFrame, level: Level,
                window: TimeWindow, meta: dict[str, Any], *, paper: str = "A4", internal: bool = False,
                basemap: bool = False, street_context: bool = True) -> Figure:
    """Build the map figure: layers in the order given (first = bottom), legends, furniture and texts.

    With `basemap` the PDOK background map is drawn underneath when it can be had (never offline).
    """
    c = _Composer(dataset, level, paper, internal)
    c.extent()
    if not (basemap and c.background()):
        c.base()
    c.extent()
    first_area = True
    has_outline = False
    for z, sel in enumerate(selections, start=1):
        m = sel.measure
        if m.kind == "outline":
            has_outline = True
            continue  # boundaries go on top of everything, below
        if m.kind == "points":
            pts = sel.layer.points(window)
            c.points(pts, sel.layer.point_category_column(), sel.layer.point_categories(), m.label, 30 + z)
        elif m.kind == "category":
            t = sel.layer.aggregate(window, Level.ADDRESS)
            t = t[t[m.key].notna()]
            c.points(t, m.key, sel.layer.point_categories(), m.label, 30 + z)
        elif m.kind == "surface":
            c.surface(export_surface(sel.layer, window, meta), m, 10 + z)
        elif m.key in table.columns:
            default_alpha = 1.0 if first_area else 0.6
            c.choropleth(table, m, 10 + z, alpha=float(getattr(sel, "opacity", default_alpha)))
            first_area = False
    c.extent()  # plotting may have autoscaled the axes
    if street_context:
        c.street_context()
    c.outlines(with_labels=has_outline)
    c.scale_bar()
    c.north_arrow()
    c.stamps(bool(meta.get("schematic")))
    c.texts(meta["title"] + (" (schematisch)" if meta.get("schematic") else ""), window, meta)
    return c.fig


def _latin1(s: str) -> str:
    return str(s).replace("²", "2").replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def figure_metadata(meta: dict[str, Any], fmt: str) -> dict[str, Any]:
    """The file metadata matplotlib writes for PNG (tEXt), PDF (info dict) or SVG (Dublin Core)."""
    desc = (f"{meta['title']}. Periode {meta['window_start']} t/m {meta['window_end']}. Lagen: {', '.join(meta['layers'])}. "
            f"Niveau: {meta['level']}. {meta['disclosure']}")
    status = meta["classification"]
    if fmt == "png":
        return {k: _latin1(v) for k, v in {
            "Title": meta["title"], "Author": meta["made_by"], "Description": desc, "Software": "geo_tool",
            "Source": meta["sources"], "Copyright": meta["attribution"], "Creation Time": meta["made"],
            "Disclaimer": status, "Comment": f"internal={str(meta['internal']).lower()}; schematic={str(meta['schematic']).lower()}",
        }.items()}
    if fmt == "pdf":
        return {"Title": meta["title"], "Author": meta["made_by"], "Subject": f"{status}. {desc}",
                "Keywords": f"geo_tool; internal={str(meta['internal']).lower()}; {status}", "Creator": "geo_tool"}
    if fmt == "svg":
        return {"Title": meta["title"], "Creator": "geo_tool", "Description": f"{status}. {desc}",
                "Date": meta["made"][:10], "Rights": meta["attribution"],
                "Keywords": ["geo_tool", f"internal={str(meta['internal']).lower()}", status]}
    return {}
