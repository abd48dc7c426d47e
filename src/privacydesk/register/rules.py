"""The rules of the law a register must meet. Each rule is a pure function returning findings.

A finding names where in the file it stands (via the line map), how bad it is, what is wrong and a
one-line fix. `check_register` runs every rule in RULES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from privacydesk.register.load import LoadedRegister
from privacydesk.register.model import (
    ConsentMethod,
    CookieCategory,
    Duration,
    LegalBasis,
    Recipient,
    RecipientRole,
    Register,
    RetentionTrigger,
    Sensitivity,
    TransferMechanism,
)
from privacydesk.register.yamlload import Path_, dotted


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing the register gets wrong under the law, with where it is and how to fix it."""

    code: str
    severity: Severity
    path: Path_
    message: str
    fix: str

    def as_dict(self, loaded: LoadedRegister) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "file": loaded.source,
            "line": loaded.lines.line(self.path),
            "field": dotted(self.path),
            "message": self.message,
            "fix": self.fix,
        }


Rule = Callable[[Register], Iterator[Finding]]
E, W = Severity.ERROR, Severity.WARNING

# Parties that decide for themselves what they do with data: never processors under a DPA.
KNOWN_CONTROLLERS = (
    "belastingdienst",
    "knab",
    "ing",
    "rabobank",
    "abn amro",
    "bunq",
    "triodos",
    "kvk",
)


def _index(items: list[object], key: str) -> int:
    return [getattr(i, "key", None) for i in items].index(key)


def rule_references(reg: Register) -> Iterator[Finding]:
    """Everything a purpose or recipient names must be declared."""
    cats = {c.key for c in reg.categories}
    types = {s.key for s in reg.subject_types}
    recips = {r.key for r in reg.recipients}
    rules = {r.key for r in reg.retention_rules}
    for i, p in enumerate(reg.purposes):
        for field, known, what in (
            ("categories", cats, "category"),
            ("subject_types", types, "subject type"),
            ("recipients", recips, "recipient"),
        ):
            for j, ref in enumerate(getattr(p, field)):
                if ref not in known:
                    yield Finding(
                        "R01",
                        E,
                        ("purposes", i, field, j),
                        f"purpose '{p.key}' names {what} '{ref}', which is not declared",
                        f"declare '{ref}' under {field} or correct the spelling",
                    )
        if p.retention is not None and p.retention not in rules:
            yield Finding(
                "R01",
                E,
                ("purposes", i, "retention"),
                f"purpose '{p.key}' names retention rule '{p.retention}', which is not declared",
                f"declare '{p.retention}' under retention_rules",
            )
    for i, r in enumerate(reg.recipients):
        for j, ref in enumerate(r.receives):
            if ref not in cats:
                yield Finding(
                    "R01",
                    E,
                    ("recipients", i, "receives", j),
                    f"recipient '{r.key}' receives category '{ref}', which is not declared",
                    f"declare '{ref}' under categories",
                )


def rule_duplicates(reg: Register) -> Iterator[Finding]:
    """Keys are unique within their section."""
    for section in ("categories", "subject_types", "purposes", "retention_rules", "recipients"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(reg, section)):
            if item.key in seen:
                yield Finding(
                    "R02",
                    E,
                    (section, i, "key"),
                    f"{section} key '{item.key}' is declared twice",
                    "give each entry its own key",
                )
            seen.add(item.key)


def rule_purpose_basics(reg: Register) -> Iterator[Finding]:
    """Every purpose has a legal basis (art. 6) and a retention rule (art. 5(1)(e), 13(2)(a))."""
    for i, p in enumerate(reg.purposes):
        if p.legal_basis is None:
            yield Finding(
                "R03",
                E,
                ("purposes", i),
                f"purpose '{p.key}' has no legal basis",
                "add legal_basis: one of " + ", ".join(b.value for b in LegalBasis),
            )
        if p.retention is None:
            yield Finding(
                "R04",
                E,
                ("purposes", i),
                f"purpose '{p.key}' has no retention rule",
                "add retention: the key of a retention rule",
            )
        if p.legal_basis == LegalBasis.LEGITIMATE_INTERESTS and p.legitimate_interest is None:
            yield Finding(
                "R05",
                E,
                ("purposes", i, "legal_basis"),
                f"purpose '{p.key}' relies on legitimate interests but does not say which (art. 13(1)(d))",
                "add legitimate_interest: {nl: …, en: …}",
            )
        if p.legal_basis == LegalBasis.LEGAL_OBLIGATION and not p.legal_obligation:
            yield Finding(
                "R06",
                W,
                ("purposes", i, "legal_basis"),
                f"purpose '{p.key}' relies on a legal obligation but does not name the law",
                "add legal_obligation: the article that obliges you",
            )
        if (p.automated_decision_making or p.profiling) and p.description is None:
            yield Finding(
                "R07",
                E,
                ("purposes", i),
                f"purpose '{p.key}' uses automated decisions or profiling "
                "without explaining the logic (art. 13(2)(f))",
                "add a description of the logic and its consequences",
            )


