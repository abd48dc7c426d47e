"""Access (art. 15): the ZIP holds the report, the data as JSON and CSV, and the e-mails."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from privacydesk.consent.keys import bind_settings
from privacydesk.errors import NotFound
from privacydesk.subject_requests.fulfil.access import fulfil_access
from privacydesk.subject_requests.fulfil.result import Result
from tests.fulfil.conftest import CONTACT_EMAIL, EMAIL, NAMESAKE_EMAIL, Store


def _access(store: Store, tmp_path: Path, subject_id: int, lang: str = "nl") -> Result:
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        return fulfil_access(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=subject_id,
            lang=lang,
            made_on=date(2026, 11, 25),
            reference="REQ-1",
            out_dir=tmp_path / "out",
            actor="user:1",
        )


def test_the_zip_holds_report_data_and_correspondence(store: Store, tmp_path: Path) -> None:
    [path] = _access(store, tmp_path, store.marieke).files
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"report.html", "report.pdf", "data.json", "records.csv", "identifiers.csv"} <= names
        eml = [n for n in names if n.startswith("correspondence/") and n.endswith(".eml")]
        assert len(eml) == 1
        assert "Vraag over factuur 2025-0042" in zf.read(eml[0]).decode()
        doc = json.loads(zf.read("data.json"))
    assert {"kind": "email", "value": EMAIL} in doc["identifiers"]
    assert {r["purpose"] for r in doc["records"]} == {"service_contact", "delivery", "newsletter", "payment"}
    assert doc["consents"][0]["dpv:hasPurpose"] == "newsletter"


def test_no_data_of_another_subject_is_in_the_answer(store: Store, tmp_path: Path) -> None:
    [path] = _access(store, tmp_path, store.marieke).files
    with zipfile.ZipFile(path) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist() if not n.endswith(".pdf"))
    assert NAMESAKE_EMAIL.encode() not in blob and b"Dorpsweg" not in blob
    assert CONTACT_EMAIL.encode() not in blob  # her contact list: withheld (art. 15(4))


def test_message_keys_never_leave_the_store(store: Store, tmp_path: Path) -> None:
    [path] = _access(store, tmp_path, store.marieke).files
    with zipfile.ZipFile(path) as zf:
        assert b"message_key" not in zf.read("data.json") + zf.read("records.csv")


def test_the_summary_lists_what_was_withheld(store: Store, tmp_path: Path) -> None:
    summary = _access(store, tmp_path, store.marieke).summary
    assert [(w.what, w.count) for w in summary.withheld] == [("contact_list_entries", 1)]


def test_the_zip_is_readable_by_its_owner_only(store: Store, tmp_path: Path) -> None:
    [path] = _access(store, tmp_path, store.marieke).files
    assert path.stat().st_mode & 0o077 == 0


def test_an_unknown_subject_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        _access(store, tmp_path, 999_999)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_pdf_in_the_zip_reads_as_the_full_answer(store: Store, tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    [path] = _access(store, tmp_path, store.marieke, lang="en").files
    with zipfile.ZipFile(path) as zf:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(zf.read("report.pdf"))).pages)
    text = " ".join(text.split())
    for heading in (
        "1. Confirmation",
        "2. A copy of your data",
        "3. What we use your data for",
        "5. Who we share data with",
        "6. How long we keep your data",
        "7. Your rights",
        "8. Making a complaint",
        "9. Where your data came from",
        "10. Automated decision-making",
        "11. What we leave out, and why",
    ):
        assert heading in text
    assert EMAIL in text and "Autoriteit Persoonsgegevens" in text


def test_earlier_values_and_the_log_of_uses_are_part_of_the_copy(store: Store, tmp_path: Path) -> None:
    from sqlalchemy import select

    from privacydesk.store.models.subjects import Record
    from privacydesk.subject_requests.fulfil.rectification import fulfil_rectification

    with store.db.session_scope() as session:
        address = session.execute(
            select(Record.id).where(Record.subject_id == store.marieke, Record.category == "address")
        ).scalar_one()
        fulfil_rectification(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=store.marieke,
            records={address: {"street": "Kerkstraat 14"}},
            actor="user:1",
        )
    [path] = _access(store, tmp_path, store.marieke, lang="en").files
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("data.json"))
        html = zf.read("report.html").decode()
    assert doc["history"][0]["old"]["street"] == "Kerkstraat 12"
    assert "record.rectified" in {e["action"] for e in doc["log"]}
    assert "user:1" not in json.dumps(doc["log"])  # when and what, not which member of staff
    assert "Earlier values (kept after a correction)" in html and "A piece of data was corrected" in html
