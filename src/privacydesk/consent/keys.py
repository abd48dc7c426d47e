"""Keys the consent engine derives from the master key: the suppression hash and signed links.

The derivations use the same labels and HMAC layout as `store.crypto.Keyring`, so a hash made here
equals the store's `keyed_hash` of the same value.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from privacydesk.config import Settings, load_settings
from privacydesk.keyfile import load_master_key

SETTINGS_KEY = "privacydesk.settings"


@lru_cache(maxsize=32)
def derive(master: bytes, label: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(master)


def settings_for(session: Session) -> Settings:
    """The settings a service runs under: put on the session by the entry point, else the process's."""
    found = session.info.get(SETTINGS_KEY)
    return found if isinstance(found, Settings) else load_settings()


def bind_settings(session: Session, settings: Settings) -> Session:
    """Tell the consent services which settings (and so which master key) this session uses."""
    session.info[SETTINGS_KEY] = settings
    return session


def master_key(settings: Settings) -> bytes:
    return load_master_key(settings)


def suppression_hash(settings: Settings, value: str) -> str:
    """HMAC-SHA256 of a normalised e-mail address under the suppression key (never the address)."""
    key = derive(master_key(settings), "privacydesk/suppression/v1")
    return hmac.new(key, f"email\x00{value}".encode(), hashlib.sha256).hexdigest()


def link_key(settings: Settings) -> bytes:
    """The key that signs unsubscribe, confirmation and preference links."""
    return derive(master_key(settings), "privacydesk/consent-links/v1")
