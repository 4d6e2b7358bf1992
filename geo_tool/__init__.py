"""geo_tool: risk mapping and data-driven enforcement planning for Dutch municipalities."""

__version__ = "0.1.0"
