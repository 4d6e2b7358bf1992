"""Figures per wijk/gebied/address for a set of layer specs: the table behind CSV, GeoPackage, HTML and the UI."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Sequence

import geopandas as gpd
import pandas as pd

from geo_tool.dataset import Dataset
from geo_tool.export.disclosure import DEFAULT_THRESHOLD, apply_disclosure, disclosure_note
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
        raise UsageError("no layers given; name at least one, e.g. brp:eum_share")
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

    With ``disclose=True`` small counts are suppressed and the rest rounded (see `disclosure`), with a
    ``<key>_flag`` column beside each. ``attrs["measures"]`` maps column -> `Measure`,
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
            frame = sel.layer.aggregate(window, level)
            if disclose:
                frame = apply_disclosure(frame, frame.attrs["measures"], threshold=threshold)
            done[key] = frame
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
                    internal: bool, user: str, fmt: str, made: datetime | None = None) -> dict[str, Any]:
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
        "disclosure": disclosure_note(internal),
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
    per = {"address": "per adres", "wijk": "per wijk", "gebied": "per gebied"}[level.value]
    return f"{' / '.join(labels)} {per}" if any(s.measure.is_area_figure for s in selections) else " / ".join(labels)


def table_for_file(table: pd.DataFrame) -> pd.DataFrame:
    """The table without geometry and with id columns first, ready for CSV."""
    df = pd.DataFrame(table.drop(columns=table.geometry.name) if isinstance(table, gpd.GeoDataFrame) else table)
    first = [c for c in ID_COLUMNS if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]]
