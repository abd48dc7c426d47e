"""Store fixtures: a keyring from the test settings and the register in force."""

from __future__ import annotations

import pytest

from privacydesk.config import Settings
from privacydesk.register.load import load_register
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from tests.conftest import OCQTO_REGISTER


@pytest.fixture
def keyring(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


@pytest.fixture
def register() -> Register:
    return load_register(OCQTO_REGISTER).register
