"""Small widgets shared by the tabs: an image gallery and a table view of a DataFrame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QPixmap
from PyQt6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QTabWidget, QWidget

from geo_tool.ui.i18n import format_number


class ImageGallery(QTabWidget):
    """One sub-tab per PNG chart or map written by the core; scales to the width."""

    def show_images(self, images: list[tuple[str, Path]]) -> None:
        """Replace the shown images by (title, png path) pairs."""
        self.clear()
        for title, path in images:
            if not Path(path).exists():
                continue
            self.addTab(ScaledImage(QPixmap(str(path))), title)


class ScaledImage(QLabel):
    """A picture that always fits its space, keeping its aspect ratio."""

    def __init__(self, pixmap: QPixmap):
        super().__init__()
        self._pixmap = pixmap
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(200, 150)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if not self._pixmap.isNull():
            self.setPixmap(self._pixmap.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))


class NumericItem(QTableWidgetItem):
    """A table cell that shows formatted text but sorts by its number when it has one."""

    def __lt__(self, other) -> bool:
        a, b = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if a is not None and b is not None:
            return float(a) < float(b)
        return super().__lt__(other)


def fill_table(widget: QTableWidget, frame: pd.DataFrame, headers: dict[str, str] | None = None,
               float_digits: int = 2) -> None:
    """Show a DataFrame in a QTableWidget (read-only, sortable), with Dutch headers when given."""
    headers = headers or {}
    widget.setSortingEnabled(False)
    widget.clear()
    widget.setRowCount(len(frame))
    widget.setColumnCount(len(frame.columns))
    widget.setHorizontalHeaderLabels([headers.get(c, c) for c in frame.columns])
    numeric = [pd.api.types.is_float_dtype(frame[col]) for col in frame.columns]
    for r, row in enumerate(frame.itertuples(index=False)):
        for c, value in enumerate(row):
            if numeric[c] or isinstance(value, (float, np.floating)):
                text = "" if pd.isna(value) else format_number(value, float_digits)  # 0,613 in Dutch
            else:
                text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
            item = NumericItem(text)
            if isinstance(value, (int, float, np.integer, np.floating)) and not pd.isna(value):
                item.setData(Qt.ItemDataRole.UserRole, float(value))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            widget.setItem(r, c, item)
    widget.setSortingEnabled(True)
    widget.resizeColumnsToContents()


def placeholder(text: str) -> QWidget:
    """A grey explanatory text for a tab that has nothing to show yet."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555; padding: 24px; font-size: 13px;")
    return label
