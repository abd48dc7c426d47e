"""The cookie scanner against a small local website: it finds every planted violation, and nothing on
a site that keeps its promises. Runs the real `privacydesk cookies scan` command."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from privacydesk.config import Settings
from privacydesk.consent import cookiescan
from privacydesk.store.db import Database
from privacydesk.store.models.cookies import CookieScanFinding
from tests.browser_support import CHROMIUM, _missing, live_server
from tests.consent.testsite import (
    bad_site,
    clean_site,
    load_variant,
    serve_site,
    tracker_site,
    youtube_site,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    target = tmp_path / "privacydesk.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def privacydesk(settings: Settings, loaded_db: Database) -> Iterator[str]:
    """privacydesk serving the banner, with Ocqto's register plus a YouTube (marketing) cookie."""
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium at {CHROMIUM}")
    load_variant(loaded_db)
    with live_server(settings, loaded_db) as url:
        yield url


@pytest.fixture
def scan(cli, db_url, tmp_path, privacydesk, monkeypatch):  # type: ignore[no-untyped-def]
    """Run `privacydesk cookies scan` and return (exit code, JSON report)."""
    monkeypatch.setenv("PRIVACYDESK_BASE_URL", privacydesk)

    def run(url: str, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        result = cli("--db", db_url, "cookies", "scan", url, "--json", *extra)
        assert result.code in (0, 1), result.err
        return result.code, json.loads(result.out)

    return run


def test_a_clean_site_has_no_findings_and_consent_unlocks_analytics(privacydesk, scan) -> None:  # type: ignore[no-untyped-def]
    with serve_site(clean_site(privacydesk)) as site:
        code, report = scan(site + "/", "--pages", "5")
    assert report["findings"] == [] and code == 0
    assert len(report["pages"]) == 3 and report["accepted"] is True
    assert [s["name"] for s in report["before_consent"] if s["kind"] == "cookie"] == []
    unlocked = {s["name"] for s in report["unlocked_by_consent"] if s["kind"] == "cookie"}
    assert {"pd_consent", "_pk_id.1.a1b2", "_pk_ses.1.a1b2"} <= unlocked


def test_every_planted_violation_is_found_on_its_page(privacydesk, scan, tmp_path, loaded_db) -> None:  # type: ignore[no-untyped-def]
    with (
        serve_site(tracker_site(), host="127.0.0.2") as tracker,
        serve_site(youtube_site()) as youtube_local,
    ):
        youtube = youtube_local.replace("127.0.0.1", "www.youtube.com")
        with serve_site(bad_site(privacydesk, tracker, youtube)) as site:
            html = tmp_path / "report.html"
            code, report = scan(site + "/", "--pages", "5", "--resolve", "www.youtube.com=127.0.0.1",
                                "--html", str(html))  # fmt: skip
    found = {(f["code"], f["item"], f["page"].removeprefix(site)) for f in report["findings"]}
    assert found == {
        ("undeclared_cookie", "tracker_uid", "/"),
        ("cookie_before_consent", "_pk_id.9.ff", "/"),
        ("undeclared_third_party", "127.0.0.2", "/diensten"),
        ("undeclared_storage", "ad_profile", "/diensten"),
        ("tracker_before_consent", "www.youtube.com", "/contact"),
    }
    assert code == 1
    assert "tracker_uid" in html.read_text() and "<script>" not in html.read_text()
    with loaded_db.session_scope(readonly=True) as session:  # kept for `privacydesk check` to name
        kept = session.execute(select(CookieScanFinding.code, CookieScanFinding.item, CookieScanFinding.page))
        assert {(c, i, p.removeprefix(site)) for c, i, p in kept} == found


def test_links_to_other_sites_are_not_followed() -> None:
    assert cookiescan._same_site("http://a.example/x", "http://a.example/")
    assert not cookiescan._same_site("https://elders.example/", "http://a.example/")
    assert not cookiescan._same_site("mailto:x@a.example", "http://a.example/")
