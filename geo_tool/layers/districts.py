"""The districts layer: gebieden and wijken outlines with their names, and their area."""

from __future__ import annotations

import numpy as np

from geo_tool.layers.base import Classification, DatasetIndex, Layer, Level, Measure, TimeWindow, area_frame, register


@register
class DistrictsLayer(Layer):
    """Outlines and labels of gebieden and wijken (CBS wijken and buurten)."""

    key = "districts"
    label = "Gebieden en wijken"
    sources = ()  # the boundary attribution is always added
    default_measure = "outline"
    measures = {
        "outline": Measure("outline", "Grenzen van gebieden en wijken", "", kind="outline"),
        "area_ha": Measure("area_ha", "Oppervlakte", "ha", kind="area", cmap="cividis",
                           classification=Classification("quantiles", 5)),
    }

    def _aggregate(self, window: TimeWindow, level: Level, idx: DatasetIndex) -> dict[str, np.ndarray]:
        if level.is_detail:
            return {}
        geom = area_frame(self.dataset, level).geometry
        return {"area_ha": geom.area.to_numpy() / 10_000.0}
