"""A refused copy is examined in memory only: no file, no temporary file, nothing in the logs."""

from __future__ import annotations

import logging
import random
import tempfile
from pathlib import Path

import pytest

from privacydesk.idcheck import check_id_document
from tests.idcheck.synthetic import Person, Specimen


def test_checking_an_unredacted_copy_writes_no_file_anywhere_we_can_see(
    readable_card: Specimen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp, work = tmp_path / "tmp", tmp_path / "cwd"
    temp.mkdir()
    work.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.chdir(work)
    result = check_id_document(readable_card.data, filename="card.png")
    assert not result.accepted
    assert list(temp.iterdir()) == [] and list(work.iterdir()) == []


def test_nothing_from_the_document_reaches_the_logs(
    readable_card: Specimen, caplog: pytest.LogCaptureFixture
) -> None:
    person = Person.random(random.Random(11))
    with caplog.at_level(logging.DEBUG):
        check_id_document(readable_card.data, filename="card.png")
    logged = caplog.text
    assert person.bsn not in logged and person.number not in logged and person.surname not in logged
