"""The audit log: one JSON line per export at ``$GEO_TOOL_HOME/audit.log``.

Who (the login name, or the ``user`` given), when, which file, format, layers, level, window and
whether the export was internal. The log is rewritten atomically (temp file + rename) under a lock,
so a crash never leaves a half line and two exports never lose each other's line.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from geo_tool.fileio import write_bytes_atomic


def geo_tool_home() -> Path:
    """``$GEO_TOOL_HOME``, default ``~/.config/geo_tool``."""
    return Path(os.environ.get("GEO_TOOL_HOME") or Path.home() / ".config" / "geo_tool")


def audit_log_path() -> Path:
    """Where the audit log lives."""
    return geo_tool_home() / "audit.log"


def current_user(user: str | None = None) -> str:
    """The given user name, else the login name (``getpass.getuser``), else ``unknown``."""
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def append_audit(record: dict[str, Any]) -> dict[str, Any]:
    """Append one export record (a ``when`` timestamp is added when missing) and return it."""
    record = {"when": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"), **record}
    path = audit_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    with open(path.parent / ".audit.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            old = path.read_bytes() if path.exists() else b""
            if old and not old.endswith(b"\n"):
                old += b"\n"
            write_bytes_atomic(path, old + line)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return record


def read_audit() -> list[dict[str, Any]]:
    """Every record of the audit log (empty when there is none)."""
    path = audit_log_path()
    if not path.exists():
        return []
    return [json.loads(s) for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
