"""`privacydesk register check`: the Ocqto register's real findings, and broken registers."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import OCQTO_REGISTER


def test_the_ocqto_register_has_no_errors_but_real_warnings(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("register", "check", str(OCQTO_REGISTER), "--json")
    report = json.loads(result.out)
    assert result.code == 0
    codes = {f["code"] for f in report["findings"]}
    assert codes == {"R16", "R17", "R26", "R33"}
    manychat = [f for f in report["findings"] if "manychat" in f["message"]]
    assert manychat and all(f["file"] == str(OCQTO_REGISTER) and f["line"] > 1 for f in manychat)


def test_a_missing_file_exits_2_naming_the_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("register", "check", str(tmp_path / "nope.yaml"))
    assert result.code == 2
    assert "nope.yaml: no such file" in result.err
    assert "Traceback" not in result.err
