"""The JSON Schema (draft 2020-12) of the portability file: what each field means, for the receiver."""

from __future__ import annotations

from typing import Any

from privacydesk.register.model import Register

SCHEMA_ID = "https://privacydesk.invalid/schemas/portability-v1.json"


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _record_schema(reg: Register) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "kind", "category", "purpose", "source", "created_at", "data"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer", "description": "The record's number in our system."},
            "kind": _string("What the record is: contact, invoice, payment, delivery, call_note, …"),
            "category": _string(
                "The kind of personal data (register key).", enum=[c.key for c in reg.categories]
            ),
            "purpose": _string("Why we held it (register key).", enum=[p.key for p in reg.purposes]),
            "source": _string("Where it came from; always data_subject here (you gave it)."),
            "created_at": _string("When we stored it.", format="date-time"),
            "event_on": {"type": ["string", "null"], "format": "date", "description": "The event date."},
            "expires_on": {"type": ["string", "null"], "format": "date", "description": "Deletion date."},
            "restricted": {"type": "boolean", "description": "Whether its use was restricted."},
            "data": {"type": "object", "description": "The values, as field name and value."},
        },
    }


def portability_schema(reg: Register) -> dict[str, Any]:
    """The schema of `data.json` in a portability ZIP, with the register's keys as enums."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"Personal data provided to {reg.controller.display_name} (GDPR art. 20)",
        "type": "object",
        "required": ["subject", "identifiers", "records"],
        "additionalProperties": False,
        "properties": {
            "subject": {
                "type": "object",
                "required": ["reference", "type", "since"],
                "properties": {
                    "reference": _string("Our pseudonymous reference for you."),
                    "type": _string("Your relation to us.", enum=[s.key for s in reg.subject_types]),
                    "since": _string("When we first stored data about you.", format="date-time"),
                },
            },
            "identifiers": {
                "type": "array",
                "description": "Your contact details as you gave them.",
                "items": {
                    "type": "object",
                    "required": ["kind", "value"],
                    "properties": {
                        "kind": _string("email, phone, iban, name, address or postcode."),
                        "value": _string("The value."),
                    },
                },
            },
            "records": {"type": "array", "items": _record_schema(reg)},
            "messages": {
                "type": "array",
                "description": "Messages you sent us.",
                "items": {
                    "type": "object",
                    "required": ["sent_at", "channel", "body"],
                    "properties": {
                        "id": {"type": "integer"},
                        "sent_at": _string("When it was sent.", format="date-time"),
                        "direction": _string("Always 'in': from you to us.", enum=["in"]),
                        "channel": _string("email, phone or whatsapp."),
                        "subject": _string("The subject line."),
                        "from": _string("The sender."),
                        "to": {"type": "array", "items": {"type": "string"}},
                        "body": _string("The text."),
                        "attachments": {"type": "array", "description": "Names and sizes of attachments."},
                    },
                },
            },
        },
    }
