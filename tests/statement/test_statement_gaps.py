"""`statement gaps`: which GDPR art. 13/14 elements an existing statement covers, lacks or says
doubtfully — on the seed, on statements written here with known gaps, and on privacydesk's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privacydesk.errors import UnusableInput
from privacydesk.register.load import load_register
from privacydesk.statement.gaps import GapReport, analyse_file
from privacydesk.statement.render import render
from tests.conftest import OCQTO_REGISTER, SHARED

SEED = SHARED / "seeds" / "000_877dee96834c37cc.txt"
DATA = Path(__file__).parent / "data"


def status(report: GapReport) -> dict[str, str]:
    return {item.key: item.status for item in report.items}


def quoted(report: GapReport, key: str) -> list[str]:
    return [q.text for item in report.items if item.key == key for q in item.quotes]


def doubt(report: GapReport, code: str) -> list[str]:
    return [q.text for d in report.doubts if d.code == code for q in d.quotes]


@pytest.fixture(scope="module")
def seed() -> GapReport:
    if not SEED.exists():
        pytest.skip(f"the seed statement is not on this machine ({SEED})")
    return analyse_file(SEED)


def test_the_seed_is_read_as_a_dutch_plain_text_statement(seed: GapReport) -> None:
    assert (seed.language, seed.format) == ("nl", "txt")


@pytest.mark.parametrize(
    "element",
    ["controller", "dpo", "purposes", "categories", "recipients", "access_rectification_erasure",
     "objection", "portability", "complaint", "automated_decisions"],
)  # fmt: skip
def test_the_seed_covers_what_it_says(seed: GapReport, element: str) -> None:
    assert status(seed)[element] == "covered"
    assert quoted(seed, element), "a covered element quotes the sentence it rests on"


@pytest.mark.parametrize("element", ["transfers", "restriction", "requirement", "source"])
def test_the_seed_lacks_these_elements(seed: GapReport, element: str) -> None:
    assert status(seed)[element] == "missing"


def test_the_seed_gives_no_legal_basis_per_purpose(seed: GapReport) -> None:
    assert status(seed)["legal_basis"] == "partial"
    assert any("wettelijk toe verplicht" in q for q in quoted(seed, "legal_basis"))
    assert any("grondslag" in q for q in doubt(seed, "D03"))


def test_the_seed_gives_a_period_only_for_bookkeeping_and_crm_data(seed: GapReport) -> None:
    assert status(seed)["retention"] == "partial"
    assert any("tenminste 7 jaar" in q for q in quoted(seed, "retention"))


def test_the_seed_does_not_say_withdrawal_leaves_earlier_processing_lawful(seed: GapReport) -> None:
    assert status(seed)["withdraw_consent"] == "partial"


def test_the_seed_names_the_app_contact_list_without_its_source(seed: GapReport) -> None:
    assert quoted(seed, "source") == ["Lijst met contactgegevens van de klant via een app"]


def test_the_seed_puts_the_tax_authority_among_the_processors(seed: GapReport) -> None:
    quotes = doubt(seed, "D01")
    assert any("bewerkersovereenkomst" in q for q in quotes)
    assert "Belastingdienst" in quotes


def test_the_seed_keeps_crm_data_for_at_least_seven_years(seed: GapReport) -> None:
    [d] = [d for d in seed.doubts if d.code == "D02"]
    assert "tenminste 7 jaar" in d.quotes[0].text and d.quotes[0].line == 38
    assert "CRM" in d.why


def test_the_seed_names_us_providers_but_no_transfer(seed: GapReport) -> None:
    assert any("Whatsapp" in q for q in doubt(seed, "D04"))


def test_the_seed_asks_an_id_copy_for_every_request_and_cookie_opt_out_only_by_browser(
    seed: GapReport,
) -> None:
    assert any("kopie van je identiteitsbewijs" in q for q in doubt(seed, "D05"))
    assert any("internetbrowser" in q for q in doubt(seed, "D06"))


def test_a_finding_gives_the_line_of_its_sentence(seed: GapReport) -> None:
    [dpo] = [i for i in seed.items if i.key == "dpo"]
    assert dpo.quotes[0].line == 83


def test_an_english_webshop_statement_with_known_gaps() -> None:
    report = analyse_file(DATA / "webshop_en.md")
    assert (report.language, report.format) == ("en", "md")
    found = status(report)
    assert found["legal_basis"] == "covered"
    assert {k for k, v in found.items() if v == "missing"} == {"dpo", "transfers", "restriction", "complaint"}
    assert found["retention"] == "partial" and found["withdraw_consent"] == "partial"
    assert doubt(report, "D02") == ["We keep order data for at least 10 years."]
    assert any("Mailchimp" in q for q in doubt(report, "D04"))


def test_a_dutch_html_statement_with_known_gaps() -> None:
    report = analyse_file(DATA / "kapper_nl.html")
    assert (report.language, report.format) == ("nl", "html")
    found = status(report)
    for element in ("legal_basis", "retention", "restriction", "portability", "requirement", "dpo"):
        assert found[element] == "missing", element
    assert found["complaint"] == "covered"
    assert {d.code for d in report.doubts} == {"D01", "D05", "D07"}
    assert not any("niet lezen" in s for item in report.items for s in item.explain()), "scripts are not read"


def test_a_nearly_complete_dutch_statement_with_three_known_gaps() -> None:
    report = analyse_file(DATA / "coach_nl.txt")
    found = status(report)
    assert {k for k, v in found.items() if v in ("missing", "partial")} == {
        "recipients",
        "withdraw_consent",
        "source",
    }
    assert (
        found["transfers"] == "covered"
        and found["legal_basis"] == "covered"
        and found["retention"] == "covered"
    )
    assert [d.code for d in report.doubts] == ["D06"]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_statement_rendered_by_privacydesk_has_no_gaps(tmp_path: Path, lang: str, fmt: str) -> None:
    path = tmp_path / f"privacy.{fmt}"
    text = render(load_register(OCQTO_REGISTER).register, lang, fmt)
    assert isinstance(text, str)
    path.write_text(text)
    report = analyse_file(path)
    assert report.language == lang
    assert not report.has_gaps, [
        (i.key, i.status) for i in report.items if i.status in ("partial", "missing")
    ] + [d.code for d in report.doubts]


def test_the_report_as_json_lists_every_element_with_its_quotes(seed: GapReport) -> None:
    data = json.loads(json.dumps(seed.as_dict()))
    assert data["has_gaps"] is True
    assert len(data["items"]) == 18
    assert data["summary"]["missing"] == 4
    assert all({"line", "text"} == set(q) for i in data["items"] for q in i["quotes"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\n  ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"%PDF-1.7\n", "is a PDF"),
    ],
)
def test_an_unusable_file_is_refused_with_a_clear_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes(content)
    with pytest.raises(UnusableInput, match=message) as raised:
        analyse_file(path)
    assert raised.value.exit_code == 2


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnusableInput, match="does not exist"):
        analyse_file(tmp_path / "absent.txt")
    with pytest.raises(UnusableInput, match="folder"):
        analyse_file(tmp_path)


def test_a_statement_in_another_language_is_refused_unless_a_language_is_given(tmp_path: Path) -> None:
    path = tmp_path / "datenschutz.txt"
    path.write_text("Datenschutzerklärung. Wir verarbeiten Ihre Daten nur, wenn es erforderlich ist.\n")
    with pytest.raises(UnusableInput, match="does not read as Dutch or English"):
        analyse_file(path)
    assert analyse_file(path, lang="en").language == "en"
