"""The banner's size budget: script and stylesheet together at most 6 KB gzipped (the build fails above)."""

from __future__ import annotations

import gzip

from privacydesk.consent import banner

BUDGET = 6 * 1024


def gzipped(text: str) -> int:
    return len(gzip.compress(text.encode(), compresslevel=9))


def test_the_banner_script_and_stylesheet_fit_in_6_kb_gzipped() -> None:
    script = banner.script_source()
    assert gzipped(script + banner.stylesheet()) <= BUDGET


def test_the_served_script_with_ocqtos_register_still_fits(client) -> None:  # type: ignore[no-untyped-def]
    served = client.get("/consent.js").text + client.get("/consent.css").text
    assert gzipped(served) <= BUDGET
