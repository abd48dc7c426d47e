"""The portal's privacy statement: /privacy (Dutch by default, English by ?lang=en or the browser),
/privacy/versions and /privacy/v/N, with ETag, Last-Modified, Cache-Control and Vary."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date

import pytest

from privacydesk.config import Settings
from privacydesk.register.load import load_register_text
from privacydesk.register.service import store_register_version
from privacydesk.statement.versions import publish_statement
from privacydesk.store.db import Database
from privacydesk.web.app import create_app
from tests.statement.conftest import ocqto_with

with warnings.catch_warnings():
    # Starlette's TestClient warns about its httpx transport on import; the client itself is fine.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def publish(db: Database, day: date) -> None:
    with db.session_scope() as session:
        publish_statement(session, effective_date=day, actor="test")


@pytest.fixture
def client(settings: Settings, loaded_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, loaded_db)) as test_client:
        yield test_client


@pytest.fixture
def two_versions(loaded_db: Database) -> Database:
    publish(loaded_db, date(2026, 11, 25))
    with loaded_db.session_scope() as session:
        store_register_version(session, loaded=load_register_text(ocqto_with(recipient=True)), actor="test")
    publish(loaded_db, date(2026, 12, 1))
    return loaded_db


def test_privacy_is_dutch_by_default(client: TestClient, loaded_db: Database) -> None:
    publish(loaded_db, date(2026, 11, 25))
    page = client.get("/privacy", headers={"Accept-Language": ""})
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    assert "<h1>Privacyverklaring Ocqto Support</h1>" in page.text
    assert "Versie 1 · geldig vanaf 25 november 2026" in page.text


def test_privacy_is_english_with_lang_en_or_an_english_browser(
    client: TestClient, loaded_db: Database
) -> None:
    publish(loaded_db, date(2026, 11, 25))
    assert '<html lang="en">' in client.get("/privacy?lang=en").text
    browser = client.get("/privacy", headers={"Accept-Language": "en-GB,en;q=0.9,nl;q=0.4"})
    assert "Autoriteit Persoonsgegevens (Dutch Data Protection Authority)" in browser.text
    dutch_first = client.get("/privacy", headers={"Accept-Language": "nl-BE, en;q=0.5"})
    assert '<html lang="nl">' in dutch_first.text
    assert '<html lang="nl">' in client.get("/privacy?lang=de", headers={"Accept-Language": "de"}).text


def test_before_anything_is_published_privacy_shows_the_register_in_force(client: TestClient) -> None:
    page = client.get("/privacy?lang=nl")
    assert page.status_code == 200
    assert "Versie 2026.1 · geldig vanaf 25 november 2026" in page.text


def test_privacy_carries_caching_headers_and_answers_304(client: TestClient, loaded_db: Database) -> None:
    publish(loaded_db, date(2026, 11, 25))
    page = client.get("/privacy?lang=nl")
    assert page.headers["cache-control"] == "public, max-age=300"
    assert page.headers["vary"] == "Accept-Language"
    assert page.headers["etag"].startswith('"')
    assert page.headers["last-modified"].endswith(" GMT")
    same = client.get("/privacy?lang=nl", headers={"If-None-Match": page.headers["etag"]})
    assert same.status_code == 304 and same.content == b""
    assert same.headers["etag"] == page.headers["etag"]
    unchanged = client.get("/privacy?lang=nl", headers={"If-Modified-Since": page.headers["last-modified"]})
    assert unchanged.status_code == 304
    other = client.get("/privacy?lang=en", headers={"If-None-Match": page.headers["etag"]})
    assert other.status_code == 200, "the English page is another representation"


def test_the_page_needs_no_inline_style_and_links_its_stylesheet(
    client: TestClient, loaded_db: Database
) -> None:
    publish(loaded_db, date(2026, 11, 25))
    page = client.get("/privacy")
    assert "<style" not in page.text and " style=" not in page.text
    assert '<link rel="stylesheet" href="/privacy/statement.css?v=' in page.text
    css = client.get("/privacy/statement.css")
    assert css.headers["content-type"].startswith("text/css")
    assert "--brand: #7a3e9d" in css.text, "the business's colour from the register"
    assert (
        client.get("/privacy/statement.css", headers={"If-None-Match": css.headers["etag"]}).status_code
        == 304
    )


def test_privacy_shows_the_latest_version_and_earlier_ones_stay_readable(
    client: TestClient, two_versions: Database
) -> None:
    current = client.get("/privacy?lang=en")
    assert "Version 2 · effective 1 December 2026" in current.text and "Mailchimp" in current.text
    first = client.get("/privacy/v/1?lang=en")
    assert first.status_code == 200
    assert "Version 1 · effective 25 November 2026" in first.text
    assert "Mailchimp" not in first.text
    assert "This is an earlier version. Version 2 has been in force since 1 December 2026" in first.text
    assert first.headers["cache-control"] == "public, max-age=86400"
    assert "earlier version" not in client.get("/privacy/v/2?lang=en").text


def test_the_versions_page_lists_every_version_newest_first(
    client: TestClient, two_versions: Database
) -> None:
    page = client.get("/privacy/versions?lang=nl")
    assert page.status_code == 200
    assert page.text.index('href="/privacy/v/2?lang=nl"') < page.text.index('href="/privacy/v/1?lang=nl"')
    assert "Ja: een nieuw doel, een nieuwe partij of cookie" in page.text
    assert page.headers["vary"] == "Accept-Language"


def test_an_unknown_version_is_404(client: TestClient, loaded_db: Database) -> None:
    publish(loaded_db, date(2026, 11, 25))
    assert client.get("/privacy/v/99").status_code == 404


def test_without_a_register_privacy_says_it_is_not_set_up(settings: Settings, db: Database) -> None:
    with TestClient(create_app(settings, db)) as fresh:
        assert fresh.get("/privacy").status_code == 503
        assert fresh.get("/privacy/statement.css").status_code == 200
