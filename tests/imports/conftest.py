from tests.store.conftest import keyring, register  # noqa: F401 - shared fixtures
