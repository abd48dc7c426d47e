"""The small vocabulary the statement needs in each language: labels, countries, durations, dates.

The prose lives in the templates (one set per language); the words that are computed from the
register's codes live here, so the two languages say the same facts.
"""

from __future__ import annotations

from datetime import date

from privacydesk.errors import UnusableInput
from privacydesk.register.model import (
    CookieCategory,
    Duration,
    LegalBasis,
    RecipientRole,
    Source,
    TransferMechanism,
)

LANGUAGES = ("nl", "en")

BASIS = {
    "nl": {
        LegalBasis.CONSENT: "Toestemming",
        LegalBasis.CONTRACT: "Uitvoering van de overeenkomst met jou",
        LegalBasis.LEGAL_OBLIGATION: "Wettelijke verplichting",
        LegalBasis.VITAL_INTERESTS: "Bescherming van vitale belangen",
        LegalBasis.PUBLIC_TASK: "Taak van algemeen belang",
        LegalBasis.LEGITIMATE_INTERESTS: "Gerechtvaardigd belang",
    },
    "en": {
        LegalBasis.CONSENT: "Consent",
        LegalBasis.CONTRACT: "Performance of our agreement with you",
        LegalBasis.LEGAL_OBLIGATION: "Legal obligation",
        LegalBasis.VITAL_INTERESTS: "Protection of vital interests",
        LegalBasis.PUBLIC_TASK: "Task in the public interest",
        LegalBasis.LEGITIMATE_INTERESTS: "Legitimate interests",
    },
}

# What a person's choice means when a purpose gives no `requirement` of its own (art. 13(2)(e)).
REQUIREMENT = {
    "nl": {
        LegalBasis.CONSENT: "Niet verplicht; zonder je toestemming gebruiken we je gegevens "
        "niet voor dit doel.",
        LegalBasis.CONTRACT: "Nodig voor onze overeenkomst; zonder deze gegevens kunnen we die "
        "niet uitvoeren.",
        LegalBasis.LEGAL_OBLIGATION: "De wet verplicht ons tot deze verwerking; "
        "zonder deze gegevens kunnen we niet aan die plicht voldoen.",
        LegalBasis.VITAL_INTERESTS: "Niet verplicht.",
        LegalBasis.PUBLIC_TASK: "Niet verplicht.",
        LegalBasis.LEGITIMATE_INTERESTS: "Niet verplicht; je kunt bezwaar maken tegen deze verwerking.",
    },
    "en": {
        LegalBasis.CONSENT: "Not required; without your consent we do not use your data for this purpose.",
        LegalBasis.CONTRACT: "Needed for our agreement; without this data we cannot perform it.",
        LegalBasis.LEGAL_OBLIGATION: "The law obliges us to process this data; "
        "without it we cannot meet that obligation.",
        LegalBasis.VITAL_INTERESTS: "Not required.",
        LegalBasis.PUBLIC_TASK: "Not required.",
        LegalBasis.LEGITIMATE_INTERESTS: "Not required; you may object to this processing.",
    },
}

ROLE = {
    "nl": {
        RecipientRole.PROCESSOR: "Verwerker: verwerkt je gegevens in onze opdracht, "
        "met een verwerkersovereenkomst",
        RecipientRole.INDEPENDENT_CONTROLLER: "Zelfstandig verwerkingsverantwoordelijke: "
        "bepaalt zelf wat hij met je gegevens doet, onder zijn eigen privacyverklaring",
        RecipientRole.JOINT_CONTROLLER: "Gezamenlijk verwerkingsverantwoordelijke, samen met ons",
        RecipientRole.PUBLIC_AUTHORITY: "Overheidsinstantie: ontvangt gegevens omdat de wet dat eist, "
        "en is zelf verantwoordelijk voor wat zij ermee doet",
    },
    "en": {
        RecipientRole.PROCESSOR: "Processor: processes your data on our instructions, "
        "under a data-processing agreement",
        RecipientRole.INDEPENDENT_CONTROLLER: "Independent controller: decides for itself what it does "
        "with your data, under its own privacy statement",
        RecipientRole.JOINT_CONTROLLER: "Joint controller, together with us",
        RecipientRole.PUBLIC_AUTHORITY: "Public authority: receives data because the law requires it, "
        "and is itself responsible for what it does with it",
    },
}

