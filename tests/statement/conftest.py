"""Helpers for the statement tests: Ocqto's register text, and variants of it with one change."""

from __future__ import annotations

from pathlib import Path

REGISTER_TEXT = (
    Path(__file__).resolve().parents[1].parent / "examples" / "ocqto" / "register.yaml"
).read_text()
MAILCHIMP = """  - key: mailchimp
    name: Mailchimp
    role: processor
    receives: [name, email]
    dpa: {reference: Mailchimp Data Processing Addendum}
    privacy_url: https://mailchimp.com/legal/privacy/
    country: US
    transfer_mechanism: eu_us_dpf
"""


def ocqto_with(*, recipient: bool = False, retention: bool = False, cookie: str | None = None) -> str:
    """Ocqto's register text with a change: a new recipient for the newsletter, a longer fiscal term,
    or a new cookie (`consent` or `no_consent`)."""
    text = REGISTER_TEXT
    if recipient:
        text = text.replace("  - key: manychat\n", MAILCHIMP + "  - key: manychat\n")
        text = text.replace("recipients: [manychat, webhost]", "recipients: [manychat, webhost, mailchimp]")
    if retention:
        text = text.replace("duration: P7Y", "duration: P10Y").replace("7 jaar na", "10 jaar na")
        text = text.replace("7 years after", "10 years after")
    if cookie is not None:
        text = text.replace(
            "\nrights:\n",
            f"""  - name: test_{cookie}
    provider: www.ocqto.nl
    category: {"analytics" if cookie == "consent" else "functional"}
    purpose: {{nl: Een test., en: A test.}}
    lifetime: P1M
    consent_required: {"true" if cookie == "consent" else "false"}

rights:
""",
        )
    return text
