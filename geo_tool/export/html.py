"""Interactive maps as a self-contained, offline folium page.

Leaflet and jQuery come from the XStatic wheels and are copied beside the page into
``<name>_files/``; the page references them relatively, so nothing is loaded from a CDN. The
PDOK background map is an optional, unchecked overlay that simply stays empty offline.
Data are reprojected to EPSG:4326 (the raster to EPSG:3857, as Leaflet draws it).
"""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path
from typing import Any, Sequence

import folium
import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.errors import GeoToolError
from geo_tool.export.disclosure import SUPPRESSED_LABEL, export_surface
from geo_tool.export.maps import SUPPRESSED_LEGEND, class_colours, class_labels, format_value, value_decimals
from geo_tool.fileio import write_bytes_atomic, write_text_atomic
from geo_tool.i18n import tr
from geo_tool.layers.base import ATTRIBUTION, OKABE_ITO, LayerSelection, Level, Measure, TimeWindow

CDN_PATTERNS = ("https://cdn", "http://cdn", "unpkg", "jsdelivr", "bootstrapcdn", "code.jquery", "cdnjs", "googleapis")
PDOK_URL = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
SUPPRESSED_FILL = "#bdbdbd"


def _asset_files() -> dict[str, Path]:
    """Local Leaflet and jQuery files from the XStatic packages (name in the assets folder -> source)."""
    import xstatic.pkg.jquery as xjq
    import xstatic.pkg.leaflet as xl

    ldir, jdir = Path(xl.BASE_DIR), Path(xjq.BASE_DIR)
    files = {"leaflet.js": ldir / "leaflet.js", "leaflet.css": ldir / "leaflet.css", "jquery.min.js": jdir / "jquery.min.js"}
    for img in sorted((ldir / "images").glob("*.png")):
        files[f"images/{img.name}"] = img
    return files


def copy_assets(out_path: Path) -> str:
    """Copy Leaflet/jQuery beside the page (atomically, file by file); returns the folder's relative name."""
    folder = f"{out_path.stem}_files"
    for name, src in _asset_files().items():
        target = out_path.parent / folder / name
        data = src.read_bytes()
        if not target.exists() or target.read_bytes() != data:
            write_bytes_atomic(target, data)
    return folder


def _colour_hex(c: Any) -> str:
    return matplotlib.colors.to_hex(c)


def _area_layer(gdf: gpd.GeoDataFrame, m: Measure, tip_fields: list[str], tip_aliases: list[str],
                decimals: int | None = None) -> tuple[folium.GeoJson, str]:
    """A choropleth GeoJson layer with tooltips and its legend HTML."""
    values = pd.to_numeric(gdf[m.key], errors="coerce").to_numpy(dtype=float)
    flag = gdf.get(f"{m.key}_flag")
    suppressed = (flag.fillna("").astype(str) != "").to_numpy() if flag is not None else np.zeros(len(gdf), bool)
    ok = np.isfinite(values)
    fill = np.full(len(gdf), "#ffffff", dtype=object)
    legend_rows = []
    if ok.any():
        bins = m.classification.upper_bounds(values[ok])
        cls = m.classification.classify(values, bins)
        cols = [_colour_hex(c) for c in class_colours(m.cmap, len(bins))]
        fill[ok] = [cols[c] for c in cls[ok]]
        legend_rows = list(zip(cols, class_labels(bins, float(values[ok].min()), m, decimals)))
    fill[suppressed] = SUPPRESSED_FILL
    if suppressed.any():
        legend_rows.append((SUPPRESSED_FILL, SUPPRESSED_LEGEND))
    if (~ok & ~suppressed).any():
        legend_rows.append(("#ffffff", "geen gegevens"))
    data = gdf[["geometry"] + tip_fields].copy()
    data["_fill"] = fill
    data["_dash"] = np.where(suppressed, "3 3", "")
    layer = folium.GeoJson(
        data.to_json(),
        name=m.label,
        style_function=lambda f: {"fillColor": f["properties"]["_fill"], "color": "#555555", "weight": 0.6,
                                  "fillOpacity": 0.75, "dashArray": f["properties"]["_dash"] or None},
        highlight_function=lambda f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=tip_fields, aliases=tip_aliases, sticky=True),
    )
    rows = "".join(f'<div><span style="display:inline-block;width:14px;height:10px;background:{c};'
                   f'border:1px solid #999;margin-right:5px"></span>{htmllib.escape(t)}</div>' for c, t in legend_rows)
    return layer, f"<div style='margin-top:6px'><b>{htmllib.escape(m.legend_title())}</b>{rows}</div>"


