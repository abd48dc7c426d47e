"""POST /api/consent: a banner decision lands in the ledger; anything off is refused, nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from privacydesk.consent import banner
from privacydesk.store.models.consent import ConsentEvent
from tests.consent.conftest import TestClient

VISITOR = "0123456789abcdef0123456789abcdef"


def _ctx(settings, db) -> banner.BannerContext:  # type: ignore[no-untyped-def]
    with db.session_scope(readonly=True) as session:
        return banner.banner_context(session, settings=settings)


def _post(client: TestClient, body: dict[str, Any] | bytes, **headers: str):  # type: ignore[no-untyped-def]
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/api/consent", content=content, headers={"content-type": "text/plain", **headers})


def _decision(ctx: banner.BannerContext, **changes: Any) -> dict[str, Any]:
    body = {
        "visitor": VISITOR,
        "revision": ctx.revision,
        "lang": "nl",
        "notice": ctx.notice["nl"],
        "choices": {"analytics": True},
        "method": "accept_all",
    }
    body.update(changes)
    return body


def _events(db) -> list[ConsentEvent]:  # type: ignore[no-untyped-def]
    with db.session_scope() as session:
        return list(session.execute(select(ConsentEvent).order_by(ConsentEvent.id)).scalars())


def test_an_accepted_decision_is_in_the_ledger_with_a_truncated_address(client, settings, loaded_db) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx(settings, loaded_db)
    response = _post(client, _decision(ctx))
    assert response.status_code == 201, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["receipt"].startswith(f"1.{ctx.revision}.{VISITOR}.analytics.")
    [event] = _events(loaded_db)
    assert (event.visitor_id, event.purpose, event.state, event.channel) == (
        VISITOR,
        "cookie.analytics",
        "given",
        "banner",
    )
    assert event.notice_hash == ctx.notice["nl"] and event.expires_at is not None
    # Ocqto's register keeps at most the first two bytes; the test client's host is not an IP at all
    assert event.ip_prefix in (None, "127.0.0.0")


def test_refusing_after_accepting_is_recorded_as_a_withdrawal(client, settings, loaded_db) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx(settings, loaded_db)
    receipt = _post(client, _decision(ctx)).json()["receipt"]
    again = _post(client, _decision(ctx, choices={"analytics": False}, method="reject_all", previous=receipt))
    assert again.status_code == 201
    assert [e.state for e in _events(loaded_db)] == ["given", "withdrawn"]


def test_a_gpc_decision_says_gpc(client, settings, loaded_db) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx(settings, loaded_db)
    assert (
        _post(
            client, _decision(ctx, choices={"analytics": False}, method="gpc"), **{"sec-gpc": "1"}
        ).status_code
        == 201
    )
    [event] = _events(loaded_db)
    assert (event.state, event.channel, event.evidence["gpc_signal"]) == ("refused", "gpc", True)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"revision": 99}, 409),
        ({"notice": "0" * 64}, 409),
        ({"choices": {"analytics": True, "tracking": True}}, 422),
        ({"choices": {}}, 422),
        ({"choices": {"analytics": "yes"}}, 422),
        ({"visitor": "not-a-visitor"}, 422),
        ({"lang": "de"}, 422),
        ({"method": "accept_all", "choices": {"analytics": False}}, 422),
        ({"method": "gpc", "choices": {"analytics": True}}, 422),
        ({"extra": 1}, 422),
        ({"previous": "1.1.0123456789abcdef0123456789abcdef.analytics.abc.000000000000000000000000"}, 400),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_is_stored(client, settings, loaded_db, change, status) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx(settings, loaded_db)
    response = _post(client, _decision(ctx, **change))
    assert response.status_code == status, response.text
    assert _events(loaded_db) == []


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[]", b"null", b"x" * 5000, json.dumps({"a": "b" * 3000}).encode()]
)
def test_malformed_or_oversized_bodies_are_refused(client, loaded_db, raw) -> None:  # type: ignore[no-untyped-def]
    assert 400 <= _post(client, raw).status_code < 500
    assert _events(loaded_db) == []


def test_a_tampered_receipt_is_refused(client, settings, loaded_db) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx(settings, loaded_db)
    receipt = _post(client, _decision(ctx, choices={"analytics": False}, method="reject_all")).json()[
        "receipt"
    ]
    forged = receipt.replace(".-.", ".analytics.")
    response = _post(client, _decision(ctx, previous=forged))
    assert response.status_code == 400
    assert len(_events(loaded_db)) == 1


def test_the_script_carries_the_register_and_honours_sec_gpc(client) -> None:  # type: ignore[no-untyped-def]
    plain = client.get("/consent.js")
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/javascript")
    assert '"gpc":false' in plain.text and "_pk_id" in plain.text and "Alles weigeren" in plain.text
    assert '"gpc":true' in client.get("/consent.js", headers={"sec-gpc": "1"}).text
    again = client.get("/consent.js", headers={"if-none-match": plain.headers["etag"]})
    assert again.status_code == 304


def test_gpc_json_is_served(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/.well-known/gpc.json").json()
    assert body["gpc"] is True and body["lastUpdate"]


@pytest.mark.parametrize(
    ("host", "nbytes", "expected"),
    [
        ("203.0.113.77", 0, None),
        ("203.0.113.77", 1, "203.0.113.0"),
        ("203.0.113.77", 2, "203.0.0.0"),
        ("2001:db8:1:2:3:4:5:6", 1, "2001:db8:1:2::"),
        ("testclient", 2, None),
    ],
)
def test_addresses_are_truncated_as_the_register_says(host, nbytes, expected) -> None:  # type: ignore[no-untyped-def]
    assert banner.truncate_ip(host, nbytes) == expected


def test_a_receipt_is_checked_for_its_signature_revision_and_age(client, settings, loaded_db) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from privacydesk.store.base import utcnow

    secret = banner.receipt_secret(settings)
    ctx = _ctx(settings, loaded_db)

    def check(receipt: str) -> int:
        return int(client.post("/api/consent/check", content=receipt.encode()).status_code)

    fresh = banner.make_receipt(secret, revision=ctx.revision, visitor=VISITOR, accepted=[], at=utcnow())
    old = banner.make_receipt(
        secret, revision=ctx.revision, visitor=VISITOR, accepted=[], at=utcnow() - timedelta(days=400)
    )
    stale = banner.make_receipt(secret, revision=ctx.revision + 1, visitor=VISITOR, accepted=[], at=utcnow())
    assert check(fresh) == 200
    assert check(old) == 409  # consent expires after consent_max_age_days (365 by default)
    assert check(stale) == 409
    assert check(fresh.replace(".-.", ".analytics.")) == 400
    assert check("nonsense") == 400
