"""The master key: generated on `init`, read from a key file or PRIVACYDESK_MASTER_KEY.

It wraps every subject's data key (see store.crypto). Lose it and the encrypted data is gone;
so `init` says to back it up, apart from the database.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from privacydesk.config import Settings
from privacydesk.errors import UnusableInput

KEY_BYTES = 32


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise UnusableInput(
            f"{where}: the master key is not base64", hint="restore the key from your backup"
        ) from None
    if len(key) != KEY_BYTES:
        raise UnusableInput(
            f"{where}: the master key must be {KEY_BYTES} bytes",
            hint="restore the key from your backup",
        )
    return key


def load_master_key(settings: Settings) -> bytes:
    """The master key from the environment or the key file; refuses when there is none."""
    if settings.master_key is not None:
        return _decode(settings.master_key.get_secret_value(), "PRIVACYDESK_MASTER_KEY")
    path = settings.key_file
    if not path.is_file():
        raise UnusableInput(
            f"{path}: no master key file",
            hint="run `privacydesk init`, or set PRIVACYDESK_MASTER_KEY",
        )
    return _decode(path.read_text(), str(path))


def ensure_master_key(settings: Settings) -> tuple[bytes, bool]:
    """The master key, creating the key file (mode 600) when none exists; True when created."""
    if settings.master_key is not None or settings.key_file.is_file():
        return load_master_key(settings), False
    key = secrets.token_bytes(KEY_BYTES)
    path: Path = settings.key_file
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(key).decode() + "\n")
    return key, True
