"""Art. 6: the last cookie scan found nothing the statement does not declare, nothing set before consent.

`privacydesk cookies scan` keeps its findings in its own report and only their counts in the audit
log (COOKIES_SCANNED), so this check judges the last scan by those counts.
"""

from __future__ import annotations

from privacydesk import audit
from privacydesk.check.model import Context, Violation
from privacydesk.check.security import last_entry


def last_cookie_scan(ctx: Context) -> list[Violation] | None:
    entry = last_entry(ctx, audit.Action.COOKIES_SCANNED)
    if entry is None:
        return None
    findings = int(entry.details.get("findings", 0))
    if not findings:
        return []
    return [
        Violation(
            f"the last cookie scan found {findings} cookie(s), storage key(s) or third parties "
            "the statement does not declare, or that were set before consent",
            {
                "audit_seq": entry.seq,
                "scanned_on": entry.at.date().isoformat(),
                "findings": findings,
                "pages": entry.details.get("pages"),
                "unlocked_after_accept": entry.details.get("unlocked"),
            },  # fmt: skip
            "run `privacydesk cookies scan URL --html report.html` for the list; declare each cookie in the "
            "register (and publish), or stop the site from setting it before consent",
        )
    ]
