"""Which recipients received which of a person's categories (for art. 19 notices and processor tasks)."""

from __future__ import annotations

from collections.abc import Iterable

from privacydesk.register.model import Register


def received_by(register: Register, pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """recipient key -> categories it received, from (purpose, category) pairs of the person's records:
    a recipient received a category when a purpose holding it shares with that recipient and the
    recipient receives that category."""
    out: dict[str, set[str]] = {}
    for purpose_key, category in pairs:
        purpose = register.purpose(purpose_key)
        for key in purpose.recipients if purpose else []:
            recipient = register.recipient(key)
            if recipient and category in recipient.receives:
                out.setdefault(key, set()).add(category)
    return out
