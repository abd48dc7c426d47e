"""Art. 6: the last cookie scan found nothing the statement does not declare, nothing set before consent.

`privacydesk cookies scan` audits its counts (COOKIES_SCANNED) and keeps its findings
(cookie_scan_findings), so this check names the cookie, storage key or third party and the page.
"""

from __future__ import annotations

from privacydesk import audit
from privacydesk.check.model import Context, Violation
from privacydesk.check.security import last_entry
from privacydesk.consent.cookiescan import findings_of_scan

NAMED = 10  # findings named in the evidence; the count covers them all


def last_cookie_scan(ctx: Context) -> list[Violation] | None:
    entry = last_entry(ctx, audit.Action.COOKIES_SCANNED)
    if entry is None:
        return None
    findings = int(entry.details.get("findings", 0))
    if not findings:
        return []
    kept = findings_of_scan(ctx.session, scan_seq=entry.seq)
    named = [{"code": f.code, "item": f.item, "page": f.page} for f in kept[:NAMED]]
    first = f": {kept[0].code} '{kept[0].item}' on {kept[0].page}" if kept else ""
    more = f" and {findings - 1} more" if kept and findings > 1 else ""
    return [
        Violation(
            f"the last cookie scan found {findings} cookie(s), storage key(s) or third parties "
            f"the statement does not declare, or that were set before consent{first}{more}",
            {
                "audit_seq": entry.seq,
                "scanned_on": entry.at.date().isoformat(),
                "findings": findings,
                "found": named,
                "pages": entry.details.get("pages"),
                "unlocked_after_accept": entry.details.get("unlocked"),
            },  # fmt: skip
            "declare each cookie named here in the register (and publish), or stop the site from setting "
            "it before consent; `privacydesk cookies scan URL --html report.html` for the full report",
        )
    ]
