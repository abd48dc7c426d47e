"""The portability file is described by a JSON Schema that the file itself satisfies."""

from __future__ import annotations

from dataclasses import replace

import jsonschema
import pytest

from privacydesk.register.load import load_register
from privacydesk.subject_requests.fulfil.exports import subject_json
from privacydesk.subject_requests.fulfil.schema import portability_schema
from tests.conftest import OCQTO_REGISTER
from tests.fulfil.sample import customer

REGISTER = load_register(OCQTO_REGISTER).register


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(portability_schema(REGISTER))


def test_the_portability_document_satisfies_its_schema() -> None:
    data = customer()
    doc = subject_json(data, data.records, with_messages=False)
    jsonschema.Draft202012Validator(portability_schema(REGISTER)).validate(doc)


def test_a_purpose_the_register_does_not_know_fails_the_schema() -> None:
    data = customer()
    bad = [replace(data.records[0], purpose="profiling")]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(subject_json(data, bad, with_messages=False), portability_schema(REGISTER))
