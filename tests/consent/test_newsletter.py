"""Newsletter: double opt-in, the existing-customer exception, one-click unsubscribe, the mailing list."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import func, select

from privacydesk.consent import newsletter, suppression
from privacydesk.consent.ledger import ConsentState, Ground
from privacydesk.errors import Refused
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.store.models.subjects import Subject
from tests.consent.conftest import last_mail, link_in

ADDRESS = "nieuwsgierig@example.nl"


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _subscribe(scope, db, email: str = ADDRESS) -> int:  # type: ignore[no-untyped-def]
    with scope() as session:
        newsletter.request_subscription(session, email=email, lang="nl", actor="web:portal")
    token = link_in(last_mail(db, email), "/privacy/newsletter/confirm")
    with scope() as session:
        return newsletter.confirm_subscription(session, token=token, actor="web:portal").subject_id


def test_signing_up_stores_nothing_but_the_confirmation_mail(scope, loaded_db) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        newsletter.request_subscription(session, email=ADDRESS, lang="nl", actor="web:portal")
        assert _count(session, ConsentEvent) == 0 and _count(session, Subject) == 0
    mail = last_mail(loaded_db, ADDRESS)
    assert "Bevestig" in mail.subject and ADDRESS not in link_in(mail, "/privacy/newsletter/confirm")


def test_confirming_records_consent_with_the_double_opt_in_as_evidence(scope, loaded_db) -> None:  # type: ignore[no-untyped-def]
    subject_id = _subscribe(scope, loaded_db)
    with scope() as session:
        status = newsletter.newsletter_state(session, subject_id=subject_id)
        [event] = session.execute(select(ConsentEvent)).scalars()
        subject = session.get(Subject, subject_id)
        assert subject is not None and subject.subject_type == "newsletter_subscriber"
    assert status is not None and status.state is ConsentState.GIVEN and status.ground is Ground.CONSENT
    proof = event.evidence["double_opt_in"]
    assert proof["requested_at"] <= proof["confirmed_at"] and len(proof["link_sha256"]) == 64


def test_confirming_twice_records_one_consent(scope, loaded_db) -> None:  # type: ignore[no-untyped-def]
    _subscribe(scope, loaded_db)
    token = link_in(last_mail(loaded_db, ADDRESS), "/privacy/newsletter/confirm")
    with scope() as session:
        assert newsletter.confirm_subscription(session, token=token, actor="web:portal").already
        assert _count(session, ConsentEvent) == 1


@pytest.mark.parametrize("token", ["", "abc", "A" * 80, "x" * 2000])
def test_a_forged_confirmation_link_changes_nothing(scope, token) -> None:  # type: ignore[no-untyped-def]
    with scope() as session, pytest.raises(newsletter.BadLink):
        newsletter.confirm_subscription(session, token=token, actor="web:portal")
    with scope() as session:
        assert _count(session, ConsentEvent) == 0 and _count(session, Subject) == 0


def test_an_expired_confirmation_link_is_refused(scope, settings) -> None:  # type: ignore[no-untyped-def]
    token = newsletter.seal(settings, {"e": ADDRESS, "l": "nl", "t": 1.0})
    with scope() as session, pytest.raises(newsletter.BadLink):
        newsletter.confirm_subscription(session, token=token, actor="web:portal")


def test_unsubscribing_withdraws_and_suppresses(scope, loaded_db, settings) -> None:  # type: ignore[no-untyped-def]
    subject_id = _subscribe(scope, loaded_db)
    token = newsletter.unsubscribe_token(settings, subject_id=subject_id)
    with scope() as session:
        assert newsletter.unsubscribe(session, token=token, method="one_click", actor="web:unsubscribe")
    with scope() as session:
        status = newsletter.newsletter_state(session, subject_id=subject_id)
        assert status is not None and status.state is ConsentState.WITHDRAWN
        assert suppression.is_suppressed(session, email=ADDRESS)
        assert not newsletter.unsubscribe(session, token=token, method="one_click", actor="web:unsubscribe")


@pytest.mark.parametrize("token", ["1.AAAA", "1", "abc.def", "999999.xyz"])
def test_a_bad_unsubscribe_token_changes_nothing(scope, loaded_db, token) -> None:  # type: ignore[no-untyped-def]
    _subscribe(scope, loaded_db)
    with scope() as session, pytest.raises(newsletter.BadLink):
        newsletter.unsubscribe(session, token=token, method="page", actor="web:unsubscribe")
    with scope() as session:
        assert _count(session, ConsentEvent) == 1


def test_the_customer_exception_is_its_own_ground(scope, customer) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        event = newsletter.note_customer_exception(
            session, subject_id=customer, opt_out_offered=True, actor="u:1"
        )
    assert event.ground == "customer_exception" and event.evidence["law"].startswith("Telecommunicatiewet")


def test_the_customer_exception_needs_the_opt_out_offered_at_collection(scope, customer) -> None:  # type: ignore[no-untyped-def]
    with scope() as session, pytest.raises(Refused):
        newsletter.note_customer_exception(session, subject_id=customer, opt_out_offered=False, actor="u:1")


def test_the_customer_exception_is_for_customers_only(scope, loaded_db) -> None:  # type: ignore[no-untyped-def]
    subject_id = _subscribe(scope, loaded_db)
    with scope() as session, pytest.raises(Refused):
        newsletter.note_customer_exception(session, subject_id=subject_id, opt_out_offered=True, actor="u:1")


def test_after_an_opt_out_the_exception_cannot_come_back(scope, customer, settings) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        newsletter.note_customer_exception(session, subject_id=customer, opt_out_offered=True, actor="u:1")
    token = newsletter.unsubscribe_token(settings, subject_id=customer)
    with scope() as session:
        assert newsletter.unsubscribe(session, token=token, method="page", actor="web:unsubscribe")
    with scope() as session, pytest.raises(Refused):
        newsletter.note_customer_exception(session, subject_id=customer, opt_out_offered=True, actor="u:1")


def test_the_mailing_list_holds_consent_and_exception_never_the_suppressed(
    scope, loaded_db, customer
) -> None:  # type: ignore[no-untyped-def]
    _subscribe(scope, loaded_db, "ja@example.nl")
    _subscribe(scope, loaded_db, "geblokkeerd@example.nl")
    with scope() as session:
        newsletter.note_customer_exception(session, subject_id=customer, opt_out_offered=True, actor="u:1")
        newsletter.request_subscription(session, email="nooit-bevestigd@example.nl", lang="nl", actor="web")
        suppression.suppress(session, email="Geblokkeerd@Example.nl", reason="erasure", actor="u:1")
    with scope() as session:
        recipients = newsletter.mailing_list(session, actor="u:1")
    by_email = {r.email: r for r in recipients}
    assert set(by_email) == {"ja@example.nl", "klant@example.nl"}
    assert by_email["klant@example.nl"].ground == "customer_exception"
    assert by_email["ja@example.nl"].list_unsubscribe_post == "List-Unsubscribe=One-Click"
    assert by_email["ja@example.nl"].unsubscribe_url.startswith("http")


def test_a_new_confirmed_opt_in_after_unsubscribing_lifts_the_suppression(scope, loaded_db, settings) -> None:  # type: ignore[no-untyped-def]
    subject_id = _subscribe(scope, loaded_db)
    with scope() as session:
        token = newsletter.unsubscribe_token(settings, subject_id=subject_id)
        newsletter.unsubscribe(session, token=token, method="page", actor="web")
    fresh = newsletter.seal(settings, {"e": ADDRESS, "l": "nl", "t": time.time()})
    with scope() as session:
        newsletter.confirm_subscription(session, token=fresh, actor="web")
    with scope() as session:
        assert not suppression.is_suppressed(session, email=ADDRESS)
        assert [r.email for r in newsletter.mailing_list(session, actor="u:1")] == [ADDRESS]


def test_the_audit_log_names_the_subscriber_by_their_pseudonymous_ref(scope, loaded_db) -> None:  # type: ignore[no-untyped-def]
    from privacydesk.store.models.core import AuditEntry

    subject_id = _subscribe(scope, loaded_db)
    with scope() as session:
        subject = session.get(Subject, subject_id)
        entry = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "consent.recorded")
                .order_by(AuditEntry.seq.desc())
            )
            .scalars()
            .first()
        )
        assert subject is not None and entry is not None
        assert (entry.target_type, entry.target_id) == ("subject", subject.ref)
        assert ADDRESS not in str(entry.details)


def _object_to_marketing(scope, settings, subject_id: int) -> None:  # type: ignore[no-untyped-def]
    from privacydesk.register.service import current_register
    from privacydesk.store.crypto import Keyring
    from privacydesk.subject_requests.fulfil.restriction import fulfil_objection

    with scope() as session:
        _, reg = current_register(session)
        fulfil_objection(
            session, keyring=Keyring.from_settings(settings), register=reg, subject_id=subject_id,
            today=date.today(), actor="u:1",
        )  # fmt: skip


def _audit_actions(session) -> list[str]:  # type: ignore[no-untyped-def]
    from privacydesk.store.models.core import AuditEntry

    return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def test_a_new_confirmed_opt_in_lifts_an_earlier_objection_to_marketing(scope, loaded_db, settings) -> None:  # type: ignore[no-untyped-def]
    from privacydesk.subject_requests.fulfil.restriction import may_use

    subject_id = _subscribe(scope, loaded_db)
    _object_to_marketing(scope, settings, subject_id)
    with scope() as session:
        assert not may_use(session, subject_id=subject_id, purpose=newsletter.PURPOSE)
        assert newsletter.mailing_list(session, actor="u:1") == []
    fresh = newsletter.seal(settings, {"e": ADDRESS, "l": "nl", "t": time.time()})
    with scope() as session:
        event = newsletter.confirm_subscription(session, token=fresh, actor="web:portal").event
    with scope() as session:
        subject = session.get(Subject, subject_id)
        assert subject is not None and not subject.objected_marketing
        assert may_use(session, subject_id=subject_id, purpose=newsletter.PURPOSE)
        assert [r.email for r in newsletter.mailing_list(session, actor="u:1")] == [ADDRESS]
        assert "objection.lifted" in _audit_actions(session)
    assert event is not None and event.evidence["lifts_objection"] is True


def test_the_lifted_objection_is_audited_by_pseudonymous_ref_with_the_consent_record(
    scope, loaded_db, settings
) -> None:  # type: ignore[no-untyped-def]
    from privacydesk.store.models.core import AuditEntry

    subject_id = _subscribe(scope, loaded_db)
    _object_to_marketing(scope, settings, subject_id)
    fresh = newsletter.seal(settings, {"e": ADDRESS, "l": "nl", "t": time.time()})
    with scope() as session:
        event = newsletter.confirm_subscription(session, token=fresh, actor="web:portal").event
    with scope() as session:
        subject = session.get(Subject, subject_id)
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "objection.lifted")
        ).scalar_one()
        assert subject is not None and event is not None
        assert (entry.target_type, entry.target_id, entry.actor) == ("subject", subject.ref, "web:portal")
        assert entry.details["consent"] == event.record_id and entry.details["blocks_lifted"] == 1
        assert ADDRESS not in str(entry.details)


def test_an_opt_in_without_an_earlier_objection_lifts_nothing(scope, loaded_db) -> None:  # type: ignore[no-untyped-def]
    _subscribe(scope, loaded_db)
    with scope() as session:
        [event] = session.execute(select(ConsentEvent)).scalars()
        assert "objection.lifted" not in _audit_actions(session)
    assert "lifts_objection" not in event.evidence


def test_subscribing_on_the_preferences_page_lifts_an_objection_too(scope, loaded_db, settings) -> None:  # type: ignore[no-untyped-def]
    subject_id = _subscribe(scope, loaded_db)
    _object_to_marketing(scope, settings, subject_id)
    token = newsletter.seal(settings, {"s": subject_id, "l": "nl", "t": time.time()})
    with scope() as session:
        assert newsletter.set_newsletter_preference(session, token=token, subscribed=True, actor="web:portal")
    with scope() as session:
        subject = session.get(Subject, subject_id)
        assert subject is not None and not subject.objected_marketing
        assert [r.email for r in newsletter.mailing_list(session, actor="u:1")] == [ADDRESS]


def test_withdrawing_on_the_preferences_page_keeps_the_objection(scope, loaded_db, settings) -> None:  # type: ignore[no-untyped-def]
    subject_id = _subscribe(scope, loaded_db)
    _object_to_marketing(scope, settings, subject_id)
    token = newsletter.seal(settings, {"s": subject_id, "l": "nl", "t": time.time()})
    with scope() as session:
        assert not newsletter.set_newsletter_preference(session, token=token, subscribed=False, actor="web")
    with scope() as session:
        subject = session.get(Subject, subject_id)
        assert subject is not None and subject.objected_marketing
        assert "objection.lifted" not in _audit_actions(session)
