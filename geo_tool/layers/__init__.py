"""Map layers: Qt-free data objects that aggregate a dataset per address, wijk or gebied.

``LAYERS`` maps a layer key to its class; ``layer_from_spec("brp:eum_share", dataset)`` builds one.
Importing this package registers every layer module below.
"""

from geo_tool.layers.base import (
    ATTRIBUTION,
    LAYERS,
    Classification,
    Layer,
    LayerSelection,
    Level,
    Measure,
    TimeWindow,
    all_specs,
    layer_from_spec,
    parse_spec,
    register,
)
from geo_tool.layers import districts, brp, permits, complaints, inspections  # noqa: E402,F401  (register)

__all__ = [
    "ATTRIBUTION", "LAYERS", "Classification", "Layer", "LayerSelection", "Level", "Measure", "TimeWindow",
    "all_specs", "layer_from_spec", "parse_spec", "register",
]