MECHANISM = {
    "nl": {
        TransferMechanism.ADEQUACY: "een adequaatheidsbesluit van de Europese Commissie (AVG art. 45)",
        TransferMechanism.EU_US_DPF: "het EU-VS Data Privacy Framework, "
        "een adequaatheidsbesluit van de Europese Commissie (AVG art. 45)",
        TransferMechanism.SCC: "de modelcontractbepalingen van de Europese Commissie "
        "(AVG art. 46 lid 2 sub c)",
        TransferMechanism.BCR: "bindende bedrijfsvoorschriften (AVG art. 47)",
        TransferMechanism.DEROGATION: "een uitzondering voor specifieke situaties (AVG art. 49)",
    },
    "en": {
        TransferMechanism.ADEQUACY: "an adequacy decision of the European Commission (GDPR art. 45)",
        TransferMechanism.EU_US_DPF: "the EU-US Data Privacy Framework, "
        "an adequacy decision of the European Commission (GDPR art. 45)",
        TransferMechanism.SCC: "the European Commission's standard contractual clauses (GDPR art. 46(2)(c))",
        TransferMechanism.BCR: "binding corporate rules (GDPR art. 47)",
        TransferMechanism.DEROGATION: "a derogation for specific situations (GDPR art. 49)",
    },
}

SOURCE = {
    "nl": {
        Source.DATA_SUBJECT: "van jou zelf",
        Source.CUSTOMER_APP_IMPORT: "van onze klant, die ons zijn contactenlijst via een app geeft",
        Source.PUBLIC_SOURCES: "uit openbare bronnen",
        Source.THIRD_PARTY: "van een andere partij",
    },
    "en": {
        Source.DATA_SUBJECT: "from you",
        Source.CUSTOMER_APP_IMPORT: "from our customer, who gives us their contact list through an app",
        Source.PUBLIC_SOURCES: "from public sources",
        Source.THIRD_PARTY: "from another party",
    },
}

COOKIE_CATEGORY = {
    "nl": {
        CookieCategory.STRICTLY_NECESSARY: "Technisch noodzakelijk",
        CookieCategory.FUNCTIONAL: "Functioneel",
        CookieCategory.ANALYTICS: "Analytisch",
        CookieCategory.MARKETING: "Marketing",
    },
    "en": {
        CookieCategory.STRICTLY_NECESSARY: "Strictly necessary",
        CookieCategory.FUNCTIONAL: "Functional",
        CookieCategory.ANALYTICS: "Analytics",
        CookieCategory.MARKETING: "Marketing",
    },
}

COUNTRY = {
    "nl": {"NL": "Nederland", "IE": "Ierland", "US": "de Verenigde Staten", "DE": "Duitsland",
           "BE": "België", "GB": "het Verenigd Koninkrijk", "FR": "Frankrijk", "CH": "Zwitserland"},
    "en": {"NL": "the Netherlands", "IE": "Ireland", "US": "the United States", "DE": "Germany",
           "BE": "Belgium", "GB": "the United Kingdom", "FR": "France", "CH": "Switzerland"},
}  # fmt: skip

KEPT_FIELD = {
    "nl": {"date": "datum", "amount": "bedrag", "postcode": "postcode", "city": "woonplaats"},
    "en": {"date": "date", "amount": "amount", "postcode": "postcode", "city": "town"},
}

MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
    "en": "January February March April May June July August September October November December".split(),
}

NUMBERS = {
    "nl": "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf".split(),
    "en": "zero one two three four five six seven eight nine ten eleven twelve".split(),
}

UNITS = {
    "nl": {"years": ("jaar", "jaar"), "months": ("maand", "maanden"), "weeks": ("week", "weken"),
           "days": ("dag", "dagen")},
    "en": {"years": ("year", "years"), "months": ("month", "months"), "weeks": ("week", "weeks"),
           "days": ("day", "days")},
}  # fmt: skip

AND = {"nl": "en", "en": "and"}


def check_language(lang: str) -> str:
    """`lang` if it is one the statement is written in; otherwise a clear refusal."""
    if lang not in LANGUAGES:
        raise UnusableInput(
            f"unknown language '{lang}'",
            hint="use one of: " + ", ".join(LANGUAGES),
        )
    return lang


def long_date(day: date, lang: str) -> str:
    """25 november 2026 / 25 November 2026."""
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def number_word(n: int, lang: str, *, spelled: bool) -> str:
    return NUMBERS[lang][n] if spelled and 0 <= n < len(NUMBERS[lang]) else str(n)


def duration_words(text: str, lang: str, *, spelled: bool = False) -> str:
    """P7Y → '7 jaar'; P4W → 'vier weken' (spelled); P1Y6M → '1 jaar en 6 maanden'."""
    period = Duration.parse(text)
    parts = []
    for unit in ("years", "months", "weeks", "days"):
        n = getattr(period, unit)
        if n:
            one, many = UNITS[lang][unit]
            parts.append(f"{number_word(n, lang, spelled=spelled)} {one if n == 1 else many}")
    return f" {AND[lang]} ".join(parts)


def join_words(items: list[str], lang: str) -> str:
    """a, b and c / a, b en c."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {AND[lang]} " + items[-1]


def country_name(code: str, lang: str) -> str:
    return COUNTRY[lang].get(code, code)
