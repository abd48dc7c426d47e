"""Run every check: the promises of the statement, article by article, against the data."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from privacydesk.check import breaches, cookies, data, marketing, requests, retention, security, sharing
from privacydesk.check.model import Check, CheckReport, CheckResult, Context, Outcome
from privacydesk.config import Settings
from privacydesk.register.model import Register
from privacydesk.register.service import current_register, latest_version
from privacydesk.statement.versions import latest_statement

BACKUP_MAX_AGE_DAYS = 7

# The promises, in the order of the statement's articles, in the statement's own words (shortened).
CHECKS: tuple[Check, ...] = (
    Check("data_named", "1", "Only the data the statement names",
          "Below is an overview of the personal data we process (and the groups of people it is about).",
          data.data_not_named),
    Check("forbidden_data", "1, 8", "No forbidden data such as a BSN",
          "Not: citizen service number (BSN). We do not process this data.", data.forbidden_data),
    Check("marketing_ground", "2", "Marketing only with consent or the customer exception",
          "Sending our newsletter and/or advertising leaflet — on the basis of your consent; "
          "every newsletter has a one-click unsubscribe.", marketing.marketing_without_ground),
    Check("retention_run", "4", "Nothing kept past its retention date",
          "We do not keep your personal data longer than strictly necessary (the terms per purpose).",
          retention.past_retention),
    Check("holds_end", "4", "Legal holds end",
          "We keep data longer only where a further legal obligation requires it.",
          retention.open_ended_holds),
    Check("processor_agreements", "5", "An agreement with every processor that receives data",
          "With companies that process your data on our behalf, we conclude a data-processing agreement.",
          sharing.processors_without_agreement, note=sharing.undated_agreements),
    Check("transfers", "5", "Transfers outside the EEA safeguarded",
          "Data that goes outside the EEA is protected by the safeguard named for each party.",
          sharing.transfers_without_mechanism),
    Check("cookies", "6", "Only the cookies the statement declares, and only after consent where needed",
          "We use the cookies listed here; cookies that need consent are set only after you give it.",
          cookies.last_cookie_scan,
          unchecked="no cookie scan has been recorded: run `privacydesk cookies scan URL`"),
    Check("requests_on_time", "7", "Requests answered within the promised and the legal term",
          "We respond as quickly as possible, but within the term we promise, to your request.",
          requests.requests_past_term),
    Check("answers_complete", "7", "Answers carry out every part of the request",
          "You have the right to access, correct or delete your data, to withdraw consent, to object "
          "and to data portability.", requests.answers_incomplete),
    Check("id_copies", "7", "ID copies kept no longer than the identity check",
          "A copy of your ID is deleted as soon as your identity has been confirmed.",
          requests.id_copies_kept),
    Check("audit_chain", "8", "The audit log is intact",
          "We take appropriate measures against misuse, loss, unauthorised access and unwanted change.",
          security.audit_chain),
    Check("backups", "8", "Recent backups",
          "We take appropriate measures against loss of your data.", security.recent_backup),
    Check("two_factor", "8", "Owners and privacy officers log in with two factors",
          "We take appropriate measures against unauthorised access.", security.staff_without_second_factor),
    Check("breaches_notified", "8", "Breaches reported to the AP within 72 hours",
          "We take the protection of your data seriously (a breach is reported as the law requires).",
          breaches.breaches_not_notified,
          unchecked="the breach register is not installed in this version"),
    Check("statement_current", "all", "The published statement says what the register in force says",
          "This statement describes the processing as it is now.", security.statement_out_of_date),
)  # fmt: skip


def _run_one(check: Check, ctx: Context) -> CheckResult:
    found = check.find(ctx)
    note = check.note(ctx) if check.note is not None else None
    if found is None:
        outcome, found, note = Outcome.NOT_CHECKED, [], check.unchecked
    else:
        outcome = Outcome.FAIL if found else Outcome.PASS
    return CheckResult(check.key, check.article, check.title, check.promise, outcome, found, note)


def run_checks(
    session: Session,
    *,
    register: Register,
    today: date,
    settings: Settings | None = None,
    backup_max_age_days: int = BACKUP_MAX_AGE_DAYS,
) -> CheckReport:
    """Check every promise of `register`'s statement against the data on `today`."""
    ctx = Context(session, register, today, settings, backup_max_age_days)
    version, statement = latest_version(session), latest_statement(session)
    return CheckReport(
        today,
        version.number if version else None,
        statement.number if statement else None,
        [_run_one(check, ctx) for check in CHECKS],
    )


def check_now(session: Session, *, today: date, settings: Settings | None = None) -> CheckReport:
    """The check against the register in force: what the admin's Today page shows."""
    _, register = current_register(session)
    return run_checks(session, register=register, today=today, settings=settings)
