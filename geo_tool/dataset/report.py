"""What the import did, for people (`summary_text`), for machines (`summary_json`) and as rejects.csv."""

from __future__ import annotations

import os
import time
from pathlib import Path

from geo_tool.dataset.dataset import ImportReport
from geo_tool.dataset.schema import REJECT_COLUMNS
from geo_tool.fileio import write_csv_atomic
from geo_tool.i18n import format_number, tr


#: a temporary rejects file older than this was left by a killed run (writing one takes seconds)
STALE_TEMP_S = 3600


def write_rejects(report: ImportReport, path: str | os.PathLike) -> Path:
    """Write rejects.csv atomically (always written; header only when there are no lines).

    Values are already scrubbed (BSN-like tokens hashed or masked). Temporary files of an earlier,
    killed write beside it are removed.
    """
    path = Path(path)
    frame = report.rejects.reindex(columns=REJECT_COLUMNS)
    write_csv_atomic(frame, path, index=False, encoding="utf-8")
    remove_stale_temporaries(path)
    return path


def remove_stale_temporaries(target: Path) -> int:
    """Remove `.<stem>.*.tmp<suffix>` files beside `target` (fileio.atomic_path's names) older than
    `STALE_TEMP_S`; returns how many."""
    removed = 0
    now = time.time()
    for p in target.parent.glob(f".{target.stem}.*.tmp{target.suffix}"):
        try:
            if now - p.stat().st_mtime > STALE_TEMP_S:
                p.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def summary_json(report: ImportReport) -> dict:
    """A JSON-ready summary: per file rows_read/imported/rejected, values blanked/repaired, notes.

    For every file rows_read = rows_imported + rows_rejected.
    """
    rej = report.rejects
    by_reason = rej.groupby(["file", "action", "reason"], dropna=False).size() if len(rej) else None
    return {
        "exit_code": report.exit_code,
        "files": {
            name: {
                "present": fs.present,
                "rows_read": fs.rows_read,
                "rows_imported": fs.rows_imported,
                "rows_rejected": fs.rows_rejected,
                "values_blanked": fs.values_blanked,
                "values_repaired": fs.values_repaired,
                "notes": list(fs.notes),
                "unknown_columns": list(fs.unknown_columns),
                "encoding": fs.encoding,
                "delimiter": fs.delimiter,
                "crs": fs.crs,
                "date_range": list(fs.date_range) if fs.date_range else None,
                "bsn_found": dict(fs.bsn_found),
            }
            for name, fs in report.files.items()
        },
        "rejects_by_reason": (
            [{"file": f, "action": a, "reason": r, "count": int(n)} for (f, a, r), n in by_reason.items()]
            if by_reason is not None else []
        ),
        "reject_lines": int(len(rej)),
        "wijken_covered": report.wijken_covered,
        "notes": list(report.notes),
    }


# the `action` of a reject line (rejects.csv keeps the contract's English value) as a Dutch user reads it
ACTION_NL = {"rejected": "afgekeurd", "blanked": "geleegd", "repaired": "hersteld"}


def summary_text(report: ImportReport) -> str:
    """A human summary: rows per file read/imported/rejected, rejects by reason, notes, date ranges."""
    n = format_number
    lines = []
    width = max((len(name) for name in report.files), default=10)
    heads = [tr("gelezen"), tr("ingelezen"), tr("afgekeurd"), tr("geleegd"), tr("hersteld")]
    lines.append(f"{tr('bestand'):<{width}}  {heads[0]:>9} {heads[1]:>9} {heads[2]:>9} {heads[3]:>9} {heads[4]:>9}")
    for name, fs in report.files.items():
        if not fs.present:
            lines.append(f"{name:<{width}}  {tr('ontbreekt (optioneel)'):>9}")
            continue
        lines.append(
            f"{name:<{width}}  {n(fs.rows_read):>9} {n(fs.rows_imported):>9} {n(fs.rows_rejected):>9} "
            f"{n(fs.values_blanked):>9} {n(fs.values_repaired):>9}"
        )
    lines.append("")
    for name, fs in report.files.items():
        details = []
        if fs.crs:
            details.append(f"CRS {fs.crs}")
        if fs.encoding and fs.encoding not in ("utf-8", "utf-8-sig"):
            details.append(tr("codering {encoding}", encoding=fs.encoding))
        if fs.date_range:
            details.append(tr("datums {first} t/m {last}", first=fs.date_range[0], last=fs.date_range[1]))
        if fs.unknown_columns:
            details.append(tr("onbekende kolommen genegeerd: {columns}", columns=", ".join(fs.unknown_columns)))
        if fs.bsn_found:
            details.append(tr("{n} BSN-achtige waarde(n) vervangen (gehasht in id's, gemaskeerd in tekst): ",
                              n=n(sum(fs.bsn_found.values())))
                           + ", ".join(f"{col} {n(count)}" for col, count in fs.bsn_found.items()))
        details += fs.notes
        if details:
            lines.append(f"{name}: " + "; ".join(details))
    lines.append(tr("wijken met adressen: {n}", n=report.wijken_covered))
    rej = report.rejects
    if len(rej):
        lines.append("")
        lines.append(tr("rejects.csv: {n} regel(s)", n=n(len(rej))))
        counts = rej.groupby(["file", "action", "reason"], dropna=False).size().sort_values(ascending=False)
        for (f, a, r), count in counts.items():
            lines.append(f"  {n(count):>8}  {tr(ACTION_NL.get(a, a)):<9} {f}: {r}")
    else:
        lines.append(tr("geen afkeuringen: alles is ingelezen zoals het is aangeleverd"))
    lines += [tr("let op: {note}", note=note) for note in report.notes]
    lines.append(tr("afsluitcode {code}", code=report.exit_code))
    return "\n".join(lines)
