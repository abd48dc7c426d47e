"""`privacydesk import mail …` and `privacydesk import whatsapp …`: correspondence into the store.

Each file (or IMAP folder) is one transaction: imported whole or not at all; importing it again
adds nothing. An mbox too large for one transaction is imported in steps, with a checkpoint that a
rerun resumes from. The commands are added to the `import` group of privacydesk.cli.imports.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from sqlalchemy.orm import Session

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, session_scope, settings
from privacydesk.cli.imports import import_app, print_summaries
from privacydesk.errors import UnusableInput
from privacydesk.imports.batch import Summary
from privacydesk.imports.mail import (
    CHECKPOINT_EVERY,
    CHECKPOINT_FROM,
    imap_mails,
    import_mail,
    import_mails,
    import_mbox_step,
    start_mbox_steps,
)
from privacydesk.imports.whatsapp import import_whatsapp
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring

Importer = Callable[[Session, Keyring, Register, Callable[[int], None]], Summary]
Runner = Callable[[str | None, Keyring, Callable[[int], None]], Summary]  # runs its own transactions


def _run(db: str | None, jobs: list[tuple[str, Runner]], as_json: bool) -> None:
    """Each job with a progress bar counting messages; then the summary."""
    keyring = Keyring.from_settings(settings(db))
    summaries = []
    with Progress(console=console, transient=True, disable=as_json) as progress:
        for label, job in jobs:
            task: TaskID = progress.add_task(label, total=None)

            def advance(count: int, task: TaskID = task, label: str = label) -> None:
                progress.update(task, completed=count, description=f"{label}: {count} messages")

            summaries.append(job(db, keyring, advance))
            progress.remove_task(task)
    print_summaries(summaries, as_json)


def _in_one_transaction(job: Importer) -> Runner:
    """A file or folder imported whole or not at all."""

    def run(db: str | None, keyring: Keyring, advance: Callable[[int], None]) -> Summary:
        with session_scope(db) as session:
            _, register = current_register(session)
            return job(session, keyring, register, advance)

    return run


def _in_steps(path: Path, every: int) -> Runner:
    """An mbox too large for one transaction: a transaction per step of `every` messages, each moving
    the checkpoint that a rerun of the same file resumes from."""

    def run(db: str | None, keyring: Keyring, advance: Callable[[int], None]) -> Summary:
        with session_scope(db) as session:
            steps = start_mbox_steps(session, path=path, every=every)
        done = False
        while not done:
            with session_scope(db) as session:
                _, register = current_register(session)
                done = import_mbox_step(
                    session,
                    keyring=keyring,
                    register=register,
                    steps=steps,
                    actor=cli_actor(),
                    today=date.today(),
                    progress=advance,
                )
        return steps.summary

    return run


def _job_for(path: Path, checkpoint_every: int | None) -> Runner:
    """In steps when asked to, or by default for an mbox of CHECKPOINT_FROM bytes or more."""
    if checkpoint_every is None:
        large = path.is_file() and path.stat().st_size >= CHECKPOINT_FROM and path.suffix.lower() != ".msg"
        checkpoint_every = CHECKPOINT_EVERY if large else 0
    return _in_steps(path, checkpoint_every) if checkpoint_every > 0 else _in_one_transaction(_file_job(path))


def _file_job(path: Path) -> Importer:
    def job(
        session: Session, keyring: Keyring, register: Register, advance: Callable[[int], None]
    ) -> Summary:
        return import_mail(
            session,
            keyring=keyring,
            register=register,
            path=path,
            actor=cli_actor(),
            today=date.today(),
            progress=advance,
        )

    return job


def _imap_job(
    host: str, port: int, user: str, password: str, folder: str, since: date, ssl: bool
) -> Importer:
    def job(
        session: Session, keyring: Keyring, register: Register, advance: Callable[[int], None]
    ) -> Summary:
        mails = imap_mails(
            host=host, port=port, user=user, password=password, folder=folder, since=since, ssl=ssl
        )
        # The batch and its audit entry carry a hash, never the user name (often an e-mail address).
        digest = hashlib.sha256(
            f"imap:{host}:{port}:{user}:{folder}:{since.isoformat()}".encode()
        ).hexdigest()
        return import_mails(
            session,
            keyring=keyring,
            register=register,
            name=Path(f"imap-{host}-{folder}"),
            digest=digest,
            mails=mails,
            actor=cli_actor(),
            today=date.today(),
            progress=advance,
        )

    return job


@import_app.command("mail")
def mail(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="mbox files, .eml files or directories, .msg files.")
    ] = None,
    imap: Annotated[
        str | None, typer.Option("--imap", help="Read an IMAP folder on this host instead.")
    ] = None,
    port: Annotated[int, typer.Option("--port", help="IMAP port.")] = 993,
    ssl: Annotated[bool, typer.Option("--ssl/--no-ssl", help="IMAP over TLS.")] = True,
    user: Annotated[str, typer.Option("--user", help="IMAP user name.")] = "",
    password_env: Annotated[
        str, typer.Option("--password-env", help="Environment variable holding the IMAP password.")
    ] = "PRIVACYDESK_IMAP_PASSWORD",
    folder: Annotated[str, typer.Option("--folder", help="IMAP folder.")] = "INBOX",
    since: Annotated[
        datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="IMAP: messages since this date.")
    ] = None,
    checkpoint_every: Annotated[
        int | None,
        typer.Option(
            "--checkpoint-every",
            help="Import an mbox in steps of this many messages, each committed; a rerun resumes after "
            "the last (default: 10,000 for an mbox of 256 MB or more; 0: one transaction).",
        ),
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mail: mbox (streamed), .eml files and folders, Outlook .msg (privacydesk\\[outlook]), IMAP."""
    jobs = [(str(p), _job_for(p, checkpoint_every)) for p in paths or []]
    if imap:
        password = os.environ.get(password_env)
        if not user or password is None:
            raise UnusableInput(
                "IMAP needs --user and a password", hint=f"set {password_env} (never on the command line)"
            )
        if since is None:
            raise UnusableInput("IMAP needs --since", hint="e.g. --since 2024-01-01")
        imap_job = _imap_job(imap, port, user, password, folder, since.date(), ssl)
        jobs.append((f"imap {folder}", _in_one_transaction(imap_job)))
    if not jobs:
        raise UnusableInput(
            "nothing to import", hint="name mbox/.eml/.msg files or folders, or use --imap HOST"
        )
    _run(db, jobs, as_json)


@import_app.command("whatsapp")
def whatsapp(
    files: Annotated[list[Path], typer.Argument(help="WhatsApp chat exports (.txt).", show_default=False)],
    phone: Annotated[
        str | None,
        typer.Option("--phone", help="The chat partner's phone number (the export leaves it out)."),
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A WhatsApp chat export (.txt as the app writes it; Dutch and English date styles)."""

    def job_for(path: Path) -> Importer:
        def job(
            session: Session, keyring: Keyring, register: Register, advance: Callable[[int], None]
        ) -> Summary:
            return import_whatsapp(
                session,
                keyring=keyring,
                register=register,
                path=path,
                partner_phone=phone,
                actor=cli_actor(),
                today=date.today(),
                progress=advance,
            )

        return job

    _run(db, [(str(p), _in_one_transaction(job_for(p))) for p in files], as_json)


def register(app: typer.Typer) -> None:
    """The commands live on `import_app`, which privacydesk.cli.imports adds to the application."""
