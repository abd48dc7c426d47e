"""Demo people: customers with addresses, bank accounts and invoices over several years, phone
notes, two customers' contact lists, and a few prospects. All synthetic, from a fixed seed.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random
from typing import Any

from stdnum import iban as stdnum_iban

from privacydesk import audit
from privacydesk.demo import DemoContext
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.subjects import Subject
from privacydesk.subjects import add_record, create_subject

ORDER = 10
FIRST = (
    "Jan",
    "Sanne",
    "Pieter",
    "Fleur",
    "Daan",
    "Lotte",
    "Bram",
    "Eva",
    "Thijs",
    "Noor",
    "Ruben",
    "Iris",
    "Sem",
    "Julia",
    "Lars",
    "Anouk",
    "Milan",
    "Femke",
    "Joris",
    "Marloes",
)
LAST = (
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
)
STREETS = ("Bloemenweg", "Dorpsstraat", "Kerkstraat", "Molenweg", "Havenkade", "Zeedijk", "Voorstraat")
TOWNS = (
    ("3247", "Dirksland"),
    ("3241", "Middelharnis"),
    ("3244", "Nieuwe-Tonge"),
    ("3251", "Stellendam"),
    ("3252", "Goedereede"),
    ("3261", "Oud-Beijerland"),
)
BANKS = ("ABNA", "RABO", "INGB", "KNAB", "TRIO", "BUNQ")
NOTES = (
    "Belde over de planning van volgende week.",
    "Vraagt om een kopie van de factuur.",
    "Wil de administratie per kwartaal laten doen.",
    "Terugbelverzoek over de offerte.",
)


def demo_iban(rng: Random) -> str:
    """A valid Dutch IBAN (check digits computed) for a made-up bank account."""
    bank, account = rng.choice(BANKS), f"{rng.randrange(10**9, 10**10)}"
    check = stdnum_iban.calc_check_digits(f"NL00{bank}{account}")
    return f"NL{check}{bank}{account}"


def _phone(rng: Random) -> str:
    return f"06{rng.randrange(1, 6)}{rng.randrange(1_000_000, 9_999_999)}"  # Dutch mobiles are 061-065


def _keep(ctx: DemoContext, keyring: Keyring, subject: Subject, **values: Any) -> None:
    """Store a demo value through the real service (the register refuses what it does not allow)."""
    add_record(
        ctx.session, keyring=keyring, register=ctx.register, subject=subject, actor=ctx.actor, **values
    )


def _customer(ctx: DemoContext, keyring: Keyring, number: int) -> Subject:
    rng = ctx.rng
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    email = f"{first.lower()}.{last.lower().replace(' ', '')}{number}@example.nl"
    code, town = rng.choice(TOWNS)
    street = f"{rng.choice(STREETS)} {rng.randrange(1, 120)}"
    postcode = f"{code} {rng.choice('ABCDEGHJKL')}{rng.choice('ABCDEGHJKL')}"
    iban, phone = demo_iban(rng), _phone(rng)
    subject = create_subject(
        ctx.session,
        keyring=keyring,
        register=ctx.register,
        subject_type="customer",
        identifiers={
            "name": [name],
            "email": [email],
            "phone": [phone],
            "iban": [iban],
            "postcode": [postcode],
        },
        actor=ctx.actor,
    )
    since = ctx.today - timedelta(days=rng.randrange(60, 365 * 8))
    values = [
        ("name", "payment", {"name": name}),
        ("email", "payment", {"email": email}),
        ("phone", "service_contact", {"phone": phone}),
        ("address", "delivery", {"street": street, "postcode": postcode, "city": town}),
        ("bank_account", "payment", {"iban": iban}),
    ]
    for category, purpose, payload in values:
        _keep(
            ctx,
            keyring,
            subject,
            kind="contact",
            category=category,
            purpose=purpose,
            source="data_subject",
            payload=payload,
            event_on=since,
        )
    _invoices(ctx, keyring, subject, since, iban)
    if rng.random() < 0.5:
        _keep(
            ctx,
            keyring,
            subject,
            kind="call_note",
            category="correspondence",
            purpose="service_contact",
            source="data_subject",
            payload={"note": rng.choice(NOTES)},
            event_on=ctx.today - timedelta(days=rng.randrange(1, 900)),
        )
    if rng.random() < 0.2:
        subject.relationship_ended_on = ctx.today - timedelta(days=rng.randrange(30, 800))
    subject.last_contact_on = ctx.today - timedelta(days=rng.randrange(1, 700))
    ctx.shared.setdefault("customer_contacts", []).append((name, email, phone))
    return subject


def _invoices(ctx: DemoContext, keyring: Keyring, subject: Subject, since: date, iban: str) -> None:
    day, n = since, 0
    while day < ctx.today:
        n += 1
        amount = f"{ctx.rng.randrange(45, 1800)}.{ctx.rng.randrange(0, 100):02d}"
        _keep(
            ctx,
            keyring,
            subject,
            kind="invoice",
            category="invoices",
            purpose="tax",
            source="data_subject",
            payload={
                "number": f"{day.year}-{subject.id:03d}{n:02d}",
                "date": day.isoformat(),
                "amount": amount,
                "iban": iban,
            },
            event_on=day,
        )
        day += timedelta(days=ctx.rng.randrange(90, 400))


def _contact_list(ctx: DemoContext, keyring: Keyring, owner: Subject, size: int) -> None:
    for _ in range(size):
        name = f"{ctx.rng.choice(FIRST)} {ctx.rng.choice(LAST)}"
        phone = _phone(ctx.rng)
        contact = create_subject(
            ctx.session,
            keyring=keyring,
            register=ctx.register,
            subject_type="customer_contact",
            identifiers={"name": [name], "phone": [phone]},
            owner_id=owner.id,
            actor=ctx.actor,
        )
        for category, payload in (("name", {"name": name}), ("phone", {"phone": phone})):
            _keep(
                ctx,
                keyring,
                contact,
                kind="contact_list_entry",
                category=category,
                purpose="customer_contacts",
                source="customer_app_import",
                payload=payload,
            )


def seed(ctx: DemoContext) -> None:
    keyring = Keyring.from_settings(ctx.settings)
    customers = [_customer(ctx, keyring, n) for n in range(1, 41)]
    for owner, size in ((customers[0], 14), (customers[1], 9)):
        _contact_list(ctx, keyring, owner, size)
    for n in range(1, 6):
        name = f"{ctx.rng.choice(FIRST)} {ctx.rng.choice(LAST)}"
        prospect = create_subject(
            ctx.session,
            keyring=keyring,
            register=ctx.register,
            subject_type="prospect",
            identifiers={"name": [name], "email": [f"prospect{n}@example.com"]},
            actor=ctx.actor,
        )
        _keep(
            ctx,
            keyring,
            prospect,
            kind="contact",
            category="email",
            purpose="service_contact",
            source="data_subject",
            payload={"email": f"prospect{n}@example.com"},
            event_on=ctx.today,
        )
    ctx.shared["customers"] = [c.id for c in customers]
    audit.record(
        ctx.session,
        action=audit.Action.IMPORT_COMPLETED,
        actor=ctx.actor,
        target_type="import",
        details={"kind": "demo", "customers": len(customers)},
    )
    ctx.notes.append(f"demo people: {len(customers)} customers with invoices, 2 contact lists, 5 prospects")
