"""The portal's consent pages: subscribe, confirm, unsubscribe (page and RFC 8058), preferences."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from privacydesk.consent import newsletter
from privacydesk.store.models.consent import ConsentEvent
from tests.consent.conftest import last_mail, link_in

ADDRESS = "lezer@example.nl"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _events(db) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with db.session_scope() as session:
        return [(e.purpose, e.state, e.channel) for e in session.execute(select(ConsentEvent)).scalars()]


def _csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = CSRF.search(client.get(path).text)
    assert found
    return found.group(1)


def _subscribe(client, db, email: str = ADDRESS) -> None:  # type: ignore[no-untyped-def]
    csrf = _csrf(client, "/privacy/newsletter")
    response = client.post("/privacy/newsletter", data={"csrf": csrf, "email": email, "lang": "nl"})
    assert response.status_code == 200 and "Kijk in je mailbox" in response.text
    token = link_in(last_mail(db, email), "/privacy/newsletter/confirm")
    assert client.post(f"/privacy/newsletter/confirm/{token}").status_code == 200


def test_the_form_asks_without_anything_pre_ticked(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/privacy/newsletter")
    assert page.status_code == 200 and 'type="email"' in page.text and "checked" not in page.text
    assert 'src="/consent.js"' not in page.text  # the banner never stands between a person and a form


def test_subscribing_without_the_form_token_is_refused(client, loaded_db) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/privacy/newsletter", data={"email": ADDRESS})
    assert response.status_code == 403


def test_a_bad_address_is_shown_on_the_form(client) -> None:  # type: ignore[no-untyped-def]
    csrf = _csrf(client, "/privacy/newsletter")
    response = client.post("/privacy/newsletter", data={"csrf": csrf, "email": "geen adres"})
    assert response.status_code == 422 and "geldig e-mailadres" in response.text


def test_opening_the_confirmation_link_changes_nothing_until_the_button(client, loaded_db) -> None:  # type: ignore[no-untyped-def]
    csrf = _csrf(client, "/privacy/newsletter")
    client.post("/privacy/newsletter", data={"csrf": csrf, "email": ADDRESS})
    token = link_in(last_mail(loaded_db, ADDRESS), "/privacy/newsletter/confirm")
    page = client.get(f"/privacy/newsletter/confirm/{token}")
    assert page.status_code == 200 and "Bevestig" in page.text
    assert _events(loaded_db) == []
    assert "Je bent aangemeld" in client.post(f"/privacy/newsletter/confirm/{token}").text
    assert _events(loaded_db) == [("newsletter", "given", "form")]


def test_a_bad_link_gets_a_clear_page_and_changes_nothing(client, loaded_db) -> None:  # type: ignore[no-untyped-def]
    for path in ("/privacy/newsletter/confirm/nonsense", "/unsubscribe/12.forged", "/privacy/preferences/x"):
        page = client.get(path)
        assert page.status_code == 404 and "Er is niets veranderd" in page.text
    assert client.post("/unsubscribe/12.forged", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert _events(loaded_db) == []


def _subject_id(db) -> int:  # type: ignore[no-untyped-def]
    with db.session_scope() as session:
        return int(session.execute(select(func.max(ConsentEvent.subject_id))).scalar_one())


def test_rfc_8058_one_click_unsubscribe_works_without_login(client, loaded_db, settings) -> None:  # type: ignore[no-untyped-def]
    _subscribe(client, loaded_db)
    url = newsletter.unsubscribe_url(settings, subject_id=_subject_id(loaded_db))
    path = url[url.index("/unsubscribe/") :]
    response = client.post(path, content=b"List-Unsubscribe=One-Click",
                           headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code == 200
    assert _events(loaded_db)[-1] == ("newsletter", "withdrawn", "email_link")


def test_the_unsubscribe_page_takes_one_click(client, loaded_db, settings) -> None:  # type: ignore[no-untyped-def]
    _subscribe(client, loaded_db)
    path = "/unsubscribe/" + newsletter.unsubscribe_token(settings, subject_id=_subject_id(loaded_db))
    page = client.get(path)
    assert page.status_code == 200 and "Afmelden" in page.text and _events(loaded_db)[-1][1] == "given"
    done = client.post(path, data={"List-Unsubscribe": "One-Click", "via": "page", "lang": "nl"})
    assert "Je bent afgemeld" in done.text
    assert _events(loaded_db)[-1][1] == "withdrawn"


def test_preferences_through_the_magic_link(client, loaded_db) -> None:  # type: ignore[no-untyped-def]
    _subscribe(client, loaded_db)
    csrf = _csrf(client, "/privacy/preferences")
    answer = client.post("/privacy/preferences", data={"csrf": csrf, "email": ADDRESS.upper(), "lang": "nl"})
    assert "Als we dit adres kennen" in answer.text
    token = link_in(last_mail(loaded_db, ADDRESS), "/privacy/preferences")
    page = client.get(f"/privacy/preferences/{token}")
    assert page.status_code == 200 and "Je ontvangt deze nu" in page.text
    assert 'src="/consent.js"' in page.text
    saved = client.post(f"/privacy/preferences/{token}", data={"csrf": CSRF.search(page.text).group(1)})  # type: ignore[union-attr]
    assert "Opgeslagen" in saved.text and "Je ontvangt deze niet" in saved.text
    assert _events(loaded_db)[-1] == ("newsletter", "withdrawn", "email_link")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, loaded_db) -> None:  # type: ignore[no-untyped-def]
    csrf = _csrf(client, "/privacy/preferences")
    answer = client.post("/privacy/preferences", data={"csrf": csrf, "email": "onbekend@example.nl"})
    assert answer.status_code == 200 and "Als we dit adres kennen" in answer.text


def _sign_up(client, email: str, path: str = "/privacy/newsletter", lang: str = "nl"):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf": _csrf(client, path), "email": email, "lang": lang})


def _mails(db) -> int:  # type: ignore[no-untyped-def]
    from privacydesk.store.models.requests import OutboxMessage

    with db.session_scope() as session:
        return int(session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one())


def test_signing_up_one_address_too_often_gets_a_clear_429_and_no_mail(client, loaded_db) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        assert _sign_up(client, ADDRESS).status_code == 200
    sent = _mails(loaded_db)
    refused = _sign_up(client, ADDRESS.upper(), lang="en")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
    assert "Please wait a while" in refused.text and "nothing was sent" in refused.text
    assert _mails(loaded_db) == sent
    assert _sign_up(client, "iemand-anders@example.nl").status_code == 200  # other addresses still work


def test_signing_up_many_addresses_from_one_place_is_limited_too(client, loaded_db) -> None:  # type: ignore[no-untyped-def]
    for n in range(10):
        assert _sign_up(client, f"lezer{n}@example.nl").status_code == 200
    refused = _sign_up(client, "nog-een@example.nl")
    assert refused.status_code == 429 and "Even geduld" in refused.text and 'role="alert"' in refused.text


def test_the_preferences_link_form_shares_the_budget(client, loaded_db) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        assert _sign_up(client, ADDRESS).status_code == 200
    assert _sign_up(client, ADDRESS, path="/privacy/preferences").status_code == 200
    assert _sign_up(client, ADDRESS, path="/privacy/preferences").status_code == 429
