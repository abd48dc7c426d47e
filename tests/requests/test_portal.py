"""The public portal: file a request without JavaScript, confirm with the code, follow it — and
learn nothing about whether anyone else is a customer."""

from __future__ import annotations

import re
from typing import Any

from privacydesk.store.db import Database
from tests.requests.conftest import People
from tests.requests.helpers import audit_actions, code_in, outbox

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _csrf(portal: Any, path: str = "/privacy/request") -> str:
    page = portal.get(path)
    assert page.status_code == 200
    match = CSRF.search(page.text)
    assert match
    return match.group(1)


def _file(portal: Any, email: str, *kinds: str, **extra: str) -> Any:
    token = _csrf(portal)
    data = {
        "csrf": token,
        "lang": extra.pop("lang", "nl"),
        "email": email,
        "type": list(kinds or ("access",)),
        **extra,
    }
    return portal.post("/privacy/request", data=data, follow_redirects=False)


def _ref(response: Any) -> str:
    assert response.status_code == 303, response.text[:500]
    match = re.match(r"/privacy/request/([0-9a-f]{32})\?", response.headers["location"])
    assert match
    return match.group(1)


def test_the_form_works_without_javascript_in_dutch_and_english(portal: Any) -> None:
    nl, en = portal.get("/privacy/request"), portal.get("/privacy/request?lang=en")
    assert nl.status_code == en.status_code == 200
    assert "Verzoek versturen" in nl.text and "Send request" in en.text
    assert "<script" not in nl.text
    assert 'method="post" action="/privacy/request"' in nl.text


def test_a_person_files_a_request_and_confirms_it_with_the_code_from_the_email(
    portal: Any, loaded_db: Database, people: People
) -> None:
    ref = _ref(_file(portal, "jan.jansen@example.nl", "access", "erasure", name="Jan Jansen"))
    page = portal.get(f"/privacy/request/{ref}")
    assert 'data-status="awaiting_identity"' in page.text and "Vul je code in" in page.text
    code = code_in([m for m in outbox(loaded_db) if ":identity_code:" in m.key][0].body_text)
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    verified = portal.post(
        f"/privacy/request/{ref}/verify",
        data={"csrf": token, "code": code, "lang": "nl"},
        follow_redirects=True,
    )
    assert 'data-status="verified"' in verified.text


def test_a_wrong_code_and_an_unknown_person_read_exactly_the_same(
    portal: Any, loaded_db: Database, people: People
) -> None:
    known = _ref(_file(portal, "jan.jansen@example.nl"))
    unknown = _ref(_file(portal, "nobody@example.nl"))
    pages = {}
    for ref in (known, unknown):
        token = _csrf(portal, f"/privacy/request/{ref}")
        answer = portal.post(f"/privacy/request/{ref}/verify", data={"csrf": token, "code": "00000000"})
        assert answer.status_code == 400
        pages[ref] = answer.text.replace(ref, "REF").replace(token, "TOKEN")
    assert pages[known] == pages[unknown]
    assert audit_actions(loaded_db).count("identity.code_failed") == 2


def test_the_status_pages_of_known_and_unknown_people_are_identical(portal: Any, people: People) -> None:
    refs = [_ref(_file(portal, "jan.jansen@example.nl")), _ref(_file(portal, "nobody@example.nl"))]
    texts = []
    for ref in refs:
        page = portal.get(f"/privacy/request/{ref}")
        texts.append(CSRF.sub("", page.text.replace(ref, "REF")))
    assert texts[0] == texts[1]


def test_a_guessed_reference_gets_a_404_and_is_audited(portal: Any, loaded_db: Database) -> None:
    for ref in ("0" * 32, "not-a-ref"):
        page = portal.get(f"/privacy/request/{ref}")
        assert page.status_code == 404 and "kunnen we niet vinden" in page.text
    assert audit_actions(loaded_db).count("identity.code_failed") == 2


def test_a_form_without_types_or_email_is_shown_again_with_the_errors(portal: Any) -> None:
    token = _csrf(portal)
    answer = portal.post("/privacy/request", data={"csrf": token, "email": "", "message": "hoi"})
    assert answer.status_code == 400
    assert "Kies minstens één verzoek" in answer.text and "Vul je e-mailadres in" in answer.text
    assert ">hoi</textarea>" in answer.text


def test_an_oversized_submission_gets_a_clear_error_page(portal: Any) -> None:
    token = _csrf(portal)
    answer = portal.post(
        "/privacy/request",
        data={"csrf": token, "email": "a@example.nl", "type": "access", "message": "x" * 100_000},
    )
    assert answer.status_code == 413 and "te veel tekst" in answer.text


def test_a_submission_without_the_form_token_is_refused(portal: Any, loaded_db: Database) -> None:
    answer = portal.post("/privacy/request", data={"email": "a@example.nl", "type": "access"})
    assert answer.status_code == 403
    assert outbox(loaded_db) == []


def test_the_form_is_rate_limited_per_email_address(portal: Any) -> None:
    answers = [_file(portal, "flood@example.nl").status_code for _ in range(4)]
    assert answers == [303, 303, 303, 429]
    assert _file(portal, "other@example.nl").status_code == 303


def test_the_form_is_rate_limited_per_ip(portal: Any) -> None:
    answers = [_file(portal, f"p{n}@example.nl").status_code for n in range(11)]
    assert answers[:10] == [303] * 10 and answers[10] == 429


def test_a_download_link_that_was_never_issued_gets_a_neutral_404(portal: Any, loaded_db: Database) -> None:
    page = portal.get("/privacy/download/forged-token-value")
    assert page.status_code == 404 and "werkt niet (meer)" in page.text
    assert "download.refused" in audit_actions(loaded_db)


def test_a_file_sent_to_the_request_form_is_refused(portal: Any, loaded_db: Database) -> None:
    token = _csrf(portal)
    answer = portal.post(
        "/privacy/request",
        data={"csrf": token, "email": "a@example.nl", "type": "access"},
        files={"attachment": ("x.txt", b"hello", "text/plain")},
    )
    assert answer.status_code == 413
    assert outbox(loaded_db) == []


def test_following_a_request_often_is_fine_but_guessing_references_is_limited(
    portal: Any, people: People
) -> None:
    ref = _ref(_file(portal, "jan.jansen@example.nl"))
    assert all(portal.get(f"/privacy/request/{ref}").status_code == 200 for _ in range(25))
    guesses = [portal.get(f"/privacy/request/{n:032x}").status_code for n in range(21)]
    assert guesses[:20] == [404] * 20 and guesses[20] == 429
