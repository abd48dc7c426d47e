"""The consent and newsletter commands."""

from __future__ import annotations

import csv
import io
import json
import shutil
import time

import pytest

from privacydesk.consent import newsletter, suppression
from privacydesk.store.models.subjects import Subject


@pytest.fixture
def run(cli, settings, db_url, tmp_path):  # type: ignore[no-untyped-def]
    """`privacydesk --db URL …` with the test's master key."""
    shutil.copyfile(settings.key_file, tmp_path / "cli.key")
    return lambda *args: cli("--db", db_url, *args)


def _subscribed(scope, settings, email: str) -> Subject:  # type: ignore[no-untyped-def]
    token = newsletter.seal(settings, {"e": email, "l": "nl", "t": time.time()})
    with scope() as session:
        subject_id = newsletter.confirm_subscription(session, token=token, actor="test").subject_id
        found = session.get(Subject, subject_id)
        assert found is not None
        return found


def test_export_lists_only_valid_consent_never_the_suppressed(run, scope, settings, customer) -> None:  # type: ignore[no-untyped-def]
    _subscribed(scope, settings, "ja@example.nl")
    _subscribed(scope, settings, "nee@example.nl")
    with scope() as session:
        suppression.suppress(session, email="nee@example.nl", reason="erasure", actor="test")
    result = run("newsletter", "export")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [r["email"] for r in rows] == ["ja@example.nl"]
    assert rows[0]["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"


def test_export_writes_a_private_file(run, scope, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _subscribed(scope, settings, "ja@example.nl")
    target = tmp_path / "list.csv"
    result = run("newsletter", "export", "--output", str(target))
    assert result.code == 0 and "1 recipients" in result.out
    assert target.stat().st_mode & 0o777 == 0o600 and "ja@example.nl" in target.read_text()


def test_export_to_a_missing_folder_is_unusable_input(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run("newsletter", "export", "--output", str(tmp_path / "nope" / "list.csv"))
    assert result.code == 2 and "does not exist" in result.err


def test_the_customer_exception_needs_the_opt_out_confirmed(run, scope, customer) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        subject = session.get(Subject, customer)
        assert subject is not None
        ref = subject.ref
    refused = run("newsletter", "customer-exception", ref)
    assert refused.code == 1 and "opt-out" in refused.err
    done = run("newsletter", "customer-exception", ref, "--opt-out-offered", "--json")
    assert done.code == 0 and json.loads(done.out)["ground"] == "customer_exception"
    exported = json.loads(run("newsletter", "export", "--json").out)
    assert [r["email"] for r in exported] == ["klant@example.nl"]


def test_consent_show_report_and_withdraw(run, scope, settings) -> None:  # type: ignore[no-untyped-def]
    ref = _subscribed(scope, settings, "ja@example.nl").ref
    shown = json.loads(run("consent", "show", ref, "--json").out)
    assert shown["records"][0]["dpv:hasConsentStatus"] == "dpv:ConsentGiven"
    assert run("consent", "withdraw", ref).code == 0
    report = json.loads(run("consent", "report", "--json").out)
    assert report["current"]["newsletter"] == {"withdrawn": 1}
    table = run("consent", "show", ref)
    assert table.code == 0 and "withdrawn" in table.out


def test_an_unknown_reference_is_not_found(run) -> None:  # type: ignore[no-untyped-def]
    result = run("consent", "show", "0" * 32)
    assert result.code == 1 and "no subject" in result.err
