"""The fixed wording of the art. 15 answer, in Dutch and English. Facts come from the register."""

from __future__ import annotations

LANGS = ("nl", "en")

TEXT: dict[str, dict[str, str]] = {
    "title": {"nl": "Inzage in je persoonsgegevens", "en": "Access to your personal data"},
    "subtitle": {
        "nl": "Antwoord op je verzoek om inzage (AVG artikel 15)",
        "en": "Answer to your access request (GDPR article 15)",
    },
    "reference": {"nl": "Kenmerk", "en": "Reference"},
    "made_on": {"nl": "Opgesteld op", "en": "Made on"},
    "register_version": {"nl": "Versie verwerkingsregister", "en": "Register version"},
    "contents": {"nl": "Inhoud", "en": "Contents"},
    "confirmation_h": {"nl": "1. Bevestiging", "en": "1. Confirmation"},
    "confirmation_yes": {
        "nl": "{controller} bevestigt dat wij persoonsgegevens over jou verwerken. Dit overzicht is "
        "automatisch samengesteld uit ons verwerkingsregister en uit alle gegevens die wij over je "
        "bewaren; er is niets met de hand aan toegevoegd of weggelaten, behalve wat in hoofdstuk 11 "
        "staat.",
        "en": "{controller} confirms that we process personal data about you. This overview was "
        "compiled automatically from our records of processing and from all data we hold about you; "
        "nothing was added or left out by hand, except what chapter 11 lists.",
    },
    "data_h": {"nl": "2. Een kopie van je gegevens", "en": "2. A copy of your data"},
    "data_intro": {
        "nl": "Dit zijn alle gegevens die wij over je bewaren (AVG art. 15 lid 3). Dezelfde gegevens "
        "staan ook als JSON en CSV in dit ZIP-bestand; e-mails staan als .eml-bestanden in de map "
        "correspondence/.",
        "en": "This is all the data we hold about you (GDPR art. 15(3)). The same data is in this ZIP "
        "file as JSON and CSV; e-mails are in the folder correspondence/ as .eml files.",
    },
    "identifiers_h": {"nl": "Je contactgegevens", "en": "Your contact details"},
    "records_h": {"nl": "Gegevens per doel", "en": "Data per purpose"},
    "messages_h": {"nl": "Correspondentie", "en": "Correspondence"},
    "no_messages": {
        "nl": "Wij bewaren geen correspondentie met je.",
        "en": "We keep no correspondence with you.",
    },
    "kind": {"nl": "Soort", "en": "Kind"},
    "value": {"nl": "Waarde", "en": "Value"},
    "category": {"nl": "Categorie", "en": "Category"},
    "date": {"nl": "Datum", "en": "Date"},
    "details": {"nl": "Gegevens", "en": "Details"},
    "direction": {"nl": "Richting", "en": "Direction"},
    "channel": {"nl": "Kanaal", "en": "Channel"},
    "subject_line": {"nl": "Onderwerp", "en": "Subject"},
    "file": {"nl": "Bestand", "en": "File"},
    "in": {"nl": "van jou", "en": "from you"},
    "out": {"nl": "aan jou", "en": "to you"},
    "restricted_mark": {
        "nl": "beperkt: alleen nog gebruikt voor {reason}",
        "en": "restricted: only used for {reason} any more",
    },
    "id_email": {"nl": "E-mailadres", "en": "E-mail address"},
    "id_phone": {"nl": "Telefoonnummer", "en": "Telephone number"},
    "id_iban": {"nl": "Bankrekeningnummer (IBAN)", "en": "Bank account number (IBAN)"},
    "id_name": {"nl": "Naam", "en": "Name"},
    "id_address": {"nl": "Adres", "en": "Address"},
    "id_postcode": {"nl": "Postcode", "en": "Postcode"},
    "consents_h": {"nl": "Je toestemmingen", "en": "Your consents"},
    "consent_state": {"nl": "Stand", "en": "State"},
    "consent_given": {"nl": "gegeven", "en": "given"},
    "consent_refused": {"nl": "geweigerd", "en": "refused"},
    "consent_withdrawn": {"nl": "ingetrokken", "en": "withdrawn"},
    "consent_expired": {"nl": "verlopen", "en": "expired"},
    "history_h": {
        "nl": "Eerdere waarden (bewaard na een correctie)",
        "en": "Earlier values (kept after a correction)",
    },
    "fields": {"nl": "Velden", "en": "Fields"},
    "old_value": {"nl": "Eerdere waarde", "en": "Earlier value"},
    "log_h": {"nl": "Wanneer je gegevens zijn gebruikt", "en": "When your data was used"},
    "log_intro": {
        "nl": "Uit ons logboek: wanneer je gegevens zijn opgeslagen, ingezien of gewijzigd, en wat er "
        "gebeurde (de namen van medewerkers staan er niet bij; HvJ EU C-579/21).",
        "en": "From our log: when your data was stored, viewed or changed, and what happened (the names "
        "of staff are left out; CJEU C-579/21).",
    },
    "what": {"nl": "Wat", "en": "What"},
    "log_subject.created": {"nl": "Je bent in ons systeem opgenomen", "en": "You were added to our system"},
    "log_subject.viewed": {
        "nl": "Een medewerker heeft je gegevens ingezien",
        "en": "A member of staff viewed your data",
    },
    "log_record.created": {
        "nl": "Een gegeven over je is opgeslagen",
        "en": "A piece of data about you was stored",
    },
    "log_record.rectified": {"nl": "Een gegeven is verbeterd", "en": "A piece of data was corrected"},
    "log_record.restricted": {"nl": "Het gebruik is beperkt", "en": "Its use was restricted"},
    "log_record.deleted": {"nl": "Een gegeven is verwijderd", "en": "A piece of data was deleted"},
    "log_retention.erased": {
        "nl": "Gegevens waarvan de bewaartermijn voorbij was, zijn verwijderd",
        "en": "Data whose retention period had ended was deleted",
    },
    "log_export.created": {
        "nl": "Je gegevens zijn uitgevoerd (zoals voor dit overzicht)",
        "en": "Your data was exported (as for this overview)",
    },
    "purposes_h": {"nl": "3. Waarvoor wij je gegevens gebruiken", "en": "3. What we use your data for"},
    "purposes_intro": {
        "nl": "De doelen waarvoor wij jouw gegevens verwerken, en op welke grondslag (AVG art. 15 lid 1 "
        "onder a en art. 6).",
        "en": "The purposes for which we process your data, and on which legal basis (GDPR art. 15(1)(a) "
        "and art. 6).",
    },
    "purpose": {"nl": "Doel", "en": "Purpose"},
    "legal_basis": {"nl": "Grondslag", "en": "Legal basis"},
    "basis_consent": {"nl": "Toestemming", "en": "Consent"},
    "basis_contract": {"nl": "Uitvoering van een overeenkomst", "en": "Performance of a contract"},
    "basis_legal_obligation": {"nl": "Wettelijke verplichting", "en": "Legal obligation"},
    "basis_vital_interests": {"nl": "Vitaal belang", "en": "Vital interests"},
    "basis_public_task": {"nl": "Taak van algemeen belang", "en": "Public task"},
    "basis_legitimate_interests": {"nl": "Gerechtvaardigd belang", "en": "Legitimate interests"},
    "categories_h": {"nl": "4. Welke soorten gegevens", "en": "4. Which kinds of data"},
    "categories_intro": {
        "nl": "De soorten persoonsgegevens die wij over jou hebben (AVG art. 15 lid 1 onder b).",
        "en": "The categories of personal data we hold about you (GDPR art. 15(1)(b)).",
    },
    "recipients_h": {"nl": "5. Met wie wij gegevens delen", "en": "5. Who we share data with"},
    "recipients_intro": {
        "nl": "Alle ontvangers bij de doelen hierboven (AVG art. 15 lid 1 onder c en lid 2). In de laatste "
        "kolom staat of die ontvanger ook gegevens over jou heeft gekregen.",
        "en": "Every recipient for the purposes above (GDPR art. 15(1)(c) and (2)). The last column says "
        "whether that recipient received data about you.",
    },
    "recipient": {"nl": "Ontvanger", "en": "Recipient"},
    "role": {"nl": "Rol", "en": "Role"},
    "country": {"nl": "Land en waarborg", "en": "Country and safeguard"},
    "received_yours": {"nl": "Kreeg jouw gegevens", "en": "Received your data"},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
    "role_processor": {"nl": "verwerker (werkt in onze opdracht)", "en": "processor (works on our behalf)"},
    "role_independent_controller": {"nl": "zelfstandige verantwoordelijke", "en": "independent controller"},
    "role_joint_controller": {"nl": "gezamenlijke verantwoordelijke", "en": "joint controller"},
    "role_public_authority": {"nl": "overheidsinstantie", "en": "public authority"},
    "mech_adequacy": {"nl": "adequaatheidsbesluit (art. 45)", "en": "adequacy decision (art. 45)"},
    "mech_eu_us_dpf": {
        "nl": "EU-VS Data Privacy Framework (art. 45)",
        "en": "EU-US Data Privacy Framework (art. 45)",
    },
    "mech_scc": {"nl": "modelcontractbepalingen (art. 46)", "en": "standard contractual clauses (art. 46)"},
    "mech_bcr": {"nl": "bindende bedrijfsvoorschriften (art. 47)", "en": "binding corporate rules (art. 47)"},
    "mech_derogation": {"nl": "uitzondering (art. 49)", "en": "derogation (art. 49)"},
    "categories_shared": {"nl": "gedeeld", "en": "shared"},
    "retention_h": {"nl": "6. Hoe lang wij je gegevens bewaren", "en": "6. How long we keep your data"},
    "retention_intro": {
        "nl": "Per soort gegevens de bewaartermijn, en voor jouw gegevens de datum waarop ze worden "
        "verwijderd (AVG art. 15 lid 1 onder d).",
        "en": "For each kind of data the retention period, and for your data the date it will be deleted "
        "(GDPR art. 15(1)(d)).",
    },
    "period": {"nl": "Bewaartermijn", "en": "Retention period"},
    "deleted_on": {"nl": "Verwijderd op", "en": "Deleted on"},
    "clock_not_started": {
        "nl": "nog niet bekend: de termijn is nog niet begonnen",
        "en": "not yet known: the period has not started yet",
    },
    "rights_h": {"nl": "7. Je rechten", "en": "7. Your rights"},
    "rights_intro": {
        "nl": "Je kunt ons altijd vragen om (AVG art. 15 lid 1 onder e):",
        "en": "You can always ask us to (GDPR art. 15(1)(e)):",
    },
    "right_rectification": {
        "nl": "onjuiste gegevens te verbeteren of aan te vullen (art. 16);",
        "en": "correct or complete inaccurate data (art. 16);",
    },
    "right_erasure": {"nl": "je gegevens te verwijderen (art. 17);", "en": "erase your data (art. 17);"},
    "right_restriction": {
        "nl": "het gebruik van je gegevens te beperken (art. 18);",
        "en": "restrict the use of your data (art. 18);",
    },
    "right_portability": {
        "nl": "de gegevens die je ons gaf als computerbestand aan jou of een andere organisatie te "
        "sturen (art. 20);",
        "en": "send the data you gave us as a computer file to you or to another organisation (art. 20);",
    },
    "right_objection": {
        "nl": "bezwaar te maken tegen gebruik op grond van gerechtvaardigd belang, en altijd tegen "
        "direct marketing (art. 21);",
        "en": "object to use based on legitimate interests, and always to direct marketing (art. 21);",
    },
    "right_withdraw": {
        "nl": "je toestemming in te trekken, zonder dat dit het eerdere gebruik onrechtmatig maakt "
        "(art. 7 lid 3).",
        "en": "withdraw your consent, without affecting the lawfulness of earlier use (art. 7(3)).",
    },
    "rights_how": {
        "nl": "Stuur je verzoek naar {email}{portal}. Wij antwoorden binnen {term}.",
        "en": "Send your request to {email}{portal}. We answer within {term}.",
    },
    "rights_portal": {"nl": " of gebruik {url}", "en": " or use {url}"},
    "complaint_h": {"nl": "8. Een klacht indienen", "en": "8. Making a complaint"},
    "complaint_text": {
        "nl": "Ben je het niet eens met hoe wij met je gegevens omgaan? Dan kun je een klacht indienen "
        "bij de {authority}: {url} (AVG art. 15 lid 1 onder f en art. 77).",
        "en": "If you disagree with how we handle your data, you can complain to the {authority}: {url} "
        "(GDPR art. 15(1)(f) and art. 77).",
    },
    "source_h": {"nl": "9. Waar je gegevens vandaan komen", "en": "9. Where your data came from"},
    "source_intro": {"nl": "AVG art. 15 lid 1 onder g en art. 14.", "en": "GDPR art. 15(1)(g) and art. 14."},
    "source_all_you": {
        "nl": "Alle gegevens hebben wij van jou zelf gekregen.",
        "en": "We received all this data from you yourself.",
    },
    "source_data_subject": {"nl": "Van jou zelf", "en": "From you yourself"},
    "source_customer_app_import": {
        "nl": "Uit de lijst met contactgegevens die een klant van ons via een app met ons deelde",
        "en": "From the contact list that one of our customers shared with us through an app",
    },
    "source_public_sources": {"nl": "Uit openbare bronnen", "en": "From public sources"},
    "source_third_party": {"nl": "Van een derde", "en": "From a third party"},
    "received_on": {"nl": "ontvangen op", "en": "received on"},
    "adm_h": {"nl": "10. Geautomatiseerde besluitvorming", "en": "10. Automated decision-making"},
    "adm_none": {
        "nl": "{controller} neemt over jou geen besluiten die alleen door een computer worden genomen, "
        "en maakt geen profiel van je (AVG art. 15 lid 1 onder h en art. 22).",
        "en": "{controller} takes no decisions about you made by a computer alone, and does not profile "
        "you (GDPR art. 15(1)(h) and art. 22).",
    },
    "adm_some": {
        "nl": "Voor deze doelen gebruiken wij geautomatiseerde besluitvorming of profilering:",
        "en": "For these purposes we use automated decision-making or profiling:",
    },
    "withheld_h": {"nl": "11. Wat wij niet meesturen, en waarom", "en": "11. What we leave out, and why"},
    "withheld_none": {
        "nl": "Wij hebben niets weggelaten.",
        "en": "We left nothing out.",
    },
    "withheld_intro": {
        "nl": "Een kopie mag de rechten van anderen niet schaden (AVG art. 15 lid 4). Daarom laten wij "
        "het volgende weg:",
        "en": "A copy may not harm the rights of others (GDPR art. 15(4)). That is why we leave out:",
    },
    "withheld_contacts": {
        "nl": "{count} personen uit de contactenlijst die je ons via een app gaf (ontvangen op {dates}): "
        "hun namen, telefoonnummers en e-mailadressen zijn persoonsgegevens van die personen. Jij hebt "
        "de lijst zelf; wil je weten welke gegevens wij nog van hen hebben, vraag het ons.",
        "en": "{count} people from the contact list you gave us through an app (received on {dates}): "
        "their names, phone numbers and e-mail addresses are those people's personal data. You hold "
        "the list yourself; ask us if you want to know what we still hold about them.",
    },
    "withheld_owner": {
        "nl": "Welke klant jouw gegevens in zijn contactenlijst had: dat is een persoonsgegeven van die "
        "klant. De bron (een contactenlijst via een app) en de datum staan in hoofdstuk 9.",
        "en": "Which customer had your details in their contact list: that is that customer's personal "
        "data. The source (a contact list through an app) and the date are in chapter 9.",
    },
    "contact_h": {"nl": "12. Contact", "en": "12. Contact"},
    "dpo": {"nl": "Functionaris Gegevensbescherming", "en": "Data-protection officer"},
    "privacy_contact": {"nl": "Privacycontactpersoon", "en": "Privacy contact"},
    "footer": {
        "nl": "Dit document bevat persoonsgegevens. Bewaar het zorgvuldig.",
        "en": "This document contains personal data. Keep it safe.",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang`, with `{placeholders}` filled in."""
    text = TEXT[key][lang]
    return text.format(**values) if values else text