def rule_consent_capture(reg: Register) -> Iterator[Finding]:
    """Consent must be provable (art. 7(1)): say how it is captured."""
    for i, p in enumerate(reg.purposes):
        if p.legal_basis == LegalBasis.CONSENT and p.consent is None:
            yield Finding(
                "R08",
                E,
                ("purposes", i, "legal_basis"),
                f"purpose '{p.key}' is based on consent but does not say how consent is captured",
                "add consent: {method: " + " | ".join(m.value for m in ConsentMethod) + "}",
            )
        if p.direct_marketing and p.legal_basis not in (
            LegalBasis.CONSENT,
            LegalBasis.LEGITIMATE_INTERESTS,
        ):
            yield Finding(
                "R09",
                E,
                ("purposes", i, "legal_basis"),
                f"direct marketing purpose '{p.key}' needs consent or the existing-customer exception",
                "use legal_basis: consent (Telecommunicatiewet art. 11.7)",
            )


def rule_minimisation(reg: Register) -> Iterator[Finding]:
    """Every declared category is used by some purpose (art. 5(1)(c))."""
    used = {c for p in reg.purposes for c in p.categories}
    for i, c in enumerate(reg.categories):
        if c.key not in used and not c.forbidden:
            yield Finding(
                "R10",
                W,
                ("categories", i),
                f"category '{c.key}' is declared but no purpose uses it",
                "remove it, or add it to the purpose that needs it (data minimisation)",
            )


def rule_national_id(reg: Register) -> Iterator[Finding]:
    """A BSN may only be processed where a law requires it (UAVG art. 46); special data needs art. 9."""
    for i, p in enumerate(reg.purposes):
        for j, key in enumerate(p.categories):
            cat = reg.category(key)
            if cat is None:
                continue
            if cat.forbidden:
                yield Finding(
                    "R11",
                    E,
                    ("purposes", i, "categories", j),
                    f"purpose '{p.key}' uses category '{key}', which the register forbids",
                    "remove it from the purpose",
                )
            elif cat.sensitivity == Sensitivity.NATIONAL_ID and p.legal_basis != LegalBasis.LEGAL_OBLIGATION:
                yield Finding(
                    "R12",
                    E,
                    ("purposes", i, "categories", j),
                    f"purpose '{p.key}' uses a national identification number "
                    "without a law that requires it (UAVG art. 46)",
                    "remove the BSN, or base the purpose on the legal obligation that requires it",
                )
            elif cat.sensitivity == Sensitivity.SPECIAL_CATEGORY and p.legal_basis != LegalBasis.CONSENT:
                yield Finding(
                    "R13",
                    W,
                    ("purposes", i, "categories", j),
                    f"purpose '{p.key}' uses special-category data '{key}': "
                    "check an art. 9(2) exception applies",
                    "name the art. 9(2) exception in the purpose's description",
                )


def _is_controller_by_nature(name: str) -> bool:
    lowered = name.lower()
    return any(k in lowered for k in KNOWN_CONTROLLERS)


def _dpa_findings(i: int, r: Recipient) -> Iterator[Finding]:
    if r.dpa is None:
        yield Finding(
            "R15",
            E,
            ("recipients", i),
            f"processor '{r.key}' has no data-processing agreement recorded (art. 28(3))",
            "conclude a DPA (often the provider's standard terms) and add dpa: {reference, signed_on}",
        )
        return
    if r.dpa.signed_on is None:
        yield Finding(
            "R16",
            W,
            ("recipients", i, "dpa"),
            f"the DPA with '{r.key}' has no date: it cannot be shown when it was concluded",
            "add signed_on: the date you signed or accepted the provider's terms",
        )
    if r.dpa.clauses.missing():
        yield Finding(
            "R17",
            W,
            ("recipients", i, "dpa", "clauses"),
            f"the DPA with '{r.key}' is not checked for the art. 28(3) clauses: "
            + ", ".join(r.dpa.clauses.missing()),
            "read the agreement and tick each clause it contains",
        )


