"""The cookie scanner: load the live website in headless Chromium, as a first-time visitor who has not
consented, follow same-site links, and compare every cookie, localStorage key and third-party
request with the register. Then do it again after 'Accept all' and report what consent unlocks.

Findings (each with the page where it happened):
- `undeclared_cookie` / `undeclared_storage`: not in the register's cookie list;
- `cookie_before_consent` / `storage_before_consent`: declared as needing consent, yet set before it;
- `tracker_before_consent`: a request to the provider of a consent-needing cookie before consent;
- `undeclared_third_party`: a request to a host that is neither the site, privacydesk, a recipient
  in the register nor the provider of a declared cookie.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import UnusableInput
from privacydesk.register.model import Cookie, Register
from privacydesk.store.models.cookies import CookieScanFinding

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACCEPT_SELECTORS = (
    "#pdc [data-pd=accept]",
    "button:has-text('Alles accepteren')",
    "button:has-text('Accept all')",
    "button:has-text('Accepteren')",
    "button:has-text('Accept')",
    "button:has-text('Akkoord')",
    "button:has-text('Allow all')",
)
SETTLE_MS = 400


@dataclass(frozen=True)
class Seen:
    """Something the site left in the browser or asked for: a cookie, a storage key or a request."""

    kind: str  # cookie | local_storage | request
    name: str  # cookie or key name; for a request, the host
    host: str  # the cookie's domain, the page's host for storage, the request's host
    page: str


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    page: str
    item: str


@dataclass
class ScanReport:
    url: str
    pages: list[str]
    before: list[Seen]
    after: list[Seen] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    accepted: bool = False
    failed: list[str] = field(default_factory=list)

    @property
    def unlocked(self) -> list[Seen]:
        """What appeared only after 'Accept all'."""
        known = {(s.kind, s.name) for s in self.before}
        return [s for s in self.after if (s.kind, s.name) not in known]


# --- matching against the register --------------------------------------------------------------


def _label(host: str) -> str:
    """The distinctive part of a host: 'youtube' for www.youtube.com, the address for an IP."""
    host = host.lower().strip(".")
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    parts = host.split(".")
    return parts[-2] if len(parts) >= 2 else parts[0]


def declared_cookie(reg: Register, name: str, storage: str) -> Cookie | None:
    for cookie in reg.cookies:
        if cookie.storage != storage:
            continue
        if cookie.name == name or (cookie.name_is_prefix and name.startswith(cookie.name)):
            return cookie
    return None


def _words(*texts: str | None) -> str:
    return " ".join(t.lower() for t in texts if t)


@dataclass(frozen=True)
class Known:
    """The hosts and names the register accounts for."""

    own_hosts: frozenset[str]
    recipients: str  # recipients' names, descriptions and privacy URLs, lower-cased
    providers: str  # providers of declared cookies
    consent_providers: str  # providers of cookies that need consent

    def is_declared(self, host: str) -> bool:
        label = _label(host)
        return host in self.own_hosts or label in self.recipients or label in self.providers

    def needs_consent(self, host: str) -> bool:
        return host not in self.own_hosts and _label(host) in self.consent_providers


def known_hosts(reg: Register, own: list[str]) -> Known:
    recipients = _words(
        *(f"{r.name} {r.privacy_url or ''} {r.erasure_contact or ''}" for r in reg.recipients)
    )
    own_hosts = {urlsplit(u).hostname or u for u in own if u}
    own_hosts |= {urlsplit(str(reg.controller.website)).hostname or ""}
    if reg.rights.portal_url:
        own_hosts.add(urlsplit(str(reg.rights.portal_url)).hostname or "")
    return Known(
        own_hosts=frozenset(h for h in own_hosts if h),
        recipients=recipients,
        providers=_words(*(c.provider for c in reg.cookies)),
        consent_providers=_words(*(c.provider for c in reg.cookies if c.consent_required)),
    )


def _judge_storage(reg: Register, seen: Seen, consented: bool) -> Finding | None:
    storage = "cookie" if seen.kind == "cookie" else "local_storage"
    noun = "cookie" if storage == "cookie" else "localStorage key"
    declared = declared_cookie(reg, seen.name, storage)
    if declared is None:
        code = "undeclared_cookie" if storage == "cookie" else "undeclared_storage"
        return Finding(
            code, f"{noun} '{seen.name}' ({seen.host}) is not in the register", seen.page, seen.name
        )
    if declared.consent_required and not consented:
        code = "cookie_before_consent" if storage == "cookie" else "storage_before_consent"
        message = f"{noun} '{seen.name}' ({declared.category.value}) was set before consent"
        return Finding(code, message, seen.page, seen.name)
    return None


def _judge_request(known: Known, seen: Seen, consented: bool) -> Finding | None:
    if not known.is_declared(seen.host):
        message = f"third party {seen.host} is not among the register's recipients or cookie providers"
        return Finding("undeclared_third_party", message, seen.page, seen.host)
    if known.needs_consent(seen.host) and not consented:
        message = f"{seen.host} (provider of cookies that need consent) was contacted before consent"
        return Finding("tracker_before_consent", message, seen.page, seen.host)
    return None


def judge(reg: Register, known: Known, seen: list[Seen], *, consented: bool) -> list[Finding]:
    """Every finding for one pass, once per item (at the first page where it happened)."""
    findings: dict[tuple[str, str], Finding] = {}
    for item in seen:
        if item.kind == "request":
            found = _judge_request(known, item, consented)
        else:
            found = _judge_storage(reg, item, consented)
        if found is not None:
            findings.setdefault((found.code, found.item), found)
    return list(findings.values())


# --- the browser ---------------------------------------------------------------------------------


def _same_site(url: str, start: str) -> bool:
    """Same scheme, host and port as where the scan started (other ports are other sites here)."""
    a, b = urlsplit(url), urlsplit(start)
    return a.scheme in ("http", "https") and (a.scheme, a.netloc) == (b.scheme, b.netloc)


class _Pass:
    """One visit of the site in a fresh browser context, collecting what it leaves behind."""

    def __init__(self, browser: Any, start: str) -> None:
        self.context = browser.new_context(ignore_https_errors=True)
        self.start = start
        self.seen: dict[tuple[str, str], Seen] = {}
        self.current = start
        self.failed: list[str] = []
        self.context.on("request", self._request)

    def _add(self, kind: str, name: str, host: str, page: str) -> None:
        self.seen.setdefault((kind, name), Seen(kind, name, host, page))

    def _request(self, request: Any) -> None:
        host = urlsplit(request.url).hostname or ""
        if request.url.startswith(("http://", "https://")) and host != urlsplit(self.start).hostname:
            self._add("request", host, host, self.current)

    def visit(self, page: Any, url: str) -> list[str]:
        """Open `url`, wait for it to settle, note cookies and storage; returns its links."""
        from playwright.sync_api import Error as BrowserError

        self.current = url
        try:
            response = page.goto(url, wait_until="load", timeout=30_000)
        except BrowserError as exc:
            self.failed.append(f"{url}: {str(exc).splitlines()[0][:200]}")
            return []
        if response is not None and response.status >= 400:
            self.failed.append(f"{url}: HTTP {response.status}")
        page.wait_for_timeout(SETTLE_MS)
        self.collect(page)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
        return [urldefrag(urljoin(url, h))[0] for h in hrefs if isinstance(h, str)]

    def collect(self, page: Any) -> None:
        for cookie in self.context.cookies():
            self._add("cookie", cookie["name"], cookie["domain"].lstrip("."), self.current)
        keys = page.evaluate("() => { try { return Object.keys(localStorage) } catch (e) { return [] } }")
        for key in keys:
            self._add("local_storage", key, urlsplit(self.current).hostname or "", self.current)


def _crawl(one: _Pass, page: Any, start: str, max_pages: int) -> list[str]:
    queue: deque[str] = deque([start])
    visited: list[str] = []
    while queue and len(visited) < max_pages:
        url = queue.popleft()
        if url in visited:
            continue
        visited.append(url)
        for link in one.visit(page, url):
            if _same_site(link, start) and link not in visited and link not in queue:
                queue.append(link)
    return visited


def _accept(page: Any) -> bool:
    """Click the banner's 'Accept all' (privacydesk's, or a common wording of another banner)."""
    for selector in ACCEPT_SELECTORS:
        button = page.locator(selector).first
        if button.count() and button.is_visible():
            button.click()
            page.wait_for_timeout(SETTLE_MS)
            return True
    return False


def _launch(playwright: Any, resolve: dict[str, str]) -> Any:
    args = list(CHROMIUM_ARGS)
    if resolve:
        args.append("--host-resolver-rules=" + ", ".join(f"MAP {h} {ip}" for h, ip in resolve.items()))
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise UnusableInput(
            "the cookie scanner needs Playwright for Python", hint="pip install playwright"
        ) from None
    return sync_playwright()


def scan_site(
    url: str, *, register: Register, max_pages: int = 10, own: list[str] | None = None,
    resolve: dict[str, str] | None = None,
) -> ScanReport:  # fmt: skip
    """Scan `url` without consent, then after 'Accept all', and judge both against the register."""
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise UnusableInput(
            f"'{url}' is not a web address", hint="give a URL such as https://www.example.nl/"
        )
    known = known_hosts(register, own or [])
    with _playwright() as pw:
        browser = _launch(pw, resolve or {})
        try:
            before = _Pass(browser, url)
            pages = _crawl(before, before.context.new_page(), url, max_pages)
            report = ScanReport(url, pages, list(before.seen.values()), failed=before.failed)
            report.findings = judge(register, known, report.before, consented=False)
            _after(browser, report, register, known)
        finally:
            browser.close()
    return report


def _after(browser: Any, report: ScanReport, register: Register, known: Known) -> None:
    after = _Pass(browser, report.url)
    page = after.context.new_page()
    after.visit(page, report.url)
    report.accepted = _accept(page)
    for url in report.pages:
        after.visit(page, url)
    report.after = list(after.seen.values())
    seen_codes = {(f.code, f.item) for f in report.findings}
    for finding in judge(register, known, report.after, consented=True):
        if (finding.code, finding.item) not in seen_codes:
            report.findings.append(finding)


# --- keeping the result ------------------------------------------------------------------------------


def record_scan(session: Session, *, report: ScanReport, actor: str) -> int:
    """Audit the scan (counts) and keep its findings, so the check can name them; returns the
    scan's audit entry number."""
    details = {"pages": len(report.pages), "findings": len(report.findings), "unlocked": len(report.unlocked)}
    entry = audit.record(session, action=audit.Action.COOKIES_SCANNED, actor=actor, details=details)
    session.add_all(
        CookieScanFinding(
            scan_seq=entry.seq, scanned_at=entry.at, url=report.url[:1000], code=f.code,
            item=f.item[:500], page=f.page[:1000], message=f.message[:500],
        )
        for f in report.findings
    )  # fmt: skip
    session.flush()
    return entry.seq


def findings_of_scan(session: Session, *, scan_seq: int) -> list[CookieScanFinding]:
    """The findings a scan (by its audit entry number) kept, in the order it found them."""
    query = select(CookieScanFinding).where(CookieScanFinding.scan_seq == scan_seq)
    return list(session.execute(query.order_by(CookieScanFinding.id)).scalars())


# --- output ----------------------------------------------------------------------------------------


def render_html(report: ScanReport) -> str:
    """The HTML report (banner/cookiescan_report.html beside this module)."""
    from jinja2 import Environment

    source = resources.files("privacydesk.consent").joinpath("banner/cookiescan_report.html").read_text()
    return Environment(autoescape=True).from_string(source).render(r=report)


def as_json(report: ScanReport) -> dict[str, Any]:
    return {
        "url": report.url,
        "pages": report.pages,
        "accepted": report.accepted,
        "failed_pages": report.failed,
        "findings": [vars(f) for f in report.findings],
        "before_consent": [vars(s) for s in report.before],
        "unlocked_by_consent": [vars(s) for s in report.unlocked],
    }
