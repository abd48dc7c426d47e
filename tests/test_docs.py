"""Docs that cannot fall behind: the generated reference docs match the code, and the README
shows the two commands a newcomer needs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
assert spec and spec.loader
gen_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_docs)


@pytest.mark.parametrize("name", sorted(gen_docs.GENERATED))
def test_a_generated_doc_matches_what_the_code_says(name: str) -> None:
    committed = (ROOT / "docs" / name).read_text()
    assert committed == gen_docs.GENERATED[name](), f"docs/{name} is out of date: run `make docs`"


def test_the_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
