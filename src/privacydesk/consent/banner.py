"""The cookie banner's server side: its configuration from the register, and strict checking of the
decisions it posts.

The banner shows the register's cookie categories and cookies (Dutch and English). A decision is
accepted only when it names exactly the categories that need consent, carries the consent revision
in force and the hash of the notice text this server serves; then it becomes one ledger row per
category, and the browser gets a signed receipt to keep as its `pd_consent` cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from privacydesk.config import Settings
from privacydesk.consent.ledger import COOKIE_PURPOSE_PREFIX, Channel, ConsentState, consent_revision
from privacydesk.register.model import Cookie, CookieCategory, Duration, Register
from privacydesk.register.service import current_register

MAX_BODY = 2048
RECEIPT = re.compile(r"^1\.(\d+)\.([0-9a-f]{32})\.([a-z_+]+|-)\.([0-9a-z]+)\.([0-9a-f]{24})$")
VISITOR = re.compile(r"^[0-9a-f]{32}$")
METHODS = frozenset({"accept_all", "reject_all", "save", "gpc"})
POST_FIELDS = frozenset({"visitor", "revision", "lang", "notice", "choices", "method", "previous"})

CATEGORY_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    CookieCategory.STRICTLY_NECESSARY: {
        "nl": ("Noodzakelijk", "Nodig om de website te laten werken en je keuze te onthouden."),
        "en": ("Strictly necessary", "Needed for the website to work and to remember your choice."),
    },
    CookieCategory.FUNCTIONAL: {
        "nl": ("Functioneel", "Onthouden je voorkeuren, zoals de taal. Ze volgen je niet."),
        "en": ("Functional", "Remember your preferences, such as the language. They do not track you."),
    },
    CookieCategory.ANALYTICS: {
        "nl": ("Statistieken", "Helpen ons de website te verbeteren met privacyvriendelijke statistieken."),
        "en": ("Analytics", "Help us improve the website with privacy-friendly statistics."),
    },
    CookieCategory.MARKETING: {
        "nl": (
            "Marketing en ingesloten media",
            "Voor advertenties en ingesloten video's van andere partijen.",
        ),
        "en": ("Marketing and embedded media", "For advertising and videos embedded from other parties."),
    },
}

TEXTS: dict[str, dict[str, Any]] = {
    "nl": {
        "title": "Cookies op deze website",
        "text": "{name} gebruikt noodzakelijke en functionele cookies om de website te laten werken. "
        "Met je toestemming gebruiken we ook cookies voor: {optional}. Je kunt je keuze altijd wijzigen "
        "via 'Cookie-instellingen'.",
        "none": "geen andere doelen",
        "accept": "Alles accepteren",
        "reject": "Alles weigeren",
        "settings": "Instellingen",
        "save": "Keuze opslaan",
        "always": "Altijd actief",
        "policy": "Lees onze privacyverklaring",
        "open": "Cookie-instellingen",
        "cookies": "Cookies",
        "gpc": "Je browser vraagt om niet gevolgd te worden (Global Privacy Control). Daarom staan alle "
        "niet-noodzakelijke cookies uit.",
        "cols": ["Naam", "Aanbieder", "Doel", "Bewaartermijn"],
    },
    "en": {
        "title": "Cookies on this website",
        "text": "{name} uses strictly necessary and functional cookies to make the website work. With "
        "your consent we also use cookies for: {optional}. You can change your choice at any time "
        "through 'Cookie settings'.",
        "none": "no other purposes",
        "accept": "Accept all",
        "reject": "Reject all",
        "settings": "Settings",
        "save": "Save choices",
        "always": "Always active",
        "policy": "Read our privacy statement",
        "open": "Cookie settings",
        "cookies": "Cookies",
        "gpc": "Your browser asks not to be tracked (Global Privacy Control), so every non-essential "
        "cookie is off.",
        "cols": ["Name", "Provider", "Purpose", "Kept for"],
    },
}
_UNITS = {
    "nl": (("jaar", "jaar"), ("maand", "maanden"), ("week", "weken"), ("dag", "dagen")),
    "en": (("year", "years"), ("month", "months"), ("week", "weeks"), ("day", "days")),
}
_SESSION = {"nl": "tot het einde van je bezoek", "en": "until the end of your visit"}


# Record ids only need to be unique, not secret: one urandom seed per process, then a fast PRNG
# (os.urandom per request costs more than the rest of the request on some kernels).
_ids = random.Random(os.urandom(32))
_RAND_B = (1 << 62) - 1


def record_id() -> str:
    """A UUIDv7 (RFC 9562): time-ordered, so the ids of one batch share the unique index's last page
    instead of dirtying one random page each (half the bytes each commit writes)."""
    rand = _ids.getrandbits(74)
    ms = time.time_ns() // 1_000_000
    return str(uuid.UUID(int=ms << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | rand & _RAND_B))


class BadConsent(Exception):
    """A consent post that is refused; nothing of it is stored."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def lifetime_text(lifetime: str, lang: str) -> str:
    """'P13M' → '13 maanden' / '13 months'; 'session' (and P0D) → until the end of the visit."""
    if lifetime == "session":
        return _SESSION[lang]
    period = Duration.parse(lifetime)
    parts = [
        f"{n} {unit[0] if n == 1 else unit[1]}"
        for n, unit in zip(
            (period.years, period.months, period.weeks, period.days), _UNITS[lang], strict=True
        )
        if n
    ]
    return " ".join(parts) or _SESSION[lang]


