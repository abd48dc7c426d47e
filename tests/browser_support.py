"""Real-browser and live-server helpers for tests: Debian's Chromium driven by Playwright, and
privacydesk served by uvicorn in a thread on a free loopback port.

Browser tests skip with a visible reason where Chromium or Playwright is missing; with
PRIVACYDESK_REQUIRE_BROWSER=1 (set by .ci/run) that skip is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from privacydesk.config import Settings
from privacydesk.store.db import Database
from privacydesk.web.app import create_app

CHROMIUM = os.environ.get("PRIVACYDESK_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _missing(what: str) -> None:
    if os.environ.get("PRIVACYDESK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} is required here (PRIVACYDESK_REQUIRE_BROWSER=1)")
    pytest.skip(f"{what} is not available on this machine")


@contextmanager
def chromium(**launch: Any) -> Iterator[Any]:
    """A headless Debian Chromium under Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        _missing(f"Chromium at {CHROMIUM}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **launch)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(settings: Settings, db: Database | None = None) -> Iterator[str]:
    """Serve privacydesk for `settings` on 127.0.0.1 in a thread; yields the base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, db), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Inject axe-core and return the serious and critical violations on the page."""
    if not AXE.exists():
        _missing(f"axe-core at {AXE} (run `npm install`)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in result if v.get("impact") in ("serious", "critical")]


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (kept by CI, looked at by people)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
