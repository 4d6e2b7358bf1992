"""The model-signing key: ``$GEO_TOOL_HOME/model-signing.key`` beside the pseudonym key, 0600, made on first use."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE = "model-signing.key"


def _home() -> Path:
    from geo_tool.dataset.pseudonym import geo_tool_home

    return geo_tool_home()


def signing_key() -> bytes:
    """The HMAC key that signs model manifests; created (32 random bytes, mode 0600) when absent.

    Created under a temporary name and linked into place, so two processes never end with two keys.
    """
    path = _home() / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_bytes(32))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_bytes()
