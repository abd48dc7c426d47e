"""The scanner reads text out of plain text, HTML, PDF, DOCX and e-mail, and refuses binary files."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from privacydesk.errors import UnusableInput
from privacydesk.scan.extract import html_to_text, segments
from privacydesk.scan.service import scan_paths
from tests.scan.conftest import minimal_pdf


def _kinds(path: Path) -> list[tuple[str, str]]:
    return [(str(f.kind), f.value) for f in scan_paths([path], workers=1).found]


def test_a_pdf_is_read_page_by_page(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(minimal_pdf("Contact: piet@example.nl"))
    report = scan_paths([path], workers=1)
    assert [(str(f.kind), f.value, f.location) for f in report.found] == [
        ("email", "piet@example.nl", "page 1, line 1")
    ]


def test_a_docx_is_read_with_its_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Rekening NL91 ABNA 0417 1643 00")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Telefoon"
    table.rows[0].cells[1].text = "06-12345678"
    path = tmp_path / "brief.docx"
    document.save(str(path))
    assert _kinds(path) == [("iban", "NL91ABNA0417164300"), ("phone", "+31612345678")]


def test_html_is_read_as_its_visible_text() -> None:
    html = "<p>Mail <b>jan@example.nl</b></p><script>var x = 'piet@example.nl'</script>"
    assert html_to_text(html).strip() == "Mail jan@example.nl"


def test_an_e_mail_is_read_with_its_addresses_and_text_parts(tmp_path: Path) -> None:
    path = tmp_path / "bericht.eml"
    path.write_bytes(
        b"From: Jan <jan@example.nl>\nTo: info@ocqto.nl\nSubject: vraag\nContent-Type: text/html\n\n"
        b"<p>Mijn nummer: 06-12345678</p>\n"
    )
    assert _kinds(path) == [
        ("email", "jan@example.nl"),
        ("email", "info@ocqto.nl"),
        ("phone", "+31612345678"),
    ]


def test_a_windows_1252_text_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "oud.txt"
    path.write_bytes("Caf\xe9 De Zwaan, tel. 020-5551234".encode("cp1252"))
    assert _kinds(path) == [("phone", "+31205551234")]


def test_a_binary_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "foto.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(UnusableInput, match="foto.txt: a binary file"):
        list(segments(path))


def test_a_broken_pdf_is_reported_and_the_other_files_are_still_scanned(tmp_path: Path) -> None:
    (tmp_path / "kapot.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "goed.txt").write_text("mail a@example.nl")
    report = scan_paths([tmp_path], workers=1)
    assert [f.value for f in report.found] == ["a@example.nl"]
    assert len(report.errors) == 1 and "kapot.pdf: not a readable PDF" in report.errors[0]


def test_findings_carry_the_line_they_are_on(letter: Path) -> None:
    report = scan_paths([letter], workers=1)
    assert [(str(f.kind), f.line) for f in report.found] == [("bsn", 2), ("phone", 3), ("email", 3)]


def test_scanning_on_two_processes_finds_the_same(tmp_path: Path) -> None:
    for n in range(6):
        (tmp_path / f"{n}.txt").write_text(f"mail p{n}@example.nl of bel 06-1234567{n}")
    one = scan_paths([tmp_path], workers=1).found
    two = scan_paths([tmp_path], workers=2).found
    assert one == two and len(one) == 12
