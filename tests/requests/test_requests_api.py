"""The JSON API under /api/requests: staff (a token with handle_requests) run the whole workflow;
others are refused; the answers hold no one else's data."""

from __future__ import annotations

from typing import Any

from privacydesk.store.db import Database
from tests.requests.conftest import People, api_token
from tests.requests.helpers import code_in, outbox


def _auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_staff_open_verify_and_close_a_request_through_the_api(
    portal: Any, loaded_db: Database, people: People
) -> None:
    h = _auth(api_token(loaded_db, "sam@ocqto.example", "staff"))
    created = portal.post(
        "/api/requests", json={"types": ["access"], "email": "jan.jansen@example.nl"}, headers=h
    )
    assert created.status_code == 201, created.text
    ref = created.json()["ref"]
    assert created.json()["code_sent"] is True
    [row] = portal.get("/api/requests", headers=h).json()
    assert row["ref"] == ref and row["subject_ref"] == people.jan and row["urgency"] == "on_track"
    code = code_in([m for m in outbox(loaded_db) if ":identity_code:" in m.key][0].body_text)
    wrong = portal.post(f"/api/requests/{ref}/verify", json={"code": "11111111"}, headers=h)
    assert wrong.status_code == 400
    assert (
        portal.post(f"/api/requests/{ref}/verify", json={"code": code}, headers=h).json()["status"]
        == "verified"
    )
    refused = portal.post(f"/api/requests/{ref}/refuse", json={"reason": "test"}, headers=h)
    assert refused.json()["status"] == "refused"
    assert portal.post(f"/api/requests/{ref}/close", json={}, headers=h).json()["status"] == "closed"
    detail = portal.get(f"/api/requests/{ref}", headers=h).json()
    assert [s["step"] for s in detail["steps"]][-2:] == ["refused", "closed"]


def test_an_extension_is_shown_in_the_legal_deadline(portal: Any, loaded_db: Database) -> None:
    h = _auth(api_token(loaded_db, "sam@ocqto.example", "staff"))
    ref = portal.post(
        "/api/requests", json={"types": ["erasure"], "email": "x@example.nl"}, headers=h
    ).json()["ref"]
    before = portal.get(f"/api/requests/{ref}", headers=h).json()["legal_due"]
    after = portal.post(
        f"/api/requests/{ref}/extend", json={"reason": "many records", "months": 2}, headers=h
    )
    assert after.status_code == 200 and after.json()["legal_due"] > before
    again = portal.post(f"/api/requests/{ref}/extend", json={"reason": "more", "months": 1}, headers=h)
    assert again.status_code == 409 and "at most 2 months" in again.json()["detail"]


def test_an_auditor_token_and_anonymous_callers_are_refused(portal: Any, loaded_db: Database) -> None:
    auditor = _auth(api_token(loaded_db, "aad@ocqto.example", "auditor"))
    assert portal.get("/api/requests", headers=auditor).status_code == 403
    assert (
        portal.post(
            "/api/requests", json={"types": ["access"], "email": "a@b.nl"}, headers=auditor
        ).status_code
        == 403
    )
    assert portal.get("/api/requests").status_code == 401


def test_an_unknown_reference_is_a_404_and_bad_input_a_422(portal: Any, loaded_db: Database) -> None:
    h = _auth(api_token(loaded_db, "sam@ocqto.example", "staff"))
    assert portal.get("/api/requests/" + "0" * 32, headers=h).status_code == 404
    assert (
        portal.post("/api/requests", json={"types": ["everything"], "email": "a@b.nl"}, headers=h).status_code
        == 422
    )
    assert (
        portal.post("/api/requests", json={"types": ["access"], "email": "nope"}, headers=h).status_code
        == 422
    )
    closed = portal.post("/api/requests/" + "0" * 32 + "/close", json={}, headers=h)
    assert closed.status_code == 404
