"""`privacydesk statement render|publish|list|diff|gaps` as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from privacydesk.store.db import Database
from tests.conftest import OCQTO_REGISTER, SHARED
from tests.statement.conftest import ocqto_with

SEED = SHARED / "seeds" / "000_877dee96834c37cc.txt"


@pytest.fixture
def broken_register(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    text = OCQTO_REGISTER.read_text().replace(
        "    legal_basis: contract\n    categories: [name, address, email, bank_account",
        "    categories: [name, address, email, bank_account",
        1,
    )
    path.write_text(text)
    return path


def test_render_prints_the_dutch_markdown_by_default(cli: Any) -> None:
    result = cli("statement", "render", "--register", str(OCQTO_REGISTER))
    assert result.code == 0
    assert result.out.startswith(
        "# Privacyverklaring Ocqto Support\n\n*Versie 2026.1 · geldig vanaf 25 november 2026*"
    )
    assert "## Artikel 9. Contactgegevens" in result.out


def test_render_prints_english_html_as_a_standalone_page(cli: Any) -> None:
    result = cli("statement", "render", "--register", str(OCQTO_REGISTER), "--lang", "en", "--format", "html")
    assert result.code == 0
    assert result.out.startswith('<!doctype html>\n<html lang="en">')
    assert '<nav class="toc" aria-labelledby="toc-title">' in result.out
    assert "@media print" in result.out, "a standalone page carries its own (print) stylesheet"


def test_render_writes_a_pdf_with_page_numbers_and_the_version_in_the_footer(
    cli: Any, tmp_path: Path
) -> None:
    out = tmp_path / "privacy.pdf"
    result = cli("statement", "render", "--register", str(OCQTO_REGISTER), "--format", "pdf", "-o", str(out))
    assert result.code == 0, result.err
    reader = PdfReader(out)
    pages = len(reader.pages)
    assert pages > 3
    last = reader.pages[-1].extract_text()
    assert f"Pagina {pages} / {pages}" in last
    assert "Privacyverklaring Ocqto Support · Versie 2026.1 · geldig vanaf 25 november 2026" in last
    assert "Pagina 2 / " in reader.pages[1].extract_text()


def test_a_pdf_is_not_printed_to_the_terminal(cli: Any) -> None:
    result = cli("statement", "render", "--register", str(OCQTO_REGISTER), "--format", "pdf")
    assert result.code == 2
    assert "add -o FILE.pdf" in result.err


@pytest.mark.parametrize(
    ("option", "value", "valid"), [("--lang", "de", "nl, en"), ("--format", "docx", "md, html, pdf")]
)
def test_an_unknown_language_or_format_lists_the_valid_ones(
    cli: Any, option: str, value: str, valid: str
) -> None:
    result = cli("statement", "render", "--register", str(OCQTO_REGISTER), option, value)
    assert result.code == 2
    assert f"unknown {'language' if option == '--lang' else 'format'} '{value}'" in result.err
    assert f"use one of: {valid}" in result.err


def test_a_register_with_errors_is_refused_with_each_error(
    cli: Any, broken_register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "privacy.html"
    result = cli(
        "statement", "render", "--register", str(broken_register), "--format", "html", "-o", str(out)
    )
    assert result.code == 1
    assert "the register has errors" in result.err
    assert re.search(r"broken\.yaml:\d+: error: purpose 'payment' has no legal basis", result.err)
    assert not out.exists(), "nothing half-written"


def test_render_uses_the_register_in_force_in_the_database(cli: Any, loaded_db: Database) -> None:
    result = cli("--db", loaded_db.url, "statement", "render", "--lang", "en")
    assert result.code == 0
    assert "# Privacy statement Ocqto Support" in result.out


def test_publish_list_and_diff(cli: Any, loaded_db: Database, tmp_path: Path) -> None:
    db = ("--db", loaded_db.url)
    first = cli(*db, "statement", "publish", "--effective-date", "2026-11-25", "--json")
    assert json.loads(first.out)["version"] == 1
    again = cli(*db, "statement", "publish", "--effective-date", "2026-11-26")
    assert "nothing new: version 1 already says this" in again.out
    changed = tmp_path / "register.yaml"
    changed.write_text(ocqto_with(recipient=True))
    assert cli(*db, "register", "load", str(changed)).code == 0
    second = cli(*db, "statement", "publish", "--effective-date", "2026-12-01")
    assert "published statement version 2, effective 2026-12-01" in second.out
    assert "material New recipient: Mailchimp" in second.out
    assert "consent revision: 2" in second.out
    listed = json.loads(cli(*db, "statement", "list", "--json").out)
    assert [(v["version"], v["consent_revision"]) for v in listed] == [(2, 2), (1, 1)]
    diff = cli(*db, "statement", "diff", "1", "2")
    assert diff.code == 0
    assert "statement version 1 (2026-11-25) → 2 (2026-12-01)" in diff.out
    assert "New recipient: Mailchimp" in diff.out
    text = cli(*db, "statement", "diff", "1", "2", "--text", "--lang", "en")
    assert "+### Mailchimp" in text.out
    data = json.loads(cli(*db, "statement", "diff", "1", "2", "--json").out)
    assert data["changes"][0]["kind"] == "recipient.added" and data["changes"][0]["material"] is True


def test_a_published_version_renders_as_it_was_published(
    cli: Any, loaded_db: Database, tmp_path: Path
) -> None:
    cli("--db", loaded_db.url, "statement", "publish", "--effective-date", "2026-11-25")
    result = cli("--db", loaded_db.url, "statement", "render", "--version", "1", "--format", "html")
    assert "Versie 1 · geldig vanaf 25 november 2026" in result.out
    missing = cli("--db", loaded_db.url, "statement", "render", "--version", "7")
    assert missing.code == 1 and "there is no published statement version 7" in missing.err


def test_gaps_on_the_seed_reports_its_gaps_and_exits_1(cli: Any) -> None:
    if not SEED.exists():
        pytest.skip(f"the seed statement is not on this machine ({SEED})")
    result = cli("statement", "gaps", str(SEED))
    assert result.code == 1
    assert "MISSING  13(2)(b)  Right to restriction of processing" in result.out
    assert 'line 38: "De gegevens in ons boekhoud- en CRM-systeem bewaren we tenminste 7 jaar' in result.out
    assert "DOUBTFUL D01" in result.out
    data = json.loads(cli("statement", "gaps", str(SEED), "--json").out)
    assert data["language"] == "nl" and data["has_gaps"] is True


def test_gaps_on_a_statement_privacydesk_rendered_exits_0(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "privacy.html"
    cli("statement", "render", "--register", str(OCQTO_REGISTER), "--format", "html", "-o", str(out))
    result = cli("statement", "gaps", str(out))
    assert result.code == 0, result.out
    assert "18 covered, 0 partly covered, 0 missing, 0 doubtful statement(s)" in result.out


@pytest.mark.parametrize(("content", "message"), [(b"", "is empty"), (b"\x00\x01\x02binary", "binary file")])
def test_gaps_on_an_unusable_file_exits_2(cli: Any, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes(content)
    result = cli("statement", "gaps", str(path))
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err


def test_gaps_on_a_missing_file_exits_2(cli: Any, tmp_path: Path) -> None:
    result = cli("statement", "gaps", str(tmp_path / "nope.md"), "--json")
    assert result.code == 2
    assert "does not exist" in result.err
