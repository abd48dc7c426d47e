"""Recipients and agreements: every recipient with its DPA state; gaps flagged; auditors may read."""

from __future__ import annotations

from datetime import date
from typing import Any

from privacydesk.register.load import load_register
from privacydesk.store.db import Database
from privacydesk.web.routes.admin_recipients import dpa_flag
from tests.conftest import OCQTO_REGISTER, Person
from tests.web.conftest import log_in


def test_an_auditor_sees_every_recipient_and_its_checklist(
    client: Any, loaded_db: Database, auditor: Person
) -> None:
    log_in(client, loaded_db, auditor)
    page = client.get("/admin/recipients")
    assert page.status_code == 200
    for recipient in load_register(OCQTO_REGISTER).register.recipients:
        assert recipient.name in page.text
    assert "Art. 28(3) checklist" in page.text


def test_a_processor_without_an_agreement_is_flagged_and_a_bank_is_not() -> None:
    reg = load_register(OCQTO_REGISTER).register
    processor = next(r for r in reg.recipients if r.role == "processor")
    bank = next(r for r in reg.recipients if r.role != "processor")
    assert dpa_flag(processor.model_copy(update={"dpa": None}), date(2026, 11, 25)) == (
        "No data-processing agreement",
        "bad",
    )
    assert dpa_flag(bank, date(2026, 11, 25)) == (None, "")


def test_an_old_complete_agreement_is_flagged_for_review() -> None:
    reg = load_register(OCQTO_REGISTER).register
    processor = next(r for r in reg.recipients if r.dpa and not r.dpa.clauses.missing() and r.dpa.signed_on)
    much_later = date(processor.dpa.signed_on.year + 4, 1, 1)  # type: ignore[union-attr]
    assert dpa_flag(processor, much_later)[0] == "Signed over 3 years ago: review it"
