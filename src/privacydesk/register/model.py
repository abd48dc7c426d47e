"""The privacy register (GDPR art. 30 records of processing) as typed, validated models.

The register is the single source of truth: the statement is rendered from it, the store refuses
values it does not allow, retention reads its rules and the check compares reality with it.
Fields are in English; text shown to people comes as `LocalText` (Dutch and English).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]

EEA_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class LocalText(Strict):
    """A text in Dutch and English."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 calendar duration (P7Y, P2Y6M, P4W, P0D): years, months, weeks and days."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.match(text.strip()) if text.strip() not in ("P", "") else None
        if not match:
            raise ValueError(f"'{text}' is not an ISO 8601 duration such as P7Y, P6M, P4W or P30D")
        y, m, w, d = (int(g) if g else 0 for g in match.groups())
        return cls(y, m, w, d)

    def after(self, start: date) -> date:
        return start + relativedelta(years=self.years, months=self.months, weeks=self.weeks, days=self.days)

    @property
    def approx_days(self) -> int:
        return self.years * 365 + self.months * 30 + self.weeks * 7 + self.days

    def __str__(self) -> str:
        out = "P" + "".join(
            f"{n}{u}"
            for n, u in ((self.years, "Y"), (self.months, "M"), (self.weeks, "W"), (self.days, "D"))
            if n
        )
        return out if out != "P" else "P0D"


