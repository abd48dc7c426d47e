"""Rendered from Ocqto's register, the statement holds every fact of Ocqto's own statement (the seed),
one by one, in Dutch and in English, and the facts the seed lacks under GDPR art. 13 and 14."""

from __future__ import annotations

import html
import re

import pytest

from privacydesk.register.load import load_register
from privacydesk.statement.render import render
from tests.conftest import OCQTO_REGISTER

# Each fact of the seed statement (shared seed 000_877dee96834c37cc), as the statement must say it.
SEED_FACTS_NL = {
    "controller name": "Ocqto Support",
    "controller responsibility": (
        "is verantwoordelijk voor de verwerking van persoonsgegevens zoals weergegeven in deze "
        "privacyverklaring"
    ),
    "street": "Bloemenweg 7",
    "postcode and town": "3247 GA Dirksland",
    "website": "https://www.ocqto.nl",
    "how we get data": (
        "doordat je gebruik maakt van onze diensten en/of omdat je deze gegevens zelf aan ons verstrekt"
    ),
    "category: name": "Voor- en achternaam",
    "category: address": "Adresgegevens",
    "category: phone": "Telefoonnummer",
    "category: e-mail": "E-mailadres",
    "category: bank account": "Bankrekeningnummer",
    "category: correspondence": (
        "Overige persoonsgegevens die je actief verstrekt in correspondentie en telefonisch"
    ),
    "category: contact list": "Lijst met contactgegevens van de klant via een app",
    "purpose: payment": "Het afhandelen van jouw betaling",
    "purpose: newsletter": "Verzenden van onze nieuwsbrief en/of reclamefolder",
    "purpose: calling": (
        "Je te kunnen bellen of e-mailen indien dit nodig is om onze dienstverlening uit te kunnen voeren"
    ),
    "purpose: service changes": "Je te informeren over wijzigingen van onze diensten en producten",
    "purpose: delivery": "Om goederen en diensten bij je af te leveren",
    "purpose: tax return": "zoals gegevens die wij nodig hebben voor onze belastingaangifte",
    "no automated decisions": (
        "neemt niet op basis van geautomatiseerde verwerkingen besluiten over zaken die "
        "(aanzienlijke) gevolgen kunnen hebben voor personen"
    ),
    "no longer than needed": "niet langer dan strikt nodig",
    "7 years": "7 jaar",
    "processor agreement": "verwerkersovereenkomst",
    "remains responsible": "Ocqto Support blijft verantwoordelijk voor deze verwerkingen",
    "party: bookkeeping": "Boekhoudprogramma",
    "party: bank": "Knab",
    "link: bank": "https://www.knab.nl/privacy",
    "party: tax authority": "Belastingdienst",
    "link: tax authority": (
        "https://www.belastingdienst.nl/wps/wcm/connect/bldcontentnl/niet_in_enig_menu/priv/privacy"
    ),
    "party: webhost": "webhost",
    "link: webhost": (
        "https://fpmedia.mijndomein.nl//Privacy%20en%20cookiestatements%20Mijndomein%20Hosting%20versie%20mei%202018.pdf"
    ),
    "party: WhatsApp": "WhatsApp",
    "link: WhatsApp": "https://whatsapp.com/legal?eea=1",
    "party: Outlook": "Outlook",
    "link: Microsoft": "https://privacy.microsoft.com/nl-NL/privacystatement",
    "party: OneDrive": "onedrive@live.nl",
    "party: Manychat": "Manychat",
    "link: Manychat": "https://manychat.com/privacy.html",
    "cookies: only technical and functional": "alleen technische en functionele cookies",
    "cookies: privacy-friendly analytics": "analytische cookies die geen inbreuk maken op je privacy",
    "cookies: what a cookie is": "Een cookie is een klein tekstbestand",
    "cookies: preferences remembered": "jouw voorkeursinstellingen onthouden worden",
    "cookies: consent asked on first visit": "Bij jouw eerste bezoek aan onze website",
    "cookies: browser setting": "door je internetbrowser zo in te stellen dat deze geen cookies meer opslaat",
    "cookies: delete earlier information": (
        "alle informatie die eerder is opgeslagen via de instellingen van je browser verwijderen"
    ),
    "cookies: explanation link": (
        "https://veiliginternetten.nl/themes/situatie/cookies-wat-zijn-het-en-wat-doe-ik-ermee/"
    ),
    "right: access, rectify, erase": "in te zien, te corrigeren of te verwijderen",
    "right: withdraw consent": "je eventuele toestemming voor de gegevensverwerking in te trekken",
    "right: object": "bezwaar te maken tegen de verwerking van jouw persoonsgegevens",
    "right: portability": "gegevensoverdraagbaarheid",
    "portability explained": (
        "in een computerbestand naar jou of een ander, door jou genoemde organisatie, te sturen"
    ),
    "request address": "hallo@pincqofficesupport.nl",
    "ID copy": "kopie van je identiteitsbewijs",
    "redaction instructions": (
        "Maak in deze kopie je pasfoto, MRZ (machine readable zone, de strook met nummers onderaan "
        "het paspoort), paspoortnummer en Burgerservicenummer (BSN) zwart."
    ),
    "redaction reason": "Dit ter bescherming van je privacy.",
    "four weeks": "We reageren zo snel mogelijk, maar binnen vier weken, op jouw verzoek.",
    "complaint: national supervisor": (
        "een klacht in te dienen bij de nationale toezichthouder, de Autoriteit Persoonsgegevens"
    ),
    "complaint: link": (
        "https://autoriteitpersoonsgegevens.nl/nl/contact-met-de-autoriteit-persoonsgegevens/tip-ons"
    ),
    "security promise": (
        "neemt de bescherming van jouw gegevens serieus en neemt passende maatregelen om misbruik, "
        "verlies, onbevoegde toegang, ongewenste openbaarmaking en ongeoorloofde wijziging tegen te"
        " gaan"
    ),
    "security: report misuse": (
        "aanwijzingen zijn van misbruik, neem dan contact op met onze klantenservice of via "
        "hallo@pincqofficesupport.nl"
    ),
    "DPO": (
        "Annette Peute is de Functionaris Gegevensbescherming van Ocqto Support en is te bereiken "
        "via hallo@ocqto.nl en/of +31 6 30507461"
    ),
}

