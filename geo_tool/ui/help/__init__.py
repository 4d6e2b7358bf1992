"""The short manual (F1, Help > Handleiding): HTML shipped with the package, shown offline in a QTextBrowser.

`handleiding.html` is the Dutch manual, `handleiding_en.html` the English one (for ``--lang en`` /
Beeld > Taal > English). Both are package data (pyproject `[tool.setuptools.package-data]`), so they
are in the wheel and readable without a network.
"""

from __future__ import annotations

from importlib import resources

from PyQt6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from geo_tool.ui.i18n import language, tr

MANUAL_FILES = {"nl": "handleiding.html", "en": "handleiding_en.html"}


def manual_html(lang: str | None = None) -> str:
    """The manual's HTML in `lang` (default: the interface language)."""
    name = MANUAL_FILES.get(lang or language(), MANUAL_FILES["nl"])
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


class HelpWindow(QDialog):
    """The manual in a window beside the main window (not modal: the user can keep working)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language()
        self.setWindowTitle(tr("Handleiding") + " - geo_tool")
        lay = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)  # offline: only the manual's own anchors
        self.browser.setHtml(manual_html())
        lay.addWidget(self.browser)
        self.resize(760, 720)
