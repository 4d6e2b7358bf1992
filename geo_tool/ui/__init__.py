"""The PyQt6 desktop application: views and controllers only; all work is done by the core.

This is the only package of geo_tool that imports Qt.
"""
