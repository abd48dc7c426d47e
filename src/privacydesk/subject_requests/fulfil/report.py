"""The art. 15 answer built from the register and the subject's data, rendered to HTML and PDF.

Every fact (purposes, bases, categories, recipients, periods, sources, rights, the authority) is
read from the register; every value about the person from the store. Only the connecting
sentences are fixed wording (texts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from privacydesk.register.model import Duration, LegalBasis, Purpose, Recipient, Register, Source
from privacydesk.subject_requests.fulfil.result import Withheld
from privacydesk.subject_requests.fulfil.subject_data import RecordData, SubjectData
from privacydesk.subject_requests.fulfil.texts import LANGS, TEXT, t

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Row:
    """A table row: cells of plain text."""

    cells: list[str]
    note: str | None = None


@dataclass
class AccessReport:
    """Every section of the art. 15 answer, as plain text ready for a template."""

    lang: str
    reference: str
    made_on: date
    controller: str
    register_version: str
    identifiers: list[Row] = field(default_factory=list)
    records: dict[str, list[Row]] = field(default_factory=dict)
    messages: list[Row] = field(default_factory=list)
    consents: list[Row] = field(default_factory=list)
    history: list[Row] = field(default_factory=list)
    log: list[Row] = field(default_factory=list)
    purposes: list[Row] = field(default_factory=list)
    categories: list[Row] = field(default_factory=list)
    recipients: list[Row] = field(default_factory=list)
    retention: list[Row] = field(default_factory=list)
    sources: list[Row] = field(default_factory=list)
    automated: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    rights_how: str = ""
    complaint: str = ""
    contact: list[str] = field(default_factory=list)


def _fmt_date(value: date | None, lang: str) -> str:
    return "" if value is None else value.strftime("%d-%m-%Y" if lang == "nl" else "%Y-%m-%d")


def _fmt_value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_fmt_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_fmt_value(v) for v in value)
    return "" if value is None else str(value)


def _purposes(reg: Register, data: SubjectData) -> list[Purpose]:
    return [p for p in reg.purposes if p.key in data.purposes]


def _record_row(reg: Register, record: RecordData, lang: str) -> Row:
    cat = reg.category(record.category)
    details = "; ".join(f"{k}: {_fmt_value(v)}" for k, v in record.payload.items())
    note = (
        t("restricted_mark", lang, reason=_purpose_name(reg, record.purpose, lang))
        if record.restricted
        else None
    )
    return Row(
        [
            cat.name.get(lang) if cat else record.category,
            _fmt_date(record.event_on or record.created_at.date(), lang),
            details,
        ],
        note,
    )


def _purpose_name(reg: Register, key: str, lang: str) -> str:
    purpose = reg.purpose(key)
    return purpose.name.get(lang) if purpose else key


_PARTICLES = {
    "de",
    "der",
    "den",
    "van",
    "von",
    "het",
    "ten",
    "ter",
    "te",
    "la",
    "le",
    "du",
    "da",
    "di",
    "in",
    "op",
}


def _shown(kind: str, value: str) -> str:
    """Names are stored in lower case for lookup; show them capitalised, Dutch particles not."""
    if kind != "name":
        return value
    return " ".join(w if w in _PARTICLES and i else w.capitalize() for i, w in enumerate(value.split()))


def _id_kind(kind: str, lang: str) -> str:
    return t("id_" + kind, lang) if "id_" + kind in TEXT else kind


def _article(basis: LegalBasis, lang: str) -> str:
    """'GDPR art. 6(1)(b)' in English, 'AVG art. 6 lid 1 onder b' in Dutch."""
    letter = basis.article[-2]
    return f"AVG art. 6 lid 1 onder {letter}" if lang == "nl" else basis.article


def _basis(p: Purpose, lang: str) -> str:
    if p.legal_basis is None:
        return ""
    text = f"{t('basis_' + p.legal_basis.value, lang)} ({_article(p.legal_basis, lang)})"
    if p.legitimate_interest:
        text += f": {p.legitimate_interest.get(lang)}"
    if p.legal_obligation:
        text += f": {p.legal_obligation}"
    return text


def _received(reg: Register, data: SubjectData, recipient: Recipient) -> bool:
    """A recipient received this person's data when one of the person's records is in a purpose
    that shares with it and of a category it receives."""
    for record in data.records:
        purpose = reg.purpose(record.purpose)
        if purpose and recipient.key in purpose.recipients and record.category in recipient.receives:
            return True
    return False


def _country(r: Recipient, lang: str) -> str:
    countries = ", ".join([r.country, *r.transfer_countries])
    if r.outside_eea and r.transfer_mechanism:
        return f"{countries}; {t('mech_' + r.transfer_mechanism.value, lang)}"
    return countries


def _recipient_rows(reg: Register, data: SubjectData, lang: str) -> list[Row]:
    keys = {k for p in _purposes(reg, data) for k in p.recipients}
    rows = []
    for r in (reg.recipient(k) for k in sorted(keys)):
        if r is None:
            continue
        shared = ", ".join(c.name.get(lang) for c in reg.categories if c.key in r.receives)
        desc = r.description.get(lang) if r.description else ""
        received = t("yes" if _received(reg, data, r) else "no", lang)
        rows.append(
            Row([r.name, f"{t('role_' + r.role.value, lang)}. {desc}", _country(r, lang), received], shared)
        )
    return rows


def _retention_rows(reg: Register, data: SubjectData, lang: str) -> list[Row]:
    seen: dict[tuple[str, str], list[date | None]] = {}
    for record in data.records:
        seen.setdefault((record.category, record.purpose), []).append(record.expires_on)
    rows = []
    for (cat_key, purpose_key), dates in sorted(seen.items()):
        purpose, cat = reg.purpose(purpose_key), reg.category(cat_key)
        rule = reg.retention_rule(purpose.retention) if purpose and purpose.retention else None
        period = (
            rule.description.get(lang)
            if rule and rule.description
            else (str(Duration.parse(rule.duration)) if rule else "")
        )
        if rule and rule.legal_ground:
            period += f" ({rule.legal_ground})"
        known = sorted(d for d in dates if d is not None)
        when = (
            _fmt_date(known[-1], lang) if known and len(known) == len(dates) else t("clock_not_started", lang)
        )
        rows.append(
            Row([cat.name.get(lang) if cat else cat_key, _purpose_name(reg, purpose_key, lang), period, when])
        )
    return rows


def _source_rows(data: SubjectData, lang: str) -> list[Row]:
    firsts: dict[str, date] = {}
    for record in data.records:
        if record.source != Source.DATA_SUBJECT.value:
            day = record.created_at.date()
            firsts[record.source] = min(day, firsts.get(record.source, day))
    return [
        Row([t("source_" + s, lang), f"{t('received_on', lang)} {_fmt_date(d, lang)}"])
        for s, d in sorted(firsts.items())
    ]


def withheld_items(data: SubjectData) -> list[Withheld]:
    """What art. 15(4) keeps out of the copy, for the letter's summary."""
    out = []
    if data.others.contacts_from_their_list:
        out.append(
            Withheld("contact_list_entries", data.others.contacts_from_their_list, "art. 15(4): others' data")
        )
    if data.others.owner_withheld:
        out.append(Withheld("source_customer_identity", 1, "art. 15(4): the customer's identity"))
    return out


