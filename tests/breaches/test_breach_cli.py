"""`privacydesk breach …`: a breach is recorded with counts from the store, and prepared for the AP."""

from __future__ import annotations

import json

import pytest

from privacydesk.config import Settings
from privacydesk.register.load import load_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subjects import add_record, create_subject
from tests.conftest import OCQTO_REGISTER


@pytest.fixture
def two_customers(loaded_db: Database, settings: Settings) -> list[str]:
    keyring, register = Keyring.from_settings(settings), load_register(OCQTO_REGISTER).register
    refs = []
    with loaded_db.session_scope() as session:
        for n in (1, 2):
            person = create_subject(
                session,
                keyring=keyring,
                register=register,
                subject_type="customer",
                identifiers={"email": [f"klant{n}@example.nl"]},
                actor="test",
            )
            add_record(
                session,
                keyring=keyring,
                register=register,
                subject=person,
                kind="contact",
                category="bank_account",
                purpose="payment",
                source="data_subject",
                payload={"iban": "NL91ABNA0417164300"},
                actor="test",
            )
            refs.append(person.ref)
    return refs


def test_a_breach_with_known_people_counts_them_and_asks_to_tell_the_ap_and_them(
    cli,
    settings: Settings,
    two_customers: list[str],  # type: ignore[no-untyped-def]
) -> None:
    args = [
        "--db",
        settings.database_url,
        "breach",
        "new",
        "--description",
        "A laptop with the bookkeeping export was stolen.",
        "--nature",
        "confidentiality",
        "--category",
        "bank_account",
        "--subject",
        two_customers[0],
        "--subject",
        two_customers[1],
        "--aware",
        "2026-11-20T09:30",
        "--json",
    ]
    result = cli(*args)
    assert result.code == 0, result.err
    breach = json.loads(result.out)
    assert (breach["people"], breach["records"]) == (2, 2)
    assert breach["notify_ap"] and breach["notify_people"]
    assert breach["ap_deadline"].startswith("2026-11-23T09:30")
    shown = json.loads(cli("--db", settings.database_url, "breach", "show", breach["ref"], "--json").out)
    assert shown["ap_form"]["Aantal betrokkenen (bij benadering)"] == "2"
    assert shown["ap_form"]["Soort persoonsgegevens"] == "Bankrekeningnummer"
    letter = cli("--db", settings.database_url, "breach", "show", breach["ref"], "--letter", "en").out
    assert (
        "A laptop with the bookkeeping export was stolen." in letter
        and "Autoriteit Persoonsgegevens" in letter
    )
    assert "klant1@example.nl" not in result.out + letter


def test_notifying_the_ap_is_recorded_and_shown_in_the_list(cli, settings: Settings, loaded_db) -> None:  # type: ignore[no-untyped-def]
    db = ["--db", settings.database_url]
    ref = json.loads(
        cli(
            *db,
            "breach",
            "new",
            "--description",
            "Mail to the wrong customer.",
            "--nature",
            "confidentiality",
            "--category",
            "email",
            "--people",
            "1",
            "--json",
        ).out
    )["ref"]
    assert cli(*db, "breach", "notify", ref, "--ap", "--reference", "AP-2026-123").code == 0
    listed = json.loads(cli(*db, "breach", "list", "--json").out)
    assert listed[0]["ref"] == ref and listed[0]["ap_notified_at"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--nature", "leak"], "nature must be one or more of"),
        (["--nature", "integrity", "--category", "shoe_size"], "unknown data category: shoe_size"),
        (
            ["--nature", "integrity", "--detected", "2026-11-21", "--aware", "2026-11-20"],
            "cannot become aware",
        ),
        (["--nature", "integrity", "--aware", "yesterday"], "--aware 'yesterday' is not a date"),
    ],
)
def test_bad_breach_input_is_refused_clearly(
    cli, settings: Settings, loaded_db, extra: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", settings.database_url, "breach", "new", "--description", "x", *extra)
    assert result.code == 2 and message in result.err
