from __future__ import annotations

from privacydesk.register.service import current_register
from privacydesk.scan.findings import Status, resolve_finding
from tests.check import plant
from tests.check.conftest import Demo, failed


def test_each_planted_violation_is_found_with_its_evidence_and_nothing_else(demo: Demo) -> None:
    with demo.db.session_scope() as session:
        message, customer = plant.newsletter_without_consent(session, demo.settings)
        message_id, customer_ref = message.id, customer.ref
        record_id = plant.record_past_retention(session)
        scan_seq = plant.cookie_scan_with_undeclared_cookie(session)
        finding_id, bsn_message = plant.bsn_in_an_email(session, demo.settings)
        variant = plant.without_agreement(current_register(session)[1], "manychat")

    found = failed(demo.check(register=variant))

    assert set(found) == {
        "marketing_ground",
        "retention_run",
        "cookies",
        "processor_agreements",
        "forbidden_data",
    }
    [mail] = found["marketing_ground"]
    assert (mail["message_id"], mail["subject_ref"], mail["purpose"]) == (
        message_id,
        customer_ref,
        "newsletter",
    )
    [late] = found["retention_run"]
    assert late["record_ids"] == [record_id] and late["records"] == 1
    [scan] = found["cookies"]
    assert (scan["audit_seq"], scan["findings"]) == (scan_seq, 1)
    assert scan["found"] == [{"code": "undeclared_cookie", "item": "_hjid", "page": "https://shop.test/"}]
    [processor] = found["processor_agreements"]
    assert processor["recipient"] == "manychat" and processor["records"] > 0
    [bsn] = found["forbidden_data"]
    assert (bsn["finding_id"], bsn["kind"], bsn["message_id"]) == (finding_id, "bsn", bsn_message)


def test_evidence_never_holds_personal_data(demo: Demo) -> None:
    with demo.db.session_scope() as session:
        plant.newsletter_without_consent(session, demo.settings)
        plant.bsn_in_an_email(session, demo.settings)
    text = str(demo.check().as_dict())
    assert "@" not in text and "111222333" not in text


def test_resolving_the_finding_keeps_the_promise_again(demo: Demo) -> None:

    with demo.db.session_scope() as session:
        finding_id, _ = plant.bsn_in_an_email(session, demo.settings)
    assert "forbidden_data" in failed(demo.check())
    with demo.db.session_scope() as session:
        resolve_finding(
            session, finding_id=finding_id, status=Status.RESOLVED, note="removed from the mail", actor="test"
        )
    assert failed(demo.check()) == {}
