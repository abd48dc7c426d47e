"""A plain-data subject (no database) for the report, export and schema tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from privacydesk.subject_requests.fulfil.subject_data import MessageData, OthersData, RecordData, SubjectData

AT = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


def _record(
    i: int, kind: str, category: str, purpose: str, payload: dict[str, object], **kw: object
) -> RecordData:
    values: dict[str, object] = {
        "id": i,
        "kind": kind,
        "category": category,
        "purpose": purpose,
        "source": "data_subject",
        "created_at": AT,
        "event_on": None,
        "expires_on": None,
        "restricted": False,
        "payload": payload,
    }
    values.update(kw)
    return RecordData(**values)  # type: ignore[arg-type]


def customer() -> SubjectData:
    records = [
        _record(1, "contact", "name", "service_contact", {"name": "Marieke de Vries"}),
        _record(2, "contact", "email", "service_contact", {"email": "marieke@example.nl"}),
        _record(
            3,
            "invoice",
            "invoices",
            "payment",
            {"number": "2026-0042", "amount": "121.00", "date": "2026-03-01", "iban": "NL91ABNA0417164300"},
            event_on=date(2026, 3, 1),
            expires_on=date(2033, 12, 31),
        ),
        _record(
            4,
            "contact",
            "address",
            "delivery",
            {"street": "Kerkstraat 1", "postcode": "3247 AB", "city": "Dirksland"},
        ),
        _record(5, "contact", "email", "newsletter", {"email": "marieke@example.nl"}, expires_on=None),
    ]
    messages = [
        MessageData(
            11,
            AT,
            "in",
            "email",
            "from",
            "Vraag over mijn factuur",
            "Beste Ocqto, klopt dit bedrag?",
            "Marieke de Vries <marieke@example.nl>",
            ["hallo@ocqto.nl"],
            [{"name": "factuur.pdf", "size": 2048}],
        ),
    ]
    identifiers = [("name", "Marieke de Vries"), ("email", "marieke@example.nl"), ("phone", "+31612345678")]
    others = OthersData(contacts_from_their_list=37, contact_list_imported_on=[date(2026, 2, 14)])
    return SubjectData(
        "a1b2c3d4e5f60718293a4b5c6d7e8f90", "customer", AT, identifiers, records, messages, others
    )


def contact_of_customer() -> SubjectData:
    records = [
        _record(
            21,
            "contact_list_entry",
            "contact_list",
            "customer_contacts",
            {"name": "Piet Jansen", "phone": "+31687654321"},
            source="customer_app_import",
        ),
    ]
    return SubjectData(
        "0f0e0d0c0b0a09080706050403020100",
        "customer_contact",
        AT,
        [("name", "Piet Jansen"), ("phone", "+31687654321")],
        records,
        [],
        OthersData(owner_withheld=True),
    )
