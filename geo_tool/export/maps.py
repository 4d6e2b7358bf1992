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
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, HPacker, TextArea, VPacker  # noqa: E402
from matplotlib.patches import Patch, Polygon, Rectangle  # noqa: E402
from matplotlib.transforms import Bbox, ScaledTranslation  # noqa: E402

from geo_tool.dataset import Dataset  # noqa: E402
from geo_tool.export.disclosure import DECIMALS, DEFAULT_THRESHOLD, SUPPRESSED_LABEL, export_surface  # noqa: E402
from geo_tool.i18n import format_number, tr  # noqa: E402
from geo_tool.layers.base import OKABE_ITO, LayerSelection, Level, Measure, TimeWindow, area_frame  # noqa: E402

PAPER_IN = {"A4": (11.69, 8.27), "A3": (16.54, 11.69), "SCREEN": (11.69, 8.27)}
# where the map and the legend column go: (map axes, side axes) in figure fractions
LAYOUT = {"print": ([0.015, 0.13, 0.68, 0.78], [0.71, 0.13, 0.28, 0.78]),
          "screen": ([0.005, 0.085, 0.755, 0.83], [0.77, 0.085, 0.225, 0.83])}
SUPPRESSED_FACE, SUPPRESSED_EDGE = "#d9d9d9", "#737373"
SCREEN_SIMPLIFY_M = 4.0  # below one screen pixel for a whole-city map
NODATA_FACE = "#ffffff"
# areas where (almost) nobody lives: the port, business parks, woods (CBS inwoners below this)
NO_RESIDENTS_BELOW = 100
NO_RESIDENTS_LABEL = "geen bewoning"
NO_RESIDENTS_FACE, NO_RESIDENTS_EDGE, NO_RESIDENTS_HATCH = "#ececec", "#a0a0a0", "\\\\\\"
# inhabited wijken less than this apart are one city: Heijplaat (2,1 km from Charlois), Hoogvliet and Pernis
# are; Rozenburg (over 5 km) and Hoek van Holland are not
RESIDENTIAL_GAP_M = 2500.0
SCREEN_MARGIN_IN = 0.08  # space between the map's edge and the boxes drawn on it (title, legend, footer)


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
    return format_number(v, d, "nl")  # the map's texts are Dutch in either interface language


def uninhabited(dataset: Dataset, level: Level | str, codes: Sequence[str]) -> np.ndarray:
    """True per area code where (almost) nobody lives: CBS inwoners below NO_RESIDENTS_BELOW.

    Where the CBS figure is missing, an area without any address in the dataset counts as
    uninhabited. Only wijken and gebieden have residents; other levels are never uninhabited.
    Such areas are drawn "geen bewoning" instead of in the lowest class (a port wijk with five
    residents and no complaints is not the city's best wijk).
    """
    level = Level.parse(level)
    codes = pd.Index(pd.Series(list(codes), dtype="string").astype(str))
    if level not in (Level.WIJK, Level.GEBIED):
        return np.zeros(len(codes), bool)
    frame = dataset.wijken if level is Level.WIJK else dataset.gebieden
    keys = frame["code"].astype(str).to_numpy()
    residents = (pd.to_numeric(frame["residents"], errors="coerce").to_numpy(dtype=float)
                 if "residents" in frame.columns else np.full(len(frame), np.nan))
    a = dataset.addresses
    if "wijk_code" in a.columns and len(a):
        wijk_of = a["wijk_code"].astype("string")
        if level is Level.GEBIED:
            w = dataset.wijken
            wijk_of = wijk_of.map(pd.Series(w["gebied_code"].astype(str).to_numpy(), index=w["code"].astype(str)))
        n_addresses = wijk_of.value_counts().reindex(keys, fill_value=0).to_numpy()
    else:
        n_addresses = np.ones(len(keys))
    empty = np.where(np.isfinite(residents), residents < NO_RESIDENTS_BELOW, n_addresses == 0)
    return pd.Series(empty, index=keys).reindex(codes, fill_value=False).to_numpy(dtype=bool)


