"""The chained audit log: one JSON line per command that reads personal data or writes address-level output.

Each line holds the OS user (from the operating system, not ``LOGNAME``), host, time, command,
role, dataset fingerprint, outputs with their SHA-256 and ``prev``: the SHA-256 of the previous
line (the first line has 64 zeros). A head file beside the log (``audit.log.head``) holds the
number of lines and the hash of the last one, so a removed or edited last line is found too.
`verify_audit_log` reports every break. The log's place comes only from the installation setting.

Appending rewrites the log atomically (temp file + rename) under a lock, so a crash never leaves
half a line and two processes never lose each other's line.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pwd
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from geo_tool.errors import GeoToolError
from geo_tool.fileio import write_bytes_atomic, write_text_atomic
from geo_tool.security import installation as _installation

GENESIS = "0" * 64


class AuditError(GeoToolError):
    """The audit log cannot be written: the work is not allowed to pass unrecorded (exit 1)."""


def audit_log_path() -> Path:
    """Where the audit log is: the installation's `audit_log` (never an environment variable)."""
    return _installation.current_installation().audit_log


def head_path(log: Path) -> Path:
    """The head file beside a log: line count and hash of the last line."""
    return log.with_name(log.name + ".head")


def os_user() -> str:
    """The user name of the effective user id, from the operating system's user database."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def line_hash(line: str) -> str:
    """SHA-256 of one log line (without its newline)."""
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def dataset_fingerprint(file_hashes: dict[str, str]) -> str:
    """One SHA-256 over a dataset's input files (name and content hash of each), as the model manifest holds."""
    h = hashlib.sha256(b"geo_tool-dataset-fingerprint\n")
    for name in sorted(file_hashes):
        h.update(f"{name}\0{file_hashes[name]}\n".encode("utf-8"))
    return h.hexdigest()


def hashed_outputs(paths: Iterable[str | os.PathLike]) -> list[dict[str, str]]:
    """[{path, sha256}] of every output file (the files inside an output folder, one by one)."""
    out: list[dict[str, str]] = []
    for p in paths:
        p = Path(p)
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            if f.is_file():
                out.append({"path": str(f.resolve()), "sha256": file_digest(f)})
    return out


def append_line(record: dict[str, Any]) -> dict[str, Any]:
    """Append one record to the chained log (adds time, os_user, host, role and prev); returns it.

    Raises AuditError (exit 1) when the log cannot be written.
    """
    from geo_tool.security.roles import active_role

    path = audit_log_path()
    record = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "os_user": os_user(),
              "host": socket.gethostname(), "role": active_role(), **record}
    record.pop("prev", None)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / f".{path.name}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                old = path.read_bytes().decode("utf-8") if path.exists() else ""
                lines = old.split("\n")
                if lines and lines[-1] == "":
                    lines.pop()
                record["prev"] = line_hash(lines[-1]) if lines else GENESIS
                line = json.dumps(record, ensure_ascii=False, default=str)
                lines.append(line)
                write_bytes_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
                write_text_atomic(head_path(path), json.dumps({"lines": len(lines), "last": line_hash(line)}) + "\n")
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    except OSError as exc:
        raise AuditError(f"audit log {path}: cannot be written ({exc.strerror or exc}); ask IT to check "
                         "installation.toml (audit_log)") from None
    return record


def audit_command(command: str, *, dataset=None, outputs: Iterable[str | os.PathLike] = (),
                  **extra: Any) -> dict[str, Any]:
    """Record one command: its name, the dataset (folder and fingerprint), the outputs and their hashes."""
    record: dict[str, Any] = {"kind": "command", "command": command}
    if dataset is not None:
        record["dataset"] = str(Path(dataset.root).resolve())
        record["dataset_fingerprint"] = dataset_fingerprint(dict(dataset.file_hashes))
    record["outputs"] = hashed_outputs(outputs)
    record.update({k: v for k, v in extra.items() if v is not None})
    return append_line(record)


def read_audit_lines(path: Path | None = None) -> list[dict[str, Any]]:
    """Every record of the log (empty when there is none); lines that are not JSON are skipped."""
    path = path or audit_log_path()
    if not path.exists():
        return []
    records = []
    for s in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(s))
        except json.JSONDecodeError:
            continue
    return records


def verify_audit_log(path: Path | None = None) -> tuple[int, list[str]]:
    """(number of lines, one Dutch message per break): a line whose `prev` is not the previous line's hash,
    a line that is not JSON, and a head file that does not match the last line (a removed or edited end)."""
    path = path or audit_log_path()
    if not path.exists():
        return 0, ([] if not head_path(path).exists() else [f"{path}: het auditlog ontbreekt maar zijn kopbestand niet"])
    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    breaks: list[str] = []
    expected = GENESIS
    for n, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
            prev = record.get("prev") if isinstance(record, dict) else None
        except json.JSONDecodeError:
            record, prev = None, None
        if record is None:
            breaks.append(f"regel {n}: geen geldige auditregel (gewijzigd of ingevoegd)")
        elif prev != expected:
            breaks.append(f"regel {n}: de keten is gebroken (regel {n - 1 if n > 1 else 'ervoor'} is gewijzigd, "
                          "verwijderd of ingevoegd)")
        expected = line_hash(line)
    head_file = head_path(path)
    if lines:
        try:
            head = json.loads(head_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, a folder, not UTF-8 or not JSON
            head = None
        if not isinstance(head, dict):
            breaks.append(f"{head_file}: kopbestand ontbreekt of is onleesbaar")
        elif head.get("lines") != len(lines) or head.get("last") != expected:
            breaks.append(f"einde: het log telt {len(lines)} regels maar de kop zegt {head.get('lines')} "
                          "of de laatste regel is gewijzigd (regels aan het eind verwijderd, gewijzigd of toegevoegd)")
    return len(lines), breaks
