"""The cookie banner's gzipped size (script + stylesheet), against the 6 KB budget of issue 6."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from bench import Result
from privacydesk.config import Settings
from privacydesk.consent import banner
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version
from privacydesk.store.db import Database, migrate

NAME = "banner_size"
DESCRIPTION = "consent.js + consent.css gzipped (level 9): as shipped, and as served with Ocqto's register."
BUDGET = 6 * 1024
OCQTO = Path(__file__).resolve().parents[1] / "examples" / "ocqto" / "register.yaml"


def _gz(text: str) -> int:
    return len(gzip.compress(text.encode(), compresslevel=9))


def _served() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(db)
        with db.session_scope() as session:
            store_register_version(session, loaded=load_register(OCQTO), actor="bench")
            ctx = banner.banner_context(session, settings=Settings(database_url=db.url))
        db.dispose()
    return banner.script(ctx, gpc=False) + banner.stylesheet()


def run(quick: bool = False) -> list[Result]:
    script = banner.script_source()
    shipped = _gz(script + banner.stylesheet())
    served = _gz(_served())
    return [
        Result("script + CSS as served, gzipped", shipped, "bytes", "≤ 6,144 bytes", shipped <= BUDGET),
        Result("served with Ocqto's register, gzipped", served, "bytes", "≤ 6,144 bytes", served <= BUDGET),
        Result("script + CSS, raw", len(script) + len(banner.stylesheet()), "bytes"),
    ]
