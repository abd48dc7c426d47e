"""A small website for the banner and scanner tests, served on loopback, and register variants."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from privacydesk.register.load import load_register_text
from privacydesk.register.service import store_register_version
from privacydesk.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
OCQTO = ROOT / "examples" / "ocqto" / "register.yaml"
Page = tuple[str, str]  # (content type, body)

YOUTUBE_COOKIE = {
    "name": "VISITOR_INFO1_LIVE",
    "provider": "YouTube (Google)",
    "category": "marketing",
    "purpose": {"nl": "Ingesloten video's van YouTube.", "en": "Videos embedded from YouTube."},
    "lifetime": "P6M",
    "party": "third",
    "consent_required": True,
}


def register_text(
    *, consent_revision: int = 1, marketing: bool = True, changes: dict[str, Any] | None = None
) -> str:
    """Ocqto's register, with a YouTube cookie (marketing) and the given consent revision."""
    data = yaml.safe_load(OCQTO.read_text())
    data["consent_revision"] = consent_revision
    if marketing:
        data["cookies"].append(YOUTUBE_COOKIE)
    data.update(changes or {})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def load_variant(db: Database, **kwargs: Any) -> None:
    """Put a register variant in force."""
    loaded = load_register_text(register_text(**kwargs), "variant.yaml")
    with db.session_scope() as session:
        store_register_version(session, loaded=loaded, actor="test")


def banner_page(privacydesk: str, *, lang: str = "nl") -> str:
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Ocqto Support</title>
<script src="{privacydesk}/consent.js"></script></head>
<body><main><h1>Ocqto Support</h1><p>Kantoorondersteuning voor zzp'ers.</p>
<p><a href="#cookie-settings">Cookie settings</a></p>
<script type="text/plain" data-category="analytics" src="/analytics.js"></script>
<iframe data-src="/embed.html" data-category="marketing" title="Video" width="320" height="180"></iframe>
<script type="text/plain" data-category="tracking">window.unknownRan = true</script>
</main></body></html>"""


ANALYTICS_JS = (
    "window.analyticsRan = true;"
    "document.cookie = '_pk_id.1.a1b2=visitor; Path=/; Max-Age=3600';"
    "document.cookie = '_pk_ses.1.a1b2=1; Path=/; Max-Age=1800';"
)
EMBED_HTML = "<!doctype html><title>video</title><p>video</p><script>parent.embedLoaded = true</script>"


def banner_site(privacydesk: str) -> dict[str, Page]:
    return {
        "/": ("text/html", banner_page(privacydesk)),
        "/en.html": ("text/html", banner_page(privacydesk, lang="en")),
        "/analytics.js": ("text/javascript", ANALYTICS_JS),
        "/embed.html": ("text/html", EMBED_HTML),
    }


@contextmanager
def serve_site(pages: dict[str, Page], host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `pages` (path → (type, body)) on a free loopback port; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            page = pages.get(self.path.split("?")[0])
            if page is None:
                self.send_error(404)
                return
            body = page[1].encode()
            self.send_response(200)
            self.send_header("Content-Type", page[0] + "; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            return

    server = ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _page(privacydesk: str, body: str, *, head: str = "") -> str:
    return f"""<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Ocqto</title>
<script src="{privacydesk}/consent.js"></script>{head}</head>
<body><nav><a href="/">Home</a> <a href="/diensten">Diensten</a> <a href="/contact#form">Contact</a>
<a href="https://elders.example/">elders</a></nav><main>{body}</main></body></html>"""


BLOCKED = """<script type="text/plain" data-category="analytics" src="/analytics.js"></script>"""


def clean_site(privacydesk: str) -> dict[str, Page]:
    """A site that keeps every promise: analytics and the video wait for consent."""
    video = '<iframe data-src="/embed.html" data-category="marketing" title="Video"></iframe>'
    return {
        "/": ("text/html", _page(privacydesk, "<h1>Welkom</h1>" + BLOCKED)),
        "/diensten": ("text/html", _page(privacydesk, "<h1>Diensten</h1>" + video)),
        "/contact": ("text/html", _page(privacydesk, "<h1>Contact</h1>")),
        "/analytics.js": ("text/javascript", ANALYTICS_JS),
        "/embed.html": ("text/html", EMBED_HTML),
    }


def bad_site(privacydesk: str, tracker: str, youtube: str) -> dict[str, Page]:
    """A site with planted violations, each on a known page."""
    # an undeclared cookie, and a declared analytics cookie set without asking
    home = "<h1>Welkom</h1><script>document.cookie='tracker_uid=42; Path=/';"
    home += "document.cookie='_pk_id.9.ff=1; Path=/'</script>"
    # a pixel from a third party that is not a recipient, and an undeclared localStorage key
    services = f'<h1>Diensten</h1><img src="{tracker}/pixel.gif" alt="">'
    services += "<script>localStorage.setItem('ad_profile', 'x')</script>"
    # a YouTube video loaded straight away: a tracker before consent
    contact = f'<h1>Contact</h1><iframe src="{youtube}/embed/x" title="Video"></iframe>'
    return {
        "/": ("text/html", _page(privacydesk, home)),
        "/diensten": ("text/html", _page(privacydesk, services)),
        "/contact": ("text/html", _page(privacydesk, contact)),
    }


def tracker_site() -> dict[str, Page]:
    return {"/pixel.gif": ("image/gif", "GIF89a")}


def youtube_site() -> dict[str, Page]:
    # No cookie planted here: over plain HTTP Chromium refuses cookies in a third-party frame
    # (SameSite=None needs Secure), so only the request itself can be the finding.
    return {"/embed/x": ("text/html", "<!doctype html><title>video</title><p>video</p>")}
