"""The art. 15 answer: every element the article requires, generated from the register and the data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from privacydesk.register.load import load_register
from privacydesk.register.model import Register
from privacydesk.subject_requests.fulfil.report import AccessReport, build_report, render_html, render_pdf
from tests.conftest import OCQTO_REGISTER
from tests.fulfil.sample import contact_of_customer, customer


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register(OCQTO_REGISTER).register


def _report(register: Register, lang: str = "en", data=None) -> AccessReport:  # type: ignore[no-untyped-def]
    return build_report(register, data or customer(), lang=lang, made_on=date(2026, 11, 25), reference="R-1")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_report_has_every_section_article_15_requires(register: Register, lang: str) -> None:
    html = render_html(_report(register, lang))
    for section in (
        "confirmation",
        "data",
        "purposes",
        "categories",
        "recipients",
        "retention",
        "rights",
        "complaint",
        "source",
        "automated",
        "withheld",
        "contact",
    ):
        assert f'id="{section}"' in html
    assert "autoriteitpersoonsgegevens.nl" in html
    assert "hallo@pincqofficesupport.nl" in html


def test_the_copy_holds_every_value_of_the_subject(register: Register) -> None:
    html = render_html(_report(register))
    for value in (
        "Marieke de Vries",
        "marieke@example.nl",
        "+31612345678",
        "2026-0042",
        "Kerkstraat 1",
        "Vraag over mijn factuur",
    ):
        assert value in html


def test_purposes_come_with_their_legal_basis_from_the_register(register: Register) -> None:
    report = _report(register)
    purposes = {row.cells[0]: row.cells[1] for row in report.purposes}
    assert purposes["Handling your payment"] == "Performance of a contract (GDPR art. 6(1)(b))"
    assert purposes["Sending our newsletter and/or advertising leaflet"].startswith(
        "Consent (GDPR art. 6(1)(a))"
    )
    nl = {row.cells[0]: row.cells[1] for row in _report(register, "nl").purposes}
    assert nl["Het afhandelen van jouw betaling"].endswith("(AVG art. 6 lid 1 onder b)")


def test_recipients_say_which_ones_received_this_persons_data(register: Register) -> None:
    received = {row.cells[0]: row.cells[3] for row in _report(register).recipients}
    assert received["Boekhoudprogramma"] == "yes"  # payment: her invoice goes to the bookkeeping
    assert received["Manychat"] == "yes"  # newsletter: her e-mail address


def test_a_recipient_of_the_purpose_that_gets_none_of_her_categories_is_marked_no(register: Register) -> None:
    data = customer()
    email_only = [replace(r, purpose="payment") for r in data.records if r.category == "email"][:1]
    received = {
        row.cells[0]: row.cells[3]
        for row in _report(register, data=replace(data, records=email_only)).recipients
    }
    assert received == {"Boekhoudprogramma": "yes", "Knab": "no"}  # the bank receives no e-mail addresses


def test_outside_the_eea_the_transfer_safeguard_is_named(register: Register) -> None:
    rows = {row.cells[0]: row.cells[2] for row in _report(register).recipients}
    assert rows["Manychat"] == "US; standard contractual clauses (art. 46)"
    assert rows["WhatsApp"].endswith("EU-US Data Privacy Framework (art. 45)")


def test_retention_shows_the_deletion_date_or_that_the_clock_has_not_started(register: Register) -> None:
    rows = {(row.cells[0], row.cells[1]): row.cells[3] for row in _report(register).retention}
    assert rows[("Invoices and payments", "Handling your payment")] == "2033-12-31"
    assert rows[("Address", "Delivering goods and services to you")].startswith("not yet known")


def test_data_from_a_customers_contact_list_names_that_source_and_withholds_the_customer(
    register: Register,
) -> None:
    report = _report(register, data=contact_of_customer())
    assert report.sources[0].cells[0].startswith("From the contact list that one of our customers shared")
    assert any("Which customer had your details" in line for line in report.withheld)


def test_a_customers_contact_list_is_withheld_with_the_reason(register: Register) -> None:
    report = _report(register)
    assert report.sources == []  # everything came from her
    assert any(line.startswith("37 people from the contact list") for line in report.withheld)
    assert "GDPR art. 15(4)" in render_html(report)


def test_the_report_says_no_automated_decisions_are_taken(register: Register) -> None:
    report = _report(register)
    assert report.automated == []
    assert "takes no decisions about you made by a computer alone" in render_html(report)


def test_values_are_escaped_in_the_html(register: Register) -> None:
    data = customer()
    evil = replace(data, identifiers=[("name", "<script>x</script>")])
    html = render_html(_report(register, data=evil))
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_the_report_renders_as_a_pdf(register: Register) -> None:
    pdf = render_pdf(render_html(_report(register, "nl")))
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


def test_names_stored_in_lower_case_are_shown_capitalised_with_dutch_particles(register: Register) -> None:
    data = replace(customer(), identifiers=[("name", "marieke van der berg")])
    assert _report(register, data=data).identifiers[0].cells == ["Name", "Marieke van der Berg"]


def test_the_stylesheet_is_embedded_unescaped(register: Register) -> None:
    html = render_html(_report(register))
    assert 'font-family: "DejaVu Sans"' in html and "&#34;" not in html
