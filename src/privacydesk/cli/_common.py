"""What every command shares: options, the database, output in tables or JSON, and the actor.

A command module under privacydesk.cli defines `register(app)` and is found automatically.
Conventions: `--json` prints only JSON on stdout; errors go to stderr; exit 1 for findings or
refusals, 2 for unusable input; `--db URL` overrides the database on any command.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from privacydesk.config import Settings, load_settings
from privacydesk.errors import UnusableInput
from privacydesk.store.db import Database, migrate

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (overrides PRIVACYDESK_DATABASE_URL).", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]


@dataclass
class State:
    """Options given before the command (`privacydesk --db URL cmd`)."""

    db_url: str | None = None
    config_file: Path | None = None
    settings: Settings | None = None
    databases: dict[str, Database] = field(default_factory=dict)


state = State()


def settings(db: str | None = None) -> Settings:
    """The settings, read once per process; `db` overrides the database URL."""
    if state.settings is None:
        state.settings = load_settings(state.config_file)
    url = db or state.db_url
    if url and url != state.settings.database_url:
        return state.settings.model_copy(update={"database_url": url})
    return state.settings


def _require_existing_sqlite(url: str) -> None:
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() == "sqlite" and name and name != ":memory:":
        if not Path(name).exists():
            raise UnusableInput(
                f"no database at {parsed.database}",
                hint="run `privacydesk init` first, or pass --db",
            )


def database(db: str | None = None, *, create: bool = False) -> Database:
    """The database for this command, migrated to the newest schema."""
    url = settings(db).database_url
    if url not in state.databases:
        if not create:
            _require_existing_sqlite(url)
        database_ = Database(url)
        migrate(database_)
        state.databases[url] = database_
    return state.databases[url]


@contextmanager
def session_scope(db: str | None = None, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction for the command: committed at the end, rolled back on error."""
    with database(db).session_scope(readonly=readonly) as session:
        yield session


def cli_actor() -> str:
    """Who runs the command, for the audit log: the operating-system account, never a subject."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        return {k: getattr(value, k) for k in value.__dataclass_fields__}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def print_json(data: Any) -> None:
    """Only JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` on stderr and return the Exit to raise."""
    err_console.print(f"[red]error:[/red] {message}", soft_wrap=True)
    return typer.Exit(code)
