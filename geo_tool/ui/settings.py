"""The window's settings (QSettings) as an INI file under ``$GEO_TOOL_HOME``, never the user's desktop registry."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QSettings


def use_home_settings() -> Path:
    """Point every later `QSettings()` at ``$GEO_TOOL_HOME/settings/`` (INI format); returns that folder.

    Called when the window starts, so tests (each with its own GEO_TOOL_HOME) never touch the real home.
    The role is not a setting: it comes from the installation (geo_tool.security).
    """
    from geo_tool.dataset.pseudonym import geo_tool_home

    folder = geo_tool_home() / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder
