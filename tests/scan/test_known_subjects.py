"""Known-subject matching finds the store's subjects in a text by identifier and by full name."""

from __future__ import annotations

from privacydesk.scan import Kind
from privacydesk.scan.known import KnownSubjects, canonical_phone


def _known() -> KnownSubjects:
    known = KnownSubjects()
    known.add_identifier("s1", Kind.EMAIL, "jan@example.nl")
    known.add_identifier("s1", Kind.PHONE, "+31612345678")
    known.add_identifier("s2", Kind.IBAN, "NL91ABNA0417164300")
    known.add_name("s1", "Jan de Vries")
    known.add_name("s3", "Fatima  El Amrani")
    return known


def test_a_subject_is_found_by_an_identifier_written_in_any_common_way() -> None:
    text = "Mail JAN@example.nl, of bel 06-12 34 56 78. Betaald van NL91 ABNA 0417 1643 00."
    assert [(m.subject, m.kind) for m in _known().match(text)] == [
        ("s1", Kind.EMAIL),
        ("s1", Kind.PHONE),
        ("s2", Kind.IBAN),
    ]


def test_a_subject_is_found_by_full_name_in_any_case_and_across_a_line_break() -> None:
    text = "Gesproken met JAN DE VRIES en met Fatima\nEl Amrani."
    assert [(m.subject, m.kind) for m in _known().match(text)] == [("s1", Kind.NAME), ("s3", Kind.NAME)]


def test_a_name_inside_a_longer_word_is_no_mention() -> None:
    assert _known().match("Jan de Vriesland is een ander") == []


def test_unknown_identifiers_match_nobody() -> None:
    assert _known().match("Bel 06-87654321 of mail piet@example.nl") == []


def test_a_store_lookup_can_replace_the_in_memory_values() -> None:
    seen: list[tuple[Kind, str]] = []
    known = KnownSubjects(lookup=lambda kind, value: seen.append((kind, value)) or ["s9"])
    assert [m.subject for m in known.match("Bel +31 6 12345678")] == ["s9"]
    assert seen == [(Kind.PHONE, "+31612345678")]


def test_phones_are_put_in_e164_by_their_prefix() -> None:
    assert canonical_phone("06-12345678") == "+31612345678"
    assert canonical_phone("0031 6 12345678") == "+31612345678"
    assert canonical_phone("+31 (0)6 12345678") == "+31612345678"
    assert canonical_phone("12345678") is None
