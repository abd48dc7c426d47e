"""Which GDPR art. 13/14 elements an existing privacy statement covers, lacks, or says doubtfully.

Rule-based and explainable on purpose: every element is a few Dutch and English patterns, and every
finding quotes the sentence it rests on (with its line), or says that no sentence covers it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privacydesk.errors import UnusableInput
from privacydesk.statement.reading import Sentence, detect_language, read_statement
from privacydesk.statement.words import check_language

COVERED, PARTIAL, MISSING, NOT_APPLICABLE = "covered", "partial", "missing", "not applicable"
QUOTE_CHARS = 180
LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}


def rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@dataclass(frozen=True)
class Quote:
    line: int
    text: str

    @classmethod
    def of(cls, sentence: Sentence) -> Quote:
        text = sentence.text
        return cls(sentence.line, text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…")

    def __str__(self) -> str:
        return f'line {self.line}: "{self.text}"'


@dataclass(frozen=True)
class Item:
    """One art. 13/14 element and how the statement covers it."""

    ref: str
    key: str
    title: str
    status: str
    quotes: list[Quote] = field(default_factory=list)
    note: str | None = None

    def explain(self) -> list[str]:
        lines = [str(q) for q in self.quotes]
        if self.status == MISSING and not self.quotes:
            lines.append("no sentence covers this element")
        if self.note:
            lines.append(self.note)
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "key": self.key,
            "title": self.title,
            "status": self.status,
            "quotes": [{"line": q.line, "text": q.text} for q in self.quotes],
            "note": self.note,
        }


@dataclass(frozen=True)
class Doubt:
    """Something the statement says that is doubtful under the law, with the sentences and why."""

    code: str
    title: str
    why: str
    quotes: list[Quote]

    def explain(self) -> list[str]:
        return [*(str(q) for q in self.quotes), f"why: {self.why}"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "why": self.why,
            "quotes": [{"line": q.line, "text": q.text} for q in self.quotes],
        }


class Text:
    """The statement's sentences, with pattern look-ups."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences

    def find(self, pattern: re.Pattern[str], *also: re.Pattern[str]) -> list[Sentence]:
        """Sentences matching `pattern` and every pattern in `also`."""
        return [s for s in self.sentences if pattern.search(s.text) and all(p.search(s.text) for p in also)]

    def has(self, pattern: re.Pattern[str], *also: re.Pattern[str]) -> bool:
        return bool(self.find(pattern, *also))


def quotes(sentences: list[Sentence], limit: int = 2) -> list[Quote]:
    return [Quote.of(s) for s in sentences[:limit]]


# --- the elements ---------------------------------------------------------------------------------

