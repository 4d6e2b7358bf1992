"""`export_map`: check what may leave the tool, build the figures, write the file, log the export."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import geopandas as gpd
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.errors import UsageError
from geo_tool.export.audit import append_audit, current_user
from geo_tool.export.disclosure import (
    DEFAULT_THRESHOLD,
    check_density_window,
    check_release,
    drop_pseudonyms,
    export_surface,
)
from geo_tool.export.tables import export_metadata, figures_table, resolve_specs, table_for_file, write_csv_metadata
from geo_tool.fileio import atomic_path
from geo_tool.i18n import tr
from geo_tool.layers.base import LayerSelection, Level, TimeWindow
from geo_tool.progress import NullProgress, Progress

FORMATS = (".png", ".svg", ".pdf", ".html", ".gpkg", ".tif", ".csv")


LEVEL_NL = {"wijk": "wijk", "gebied": "gebied", "address": "adres", "building": "gebouw"}  # as users say them


def _format_of(out_path: Path) -> str:
    suffix = out_path.suffix.lower()
    if suffix == ".tiff":
        suffix = ".tif"
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in FORMATS:
        raise UsageError(tr("kan niet exporteren naar {name}: de extensie {suffix} wordt niet ondersteund; gebruik een "
                            "van: {allowed}", name=repr(out_path.name), suffix=suffix or tr("(geen)"),
                            allowed=", ".join(FORMATS)))
    return suffix[1:]


def _explicit(selections: Sequence[LayerSelection]) -> list[LayerSelection]:
    """Selections as drawn on a map: a bare layer key means its default measure."""
    return [LayerSelection(s.layer, s.measure, True) for s in selections]


def export_map(dataset: Dataset, layer_specs: "str | Sequence[str]", out_path: "str | os.PathLike", *,
               level: "Level | str" = "wijk", window: TimeWindow | None = None, dpi: int = 200, paper: str = "A4",
               internal: bool = False, user: str | None = None, progress: Progress | None = None,
               params: dict[str, dict[str, Any]] | None = None, threshold: int = DEFAULT_THRESHOLD) -> Path:
    """Render or export layers to ``out_path``; the format follows the suffix (.png .svg .pdf .html .gpkg .tif .csv).

    Everything leaving the tool is disclosure-controlled (small counts suppressed, others rounded to 5)
    unless ``internal=True``; address-level figures and points are refused unless internal. Every
    export appends a line to the audit log. Returns the written path.
    """
    out_path = Path(out_path)
    fmt = _format_of(out_path)
    progress = progress or NullProgress()
    level = Level.parse(level)
    window = window or TimeWindow.default_for(dataset)
    if dpi < 50 or dpi > 1200:
        raise UsageError(tr("dpi {dpi} is niet toegestaan; gebruik 50 .. 1200", dpi=dpi))
    progress.start(4, tr("Exporteren naar {name}", name=out_path.name))
    selections = resolve_specs(dataset, layer_specs, params)
    check_release(level, [s.measure for s in selections], internal)
    if internal or level.is_detail or any(s.measure.kind == "points" for s in selections):
        from geo_tool.security.roles import require_role

        require_role("planner", tr("een interne export of een export op adresniveau"))
    if not internal and any(s.measure.kind == "surface" for s in selections):
        check_density_window(window)
    user = current_user(user)
    meta = export_metadata(dataset, selections, level, window, internal, user, fmt, threshold=threshold)
    disclose = not internal
    progress.step(tr("Cijfers berekenen"))
    progress.check_cancelled()

    if fmt in ("png", "svg", "pdf"):
        from geo_tool.export.maps import compose_map, figure_metadata

        drawn = _explicit(selections)
        table = figures_table(dataset, [], level, window, disclose=disclose, threshold=threshold, selections=drawn)
        progress.advance(1)
        progress.step(tr("Kaart tekenen"))
        fig = compose_map(dataset, drawn, table, level, window, meta, paper=paper, internal=internal)
        progress.advance(1)
        with atomic_path(out_path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=figure_metadata(meta, fmt))
    elif fmt == "html":
        from geo_tool.export.html import write_html

        table = figures_table(dataset, [], level, window, disclose=disclose, threshold=threshold, selections=selections)
        progress.advance(1)
        progress.step(tr("Webkaart schrijven"))
        write_html(dataset, _explicit(selections), table, level, window, meta, out_path)
    elif fmt == "csv":
        table = figures_table(dataset, [], level, window, disclose=disclose, threshold=threshold, selections=selections)
        progress.advance(1)
        frame = drop_pseudonyms(table_for_file(table))
        with atomic_path(out_path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                if internal:
                    fh.write(f"# INTERN - niet verspreiden: {meta['disclosure']} Gemaakt {meta['made']} door {user}.\n")
                frame.to_csv(fh, index=False)
        if not internal:
            write_csv_metadata(out_path, frame, table.attrs.get("measures", {}), meta)
    elif fmt == "gpkg":
        from geo_tool.export.gpkg import write_gpkg

        tables = _gpkg_tables(dataset, selections, level, window, disclose, threshold)
        progress.advance(1)
        if not tables:
            raise UsageError(tr("geen van de lagen {layers} heeft cijfers per {level} om te schrijven",
                                layers=", ".join(s.spec for s in selections),
                                level=tr(LEVEL_NL.get(level.value, level.value))))
        write_gpkg(tables, meta, out_path)
    elif fmt == "tif":
        from geo_tool.export.raster import write_geotiff

        surfaces = [s for s in selections if s.measure.kind == "surface"]
        if not surfaces:
            raise UsageError(tr("een .tif-export vraagt een dichtheidslaag, bijv. complaints:density"))
        write_geotiff(export_surface(surfaces[0].layer, window, meta), meta, out_path)
    progress.advance(2)
    append_audit({
        "who": user, "file": str(out_path.resolve()), "format": fmt, "layers": [s.spec for s in selections],
        "level": level.value, "window": window.as_dict(), "internal": bool(internal),
        "disclosure": "none (internal)" if internal else (f"threshold {threshold}, secondary suppression, "
                                                          "rounded to 5, derived figures 1 decimal"),
    })
    progress.finish()
    return out_path


def _gpkg_tables(dataset: Dataset, selections: Sequence[LayerSelection], level: Level, window: TimeWindow,
                 disclose: bool, threshold: int) -> dict[str, gpd.GeoDataFrame]:
    """One table per layer (``<layer>_<level>``) with its selected figures; point layers as ``<layer>_points``."""
    by_layer: dict[str, list[LayerSelection]] = {}
    for s in selections:
        by_layer.setdefault(s.layer.key, []).append(s)
    tables: dict[str, gpd.GeoDataFrame] = {}
    for key, sels in by_layer.items():
        area_sels = [s for s in sels if not s.explicit or s.measure.is_area_figure]
        if key == "districts" and not area_sels:
            area_sels = [LayerSelection(sels[0].layer, sels[0].layer.measure("area_ha"), True)]
        if area_sels:
            t = figures_table(dataset, [], level, window, disclose=disclose, threshold=threshold, selections=area_sels)
            tables[f"{key}_{level.value}"] = drop_pseudonyms(t)
        for s in sels:
            if s.measure.kind == "points":
                pts = s.layer.points(window)
                tables[f"{key}_points"] = gpd.GeoDataFrame(
                    pts.drop(columns=[c for c in pts.columns if c.endswith("_id")]), geometry=pts.geometry.name,
                    crs=pts.crs)
    return tables
