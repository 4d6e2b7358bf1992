"""Roles: the installation's role, lowered (never raised) for a session, checked by the core.

`require_role` is called by every job before it reads personal data or writes address-level
output, so the window (which calls the same core functions) cannot do more than the CLI:

| work | needs |
|---|---|
| `validate`, `train`, aggregate `map` exports | researcher (any role) |
| `waterbed` | director |
| `rank`, `plan`, `map --internal`, address level or point layers, address history | planner |
"""

from __future__ import annotations

from geo_tool.errors import UsageError
from geo_tool.i18n import tr
from geo_tool.security import installation as _installation
from geo_tool.security.installation import ROLES

_session_role: str | None = None

ROLE_LABELS = {"planner": "handhavingsplanner", "director": "procesdirecteur", "researcher": "onderzoeker"}


class RoleError(UsageError):
    """The work needs a higher role than this session has (exit 2)."""


def role_rank(role: str) -> int:
    """0 for researcher, 1 for director, 2 for planner."""
    if role not in ROLES:
        raise UsageError(tr("rol '{role}' is niet een van {roles}", role=role, roles=", ".join(ROLES)))
    return ROLES.index(role)


def installation_role() -> str:
    """The role the installation grants (the highest any session on it may have)."""
    return _installation.current_installation().role


def active_role() -> str:
    """The role in force: the installation's, or the lower one this session chose."""
    granted = installation_role()
    if _session_role is not None and role_rank(_session_role) < role_rank(granted):
        return _session_role
    return granted


def allowed_roles() -> tuple[str, ...]:
    """The roles this session may switch to: the installation's and every lower one."""
    return ROLES[: role_rank(installation_role()) + 1]


def set_session_role(role: str | None, source: str = "--role") -> str:
    """Lower this process's role to `role` (None: back to the installation's); refuses a higher role.

    Nothing is stored: the next start has the installation's role again.
    """
    global _session_role
    if role is None:
        _session_role = None
        return active_role()
    granted = installation_role()
    if role_rank(role) > role_rank(granted):
        raise RoleError(tr("{source} {role}: hoger dan de rol van deze installatie '{granted}' (een rol kan alleen "
                           "lager; IT stelt die in in installation.toml)", source=source, role=role, granted=granted))
    _session_role = role
    return active_role()


def has_role(needed: str) -> bool:
    """True when the active role is `needed` or higher."""
    return role_rank(active_role()) >= role_rank(needed)


def require_role(needed: str, what: str) -> str:
    """Stop with RoleError (exit 2) unless the active role is `needed` or higher; returns the active role.

    `what` names the work in the one-line message, e.g. "rank (address ranking)".
    """
    role = active_role()
    if role_rank(role) < role_rank(needed):
        raise RoleError(tr("{what} vraagt de rol '{needed}'; deze sessie heeft de rol '{role}' (IT stelt die in in "
                           "installation.toml, zie README)", what=what, needed=needed, role=role))
    return role
