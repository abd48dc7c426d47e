"""The authorisation matrix, generated from the route table: every route × every role × anonymous.

A route must say who may open it (`@public`, `require(Permission.X)` or `require_login`); a new route
without a rule fails `test_every_route_declares_who_may_open_it`, and every rule is then checked
against each role's permissions by calling the route as that role.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from privacydesk import auth
from privacydesk.config import Settings
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version
from privacydesk.store.db import Database
from privacydesk.web.access import PERMISSION_MARK, PUBLIC_MARK
from privacydesk.web.app import api_routes, create_app
from tests.conftest import OCQTO_REGISTER, PASSWORD

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROLE_DENIED = "your role does not allow this"
ANONYMOUS = "anonymous"


def _settings(directory: Path) -> Settings:
    key = directory / "test.key"
    key.write_text("q1w0fHzW1nQ3d0gCq6G0l4tWmZ1Vw7k1c2Lr9s8pXo4=\n")
    return Settings(
        env="test",
        database_url=f"sqlite:///{directory / 'matrix.db'}",
        key_file=key,
        data_dir=directory / "data",
        secret_key="test-secret-key-that-is-long-enough",
        register_path=OCQTO_REGISTER,
    )


def _rules_of(route: APIRoute) -> list[str]:
    """Every access rule on a route: 'public', 'login' or a permission name."""
    rules = ["public"] if getattr(route.endpoint, PUBLIC_MARK, False) else []
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        mark = getattr(dependency.call, PERMISSION_MARK, None)
        if mark:
            rules.append(str(mark))
        pending.extend(dependency.dependencies)
    return rules


def _routes() -> list[tuple[str, APIRoute]]:
    app = create_app(Settings(env="test", database_url="sqlite://"))
    return [(method, route) for route in api_routes(app.routes) for method in sorted(route.methods)]


ROUTES = _routes()


def _url(route: APIRoute) -> str:
    """The route's path with every parameter filled by a value that names nothing."""
    values: dict[str, str] = {}
    for param in route.dependant.path_params:
        values[param.name] = "999999" if param.field_info.annotation is int else "zz-unknown"
    return route.path_format.format(**values)


@dataclass
class Matrix:
    client: Any
    tokens: dict[auth.Role, str]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Matrix]:
    """One database for the whole matrix: Ocqto's register, an owner and a token per role."""
    directory = tmp_path_factory.mktemp("matrix")
    settings = _settings(directory)
    shutil.copyfile(sqlite_template, directory / "matrix.db")
    db = Database(settings.database_url)
    with db.session_scope() as session:
        store_register_version(session, loaded=load_register(OCQTO_REGISTER), actor="test")
        owner = auth.add_user(
            session, email="olga.owner@ocqto.example", role=auth.Role.OWNER, password=PASSWORD, actor="test"
        )
        tokens = {
            role: auth.create_api_token(session, user=owner, name=str(role), role=role, actor="test").secret
            for role in auth.Role
        }
    app: FastAPI = create_app(settings, db)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Matrix(client, tokens)
    db.dispose()


def test_every_route_declares_who_may_open_it() -> None:
    undeclared = [f"{m} {r.path}" for m, r in ROUTES if not _rules_of(r)]
    assert not undeclared, "routes without an access rule (add @public or require(...)): " + ", ".join(
        undeclared
    )


def test_no_route_is_both_public_and_restricted() -> None:
    mixed = [f"{m} {r.path}" for m, r in ROUTES if "public" in _rules_of(r) and len(_rules_of(r)) > 1]
    assert not mixed


def _call(matrix: Matrix, method: str, route: APIRoute, who: auth.Role | str) -> Any:
    headers = {"accept": "application/json"}
    if who != ANONYMOUS:
        headers["authorization"] = f"Bearer {matrix.tokens[auth.Role(who)]}"
    return matrix.client.request(method, _url(route), headers=headers, follow_redirects=False)


def _allowed(rules: list[str], who: auth.Role | str) -> bool:
    if "public" in rules:
        return True
    if who == ANONYMOUS:
        return False
    return all(rule == "login" or auth.can(who, auth.Permission(rule)) for rule in rules)


def _refused_by_rule(response: Any) -> bool:
    if response.status_code == 401:
        return True
    return response.status_code == 403 and ROLE_DENIED in response.text


@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r.path}" for m, r in ROUTES])
def test_each_role_gets_exactly_what_the_route_rule_allows(
    matrix: Matrix, method: str, route: APIRoute
) -> None:
    rules = _rules_of(route)
    wrong = []
    for who in [ANONYMOUS, *auth.Role]:
        response = _call(matrix, method, route, who)
        if _allowed(rules, who) == _refused_by_rule(response):
            wrong.append(f"{who}: {response.status_code} (rules {rules})")
    assert not wrong, f"{method} {route.path}: " + "; ".join(wrong)
