"""Read an existing privacy statement (plain text, Markdown or HTML) into numbered sentences.

Each sentence keeps the line it starts on in the file, so a finding can say where it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from privacydesk.errors import UnusableInput

MAX_BYTES = 5_000_000
BLOCK_TAGS = {
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "tr", "dd", "br",
    "blockquote", "caption", "header", "footer", "main", "nav", "table", "ul", "ol", "dl", "title",
}  # fmt: skip
SKIP_TAGS = {"script", "style", "head", "noscript", "template", "svg"}
CELL_TAGS = {"td", "th"}
# Dots that do not end a sentence: abbreviations, and "Artikel 1." in a heading.
_NO_BREAK = re.compile(
    r"\b(art|Art|nr|Nr|bijv|o\.a|e\.g|i\.e|incl|etc|resp|ca|mr|Mr|dhr|mevr|St|vs)\."
    r"|\b((?:Artikel|Article) \d+)\.",
)
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý„\"“(\[])")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_DOT = "\u2024"  # one-dot leader: stands in for a dot that does not end a sentence


@dataclass(frozen=True)
class Sentence:
    """One sentence of the statement and the line of the file it starts on."""

    text: str
    line: int


class _TextOf(HTMLParser):
    """Blocks of text of an HTML page, each with the line it starts on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._buf: list[str] = []
        self._line = 1
        self._skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.blocks.append((self._line, text))
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self._flush()
        elif tag in CELL_TAGS and self._buf:
            self._buf.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "dt":
            self._buf.append(": ")
        elif tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not "".join(self._buf).strip():
            self._line = self.getpos()[0]
        self._buf.append(data)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"%PDF"):
        raise UnusableInput(
            f"{path} is a PDF", hint="save the statement as text, Markdown or HTML and try again"
        )
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnusableInput(
            f"{path} is a binary file, not a text statement",
            hint="give a .txt, .md or .html file (copy the statement from the website into a text file)",
        )
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    text = raw.decode("cp1252", errors="replace")
    if text.count("\ufffd") > len(text) / 100:
        raise UnusableInput(f"{path} is not readable text", hint="save it as UTF-8 text, Markdown or HTML")
    return text


def read_text(path: Path) -> str:
    """The text of `path`; a clear refusal (exit 2) for a missing, empty, binary or unreadable file."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UnusableInput(
                f"{path} is larger than 5 MB", hint="give the statement itself, not a whole site"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnusableInput(f"{path} does not exist", hint="check the file name") from None
    except IsADirectoryError:
        raise UnusableInput(f"{path} is a folder, not a file", hint="give the statement's file") from None
    except OSError as exc:
        raise UnusableInput(
            f"cannot read {path}: {exc.strerror}", hint="check the file's permissions"
        ) from None
    text = _decode(raw, path)
    if not text.strip():
        raise UnusableInput(f"{path} is empty", hint="give a file that holds the privacy statement")
    return text


def detect_format(path: Path, text: str) -> str:
    """'html', 'md' or 'txt', from the file's name and, failing that, its first lines."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "md"
    if re.search(r"<(html|body|p|h[1-6]|div|ul)\b", text[:4000], re.IGNORECASE):
        return "html"
    return "txt"


def _plain_line(line: str) -> str:
    line = _MD_LINK.sub(
        lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", line
    )
    line = re.sub(r"<(https?://[^>\s]+|[^>\s@]+@[^>\s]+)>", r"\1", line)
    line = re.sub(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+(?=\D)|>\s?)", "", line)
    line = line.replace("**", "").replace("__", "").replace("`", "")
    return line.strip(" |").replace(" | ", " | ")


def text_blocks(text: str, fmt: str) -> list[tuple[int, str]]:
    """(line, text) per paragraph, list item, heading or table row."""
    if fmt == "html":
        parser = _TextOf()
        parser.feed(text)
        parser.close()
        parser._flush()
        return parser.blocks
    blocks = []
    for number, line in enumerate(text.splitlines(), start=1):
        if re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line) and "-" in line:
            continue  # a Markdown table's separator row
        plain = _plain_line(line)
        if plain:
            blocks.append((number, plain))
    return blocks


def split_sentences(blocks: list[tuple[int, str]]) -> list[Sentence]:
    out = []
    for line, block in blocks:
        guarded = _NO_BREAK.sub(lambda m: m.group(0)[:-1] + _DOT, block)
        for part in _SPLIT.split(guarded):
            part = part.replace(_DOT, ".").strip()
            if part:
                out.append(Sentence(part, line))
    return out


NL_WORDS = frozenset(
    "de het een en van je jouw wij is voor met op niet zijn worden gegevens deze die dat ons onze".split()
)
EN_WORDS = frozenset("the and of to you your we is for with on not are be data this that our us".split())


def detect_language(sentences: list[Sentence]) -> str | None:
    """'nl' or 'en', by counting common words of each language; None when it is neither."""
    tokens = [t for s in sentences for t in re.findall(r"[a-zà-ÿ]+", s.text.lower())]
    nl = sum(t in NL_WORDS for t in tokens)
    en = sum(t in EN_WORDS for t in tokens)
    if nl + en < max(3, len(tokens) // 20):  # ordinary Dutch or English prose is far above 1 in 20
        return None
    return "en" if en > nl else "nl"


def read_statement(path: Path) -> tuple[str, list[Sentence]]:
    """The format of `path` and its sentences."""
    text = read_text(path)
    fmt = detect_format(path, text)
    sentences = split_sentences(text_blocks(text, fmt))
    if not sentences:
        raise UnusableInput(f"{path} holds no text", hint="give a file that holds the privacy statement")
    return fmt, sentences