# What the seed lacks and a complete statement says (art. 13/14), in the Dutch rendering.
COMPLETE_FACTS_NL = {
    "legal basis: contract": "Uitvoering van de overeenkomst met jou (AVG art. 6 lid 1 sub b)",
    "legal basis: consent": "Toestemming (AVG art. 6 lid 1 sub a)",
    "legal basis: legal obligation": (
        "Wettelijke verplichting (AVG art. 6 lid 1 sub c): Algemene wet inzake rijksbelastingen (AWR) art. 52"
    ),
    "legal basis: legitimate interest, named": (
        "Gerechtvaardigd belang (AVG art. 6 lid 1 sub f): Onze klanten op de hoogte houden"
    ),
    "retention: fiscal": "7 jaar na het einde van het boekjaar",
    "retention: correspondence": "2 jaar na het laatste contact",
    "retention: newsletter": "Tot je je afmeldt of je toestemming intrekt",
    "retention: contact list": "Zolang we voor de klant werken",
    "role: processor": "Verwerker: verwerkt je gegevens in onze opdracht",
    "role: bank": "Zelfstandig verwerkingsverantwoordelijke",
    "role: tax authority": "Overheidsinstantie",
    "transfers: outside the EEA": "Doorgifte buiten de Europese Economische Ruimte (EER)",
    "transfers: safeguard": "EU-VS Data Privacy Framework",
    "transfers: SCC": "modelcontractbepalingen van de Europese Commissie",
    "right: restriction": "het recht op beperking van de verwerking",
    "withdrawal not retroactive": "geen gevolgen voor de verwerking die we vóór de intrekking",
    "art. 14 source": (
        "Niet van de persoon zelf, maar van onze klant, die ons zijn contactenlijst via een app geeft"
    ),
    "requirement": "Moet je deze gegevens geven?",
    "requirement: consequence": "zonder deze gegevens kunnen we je niet factureren",
}