def _surface_layer(surf: Any, m: Measure) -> tuple[folium.raster_layers.ImageOverlay, str]:
    """The density raster warped to Web Mercator as a transparent image overlay."""
    import rasterio
    from rasterio.warp import Resampling, calculate_default_transform, reproject, transform_bounds

    h, w = surf.values.shape
    dst_t, dw, dh = calculate_default_transform(surf.crs, "EPSG:3857", w, h, *surf.bounds)
    dst = np.zeros((dh, dw), dtype=np.float32)
    src = np.nan_to_num(surf.values.astype(np.float32), nan=0.0)  # nodata cells: transparent
    reproject(src, dst, src_transform=surf.transform, src_crs=surf.crs, dst_transform=dst_t,
              dst_crs="EPSG:3857", resampling=Resampling.bilinear if surf.method == "kernel" else Resampling.nearest)
    vmax = float(dst.max()) or 1.0
    rgba = (matplotlib.colormaps[m.cmap](dst / vmax) * 255).astype(np.uint8)
    rgba[..., 3] = np.where(dst > vmax * 0.02, 200, 0).astype(np.uint8)
    left, bottom, right, top = rasterio.transform.array_bounds(dh, dw, dst_t)
    w_, s_, e_, n_ = transform_bounds("EPSG:3857", "EPSG:4326", left, bottom, right, top)
    layer = folium.raster_layers.ImageOverlay(rgba, bounds=[[s_, w_], [n_, e_]], name=m.label, mercator_project=False)
    how = ("" if surf.method == "kernel" else
           f"<br>aantallen per cel van {surf.cell_m:.0f} m, afgerond; cellen met weinig meldingen leeg")
    legend = (f"<div style='margin-top:6px'><b>{htmllib.escape(m.label)}</b><br>0 - {format_value(vmax, m)} "
              f"{htmllib.escape(surf.unit)} (licht - donker){how}</div>")
    return layer, legend


def _points_layer(pts: gpd.GeoDataFrame, column: str, labels: dict[str, str], title: str) -> tuple[folium.GeoJson, str]:
    cats = [c for c in labels if (pts[column] == c).any()] + sorted(set(pts[column].dropna()) - set(labels))
    colours = {c: OKABE_ITO[i % len(OKABE_ITO)] for i, c in enumerate(cats)}
    data = gpd.GeoDataFrame({"categorie": [labels.get(c, c) for c in pts[column]],
                             "_fill": [colours.get(c, "#999999") for c in pts[column]]},
                            geometry=pts.geometry.values, crs=pts.crs).to_crs(4326)
    layer = folium.GeoJson(
        data.to_json(), name=title,
        marker=folium.CircleMarker(radius=4, weight=0.5, color="#000000", fill=True, fill_opacity=0.9),
        style_function=lambda f: {"fillColor": f["properties"]["_fill"]},
        tooltip=folium.GeoJsonTooltip(fields=["categorie"], aliases=["Categorie"]),
    )
    rows = "".join(f'<div><span style="display:inline-block;width:10px;height:10px;border-radius:5px;background:{colours[c]};'
                   f'margin-right:5px"></span>{htmllib.escape(labels.get(c, c))}</div>' for c in cats)
    return layer, f"<div style='margin-top:6px'><b>{htmllib.escape(title)}</b>{rows}</div>"


