"""One translation mechanism for every string the window shows: Dutch by default, English selectable."""

from __future__ import annotations

_LANGUAGE = "nl"

_EN = {
    "Bestand": "File",
    "Dataset openen…": "Open dataset…",
    "Kaart exporteren…": "Export map…",
    "Afsluiten": "Quit",
    "Beeld": "View",
    "Taal": "Language",
    "Help": "Help",
    "Logbestand openen": "Open log file",
    "Over geo_tool": "About geo_tool",
    "Lagen": "Layers",
    "Gegevens": "Details",
    "Maat": "Measure",
    "Indeling": "Classification",
    "Dekking": "Opacity",
    "Niveau": "Level",
    "Periode van": "Period from",
    "tot": "to",
    "Kaart": "Map",
    "Klaar": "Ready",
    "Dataset laden…": "Loading dataset…",
    "Kaart tekenen…": "Drawing map…",
    "Geen dataset geopend. Kies Bestand > Dataset openen.": "No dataset open. Choose File > Open dataset.",
    "Klik op een wijk om de cijfers te zien.": "Click a wijk to see its figures.",
    "Fout": "Error",
    "Afkeuringen bij het inlezen": "Rejects on import",
    "rijen afgekeurd of aangepast; zie": "rows rejected or changed; see",
    "Annuleren": "Cancel",
    "kwantielen": "quantiles",
    "natuurlijke grenzen": "natural breaks",
    "vaste grenzen": "fixed breaks",
    "wijk": "wijk",
    "gebied": "gebied",
    "adres": "address",
    "Export geschreven": "Export written",
    "Rol": "Role",
    "Waterbed": "Waterbed",
    "Ranglijst": "Ranking",
    "Weekplanning": "Week plan",
    "Model": "Model",
}


def set_language(language: str) -> None:
    """Switch the interface language ('nl' or 'en'); windows re-read their strings afterwards."""
    global _LANGUAGE
    if language not in ("nl", "en"):
        raise ValueError(f"language '{language}' is not one of nl, en")
    _LANGUAGE = language


def language() -> str:
    """The current interface language."""
    return _LANGUAGE


def tr(text: str) -> str:
    """Translate a Dutch interface string into the current language (Dutch passes through)."""
    if _LANGUAGE == "en":
        return _EN.get(text, text)
    return text
