"""Maps and exports: one public entry `export_map`; the format follows the file suffix.

Also `figures_table` (figures per area for a set of layer specs), used by CSV, GeoPackage, HTML and
the UI. No Qt anywhere here.
"""

from geo_tool.export.core import FORMATS, export_map
from geo_tool.export.tables import figures_table

__all__ = ["FORMATS", "export_map", "figures_table"]
