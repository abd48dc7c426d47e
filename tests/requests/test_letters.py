"""Every letter renders in Dutch and English from the register's contact details, with a subject
line, the request's reference, and — where the law asks — the complaint route to the AP."""

from __future__ import annotations

from datetime import date

import pytest

from privacydesk.register.model import Register
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.subject_requests.letters import LETTERS, render_letter

VALUES = {
    "promised": date(2026, 4, 24),
    "legal": date(2026, 4, 28),
    "status_url": "https://x/privacy/request/r",
    "code": "1234 5678",
    "minutes": 30,
    "verify_url": "https://x/v",
    "reason": "De reden.",
    "lines": ["Verwijderd: iets."],
    "download_url": "https://x/d",
    "download_until": date(2026, 5, 12),
    "no_data": False,
    "transfer_to": None,
    "transfer_sent": False,
    "transfer_urls": [],
    "download_urls": ["https://x/t"],
}
NEEDS_COMPLAINT_ROUTE = {"extension", "answer", "refusal"}


def _request(lang: str) -> SubjectRequest:
    return SubjectRequest(
        ref="ab" * 16, kinds=["access", "erasure"], lang=lang, received_on=date(2026, 3, 27)
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", LETTERS)
def test_every_letter_renders_with_contact_details_and_reference(
    name: str, lang: str, register: Register
) -> None:
    letter = render_letter(name, lang=lang, register=register, request=_request(lang), **VALUES)
    assert letter.subject and "\n" not in letter.subject
    assert "ab" * 16 in letter.body and register.controller.email in letter.body
    assert register.controller.dpo.name in letter.body
    if name in NEEDS_COMPLAINT_ROUTE:
        assert (
            "Autoriteit Persoonsgegevens" in letter.body
            and str(register.rights.complaint_authority.url) in letter.body
        )


def test_dates_are_written_out_in_the_letters_language(register: Register) -> None:
    nl = render_letter("acknowledgement", lang="nl", register=register, request=_request("nl"), **VALUES)
    en = render_letter("acknowledgement", lang="en", register=register, request=_request("en"), **VALUES)
    assert "27 maart 2026" in nl.body and "28 april 2026" in nl.body
    assert "27 March 2026" in en.body and "28 April 2026" in en.body
