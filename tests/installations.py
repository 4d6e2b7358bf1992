"""Throw-away installations for tests: a tiny venv-like prefix with its own installation.toml.

`sys.prefix` of its `bin/python` is the prefix, so the tool reads the prefix's
`etc/geo_tool/installation.toml`; its site-packages point at the running venv's.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path


def make_installation(folder: Path, role: str | None, audit_log: Path | None = None) -> Path:
    """A prefix at `folder` whose installation grants `role` (None: no installation file); returns bin/python."""
    folder = Path(folder)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    base = Path(os.path.realpath(sys.executable))
    (folder / "bin").mkdir(parents=True, exist_ok=True)
    (folder / "pyvenv.cfg").write_text(f"home = {base.parent}\ninclude-system-site-packages = false\n"
                                       f"version = {sys.version_info.major}.{sys.version_info.minor}."
                                       f"{sys.version_info.micro}\n")
    python = folder / "bin" / "python"
    if not python.exists():
        python.symlink_to(base)
    site = folder / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    (site / "_running_venv.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    if role is not None:
        etc = folder / "etc" / "geo_tool"
        etc.mkdir(parents=True, exist_ok=True)
        lines = [f'role = "{role}"']
        if audit_log is not None:
            lines.append(f'audit_log = "{audit_log}"')
        (etc / "installation.toml").write_text("\n".join(lines) + "\n")
        os.chmod(etc / "installation.toml", 0o644)
    return python
