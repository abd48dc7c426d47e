"""`privacydesk import contacts`: real phone exports, linked to the customer, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privacydesk.imports.vcard import read_vcards
from tests.conftest import SHARED

VCARDS = SHARED / "fixtures" / "vcard"
CUSTOMER = "naam;e-mail\nJan Jansen;jan.jansen@example.nl\n"
GOOGLE = (
    "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value\n"
    "Karel Kok,Karel,Kok,* Home,karel@example.nl ::: kok@example.nl,Mobile,06 22334455\n"
)


def _fixtures() -> list[Path]:
    if not VCARDS.is_dir():
        pytest.skip(f"the shared vCard fixtures are not at {VCARDS}")
    return sorted(VCARDS.rglob("*.vcf"))


def test_the_real_phone_exports_parse_and_keep_names_emails_and_phones() -> None:
    files = _fixtures()
    assert len(files) >= 54
    readable = 0
    for path in files:
        cards = list(read_vcards(path.read_bytes()))
        readable += bool(cards)
    assert readable >= 53
    multi = list(read_vcards((VCARDS / "aosp" / "v21_multiple_entry.vcf").read_bytes()))
    assert len(multi) == 3
    japanese = next(read_vcards((VCARDS / "aosp" / "v21_japanese_1.vcf").read_bytes()))
    assert japanese.name == "安藤ロイド" and japanese.phones == ["0300000000"]
    ios = next(read_vcards((VCARDS / "aosp" / "v30_ios_613_multiline.vcf").read_bytes()))
    assert (ios.name, ios.emails, ios.phones) == ("Bob Smith", ["bob@smithauto.com"], ["(650) 555-1212"])
    qp = next(read_vcards((VCARDS / "icaljs" / "vcard21_comprehensive.vcf").read_bytes()))
    assert qp.emails == ["john@example.com"] and len(qp.phones) == 2


@pytest.fixture
def with_customer(cli, settings, monkeypatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRIVACYDESK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PRIVACYDESK_KEY_FILE", str(settings.key_file))
    from tests.conftest import OCQTO_REGISTER

    cli("init", "--register", str(OCQTO_REGISTER))
    (tmp_path / "c.csv").write_text(CUSTOMER)
    assert cli("import", "customers", str(tmp_path / "c.csv")).code == 0
    return cli


def test_every_fixture_file_imports_without_a_crash(with_customer) -> None:  # type: ignore[no-untyped-def]
    files = _fixtures()
    result = with_customer(
        "import", "contacts", "--owner", "jan.jansen@example.nl", *map(str, files), "--json"
    )
    assert result.code == 0, result.err
    summaries = json.loads(result.out)
    assert len(summaries) == len(files)
    # cards of the same name in one list are one entry: count cards imported, added or matched
    assert sum(s["added"] + s["matched"] for s in summaries) >= 53


def test_a_google_csv_contact_becomes_a_customers_contact(with_customer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "google.csv").write_text(GOOGLE)
    with_customer("import", "contacts", "--owner", "jan.jansen@example.nl", str(tmp_path / "google.csv"))
    again = json.loads(
        with_customer(
            "import", "contacts", "--owner", "jan.jansen@example.nl", str(tmp_path / "google.csv"), "--json"
        ).out
    )[0]
    assert (again["added"], again["matched"]) == (0, 1)
    ref = json.loads(with_customer("subjects", "find", "kok@example.nl", "--json").out)[0]["ref"]
    view = json.loads(with_customer("subjects", "show", ref, "--json").out)
    assert view["subject_type"] == "customer_contact" and view["owner_ref"]
    assert sorted(view["identifiers"]["email"]) == ["karel@example.nl", "kok@example.nl"]
    assert view["identifiers"]["phone"] == ["+31622334455"]
    assert all(r["source"] == "customer_app_import" for rs in view["purposes"].values() for r in rs)


def test_contacts_for_an_unknown_customer_are_refused(with_customer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "google.csv").write_text(GOOGLE)
    result = with_customer("import", "contacts", "--owner", "nobody@example.nl", str(tmp_path / "google.csv"))
    assert result.code == 1 and "no customer" in result.err


def test_a_truncated_vcard_file_is_refused_with_its_name_and_line(with_customer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cut.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\n")
    result = with_customer(
        "import", "contacts", "--owner", "jan.jansen@example.nl", str(tmp_path / "cut.vcf")
    )
    assert result.code == 2 and f"{tmp_path / 'cut.vcf'}: line 5" in result.err
    assert with_customer("subjects", "find", "A").code == 1


def test_the_fast_vcard_path_reads_every_fixture_exactly_as_vobject_does() -> None:
    for path in _fixtures():
        fast = [(c.name, c.emails, c.phones) for c in read_vcards(path.read_bytes())]
        reference = [(c.name, c.emails, c.phones) for c in read_vcards(path.read_bytes(), reference=True)]
        assert fast == reference, path.name
