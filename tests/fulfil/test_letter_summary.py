"""The answer letter's lines say what was erased, what was kept, why and until when."""

from __future__ import annotations

from datetime import date

from privacydesk.register.load import load_register
from privacydesk.subject_requests.fulfil.letters import summary_lines
from privacydesk.subject_requests.fulfil.result import Erased, Kept, Summary
from tests.conftest import OCQTO_REGISTER

REGISTER = load_register(OCQTO_REGISTER).register


def _summary() -> Summary:
    return Summary(
        request_type="erasure",
        subject_ref="ab" * 16,
        erased=[Erased("email", "newsletter", 1)],
        kept=[Kept("invoices", "payment", 2, "AWR art. 52", date(2033, 12, 31))],
        notify_recipients=["manychat"],
        key_destroyed=False,
        suppressed=True,
    )


def test_the_dutch_letter_names_what_was_erased_and_kept_until_when() -> None:
    lines = summary_lines(REGISTER, _summary(), lang="nl")
    assert (
        lines[0]
        == "Verwijderd: E-mailadres (Verzenden van onze nieuwsbrief en/of reclamefolder), 1 gegeven(s)."
    )
    assert "Facturen en betalingen" in lines[1] and "AWR art. 52" in lines[1] and "31-12-2033" in lines[1]
    assert lines[-1] == "Wij hebben Manychat gevraagd hetzelfde te doen (AVG art. 19)."


def test_the_english_letter_says_the_address_is_only_kept_as_a_hash() -> None:
    lines = summary_lines(REGISTER, _summary(), lang="en")
    assert any("kept only as an unreadable code on our block list" in line for line in lines)


def test_the_summary_serialises_to_plain_json_values() -> None:
    as_dict = _summary().as_dict()
    assert as_dict["kept"][0] == {
        "category": "invoices",
        "purpose": "payment",
        "records": 2,
        "reason": "AWR art. 52",
        "until": "2033-12-31",
    }
