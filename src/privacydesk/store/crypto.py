"""Envelope encryption and blind indexes — the one place that touches keys.

Each subject has a random 256-bit data key (DEK); values are sealed with AES-GCM under it, with
additional data binding the ciphertext to its row. The DEK is stored wrapped (AES-GCM) by a key
derived from the master key. Destroying the wrapped DEK makes every copy of that subject's
encrypted data unreadable, backups included (crypto-shredding). Identifiers also get a keyed blind
index (HMAC-SHA256 of the normalised value), so lookups never decrypt.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privacydesk.config import Settings
from privacydesk.errors import Refused
from privacydesk.keyfile import load_master_key

NONCE = 12
VERSION = b"\x01"


class KeyDestroyed(Refused):
    """The subject's data key was destroyed: their encrypted data cannot be read any more."""

    def __init__(self) -> None:
        super().__init__("this data was erased: its key no longer exists")


class Undecryptable(Refused):
    """A ciphertext that does not open under its key (tampered, or the wrong master key)."""

    def __init__(self) -> None:
        super().__init__(
            "encrypted data could not be opened", hint="check that the right master key is in use"
        )


def derive(master: bytes, label: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(master)


def encrypt(key: bytes, data: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, data, aad)


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if not blob or blob[:1] != VERSION:
        raise Undecryptable()
    try:
        return AESGCM(key).decrypt(blob[1 : 1 + NONCE], blob[1 + NONCE :], aad)
    except InvalidTag:
        raise Undecryptable() from None


# One encoder for every sealed value: json.dumps with options builds a new encoder on each call.
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str)


def seal_json(key: bytes, obj: Any, aad: bytes) -> bytes:
    return encrypt(key, _JSON.encode(obj).encode(), aad)


class Sealer:
    """Seals many values under one data key (the key schedule is set up once, not per value)."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal_json(self, obj: Any, aad: bytes) -> bytes:
        """The same as `seal_json(key, obj, aad)`."""
        nonce = os.urandom(NONCE)
        return VERSION + nonce + self._aead.encrypt(nonce, _JSON.encode(obj).encode(), aad)


def open_json(key: bytes, blob: bytes, aad: bytes) -> Any:
    return json.loads(decrypt(key, blob, aad))


@dataclass(frozen=True)
class Keyring:
    """Keys derived from the master key: one wraps data keys, one makes blind indexes."""

    wrapping_key: bytes
    index_key: bytes
    suppression_key: bytes

    @classmethod
    def from_master(cls, master: bytes) -> Keyring:
        return cls(
            derive(master, "privacydesk/wrap/v1"),
            derive(master, "privacydesk/blind-index/v1"),
            derive(master, "privacydesk/suppression/v1"),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        return cls.from_master(load_master_key(settings))

    def blind_index(self, kind: str, normalised: str) -> str:
        return hmac.digest(self.index_key, f"{kind}\x00{normalised}".encode(), "sha256").hex()

    def keyed_hash(self, purpose: str, value: str) -> str:
        """A keyed hash for lists that must recognise a value without holding it (suppression)."""
        return hmac.digest(self.suppression_key, f"{purpose}\x00{value}".encode(), "sha256").hex()

    def new_subject_key(self, subject_ref: str) -> tuple[bytes, bytes]:
        """A fresh data key and its wrapped form (bound to the subject's ref)."""
        dek = AESGCM.generate_key(bit_length=256)
        return dek, encrypt(self.wrapping_key, dek, b"dek:" + subject_ref.encode())

    def unwrap(self, wrapped: bytes | None, subject_ref: str) -> bytes:
        if wrapped is None:
            raise KeyDestroyed()
        return decrypt(self.wrapping_key, wrapped, b"dek:" + subject_ref.encode())