EMAIL = rx(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = rx(r"(\+31|\b0)[\s-]?\d([\s-]?\d){7,9}\b", r"\+\d{2}[\s\d-]{8,14}")
CONTACT = rx(r"contact", r"bereik", r"reach", r"e-?mail", r"mail (naar|to)", r"schrijf|write")
RESPONSIBLE = rx(
    r"verantwoordelijk voor de verwerking",
    r"verwerkingsverantwoordelijke",
    r"gevestigd (aan|te|op)",
    r"responsible for (the )?processing",
    r"\bcontroller\b",
    r"located at",
)
DPO = rx(
    r"functionaris (voor de )?gegevensbescherming",
    r"\bFG\b",
    r"data protection officer",
    r"\bDPO\b",
    r"privacy ?(officer|contact|contactpersoon)",
    r"aanspreekpunt voor privacy",
)
PURPOSES = rx(
    r"\bdoel(en|einden)?\b", r"\bwaarvoor\b", r"\bpurposes?\b", r"why we use",
    r"we use (your|this) (data|information)",
)  # fmt: skip
BASES = {
    "consent": rx(r"toestemming", r"\bconsent\b"),
    "contract": rx(r"overeenkomst", r"contract", r"\bagreement\b"),
    "legal obligation": rx(
        r"wettelijke? (verplichting|plicht)", r"wettelijk (toe )?verplicht", r"legal obligation"
    ),
    "legitimate interests": rx(r"gerechtvaardigde? belang", r"legitimate interests?"),
}
BASIS_LABEL = rx(
    r"grondslag", r"rechtsgrond", r"legal basis", r"lawful basis", r"art(ikel|icle|\.)? ?6\b",
)  # fmt: skip
LEGIT_EXPLAINED = rx(
    r"(gerechtvaardigde? belang|legitimate interests?)[^!?]{0,40}?(:|omdat|namelijk|because|namely)\s*\w"
)
RECIPIENTS = rx(
    r"\bdel(en|t)\b.*\bderden\b",
    r"gedeeld",
    r"ontvanger",
    r"verwerker",
    r"\bshare",
    r"recipient",
    r"processor",
)
OUTSIDE_EEA = rx(
    r"buiten de (EER|Europese Economische Ruimte|EU|Europese Unie)",
    r"outside the (EEA|European Economic Area|EU|European Union)",
    r"derde landen",
    r"third countr",
    r"doorgifte",
    r"international transfer",
)
SAFEGUARD = rx(
    r"modelcontract",
    r"standard contractual clauses",
    r"\bSCC",
    r"adequa",
    r"Data Privacy Framework",
    r"bindende bedrijfsvoorschriften",
    r"binding corporate rules",
    r"(geven|sturen) (geen|nooit)",
    r"do(es)? not transfer",
    r"never transfer",
)
DURATION = rx(
    r"\b\d+\s*(jaar|jaren|maanden|maand|weken|week|dagen|dag|years?|months?|weeks?|days?)\b",
    r"\b(tot|until) (je|jij|you|het einde|the end)\b",
    r"\b(zolang|as long as)\b",
    r"\b(direct|onmiddellijk|immediately|right) (na|after)\b",
)
RETAIN = rx(r"bewa(a)?r", r"\bretain", r"retention", r"\bkeep", r"\bkept\b", r"\bstore")
ACCESS = rx(r"inzien|inzage|in te zien", r"\baccess\b|\bsee\b")
RECTIFY = rx(r"corrigeren|correctie|aanpassen|rectific", r"\bcorrect\b|rectif")
ERASE = rx(r"verwijder|wissen|vergeten", r"\bdelet|\beras")
RESTRICT = rx(r"beperk", r"restrict")
OBJECT = rx(r"bezwaar", r"\bobject")
PORTABLE = rx(r"overdraagbaar|overdraging|overdragen", r"portab")
WITHDRAW = rx(r"(intrekken|intrekking|in te trekken)", r"withdraw")
NOT_RETROACTIVE = rx(
    r"geen (gevolgen|invloed)",
    r"doet geen afbreuk",
    r"blijft rechtmatig",
    r"not affect",
    r"lawfulness of (the )?processing",
    r"remains lawful",
)
COMPLAINT = rx(r"klacht", r"complain")
AUTHORITY = rx(
    r"toezichthouder", r"autoriteit persoonsgegevens", r"supervisory", r"data protection authority"
)
REQUIREMENT = rx(
    r"moet je [^.]{0,40}geven",
    r"(niet )?verplicht (om|te) [^.]{0,40}(geven|verstrekken)",
    r"zonder (deze|die) gegevens",
    r"wettelijke of contractuele",
    r"(have|required|obliged) to provide",
    r"if you do not provide",
    r"without (this|that|these) (data|information)",
    r"statutory or contractual",
)
AUTOMATED = rx(
    r"geautomatiseerde (besluit|verwerking)",
    r"profilering|profielen",
    r"automated (decision|processing)",
    r"profiling",
)
CATEGORY_WORDS = (
    rx(r"\bnaam\b|achternaam", r"\bname\b"),
    rx(r"e-?mail(adres| address)"),
    rx(r"telefoonnummer", r"(tele)?phone number"),
    rx(r"\badres", r"\baddress\b"),
    rx(r"bankrekening", r"bank account", r"\biban\b"),
)
ART14_TRIGGER = rx(
    r"contact(en)?lijst",
    r"lijst met contact",
    r"van derden (ontvangen|verkregen|gekregen)",
    r"openbare bronnen",
    r"contact list",
    r"(from|by) third parties",
    r"public sources",
)
SOURCE = rx(
    r"\bbron\b",
    r"afkomstig",
    r"(krijgen|ontvangen) we [^.]{0,60}\bvan\b",
    r"niet van (jou|de persoon|henzelf|hen) zelf",
    r"\bsource\b",
    r"obtained from",
    r"(we )?receive [^.]{0,60}\bfrom\b",
    r"not from (you|the person|them)",
)


def check_controller(text: Text) -> tuple[str, list[Quote], str | None]:
    who = text.find(RESPONSIBLE)
    contact = text.find(EMAIL, CONTACT) or text.find(PHONE) or text.find(EMAIL)
    if who and contact:
        return COVERED, quotes(who, 1) + quotes(contact, 1), None
    if who or contact:
        missing = "a way to contact the business" if who else "who is responsible (name and address)"
        return PARTIAL, quotes(who or contact, 1), f"the statement does not say {missing}"
    return MISSING, [], None


def check_bases(text: Text) -> tuple[str, list[Quote], str | None]:
    labelled = {name for name, p in BASES.items() if text.has(p, BASIS_LABEL)}
    if len(labelled) >= 2:
        sentences = [s for p in BASES.values() for s in text.find(p, BASIS_LABEL)]
        return COVERED, quotes(sentences), f"names these bases: {', '.join(sorted(labelled))}"
    passing = [s for p in BASES.values() for s in text.find(p, PURPOSES)] or text.find(
        BASES["legal obligation"]
    )
    note = "no sentence gives the legal basis (GDPR art. 6) of each purpose"
    if passing or labelled:
        return (
            PARTIAL,
            quotes(passing or [s for p in BASES.values() for s in text.find(p, BASIS_LABEL)]),
            note,
        )
    return MISSING, [], note


def check_legitimate(text: Text) -> tuple[str, list[Quote], str | None]:
    mentioned = text.find(BASES["legitimate interests"])
    if not mentioned:
        return NOT_APPLICABLE, [], "the statement relies on no legitimate interests"
    explained = text.find(LEGIT_EXPLAINED)
    if explained:
        return COVERED, quotes(explained), None
    return PARTIAL, quotes(mentioned), "it names legitimate interests but not which interest"


def check_transfers(text: Text) -> tuple[str, list[Quote], str | None]:
    outside = text.find(OUTSIDE_EEA)
    guarded = text.find(SAFEGUARD)
    if outside and guarded:
        return COVERED, quotes(outside, 1) + quotes(guarded, 1), None
    if outside:
        return PARTIAL, quotes(outside), "it mentions transfers but no safeguard (GDPR art. 45-49)"
    return MISSING, [], "no sentence says whether data goes outside the EEA, or with what safeguard"


def check_retention(text: Text) -> tuple[str, list[Quote], str | None]:
    periods = text.find(DURATION)
    terms = sum(len(DURATION.findall(s.text)) for s in periods)
    if terms >= 2 and text.has(RETAIN):
        return COVERED, quotes(periods), None
    vague = text.find(RETAIN)
    if periods or vague:
        note = "a period is given for only some of the data; the rest has no period or criterion"
        return PARTIAL, quotes(periods or vague), note
    return MISSING, [], None


def check_erasure_rights(text: Text) -> tuple[str, list[Quote], str | None]:
    parts = {"access": ACCESS, "rectification": RECTIFY, "erasure": ERASE}
    present = [name for name, p in parts.items() if text.has(p)]
    found = text.find(ACCESS) or text.find(ERASE)
    if len(present) == 3:
        return COVERED, quotes(found, 1), None
    if present:
        return PARTIAL, quotes(found, 1), "missing: " + ", ".join(n for n in parts if n not in present)
    return MISSING, [], None


def check_withdrawal(text: Text) -> tuple[str, list[Quote], str | None]:
    withdraw = text.find(WITHDRAW)
    if not withdraw:
        return MISSING, [], None
    kept = text.find(NOT_RETROACTIVE)
    if kept:
        return COVERED, quotes(withdraw, 1) + quotes(kept, 1), None
    return PARTIAL, quotes(withdraw, 1), "it does not say that withdrawing does not affect earlier processing"


def check_complaint(text: Text) -> tuple[str, list[Quote], str | None]:
    found = text.find(COMPLAINT, AUTHORITY)
    if found:
        return COVERED, quotes(found), None
    if text.has(COMPLAINT):
        return PARTIAL, quotes(text.find(COMPLAINT)), "no supervisory authority is named"
    return MISSING, [], None


def check_categories(text: Text) -> tuple[str, list[Quote], str | None]:
    hits = [p for p in CATEGORY_WORDS if text.has(p)]
    found = [s for p in hits for s in text.find(p)[:1]]
    if len(hits) >= 3:
        return COVERED, quotes(found, 3), None
    if hits:
        return PARTIAL, quotes(found), "only a few kinds of personal data are named"
    return MISSING, [], None


def check_source(text: Text) -> tuple[str, list[Quote], str | None]:
    trigger = text.find(ART14_TRIGGER)
    if not trigger:
        return NOT_APPLICABLE, [], "the statement mentions no data obtained from others"
    source = text.find(SOURCE)
    if source:
        return COVERED, quotes(source), None
    note = (
        "it processes data about people who did not give it themselves; no sentence says where it comes from"
    )
    return MISSING, quotes(trigger, 1), note


def _simple_check(
    pattern: re.Pattern[str], *also: re.Pattern[str]
) -> Callable[[Text], tuple[str, list[Quote], str | None]]:
    def check(text: Text) -> tuple[str, list[Quote], str | None]:
        found = text.find(pattern, *also)
        return (COVERED, quotes(found), None) if found else (MISSING, [], None)

    return check


Check = Callable[[Text], tuple[str, list[Quote], str | None]]
ELEMENTS: tuple[tuple[str, str, str, Check], ...] = (
    ("13(1)(a)", "controller", "Identity and contact details of the controller", check_controller),
    ("13(1)(b)", "dpo", "Contact details of the data-protection officer", _simple_check(DPO)),
    ("13(1)(c)", "purposes", "Purposes of the processing", _simple_check(PURPOSES)),
    ("13(1)(c)", "legal_basis", "Legal basis for each purpose", check_bases),
    ("13(1)(d)", "legitimate_interests", "The legitimate interests pursued", check_legitimate),
    ("14(1)(d)", "categories", "Categories of personal data", check_categories),
    ("13(1)(e)", "recipients", "Recipients or categories of recipients", _simple_check(RECIPIENTS)),
    ("13(1)(f)", "transfers", "Transfers outside the EEA and their safeguards", check_transfers),
    ("13(2)(a)", "retention", "Retention period, or the criteria for it", check_retention),
    (
        "13(2)(b)",
        "access_rectification_erasure",
        "Right of access, rectification and erasure",
        check_erasure_rights,
    ),
    ("13(2)(b)", "restriction", "Right to restriction of processing", _simple_check(RESTRICT)),
    ("13(2)(b)", "objection", "Right to object", _simple_check(OBJECT)),
    ("13(2)(b)", "portability", "Right to data portability", _simple_check(PORTABLE)),
    (
        "13(2)(c)",
        "withdraw_consent",
        "Right to withdraw consent, without affecting earlier processing",
        check_withdrawal,
    ),
    ("13(2)(d)", "complaint", "Right to lodge a complaint with a supervisory authority", check_complaint),
    (
        "13(2)(e)",
        "requirement",
        "Whether providing the data is required, and what happens if not",
        _simple_check(REQUIREMENT),
    ),
    ("13(2)(f)", "automated_decisions", "Automated decision-making and profiling", _simple_check(AUTOMATED)),
    ("14(2)(f)", "source", "Where data not obtained from the person comes from", check_source),
)


# --- doubtful statements --------------------------------------------------------------------------

PROCESSOR_TALK = rx(
    r"verwerkersovereenkomst", r"bewerkersovereenkomst", r"in (onze|ons) opdracht",
    r"data[- ]processing agreement",
    r"on our (behalf|instructions)", r"\bprocessors?\b",
)  # fmt: skip
CONTROLLERS_BY_NATURE = rx(
    r"belastingdienst", r"tax (authorit|administration)", r"\bknab\b", r"\bING\b", r"rabobank", r"abn ?amro",
    r"\bbunq\b", r"triodos", r"\bbank\b",
)  # fmt: skip
INDEPENDENT = rx(
    r"zelfstandig(e)? verwerkingsverantwoordelijke", r"zelf verantwoordelijk", r"eigen verantwoordelijkheid",
    r"overheidsinstantie", r"independent controller", r"themselves responsible", r"own responsibility",
    r"public authority",
)  # fmt: skip
AT_LEAST = rx(
    r"\b(ten ?minste|minimaal|minstens)\b[^.]{0,30}\d+\s*(jaar|jaren|maanden)",
    r"\bat least\b[^.]{0,30}\d+\s*(years?|months?)",
)
CRM = rx(r"\bCRM\b", r"klantgegevens", r"marketing", r"nieuwsbrief", r"newsletter")
NON_EEA_PROVIDERS = rx(
    r"whatsapp", r"microsoft", r"outlook", r"onedrive", r"manychat", r"google", r"gmail", r"mailchimp",
    r"facebook", r"instagram", r"dropbox", r"\bzoom\b", r"hubspot", r"salesforce", r"shopify", r"icloud",
    r"amazon", r"\baws\b", r"\bslack\b",
)  # fmt: skip
ID_COPY = rx(
    r"kopie (van )?(je|jouw|uw) (identiteitsbewijs|paspoort|id)", r"copy of (your|an) (id|identity|passport)"
)
ONLY_IF = rx(
    r"\balleen (als|wanneer|indien)", r"indien nodig", r"zo nodig", r"lukt dat niet", r"als dat niet",
    r"\bonly (if|when)\b", r"if (needed|necessary)", r"if that is not", r"\bunless\b",
)  # fmt: skip
BROWSER_OPT_OUT = rx(
    r"afmelden voor cookies[^.]*browser", r"browser[^.]*geen cookies", r"opt out of cookies[^.]*browser"
)
COOKIE_CHOICE = rx(
    r"keuze[^.]{0,40}(wijzigen|aanpassen|intrekken)", r"cookie-?instellingen", r"cookievoorkeuren",
    r"change (your|the) (choice|preferences)", r"cookie (settings|preferences)", r"withdraw[^.]{0,40}cookie",
)  # fmt: skip
LONG_TERM = rx(r"binnen (\d+|vijf|zes|zeven|acht|negen|tien|twaalf) weken", r"binnen (\d+|twee|drie) maanden",
               r"within (\d+|five|six|seven|eight|nine|ten|twelve) weeks",
               r"within (\d+|two|three) months")  # fmt: skip


def doubt_processor_roles(text: Text) -> Iterator[Doubt]:
    processors = text.find(PROCESSOR_TALK)
    named = text.find(CONTROLLERS_BY_NATURE)
    if processors and named and not text.has(INDEPENDENT):
        yield Doubt(
            "D01",
            "A tax authority or bank is presented as one of the processors",
            "the Belastingdienst and banks decide for themselves what they do with data: "
            "they are independent "
            "controllers (or an authority), not processors under a processing agreement",
            quotes(processors, 1) + quotes(named, 2),
        )


def doubt_at_least(text: Text) -> Iterator[Doubt]:
    for sentence in text.find(AT_LEAST):
        crm = (
            " The fiscal duty covers bookkeeping records, not CRM or marketing data."
            if CRM.search(sentence.text)
            else ""
        )
        yield Doubt(
            "D02",
            "A retention period is a minimum ('at least') instead of a maximum",
            "GDPR art. 5(1)(e) and 13(2)(a) ask how long data is kept at most; 'at least' promises no end."
            + crm,
            [Quote.of(sentence)],
        )


def doubt_basis_promised(text: Text) -> Iterator[Doubt]:
    promised = text.find(BASIS_LABEL)
    if promised and check_bases(text)[0] != COVERED:
        yield Doubt(
            "D03",
            "The legal basis is announced but not given per purpose",
            "a heading or sentence promises the legal basis, yet no purpose is paired with one "
            "(GDPR art. 13(1)(c))",
            quotes(promised, 1),
        )


def doubt_silent_transfers(text: Text) -> Iterator[Doubt]:
    providers = text.find(NON_EEA_PROVIDERS)
    if providers and not text.has(OUTSIDE_EEA):
        yield Doubt(
            "D04",
            "Parties that process data in the United States are named, but transfers outside the EEA are not",
            "these providers (or their parent companies) process data in the US; "
            "the statement must say so and "
            "name the safeguard (GDPR art. 13(1)(f))",
            quotes(providers, 3),
        )


def doubt_id_copy(text: Text) -> Iterator[Doubt]:
    always = [s for s in text.find(ID_COPY) if not ONLY_IF.search(s.text)]
    if always and not text.has(ID_COPY, ONLY_IF):
        yield Doubt(
            "D05",
            "An ID copy is asked for every request",
            "the Autoriteit Persoonsgegevens advises asking for a copy of an identity document "
            "only when identity "
            "cannot be confirmed in a lighter way (e.g. a code sent to the known e-mail address)",
            quotes(always, 1),
        )


def doubt_cookie_withdrawal(text: Text) -> Iterator[Doubt]:
    browser = text.find(BROWSER_OPT_OUT)
    if browser and text.has(rx(r"toestemming", r"consent"), rx(r"cookie")) and not text.has(COOKIE_CHOICE):
        yield Doubt(
            "D06",
            "Cookie consent can only be withdrawn through browser settings",
            "withdrawing consent must be as easy as giving it (GDPR art. 7(3)): "
            "offer the cookie choice again on "
            "the website",
            quotes(browser, 1),
        )


def doubt_answer_term(text: Text) -> Iterator[Doubt]:
    for sentence in text.find(LONG_TERM):
        yield Doubt(
            "D07",
            "The promised answer term is longer than one month",
            "GDPR art. 12(3): a request must be answered within one month (extension only with notice)",
            [Quote.of(sentence)],
        )


DOUBTS: tuple[Callable[[Text], Iterator[Doubt]], ...] = (
    doubt_processor_roles,
    doubt_at_least,
    doubt_basis_promised,
    doubt_silent_transfers,
    doubt_id_copy,
    doubt_cookie_withdrawal,
    doubt_answer_term,
)


# --- the report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapReport:
    file: str
    language: str
    format: str
    sentences: int
    items: list[Item]
    doubts: list[Doubt]

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES[self.language]

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def has_gaps(self) -> bool:
        return bool(self.doubts) or any(i.status in (PARTIAL, MISSING) for i in self.items)

    def summary(self) -> str:
        return (
            f"{self.count(COVERED)} covered, {self.count(PARTIAL)} partly covered, "
            f"{self.count(MISSING)} missing, "
            f"{len(self.doubts)} doubtful statement(s)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "language": self.language,
            "format": self.format,
            "sentences": self.sentences,
            "has_gaps": self.has_gaps,
            "summary": {
                "covered": self.count(COVERED),
                "partial": self.count(PARTIAL),
                "missing": self.count(MISSING),
                "not_applicable": self.count(NOT_APPLICABLE),
                "doubtful": len(self.doubts),
            },
            "items": [i.as_dict() for i in self.items],
            "doubts": [d.as_dict() for d in self.doubts],
        }


def analyse(sentences: list[Sentence]) -> tuple[list[Item], list[Doubt]]:
    """Every element's coverage and every doubtful statement in `sentences` (pure)."""
    text = Text(sentences)
    items = []
    for ref, key, title, check in ELEMENTS:
        status, found, note = check(text)
        items.append(Item(ref, key, title, status, found, note))
    doubts = [d for rule in DOUBTS for d in rule(text)]
    return items, doubts


def analyse_file(path: Path, *, lang: str | None = None) -> GapReport:
    """Read the statement at `path` and report its GDPR art. 13/14 coverage."""
    fmt, sentences = read_statement(path)
    language = check_language(lang) if lang else detect_language(sentences)
    if language is None:
        raise UnusableInput(
            f"{path} does not read as Dutch or English",
            hint="statement gaps reads Dutch and English statements; give --lang nl or --lang en to insist",
        )
    items, doubts = analyse(sentences)
    return GapReport(str(path), language, fmt, len(sentences), items, doubts)
