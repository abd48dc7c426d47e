"""Newsletter and flyers: double opt-in, the existing-customer exception, one-click unsubscribe, and
the mailing list for the mailing tool.

- Subscribing stores nothing: the confirmation link carries the address sealed (AES-GCM under a key
  derived from the master key). Only the click on it creates (or finds) the subject and records the
  consent, with both moments as evidence (double opt-in).
- The existing-customer exception (Telecommunicatiewet 11.7(3)): a customer's address obtained in a
  sale may get offers for similar products, if the opt-out was offered at collection and is in every
  message. It is recorded as its own ground, never as consent, and an objection ends it for good.
- Unsubscribe links are signed, work without login in one click (RFC 8058 POST too), withdraw the
  consent or exception and put the addresses on the suppression list.
- The mailing list holds only people whose consent or exception holds now and who are not on the
  suppression list, restricted, or erased.
- A new confirmed opt-in (the double opt-in's click, or subscribing on the preferences page that the
  e-mailed link opened) is a fresh, explicit consent: it lifts the suppression and an earlier
  objection to direct marketing (art. 21), and says so in the consent's evidence and the audit log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.config import Settings
from privacydesk.consent import ledger, suppression
from privacydesk.consent.keys import derive, link_key, master_key, settings_for
from privacydesk.consent.ledger import Channel, ConsentState, Ground
from privacydesk.errors import NotFound, Refused, UnusableInput
from privacydesk.identifiers import InvalidIdentifier, normalise_email
from privacydesk.outbox import queue_mail
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring, open_json
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.store.models.fulfilment import PurposeBlock
from privacydesk.store.models.subjects import Identifier, Subject
from privacydesk.subjects import create_subject, find_by_identifier, subject_key

PURPOSE = "newsletter"
CONFIRM_TTL = 7 * 86400  # a confirmation link works for a week
PREFERENCES_TTL = 86400  # a preferences link for a day
SUBSCRIBER_TYPE = "newsletter_subscriber"


class BadLink(NotFound):
    """A confirmation, unsubscribe or preferences link that is forged, damaged or expired."""

    def __init__(self) -> None:
        super().__init__(
            "this link is not valid (anymore)", hint="use the newest e-mail, or ask for a new link"
        )


# --- links ------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise BadLink() from None


def _seal_key(settings: Settings) -> bytes:
    return derive(master_key(settings), "privacydesk/consent-seal/v1")


def seal(settings: Settings, payload: dict[str, object]) -> str:
    """An opaque link token: the payload sealed with AES-GCM, so a URL never shows an address."""
    nonce = os.urandom(12)
    data = json.dumps(payload, separators=(",", ":")).encode()
    return _b64(nonce + AESGCM(_seal_key(settings)).encrypt(nonce, data, b"consent-link"))


def unseal(settings: Settings, token: str, *, max_age: int, now: float | None = None) -> dict[str, object]:
    raw = _unb64(token) if len(token) < 1000 else b""
    try:
        payload = json.loads(AESGCM(_seal_key(settings)).decrypt(raw[:12], raw[12:], b"consent-link"))
    except (InvalidTag, ValueError):
        raise BadLink() from None
    if not isinstance(payload, dict) or (now or time.time()) - float(payload.get("t", 0)) > max_age:
        raise BadLink()
    return payload


def unsubscribe_token(settings: Settings, *, subject_id: int) -> str:
    """A permanent, signed unsubscribe token for one person: `<subject id>.<mac>`."""
    mac = hmac.new(link_key(settings), f"unsubscribe:{subject_id}".encode(), hashlib.sha256)
    return f"{subject_id}.{_b64(mac.digest()[:18])}"


def subject_of_unsubscribe(settings: Settings, token: str) -> int:
    sid, _, _ = token.partition(".")
    if not sid.isdigit() or len(token) > 64:
        raise BadLink()
    if not hmac.compare_digest(unsubscribe_token(settings, subject_id=int(sid)), token):
        raise BadLink()
    return int(sid)


def unsubscribe_url(settings: Settings, *, subject_id: int) -> str:
    return f"{settings.base_url.rstrip('/')}/unsubscribe/{unsubscribe_token(settings, subject_id=subject_id)}"


def list_unsubscribe_headers(settings: Settings, *, subject_id: int) -> dict[str, str]:
    """The headers every marketing message carries (RFC 2369 and RFC 8058 one-click)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(settings, subject_id=subject_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- texts ------------------------------------------------------------------------------------


def notice_text(reg: Register, lang: str) -> str:
    """What the subscription form says: the purpose and how consent is asked and withdrawn."""
    purpose = reg.purpose(PURPOSE)
    if purpose is None:
        raise Refused("the register has no 'newsletter' purpose", hint="add it to the register first")
    parts = [reg.controller.display_name, purpose.name.get(lang)]
    if purpose.consent and purpose.consent.description:
        parts.append(purpose.consent.description.get(lang))
    return " — ".join(parts)


def _normalised(email: str) -> str:
    try:
        return normalise_email(email)
    except InvalidIdentifier:
        raise UnusableInput("email: not a valid e-mail address", hint="check the address") from None


# --- subscribing ------------------------------------------------------------------------------

CONFIRM_MAIL = {
    "nl": (
        "Bevestig je aanmelding voor de nieuwsbrief",
        "Hallo,\n\nJe hebt je aangemeld voor de nieuwsbrief van {name}. Bevestig dit via deze link:\n\n"
        "{url}\n\nHeb je je niet aangemeld? Doe dan niets: zonder bevestiging sturen we je niets en "
        "bewaren we je adres niet.\n\n{name}",
    ),
    "en": (
        "Confirm your newsletter subscription",
        "Hello,\n\nYou signed up for the newsletter of {name}. Please confirm through this link:\n\n"
        "{url}\n\nDid you not sign up? Then do nothing: without confirmation we send you nothing and "
        "do not keep your address.\n\n{name}",
    ),
}


def request_subscription(session: Session, *, email: str, lang: str, actor: str) -> None:
    """Step one of double opt-in: mail a confirmation link. Nothing about the person is stored."""
    settings = settings_for(session)
    _, reg = current_register(session)
    address = _normalised(email)
    token = seal(settings, {"e": address, "l": lang, "t": time.time()})
    url = f"{settings.base_url.rstrip('/')}/privacy/newsletter/confirm/{token}"
    subject, body = CONFIRM_MAIL[lang if lang in CONFIRM_MAIL else "nl"]
    day = utcnow().date().isoformat()
    queue_mail(
        session,
        to=address,
        subject=subject,
        body_text=body.format(name=reg.controller.display_name, url=url),
        key=f"newsletter-confirm:{suppression.email_hash(session, email=address)[:32]}:{day}",
        actor=actor,
    )


def keyring_for(session: Session) -> Keyring:
    return Keyring.from_settings(settings_for(session))


def find_or_create_subject(session: Session, *, email: str, actor: str) -> Subject:
    """The subject who holds this address, or a new newsletter subscriber with it."""
    keyring = keyring_for(session)
    found = find_by_identifier(session, keyring=keyring, kind="email", value=email)
    if found:
        return found[0]
    _, reg = current_register(session)
    return create_subject(
        session,
        keyring=keyring,
        register=reg,
        subject_type=SUBSCRIBER_TYPE,
        identifiers={"email": [email]},
        actor=actor,
    )


def newsletter_state(session: Session, *, subject_id: int) -> ledger.ConsentStatus | None:
    return next(
        (s for s in ledger.current_consents(session, subject_id=subject_id) if s.purpose == PURPOSE), None
    )


@dataclass(frozen=True)
class Confirmation:
    subject_id: int
    event: ConsentEvent | None  # None when the consent already held

    @property
    def already(self) -> bool:
        return self.event is None


def confirm_subscription(session: Session, *, token: str, actor: str) -> Confirmation:
    """Step two: the link was clicked. Records the consent with both moments as evidence."""
    settings = settings_for(session)
    payload = unseal(settings, token, max_age=CONFIRM_TTL)
    email, lang = str(payload["e"]), str(payload.get("l", "nl"))
    subject = find_or_create_subject(session, email=email, actor=actor)
    current = newsletter_state(session, subject_id=subject.id)
    if current is not None and current.state is ConsentState.GIVEN and current.ground is Ground.CONSENT:
        return Confirmation(subject.id, None)
    suppression.lift_suppression(session, email=email, actor=actor)
    _, reg = current_register(session)
    evidence: dict[str, object] = {
        "double_opt_in": {
            "requested_at": datetime.fromtimestamp(float(str(payload["t"])), tz=utcnow().tzinfo).isoformat(),
            "confirmed_at": utcnow().isoformat(),
            "link_sha256": hashlib.sha256(token.encode()).hexdigest(),
        }
    }
    objected = _objected(session, subject)
    if objected:
        evidence["lifts_objection"] = True
    event = ledger.record_consent(
        session,
        subject_id=subject.id,
        purpose=PURPOSE,
        state=ConsentState.GIVEN,
        channel=Channel.FORM,
        notice=ledger.notice_for(session, text=notice_text(reg, lang), language=lang),
        evidence=evidence,
        actor=actor,
    )
    if objected:
        lift_objection(session, subject=subject, consent=event, actor=actor)
    return Confirmation(subject.id, event)


def _objection_blocks(subject: Subject) -> tuple[ColumnElement[bool], ...]:
    return (
        PurposeBlock.subject_id == subject.id,
        PurposeBlock.purpose == PURPOSE,
        PurposeBlock.reason == "objection",
    )


def _objected(session: Session, subject: Subject) -> bool:
    """Whether the person objected to direct marketing (the flag, or an objection to this purpose)."""
    blocked = session.execute(select(PurposeBlock.id).where(*_objection_blocks(subject)).limit(1)).first()
    return subject.objected_marketing or blocked is not None


def lift_objection(session: Session, *, subject: Subject, consent: ConsentEvent, actor: str) -> None:
    """End an objection to direct marketing after a new, confirmed consent to the newsletter: the
    flag goes, and so does the objection's block on this purpose (other purposes stay blocked)."""
    removed = session.execute(delete(PurposeBlock).where(*_objection_blocks(subject)))
    subject.objected_marketing = False
    session.flush()
    audit.record(
        session,
        action=audit.Action.OBJECTION_LIFTED,
        actor=actor,
        target_type="subject",
        target_id=subject.ref,
        reason="confirmed_opt_in",
        details={
            "purpose": PURPOSE,
            "consent": consent.record_id,
            "blocks_lifted": int(getattr(removed, "rowcount", 0) or 0),
        },
    )


# --- the existing-customer exception (Tw 11.7(3)) ----------------------------------------------


def note_customer_exception(
    session: Session, *, subject_id: int, actor: str, opt_out_offered: bool, lang: str = "nl"
) -> ConsentEvent:
    """Record that a customer may get offers for similar products without consent (Tw 11.7(3)).

    Refused unless the person is a customer, the opt-out was offered when the address was
    collected, and they never opted out (an opt-out or objection ends the exception for good).
    """
    subject = session.get(Subject, subject_id)
    if subject is None or subject.erased_at is not None:
        raise NotFound("no such subject")
    if subject.subject_type != "customer":
        raise Refused(
            "the existing-customer exception applies to customers only", hint="ask for consent instead"
        )
    if not opt_out_offered:
        raise Refused(
            "the exception needs the opt-out to have been offered when the address was collected",
            hint="ask for consent instead (double opt-in)",
        )
    current = newsletter_state(session, subject_id=subject_id)
    if subject.objected_marketing or (current is not None and current.state is not ConsentState.GIVEN):
        raise Refused("this person opted out or objected: the exception no longer applies")
    if current is not None:
        raise Refused("this person already receives the newsletter", hint="nothing to do")
    _, reg = current_register(session)
    return ledger.record_consent(
        session,
        subject_id=subject_id,
        purpose=PURPOSE,
        state=ConsentState.GIVEN,
        channel=Channel.STAFF,
        ground=Ground.CUSTOMER_EXCEPTION,
        notice=ledger.notice_for(session, text=notice_text(reg, lang), language=lang),
        evidence={
            "law": "Telecommunicatiewet art. 11.7(3)",
            "similar_products": True,
            "opt_out_offered_at_collection": True,
            "opt_out_in_every_message": "List-Unsubscribe (RFC 8058)",
        },
        actor=actor,
    )


# --- unsubscribing ----------------------------------------------------------------------------


def emails_of(session: Session, *, subject: Subject) -> list[str]:
    """The person's e-mail addresses, decrypted with their data key."""
    dek = subject_key(session, keyring=keyring_for(session), subject=subject)
    rows = session.execute(
        select(Identifier.value_enc).where(
            Identifier.subject_id == subject.id, Identifier.kind == "email", Identifier.value_enc.is_not(None)
        )
    ).scalars()
    return [str(open_json(dek, blob, f"id:{subject.ref}:email".encode())) for blob in rows if blob]


def unsubscribe(session: Session, *, token: str, method: str, actor: str) -> bool:
    """Withdraw the newsletter (consent or exception) and suppress the addresses; False when the
    person was not subscribed any more. `method` is 'one_click' (RFC 8058) or 'page'."""
    subject_id = subject_of_unsubscribe(settings_for(session), token)
    subject = session.get(Subject, subject_id)
    if subject is None or subject.erased_at is not None:
        return False
    current = newsletter_state(session, subject_id=subject_id)
    for email in emails_of(session, subject=subject):
        suppression.suppress(session, email=email, reason="unsubscribed", actor=actor)
    if current is None or current.state is not ConsentState.GIVEN:
        return False
    _, reg = current_register(session)
    ledger.record_consent(
        session,
        subject_id=subject_id,
        purpose=PURPOSE,
        state=ConsentState.WITHDRAWN,
        channel=Channel.EMAIL_LINK,
        ground=current.ground,
        notice=ledger.notice_for(session, text=notice_text(reg, "nl"), language="nl"),
        evidence={"method": "rfc8058_one_click" if method == "one_click" else "unsubscribe_page"},
        actor=actor,
    )
    return True


# --- the mailing list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """One line of the mailing list: the address, why they may be mailed, and their opt-out link."""

    email: str
    ground: str
    since: str
    unsubscribe_url: str
    list_unsubscribe: str
    list_unsubscribe_post: str


def _eligible(session: Session) -> list[tuple[Subject, ledger.ConsentStatus]]:
    subject_ids = session.execute(
        select(ConsentEvent.subject_id).where(ConsentEvent.purpose == PURPOSE).distinct()
    ).scalars()
    ids = [s for s in subject_ids if s is not None]
    out = []
    now = utcnow()
    for event in ledger.latest_events(session, subject_ids=ids, purpose=PURPOSE):
        status = ledger.ConsentStatus(
            PURPOSE, ledger.effective_state(event, now), Ground(event.ground), event.at,
            event.expires_at, event.channel, event.record_id, event.consent_revision,
        )  # fmt: skip
        subject = session.get(Subject, int(event.subject_id)) if event.subject_id else None
        if status.is_valid and subject is not None and _may_mail(subject):
            out.append((subject, status))
    return out


def _may_mail(subject: Subject) -> bool:
    return subject.erased_at is None and not subject.restricted and not subject.objected_marketing


def mailing_list(session: Session, *, actor: str) -> list[Recipient]:
    """Everyone who may get the newsletter now, never anyone on the suppression list; audited."""
    settings = settings_for(session)
    candidates = [
        (subject, status, email)
        for subject, status in _eligible(session)
        for email in emails_of(session, subject=subject)
    ]
    hashes = [suppression.email_hash(session, email=email) for _, _, email in candidates]
    blocked = suppression.suppressed_hashes(session, digests=hashes)
    recipients = []
    for (subject, status, email), digest in zip(candidates, hashes, strict=True):
        if digest in blocked:
            continue
        headers = list_unsubscribe_headers(settings, subject_id=subject.id)
        recipients.append(
            Recipient(email, str(status.ground), status.since.date().isoformat(),
                      unsubscribe_url(settings, subject_id=subject.id),
                      headers["List-Unsubscribe"], headers["List-Unsubscribe-Post"])
        )  # fmt: skip
    audit.record(
        session,
        action=audit.Action.NEWSLETTER_EXPORTED,
        actor=actor,
        target_type="mailing_list",
        details={"recipients": len(recipients), "suppressed": len(candidates) - len(recipients)},
    )
    return recipients


# --- preferences through a magic link ---------------------------------------------------------

PREFERENCES_MAIL = {
    "nl": (
        "Je privacyvoorkeuren bij {name}",
        "Hallo,\n\nVia deze link zie en wijzig je je toestemmingen bij {name} (24 uur geldig):\n\n{url}\n\n"
        "Heb je hier niet om gevraagd? Dan kun je deze e-mail negeren.\n\n{name}",
    ),
    "en": (
        "Your privacy preferences at {name}",
        "Hello,\n\nThrough this link you can see and change your consents at {name} (valid for 24 hours):"
        "\n\n{url}\n\nDid you not ask for this? Then ignore this e-mail.\n\n{name}",
    ),
}


def request_preferences_link(session: Session, *, email: str, lang: str, actor: str) -> bool:
    """Mail a magic link to the preferences page when the address is known; the caller shows the
    same answer either way, so nobody learns whether an address is known. True when mailed."""
    settings = settings_for(session)
    address = _normalised(email)
    found = find_by_identifier(session, keyring=keyring_for(session), kind="email", value=address)
    if not found:
        return False
    _, reg = current_register(session)
    token = seal(settings, {"s": found[0].id, "l": lang, "t": time.time()})
    url = f"{settings.base_url.rstrip('/')}/privacy/preferences/{token}"
    title, body = PREFERENCES_MAIL[lang if lang in PREFERENCES_MAIL else "nl"]
    name = reg.controller.display_name
    queue_mail(
        session,
        to=address,
        subject=title.format(name=name),
        body_text=body.format(name=name, url=url),
        key=f"preferences:{found[0].ref}:{int(time.time()) // 600}",
        actor=actor,
    )
    return True


def subject_of_preferences(session: Session, *, token: str) -> tuple[int, str]:
    payload = unseal(settings_for(session), token, max_age=PREFERENCES_TTL)
    subject = session.get(Subject, int(str(payload.get("s", 0))))
    if subject is None or subject.erased_at is not None:
        raise BadLink()
    return subject.id, str(payload.get("l", "nl"))


def set_newsletter_preference(session: Session, *, token: str, subscribed: bool, actor: str) -> bool:
    """Change the newsletter consent from the preferences page; True when something changed.

    The link proved the address, so subscribing here is a confirmed opt-in on its own."""
    subject_id, lang = subject_of_preferences(session, token=token)
    current = newsletter_state(session, subject_id=subject_id)
    holds = current is not None and current.state is ConsentState.GIVEN
    if holds == subscribed:
        return False
    _, reg = current_register(session)
    subject = session.get(Subject, subject_id)
    assert subject is not None
    objected = subscribed and _objected(session, subject)
    evidence = {"method": "preferences_page", "link_sha256": hashlib.sha256(token.encode()).hexdigest()}
    event = ledger.record_consent(
        session,
        subject_id=subject_id,
        purpose=PURPOSE,
        state=ConsentState.GIVEN if subscribed else ConsentState.WITHDRAWN,
        channel=Channel.EMAIL_LINK,
        ground=Ground.CONSENT if subscribed or current is None else current.ground,
        notice=ledger.notice_for(session, text=notice_text(reg, lang), language=lang),
        evidence={**evidence, "lifts_objection": True} if objected else evidence,
        actor=actor,
    )
    if objected:
        lift_objection(session, subject=subject, consent=event, actor=actor)
    for email in emails_of(session, subject=subject):
        if subscribed:
            suppression.lift_suppression(session, email=email, actor=actor)
        else:
            suppression.suppress(session, email=email, reason="unsubscribed", actor=actor)
    return True
