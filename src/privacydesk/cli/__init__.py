"""The `privacydesk` command. Each module in this package adds its commands via `register(app)`."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from privacydesk import __version__
from privacydesk.cli._common import state
from privacydesk.errors import PrivacydeskError

app = typer.Typer(
    name="privacydesk",
    help="Run personal-data processing exactly as the privacy statement promises, and prove it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        print(f"privacydesk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    db: Annotated[str | None, typer.Option("--db", help="Database URL for any command.")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="A privacydesk.toml file.", show_default=False)
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    state.db_url = db
    state.config_file = config


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(app)


_load_commands()


def run(argv: list[str] | None = None) -> int:
    """Run the command line in this process and return its exit code (used by tests too).

    User errors become a message and an exit code, never a traceback.
    """
    try:
        result = app(args=argv, prog_name="privacydesk", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except typer.Abort:
        sys.stderr.write("aborted; nothing was changed\n")
        return 1
    except typer.TyperException as exc:  # usage errors: unknown command, bad option
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            sys.stderr.write(f"error: {exc}\n")
        return int(getattr(exc, "exit_code", 2))
    except PrivacydeskError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        if exc.hint:
            sys.stderr.write(f"  fix: {exc.hint}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; nothing half-written was kept\n")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("PRIVACYDESK_DEBUG"):
            raise
        # Only the type: an exception's text may hold personal data.
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}); nothing was changed.\n"
            "  fix: run again with PRIVACYDESK_DEBUG=1 to see the traceback, and report it\n"
        )
        return 70


def main() -> None:
    sys.exit(run())
