"""`privacydesk register export`: the RoPA for the authority, a Fides manifest, W3C DPV JSON-LD."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader
from rdflib import Graph, URIRef

from privacydesk.register.load import load_register
from tests.conftest import OCQTO_REGISTER, SHARED

DPV_FILES = SHARED / "fixtures" / "dpv"


def _export(cli, fmt: str, out: Path | None = None, lang: str = "nl"):  # type: ignore[no-untyped-def]
    args = ["register", "export", "--format", fmt, "--register", str(OCQTO_REGISTER), "--lang", lang]
    return cli(*args, *(["-o", str(out)] if out else []))


def test_the_fides_manifest_validates_with_fidesland_and_every_taxonomy_key_exists(cli) -> None:  # type: ignore[no-untyped-def]
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY
    from fideslang.models import Taxonomy

    result = _export(cli, "fides")
    assert result.code == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        taxonomy = Taxonomy(**yaml.safe_load(result.out))
    categories = {c.fides_key for c in DEFAULT_TAXONOMY.data_category}
    uses = {u.fides_key for u in DEFAULT_TAXONOMY.data_use}
    subjects = {s.fides_key for s in DEFAULT_TAXONOMY.data_subject} | {
        s.fides_key for s in taxonomy.data_subject
    }
    declarations = [d for system in taxonomy.system for d in system.privacy_declarations]
    assert len(declarations) >= 9
    for d in declarations:
        assert set(d.data_categories) <= categories
        assert d.data_use in uses
        assert set(d.data_subjects) <= subjects
    dataset_categories = {
        c for f in taxonomy.dataset[0].collections[0].fields for c in f.data_categories or []
    }
    assert dataset_categories <= categories


def test_the_dpv_export_uses_only_terms_the_w3c_vocabulary_defines(cli) -> None:  # type: ignore[no-untyped-def]
    if not DPV_FILES.is_dir():
        pytest.skip(f"the DPV fixtures are not at {DPV_FILES}")
    vocabulary = Graph()
    for name in ("dpv.ttl", "pd.ttl", "eu-gdpr.ttl"):
        vocabulary.parse(DPV_FILES / name)
    known = set(vocabulary.subjects())
    result = _export(cli, "dpv-jsonld")
    with warnings.catch_warnings():  # rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = Graph().parse(data=result.out, format="json-ld")
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and "w3id.org/dpv" in str(t)}
    assert used and used <= known, sorted(str(t) for t in used - known)
    handlings = list(
        graph.subjects(
            predicate=URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            object=URIRef("https://w3id.org/dpv#PersonalDataHandling"),
        )
    )
    assert len(handlings) == len(load_register(OCQTO_REGISTER).register.purposes)


def test_the_ropa_spreadsheet_has_one_row_per_purpose_with_every_art_30_column(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ropa.xlsx"
    assert _export(cli, "ropa-xlsx", out).code == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[3] == [
        "Verwerkingsdoel",
        "Grondslag",
        "Betrokkenen",
        "Persoonsgegevens",
        "Ontvangers",
        "Doorgifte buiten de EER",
        "Bewaartermijn",
        "Herkomst",
    ]
    purposes = rows[4:]
    assert len(purposes) == len(load_register(OCQTO_REGISTER).register.purposes)
    tax = next(r for r in purposes if "belastingaangifte" in str(r[0]))
    assert "wettelijke verplichting" in str(tax[1]) and "Belastingdienst (overheid)" in str(tax[4])
    newsletter = next(r for r in purposes if "nieuwsbrief" in str(r[0]))
    assert "Manychat: US (modelcontractbepalingen" in str(newsletter[5])


def test_the_ropa_pdf_names_the_controller_the_dpo_and_every_purpose(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ropa.pdf"
    assert _export(cli, "ropa-pdf", out, lang="en").code == 0
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    for fact in (
        "Records of processing activities",
        "Ocqto Support",
        "Annette Peute",
        "Handling your payment",
        "Knab (independent controller)",
        "EU-US Data Privacy Framework",
        "page 1 / ",
    ):
        assert fact in text


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--format", "docx"], "unknown format 'docx'"), (["--format", "ropa-pdf"], "give -o FILE.pdf")],
)
def test_a_wrong_format_or_missing_output_is_a_clear_error(cli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("register", "export", "--register", str(OCQTO_REGISTER), *args)
    assert result.code == 2 and message in result.err


def test_json_is_not_mangled_by_the_console(cli) -> None:  # type: ignore[no-untyped-def]
    json.loads(_export(cli, "dpv-jsonld").out)
