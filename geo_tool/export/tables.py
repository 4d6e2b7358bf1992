"""Figures per wijk/gebied/address for a set of layer specs: the table behind CSV, GeoPackage, HTML and the UI."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

import geopandas as gpd
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.fileio import write_text_atomic
from geo_tool.i18n import tr
from geo_tool.export.disclosure import DEFAULT_THRESHOLD, disclosure_rules, export_note, protect_layer
from geo_tool.layers.base import (
    ATTRIBUTION,
    LayerSelection,
    Level,
    Measure,
    TimeWindow,
    area_frame,
    layer_from_spec,
)

ID_COLUMNS = ("code", "name", "gebied_code", "wijk_code")


def resolve_specs(dataset: Dataset, layer_specs: "str | Sequence[str]",
                  params: dict[str, dict[str, Any]] | None = None) -> list[LayerSelection]:
    """Specs (a list, or one comma-separated string) to selections; one layer object per layer key.

    ``params`` maps a layer key to its constructor keywords (e.g. ``{"brp": {"overcrowding_threshold_p10m2": 1}}``).
    """
    if isinstance(layer_specs, str):
        layer_specs = [s for s in layer_specs.split(",") if s.strip()]
    if not layer_specs:
        from geo_tool.errors import UsageError
        raise UsageError(tr("geen lagen opgegeven; noem er ten minste één, bijv. brp:eum_share"))
    params = params or {}
    layers: dict[str, Any] = {}
    out = []
    for spec in layer_specs:
        key = str(spec).split(":")[0].strip().lower()
        sel = layer_from_spec(spec, dataset, **params.get(key, {}))
        if key in layers:
            sel.layer = layers[key]
        else:
            layers[key] = sel.layer
        out.append(sel)
    return out


def _columns_of(sel: LayerSelection) -> list[Measure]:
    """The figure columns a selection contributes: its measure, or every figure of the layer for a bare key."""
    if sel.explicit:
        return [sel.measure] if sel.measure.is_area_figure else []
    return sel.layer.area_measures()


def figures_table(dataset: Dataset, layer_specs: "str | Sequence[str]", level: "Level | str" = Level.WIJK,
                  window: TimeWindow | None = None, *, disclose: bool = False,
                  threshold: int = DEFAULT_THRESHOLD, params: dict[str, dict[str, Any]] | None = None,
                  selections: Sequence[LayerSelection] | None = None) -> gpd.GeoDataFrame:
    """One row per area of ``level`` with the figures of every spec (``"brp"`` = all brp figures).

    With ``disclose=True`` the figures are in their published form (see `disclosure`: primary and
    secondary suppression, counts rounded, derived figures from the rounded counts with one
    decimal), with a ``<key>_flag`` column beside each. ``attrs["measures"]`` maps column -> `Measure`,
    ``attrs["layer_of"]`` column -> layer key.
    """
    level = Level.parse(level)
    window = window or TimeWindow.default_for(dataset)
    selections = list(selections) if selections is not None else resolve_specs(dataset, layer_specs, params)
    out = area_frame(dataset, level)
    measures: dict[str, Measure] = {}
    layer_of: dict[str, str] = {}
    done: dict[str, gpd.GeoDataFrame] = {}
    for sel in selections:
        cols = [m for m in _columns_of(sel) if m.key not in measures]
        if not cols:
            continue
        key = sel.layer.key
        if key not in done:
            done[key] = (protect_layer(sel.layer, window, level, threshold=threshold) if disclose
                         else sel.layer.aggregate(window, level))
        frame = done[key]
        for m in [c for c in cols if c.key in frame.columns]:
            out[m.key] = frame[m.key].values
            if f"{m.key}_flag" in frame.columns:
                out[f"{m.key}_flag"] = frame[f"{m.key}_flag"].values
            measures[m.key] = m
            layer_of[m.key] = key
    out.attrs.update(measures=measures, layer_of=layer_of, window=window.as_dict(), level=level.value,
                     disclosed=disclose)
    return out


def sources_of(selections: Iterable[LayerSelection]) -> list[str]:
    """The data sources of the selections, in order, plus the boundary attribution."""
    seen: list[str] = []
    for sel in selections:
        for s in sel.layer.sources:
            if s not in seen:
                seen.append(s)
    return seen + [ATTRIBUTION]


def export_metadata(dataset: Dataset, selections: Sequence[LayerSelection], level: Level, window: TimeWindow,
                    internal: bool, user: str, fmt: str, made: datetime | None = None,
                    threshold: int = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """What every exported file says about itself (title, window, sources, disclosure, internal)."""
    made = made or datetime.now().astimezone()
    return {
        "title": map_title(selections, level),
        "software": "geo_tool",
        "layers": [s.spec for s in selections],
        "level": level.value,
        "window_start": window.as_dict()["start"],
        "window_end": window.as_dict()["end"],
        "reference_date": window.as_dict()["end"],
        "made": made.isoformat(timespec="seconds"),
        "made_by": user,
        "format": fmt,
        "internal": bool(internal),
        "classification": "INTERN - niet verspreiden" if internal else "openbaar na onthullingscontrole",
        "disclosure": export_note(internal, threshold),
        **disclosure_rules(internal, threshold),
        "sources": "; ".join(sources_of(selections)),
        "attribution": ATTRIBUTION,
        "schematic": bool(dataset.schematic),
        "crs": "EPSG:28992",
    }


def map_title(selections: Sequence[LayerSelection], level: Level) -> str:
    """A Dutch title: the labels of the drawn figures and the level (``... per wijk``)."""
    labels = [s.measure.label for s in selections if s.measure.kind != "outline"]
    if not labels:
        labels = ["Gebieden en wijken"]
    per = {"address": "per adres", "wijk": "per wijk", "gebied": "per gebied", "building": "per gebouw"}[level.value]
    return f"{' / '.join(labels)} {per}" if any(s.measure.is_area_figure for s in selections) else " / ".join(labels)


def table_for_file(table: pd.DataFrame) -> pd.DataFrame:
    """The table without geometry and with id columns first, ready for CSV."""
    df = pd.DataFrame(table.drop(columns=table.geometry.name) if isinstance(table, gpd.GeoDataFrame) else table)
    first = [c for c in ID_COLUMNS if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]]


def csv_metadata_path(csv_path: "str | os.PathLike") -> Path:
    """The CSVW sidecar of a CSV export: ``<name>.csv-metadata.json`` (W3C CSV on the Web convention)."""
    csv_path = Path(csv_path)
    return csv_path.with_name(csv_path.name + "-metadata.json")


def write_csv_metadata(csv_path: Path, frame: pd.DataFrame, measures: dict[str, Measure], meta: dict[str, Any]) -> Path:
    """Write the CSVW sidecar beside a researcher CSV: title, disclosure rules and a label per column.

    A sidecar keeps the CSV itself plain (any reader opens it) while the rules travel with it.
    """
    columns = []
    for c in frame.columns:
        m = measures.get(c[:-5] if c.endswith("_flag") else c)
        col: dict[str, Any] = {"name": c, "titles": c}
        if m is not None:
            col["dc:description"] = (f"{m.label} ({m.unit})" if not c.endswith("_flag")
                                     else f"'onderdrukt' waar {m.label} niet gepubliceerd wordt")
        columns.append(col)
    doc = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": Path(csv_path).name,
        "dc:title": meta["title"],
        "dc:description": meta["disclosure"],
        "dc:creator": "geo_tool",
        "dc:created": meta["made"],
        "geo_tool": {k: v for k, v in meta.items() if k not in ("title",)},
        "tableSchema": {"columns": columns},
    }
    path = csv_metadata_path(csv_path)
    write_text_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
    return path
