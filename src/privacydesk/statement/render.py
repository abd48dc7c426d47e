"""Render the privacy statement from the register: Markdown, a standalone HTML page, and PDF.

One Jinja2 template per language holds the prose; a small "writer" per format says how a
paragraph, list, table or link looks. So Markdown and HTML always say the same thing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from privacydesk.errors import UnusableInput
from privacydesk.register.load import LoadedRegister
from privacydesk.register.model import Register
from privacydesk.register.rules import check_register, has_errors
from privacydesk.register.service import RegisterHasErrors
from privacydesk.statement import words
from privacydesk.statement.view import build_view

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("md", "html", "pdf")
# General advice on managing cookies in a browser (a Dutch government-backed consumer site).
COOKIE_INFO_URL = "https://veiliginternetten.nl/themes/situatie/cookies-wat-zijn-het-en-wat-doe-ik-ermee/"
TITLE = {"nl": "Privacyverklaring", "en": "Privacy statement"}
_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>')


@dataclass(frozen=True)
class Meta:
    """What identifies one rendering: the version label and the date it takes effect."""

    version: str
    effective_date: date

    def line(self, lang: str) -> str:
        day = words.long_date(self.effective_date, lang)
        if lang == "en":
            return f"Version {self.version} · effective {day}"
        return f"Versie {self.version} · geldig vanaf {day}"


def meta_of(reg: Register) -> Meta:
    """The meta of a render straight from the register (not yet published)."""
    return Meta(reg.statement_version, reg.effective_date)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UnusableInput(f"unknown format '{fmt}'", hint="use one of: " + ", ".join(FORMATS))
    return fmt


def refuse_errors(loaded: LoadedRegister) -> Register:
    """The register, if `register check` finds no errors in it; otherwise refuse with each error."""
    findings = check_register(loaded)
    if has_errors(findings):
        raise RegisterHasErrors(loaded, findings)
    return loaded.register


def _squash(value: Any) -> Any:
    text = " ".join(str(value).split())
    return Markup(text) if isinstance(value, Markup) else text


@cache
def environment(fmt: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do"],
        keep_trailing_newline=True,
    )
    env.filters["squash"] = _squash
    env.globals["long_date"] = words.long_date
    return env


def render_body(reg: Register, lang: str, fmt: str) -> str:
    """The nine articles (without title or version) in `fmt` ('md' or 'html')."""
    words.check_language(lang)
    env = environment(fmt)
    template = env.get_template(f"{lang}/statement.j2")
    text = template.render(
        v=build_view(reg, lang),
        reg=reg,
        c=reg.controller,
        writer=f"writer_{fmt}.j2",
        cookie_info_url=COOKIE_INFO_URL,
        country=words.country_name(reg.controller.address.country, lang),
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def content_hash(reg: Register) -> str:
    """A fingerprint of what the statement says, in every language, apart from its version line."""
    digest = hashlib.sha256()
    for lang in words.LANGUAGES:
        digest.update(render_body(reg, lang, "md").encode())
    return digest.hexdigest()


def title(reg: Register, lang: str) -> str:
    return f"{TITLE[lang]} {reg.controller.display_name}"


def markdown_document(doc_title: str, body_md: str, meta: Meta, lang: str) -> str:
    return f"# {doc_title}\n\n*{meta.line(lang)}*\n\n{body_md}"


def render_markdown(reg: Register, lang: str, meta: Meta | None = None) -> str:
    return markdown_document(title(reg, lang), render_body(reg, lang, "md"), meta or meta_of(reg), lang)


@cache
def stylesheet(primary_color: str = "#1f4e79") -> str:
    """The statement's stylesheet (screen, phone and print), in the business's colour."""
    css = (TEMPLATES / "statement.css").read_text(encoding="utf-8")
    return css.replace("--brand: #1f4e79", f"--brand: {primary_color}")


@dataclass(frozen=True)
class Page:
    """How to wrap a statement body into a standalone HTML page."""

    lang: str
    title: str
    meta: Meta
    brand: str
    css_href: str | None = None  # link to this stylesheet instead of embedding it
    links: tuple[tuple[str, str, str | None], ...] = ()  # (href, text, hreflang) in a top bar
    notice: str | None = None


def html_document(body_html: str, page: Page) -> str:
    """A standalone, accessible HTML page around a body made by `render_body(…, 'html')`."""
    toc = [(anchor, Markup(text)) for anchor, text in _H2.findall(body_html)]
    return (
        environment("html")
        .get_template("page.html.j2")
        .render(
            page=page,
            body=Markup(body_html),
            toc=toc,
            css=None if page.css_href else Markup(stylesheet(page.brand)),
        )
    )


def render_html(reg: Register, lang: str, meta: Meta | None = None) -> str:
    page = Page(lang, title(reg, lang), meta or meta_of(reg), reg.controller.branding.primary_color)
    return html_document(render_body(reg, lang, "html"), page)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a standalone page; page numbers and the version line come from its print CSS."""
    from weasyprint import HTML  # imported here: it takes a second to load

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf


def render(reg: Register, lang: str, fmt: str, meta: Meta | None = None) -> str | bytes:
    """The statement in `lang` and `fmt` (md, html: text; pdf: bytes)."""
    words.check_language(lang)
    check_format(fmt)
    if fmt == "md":
        return render_markdown(reg, lang, meta)
    page = render_html(reg, lang, meta)
    return page if fmt == "html" else html_to_pdf(page)