SEED_FACTS_EN = {
    "controller": (
        "Ocqto Support, located at Bloemenweg 7, 3247 GA Dirksland, the Netherlands, is responsible"
    ),
    "website": "https://www.ocqto.nl",
    "category: name": "First and last name",
    "category: bank account": "Bank account number",
    "category: correspondence": "Other personal data you actively provide in correspondence and by telephone",
    "category: contact list": "The customer's list of contacts, from an app",
    "purpose: payment": "Handling your payment",
    "purpose: newsletter": "Sending our newsletter and/or advertising leaflet",
    "purpose: calling": "Calling or e-mailing you when needed to provide our services",
    "purpose: service changes": "Informing you about changes to our services and products",
    "purpose: delivery": "Delivering goods and services to you",
    "purpose: tax return": "the data we need for our tax return",
    "no automated decisions": "does not make decisions based on automated processing",
    "7 years": "7 years after the end of the financial year",
    "processor agreement": "data-processing agreement",
    "remains responsible": "Ocqto Support remains responsible for this processing",
    "link: bank": "https://www.knab.nl/privacy",
    "link: tax authority": (
        "https://www.belastingdienst.nl/wps/wcm/connect/bldcontentnl/niet_in_enig_menu/priv/privacy"
    ),
    "link: WhatsApp": "https://whatsapp.com/legal?eea=1",
    "link: Microsoft": "https://privacy.microsoft.com/nl-NL/privacystatement",
    "party: OneDrive": "onedrive@live.nl",
    "link: Manychat": "https://manychat.com/privacy.html",
    "cookies": (
        "only uses technical and functional cookies, and analytics cookies that do not intrude on "
        "your privacy"
    ),
    "cookies: browser": "setting your browser so that it no longer stores them",
    "right: access, rectify, erase": "the right to see, correct or delete your personal data",
    "right: portability": "the right to data portability",
    "right: restriction": "the right to restriction of processing",
    "withdrawal not retroactive": "Withdrawing your consent does not affect the processing",
    "request address": "hallo@pincqofficesupport.nl",
    "redaction": "black out your passport photo, the MRZ (machine readable zone",
    "four weeks": "within four weeks",
    "complaint": "the Autoriteit Persoonsgegevens (Dutch Data Protection Authority)",
    "complaint: link": (
        "https://autoriteitpersoonsgegevens.nl/nl/contact-met-de-autoriteit-persoonsgegevens/tip-ons"
    ),
    "security": "takes appropriate measures against misuse, loss, unauthorised access",
    "art. 14 source": (
        "Not from the person, but from our customer, who gives us their contact list through an app"
    ),
    "transfers": "Transfers outside the European Economic Area (EEA)",
    "legal basis": "Performance of our agreement with you (GDPR art. 6(1)(b))",
    "DPO": (
        "Annette Peute is the Data Protection Officer (Functionaris Gegevensbescherming) of Ocqto "
        "Support and can be reached at hallo@ocqto.nl and/or +31 6 30507461"
    ),
}


def _text(lang: str, fmt: str) -> str:
    out = render(load_register(OCQTO_REGISTER).register, lang, fmt)
    assert isinstance(out, str)
    if fmt == "html":
        out = html.unescape(re.sub(r"<[^>]+>", " ", out))
    else:
        out = re.sub(r"[*`<>]", "", out)
    return " ".join(out.split()).replace(" ,", ",").replace(" .", ".")


@pytest.fixture(scope="module", params=["md", "html"])
def dutch(request: pytest.FixtureRequest) -> str:
    return _text("nl", request.param)


@pytest.fixture(scope="module", params=["md", "html"])
def english(request: pytest.FixtureRequest) -> str:
    return _text("en", request.param)


@pytest.mark.parametrize("fact", SEED_FACTS_NL, ids=list(SEED_FACTS_NL))
def test_the_dutch_statement_says_each_fact_of_the_seed(dutch: str, fact: str) -> None:
    assert SEED_FACTS_NL[fact] in dutch


@pytest.mark.parametrize("fact", COMPLETE_FACTS_NL, ids=list(COMPLETE_FACTS_NL))
def test_the_dutch_statement_says_what_the_seed_lacks(dutch: str, fact: str) -> None:
    assert COMPLETE_FACTS_NL[fact] in dutch


@pytest.mark.parametrize("fact", SEED_FACTS_EN, ids=list(SEED_FACTS_EN))
def test_the_english_statement_says_the_same_facts(english: str, fact: str) -> None:
    assert SEED_FACTS_EN[fact] in english


def test_nothing_is_marked_as_added(dutch: str, english: str) -> None:
    for text in (dutch.lower(), english.lower()):
        assert "toegevoegd" not in text and "added" not in text


def test_the_english_statement_holds_no_dutch_prose(english: str) -> None:
    # Dutch names (Belastingdienst, Autoriteit Persoonsgegevens) are fine; Dutch sentences are not.
    for word in (" je ", " wij ", " verwerkt ", " gegevens ", " bewaartermijn"):
        assert word not in english.lower()
