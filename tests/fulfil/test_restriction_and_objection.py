"""Restriction (art. 18), objection (art. 21) and consent withdrawal (art. 7(3)), checked through
`may_use`, the question every purpose asks before it uses someone's data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from privacydesk.consent import ledger
from privacydesk.consent.keys import bind_settings
from privacydesk.consent.suppression import is_suppressed
from privacydesk.errors import Refused, UnusableInput
from privacydesk.store.models.subjects import Record
from privacydesk.subject_requests.fulfil.consent import fulfil_consent_withdrawal
from privacydesk.subject_requests.fulfil.erasure import fulfil_erasure
from privacydesk.subject_requests.fulfil.restriction import fulfil_objection, fulfil_restriction, may_use
from tests.fulfil.conftest import EMAIL, Store

TODAY = date(2026, 11, 25)


def _run(store: Store, fn: Callable[..., Any], **kw: Any) -> Any:
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        return fn(session, register=store.register, subject_id=store.marieke, actor="user:1", **kw)


def _may(store: Store, purpose: str) -> bool:
    with store.db.session_scope() as session:
        return may_use(session, subject_id=store.marieke, purpose=purpose)


def test_before_any_request_every_purpose_she_agreed_to_may_use_her_data(store: Store) -> None:
    assert all(_may(store, p) for p in ("service_contact", "newsletter", "payment", "tax"))


def test_a_purpose_she_never_consented_to_may_not_use_her_data(store: Store) -> None:
    with store.db.session_scope() as session:
        assert not may_use(session, subject_id=store.namesake, purpose="newsletter")


def test_objecting_to_direct_marketing_stops_it_at_once_and_suppresses_her_address(store: Store) -> None:
    summary = _run(store, fulfil_objection, keyring=store.keyring, today=TODAY).summary
    assert summary.purposes_stopped == ["newsletter"] and summary.suppressed
    assert not _may(store, "newsletter")
    assert _may(store, "service_contact")
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        assert is_suppressed(session, email=EMAIL)
        [status] = ledger.current_consents(session, subject_id=store.marieke)
        assert status.state is ledger.ConsentState.WITHDRAWN
        expiries = session.execute(
            select(Record.expires_on).where(
                Record.subject_id == store.marieke, Record.purpose == "newsletter"
            )
        ).scalars()
        assert set(expiries) == {TODAY}


def test_objecting_to_a_legitimate_interest_purpose_blocks_that_purpose_only(store: Store) -> None:
    _run(store, fulfil_objection, keyring=store.keyring, today=TODAY, purposes=["service_updates"])
    assert not _may(store, "service_updates")
    assert _may(store, "newsletter") and _may(store, "delivery")


def test_objecting_to_a_contract_purpose_is_refused_with_the_reason(store: Store) -> None:
    with pytest.raises(Refused, match="art. 21 gives no right to object"):
        _run(store, fulfil_objection, keyring=store.keyring, today=TODAY, purposes=["payment"])


def test_restricting_everything_leaves_only_the_legal_duty(store: Store) -> None:
    summary = _run(store, fulfil_restriction).summary
    assert "tax" not in summary.purposes_stopped and "service_contact" in summary.purposes_stopped
    assert _may(store, "tax")
    assert not _may(store, "service_contact") and not _may(store, "payment")


def test_restricting_one_purpose_blocks_that_purpose_only(store: Store) -> None:
    _run(store, fulfil_restriction, purposes=["delivery"])
    assert not _may(store, "delivery") and _may(store, "service_contact")


def test_an_unknown_purpose_is_refused_naming_it(store: Store) -> None:
    with pytest.raises(UnusableInput, match="'profiling' is not in the register"):
        _run(store, fulfil_restriction, purposes=["profiling"])


def test_withdrawing_consent_stops_the_newsletter_in_one_step(store: Store) -> None:
    summary = _run(store, fulfil_consent_withdrawal, keyring=store.keyring, today=TODAY).summary
    assert summary.purposes_stopped == ["newsletter"] and summary.suppressed
    assert not _may(store, "newsletter") and _may(store, "service_contact")


def test_withdrawing_consent_for_a_contract_purpose_is_refused(store: Store) -> None:
    with pytest.raises(UnusableInput, match="does not rest on consent"):
        _run(store, fulfil_consent_withdrawal, keyring=store.keyring, today=TODAY, purposes=["payment"])


def test_after_erasure_only_the_bookkeeping_duty_may_use_what_is_kept(store: Store, tmp_path: Any) -> None:
    _run(store, fulfil_erasure, keyring=store.keyring, today=TODAY, out_dir=tmp_path)
    assert _may(store, "tax")
    assert not any(_may(store, p) for p in ("payment", "service_contact", "newsletter", "delivery"))