def _withheld(data: SubjectData, lang: str) -> list[str]:
    out = []
    if data.others.contacts_from_their_list:
        dates = ", ".join(_fmt_date(d, lang) for d in data.others.contact_list_imported_on)
        out.append(t("withheld_contacts", lang, count=data.others.contacts_from_their_list, dates=dates))
    if data.others.owner_withheld:
        out.append(t("withheld_owner", lang))
    return out


def _rights_how(reg: Register, lang: str) -> str:
    rights = reg.rights
    portal = t("rights_portal", lang, url=str(rights.portal_url)) if rights.portal_url else ""
    term = Duration.parse(rights.answer_term)
    weeks = term.weeks or term.approx_days // 7
    term_text = f"{weeks} {'weken' if lang == 'nl' else 'weeks'}"
    return t("rights_how", lang, email=rights.request_email, portal=portal, term=term_text)


def _contact(reg: Register, lang: str) -> list[str]:
    c = reg.controller
    dpo_label = t("dpo" if c.dpo.formally_appointed else "privacy_contact", lang)
    lines = [
        c.legal_name,
        c.address.street,
        f"{c.address.postcode} {c.address.city}",
        str(c.website),
        c.email,
    ]
    lines.append(f"{dpo_label}: {c.dpo.name}, {c.dpo.email}" + (f", {c.dpo.phone}" if c.dpo.phone else ""))
    return lines


