"""The register for others to read: the art. 30 records of processing (RoPA) as a spreadsheet and a
PDF a DPO can hand to the Autoriteit Persoonsgegevens, a Fides manifest, and W3C DPV JSON-LD.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from privacydesk.register.model import LegalBasis, Purpose, Register, TransferMechanism

DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
GDPR = Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
FORMATS = ("ropa-pdf", "ropa-xlsx", "fides", "dpv-jsonld")

# fideslang data category (longest prefix wins) -> DPV personal-data term
PD_TERMS = {
    "user.name": "Name",
    "user.contact.address": "PhysicalAddress",
    "user.contact.phone_number": "TelephoneNumber",
    "user.contact.email": "EmailAddress",
    "user.financial.bank_account": "BankAccount",
    "user.financial": "Transaction",
    "user.content": "Communication",
    "user.contact": "Contact",
    "user.device": "Identifier",
    "user.government_id": "OfficialID",
}
SUBJECT_TERMS = {"customer": "Customer", "newsletter_subscriber": "Subscriber", "website_visitor": "Visitor"}
BASIS_TERMS = {b: f"A6-1-{'abcdef'[i]}" for i, b in enumerate(LegalBasis)}
TRANSFER_TERMS = {
    TransferMechanism.ADEQUACY: "A45-3",
    TransferMechanism.EU_US_DPF: "A45-3",
    TransferMechanism.SCC: "SCCByCommission",
    TransferMechanism.BCR: "A46",
    TransferMechanism.DEROGATION: "A49",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")


@dataclass(frozen=True)
class RopaRow:
    """One processing activity with every field GDPR art. 30(1) asks for."""

    purpose: str
    legal_basis: str
    subjects: str
    categories: str
    recipients: str
    transfers: str
    retention: str
    source: str


WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "consent": "toestemming",
        "contract": "overeenkomst",
        "legal_obligation": "wettelijke verplichting",
        "vital_interests": "vitaal belang",
        "public_task": "taak van algemeen belang",
        "legitimate_interests": "gerechtvaardigd belang",
        "processor": "verwerker",
        "independent_controller": "zelfstandig verwerkingsverantwoordelijke",
        "joint_controller": "gezamenlijk verwerkingsverantwoordelijke",
        "public_authority": "overheid",
        "data_subject": "de betrokkene zelf",
        "customer_app_import": "contactenlijst van een klant (app)",
        "public_sources": "openbare bronnen",
        "third_party": "derden",
        "adequacy": "adequaatheidsbesluit",
        "eu_us_dpf": "EU-VS Data Privacy Framework",
        "scc": "modelcontractbepalingen (SCC's)",
        "bcr": "bindende bedrijfsvoorschriften",
        "derogation": "uitzondering art. 49",
        "AVG": "AVG",
    },
    "en": {
        "consent": "consent",
        "contract": "contract",
        "legal_obligation": "legal obligation",
        "vital_interests": "vital interests",
        "public_task": "public task",
        "legitimate_interests": "legitimate interests",
        "processor": "processor",
        "independent_controller": "independent controller",
        "joint_controller": "joint controller",
        "public_authority": "public authority",
        "data_subject": "the person",
        "AVG": "GDPR",
        "customer_app_import": "a customer's contact list (app)",
        "public_sources": "public sources",
        "third_party": "third parties",
        "adequacy": "adequacy decision",
        "eu_us_dpf": "EU-US Data Privacy Framework",
        "scc": "standard contractual clauses",
        "bcr": "binding corporate rules",
        "derogation": "art. 49 derogation",
    },
}


def ropa_rows(reg: Register, lang: str = "nl") -> list[RopaRow]:
    return [_row(reg, p, lang) for p in reg.purposes]


def _row(reg: Register, p: Purpose, lang: str) -> RopaRow:
    w = WORDS[lang]
    names = {c.key: c.name.get(lang) for c in reg.categories}
    recipients = [r for r in reg.recipients if r.key in p.recipients]
    mechanism = {r.key: w[r.transfer_mechanism.value] if r.transfer_mechanism else "—" for r in recipients}
    transfers = [
        f"{r.name}: {', '.join(r.outside_eea)} ({mechanism[r.key]})" for r in recipients if r.outside_eea
    ]
    rule = reg.retention_rule(p.retention) if p.retention else None
    article = p.legal_basis.article.replace("GDPR", w["AVG"]) if p.legal_basis else ""
    basis = f"{w[p.legal_basis.value]} ({article})" if p.legal_basis else "—"
    return RopaRow(
        purpose=p.name.get(lang),
        legal_basis=basis + (f"; {p.legal_obligation}" if p.legal_obligation else ""),
        subjects=", ".join(s.name.get(lang) for s in reg.subject_types if s.key in p.subject_types),
        categories=", ".join(names.get(c, c) for c in p.categories),
        recipients=", ".join(f"{r.name} ({w[r.role.value]})" for r in recipients) or "—",
        transfers="; ".join(transfers) or "—",
        retention=(
            rule.description.get(lang) if rule and rule.description else (rule.duration if rule else "—")
        )
        + (f" ({rule.legal_ground})" if rule and rule.legal_ground else ""),
        source=", ".join(w[s.value] for s in p.sources),
    )


HEADERS = {
    "nl": (
        "Verwerkingsdoel",
        "Grondslag",
        "Betrokkenen",
        "Persoonsgegevens",
        "Ontvangers",
        "Doorgifte buiten de EER",
        "Bewaartermijn",
        "Herkomst",
    ),
    "en": (
        "Purpose",
        "Legal basis",
        "Data subjects",
        "Personal data",
        "Recipients",
        "Transfers outside the EEA",
        "Retention",
        "Source",
    ),
}


def ropa_xlsx(reg: Register, lang: str = "nl") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Verwerkingsregister" if lang == "nl" else "Records of processing"
    c = reg.controller
    sheet.append(
        [c.legal_name, f"{c.address.street}, {c.address.postcode} {c.address.city}", c.email, c.phone or ""]
    )
    sheet.append(
        [("FG: " if c.dpo.formally_appointed else "Privacy: ") + c.dpo.name, c.dpo.email, c.dpo.phone or ""]
    )
    sheet.append([])
    sheet.append(list(HEADERS[lang]))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in ropa_rows(reg, lang):
        sheet.append(list(row.__dict__.values()))
    for column, width in zip("ABCDEFGH", (40, 28, 28, 40, 40, 30, 40, 18), strict=True):
        sheet.column_dimensions[column].width = width
        for cell in sheet[column]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape()
)


def ropa_html(reg: Register, lang: str = "nl", today: date | None = None) -> str:
    return _templates.get_template("ropa.html").render(
        reg=reg, rows=ropa_rows(reg, lang), headers=HEADERS[lang], lang=lang, today=today or date.today()
    )


def ropa_pdf(reg: Register, lang: str = "nl", today: date | None = None) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=ropa_html(reg, lang, today)).write_pdf()
    return pdf


def fides_manifest(reg: Register) -> dict[str, Any]:
    """A Fides manifest: the organization, one system per party with privacy declarations, a dataset."""
    org = _slug(reg.controller.legal_name)
    own_subjects = [
        {"fides_key": s.key, "name": s.name.en, "description": (s.description or s.name).en}
        for s in reg.subject_types
        if not s.fides
    ]
    return {
        "organization": [
            {
                "fides_key": org,
                "name": reg.controller.legal_name,
                "controller": {
                    "name": reg.controller.legal_name,
                    "email": reg.controller.email,
                    "phone": reg.controller.phone or "",
                    "address": f"{reg.controller.address.street}, {reg.controller.address.postcode} "
                    f"{reg.controller.address.city}",
                },
                "data_protection_officer": {
                    "name": reg.controller.dpo.name,
                    "email": reg.controller.dpo.email,
                    "phone": reg.controller.dpo.phone or "",
                },
            }
        ],
        "data_subject": own_subjects,
        "system": [_own_system(reg, org)] + [_recipient_system(reg, org, r.key) for r in reg.recipients],
        "dataset": [_dataset(reg, org)],
    }


def _subject_keys(reg: Register, keys: list[str]) -> list[str]:
    return [s.fides or s.key for s in reg.subject_types if s.key in keys]


def _declaration(reg: Register, p: Purpose) -> dict[str, Any]:
    cats = [c.fides for c in reg.categories if c.key in p.categories]
    return {
        "name": p.name.en,
        "data_categories": cats or ["user"],
        "data_use": p.fides_use or "essential",
        "data_subjects": _subject_keys(reg, p.subject_types),
        "dataset_references": [],
    }


def _own_system(reg: Register, org: str) -> dict[str, Any]:
    return {
        "fides_key": f"{org}_processing",
        "organization_fides_key": org,
        "name": f"{reg.controller.display_name} — processing",
        "system_type": "Service",
        "description": "The processing activities of the register, as kept by privacydesk.",
        "privacy_declarations": [_declaration(reg, p) for p in reg.purposes],
    }


def _recipient_system(reg: Register, org: str, key: str) -> dict[str, Any]:
    r = reg.recipient(key)
    assert r is not None
    users = [p for p in reg.purposes if key in p.recipients]
    cats = [c.fides for c in reg.categories if c.key in r.receives]
    declarations = [
        {
            "name": f"{p.name.en} ({r.name})",
            "data_categories": cats or ["user"],
            "data_use": (p.fides_use or "essential")
            if r.role.value == "processor"
            else "third_party_sharing",
            "data_subjects": _subject_keys(reg, p.subject_types),
            "dataset_references": [],
        }
        for p in users
    ]
    return {
        "fides_key": f"{org}_{r.key}",
        "organization_fides_key": org,
        "name": r.name,
        "system_type": "Service",
        "description": (r.description.en if r.description else r.name),
        "privacy_declarations": declarations,
    }


def _dataset(reg: Register, org: str) -> dict[str, Any]:
    fields = [
        {"name": c.key, "description": (c.description or c.name).en, "data_categories": [c.fides]}
        for c in reg.categories
        if not c.forbidden
    ]
    return {
        "fides_key": f"{org}_privacydesk_store",
        "organization_fides_key": org,
        "name": "privacydesk store",
        "description": "Records by category, sealed per subject.",
        "collections": [{"name": "records", "fields": fields}],
    }


def _pd_term(fides: str) -> URIRef:
    for prefix in sorted(PD_TERMS, key=len, reverse=True):
        if fides == prefix or fides.startswith(prefix + "."):
            return PD[PD_TERMS[prefix]]
    return DPV["PersonalData"]


def dpv_graph(reg: Register, base: str = "https://privacydesk.example/register#") -> Graph:
    """The register in W3C DPV terms: one dpv:PersonalDataHandling per purpose."""
    ns = Namespace(base)
    g = Graph()
    for prefix, namespace in (("dpv", DPV), ("pd", PD), ("eu-gdpr", GDPR), ("reg", ns)):
        g.bind(prefix, namespace)
    controller = ns["controller"]
    g.add((controller, RDF.type, DPV["DataController"]))
    g.add((controller, DPV["hasName"], Literal(reg.controller.legal_name)))
    for p in reg.purposes:
        _dpv_purpose(g, ns, reg, p, controller)
    return g


def _dpv_purpose(g: Graph, ns: Namespace, reg: Register, p: Purpose, controller: URIRef) -> None:
    node, purpose = ns[f"handling_{p.key}"], ns[f"purpose_{p.key}"]
    g.add((node, RDF.type, DPV["PersonalDataHandling"]))
    g.add((node, DPV["hasDataController"], controller))
    g.add((purpose, RDF.type, DPV["Purpose"]))
    g.add((purpose, RDFS.label, Literal(p.name.en, lang="en")))
    g.add((purpose, RDFS.label, Literal(p.name.nl, lang="nl")))
    g.add((node, DPV["hasPurpose"], purpose))
    if p.legal_basis:
        g.add((node, DPV["hasLegalBasis"], GDPR[BASIS_TERMS[p.legal_basis]]))
    for c in reg.categories:
        if c.key in p.categories:
            g.add((node, DPV["hasPersonalData"], _pd_term(c.fides)))
    for s in p.subject_types:
        g.add((node, DPV["hasDataSubject"], DPV[SUBJECT_TERMS.get(s, "DataSubject")]))
    for r in reg.recipients:
        if r.key in p.recipients:
            party = ns[f"recipient_{r.key}"]
            kind = {"processor": "DataProcessor", "public_authority": "Authority"}.get(
                r.role.value, "ThirdParty"
            )
            g.add((party, RDF.type, DPV[kind]))
            g.add((party, DPV["hasName"], Literal(r.name)))
            g.add((node, DPV["hasRecipient"], party))
            if r.transfer_mechanism:
                g.add((party, DPV["hasLegalBasis"], GDPR[TRANSFER_TERMS[r.transfer_mechanism]]))
    rule = reg.retention_rule(p.retention) if p.retention else None
    if rule:
        duration = ns[f"retention_{rule.key}"]
        g.add((duration, RDF.type, DPV["StorageDuration"]))
        g.add((duration, DPV["hasDuration"], Literal(rule.duration)))
        g.add((node, DPV["hasStorageCondition"], duration))


def dpv_jsonld(reg: Register) -> str:
    return dpv_graph(reg).serialize(format="json-ld", indent=2)
