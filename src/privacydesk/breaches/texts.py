"""What a breach needs in words: the answers the AP's online notification form asks for (prepared
for copying — the AP accepts notifications only through its form) and the letter to the people."""

from __future__ import annotations

from privacydesk.breaches.assess import Assessment
from privacydesk.register.model import Register
from privacydesk.store.models.breaches import Breach

NATURE_NL = {
    "confidentiality": "vertrouwelijkheid (gegevens zijn ingezien of verstrekt)",
    "integrity": "integriteit (gegevens zijn gewijzigd)",
    "availability": "beschikbaarheid (gegevens waren niet beschikbaar of zijn verloren)",
}
NATURE_EN = {
    "confidentiality": "confidentiality (data was seen or disclosed)",
    "integrity": "integrity (data was changed)",
    "availability": "availability (data was unavailable or lost)",
}


def _stamp(value: object) -> str:
    return value.strftime("%d-%m-%Y %H:%M UTC") if hasattr(value, "strftime") else "—"


def ap_form(register: Register, breach: Breach, advice: Assessment) -> list[tuple[str, str]]:
    """The questions of the AP's 'Meldformulier datalekken', in its order, with prepared answers."""
    c = register.controller
    categories = (
        ", ".join(cat.name.nl for cat in register.categories if cat.key in breach.categories) or "onbekend"
    )
    return [
        ("Naam organisatie", c.legal_name),
        ("Adres", f"{c.address.street}, {c.address.postcode} {c.address.city}"),
        ("Contactpersoon voor vragen", f"{c.dpo.name}, {c.dpo.email}, {c.dpo.phone or ''}".strip(", ")),
        ("Samenvatting van het incident", breach.description),
        ("Wanneer vond het lek plaats / ontdekt", _stamp(breach.detected_at)),
        ("Wanneer werd de organisatie zich bewust van het lek", _stamp(breach.aware_at)),
        ("Aard van de inbreuk", "; ".join(NATURE_NL[n] for n in breach.nature)),
        ("Soort persoonsgegevens", categories),
        ("Aantal betrokkenen (bij benadering)", str(breach.people_count)),
        ("Aantal datarecords (bij benadering)", str(breach.records_count)),
        (
            "Waren de gegevens versleuteld of anderszins onbegrijpelijk gemaakt?",
            "ja" if breach.encrypted else "nee",
        ),
        ("Mogelijke gevolgen voor de betrokkenen", breach.consequences or "—"),
        ("Genomen en voorgenomen maatregelen", breach.measures or "—"),
        ("Worden de betrokkenen geïnformeerd?", "ja" if advice.notify_people else "nee"),
        ("Grensoverschrijdend (betrokkenen in andere EU-landen)?", "nee, voor zover bekend"),
    ]


def _sentence(text: str) -> str:
    """Text that ends a sentence in the letter, without a doubled full stop."""
    return text.strip().rstrip(".")


def people_letter(register: Register, breach: Breach, lang: str = "nl") -> str:
    """The letter to the people affected (art. 34(2)): what happened, what it may mean, what we did,
    what they can do, whom to contact."""
    c = register.controller
    if lang == "en":
        nature = "; ".join(NATURE_EN[n] for n in breach.nature)
        return (
            "Dear Sir or Madam,\n\nWe are writing to tell you about an incident involving your personal data "
            f"at {c.display_name}.\n\nWhat happened: {breach.description}\nKind of incident: {nature}.\n"
            f"Possible consequences for you: {_sentence(breach.consequences) or 'none we can see yet'}.\n"
            f"What we have done: {_sentence(breach.measures) or 'we are investigating'}.\n\n"
            "Please be alert to unexpected messages that ask for your details or payment. If you have "
            f"questions, contact {c.dpo.name} at {c.dpo.email}"
            + (f" or {c.dpo.phone}" if c.dpo.phone else "")
            + f". You may also complain to the {register.rights.complaint_authority.name.en} "
            f"({register.rights.complaint_authority.url}).\n\nKind regards,\n{c.display_name}\n"
        )
    nature = "; ".join(NATURE_NL[n] for n in breach.nature)
    return (
        f"Beste heer, mevrouw,\n\nWe laten je weten dat er bij {c.display_name} een incident is geweest met "
        f"jouw persoonsgegevens.\n\nWat er gebeurde: {breach.description}\nSoort incident: {nature}.\n"
        f"Mogelijke gevolgen voor jou: {_sentence(breach.consequences) or 'geen die we nu zien'}.\n"
        f"Wat we hebben gedaan: {_sentence(breach.measures) or 'we onderzoeken het'}.\n\n"
        "Let op onverwachte berichten die om je gegevens of om een betaling vragen. Heb je vragen, neem dan "
        f"contact op met {c.dpo.name} via {c.dpo.email}"
        + (f" of {c.dpo.phone}" if c.dpo.phone else "")
        + f". Je kunt ook een klacht indienen bij de {register.rights.complaint_authority.name.nl} "
        f"({register.rights.complaint_authority.url}).\n\nMet vriendelijke groet,\n{c.display_name}\n"
    )
