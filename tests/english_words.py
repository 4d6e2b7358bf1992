"""English words that must never appear in what a Dutch user reads, and a scanner for them.

Shared by tests/test_cli_dutch.py (terminal output and written reports) and tests/ui/test_no_english.py
(every visible text of the window). The list holds words that are English only: Dutch homographs
(model, plan, map, team, week, score, status, data, export, dataset, buffer, hotspots, help, is, of,
in, per, ...) and proper names are left out. What the contract fixes is stripped before the scan:
option names (`--as-of`), file names and paths (`report.md`, `ds/rejects.csv`), identifiers with an
underscore (`address_id`, `eum_share`), and any allowed value the caller passes (argparse choices).
"""

from __future__ import annotations

import re

ENGLISH_WORDS = (
    # the examples
    "complaint", "complaints", "registration", "registrations", "relocation", "relocations", "granted", "revoked",
    "applied", "target", "bike", "time limit", "error", "errors", "warning", "warnings", "row", "rows", "file",
    "files", "feature", "features",
    # messages and summaries
    "written", "writing", "folder", "missing", "skipped", "rejected", "rejects", "imported", "importing",
    "blanked", "repaired", "cancelled", "interrupted", "exit status", "summary", "usage", "options",
    "positional arguments", "show this help", "default", "not", "the", "with", "without", "and", "from",
    "into", "must", "should", "cannot", "does", "outside", "between", "allowed", "needs", "needed",
    "found", "unknown", "none", "note", "notes", "report", "reports", "ranked", "addresses",
    "address", "visits", "visit", "inspection", "inspections", "permit", "permits", "registered",
    "residents", "violation", "violations", "planned", "done", "sample", "random", "travel", "break",
    "working", "hours", "minutes", "seconds", "days", "weekday", "walk", "car", "boundaries", "districts",
    "network", "street", "streets", "schematic", "displacement", "control", "internal", "disclosure",
    "share", "level", "building", "buildings", "period", "legend", "layer", "layers", "measure", "opacity",
    "loading", "ready", "cancel", "save", "quit", "view", "language", "role", "trained",
    "evaluation", "precision", "ceiling", "logistic", "reason", "reasons", "history", "first",
    "next", "previous", "week plan", "visit sheets", "move", "undo", "search", "nothing",
)

_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(ENGLISH_WORDS, key=len, reverse=True))
                      + r")(?![\w-])", re.IGNORECASE)

# proper names from the literature and of data sources, kept in their own language
PROPER_NAMES = ("Weighted Displacement Quotient", "Weighted Displacement Difference", "OpenStreetMap",
                "Wijk- en Buurtkaart", "Mann-Kendall", "Benjamini-Hochberg")

# what the contract fixes, removed before the scan
_CONTRACT = [
    re.compile("|".join(re.escape(n) for n in PROPER_NAMES)),
    re.compile(r"[\w.-]+:\w+\b"),                              # file:layer and layer:measure (addresses.gpkg:addresses)
    re.compile(r"--[\w-]+"),                                   # option names
    re.compile(r"\S*[/\\]\S*"),                                # paths
    re.compile(r"[\w.-]+\.(?:md|csv|pdf|png|svg|html|gpkg|tif|json|txt|gpx|toml|skops|log)\b", re.I),  # file names
    re.compile(r"\b\w+_\w+\b"),                                # identifiers: address_id, eum_share, same_gebied_type
    re.compile(r"\$\w+"),                                      # environment variables
    re.compile(r"https?://\S+"),                               # addresses of web pages
]


def strip_contract(text: str, allowed: tuple[str, ...] | list[str] | set[str] = ()) -> str:
    """`text` without option names, paths, file names, identifiers and the `allowed` words (e.g. choices)."""
    for pattern in _CONTRACT:
        text = pattern.sub(" ", text)
    if allowed:
        words = sorted({str(a) for a in allowed if str(a).strip()}, key=len, reverse=True)
        text = re.sub(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", " ", text)
    return text


def english_words(text: str, allowed=()) -> list[str]:
    """The English words of the list found in `text` (after the contract's names are stripped), with context."""
    clean = strip_contract(text, allowed)
    found = []
    for m in _PATTERN.finditer(clean):
        a, b = max(0, m.start() - 40), min(len(clean), m.end() + 40)
        found.append(f"{m.group(1)!r} in …{' '.join(clean[a:b].split())}…")
    return found
