"""Rectification (art. 16): the change applied, history kept, recipients listed for art. 19."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from privacydesk.errors import NotFound, UnusableInput
from privacydesk.store.models.subjects import Record, RecordHistory
from privacydesk.subject_requests.fulfil.rectification import fulfil_rectification
from privacydesk.subject_requests.fulfil.result import Result
from privacydesk.subjects import find_by_identifier, find_subjects, read_record
from tests.fulfil.conftest import EMAIL, Store


def _rectify(store: Store, subject_id: int | None = None, **kw: Any) -> Result:
    with store.db.session_scope() as session:
        return fulfil_rectification(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=subject_id or store.marieke,
            actor="user:1",
            **kw,
        )


def _address_record(store: Store) -> int:
    with store.db.session_scope() as session:
        return session.execute(
            select(Record.id).where(Record.subject_id == store.marieke, Record.category == "address")
        ).scalar_one()


def test_a_corrected_address_is_applied_and_the_old_one_kept_in_history(store: Store) -> None:
    record_id = _address_record(store)
    summary = _rectify(store, records={record_id: {"street": "Kerkstraat 14"}}).summary
    assert summary.changed_fields == ["address.street"]
    with store.db.session_scope() as session:
        record = session.get(Record, record_id)
        assert record is not None
        assert read_record(session, keyring=store.keyring, record=record)["street"] == "Kerkstraat 14"
        assert session.execute(select(RecordHistory).where(RecordHistory.record_id == record_id)).first()


def test_recipients_that_received_the_old_value_are_listed_for_notification(store: Store) -> None:
    summary = _rectify(store, identifiers=[("email", EMAIL, "marieke@nieuw.example.nl")]).summary
    # her e-mail is held for service contact and the newsletter: each of their recipients of e-mail
    assert summary.notify_recipients == ["manychat", "onedrive", "outlook", "webhost"]


def test_a_corrected_email_finds_her_under_the_new_address_only(store: Store) -> None:
    _rectify(store, identifiers=[("email", EMAIL, "marieke@nieuw.example.nl")])
    with store.db.session_scope() as session:
        assert [
            s.id
            for s in find_by_identifier(
                session, keyring=store.keyring, kind="email", value="marieke@nieuw.example.nl"
            )
        ] == [store.marieke]
        assert find_by_identifier(session, keyring=store.keyring, kind="email", value=EMAIL) == []


def test_a_corrected_name_is_searchable_by_its_new_words_only(store: Store) -> None:
    _rectify(store, identifiers=[("name", "Marieke de Vries", "Marieke van Dam")])
    with store.db.session_scope() as session:
        assert [s.id for s in find_subjects(session, keyring=store.keyring, query="Marieke van Dam")] == [
            store.marieke
        ]
        assert store.marieke not in [
            s.id for s in find_subjects(session, keyring=store.keyring, query="de Vries")
        ]


def test_another_subjects_record_cannot_be_corrected_through_her_request(store: Store) -> None:
    record_id = _address_record(store)
    with pytest.raises(NotFound):
        _rectify(store, subject_id=store.namesake, records={record_id: {"street": "X"}})


def test_a_message_cannot_be_rewritten(store: Store) -> None:
    with store.db.session_scope() as session:
        link = session.execute(
            select(Record.id).where(Record.subject_id == store.marieke, Record.kind == "message")
        ).scalar_one()
    with pytest.raises(UnusableInput, match="is a message"):
        _rectify(store, records={link: {"body": "changed"}})


def test_asking_to_correct_nothing_is_refused(store: Store) -> None:
    with pytest.raises(UnusableInput, match="nothing to correct"):
        _rectify(store)
