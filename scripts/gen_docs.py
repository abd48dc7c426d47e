"""Write the reference docs that are generated from the code: settings, CLI commands, audit actions.

`make docs` runs this; tests/test_docs.py fails when a committed doc differs from what the code says,
so a new setting, command or audit action cannot be left undocumented.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from privacydesk.audit import Action
from privacydesk.cli import app
from privacydesk.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def configuration() -> str:
    lines = [
        "# Configuration",
        "",
        "privacydesk reads its settings once at start, from (lowest first) `privacydesk.toml`",
        "(a `[privacydesk]` table; another file with `--config FILE` or `PRIVACYDESK_CONFIG`), then",
        "`PRIVACYDESK_*` environment",
        "variables, then command-line options such as `--db`. In production (`PRIVACYDESK_ENV=production`)",
        "privacydesk refuses to start with the default secret key.",
        "",
        "| variable | key in privacydesk.toml | default | what it does |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "(set it)" if name in ("secret_key",) else ("" if default is None else f"`{default}`")
        lines.append(f"| `PRIVACYDESK_{name.upper()}` | `{name}` | {shown} | {field.description} |")
    lines += [
        "",
        "Example `privacydesk.toml`:",
        "",
        "```toml",
        "[privacydesk]",
        'database_url = "postgresql+psycopg://privacydesk@db.internal/privacydesk"',
        'base_url = "https://privacy.example.nl"',
        'smtp_host = "smtp.example.nl"',
        'mail_from = "privacy@example.nl"',
        "```",
        "",
    ]
    return "\n".join(lines)


def _walk(group: typer.Typer, prefix: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for info in group.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        doc = (info.callback.__doc__ or "").strip().splitlines()[0] if info.callback else ""
        out.append((f"{prefix} {name}".strip(), doc))
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        out += _walk(sub.typer_instance, f"{prefix} {sub.name}".strip())
    return out


def cli() -> str:
    lines = [
        "# Command line",
        "",
        "Every command that shows data takes `--json` (then only JSON is printed on stdout). Errors go to",
        "stderr. Exit codes: 0 done, 1 findings or a refused operation, 2 unusable input (a file, option or",
        "value that cannot be read). `--db URL` (before or after the command) overrides the database.",
        "`privacydesk COMMAND --help` shows every option.",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    lines += [f"| `privacydesk {name}` | {doc} |" for name, doc in sorted(_walk(app, ""))]
    return "\n".join(lines) + "\n"


def audit_actions() -> str:
    lines = [
        "# Audit actions",
        "",
        "The audit log is a hash chain (see README). These are all the kinds of entry it holds; entries",
        "carry pseudonymous ids (`subject:<ref>`, `user:<id>`), never personal data.",
        "",
        "| action | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{a.value}` | {a.description} |" for a in Action]
    return "\n".join(lines) + "\n"


GENERATED = {"configuration.md": configuration, "cli.md": cli, "audit-actions.md": audit_actions}


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    for name, make in GENERATED.items():
        (DOCS / name).write_text(make())
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
