"""Erasure (art. 17): everything without a legal duty goes; the invoices stay, restricted, until
the duty ends; the address lives on only as a keyed hash; processors get OpenDSR tasks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from privacydesk.consent import ledger
from privacydesk.consent.keys import bind_settings
from privacydesk.consent.suppression import is_suppressed
from privacydesk.errors import NotFound
from privacydesk.store.models.fulfilment import ProcessorTask
from privacydesk.store.models.subjects import Identifier, Message, Record, Subject, SubjectKey
from privacydesk.subject_requests.fulfil.access import fulfil_access
from privacydesk.subject_requests.fulfil.erasure import fulfil_erasure
from privacydesk.subject_requests.fulfil.result import Result
from tests.fulfil.conftest import EMAIL, Store

TODAY = date(2026, 11, 25)


def _erase(store: Store, tmp_path: Path, subject_id: int) -> Result:
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        return fulfil_erasure(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=subject_id,
            today=TODAY,
            out_dir=tmp_path / "out",
            actor="user:1",
        )


def test_only_the_invoice_under_the_fiscal_duty_is_kept_restricted_until_the_duty_ends(
    store: Store, tmp_path: Path
) -> None:
    summary = _erase(store, tmp_path, store.marieke).summary
    [kept] = summary.kept
    assert (kept.category, kept.purpose, kept.records, kept.until) == (
        "invoices",
        "payment",
        1,
        date(2032, 12, 31),
    )
    assert "AWR" in kept.reason
    with store.db.session_scope() as session:
        [record] = session.execute(select(Record).where(Record.subject_id == store.marieke)).scalars()
        assert record.restricted and record.expires_on == date(2032, 12, 31)
        assert (
            session.execute(select(Identifier).where(Identifier.subject_id == store.marieke)).first() is None
        )
        assert session.execute(select(Message)).first() is None  # her e-mail was linked to her alone
        assert session.get(Subject, store.marieke).erased_at is not None  # type: ignore[union-attr]


def test_the_summary_lists_every_erased_category_by_purpose(store: Store, tmp_path: Path) -> None:
    erased = {
        (e.purpose, e.category): e.records for e in _erase(store, tmp_path, store.marieke).summary.erased
    }
    assert erased == {
        ("service_contact", "name"): 1,
        ("service_contact", "email"): 1,
        ("service_contact", "phone"): 1,
        ("service_contact", "correspondence"): 2,
        ("delivery", "address"): 1,
        ("newsletter", "email"): 1,
    }


def test_her_address_is_on_the_suppression_list_and_her_consent_withdrawn(
    store: Store, tmp_path: Path
) -> None:
    assert _erase(store, tmp_path, store.marieke).summary.suppressed
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        assert is_suppressed(session, email=EMAIL)
        [status] = ledger.current_consents(session, subject_id=store.marieke)
        assert status.state is ledger.ConsentState.WITHDRAWN


def test_each_processor_that_received_an_erased_category_gets_an_opendsr_task(
    store: Store, tmp_path: Path
) -> None:
    summary = _erase(store, tmp_path, store.marieke).summary
    assert summary.processor_tasks == ["manychat", "onedrive", "outlook", "webhost", "whatsapp"]
    assert summary.notify_recipients == summary.processor_tasks  # the bank got no erased category
    with store.db.session_scope() as session:
        tasks = {t.recipient_key: t for t in session.execute(select(ProcessorTask)).scalars()}
    assert tasks["manychat"].status == "open"
    assert tasks["manychat"].body["subject_request_type"] == "erasure"
    assert tasks["manychat"].body["extensions"] == {"manychat": {"data_categories": ["email"]}}
    assert EMAIL not in str(tasks["manychat"].body)


def test_with_nothing_kept_the_data_key_is_destroyed(store: Store, tmp_path: Path) -> None:
    summary = _erase(store, tmp_path, store.namesake).summary
    assert summary.kept == [] and summary.key_destroyed
    with store.db.session_scope() as session:
        key = session.get(SubjectKey, store.namesake)
        assert key is not None and key.wrapped_key is None and key.destroyed_at is not None


def test_with_invoices_kept_the_key_stays_so_the_invoices_remain_readable(
    store: Store, tmp_path: Path
) -> None:
    assert not _erase(store, tmp_path, store.marieke).summary.key_destroyed


def test_earlier_exports_of_her_are_deleted(store: Store, tmp_path: Path) -> None:
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        [export] = fulfil_access(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=store.marieke,
            lang="en",
            made_on=TODAY,
            reference="R",
            out_dir=tmp_path / "out",
            actor="user:1",
        ).files
    _erase(store, tmp_path, store.marieke)
    assert not export.exists()


def test_other_subjects_are_untouched(store: Store, tmp_path: Path) -> None:
    _erase(store, tmp_path, store.marieke)
    with store.db.session_scope() as session:
        assert session.execute(select(Record).where(Record.subject_id == store.namesake)).first() is not None
        assert (
            session.execute(select(Identifier).where(Identifier.subject_id == store.contact)).first()
            is not None
        )


def test_an_erased_subject_cannot_be_erased_or_read_again(store: Store, tmp_path: Path) -> None:
    _erase(store, tmp_path, store.marieke)
    with pytest.raises(NotFound):
        _erase(store, tmp_path, store.marieke)


def test_the_contact_list_she_gave_us_ends_with_her(store: Store, tmp_path: Path) -> None:
    assert _erase(store, tmp_path, store.marieke).summary.contacts_ended == 1
    with store.db.session_scope() as session:
        contact = session.get(Subject, store.contact)
        assert contact is not None and contact.relationship_ended_on == TODAY
        expiries = session.execute(
            select(Record.expires_on).where(Record.subject_id == store.contact)
        ).scalars()
        assert set(expiries) == {TODAY}
