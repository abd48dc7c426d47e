"""Comparing two registers in words an owner understands (pure: no database)."""

from __future__ import annotations

from privacydesk.register.load import load_register_text
from privacydesk.register.model import Register
from privacydesk.statement.diff import compare
from tests.statement.conftest import REGISTER_TEXT, ocqto_with


def reg(text: str) -> Register:
    return load_register_text(text).register


def test_the_same_register_has_no_changes() -> None:
    assert compare(reg(REGISTER_TEXT), reg(REGISTER_TEXT)) == []


def test_an_added_recipient_is_named_with_its_role_country_and_safeguard() -> None:
    changes = compare(reg(REGISTER_TEXT), reg(ocqto_with(recipient=True)))
    assert changes[0].material
    assert changes[0].text == (
        "New recipient: Mailchimp (processor, based in the United States; "
        "data goes to the United States under the EU-US Data Privacy Framework)"
    )
    assert any(
        c.text == "'Sending our newsletter and/or advertising leaflet' is now also shared with: Mailchimp"
        for c in changes
    )


def test_a_removed_recipient_is_not_material() -> None:
    changes = compare(reg(ocqto_with(recipient=True)), reg(REGISTER_TEXT))
    assert "Recipient removed: Mailchimp" in [c.text for c in changes]
    assert not any(c.material for c in changes)


def test_a_changed_retention_period_names_the_purpose_and_both_terms() -> None:
    changes = compare(reg(REGISTER_TEXT), reg(ocqto_with(retention=True)))
    payment = [c for c in changes if "'Handling your payment'" in c.text]
    assert payment[0].text == (
        "Retention for 'Handling your payment' changed: "
        "'7 years after the end of the financial year, because tax law requires it' (P7Y) → "
        "'10 years after the end of the financial year, because tax law requires it' (P10Y)"
    )
    assert not any(c.material for c in changes)


def test_a_new_cookie_needing_consent_is_material() -> None:
    [change] = compare(reg(REGISTER_TEXT), reg(ocqto_with(cookie="consent")))
    assert change.material
    assert (
        change.text
        == "New cookie that needs consent: test_consent (analytics, first party, P1M, needs consent)"
    )


def test_a_new_cookie_without_consent_is_not_material() -> None:
    [change] = compare(reg(REGISTER_TEXT), reg(ocqto_with(cookie="no_consent")))
    assert not change.material and change.text.startswith("New cookie: test_no_consent (functional")


def test_a_new_purpose_is_material_and_a_removed_one_is_said_plainly() -> None:
    fewer = REGISTER_TEXT.replace("  - key: delivery\n", "  - key: delivery_gone\n")
    changes = {c.text: c.material for c in compare(reg(REGISTER_TEXT), reg(fewer))}
    assert changes["New purpose: 'Delivering goods and services to you' (contract)"] is True
    assert changes["Purpose removed: 'Delivering goods and services to you'"] is False
