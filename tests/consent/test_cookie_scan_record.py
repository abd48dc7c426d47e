"""A cookie scan keeps its findings, and `privacydesk check` names the cookie and page of the latest."""

from __future__ import annotations

from datetime import date

from privacydesk.check.cookies import last_cookie_scan
from privacydesk.check.model import Context
from privacydesk.consent.cookiescan import Finding, ScanReport, findings_of_scan, record_scan
from privacydesk.register.service import current_register
from privacydesk.store.db import Database

SITE = "https://www.ocqto.test/"


def _report(*findings: Finding) -> ScanReport:
    return ScanReport(SITE, [SITE, SITE + "contact"], before=[], findings=list(findings))


def _undeclared(name: str, page: str = SITE) -> Finding:
    return Finding("undeclared_cookie", f"cookie '{name}' is not in the register", page, name)


def _check(db: Database) -> list[dict[str, object]] | None:
    with db.session_scope(readonly=True) as session:
        ctx = Context(session=session, register=current_register(session)[1], today=date.today())
        found = last_cookie_scan(ctx)
        return None if found is None else [{"summary": v.summary, **v.evidence} for v in found]


def test_a_scan_keeps_each_finding_with_its_page(loaded_db: Database) -> None:
    tracker = Finding("tracker_before_consent", "a request to a tracker", SITE + "contact", "px.ads.test")
    with loaded_db.session_scope() as session:
        seq = record_scan(session, report=_report(_undeclared("_ga"), tracker), actor="cli:test")
    with loaded_db.session_scope(readonly=True) as session:
        kept = [(f.code, f.item, f.page, f.url) for f in findings_of_scan(session, scan_seq=seq)]
    assert kept == [
        ("undeclared_cookie", "_ga", SITE, SITE),
        ("tracker_before_consent", "px.ads.test", SITE + "contact", SITE),
    ]


def test_the_check_names_the_cookie_and_page_of_the_latest_scan(loaded_db: Database) -> None:
    with loaded_db.session_scope() as session:
        record_scan(session, report=_report(_undeclared("_old")), actor="cli:test")
        seq = record_scan(
            session,
            report=_report(_undeclared("_ga", SITE + "contact"), _undeclared("_fbp")),
            actor="cli:test",
        )
    [violation] = _check(loaded_db) or []
    assert violation["audit_seq"] == seq and violation["findings"] == 2
    assert violation["found"] == [
        {"code": "undeclared_cookie", "item": "_ga", "page": SITE + "contact"},
        {"code": "undeclared_cookie", "item": "_fbp", "page": SITE},
    ]
    assert "'_ga' on https://www.ocqto.test/contact and 1 more" in str(violation["summary"])
    assert "_old" not in str(violation)


def test_a_clean_latest_scan_passes_whatever_came_before(loaded_db: Database) -> None:
    with loaded_db.session_scope() as session:
        record_scan(session, report=_report(_undeclared("_ga")), actor="cli:test")
        record_scan(session, report=_report(), actor="cli:test")
    assert _check(loaded_db) == []


def test_without_any_scan_the_promise_is_not_checked(loaded_db: Database) -> None:
    assert _check(loaded_db) is None
