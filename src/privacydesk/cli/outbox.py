"""`privacydesk outbox …`: send queued e-mail, and see how much is waiting."""

from __future__ import annotations

import typer

from privacydesk.cli._common import DbOpt, JsonOpt, console, database, print_json, session_scope, settings
from privacydesk.outbox import outbox_counts, send_pending

outbox_app = typer.Typer(help="The outbox of letters and e-mail: send, status.", no_args_is_help=True)


@outbox_app.command("send")
def send(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Send every due message by SMTP (settings smtp_*, mail_from); failures are retried later."""
    sent = send_pending(database(db), settings(db))
    with session_scope(db, readonly=True) as session:
        counts = outbox_counts(session)
    if as_json:
        print_json({"sent": sent, "counts": counts})
        return
    console.print(f"sent {sent}; still pending {counts.pending}, failed {counts.failed}")
    if counts.sending:
        console.print(
            f"{counts.sending} message(s) were interrupted while sending and are not retried "
            "automatically (they may have left); check the mail server's log"
        )


@outbox_app.command("status")
def status(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """How many messages are pending, interrupted, sent and failed (no addresses shown)."""
    with session_scope(db, readonly=True) as session:
        counts = outbox_counts(session)
    if as_json:
        print_json(counts)
        return
    console.print(
        f"pending {counts.pending}, sending {counts.sending}, sent {counts.sent}, failed {counts.failed}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")