def _cookie_row(cookie: Cookie) -> list[Any]:
    return [
        cookie.name,
        cookie.provider,
        {"nl": cookie.purpose.nl, "en": cookie.purpose.en},
        {lang: lifetime_text(cookie.lifetime, lang) for lang in ("nl", "en")},
        1 if cookie.name_is_prefix else 0,
        cookie.storage,
    ]


def categories(reg: Register) -> list[dict[str, Any]]:
    """The register's cookie categories in a fixed order; `req` marks those that need consent."""
    found = []
    for category in CookieCategory:
        cookies = [c for c in reg.cookies if c.category == category]
        if cookies or category == CookieCategory.STRICTLY_NECESSARY:
            needs = any(c.consent_required for c in cookies)
            found.append({"k": category.value, "req": needs, "ck": [_cookie_row(c) for c in cookies]})
    return found


def _texts(reg: Register, cats: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    optional = [CATEGORY_NAMES[c["k"]][lang][0].lower() for c in cats if c["req"]]
    texts = dict(TEXTS[lang])
    texts["text"] = texts["text"].format(
        name=reg.controller.display_name, optional=", ".join(optional) or texts["none"]
    )
    return texts


def notice_hash(texts: dict[str, Any], cats: list[dict[str, Any]], revision: int, lang: str) -> str:
    """SHA-256 of exactly what the banner shows in `lang`: its texts, categories and cookies."""
    shown = {
        "revision": revision,
        "texts": texts,
        "categories": [
            {
                "key": c["k"],
                "name": CATEGORY_NAMES[c["k"]][lang],
                "cookies": [[r[0], r[1], r[2][lang], r[3][lang]] for r in c["ck"]],
            }
            for c in cats
        ],
    }
    canonical = json.dumps(shown, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class BannerContext:
    """Everything the banner and its endpoint need, read once from the register in force."""

    register_version: int
    revision: int
    consentable: frozenset[str]
    notice: dict[str, str]
    ip_truncation_bytes: int
    max_age_days: int
    config: dict[str, Any] = field(repr=False)


def banner_context(session: Session, *, settings: Settings) -> BannerContext:
    version, reg = current_register(session)
    revision = consent_revision(session)
    cats = categories(reg)
    texts = {lang: _texts(reg, cats, lang) for lang in ("nl", "en")}
    notice = {lang: notice_hash(texts[lang], cats, revision, lang) for lang in ("nl", "en")}
    base = settings.base_url.rstrip("/")
    config = {
        "rev": revision,
        "days": settings.consent_max_age_days,
        "color": reg.controller.branding.primary_color,
        "policy": {"nl": f"{base}/privacy", "en": f"{base}/privacy?lang=en"},
        "notice": notice,
        "cats": cats,
        "names": {c["k"]: CATEGORY_NAMES[c["k"]] for c in cats},
        "t": texts,
    }
    return BannerContext(
        register_version=version.number,
        revision=revision,
        consentable=frozenset(c["k"] for c in cats if c["req"]),
        notice=notice,
        ip_truncation_bytes=reg.analytics.ip_truncation_bytes,
        max_age_days=settings.consent_max_age_days,
        config=config,
    )


_HEADER_COMMENT = re.compile(r"^/\*.*?\*/\n", re.S)


def compact(source: str) -> str:
    """Drop the header comment, indentation and whole-line comments (statements end in ';', so
    keeping the line breaks keeps the meaning)."""
    lines = (line.strip() for line in _HEADER_COMMENT.sub("", source).splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def script_source() -> str:
    return compact(resources.files("privacydesk.consent").joinpath("banner/consent.js").read_text())


def script(ctx: BannerContext, *, gpc: bool) -> str:
    """consent.js with this register's configuration in it."""
    source = script_source()
    config = json.dumps({**ctx.config, "gpc": gpc}, ensure_ascii=False, separators=(",", ":"))
    return source.replace("__PD_CONFIG__", config.replace("</", "<\\/"))


def stylesheet() -> str:
    return compact(resources.files("privacydesk.consent").joinpath("banner/consent.css").read_text())


@lru_cache(maxsize=4096)
def truncate_ip(host: str | None, nbytes: int) -> str | None:
    """The client address with its last `nbytes` bytes zeroed (IPv6: the last 8·nbytes bytes);
    None when the register says to keep no address at all (0)."""
    if not nbytes or not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    keep_bits = address.max_prefixlen - (8 * nbytes if address.version == 4 else 64 * nbytes)
    network = ipaddress.ip_network(f"{address}/{max(keep_bits, 0)}", strict=False)
    return str(network.network_address)


# --- receipts (the pd_consent cookie) --------------------------------------------------------


def _mac(secret: bytes, body: str) -> str:
    return hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()[:24]


def receipt_secret(settings: Settings) -> bytes:
    return hashlib.sha256(
        b"privacydesk/consent-receipt/v1\x00" + settings.secret_key.get_secret_value().encode()
    ).digest()


def make_receipt(secret: bytes, *, revision: int, visitor: str, accepted: list[str], at: datetime) -> str:
    body = f"1.{revision}.{visitor}.{'+'.join(sorted(accepted)) or '-'}.{_base36(int(at.timestamp()))}"
    return f"{body}.{_mac(secret, body)}"


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def read_receipt(secret: bytes, receipt: str, *, visitor: str) -> set[str]:
    """The categories a genuine earlier receipt accepted; BadConsent when it was tampered with."""
    match = RECEIPT.match(receipt)
    if not match or match.group(2) != visitor:
        raise BadConsent(400, "previous: not a receipt for this visitor")
    body, mac = receipt.rsplit(".", 1)
    if not hmac.compare_digest(_mac(secret, body), mac):
        raise BadConsent(400, "previous: the receipt was altered")
    return set() if match.group(3) == "-" else set(match.group(3).split("+"))


def check_receipt(raw: bytes, ctx: BannerContext, secret: bytes) -> int:
    """The revision of a genuine receipt still in force; BadConsent when altered or outdated."""
    text = raw.decode("ascii", errors="replace").strip()
    match = RECEIPT.match(text)
    if not match:
        raise BadConsent(400, "not a consent receipt")
    read_receipt(secret, text, visitor=match.group(2))
    if int(match.group(1)) != ctx.revision:
        raise BadConsent(409, "the receipt is for an earlier consent revision; ask again")
    if time.time() - int(match.group(4), 36) > ctx.max_age_days * 86400:
        raise BadConsent(409, "the consent has expired; ask again")
    return ctx.revision


# --- checking a post ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A checked banner decision."""

    visitor: str
    lang: str
    method: str
    choices: dict[str, bool]
    previous: set[str]


def _load(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY:
        raise BadConsent(413, f"the body is larger than {MAX_BODY} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadConsent(400, "the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadConsent(422, "the body must be a JSON object")
    unknown = set(data) - POST_FIELDS
    if unknown:
        raise BadConsent(422, f"unknown field(s): {', '.join(sorted(unknown))[:100]}")
    return data


def _check_header(data: dict[str, Any], ctx: BannerContext) -> tuple[str, str, str]:
    visitor, lang, method = data.get("visitor"), data.get("lang"), data.get("method")
    if not isinstance(visitor, str) or not VISITOR.match(visitor):
        raise BadConsent(422, "visitor: must be 32 lowercase hex characters")
    if lang not in ("nl", "en"):
        raise BadConsent(422, "lang: must be nl or en")
    if method not in METHODS:
        raise BadConsent(422, f"method: must be one of {', '.join(sorted(METHODS))}")
    revision = data.get("revision")
    if type(revision) is not int or revision != ctx.revision:
        raise BadConsent(409, "revision: not the consent revision in force; reload and ask again")
    if data.get("notice") != ctx.notice[lang]:
        raise BadConsent(409, "notice: not the notice text this server shows; reload and ask again")
    return visitor, lang, method


def _check_choices(data: dict[str, Any], ctx: BannerContext, method: str) -> dict[str, bool]:
    choices = data.get("choices")
    if not isinstance(choices, dict) or set(choices) != ctx.consentable:
        raise BadConsent(422, f"choices: must name exactly {', '.join(sorted(ctx.consentable)) or 'nothing'}")
    if not all(type(v) is bool for v in choices.values()):
        raise BadConsent(422, "choices: every value must be true or false")
    if method == "accept_all" and not all(choices.values()):
        raise BadConsent(422, "choices: accept_all must accept every category")
    if method in ("reject_all", "gpc") and any(choices.values()):
        raise BadConsent(422, f"choices: {method} must refuse every category")
    return dict(choices)


def check_post(raw: bytes, ctx: BannerContext, secret: bytes) -> Decision:
    """Parse and check one banner post strictly; BadConsent (a 4xx) for anything off."""
    data = _load(raw)
    visitor, lang, method = _check_header(data, ctx)
    choices = _check_choices(data, ctx, method)
    previous = data.get("previous")
    if previous is not None and not isinstance(previous, str):
        raise BadConsent(422, "previous: must be the receipt string")
    earlier = read_receipt(secret, previous, visitor=visitor) if previous else set()
    return Decision(visitor=visitor, lang=lang, method=method, choices=choices, previous=earlier)


def ledger_rows(
    decision: Decision, ctx: BannerContext, *, at: datetime, ip_prefix: str | None, gpc_header: bool
) -> list[dict[str, Any]]:
    """One ledger row per category; a category accepted before and refused now is a withdrawal."""
    channel = Channel.GPC if decision.method == "gpc" else Channel.BANNER
    expires = at + timedelta(days=ctx.max_age_days)
    rows = []
    for category, given in sorted(decision.choices.items()):
        if given:
            state = ConsentState.GIVEN
        else:
            state = ConsentState.WITHDRAWN if category in decision.previous else ConsentState.REFUSED
        rows.append(
            {
                "record_id": record_id(),
                "subject_id": None,
                "visitor_id": decision.visitor,
                "purpose": f"{COOKIE_PURPOSE_PREFIX}{category}",
                "state": str(state),
                "ground": "consent",
                "channel": str(channel),
                "at": at,
                "expires_at": expires if given else None,
                "register_version": ctx.register_version,
                "consent_revision": ctx.revision,
                "notice_hash": ctx.notice[decision.lang],
                "language": decision.lang,
                "evidence": {"method": decision.method, "gpc_signal": gpc_header or decision.method == "gpc"},
                "ip_prefix": ip_prefix,
                "actor": f"visitor:{decision.visitor}",
            }
        )
    return rows
