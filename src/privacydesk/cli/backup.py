"""`privacydesk backup FILE` and `privacydesk restore FILE`: encrypted, consistent, erasures kept."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privacydesk import backup as backups
from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, database, print_json, settings
from privacydesk.keyfile import load_master_key

FileArg = Annotated[Path, typer.Argument(help="The backup file.", show_default=False)]


def backup(
    file: FileArg,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write an encrypted, consistent backup of the database while it keeps running."""
    cfg = settings(db)
    info = backups.backup_database(
        database(db),
        master_key=load_master_key(cfg),
        out=file,
        erasure_log=backups.erasure_log_path(cfg),
        actor=cli_actor(),
        overwrite=force,
    )
    if as_json:
        print_json(info)
    else:
        console.print(
            f"backup written: {info.path} ({info.bytes:,} bytes, {info.dialect}, sha256 {info.sha256})"
        )
        console.print("keep the master key apart from the backups: without it they cannot be read")


def restore(
    file: FileArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replace the database with a backup, then re-apply the erasure log and the suppression list.

    Stop `privacydesk serve` first: a restore replaces everything.
    """
    cfg = settings(db)
    if not yes:
        typer.confirm(f"Replace the database {cfg.database_url} with {file}?", abort=True)
    info = backups.restore_database(
        database(db, create=True),
        master_key=load_master_key(cfg),
        source=file,
        erasure_log=backups.erasure_log_path(cfg),
        actor=cli_actor(),
    )
    if as_json:
        print_json(info)
    else:
        console.print(
            f"restored the {info.dialect} backup of {info.created_at}; erased again: "
            f"{info.subjects_erased_again} subject(s); suppressions restored: {info.suppressions_restored}"
        )


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
