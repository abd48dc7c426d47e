"""Engine, sessions and migrations. All SQLite pragmas live here, in one place."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import ARRAY, BigInteger, Engine, any_, bindparam, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from privacydesk.errors import UnusableInput

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

SQLITE_PRAGMAS = (
    # A new database gets 16 KiB pages (SQLite's default is 4 KiB; an existing file keeps its size).
    # A retention run rewrites most pages of the records table and its indexes: with 4x fewer,
    # larger pages it writes 4x fewer WAL frames (syscalls, checksums) for the same bytes.
    "PRAGMA page_size=16384",
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    # Erased data is overwritten with zeros in the file, not left in free pages.
    "PRAGMA secure_delete=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=30000",
    # Up to 64 MiB of pages per connection (the default is 2 MiB): a bulk import inserts blind indexes
    # at random places in their B-trees, and with a small cache nearly every insert re-reads a page.
    "PRAGMA cache_size=-65536",
)
BULK_CHECKPOINT_BYTES = 256 * 1024 * 1024


def import_all_models() -> None:
    """Import every module under store.models so the metadata knows every table."""
    from privacydesk.store import models

    for info in pkgutil.iter_modules(models.__path__):
        importlib.import_module(f"{models.__name__}.{info.name}")


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's events below decide when a transaction begins.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    for pragma in SQLITE_PRAGMAS:
        cur.execute(pragma)
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) so that a transaction that read the
    # audit chain's head can never fail later with a stale snapshot; readers stay lock-free.
    mode = "DEFERRED" if conn.get_execution_options().get("readonly") else "IMMEDIATE"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`, with SQLite's pragmas and transaction handling set."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnusableInput(
            "the database URL cannot be parsed",
            hint="use sqlite:///path.db or postgresql+psycopg://user@host/db",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


class Database:
    """One engine and its session factory; the entry point owns one per process."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session_scope(self, *, readonly: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        session = self._factory()
        if readonly:
            session.connection(execution_options={"readonly": True})
        try:
            yield session
            if readonly:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def bulk_writer(self) -> Iterator[Database]:
        """A database handle for one long bulk job of many write transactions (a retention run).
        On SQLite its own connection copies the WAL into the database file every 256 MB instead
        of every 1,000 pages (SQLite's default), so the index pages that batch after batch rewrites
        reach the file once per checkpoint rather than once per batch. The setting stays on that
        connection: the shared pool keeps SQLite's default.

        Its statement journals stay in temporary files: in memory (temp_store=MEMORY) a run was
        5-10% faster but held a copy of every page a batch's DELETE changes, 36 MB more at 5 M
        records and growing with the expiry index."""
        if not self.is_sqlite:
            yield self
            return
        bulk = Database(self.url, pool_size=1)
        event.listen(bulk.engine, "connect", _bulk_checkpoints)
        try:
            yield bulk
        finally:
            bulk.dispose()

    def dispose(self) -> None:
        self.engine.dispose()


def _bulk_checkpoints(dbapi_conn: Any, _record: Any) -> None:
    page_size: int = dbapi_conn.execute("PRAGMA page_size").fetchone()[0]
    dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_BYTES // page_size}")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(db: Database) -> None:
    """Bring the schema to the newest revision (every head), as `init` and `serve` do on start."""
    cfg = alembic_config(db.url)
    try:
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")
    except OperationalError as exc:
        raise UnusableInput(
            f"cannot open the database: {exc.orig.__class__.__name__}",
            hint="check PRIVACYDESK_DATABASE_URL / --db and that the server is running",
        ) from None


def is_up_to_date(db: Database) -> bool:
    script = ScriptDirectory.from_config(alembic_config(db.url))
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current == set(script.get_heads())


def advisory_lock(session: Session, name: str) -> bool:
    """Take a transaction-scoped lock named `name`; False if another instance holds it.

    On PostgreSQL this is pg_try_advisory_xact_lock, so several `serve` instances run each
    scheduled job once. SQLite has one writer at a time anyway (BEGIN IMMEDIATE), so it is True.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    got = session.execute(text("SELECT pg_try_advisory_xact_lock(hashtext(:name))"), {"name": name}).scalar()
    return bool(got)


def among(session: Session, column: Any, ids: Sequence[int]) -> Any:
    """`column IN ids` for thousands of ids as one bound value (a JSON array on SQLite, an array
    on PostgreSQL): no statement with one parameter per id to compile and bind."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(BigInteger)))
    values = func.json_each(json.dumps(list(ids))).table_valued("value")
    return column.in_(select(values.c.value))
