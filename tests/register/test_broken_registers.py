"""A dozen broken registers: each gives the right message, line and exit code, and is never stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BROKEN = Path(__file__).parent / "broken"

# file, exit code, a piece of the message, the text of the line it must name
CASES = [
    ("malformed_yaml.yaml", 2, "(while parsing a flow sequence that starts at line 8)", None),
    ("unknown_key.yaml", 2, "unknown key 'tradename' in controller", "tradename: Ocqto"),
    ("wrong_type.yaml", 2, "consent_revision: Input should be a valid integer", "consent_revision: many"),
    ("bad_date.yaml", 2, "effective_date:", "effective_date: 25-11-2026"),
    ("duplicate_key.yaml", 2, "duplicate key 'legal_name' in controller", "legal_name: Ocqto BV"),
    ("undeclared_category.yaml", 1, "names category 'shoe_size', which is not declared", None),
    ("undeclared_recipient.yaml", 1, "names recipient 'accountant', which is not declared", None),
    ("no_legal_basis.yaml", 1, "purpose 'delivery' has no legal basis", None),
    ("consent_without_capture.yaml", 1, "does not say how consent is captured", None),
    ("tax_authority_as_processor.yaml", 1, "'Belastingdienst' decides for itself", None),
    ("transfer_without_mechanism.yaml", 1, "'manychat' receives data in US (outside the EEA) without", None),
    (
        "strictly_necessary_with_consent.yaml",
        1,
        "'pd_consent' is marked strictly necessary yet needs consent",
        None,
    ),
    ("bsn_without_law.yaml", 1, "national identification number", None),
    ("invalid_request_email.yaml", 1, "rights.request_email is not a valid e-mail address", None),
    ("bad_url.yaml", 2, "controller.website: Input should be a valid URL", "website: www dot ocqto"),
    ("term_too_long.yaml", 1, "longer than the one month", None),
]


@pytest.mark.parametrize(("name", "code", "message", "line_text"), CASES)
def test_a_broken_register_names_the_problem_its_line_and_exits_non_zero(
    cli,
    name: str,
    code: int,
    message: str,
    line_text: str | None,  # type: ignore[no-untyped-def]
) -> None:
    path = BROKEN / name
    result = cli("register", "check", str(path))
    output = result.out + result.err
    assert result.code == code
    assert message in output
    assert "Traceback" not in output
    lines = path.read_text().splitlines()
    line = next((i for i, text in enumerate(lines, start=1) if line_text and line_text in text), None)
    assert f"{path}:{line}:" in output if line else f"{path}:" in output


def test_every_finding_line_points_at_the_offending_field(cli) -> None:  # type: ignore[no-untyped-def]
    path = BROKEN / "undeclared_recipient.yaml"
    report = json.loads(cli("register", "check", str(path), "--json").out)
    finding = next(f for f in report["findings"] if "accountant" in f["message"])
    assert "accountant" in path.read_text().splitlines()[finding["line"] - 1]
    assert finding["field"] == "purposes[0].recipients[2]"


def test_a_register_with_errors_is_never_stored(cli, settings) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", settings.database_url, "init", "--register", str(BROKEN / "no_legal_basis.yaml"))
    assert result.code == 1 and "the register has errors" in result.err
    shown = cli("--db", settings.database_url, "register", "show")
    assert shown.code == 1 and "no register has been loaded" in shown.err
