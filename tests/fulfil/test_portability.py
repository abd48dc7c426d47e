"""Portability (art. 20): what she provided, as JSON + schema + CSV; or a single-use link."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta
from pathlib import Path

import jsonschema

from privacydesk.consent.keys import bind_settings
from privacydesk.store.base import utcnow
from privacydesk.subject_requests.fulfil.downloads import claim_download
from privacydesk.subject_requests.fulfil.portability import PortabilityResult, fulfil_portability
from tests.fulfil.conftest import EMAIL, Store


def _port(store: Store, tmp_path: Path, subject_id: int, **kw: object) -> PortabilityResult:
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        return fulfil_portability(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=subject_id,
            out_dir=tmp_path,
            actor="user:1",
            **kw,
        )  # type: ignore[arg-type]


def _doc(path: Path) -> tuple[dict[str, object], dict[str, object]]:
    with zipfile.ZipFile(path) as zf:
        assert {"data.json", "data.schema.json", "records.csv", "identifiers.csv"} <= set(zf.namelist())
        return json.loads(zf.read("data.json")), json.loads(zf.read("data.schema.json"))


def test_the_file_holds_what_she_provided_and_satisfies_its_schema(store: Store, tmp_path: Path) -> None:
    doc, schema = _doc(_port(store, tmp_path, store.marieke).files[0])
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert {"kind": "email", "value": EMAIL} in doc["identifiers"]  # type: ignore[operator]
    assert [m["subject"] for m in doc["messages"]] == ["Vraag over factuur 2025-0042"]  # type: ignore[index,union-attr]


def test_data_held_by_legal_obligation_or_from_others_is_not_portable(store: Store, tmp_path: Path) -> None:
    doc, _ = _doc(_port(store, tmp_path, store.contact).files[0])
    assert doc["records"] == [] and doc["identifiers"] == []  # it came from a customer's contact list


def test_a_link_for_another_organisation_works_once(store: Store, tmp_path: Path) -> None:
    result = _port(store, tmp_path, store.marieke, link_expires_at=utcnow() + timedelta(days=7))
    assert result.download_token is not None and len(result.download_token) >= 43  # 256 bits
    with store.db.session_scope() as session:
        assert claim_download(session, token=result.download_token) == result.files[0]
    with store.db.session_scope() as session:
        assert claim_download(session, token=result.download_token) is None
