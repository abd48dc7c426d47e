"""The facts of a statement in one language, computed from the register (pure; no templates here).

Every line of the statement comes from here or from the register itself, so the statement cannot
promise what the register does not say.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from privacydesk.register.model import (
    CookieCategory,
    LegalBasis,
    Purpose,
    Recipient,
    RecipientRole,
    Register,
    Source,
)
from privacydesk.statement import words


@dataclass(frozen=True)
class PurposeView:
    name: str
    basis: str
    basis_detail: str | None
    categories: str
    subjects: str
    retention: str | None
    recipients: str | None
    requirement: str
    description: str | None


@dataclass(frozen=True)
class RecipientView:
    name: str
    description: str | None
    role: str
    receives: str
    located: str
    privacy_url: str | None
    purposes: str


@dataclass(frozen=True)
class TransferView:
    name: str
    countries: str
    mechanism: str


@dataclass(frozen=True)
class SourceView:
    subjects: str
    source: str
    categories: str
    purposes: str


@dataclass(frozen=True)
class CookieView:
    name: str
    provider: str
    category: str
    purpose: str
    lifetime: str
    consent_required: bool


@dataclass(frozen=True)
class StatementView:
    """Everything the templates of one language need."""

    lang: str
    reg: Register
    categories: list[tuple[str, str | None]]
    forbidden: list[tuple[str, str | None]]
    subjects: list[str]
    sources: list[SourceView]
    purposes: list[PurposeView]
    automated: list[PurposeView]
    retention: list[list[str]]
    anonymised: list[tuple[str, str]]
    recipients: list[RecipientView]
    has_processors: bool
    has_controllers: bool
    transfers: list[TransferView]
    cookies: list[CookieView]
    cookie_kinds: dict[str, bool] = field(default_factory=dict)
    consent_purposes: list[str] = field(default_factory=list)
    direct_marketing: list[str] = field(default_factory=list)
    answer_term: str = ""
    id_copy: bool = False
    email_code: bool = False


def article(basis: LegalBasis, lang: str) -> str:
    """GDPR art. 6(1)(b) / AVG art. 6 lid 1 sub b."""
    letter = basis.article[-2]
    return f"GDPR art. 6(1)({letter})" if lang == "en" else f"AVG art. 6 lid 1 sub {letter}"


def _names(reg: Register, keys: list[str], lang: str, kind: str) -> str:
    found = [getattr(reg, kind)(k) for k in keys]
    return ", ".join(
        item.name.get(lang) if hasattr(item.name, "get") else item.name for item in found if item
    )


def _basis_detail(p: Purpose, lang: str) -> str | None:
    if p.legal_basis == LegalBasis.LEGITIMATE_INTERESTS and p.legitimate_interest:
        return p.legitimate_interest.get(lang)
    if p.legal_basis == LegalBasis.LEGAL_OBLIGATION and p.legal_obligation:
        return p.legal_obligation
    if p.legal_basis == LegalBasis.CONSENT and p.consent and p.consent.description:
        return p.consent.description.get(lang)
    return None


def _requirement(p: Purpose, lang: str) -> str:
    if p.requirement is not None:
        return p.requirement.get(lang)
    if Source.DATA_SUBJECT not in p.sources:
        return (
            "Wij krijgen deze gegevens niet van jou zelf."
            if lang == "nl"
            else "We do not get this data from you."
        )
    assert p.legal_basis is not None  # a register with errors is never rendered
    return words.REQUIREMENT[lang][p.legal_basis]


def purpose_view(reg: Register, p: Purpose, lang: str) -> PurposeView:
    assert p.legal_basis is not None
    rule = reg.retention_rule(p.retention) if p.retention else None
    return PurposeView(
        name=p.name.get(lang),
        basis=f"{words.BASIS[lang][p.legal_basis]} ({article(p.legal_basis, lang)})",
        basis_detail=_basis_detail(p, lang),
        categories=_names(reg, p.categories, lang, "category"),
        subjects=_names(reg, p.subject_types, lang, "subject_type"),
        retention=_rule_text(reg, p.retention, lang) if rule else None,
        recipients=", ".join(r.name for k in p.recipients if (r := reg.recipient(k))) or None,
        requirement=_requirement(p, lang),
        description=p.description.get(lang) if p.description else None,
    )


def _rule_text(reg: Register, key: str | None, lang: str) -> str:
    rule = reg.retention_rule(key) if key else None
    if rule is None:
        return ""
    if rule.description is not None:
        return rule.description.get(lang)
    return words.duration_words(rule.duration, lang) or rule.duration


def retention_rows(reg: Register, lang: str) -> list[list[str]]:
    """Per retention term: which data it applies to (every category that is kept) and for which purposes."""
    rows = []
    for rule in reg.retention_rules:
        purposes = [p for p in reg.purposes if p.retention == rule.key]
        if not purposes:
            continue
        keys = list(dict.fromkeys(k for p in purposes for k in p.categories))
        rows.append(
            [
                _rule_text(reg, rule.key, lang),
                _names(reg, keys, lang, "category"),
                "; ".join(p.name.get(lang) for p in purposes),
            ]
        )
    return rows


def anonymised_rules(reg: Register, lang: str) -> list[tuple[str, str]]:
    """(term, fields kept) for each rule that anonymises instead of deleting."""
    out = []
    for rule in reg.retention_rules:
        if rule.at_expiry.value == "anonymise" and rule.keep_when_anonymised:
            kept = [words.KEPT_FIELD[lang].get(f, f) for f in rule.keep_when_anonymised]
            out.append((_rule_text(reg, rule.key, lang), words.join_words(kept, lang)))
    return out


def recipient_view(reg: Register, r: Recipient, lang: str) -> RecipientView:
    located = words.country_name(r.country, lang)
    purposes = [p.name.get(lang) for p in reg.purposes if r.key in p.recipients]
    return RecipientView(
        name=r.name,
        description=r.description.get(lang) if r.description else None,
        role=words.ROLE[lang][r.role],
        receives=_names(reg, r.receives, lang, "category"),
        located=located,
        privacy_url=str(r.privacy_url) if r.privacy_url else None,
        purposes="; ".join(purposes),
    )


def transfers(reg: Register, lang: str) -> list[TransferView]:
    out = []
    for r in reg.recipients:
        if r.outside_eea and r.transfer_mechanism is not None:
            names = [words.country_name(c, lang) for c in r.outside_eea]
            out.append(
                TransferView(
                    r.name, words.join_words(names, lang), words.MECHANISM[lang][r.transfer_mechanism]
                )
            )
    return out


def sources(reg: Register, lang: str) -> list[SourceView]:
    """Purposes whose data does not come from the person (GDPR art. 14)."""
    out = []
    for p in reg.purposes:
        others = [s for s in p.sources if s != Source.DATA_SUBJECT]
        if others:
            out.append(
                SourceView(
                    subjects=_names(reg, p.subject_types, lang, "subject_type"),
                    source=words.join_words([words.SOURCE[lang][s] for s in others], lang),
                    categories=_names(reg, p.categories, lang, "category"),
                    purposes=p.name.get(lang),
                )
            )
    return out


def cookie_view(reg: Register, lang: str) -> list[CookieView]:
    session = "tot je je browser sluit" if lang == "nl" else "until you close your browser"
    visit = "tot het einde van je bezoek" if lang == "nl" else "until the end of your visit"
    out = []
    for c in reg.cookies:
        if c.lifetime == "session":
            lifetime = session
        else:
            lifetime = words.duration_words(c.lifetime, lang) or visit
        name = f"{c.name}…" if c.name_is_prefix else c.name
        category = words.COOKIE_CATEGORY[lang][c.category]
        out.append(CookieView(name, c.provider, category, c.purpose.get(lang), lifetime, c.consent_required))
    return out


def cookie_kinds(reg: Register) -> dict[str, bool]:
    present = {c.category for c in reg.cookies}
    third_party_analytics = any(
        c.category == CookieCategory.ANALYTICS and c.party == "third" for c in reg.cookies
    )
    return {
        "any": bool(reg.cookies),
        "technical": bool(present & {CookieCategory.STRICTLY_NECESSARY, CookieCategory.FUNCTIONAL}),
        "analytics": CookieCategory.ANALYTICS in present,
        "friendly_analytics": CookieCategory.ANALYTICS in present and not third_party_analytics,
        "marketing": CookieCategory.MARKETING in present,
        "consent": any(c.consent_required for c in reg.cookies),
        "ip_shortened": reg.analytics.ip_truncation_bytes > 0,
    }


def _categories(reg: Register, lang: str, *, forbidden: bool) -> list[tuple[str, str | None]]:
    return [
        (c.name.get(lang), c.description.get(lang) if c.description else None)
        for c in reg.categories
        if c.forbidden == forbidden
    ]


def build_view(reg: Register, lang: str) -> StatementView:
    """All facts of the statement in `lang`."""
    methods = reg.rights.identity.methods
    return StatementView(
        lang=lang,
        reg=reg,
        categories=_categories(reg, lang, forbidden=False),
        forbidden=_categories(reg, lang, forbidden=True),
        subjects=[s.name.get(lang) for s in reg.subject_types],
        sources=sources(reg, lang),
        purposes=[purpose_view(reg, p, lang) for p in reg.purposes],
        automated=[
            purpose_view(reg, p, lang) for p in reg.purposes if p.automated_decision_making or p.profiling
        ],
        retention=retention_rows(reg, lang),
        anonymised=anonymised_rules(reg, lang),
        recipients=[recipient_view(reg, r, lang) for r in reg.recipients],
        has_processors=any(r.role == RecipientRole.PROCESSOR for r in reg.recipients),
        has_controllers=any(r.role != RecipientRole.PROCESSOR for r in reg.recipients),
        transfers=transfers(reg, lang),
        cookies=cookie_view(reg, lang),
        cookie_kinds=cookie_kinds(reg),
        consent_purposes=[p.name.get(lang) for p in reg.purposes if p.legal_basis == LegalBasis.CONSENT],
        direct_marketing=[p.name.get(lang) for p in reg.purposes if p.direct_marketing],
        answer_term=words.duration_words(reg.rights.answer_term, lang, spelled=True),
        id_copy="id_copy" in methods,
        email_code="email_code" in methods or "phone_code" in methods,
    )