def rule_processors(reg: Register) -> Iterator[Finding]:
    """Processors need a DPA with the art. 28(3) clauses; authorities and banks are not processors."""
    for i, r in enumerate(reg.recipients):
        if r.role == RecipientRole.PROCESSOR and _is_controller_by_nature(r.name):
            yield Finding(
                "R14",
                E,
                ("recipients", i, "role"),
                f"'{r.name}' decides for itself what it does with the data: it is not a processor",
                "set role: independent_controller or public_authority; no DPA is needed",
            )
        elif r.role == RecipientRole.PROCESSOR:
            yield from _dpa_findings(i, r)
        if r.role != RecipientRole.PROCESSOR and r.dpa is not None:
            yield Finding(
                "R18",
                W,
                ("recipients", i, "dpa"),
                f"'{r.key}' is a {r.role.value.replace('_', ' ')}, but a DPA is recorded for it",
                "a data-processing agreement is only for processors: remove dpa",
            )
        if r.privacy_url is None and r.role != RecipientRole.PROCESSOR:
            yield Finding(
                "R35",
                W,
                ("recipients", i),
                f"'{r.key}' has no privacy-policy link for the statement",
                "add privacy_url",
            )


def rule_transfers(reg: Register) -> Iterator[Finding]:
    """Transfers outside the EEA name a mechanism (GDPR chapter V) that fits the country."""
    for i, r in enumerate(reg.recipients):
        outside = r.outside_eea
        if not outside:
            continue
        if r.transfer_mechanism is None:
            yield Finding(
                "R19",
                E,
                ("recipients", i),
                f"'{r.key}' receives data in {', '.join(outside)} (outside the EEA) "
                "without a transfer mechanism",
                "add transfer_mechanism: " + " | ".join(m.value for m in TransferMechanism),
            )
        elif r.transfer_mechanism == TransferMechanism.EU_US_DPF and outside != ["US"]:
            yield Finding(
                "R20",
                E,
                ("recipients", i, "transfer_mechanism"),
                "the EU-US Data Privacy Framework covers only the US, not "
                + ", ".join(c for c in outside if c != "US"),
                "use scc or adequacy for the other countries",
            )


def rule_cookies(reg: Register) -> Iterator[Finding]:
    """Telecommunicatiewet 11.7a: only strictly necessary (and functional) cookies go without consent."""
    for i, c in enumerate(reg.cookies):
        if c.category == CookieCategory.STRICTLY_NECESSARY and c.consent_required:
            yield Finding(
                "R21",
                E,
                ("cookies", i, "consent_required"),
                f"cookie '{c.name}' is marked strictly necessary yet needs consent: one of the two is wrong",
                "a cookie that needs consent is functional, analytics or marketing",
            )
        if c.category == CookieCategory.MARKETING and not c.consent_required:
            yield Finding(
                "R22",
                E,
                ("cookies", i, "consent_required"),
                f"marketing cookie '{c.name}' is set without consent",
                "set consent_required: true",
            )
        if c.category == CookieCategory.ANALYTICS and not c.consent_required:
            yield Finding(
                "R23",
                W,
                ("cookies", i, "consent_required"),
                f"analytics cookie '{c.name}' goes without consent: "
                "allowed only for privacy-friendly, unshared statistics",
                "confirm the AP's conditions hold (IP shortened, no sharing), or ask consent",
            )
        if c.party == "third" and not any(
            c.provider.lower() in r.name.lower() or r.name.lower() in c.provider.lower()
            for r in reg.recipients
        ):
            yield Finding(
                "R24",
                W,
                ("cookies", i, "provider"),
                f"third-party cookie '{c.name}' comes from '{c.provider}', which is not among the recipients",
                "add the provider as a recipient",
            )


def _bad_email(value: str) -> str | None:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def rule_contacts(reg: Register) -> Iterator[Finding]:
    """The addresses people need to reach the business are valid."""
    emails: list[tuple[Path_, str | None]] = [
        (("rights", "request_email"), reg.rights.request_email),
        (("controller", "dpo", "email"), reg.controller.dpo.email),
        (("controller", "email"), reg.controller.email),
        (("security", "report_email"), reg.security.report_email),
    ]
    for path, value in emails:
        if value is not None and (problem := _bad_email(value)):
            yield Finding(
                "R25",
                E,
                path,
                f"{dotted(path)} is not a valid e-mail address: {problem}",
                "correct it",
            )
    site = urlsplit(str(reg.controller.website)).hostname or ""
    base = ".".join(site.split(".")[-2:])
    domain = reg.rights.request_email.rpartition("@")[2].lower()
    if base and not domain.endswith(base):
        yield Finding(
            "R26",
            W,
            ("rights", "request_email"),
            f"requests go to {domain}, a different domain from the website ({base}): "
            "people may not trust or find it",
            f"use an address @{base}, or explain the other domain in the statement",
        )


