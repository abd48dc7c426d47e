"""`privacydesk scan` against Microsoft Presidio on a PII-dense NL/EN corpus, measured in the same run.

Presidio is set up as fairly as its pattern recognizers allow without an NLP model: AnalyzerEngine
over a NoOpNlpEngine, its e-mail, IBAN and phone recognizers (phone with the NL region first),
plus pattern recognizers for the Dutch BSN (with the 11-check as validation) and postcode.
Both tools are scored against the corpus's ground truth: a detection is right when its kind
matches and its span overlaps a planted identifier.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from bench import Result
from bench.corpus_gen import Truth, pii_text
from privacydesk.scan import scan_text_parallel
from privacydesk.scan.detectors import detect

NAME = "scan_presidio"
DESCRIPTION = (
    "`scan` vs Presidio AnalyzerEngine (pattern recognizers, NoOpNlpEngine, NL phone region, BSN and "
    "postcode recognizers added) on a generated NL/EN corpus, ~1 identifier per 100 bytes."
)
KINDS = ("email", "phone", "iban", "bsn", "postcode")
_PRESIDIO_KIND = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "IBAN_CODE": "iban",
    "NL_BSN": "bsn",
    "NL_POSTCODE": "postcode",
}
Span = tuple[str, int, int]


def _presidio() -> Callable[[str], list[Span]]:
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import EmailRecognizer, IbanRecognizer, PhoneRecognizer

    class BsnRecognizer(PatternRecognizer):  # type: ignore[misc]
        def validate_result(self, pattern_text: str) -> bool:
            digits = "".join(c for c in pattern_text if c.isdigit()).zfill(9)
            return sum((9 - i) * int(d) for i, d in enumerate(digits[:8])) % 11 == int(digits[8]) % 11

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(EmailRecognizer())
    registry.add_recognizer(IbanRecognizer())
    registry.add_recognizer(PhoneRecognizer(supported_regions=("NL",)))
    registry.add_recognizer(
        BsnRecognizer(
            supported_entity="NL_BSN",
            context=["bsn", "burgerservicenummer"],
            patterns=[Pattern("bsn", r"\b\d{4}\.?\d{2}\.?\d{3}\b|\b\d{9}\b", 0.5)],
        )
    )
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="NL_POSTCODE",
            patterns=[Pattern("postcode", r"\b[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}\b", 0.5)],
        )
    )
    engine = AnalyzerEngine(
        registry=registry,
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}]),
        supported_languages=["en"],
    )

    def analyse(text: str) -> list[Span]:
        found = engine.analyze(text=text, language="en", score_threshold=0.0)
        return [
            (_PRESIDIO_KIND[r.entity_type], r.start, r.end) for r in found if r.entity_type in _PRESIDIO_KIND
        ]

    return analyse


def _ours(text: str) -> list[Span]:
    return [(str(h.kind), h.start, h.end) for h in detect(text)]


def score(found: Iterable[Span], truth: list[Truth], kind: str) -> tuple[float, float]:
    """Precision and recall for one kind: overlapping spans of the same kind count as a match."""
    planted = sorted((t.start, t.end) for t in truth if t.kind == kind)
    got = sorted({(s, e) for k, s, e in found if k == kind})
    hit_truth: set[tuple[int, int]] = set()
    correct = 0
    for s, e in got:
        match = [t for t in _near(planted, s) if t[0] < e and s < t[1]]
        correct += bool(match)
        hit_truth.update(match)
    precision = correct / len(got) if got else 1.0
    recall = len(hit_truth) / len(planted) if planted else 1.0
    return precision, recall


def _near(planted: list[tuple[int, int]], start: int) -> list[tuple[int, int]]:
    from bisect import bisect_left

    i = bisect_left(planted, (start - 200, 0))
    return planted[i : i + 8]


def _timed(fn: Callable[[str], list[Span]], chunks: list[str]) -> tuple[list[Span], float]:
    """All spans found, offset into the whole text, and the CPU seconds this process spent.

    CPU time, not wall time: the machine is shared, and both tools are measured the same way.
    """
    started = time.process_time()
    spans: list[Span] = []
    offset = 0
    for chunk in chunks:
        spans.extend((k, s + offset, e + offset) for k, s, e in fn(chunk))
        offset += len(chunk)
    return spans, time.process_time() - started


def _wall_mbs(chunks: list[str], workers: int, mb: float) -> float:
    started = time.perf_counter()
    scan_text_parallel(chunks, workers=workers)
    return mb / (time.perf_counter() - started)


def _chunks(text: str, size: int = 20_000) -> list[str]:
    out, start = [], 0
    while start < len(text):
        end = text.find(" ", start + size)
        end = len(text) if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    return out


def run(quick: bool = False) -> list[Result]:
    text, truth = pii_text(300_000 if quick else 3_000_000)
    mb = len(text.encode()) / 1e6
    chunks = _chunks(text)
    presidio = _presidio()
    presidio(chunks[0]), _ours(chunks[0])  # warm up both (compiled patterns, caches of the libraries)
    theirs, presidio_s = _timed(presidio, chunks)
    ours, ours_s = _timed(_ours, chunks)
    speed_up = presidio_s / ours_s
    return [
        Result("corpus size", mb, "MB", note=f"{len(truth):,} planted identifiers, NL+EN"),
        Result("Presidio, 1 core (CPU time)", mb / presidio_s, "MB/s"),
        Result("privacydesk, 1 core (CPU time)", mb / ours_s, "MB/s"),
        Result("privacydesk, 1 worker (wall clock)", _wall_mbs(chunks, 1, mb), "MB/s"),
        Result(
            "privacydesk, 2 workers (wall clock)", _wall_mbs(chunks, 2, mb), "MB/s", note="shared machine"
        ),
        Result("speed-up over Presidio (1 core)", speed_up, "×", "≥ 15×", speed_up >= 15),
        *_quality(ours, theirs, truth),
    ]


def _quality(ours: list[Span], theirs: list[Span], truth: list[Truth]) -> list[Result]:
    results = []
    for kind in KINDS:
        op, orc = score(ours, truth, kind)
        pp, prc = score(theirs, truth, kind)
        results.append(Result(f"{kind} precision (Presidio {pp:.3f})", op, "", f"≥ {pp:.3f}", op >= pp))
        results.append(Result(f"{kind} recall (Presidio {prc:.3f})", orc, "", f"≥ {prc:.3f}", orc >= prc))
    return results
