"""The breach pages: the privacy officer records a breach and sees the clock, the AP form's answers
and the letters; staff and auditors are kept out; bad input is shown next to its field."""

from __future__ import annotations

import re
from typing import Any

from privacydesk.store.db import Database
from tests.conftest import Person
from tests.web.conftest import log_in


def _new(session: Any, csrf: str, **fields: Any) -> Any:
    data = {
        "description": "A laptop with the bookkeeping export was stolen from a car.",
        "nature": "confidentiality",
        "category": "bank_account",
        "people": "40",
        "csrf": csrf,
        **fields,
    }
    return session.post("/admin/breaches", data=data, follow_redirects=False)


def test_the_privacy_officer_records_a_breach_and_gets_the_clock_the_form_answers_and_the_letter(
    client: Any, loaded_db: Database, privacy_officer: Person
) -> None:
    logged = log_in(client, loaded_db, privacy_officer)
    page = client.get("/admin/breaches")
    created = _new(client, logged.csrf)
    assert page.status_code == 200 and created.status_code == 303
    detail = client.get(created.headers["location"])
    text = re.sub(r"\s+", " ", detail.text)
    assert "Notify the Autoriteit Persoonsgegevens before" in text and "hours left" in text
    assert "Aantal betrokkenen (bij benadering)</dt><dd>40" in text.replace("> <", "><")
    assert "Tell the people affected" in text  # bank accounts: a high risk
    assert "Beste heer, mevrouw" in text and "Dear Sir or Madam" in text
    csrf = re.search(r'name="csrf" value="([^"]+)"', detail.text)
    assert csrf
    client.post(
        created.headers["location"] + "/notify",
        data={"whom": "ap", "reference": "AP-1", "csrf": csrf.group(1)},
    )
    assert "(reference AP-1)" in client.get(created.headers["location"]).text


def test_a_breach_without_description_or_nature_is_refused_next_to_the_fields(
    client: Any, loaded_db: Database, privacy_officer: Person
) -> None:
    logged = log_in(client, loaded_db, privacy_officer)
    response = _new(client, logged.csrf, description="x", nature="")
    assert response.status_code == 422
    assert 'id="description-error"' in response.text and 'id="nature-error"' in response.text


def test_staff_and_auditors_cannot_open_the_breach_register(
    client: Any, loaded_db: Database, staff: Person, auditor: Person
) -> None:
    for person in (staff, auditor):
        log_in(client, loaded_db, person)
        assert client.get("/admin/breaches").status_code == 403
        client.cookies.clear()


def test_a_form_without_its_csrf_token_is_refused(
    client: Any, loaded_db: Database, privacy_officer: Person
) -> None:
    log_in(client, loaded_db, privacy_officer)
    assert _new(client, "forged").status_code == 403


def test_today_counts_down_to_the_ap_deadline_and_lists_broken_promises(
    client: Any, loaded_db: Database, privacy_officer: Person
) -> None:
    logged = log_in(client, loaded_db, privacy_officer)
    created = _new(client, logged.csrf)
    today = re.sub(r"\s+", " ", client.get("/admin").text)
    ref = created.headers["location"].rsplit("/", 1)[1]
    assert f"Breach {ref}</a>:" in today and "hours left</strong> of the 72" in today
    assert "Is the statement true?" in today
