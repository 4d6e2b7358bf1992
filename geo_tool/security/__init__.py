"""Security of the tool: the installation's role, role checks, the chained audit log, signed model folders.

Qt-free. The role comes only from the installation setting (`installation.py`); `--role` and the
window may lower it, never raise it (`roles.py`). Every command that reads personal data or writes
address-level output appends a chained line to the audit log (`audit.py`). Model folders are
signed and verified before anything in them is deserialised (`modelfolder.py`).
"""

from geo_tool.security.installation import ROLES, Installation, load_installation
from geo_tool.security.roles import RoleError, active_role, require_role, set_session_role

__all__ = ["ROLES", "Installation", "RoleError", "active_role", "load_installation", "require_role",
           "set_session_role"]
