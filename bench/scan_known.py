"""Known-subject matching: names and identifiers of 100,000 subjects, found in NL/EN correspondence."""

from __future__ import annotations

import random
import time

import psutil

from bench import Result
from bench.corpus_gen import FIRST, LAST, iban_nl, pii_text
from privacydesk.scan import Kind
from privacydesk.scan.known import KnownSubjects

NAME = "scan_known"
DESCRIPTION = (
    "Match the names, e-mail addresses, phones and IBANs of 100,000 known subjects in a generated NL/EN text "
    "(PII-dense corpus with known subjects' names and identifiers mixed in); one core."
)


def _subjects(count: int, rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    people = []
    for i in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(['', 'J. ', 'M. ', 'van ', 'de '])}{rng.choice(LAST)}-{i:x}"
        people.append((f"s{i}", name, f"p{i}@example.org", f"+316{10000000 + i:08d}"[:12], iban_nl(rng)))
    return people


def _text(size: int, people: list[tuple[str, str, str, str, str]], rng: random.Random) -> tuple[str, int]:
    base, _ = pii_text(size, seed=5)
    parts, planted = [], 0
    for start in range(0, len(base), 400):
        parts.append(base[start : start + 400])
        ref, name, email, phone, iban = rng.choice(people)
        parts.append(f" Namens {name} ({email}, tel. 0{phone[3:]}) betaald van {iban}. ")
        planted += 4
    return "".join(parts), planted


def run(quick: bool = False) -> list[Result]:
    rng = random.Random(3)
    count = 10_000 if quick else 100_000
    process = psutil.Process()
    before = process.memory_info().rss
    people = _subjects(count, rng)
    started = time.perf_counter()
    known = KnownSubjects()
    for ref, name, email, phone, iban in people:
        known.add_name(ref, name)
        known.add_identifier(ref, Kind.EMAIL, email)
        known.add_identifier(ref, Kind.PHONE, phone)
        known.add_identifier(ref, Kind.IBAN, iban)
    known.match("warm up Jan")  # builds the automaton
    build_s = time.perf_counter() - started
    text, planted = _text(500_000 if quick else 5_000_000, people, rng)
    mb = len(text.encode()) / 1e6
    started_cpu = time.process_time()
    mentions = known.match(text)
    mbs = mb / (time.process_time() - started_cpu)
    rss = (process.memory_info().rss - before) / 1e6
    return [
        Result("known subjects", count, "subjects", note="name, e-mail, phone, IBAN each"),
        Result("building the matcher", build_s, "s"),
        Result("text scanned", mb, "MB", note=f"{planted:,} planted mentions, {len(mentions):,} found"),
        Result("matching speed, 1 core (CPU time)", mbs, "MB/s", "≥ 10 MB/s", mbs >= 10),
        Result("memory for subjects + matcher + text", rss, "MB", "< 1,000 MB", rss < 1000),
        Result(
            "planted mentions found", len({(m.start, m.kind) for m in mentions}) / planted, "share", "1.0"
        ),
    ]
