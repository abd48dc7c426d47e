"""An OpenAPI-driven fuzz run (schemathesis) against the JSON API: no 5xx and no response that
breaks the published schema, for each role's token and for anonymous callers. Bounded examples."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from privacydesk import auth
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version
from privacydesk.store.db import Database
from privacydesk.web.app import create_app
from tests.conftest import OCQTO_REGISTER, PASSWORD
from tests.web.test_route_access import _settings

MAX_EXAMPLES = 15
SCHEMA_CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
]


# The schema is read at import (schemathesis parametrises at collection); the database behind the
# app is only opened by requests, so the fixture below fills it before the first test runs.
DIRECTORY = Path(tempfile.mkdtemp(prefix="privacydesk-fuzz-"))
APP = create_app(_settings(DIRECTORY))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP).include(path_regex="^/api/")


@pytest.fixture(scope="module", autouse=True)
def fuzz_database(sqlite_template: Path) -> Iterator[list[str | None]]:
    """Ocqto's register and an owner who issued a token per role; yields the callers to try."""
    shutil.copyfile(sqlite_template, DIRECTORY / "matrix.db")
    db: Database = APP.state.db
    with db.session_scope() as session:
        store_register_version(session, loaded=load_register(OCQTO_REGISTER), actor="test")
        owner = auth.add_user(
            session, email="olga.owner@ocqto.example", role=auth.Role.OWNER, password=PASSWORD, actor="test"
        )
        tokens = [
            auth.create_api_token(session, user=owner, name=str(r), role=r, actor="test").secret
            for r in auth.Role
        ]
    APP.state.fuzz_tokens = [None, *tokens]
    yield APP.state.fuzz_tokens
    db.dispose()
    shutil.rmtree(DIRECTORY, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_json_api_never_fails_or_breaks_its_schema(case: Any) -> None:
    for token in APP.state.fuzz_tokens:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
        if response.status_code < 400:
            # What the API promises in its schema: its answers conform (the body and the media type).
            # Not checked: whether lax input (0 for false) is refused; pydantic coerces it on purpose.
            case.validate_response(response, checks=SCHEMA_CHECKS)
