"""`privacydesk requests …` end to end: open, list, show, verify, fulfil, extend, refuse, close,
intake — with JSON output, and clear errors with the right exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from privacydesk.config import Settings
from privacydesk.store.db import Database
from tests.requests.conftest import People
from tests.requests.helpers import code_in, outbox
from tests.requests.test_email_intake import eml


@pytest.fixture
def run(cli: Any, settings: Settings, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PRIVACYDESK_KEY_FILE", str(settings.key_file))
    monkeypatch.setenv("PRIVACYDESK_DATA_DIR", str(settings.data_dir))

    def invoke(*args: str) -> Any:
        return cli("--db", db_url, "requests", *args)

    return invoke


def _json(result: Any) -> Any:
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_staff_take_a_request_from_opening_to_closing(run: Any, loaded_db: Database, people: People) -> None:
    opened = _json(run("open", "--type", "access", "--email", "jan.jansen@example.nl", "--json"))
    ref = opened["ref"]
    assert opened["code_sent"] is True and opened["status"] == "awaiting_identity"
    assert [r["ref"] for r in _json(run("list", "--json"))] == [ref]
    assert _json(run("list", "--overdue", "--json")) == []
    wrong = run("verify", ref, "--code", "00000000")
    assert wrong.code == 1 and "not valid or has expired" in wrong.err
    code = code_in([m for m in outbox(loaded_db) if ":identity_code:" in m.key][0].body_text)
    assert _json(run("verify", ref, "--code", code, "--json"))["status"] == "verified"
    answered = _json(run("fulfil", ref, "--json"))
    assert answered["status"] == "answered" and answered["files"][0].endswith(".zip")
    assert Path(answered["files"][0]).is_file()
    assert _json(run("close", ref, "--json"))["status"] == "closed"
    shown = _json(run("show", ref, "--json"))
    assert [s["step"] for s in shown["steps"]] == [
        "received",
        "paused",
        "code_sent",
        "code_failed",
        "resumed",
        "verified",
        "fulfilled",
        "closed",
    ]


def test_extend_and_refuse_send_their_letters(run: Any, loaded_db: Database) -> None:
    ref = _json(run("open", "--type", "erasure", "--email", "a@example.nl", "--json"))["ref"]
    assert run("extend", ref, "--reason", "Veel gegevens bij verwerkers.", "--months", "1").code == 0
    assert run("refuse", ref, "--reason", "Wij hebben geen gegevens van je.").code == 0
    keys = [m.key.split(":")[2] for m in outbox(loaded_db)]
    assert keys == ["acknowledgement", "extension", "refusal"]


def test_staff_confirm_identity_with_a_note_and_the_text_shows_the_steps(run: Any, people: People) -> None:
    ref = _json(run("open", "--type", "access", "--phone", "06 87654321", "--no-code", "--json"))["ref"]
    assert run("verify", ref, "--note", "belde het nummer dat we hebben").code == 0
    shown = run("show", ref)
    assert "verified" in shown.out and "belde het nummer" in shown.out


def test_intake_of_eml_files_opens_drafts(run: Any, tmp_path: Path, people: People) -> None:
    request_mail, plain_mail = tmp_path / "verzoek.eml", tmp_path / "factuur.eml"
    request_mail.write_bytes(eml("Verwijder mijn gegevens alstublieft."))
    plain_mail.write_bytes(eml("De factuur van maart.", subject="Factuur", message_id="<other@example.nl>"))
    rows = _json(run("intake", str(request_mail), str(plain_mail), "--json"))
    assert [r["outcome"] for r in rows] == ["draft", "not_a_request"]
    confirmed = _json(run("confirm", rows[0]["ref"], "--json"))
    assert confirmed["status"] == "awaiting_identity" and confirmed["code_sent"] is True


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("open", "--type", "everything", "--email", "a@example.nl"), 2, "unknown request type 'everything'"),
        (("open", "--type", "access", "--email", "not-an-address"), 2, "field 'email'"),
        (("verify", "0" * 32, "--note", "x"), 1, "no request with that reference"),
        (("verify", "0" * 32), 2, "exactly one of --note or --code"),
        (("intake", "/nonexistent/mail.eml"), 2, "no such file"),
        (("intake",), 2, "give .eml files or --imap-host"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_exit_code(
    run: Any, loaded_db: Database, args: tuple[str, ...], code: int, message: str
) -> None:
    result = run(*args)
    assert result.code == code and message in result.err
    assert "Traceback" not in result.err