def add_street_context(fmap, area_rd, context=None, *, classes=("motorway", "trunk", "primary", "secondary", "tertiary"),
                       show: bool = True) -> bool:
    """Add water and main streets (offline, from the street network) as one toggleable overlay "Straten en water".

    `area_rd` is the area shown (a shapely geometry in RD New): the context is cut to its bounds and
    water to the area itself. Adds nothing (and returns False) without a street network.
    """
    from geo_tool.network import ATTRIBUTION_NL
    from geo_tool.network.context import STREET_STYLE, WATER_COLOUR, clip_context, default_context

    context = default_context() if context is None else context
    if context is None or area_rd is None or area_rd.is_empty:
        return False
    part = clip_context(context, tuple(area_rd.bounds), area_rd)
    if part is None or not len(part):
        return False
    group = folium.FeatureGroup(name=f"Straten en water ({ATTRIBUTION_NL})", show=show)
    water = part[part["kind"] == "water"]
    if len(water):
        w = water[["geometry"]].copy()
        w["geometry"] = w.geometry.simplify(8.0)
        folium.GeoJson(w.to_crs(4326).to_json(), style_function=lambda f: {
            "fillColor": WATER_COLOUR, "fillOpacity": 0.9, "color": WATER_COLOUR, "weight": 0}).add_to(group)
    if area_rd.bounds[2] - area_rd.bounds[0] > 6000:  # residential streets only for a district, not the whole city
        classes = tuple(c for c in classes if c != "residential")
    streets = part[(part["kind"] == "street") & part["road_class"].isin(classes)]
    for cls in classes:
        sub = streets[streets["road_class"] == cls][["geometry"]]
        if not len(sub):
            continue
        sub = sub.assign(geometry=sub.geometry.simplify(6.0)).to_crs(4326)
        width, colour = STREET_STYLE[cls]
        folium.GeoJson(sub.to_json(), style_function=lambda f, c=colour, wd=width: {
            "color": c, "weight": max(wd * 1.6, 0.8), "opacity": 0.8}).add_to(group)
    group.add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(
        "<div style='position:fixed;z-index:1000;bottom:4px;right:8px;background:rgba(255,255,255,0.85);"
        f"font:11px Arial,sans-serif;padding:1px 4px'>Straten en water: {ATTRIBUTION_NL}</div>"))
    return True


LEGEND_BOX = ("background:rgba(255,255,255,0.93);padding:6px 9px;border:1px solid #999;border-radius:4px;"
              "font:12px/1.35 Arial,sans-serif;max-width:330px;max-height:60vh;overflow:auto;")


def add_legend_and_scale(fmap, legends: Sequence[tuple[Any, str]], footer: str = "", front: Sequence[Any] = ()) -> None:
    """Put the legend in a Leaflet control at the bottom left, stacked above a metric-only scale bar.

    Leaflet stacks controls of one corner, so the scale bar never covers the legend. Each legend belongs
    to a layer (None: always shown) and is shown only while that layer is on the map, so with exclusive
    thematic layers (radio buttons) only the visible layer's legend shows. After a switch the `front`
    layers (outlines, points) are brought back on top of the new thematic layer.
    """
    from branca.element import MacroElement
    from jinja2 import Template

    box_id = f"{fmap.get_name()}_legend"
    parts = "".join(f"<div data-layer='{layer.get_name()}'>{html}</div>" if layer is not None else html
                    for layer, html in legends)
    fmap.get_root().html.add_child(folium.Element(
        f"<div id='{box_id}' class='geo-tool-legend' style='{LEGEND_BOX}display:none'>{parts}{footer}</div>"))
    layers = ", ".join(f"'{layer.get_name()}': {layer.get_name()}" for layer, _ in legends if layer is not None)
    js = f"""
    (function () {{
        var map = {fmap.get_name()};
        L.control.scale({{metric: true, imperial: false, position: 'bottomleft'}}).addTo(map);
        var box = document.getElementById('{box_id}');
        var legend = L.control({{position: 'bottomleft'}});
        legend.onAdd = function () {{
            box.style.display = 'block';
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            return box;
        }};
        legend.addTo(map);
        var layers = {{{layers}}};
        var front = [{", ".join(f.get_name() for f in front)}];
        function sync() {{
            box.querySelectorAll('[data-layer]').forEach(function (d) {{
                var l = layers[d.getAttribute('data-layer')];
                d.style.display = (l && map.hasLayer(l)) ? '' : 'none';
            }});
        }}
        map.on('baselayerchange', function () {{
            front.forEach(function (l) {{ if (map.hasLayer(l)) {{ l.bringToFront(); }} }});
            sync();
        }});
        map.on('overlayadd overlayremove', sync);
        sync();
    }})();
    """

    class _LegendScript(MacroElement):
        _template = Template("{% macro script(this, kwargs) %}" + js + "{% endmacro %}")

    fmap.add_child(_LegendScript())


