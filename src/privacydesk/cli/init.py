"""`privacydesk init`: create or migrate the database, the master key, and load the register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privacydesk import audit
from privacydesk.cli._common import (
    DbOpt,
    JsonOpt,
    cli_actor,
    console,
    database,
    err_console,
    print_json,
    settings,
)
from privacydesk.keyfile import ensure_master_key
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version


def init(
    register_file: Annotated[
        Path | None,
        typer.Option("--register", help="Register YAML to load (default: register_path setting)."),
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create (or migrate) the database and master key, and load the register as a new version."""
    cfg = settings(db)
    path = register_file or cfg.register_path
    loaded = load_register(path)  # refuse a broken file before anything is written
    _, created = ensure_master_key(cfg)
    database_ = database(db, create=True)
    with database_.session_scope() as session:
        audit.record(session, action=audit.Action.DATABASE_INITIALISED, actor=cli_actor())
        version = store_register_version(session, loaded=loaded, actor=cli_actor())
        number = version.number
    if as_json:
        print_json(
            {
                "database": cfg.database_url.split("@")[-1],
                "register_version": number,
                "key_file_created": created,
            }
        )
        return
    if created:
        err_console.print(
            f"[yellow]A new master key was written to {cfg.key_file}.[/yellow] "
            "Back it up now, apart from the "
            "database: without it the encrypted data cannot be read, and with it anyone can."
        )
    console.print(f"database ready; register version {number} in force ({path})")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
