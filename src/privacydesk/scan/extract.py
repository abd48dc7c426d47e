"""Text out of files: plain text, HTML, PDF (pypdf), DOCX (python-docx), e-mail (.eml, mbox).

Each file yields segments — a piece of text with the place it came from (a page, a message) — so a
finding can say where it is. A file that cannot be read raises UnusableInput naming the file and,
where there is one, the page or message.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

from privacydesk.errors import UnusableInput

TEXT_SUFFIXES = {".txt", ".csv", ".md", ".log", ".json", ".xml", ".vcf", ".ics", ".yaml", ".yml", ".tsv"}
HTML_SUFFIXES = {".html", ".htm"}
SCANNABLE = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".docx", ".eml", ".mbox"}
CHUNK = 1 << 20  # large text is scanned in pieces of about 1 MB, cut at line ends


@dataclass(frozen=True)
class Segment:
    """A piece of a file's text; `first_line` is the line number its text starts on."""

    source: str
    place: str
    text: str
    first_line: int = 1


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        if tag in ("br", "p", "div", "tr", "li", "td", "h1", "h2", "h3"):
            self.parts.append("\n" if tag != "td" else " ")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML document (scripts and styles left out)."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Dutch Windows software writes; refuses binary."""
    if b"\x00" in data[:8192]:
        raise UnusableInput(f"{source}: a binary file, not text", hint="scan text, HTML, PDF, DOCX or e-mail")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _chunks(text: str, source: str, place: str) -> Iterator[Segment]:
    start, line = 0, 1
    while start < len(text):
        end = text.find("\n", start + CHUNK)
        end = len(text) if end < 0 else end + 1
        yield Segment(source, place, text[start:end], line)
        line += text.count("\n", start, end)
        start = end


def _pdf(path: Path) -> Iterator[Segment]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [(number, page.extract_text() or "") for number, page in enumerate(reader.pages, start=1)]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UnusableInput(f"{path}: not a readable PDF ({type(exc).__name__})") from None
    for number, text in pages:
        yield Segment(str(path), f"page {number}", text)


def _docx(path: Path) -> Iterator[Segment]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, OSError) as exc:
        raise UnusableInput(f"{path}: not a readable DOCX file ({type(exc).__name__})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(" ".join(cell.text for cell in row.cells) for row in table.rows)
    yield Segment(str(path), "", "\n".join(lines))


def message_text(message: Message) -> str:
    """The addresses and the readable text of an e-mail: headers, text parts, HTML parts as text."""
    lines = [
        f"{h}: {message.get(h, '')}" for h in ("From", "To", "Cc", "Reply-To", "Subject") if message.get(h)
    ]
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name
            text = payload.decode("utf-8", errors="replace")
        lines.append(html_to_text(text) if part.get_content_subtype() == "html" else text)
    return "\n".join(lines)


def _eml(path: Path) -> Iterator[Segment]:
    with path.open("rb") as fh:
        message = email.message_from_binary_file(fh, policy=email.policy.compat32)
    yield Segment(str(path), "", message_text(message))


def _mbox(path: Path) -> Iterator[Segment]:
    for number, message in enumerate(mailbox.mbox(path, create=False), start=1):
        yield Segment(str(path), f"message {number}", message_text(message))


def _text(path: Path) -> Iterator[Segment]:
    text = decode_text(path.read_bytes(), str(path))
    if path.suffix.lower() in HTML_SUFFIXES:
        text = html_to_text(text)
    yield from _chunks(text, str(path), "")


def segments(path: Path) -> Iterator[Segment]:
    """The text segments of one file, by its type."""
    suffix = path.suffix.lower()
    readers = {".pdf": _pdf, ".docx": _docx, ".eml": _eml, ".mbox": _mbox}
    try:
        yield from readers.get(suffix, _text)(path)
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None


def files_under(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the scannable files in the directories named (recursively, sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SCANNABLE)
        elif path.exists():
            yield path
        else:
            raise UnusableInput(f"{path}: no such file or directory")