class LegalBasis(StrEnum):
    """GDPR art. 6(1) a–f."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"

    @property
    def article(self) -> str:
        letter = "abcdef"[list(LegalBasis).index(self)]
        return f"GDPR art. 6(1)({letter})"


class Sensitivity(StrEnum):
    NORMAL = "normal"
    FINANCIAL = "financial"
    SPECIAL_CATEGORY = "special_category"  # GDPR art. 9
    NATIONAL_ID = "national_id"  # BSN: UAVG art. 46


class Source(StrEnum):
    """Where the data comes from (GDPR art. 14 when it is not the person)."""

    DATA_SUBJECT = "data_subject"
    CUSTOMER_APP_IMPORT = "customer_app_import"
    PUBLIC_SOURCES = "public_sources"
    THIRD_PARTY = "third_party"


class RetentionTrigger(StrEnum):
    """The event that starts a retention clock."""

    COLLECTED = "collected"
    END_OF_FISCAL_YEAR = "end_of_fiscal_year"
    END_OF_RELATIONSHIP = "end_of_relationship"
    LAST_CONTACT = "last_contact"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    REQUEST_CLOSED = "request_closed"
    IDENTITY_VERIFIED = "identity_verified"


class ExpiryAction(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"


class RecipientRole(StrEnum):
    PROCESSOR = "processor"
    INDEPENDENT_CONTROLLER = "independent_controller"
    JOINT_CONTROLLER = "joint_controller"
    PUBLIC_AUTHORITY = "public_authority"


class TransferMechanism(StrEnum):
    """GDPR chapter V: how a transfer outside the EEA is safeguarded."""

    ADEQUACY = "adequacy"  # art. 45
    EU_US_DPF = "eu_us_dpf"  # art. 45, EU-US Data Privacy Framework (2023)
    SCC = "scc"  # art. 46(2)(c)
    BCR = "bcr"  # art. 47
    DEROGATION = "derogation"  # art. 49


class CookieCategory(StrEnum):
    STRICTLY_NECESSARY = "strictly_necessary"
    FUNCTIONAL = "functional"
    ANALYTICS = "analytics"
    MARKETING = "marketing"


class ConsentMethod(StrEnum):
    DOUBLE_OPT_IN = "double_opt_in"
    CHECKBOX = "checkbox"
    COOKIE_BANNER = "cookie_banner"
    RECORDED_VERBALLY = "recorded_verbally"


class IdPart(StrEnum):
    """Parts of an ID copy that must be blacked out."""

    PHOTO = "photo"
    MRZ = "mrz"
    DOCUMENT_NUMBER = "document_number"
    BSN = "bsn"


class Address(Strict):
    street: str
    postcode: str
    city: str
    country: CountryCode = "NL"


class PrivacyContact(Strict):
    """The data-protection officer (FG), or the privacy contact where none is formally appointed."""

    name: str
    email: str
    phone: str | None = None
    formally_appointed: bool = False


class Branding(Strict):
    primary_color: str = Field("#1f4e79", pattern=r"^#[0-9a-fA-F]{6}$")
    logo_url: str | None = None


class Controller(Strict):
    legal_name: str
    trading_name: str | None = None
    address: Address
    website: HttpUrl
    email: str
    phone: str | None = None
    coc_number: str | None = Field(None, description="KvK number")
    dpo: PrivacyContact
    branding: Branding = Branding()

    @property
    def display_name(self) -> str:
        return self.trading_name or self.legal_name


class Category(Strict):
    key: Key
    name: LocalText
    description: LocalText | None = None
    sensitivity: Sensitivity = Sensitivity.NORMAL
    fides: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$", description="fideslang data category")
    forbidden: bool = Field(False, description="May not be kept at all (e.g. a BSN here)")


class SubjectType(Strict):
    key: Key
    name: LocalText
    description: LocalText | None = None
    fides: str | None = Field(None, pattern=r"^[a-z_]+(\.[a-z_]+)*$", description="fideslang data subject")


class RetentionRule(Strict):
    key: Key
    duration: str
    starts: RetentionTrigger
    legal_ground: str | None = None
    at_expiry: ExpiryAction = ExpiryAction.DELETE
    keep_when_anonymised: list[str] = Field(
        default_factory=list, description="Fields kept for statistics when anonymising"
    )
    description: LocalText | None = None

    @field_validator("duration")
    @classmethod
    def _valid_duration(cls, value: str) -> str:
        Duration.parse(value)
        return value

    @property
    def period(self) -> Duration:
        return Duration.parse(self.duration)


class DpaClauses(Strict):
    """The eight clauses GDPR art. 28(3)(a)–(h) requires in a data-processing agreement."""

    documented_instructions: bool = False
    confidentiality: bool = False
    security_measures: bool = False
    sub_processors: bool = False
    assist_data_subject_rights: bool = False
    assist_security_obligations: bool = False
    delete_or_return: bool = False
    audits_and_information: bool = False

    def missing(self) -> list[str]:
        return [name for name, value in self.model_dump().items() if not value]


class Dpa(Strict):
    signed_on: date | None = None
    reference: str | None = None
    clauses: DpaClauses = DpaClauses()


class Recipient(Strict):
    key: Key
    name: str
    role: RecipientRole
    description: LocalText | None = None
    receives: list[Key] = Field(default_factory=list)
    dpa: Dpa | None = None
    privacy_url: HttpUrl | None = None
    country: CountryCode = "NL"
    transfer_countries: list[CountryCode] = Field(default_factory=list)
    transfer_mechanism: TransferMechanism | None = None
    erasure_contact: str | None = Field(None, description="Where erasure tasks go (e-mail/URL)")

    @property
    def outside_eea(self) -> list[str]:
        return [c for c in [self.country, *self.transfer_countries] if c not in EEA_COUNTRIES]


class ConsentCapture(Strict):
    method: ConsentMethod
    description: LocalText | None = None


class Purpose(Strict):
    key: Key
    name: LocalText
    description: LocalText | None = None
    legal_basis: LegalBasis | None = None
    legal_obligation: str | None = Field(None, description="The law, for a legal obligation")
    legitimate_interest: LocalText | None = None
    consent: ConsentCapture | None = None
    categories: list[Key] = Field(default_factory=list)
    subject_types: list[Key] = Field(default_factory=list)
    recipients: list[Key] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=lambda: [Source.DATA_SUBJECT])
    automated_decision_making: bool = False
    profiling: bool = False
    direct_marketing: bool = False
    retention: Key | None = None
    requirement: LocalText | None = Field(
        None, description="Whether providing the data is required, and what happens if not"
    )
    fides_use: str | None = Field(None, pattern=r"^[a-z_]+(\.[a-z_]+)*$", description="fideslang data use")


class Cookie(Strict):
    name: str
    provider: str
    category: CookieCategory
    purpose: LocalText
    lifetime: str = Field(description="ISO 8601 duration, or 'session'")
    party: Literal["first", "third"] = "first"
    consent_required: bool
    storage: Literal["cookie", "local_storage"] = "cookie"
    name_is_prefix: bool = False

    @field_validator("lifetime")
    @classmethod
    def _valid_lifetime(cls, value: str) -> str:
        if value != "session":
            Duration.parse(value)
        return value


class IdentityVerification(Strict):
    methods: list[Literal["email_code", "phone_code", "id_copy"]] = ["email_code", "id_copy"]
    id_copy_redaction: list[IdPart] = list(IdPart)
    id_copy_instructions: LocalText | None = None


class ComplaintAuthority(Strict):
    name: LocalText
    url: HttpUrl


class Rights(Strict):
    request_email: str
    portal_url: HttpUrl | None = None
    answer_term: str = "P4W"
    identity: IdentityVerification = IdentityVerification()
    complaint_authority: ComplaintAuthority

    @field_validator("answer_term")
    @classmethod
    def _valid_term(cls, value: str) -> str:
        Duration.parse(value)
        return value


class Security(Strict):
    measures: list[LocalText] = Field(default_factory=list)
    summary: LocalText | None = None
    report_email: str | None = None


class Analytics(Strict):
    ip_truncation_bytes: int = Field(0, ge=0, le=2, description="0: no IP stored at all")


class Register(Strict):
    """A whole register: what the business holds, why, for how long and with whom."""

    statement_version: str
    effective_date: date
    consent_revision: int = Field(1, ge=1)
    controller: Controller
    categories: list[Category]
    subject_types: list[SubjectType]
    purposes: list[Purpose]
    retention_rules: list[RetentionRule] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    cookies: list[Cookie] = Field(default_factory=list)
    rights: Rights
    security: Security = Security()
    analytics: Analytics = Analytics()

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    def purpose(self, key: str) -> Purpose | None:
        return next((p for p in self.purposes if p.key == key), None)

    def recipient(self, key: str) -> Recipient | None:
        return next((r for r in self.recipients if r.key == key), None)

    def retention_rule(self, key: str) -> RetentionRule | None:
        return next((r for r in self.retention_rules if r.key == key), None)

    def subject_type(self, key: str) -> SubjectType | None:
        return next((s for s in self.subject_types if s.key == key), None)

    def purposes_using(self, category: str) -> list[Purpose]:
        return [p for p in self.purposes if category in p.categories]
