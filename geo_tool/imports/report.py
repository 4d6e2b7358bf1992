"""The match report of an import, in Dutch: rows, matches per method, area-level rows, rejects."""

from __future__ import annotations

METHOD_LABELS = {
    "exact": "exact (id of adres zoals getypt)",
    "normalised": "genormaliseerd (spelling van postcode/huisnummer)",
    "street": "straat + huisnummer",
    "nearest": "dichtstbijzijnde adres bij het punt",
    "point": "alleen punt (geen adres binnen de afstand)",
    "pc4": "alleen postcodegebied (PC4)",
    "unmatched": "niet gevonden (naar rejects.csv)",
    "rejected (other reason)": "afgewezen om een andere reden",
    "malformed": "onleesbare regel",
}


def _n(n: int) -> str:
    """A count with a Dutch thousands separator (8.773)."""
    return f"{n:,}".replace(",", ".")


def _pct(n: int, total: int) -> str:
    return f"{100.0 * n / max(total, 1):5.1f}%".replace(".", ",")


def summary_text(outcome) -> str:
    """Rows read/written, matches per method with their share, area-level rows, reject lines, validation."""
    total = outcome.rows_read
    lines = [f"Import {outcome.source.name} via profiel '{outcome.profile}' -> {outcome.table}.csv",
             f"  rijen gelezen: {_n(total)}   geschreven: {_n(outcome.rows_written)}",
             "  koppeling per methode:"]
    order = ["exact", "normalised", "street", "nearest", "point", "pc4", "unmatched", "rejected (other reason)", "malformed"]
    for key in order + sorted(set(outcome.methods) - set(order)):
        n = outcome.methods.get(key, 0)
        if n or key == "unmatched":
            lines.append(f"    {key:<11} {_n(n):>9}  {_pct(n, total)}  {METHOD_LABELS.get(key, '')}")
    if outcome.area_level:
        lines.append(f"  niet op adresniveau (telt mee in wijk- en gebiedslagen, niet per adres): "
                     f"{_n(outcome.area_level)}")
    if outcome.repaired_dates:
        lines.append(f"  datums met onbekende dag/maand hersteld (eerste dag van de periode): "
                     f"{_n(outcome.repaired_dates)}")
    lines.append(f"  regels in rejects.csv uit de import: {_n(len(outcome.rejects))}")
    ds = outcome.validation
    if ds is not None:
        fs = ds.report.files.get(f"{outcome.table}.csv")
        if fs is not None:
            lines.append(f"  validatie {outcome.table}.csv: {_n(fs.rows_imported)} ingelezen, {_n(fs.rows_rejected)} "
                         "afgewezen")
        lines.append(f"  validatie van de map: {_n(len(ds.report.rejects))} regel(s) in rejects.csv")
    lines += [f"  let op: {n}" for n in outcome.notes]
    lines.append(f"exit status {outcome.exit_code}")
    return "\n".join(lines)