def _automated(reg: Register, data: SubjectData, lang: str) -> list[str]:
    return [p.name.get(lang) for p in _purposes(reg, data) if p.automated_decision_making or p.profiling]


def message_filename(index: int, message_id: int) -> str:
    return f"correspondence/{index:04d}-{message_id}.eml"


def _data_sections(report: AccessReport, reg: Register, data: SubjectData) -> None:
    lang = report.lang
    report.identifiers = [
        Row([_id_kind(kind, lang), _shown(kind, value)]) for kind, value in data.identifiers
    ]
    for record in sorted(data.records, key=lambda r: (r.purpose, r.created_at, r.id)):
        report.records.setdefault(_purpose_name(reg, record.purpose, lang), []).append(
            _record_row(reg, record, lang)
        )
    for c in data.consents:
        at = str(c.get("dpv:isIndicatedAtTime", ""))[:10]
        state = str(c.get("dpv:hasConsentStatus", "")).removeprefix("dpv:Consent").lower()
        shown = t("consent_" + state, lang) if "consent_" + state in TEXT else state
        when = _fmt_date(date.fromisoformat(at), lang) if at else ""
        report.consents.append(Row([_purpose_name(reg, str(c.get("dpv:hasPurpose", "")), lang), shown, when]))
    for i, m in enumerate(sorted(data.messages, key=lambda m: (m.sent_at, m.id)), start=1):
        when = _fmt_date(m.sent_at.date(), lang)
        report.messages.append(
            Row([when, t(m.direction, lang), m.channel, m.subject_line, message_filename(i, m.id)])
        )


def _history_and_log(report: AccessReport, reg: Register, data: SubjectData) -> None:
    lang = report.lang
    categories = {r.id: r.category for r in data.records}
    for h in data.history:
        cat = reg.category(categories.get(h.record_id, ""))
        old = "; ".join(f"{k}: {_fmt_value(v)}" for k, v in h.old.items() if k in h.changed_fields)
        name = cat.name.get(lang) if cat else ""
        report.history.append(
            Row([_fmt_date(h.changed_at.date(), lang), name, ", ".join(h.changed_fields), old])
        )
    counted: dict[tuple[date, str], int] = {}
    for entry in data.log:  # the same action on one day once, with a count
        what = t("log_" + entry.action, lang) if "log_" + entry.action in TEXT else entry.description
        counted[(entry.at.date(), what)] = counted.get((entry.at.date(), what), 0) + 1
    for (day, what), n in counted.items():
        report.log.append(Row([_fmt_date(day, lang), what if n == 1 else f"{what} ({n}×)"]))


def build_report(
    reg: Register, data: SubjectData, *, lang: str, made_on: date, reference: str
) -> AccessReport:
    """The whole art. 15 answer for `data` under `reg`, in `lang` ('nl' or 'en')."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}")
    report = AccessReport(lang, reference, made_on, reg.controller.display_name, reg.statement_version)
    _data_sections(report, reg, data)
    _history_and_log(report, reg, data)
    report.purposes = [Row([p.name.get(lang), _basis(p, lang)]) for p in _purposes(reg, data)]
    report.categories = [
        Row([c.name.get(lang), c.description.get(lang) if c.description else ""])
        for c in reg.categories
        if c.key in data.categories
    ]
    report.recipients = _recipient_rows(reg, data, lang)
    report.retention = _retention_rows(reg, data, lang)
    report.sources = _source_rows(data, lang)
    report.automated = _automated(reg, data, lang)
    report.withheld = _withheld(data, lang)
    report.rights_how = _rights_how(reg, lang)
    authority = reg.rights.complaint_authority
    report.complaint = t("complaint_text", lang, authority=authority.name.get(lang), url=str(authority.url))
    report.contact = _contact(reg, lang)
    return report


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "j2"]),
    keep_trailing_newline=True,
)


def render_html(report: AccessReport, *, brand_color: str = "#1f4e79") -> str:
    """The report as one self-contained HTML page (CSS inlined: it travels inside a ZIP)."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8").replace("var(--brand)", brand_color)
    template = _ENV.get_template("access_report.html.j2")
    return template.render(r=report, t=lambda key, **kw: t(key, report.lang, **kw), css=Markup(css))


def render_pdf(html: str) -> bytes:
    """The same report as PDF (WeasyPrint), for printing and archiving."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
