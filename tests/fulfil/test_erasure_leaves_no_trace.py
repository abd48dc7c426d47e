"""After an erasure, the raw bytes of the SQLite file and its WAL hold none of the person's data:
not in plain text, not as the ciphertexts that held it, not as the blind indexes that found it.
Only the retained invoice (sealed) and the suppression list's keyed hash remain."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from privacydesk.consent.keys import bind_settings
from privacydesk.consent.suppression import email_hash
from privacydesk.store.models.subjects import Identifier, Message, Record
from privacydesk.subject_requests.fulfil.erasure import fulfil_erasure
from tests.fulfil.conftest import EMAIL, IBAN, PHONE, Store
from tests.fulfil.test_erasure import TODAY


def _raw(store: Store) -> bytes:
    path = Path(str(make_url(store.db.url).database))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _traces(store: Store) -> tuple[list[bytes], bytes]:
    """Her erasable ciphertexts and unique blind indexes; and the kept invoice's ciphertext."""
    with store.db.session_scope() as session:
        ids = (
            session.execute(select(Identifier).where(Identifier.subject_id == store.marieke)).scalars().all()
        )
        records = session.execute(select(Record).where(Record.subject_id == store.marieke)).scalars().all()
        messages = session.execute(select(Message.content_enc)).scalars().all()
        invoice = next(r.payload_enc for r in records if r.kind == "invoice")
        blobs = [i.value_enc for i in ids if i.value_enc] + [
            r.payload_enc for r in records if r.kind != "invoice"
        ]
        traces = [b for b in blobs + list(messages) if b]
        traces += [store.keyring.blind_index(k, v).encode() for k, v in (("email", EMAIL), ("iban", IBAN))]
    assert invoice is not None
    return traces, invoice


@pytest.fixture
def sqlite_store(store: Store) -> Store:
    if not store.db.is_sqlite:
        pytest.skip("the raw-file scan reads SQLite's file; PostgreSQL relies on the destroyed key")
    return store


def test_no_trace_of_her_remains_in_the_database_file_or_its_wal(sqlite_store: Store, tmp_path: Path) -> None:
    store = sqlite_store
    traces, invoice = _traces(store)
    assert all(t in _raw(store) for t in traces)  # the scan can see them before
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        fulfil_erasure(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=store.marieke,
            today=TODAY,
            out_dir=tmp_path,
            actor="user:1",
        )
    # nothing more to call: committing the erasure empties the WAL
    raw = _raw(store)
    left = [i for i, t in enumerate(traces) if t in raw]
    assert left == []
    for plain in (EMAIL, PHONE, IBAN, "Kerkstraat", "klopt dit bedrag"):
        assert plain.encode() not in raw
    assert invoice in raw  # the retained invoice, sealed
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        assert email_hash(session, email=EMAIL).encode() in raw  # the suppression entry