def residential_extent(dataset: Dataset) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of the residential city: the wijken where people live, without the port.

    Computed from the data: the inhabited wijken (`uninhabited`) are grouped by nearness
    (RESIDENTIAL_GAP_M) and the group with the most residents is the city the window opens on.
    In Rotterdam that is the city with Hoogvliet and Pernis, without the Maasvlakte, Europoort,
    Rozenburg and Hoek van Holland (all still one zoom-out away). Falls back on all wijken.
    """
    import shapely

    w = dataset.wijken
    if len(w) == 0:
        return tuple(float(v) for v in w.total_bounds)
    live = w[~uninhabited(dataset, Level.WIJK, w["code"].astype(str))]
    if live.empty:
        return tuple(float(v) for v in w.total_bounds)
    weight = (pd.to_numeric(live["residents"], errors="coerce").fillna(1.0).to_numpy(dtype=float)
              if "residents" in live.columns else np.ones(len(live)))
    groups = shapely.get_parts(live.geometry.buffer(RESIDENTIAL_GAP_M / 2).union_all())
    inside = live.geometry.representative_point()
    best = max(groups, key=lambda g: float(weight[inside.within(g).to_numpy()].sum()))
    city = live[inside.within(best).to_numpy()]
    return tuple(float(v) for v in city.total_bounds)


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

    def __init__(self, dataset: Dataset, level: Level, paper: str, internal: bool,
                 size_in: tuple[float, float] | None = None):
        self.dataset = dataset
        self.level = level
        self.internal = internal
        w, h = paper_size(paper)
        self.scale = w / PAPER_IN["A4"][0]
        self.screen = str(paper).upper() == "SCREEN"
        if self.screen and size_in is not None:  # composed at the panel's size: text in points fits as measured
            w, h = max(float(size_in[0]), 3.0), max(float(size_in[1]), 2.0)
            self.scale = 1.0
        self.fig = Figure(figsize=(w, h))
        FigureCanvasAgg(self.fig)  # a canvas to measure legends with; savefig switches per format
        self.wijken = self.display(dataset.wijken)
        self.gebieden = self.display(dataset.gebieden)
        if self.screen:  # the map fills the panel; title, legend and footer are boxes on it
            self.ax = self.fig.add_axes([0.0, 0.0, 1.0, 1.0])
            self.side = None
        else:
            map_box, side_box = LAYOUT["print"]
            self.ax = self.fig.add_axes(map_box)
            self.side = self.fig.add_axes(side_box)
            self.side.set_axis_off()
        self.legend_top = 1.0
        self.legends: list[Any] = []
        self.screen_legends: list[tuple[str, list]] = []  # (title, rows) collected, drawn as one box
        self.footer_extra: list[str] = []  # credits that go into the footer box on screen
        self.boxes: list[Any] = []  # boxes drawn on the map (title, legend, footer): labels keep clear
        self.footer = None  # the footer box on screen (scale bar and north arrow sit above it)
        self.footer_notes: list[str] = []
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
            self.credit("achtergrondkaart niet beschikbaar (offline)", 0.01, "#777777")
            return False
        self.ax.imshow(bm.image, extent=bm.extent, zorder=-1, interpolation="bilinear")
        self.credit(BASEMAP_ATTRIBUTION, 0.01)
        return True

    def credit(self, text: str, y: float, colour: str = "#333333") -> None:
        """A source credit: lower right on paper, in the footer box on screen."""
        if self.screen:
            self.footer_extra.append(text)
            if self.footer is not None:
                self.footer.set_text(self.footer_text())
            return
        self.ax.text(0.99, y, text, transform=self.ax.transAxes, ha="right", va="bottom",
                     fontsize=self.fs(6), color=colour, zorder=60)

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
        self.credit(f"Straten en water: {ATTRIBUTION_NL}", 0.035)
        return True

    def choropleth(self, gdf: gpd.GeoDataFrame, m: Measure, z: int, alpha: float) -> None:  # noqa: C901
        """Areas (or address points) coloured by class; suppressed grey hatched; missing white."""
        values = pd.to_numeric(gdf[m.key], errors="coerce").to_numpy(dtype=float)
        flag = gdf.get(f"{m.key}_flag")
        suppressed = (flag.fillna("").astype(str) != "").to_numpy() if flag is not None else np.zeros(len(gdf), bool)
        empty = (uninhabited(self.dataset, self.level, gdf["code"].astype(str)) if "code" in gdf.columns
                 else np.zeros(len(gdf), bool))
        suppressed = suppressed & ~empty
        ok = np.isfinite(values) & ~empty  # no resident: no class (not the lowest one)
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
        if empty.any():
            gdf[empty].plot(ax=self.ax, facecolor=NO_RESIDENTS_FACE, edgecolor=NO_RESIDENTS_EDGE,
                            hatch=NO_RESIDENTS_HATCH, linewidth=0.3, zorder=z)
            handles.append(Patch(facecolor=NO_RESIDENTS_FACE, edgecolor=NO_RESIDENTS_EDGE, hatch=NO_RESIDENTS_HATCH,
                                 label=f"{NO_RESIDENTS_LABEL} (<{NO_RESIDENTS_BELOW} inwoners)"))
        nodata = ~ok & ~suppressed & ~empty
        if nodata.any():
            gdf[nodata].plot(ax=self.ax, facecolor=NODATA_FACE, edgecolor="#bdbdbd", linewidth=0.3, zorder=z,
                             **({"markersize": self.fs(4)} if is_point else {}))
            handles.append(Patch(facecolor=NODATA_FACE, edgecolor="#bdbdbd", label="geen gegevens"))
        self.add_legend(handles, m.legend_title())

    def outline_legend(self) -> None:
        """The legend of the boundaries."""
        self.add_legend([Line2D([], [], color="#111111", lw=1.2, label="grens gebied"),
                         Line2D([], [], color="#555555", lw=0.6, label="grens wijk")], "Grenzen")

    def outlines(self, with_labels: bool = True) -> None:
        """Wijk and gebied boundaries, with names (see `area_labels`)."""
        z = 20
        if self.level is not Level.GEBIED:
            self.wijken.boundary.plot(ax=self.ax, color="#555555", linewidth=0.35, zorder=z)
        self.gebieden.boundary.plot(ax=self.ax, color="#111111", linewidth=0.9, zorder=z + 1)
        if with_labels:
            self.area_labels(z + 2)

    def area_labels(self, z: float) -> list:
        """Area names that never overlap: the biggest areas first, each name only where it fits.

        A name is placed when its area is wide enough for it and its box, measured with the
        renderer, overlaps no name placed before and no box on the map (title, legend, footer);
        otherwise it is left out (a click or a zoom shows it). Returns the placed texts.
        """
        lab = area_frame(self.dataset, Level.GEBIED if self.level is Level.GEBIED else Level.WIJK)
        if lab.empty:
            return []
        size = self.fs(7 if len(lab) <= 30 else 6)
        renderer = self.fig.canvas.get_renderer()
        # metres per typographic point on this map, to label only areas wide enough for their name
        x0, x1 = sorted(self.ax.get_xlim())
        y0, y1 = sorted(self.ax.get_ylim())
        m_per_pt = (x1 - x0) / (self.ax.get_window_extent(renderer).width / self.fig.dpi * 72)
        view = Bbox.from_extents(*self.ax.get_window_extent(renderer).extents)
        taken = [b.get_window_extent(renderer) for b in self.boxes]
        pts = lab.geometry.representative_point()
        b = lab.geometry.bounds
        # inhabited areas first, each group biggest first (the port's names only where room is left)
        empty = uninhabited(self.dataset, Level.GEBIED if self.level is Level.GEBIED else Level.WIJK, lab["code"])
        order = np.lexsort((-lab.geometry.area.to_numpy(), empty))
        placed = []
        for i in order:
            x, y, name = float(pts.x.iloc[i]), float(pts.y.iloc[i]), str(lab["name"].iloc[i])
            if not (x0 <= x <= x1 and y0 <= y <= y1) or b["maxx"].iloc[i] - b["minx"].iloc[i] < 0.55 * size * len(name) * m_per_pt:
                continue
            text = self.ax.text(x, y, name, fontsize=size, ha="center", va="center", color="#222222", zorder=z,
                                path_effects=[pe.withStroke(linewidth=1.6 * self.scale, foreground="white")])
            box = text.get_window_extent(renderer).expanded(1.0, 1.0).padded(2.0)
            inside = view.x0 <= box.x0 and box.x1 <= view.x1 and view.y0 <= box.y0 and box.y1 <= view.y1
            if not inside or any(box.overlaps(other) for other in taken):
                text.remove()
                continue
            text.set_gid("area-label")
            taken.append(box)
            placed.append(text)
        return placed

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
        how = (f"kernel {surf.bandwidth_m:.0f} m, cellen {surf.cell_m:.0f} m" if surf.method == "kernel" else
               textwrap.fill(f"aantallen per cel van {surf.cell_m:.0f} m, afgerond op 5; cellen met minder dan {DEFAULT_THRESHOLD} "
                             "meldingen leeg", 48))
        if self.screen:
            self.screen_legends.append((f"{m.label} ({surf.unit})", [("ramp", m.cmap, vmax, m, how)]))
            return
        h = 0.035
        top = self.legend_top - 0.06
        self.side.text(0.0, self.legend_top - 0.01, f"{m.label} ({surf.unit})", fontsize=self.fs(8), fontweight="bold",
                       va="top", transform=self.side.transAxes)
        cax = self.side.inset_axes([0.02, top - h, 0.9, h])
        cb = self.fig.colorbar(im, cax=cax, orientation="horizontal")
        cb.ax.tick_params(labelsize=self.fs(6.5))
        self.side.text(0.0, top - h - 0.055, how,
                       fontsize=self.fs(6.5), va="top", color="#444444", transform=self.side.transAxes)
        self.legend_top = top - h - 0.1 - 0.025 * how.count("\n")

    # -- furniture ---------------------------------------------------------------------------
    def add_legend(self, handles: list, title: str) -> None:
        """Stack a legend under the previous ones in the side panel (on screen: collected for `screen_boxes`)."""
        if not handles:
            return
        if self.screen:
            self.screen_legends.append((title, handles))
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
        """The map's extent: all wijken on paper; on screen the residential city (`residential_extent`)
        in the part of the panel the title, legend and footer boxes leave free."""
        if self.screen:
            xmin, ymin, xmax, ymax = residential_extent(self.dataset)
        else:
            xmin, ymin, xmax, ymax = self.dataset.wijken.total_bounds
        dx, dy = (xmax - xmin) * 0.03, (ymax - ymin) * 0.03
        xmin, xmax, ymin, ymax = xmin - dx, xmax + dx, ymin - dy, ymax + dy
        # fill the axes box: widen the shorter side so the aspect stays equal without white bands
        box = self.ax.get_position(original=True)
        fw, fh = self.fig.get_size_inches()
        aw, ah = box.width * fw, box.height * fh
        left = right = top = bottom = 0.0  # inches of the panel covered by boxes, kept clear of the city
        if self.screen and self.boxes:
            renderer = self.fig.canvas.get_renderer()
            dpi, height = self.fig.dpi, self.fig.bbox.height
            reach = {}  # per box: (width, depth from its edge of the panel) in inches, margin included
            for b in self.boxes:
                e = b.get_window_extent(renderer)
                depth = e.y1 / dpi if b.get_gid() == "footer" else (height - e.y0) / dpi
                reach[b.get_gid()] = (e.width / dpi + SCREEN_MARGIN_IN, depth + SCREEN_MARGIN_IN)
            bottom = reach.get("footer", (0.0, 0.0))[1]
            title_band = reach.get("title", (0.0, 0.0))[1]
            legend_w, legend_band = reach.get("legend", (0.0, 0.0))
            # the legend as a column at the right, or as a band at the top: whichever shows the city larger
            w, h = xmax - xmin, ymax - ymin
            column = min((aw - legend_w) / w, (ah - title_band - bottom) / h) if aw - legend_w > aw * 0.4 else 0.0
            band = min(aw / w, (ah - max(title_band, legend_band) - bottom) / h)
            if column >= band:
                right, top = legend_w, title_band
            else:
                top = max(title_band, legend_band)
        free_w, free_h = max(aw - left - right, 0.5), max(ah - top - bottom, 0.5)
        target = free_w / free_h
        w, h = xmax - xmin, ymax - ymin
        if w / h < target:
            extra = (h * target - w) / 2
            xmin, xmax = xmin - extra, xmax + extra
        else:
            extra = (w / target - h) / 2
            ymin, ymax = ymin - extra, ymax + extra
        per_in = (xmax - xmin) / free_w  # metres per inch; grow the extent over the covered margins
        xmin, xmax = xmin - left * per_in, xmax + right * per_in
        ymin, ymax = ymin - bottom * per_in, ymax + top * per_in
        self.ax.set_xlim(xmin, xmax)
        self.ax.set_ylim(ymin, ymax)
        self.ax.set_xlabel("")
        self.ax.set_ylabel("")

    def scale_bar(self) -> None:
        """A two-segment black/white bar of a round length, lower left (on screen above the footer)."""
        xmin, xmax = self.ax.get_xlim()
        lift = 0.0  # on screen the bar stands above the footer
        if self.screen and self.footer is not None:
            renderer = self.fig.canvas.get_renderer()
            lift = (self.footer.get_window_extent(renderer).y1 + 6) / self.ax.get_window_extent(renderer).height
        ymin, ymax = self.ax.get_ylim()
        width = xmax - xmin
        nice = [50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000]
        length = max([n for n in nice if n <= width * 0.22] or [nice[0]])
        x0, y0 = xmin + width * 0.03, ymin + (ymax - ymin) * (0.035 + lift)
        hbar = (ymax - ymin) * 0.008
        for i in range(2):
            self.ax.add_patch(Rectangle((x0 + i * length / 2, y0), length / 2, hbar, facecolor="black" if i == 0 else "white",
                                        edgecolor="black", linewidth=0.6, zorder=50))
        label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        for x, t in ((x0, "0"), (x0 + length, label)):
            self.ax.text(x, y0 + hbar * 1.8, t, ha="center", va="bottom", fontsize=self.fs(7), zorder=50,
                         path_effects=[pe.withStroke(linewidth=1.5, foreground="white")])

    def above_footer(self, x: float = 0.0):
        """Axes fraction shifted up over the footer box (and a margin): lower corners on screen."""
        sign = -1 if x >= 1 else 1
        up = SCREEN_MARGIN_IN
        if self.footer is not None:
            up += self.footer.get_window_extent(self.fig.canvas.get_renderer()).height / self.fig.dpi + SCREEN_MARGIN_IN
        return self.ax.transAxes + ScaledTranslation(sign * SCREEN_MARGIN_IN, up, self.fig.dpi_scale_trans)

    def north_arrow(self) -> None:
        """An arrow with N in the upper right (RD New grid north ~ true north in Rotterdam); on screen lower right."""
        if self.screen:
            da = DrawingArea(14, 22)
            da.add_artist(Polygon([(7, 22), (0, 6), (7, 10), (14, 6)], closed=True, facecolor="black", edgecolor="black"))
            box = VPacker(children=[da, TextArea("N", textprops={"fontsize": 9, "fontweight": "bold"})],
                          align="center", pad=0, sep=1)
            anchored = AnchoredOffsetbox("lower right", child=box, pad=0.2, borderpad=0.0, frameon=False,
                                         bbox_to_anchor=(1, 0), bbox_transform=self.above_footer(1.0))
            anchored.set_zorder(65)
            self.ax.add_artist(anchored)
            return
        self.ax.annotate("N", xy=(0.955, 0.965), xytext=(0.955, 0.875), xycoords="axes fraction",
                         ha="center", va="center", fontsize=self.fs(10), fontweight="bold", zorder=50,
                         arrowprops=dict(facecolor="black", edgecolor="black", width=3 * self.scale,
                                         headwidth=10 * self.scale, headlength=9 * self.scale))

    def stamps(self, schematic: bool) -> None:
        """Watermarks: schematic boundaries, internal use (on screen the notes are in the title box)."""
        if schematic:
            self.ax.text(0.5, 0.5, "SCHEMATISCH", transform=self.ax.transAxes, fontsize=self.fs(54), color="#b2182b",
                         alpha=0.22, rotation=28, ha="center", va="center", fontweight="bold", zorder=60)
        if self.screen:
            return
        if schematic:
            self.ax.text(0.5, 0.015, "Schematische kaart: grenzen en ligging zijn niet echt", transform=self.ax.transAxes,
                         fontsize=self.fs(8), color="#b2182b", ha="center", va="bottom", fontweight="bold", zorder=60,
                         path_effects=[pe.withStroke(linewidth=2, foreground="white")])
        if self.internal:
            self.ax.text(0.015, 0.985, "INTERN - niet verspreiden", transform=self.ax.transAxes, fontsize=self.fs(9),
                         color="white", ha="left", va="top", fontweight="bold", zorder=60,
                         bbox=dict(facecolor="#b2182b", edgecolor="none", pad=3))

    # -- the screen's boxes -------------------------------------------------------------------
    def _legend_rows(self, handles: list) -> list:
        """One row (symbol, text) per legend entry, sized in points (the box keeps its size at any zoom)."""
        rows = []
        for h in handles:
            if isinstance(h, tuple) and h and h[0] == "ramp":  # a colour ramp for a surface
                _kind, cmap, vmax, m, how = h
                da = DrawingArea(120, 9)
                for i, c in enumerate(matplotlib.colormaps[cmap](np.linspace(0, 1, 40))):
                    da.add_artist(Rectangle((i * 3, 0), 3, 9, facecolor=c, edgecolor="none"))
                ends = HPacker(children=[TextArea("0", textprops={"fontsize": 7}),
                                         TextArea(" " * 40, textprops={"fontsize": 7}),
                                         TextArea(format_value(vmax, m, 1), textprops={"fontsize": 7})],
                               align="baseline", pad=0, sep=0)
                rows += [da, ends, TextArea(how, textprops={"fontsize": 6.5, "color": "#444444"})]
                continue
            da = DrawingArea(16, 10)
            if isinstance(h, Patch):
                da.add_artist(Rectangle((0, 0), 16, 10, facecolor=h.get_facecolor(), edgecolor=h.get_edgecolor(),
                                        hatch=h.get_hatch(), linewidth=max(h.get_linewidth(), 0.4)))
            elif isinstance(h, Line2D) and h.get_marker() not in (None, "None", "", " "):
                da.add_artist(Line2D([8], [5], marker=h.get_marker(), linestyle="", color=h.get_color(),
                                     markersize=6, markeredgecolor=h.get_markeredgecolor(), markeredgewidth=0.3))
            elif isinstance(h, Line2D):
                da.add_artist(Line2D([0, 16], [5, 5], color=h.get_color(), linewidth=h.get_linewidth()))
            text = TextArea(textwrap.fill(str(h.get_label()), 40), textprops={"fontsize": 7})
            rows.append(HPacker(children=[da, text], align="center", pad=0, sep=4))
        return rows

    def footer_text(self) -> str:
        """The footer's lines (sources, made, disclosure, credits) wrapped to the panel's width."""
        chars = max(60, int((self.fig.get_size_inches()[0] - 2 * SCREEN_MARGIN_IN) * 72 / 3.3))  # ~3.3 pt a character at 6 pt
        return "\n".join(textwrap.fill(n, chars) for n in [*self.footer_notes, *self.footer_extra])

    def screen_boxes(self, title: str, window: TimeWindow, meta: dict[str, Any]) -> None:
        """Title (upper left), legend (upper right) and footer (lower left) as boxes on the map.

        Everything is sized in points and anchored to a corner, so a box never gets cut off and keeps
        its place when the panel is resized or the map is panned and zoomed; `extent` fits the city
        into what they leave free.
        """
        white = {"facecolor": "white", "alpha": 0.88, "edgecolor": "#bbbbbb", "linewidth": 0.5}
        # title: name of the map, period, and the notes a reader must not miss
        lines = [TextArea(textwrap.fill(title, 48), textprops={"fontsize": 12, "fontweight": "bold"}),
                 TextArea(f"Periode {window.label()}\npeildatum bewoners en vergunningen: "
                          f"{window.end.day}-{window.end.month}-{window.end.year}",
                          textprops={"fontsize": 8, "color": "#333333"})]
        if meta.get("schematic"):
            lines.append(TextArea("Schematische kaart: grenzen en ligging zijn niet echt",
                                  textprops={"fontsize": 8, "color": "#b2182b", "fontweight": "bold"}))
        if self.internal:
            lines.append(TextArea("INTERN - niet verspreiden", textprops={"fontsize": 9, "color": "#b2182b",
                                                                           "fontweight": "bold"}))
        head = AnchoredOffsetbox("upper left", child=VPacker(children=lines, align="left", pad=0, sep=3),
                                 pad=0.35, borderpad=0.0, frameon=True, bbox_to_anchor=(0, 1),
                                 bbox_transform=self.ax.transAxes + ScaledTranslation(
                                     SCREEN_MARGIN_IN, -SCREEN_MARGIN_IN, self.fig.dpi_scale_trans))
        head.patch.set(**white)
        head.set_gid("title")
        # footer: sources, who made it when, the disclosure note, the credits of background and streets
        made = pd.Timestamp(meta["made"])
        self.footer_notes = [f"Bronnen: {meta['sources']}.",
                             f"Gemaakt op {made.day}-{made.month}-{made.year} {made:%H:%M} met geo_tool door "
                             f"{meta['made_by']}. Coördinaten RD New (EPSG:28992).", meta["disclosure"]]
        # a plain text on the axes (not a box): a map panel that draws its own scale bar sees it and steps over it
        fw, fh = self.fig.get_size_inches()
        foot = self.ax.text(SCREEN_MARGIN_IN / fw, SCREEN_MARGIN_IN / fh, self.footer_text(), transform=self.ax.transAxes,
                            ha="left", va="bottom", fontsize=6, color="#333333", linespacing=1.3,
                            bbox={"boxstyle": "square,pad=0.4", **white})
        foot.set_gid("footer")
        for box in (head, foot):
            box.set_zorder(70)
            self.ax.add_artist(box)
            self.boxes.append(box)
        self.footer = foot
        renderer = self.fig.canvas.get_renderer()
        if not self.screen_legends:
            return
        sections = []
        for name, handles in self.screen_legends:
            heading = TextArea(textwrap.fill(name, 34), textprops={"fontsize": 8, "fontweight": "bold"})
            sections.append(VPacker(children=[heading, *self._legend_rows(handles)], align="left", pad=0, sep=2))
        legend = AnchoredOffsetbox("upper right", child=VPacker(children=sections, align="left", pad=0, sep=7),
                                   pad=0.4, borderpad=0.0, frameon=True, bbox_to_anchor=(1, 1),
                                   bbox_transform=self.ax.transAxes + ScaledTranslation(
                                       -SCREEN_MARGIN_IN, -SCREEN_MARGIN_IN, self.fig.dpi_scale_trans))
        legend.patch.set(**white)
        legend.set_gid("legend")
        legend.set_zorder(70)
        self.ax.add_artist(legend)
        # on a narrow panel the legend goes under the title box rather than over it
        h, lg = head.get_window_extent(renderer), legend.get_window_extent(renderer)
        if h.x1 + SCREEN_MARGIN_IN * self.fig.dpi > lg.x0:
            legend.set_bbox_to_anchor((1, 1), self.ax.transAxes + ScaledTranslation(
                -SCREEN_MARGIN_IN, -2 * SCREEN_MARGIN_IN - h.height / self.fig.dpi, self.fig.dpi_scale_trans))
        self.boxes.append(legend)

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
                basemap: bool = False, street_context: bool = True,
                size_in: tuple[float, float] | None = None) -> Figure:
    """Build the map figure: layers in the order given (first = bottom), legends, furniture and texts.

    With `basemap` the PDOK background map is drawn underneath when it can be had (never offline).
    `paper="screen"` is the window's map: it fills the figure (of `size_in` inches, the panel's size),
    opens on the residential city, with title, legend and footer as boxes on the map.
    """
    c = _Composer(dataset, level, paper, internal, size_in)
    c.extent()
    if not c.screen:  # on screen after the boxes, which change the extent the background is made for
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
    title = meta["title"] + (" (schematisch)" if meta.get("schematic") else "")
    if has_outline:
        c.outline_legend()
    c.extent()  # plotting may have autoscaled the axes
    if c.screen:  # the extent keeps the city clear of the boxes
        c.screen_boxes(title, window, meta)
        c.extent()
        if not (basemap and c.background()):
            c.base()
        c.extent()
    if street_context:
        c.street_context()
    c.outlines(with_labels=has_outline)
    c.scale_bar()
    c.north_arrow()
    c.stamps(bool(meta.get("schematic")))
    if not c.screen:
        c.texts(title, window, meta)
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