def render_html(dataset: Dataset, selections: Sequence[LayerSelection], table: gpd.GeoDataFrame, level: Level,
                window: TimeWindow, meta: dict[str, Any], assets: str) -> str:
    """The page as text: folium map with local asset references, layer control, tooltips, legend."""
    measures: dict[str, Measure] = table.attrs.get("measures", {})
    geo = table.copy()
    if level is not Level.ADDRESS:
        geo["geometry"] = geo.geometry.simplify(2.0, preserve_topology=True)
    geo = geo.to_crs(4326)
    tip_fields, tip_aliases = ["name", "code"] if "name" in geo.columns else ["code"], (["Naam", "CBS-code"] if "name" in geo.columns else ["Adres-id"])
    if level is Level.BUILDING:  # a building: its key (BAG pand id, else street|number|postcode) and its addresses
        tip_fields, tip_aliases = ["code"], ["Gebouw"]
    for key, m in measures.items():
        flag = geo.get(f"{key}_flag")
        d = value_decimals(m, bool(meta.get("internal")))
        txt = [format_value(v, m, d) for v in pd.to_numeric(geo[key], errors="coerce").to_numpy(dtype=float)]
        if flag is not None:
            txt = [SUPPRESSED_LABEL if f else t for t, f in zip(txt, flag.fillna("").astype(str))]
        geo[f"txt_{key}"] = [f"{t} {m.unit}".strip() if t not in ("-",) and not t.startswith(SUPPRESSED_LABEL) else t for t in txt]
        tip_fields.append(f"txt_{key}")
        tip_aliases.append(m.label)

    xmin, ymin, xmax, ymax = geo.total_bounds
    fmap = folium.Map(location=[(ymin + ymax) / 2, (xmin + xmax) / 2], zoom_start=12, tiles=None,
                      prefer_canvas=True)  # metric scale bar: add_legend_and_scale
    fmap.default_js = [("leaflet", f"{assets}/leaflet.js"), ("jquery", f"{assets}/jquery.min.js")]
    fmap.default_css = [("leaflet_css", f"{assets}/leaflet.css")]
    folium.TileLayer(PDOK_URL, attr="Achtergrondkaart &copy; Kadaster / PDOK", name="Achtergrondkaart PDOK (alleen online)",
                     overlay=True, show=False, max_zoom=19).add_to(fmap)
    legends: list[tuple[Any, str]] = []
    thematic: list[Any] = []
    front: list[Any] = []
    if len(dataset.wijken):
        add_street_context(fmap, dataset.wijken.geometry.union_all())  # under the choropleths
    for sel in selections:
        m = sel.measure
        if m.kind == "points":
            layer, leg = _points_layer(sel.layer.points(window), sel.layer.point_category_column(),
                                       sel.layer.point_categories(), m.label)
        elif m.kind == "category":
            t = sel.layer.aggregate(window, Level.ADDRESS)
            layer, leg = _points_layer(t[t[m.key].notna()], m.key, sel.layer.point_categories(), m.label)
        elif m.kind == "surface":
            layer, leg = _surface_layer(export_surface(sel.layer, window, meta), m)
        elif m.kind == "outline" or m.key not in geo.columns:
            continue
        else:
            layer, leg = _area_layer(geo, m, tip_fields, tip_aliases, value_decimals(m, bool(meta.get("internal"))))
        if m.kind not in ("points", "category"):  # area choropleths and density surfaces
            # thematic fills are exclusive (radio buttons): on top of each other no colour matches a legend
            layer.overlay, layer.show = False, not thematic
            thematic.append(layer)
        else:
            front.append(layer)
        layer.add_to(fmap)
        legends.append((layer, leg))
    bounds_gdf = (dataset.gebieden if level is Level.GEBIED else dataset.wijken).copy()
    bounds_gdf["geometry"] = bounds_gdf.geometry.simplify(2.0, preserve_topology=True)
    outline = bounds_gdf[["code", "name", "geometry"]].to_crs(4326)
    outline_layer = folium.GeoJson(outline.to_json(), name="Grenzen " + ("gebieden" if level is Level.GEBIED else "wijken"),
                   style_function=lambda f: {"fill": False, "color": "#222222", "weight": 1.2},
                   # the outline holds only code and name (an address table's figure fields are not in it)
                   tooltip=folium.GeoJsonTooltip(fields=["name", "code"], aliases=["Naam", "CBS-code"])
                   if level.is_detail else None,
                   ).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[ymin, xmin], [ymax, xmax]])

    title = htmllib.escape(meta["title"] + (" (schematisch)" if meta.get("schematic") else ""))
    warn = ""
    if meta.get("schematic"):
        warn += "<div style='color:#b2182b;font-weight:bold'>SCHEMATISCHE KAART: grenzen en ligging zijn niet echt</div>"
    if meta.get("internal"):
        warn += "<div style='background:#b2182b;color:white;font-weight:bold;padding:2px 4px'>INTERN - niet verspreiden</div>"
    box = ("position:fixed;z-index:1000;background:rgba(255,255,255,0.93);padding:6px 9px;border:1px solid #999;"
           "border-radius:4px;font:12px/1.35 Arial,sans-serif;")
    made = pd.Timestamp(meta["made"])
    panel = (
        f"<div style='{box}top:10px;left:55px;max-width:55%'><div style='font-size:15px;font-weight:bold'>{title}</div>"
        f"<div>Periode {htmllib.escape(window.label())}, peildatum {window.end.day}-{window.end.month}-{window.end.year}</div>{warn}</div>"
    )
    fmap.get_root().html.add_child(folium.Element(panel))
    footer = (f"<div style='margin-top:6px;color:#444;font-size:11px'>Bronnen: {htmllib.escape(meta['sources'])}.<br>"
              f"Gemaakt op {made.day}-{made.month}-{made.year} met geo_tool.<br>{htmllib.escape(meta['disclosure'])}</div>")
    add_legend_and_scale(fmap, legends, footer, front=[outline_layer, *front])
    page = fmap.get_root().render()
    comment = json.dumps(meta, ensure_ascii=False).replace("--", "- -")
    marker = "INTERN - niet verspreiden. " if meta.get("internal") else ""
    page = f"<!-- geo_tool export: {marker}{comment} -->\n" + page
    found = [p for p in CDN_PATTERNS if p in page]
    if found:  # a folium upgrade that brings its own CDN links must not slip through
        raise GeoToolError(tr("de HTML-kaart zou {what} van internet laden; een pagina die alleen online werkt wordt niet "
                               "geschreven", what=found))
    return page


def write_html(dataset: Dataset, selections: Sequence[LayerSelection], table: gpd.GeoDataFrame, level: Level,
               window: TimeWindow, meta: dict[str, Any], out_path: Path) -> None:
    """Write the offline page and its ``<name>_files/`` assets."""
    assets = copy_assets(out_path)
    write_text_atomic(out_path, render_html(dataset, selections, table, level, window, meta, assets))


def local_asset_refs(page: str) -> list[str]:
    """The relative ``src``/``href`` references of a page (used by tests and checks)."""
    return [r for r in re.findall(r'(?:src|href)="([^"]+)"', page) if not re.match(r"^[a-z]+:", r)]
