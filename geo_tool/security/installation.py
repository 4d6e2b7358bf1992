"""The installation setting: which role this installation has and where its audit log is.

Read from ``installation.toml`` in ``<sys.prefix>/etc/geo_tool/`` (the tool's own installation),
else ``/etc/geo_tool/`` (the machine). Keys: ``role = "planner" | "director" | "researcher"`` and
``audit_log = "/path/audit.log"``. Only IT (root, or whoever installs the tool) may set it: a file
that the current user could change is not trusted (warned about and treated as absent), so a user
cannot raise their own role. No trusted file: the lowest role (researcher) and the audit log at
``<sys.prefix>/var/log/geo_tool/audit.log``. No environment variable is read here on purpose.
"""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from geo_tool.i18n import tr

#: From the lowest to the highest role.
ROLES = ("researcher", "director", "planner")
LOWEST_ROLE = ROLES[0]
FILE_NAME = "installation.toml"


@dataclass(frozen=True)
class Installation:
    """The role this installation grants and the audit log it writes to; `source` is the file read (or None)."""

    role: str
    audit_log: Path
    source: Path | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def candidate_files() -> list[Path]:
    """Where the installation file is looked for, first match wins."""
    return [Path(sys.prefix) / "etc" / "geo_tool" / FILE_NAME, Path("/etc/geo_tool") / FILE_NAME]


def default_audit_log() -> Path:
    """The audit log of an installation without a setting for it."""
    return Path(sys.prefix) / "var" / "log" / "geo_tool" / "audit.log"


def untrusted_reason(path: Path) -> str | None:
    """Why the current user could change `path` (so it cannot grant a role), or None when it is safe.

    Unsafe: the file or its folder is writable by everyone, or (for a user other than root) the
    user can write the file or replace it in its folder.
    """
    for p in (path, path.parent):
        try:
            mode = p.stat().st_mode
        except OSError as exc:
            return tr("kan niet worden gecontroleerd ({cause})", cause=exc.strerror)
        if mode & stat.S_IWOTH:
            return tr("{path} is voor iedereen schrijfbaar", path=p)
    if os.geteuid() != 0:
        if os.access(path, os.W_OK):
            return tr("{path} is schrijfbaar voor de huidige gebruiker", path=path)
        if os.access(path.parent, os.W_OK):
            return tr("{path} is schrijfbaar voor de huidige gebruiker (het bestand kan worden vervangen)", path=path.parent)
    return None


def read_installation_file(path: Path) -> Installation:
    """Parse one installation file; an unknown role or a bad file gives the lowest role with a warning."""
    warnings: list[str] = []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Installation(LOWEST_ROLE, default_audit_log(), None, (f"{path}: unreadable ({exc}); role {LOWEST_ROLE}",))
    role = data.get("role", LOWEST_ROLE)
    if role not in ROLES:
        warnings.append(tr("{path}: rol '{role}' is niet een van {roles}; rol {lowest}", path=path, role=role,
                           roles=", ".join(ROLES), lowest=LOWEST_ROLE))
        role = LOWEST_ROLE
    log = data.get("audit_log")
    audit_log = Path(log) if isinstance(log, str) and log.strip() else default_audit_log()
    if not audit_log.is_absolute():
        warnings.append(tr("{path}: audit_log '{log}' is geen absoluut pad; {default} wordt gebruikt", path=path, log=log,
                           default=default_audit_log()))
        audit_log = default_audit_log()
    return Installation(role, audit_log, path, tuple(warnings))


def load_installation() -> Installation:
    """The installation setting in force: the first trusted file of `candidate_files()`, else the defaults."""
    return find_installation(candidate_files())


def find_installation(paths: list[Path]) -> Installation:
    """The first trusted installation file of `paths`, else the lowest role and the default audit log."""
    warnings: list[str] = []
    for path in paths:
        if not path.is_file():
            continue
        reason = untrusted_reason(path)
        if reason is not None:
            warnings.append(tr("{path} wordt genegeerd: {reason}; alleen IT stelt de rol in", path=path, reason=reason))
            continue
        found = read_installation_file(path)
        return Installation(found.role, found.audit_log, found.source, tuple(warnings) + found.warnings)
    return Installation(LOWEST_ROLE, default_audit_log(), None, tuple(warnings))


_warned: set[str] = set()


def current_installation() -> Installation:
    """`load_installation()`, saying each warning once per process on stderr (the CLI and the window's log)."""
    import logging

    found = load_installation()
    for warning in found.warnings:
        if warning not in _warned:
            _warned.add(warning)
            logging.getLogger("geo_tool.security").warning(warning)
            print(tr("geo-tool: waarschuwing: {warning}", warning=warning), file=sys.stderr)
    return found