def rule_dpo(reg: Register) -> Iterator[Finding]:
    """A formally appointed DPO must be reported to the Autoriteit Persoonsgegevens (art. 37(7))."""
    if reg.controller.dpo.formally_appointed:
        yield Finding(
            "R33",
            W,
            ("controller", "dpo", "formally_appointed"),
            f"{reg.controller.dpo.name} is named Functionaris Gegevensbescherming: that appointment must be "
            "reported to the Autoriteit Persoonsgegevens, and she must be independent (art. 37-38)",
            "report her to the AP, or, where no DPO is required, call her the privacy contact",
        )


def rule_rights(reg: Register) -> Iterator[Finding]:
    """The promised answer term may not exceed the legal month (art. 12(3))."""
    term = reg.rights.answer_term
    if Duration.parse(term).approx_days > 31:
        yield Finding(
            "R27",
            E,
            ("rights", "answer_term"),
            f"the answer term {term} is longer than the one month GDPR art. 12(3) allows",
            "promise at most one month (P1M or P4W)",
        )
    if "id_copy" in reg.rights.identity.methods and not reg.rights.identity.id_copy_instructions:
        yield Finding(
            "R28",
            W,
            ("rights", "identity"),
            "ID copies are asked for without instructions on what to black out",
            "add id_copy_instructions",
        )


def rule_retention(reg: Register) -> Iterator[Finding]:
    """The fiscal duty covers bookkeeping, not marketing; long terms need a legal ground."""
    for i, p in enumerate(reg.purposes):
        rule = reg.retention_rule(p.retention) if p.retention else None
        if rule is None:
            continue
        if rule.starts == RetentionTrigger.END_OF_FISCAL_YEAR and p.legal_basis in (
            LegalBasis.CONSENT,
            LegalBasis.LEGITIMATE_INTERESTS,
        ):
            yield Finding(
                "R29",
                E,
                ("purposes", i, "retention"),
                f"purpose '{p.key}' keeps data under the fiscal duty, which covers bookkeeping records only",
                "give it a retention rule of its own",
            )
    for i, r in enumerate(reg.retention_rules):
        if r.period.approx_days > 5 * 365 and not r.legal_ground:
            yield Finding(
                "R30",
                W,
                ("retention_rules", i),
                f"retention rule '{r.key}' keeps data {r.duration} without naming the law that requires it",
                "add legal_ground",
            )
        if r.at_expiry.value == "anonymise" and not r.keep_when_anonymised:
            yield Finding(
                "R31",
                W,
                ("retention_rules", i, "at_expiry"),
                f"retention rule '{r.key}' anonymises but does not say what is kept",
                "list keep_when_anonymised (e.g. [date, amount])",
            )


def rule_app_import(reg: Register) -> Iterator[Finding]:
    """Data not obtained from the person (art. 14) must say where it came from."""
    for i, p in enumerate(reg.purposes):
        if any(s.value != "data_subject" for s in p.sources) and p.legal_basis == LegalBasis.CONSENT:
            yield Finding(
                "R32",
                E,
                ("purposes", i, "legal_basis"),
                f"purpose '{p.key}' gets data from someone else, so it cannot rest on that person's consent",
                "use another basis, e.g. legitimate_interests, and inform the people (art. 14)",
            )


RULES: tuple[Rule, ...] = (
    rule_references,
    rule_duplicates,
    rule_purpose_basics,
    rule_consent_capture,
    rule_minimisation,
    rule_national_id,
    rule_processors,
    rule_transfers,
    rule_cookies,
    rule_contacts,
    rule_dpo,
    rule_rights,
    rule_retention,
    rule_app_import,
)


def check_register(loaded: LoadedRegister) -> list[Finding]:
    """Every finding of every rule, errors first, in file order within each severity."""
    findings = [f for rule in RULES for f in rule(loaded.register)]
    return sorted(findings, key=lambda f: (f.severity != Severity.ERROR, loaded.lines.line(f.path)))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)
