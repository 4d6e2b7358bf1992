"""Export records in the audit log: one chained JSON line per export (`geo_tool.security.audit`).

Who (the operating system's user name, or the ``user`` given), when, which file and its SHA-256,
format, layers, level, window and whether the export was internal. The log is the installation's
(`installation.toml`), shared with the command records, and each line carries the hash of the
previous one (`geo-tool audit verify`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geo_tool.security import audit as _audit


def audit_log_path() -> Path:
    """Where the audit log lives (the installation setting; never an environment variable)."""
    return _audit.audit_log_path()


def current_user(user: str | None = None) -> str:
    """The given user name, else the operating system's name of the effective user (not ``LOGNAME``)."""
    return user or _audit.os_user()


def append_audit(record: dict[str, Any]) -> dict[str, Any]:
    """Append one export record (kind ``export``, with the file's SHA-256 when it exists) and return it."""
    from datetime import datetime, timezone

    record = {"kind": "export", "command": "export",
              "when": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"), **record}
    file = record.get("file")
    if file and "outputs" not in record and Path(file).exists():
        record["outputs"] = _audit.hashed_outputs([file])
    return _audit.append_line(record)


def read_audit() -> list[dict[str, Any]]:
    """Every export record of the audit log (empty when there is none)."""
    return [r for r in _audit.read_audit_lines() if r.get("kind") == "export"]
