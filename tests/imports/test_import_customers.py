"""`privacydesk import customers`: Dutch and English headers, idempotent, bad rows reported by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from privacydesk.config import Settings
from tests.conftest import OCQTO_REGISTER

CSV = """voornaam;achternaam;e-mail;telefoon;straat;postcode;woonplaats;rekeningnummer
Jan;Jansen;jan.jansen@example.nl;06 12345678;Dorpsstraat 1;3247 ga;Dirksland;NL91 ABNA 0417 1643 00
Petra;de Vries;petra@example.com;+31 20 123 4567;Kerkweg 12;1011AB;Amsterdam;
Bad;Phone;bad@example.com;12;;;;
Has;Bsn;has.bsn@example.com;;111222333;;;
"""


@pytest.fixture
def initialised(cli, settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRIVACYDESK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PRIVACYDESK_KEY_FILE", str(settings.key_file))
    assert cli("init", "--register", str(OCQTO_REGISTER)).code == 0
    return cli


def test_customers_with_dutch_headers_import_and_bad_rows_are_reported_by_line(
    initialised,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "klanten.csv"
    path.write_text(CSV)
    result = initialised("import", "customers", str(path), "--json")
    summary = json.loads(result.out)[0]
    assert result.code == 0
    assert (summary["added"], summary["matched"], summary["skipped"]) == (2, 0, 2)
    reasons = " ".join(summary["skipped_reasons"])
    assert "klanten.csv:4: phone" in reasons and "klanten.csv:5" in reasons and "BSN" in reasons
    assert "111222333" not in result.out + result.err


def test_importing_the_same_file_twice_adds_nothing(initialised, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "klanten.csv"
    path.write_text(CSV)
    initialised("import", "customers", str(path))
    again = json.loads(initialised("import", "customers", str(path), "--json").out)[0]
    assert (again["added"], again["matched"], again["records"]) == (0, 2, 0)


def test_an_xlsx_with_english_headers_imports(initialised, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["First name", "Last name", "Email", "Phone"])
    sheet.append(["Anna", "Smit", "anna@example.nl", "0612345679"])
    path = tmp_path / "customers.xlsx"
    book.save(path)
    summary = json.loads(initialised("import", "customers", str(path), "--json").out)[0]
    assert summary["added"] == 1
    found = initialised("subjects", "find", "+31 6 12345679", "--json")
    assert found.code == 0 and len(json.loads(found.out)) == 1


def test_an_unusual_header_is_covered_by_map(initialised, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.csv"
    path.write_text("Klantnaam,Mailadres\nAnna Smit,anna@example.nl\n")
    assert initialised("import", "customers", str(path)).code == 2
    ok = initialised("import", "customers", str(path), "--map", "Klantnaam=name", "--map", "Mailadres=email")
    assert ok.code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"naam;e-mail\n\xff\xfe;x\n", "not UTF-8")],
)
def test_an_unusable_file_exits_2_and_stores_nothing(
    initialised,
    tmp_path: Path,
    content: bytes,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = initialised("import", "customers", str(path))
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert initialised("subjects", "find", "x@example.nl").code == 1
