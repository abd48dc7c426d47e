"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, settings, the CLI, and
named people (an owner, a privacy officer, staff, an auditor).

PostgreSQL: PRIVACYDESK_TEST_POSTGRES_URL (default: the local server's `test` database). Where no
server answers, PostgreSQL tests skip with the reason shown; with PRIVACYDESK_REQUIRE_POSTGRES=1
(set by .ci/run) that skip becomes a failure, so CI never passes without them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from privacydesk import auth
from privacydesk.config import Settings
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version
from privacydesk.store.base import Base
from privacydesk.store.db import Database, import_all_models, migrate

# Rich reads COLUMNS once, when the CLI's console is created at import: without a terminal it would
# squeeze tables to 80 columns. Set before any test module imports the CLI.
os.environ.setdefault("COLUMNS", "200")

ROOT = Path(__file__).resolve().parents[1]
OCQTO_REGISTER = ROOT / "examples" / "ocqto" / "register.yaml"
SHARED = ROOT.parent / "shared"
PG_URL = os.environ.get("PRIVACYDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("PRIVACYDESK_REQUIRE_POSTGRES") == "1"
PASSWORD = "correct horse battery staple"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_unavailable() -> str | None:
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as exc:
        return f"no PostgreSQL at {make_url(PG_URL).render_as_string(hide_password=True)}: {exc.orig}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate(db)
    db.dispose()
    with sqlite3.connect(path) as conn:  # fold the WAL into the file, so one file is a whole copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test worker's own on the PostgreSQL server, migrated once."""
    reason = _postgres_unavailable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required here (PRIVACYDESK_REQUIRE_POSTGRES=1): {reason}")
        pytest.skip(reason)
    # One database per test process: parallel runs (xdist workers, other checkouts) never collide.
    name = f"privacydesk_test_{_worker()}_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    migrate(db)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(db: Database) -> None:
    import_all_models()
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        # replica mode skips the append-only triggers, which exist to stop the application
        conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("SET session_replication_role = DEFAULT"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """The URL of an empty, migrated database: each storage test runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "privacydesk.db"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    db = Database(url)
    _truncate_all(db)
    db.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    key_file = tmp_path / "test.key"
    key_file.write_text("q1w0fHzW1nQ3d0gCq6G0l4tWmZ1Vw7k1c2Lr9s8pXo4=\n")
    return Settings(
        env="test",
        database_url=db_url,
        key_file=key_file,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-that-is-long-enough",
        register_path=OCQTO_REGISTER,
    )


@pytest.fixture
def loaded_db(db: Database) -> Database:
    """A database with Ocqto's register in force."""
    with db.session_scope() as session:
        store_register_version(session, loaded=load_register(OCQTO_REGISTER), actor="test")
    return db


@dataclass(frozen=True)
class Person:
    """A named member of staff for tests: their account id, e-mail, role and password."""

    id: int
    email: str
    role: auth.Role
    password: str = PASSWORD


def _add(db: Database, email: str, role: auth.Role) -> Person:
    with db.session_scope() as session:
        user = auth.add_user(session, email=email, role=role, password=PASSWORD, actor="test")
        return Person(user.id, user.email, role)


@pytest.fixture
def owner(loaded_db: Database) -> Person:
    return _add(loaded_db, "olga.owner@ocqto.example", auth.Role.OWNER)


@pytest.fixture
def privacy_officer(loaded_db: Database) -> Person:
    return _add(loaded_db, "annette.peute@ocqto.example", auth.Role.PRIVACY_OFFICER)


@pytest.fixture
def staff(loaded_db: Database) -> Person:
    return _add(loaded_db, "sam.staff@ocqto.example", auth.Role.STAFF)


@pytest.fixture
def auditor(loaded_db: Database) -> Person:
    return _add(loaded_db, "aad.auditor@ocqto.example", auth.Role.AUDITOR)


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run `privacydesk ARGS…` in this process: returns exit code, stdout and stderr."""
    from privacydesk.cli import _common, run

    monkeypatch.setenv("PRIVACYDESK_KEY_FILE", str(tmp_path / "cli.key"))
    monkeypatch.setenv("PRIVACYDESK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str, stdin: str | None = None) -> CliResult:
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        vars(_common.state).update(vars(_common.State()))  # a fresh process, as far as options go
        capsys.readouterr()
        code = run(list(args))
        for database in _common.state.databases.values():
            database.dispose()
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke
