"""What changed between two registers, in words a business owner understands.

`compare(old, new)` lists each change (a recipient added, a retention period changed, a new cookie
that needs consent, …). A change is *material* when people must be asked again: a new purpose, a new
recipient, or a new cookie that needs consent (or an existing one that now needs it).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from privacydesk.register.model import Cookie, Purpose, Recipient, Register, TransferMechanism
from privacydesk.statement import words


@dataclass(frozen=True)
class Change:
    """One change, said plainly; `material` ones raise the consent revision."""

    kind: str
    text: str
    material: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _keyed(items: list[Any], key: Callable[[Any], str]) -> dict[str, Any]:
    return {key(item): item for item in items}


def _retention(reg: Register, key: str | None) -> str:
    rule = reg.retention_rule(key) if key else None
    if rule is None:
        return "none"
    text = rule.description.en if rule.description else words.duration_words(rule.duration, "en")
    return f"'{text.rstrip('.')}' ({rule.duration})"


def _names(reg: Register, keys: list[str], kind: str) -> str:
    found = [getattr(reg, kind)(k) for k in keys]
    return ", ".join(getattr(x.name, "en", x.name) if x else k for x, k in zip(found, keys, strict=True))


MECHANISM = {
    TransferMechanism.ADEQUACY: "an adequacy decision",
    TransferMechanism.EU_US_DPF: "the EU-US Data Privacy Framework",
    TransferMechanism.SCC: "standard contractual clauses",
    TransferMechanism.BCR: "binding corporate rules",
    TransferMechanism.DEROGATION: "an art. 49 derogation",
}


def _recipient_line(r: Recipient) -> str:
    where = words.country_name(r.country, "en")
    role = r.role.value.replace("_", " ")
    extra = ""
    if r.outside_eea and r.transfer_mechanism:
        countries = words.join_words([words.country_name(c, "en") for c in r.outside_eea], "en")
        extra = f"; data goes to {countries} under {MECHANISM[r.transfer_mechanism]}"
    return f"{r.name} ({role}, based in {where}{extra})"


def _cookie_line(c: Cookie) -> str:
    consent = "needs consent" if c.consent_required else "no consent needed"
    return f"{c.name} ({c.category.value.replace('_', ' ')}, {c.party} party, {c.lifetime}, {consent})"


def _purpose_changes(old: Register, new: Register, a: Purpose, b: Purpose) -> Iterator[Change]:
    name = b.name.en
    if a.legal_basis != b.legal_basis:
        was, now = (p.legal_basis.value if p.legal_basis else "none" for p in (a, b))
        yield Change("purpose.legal_basis", f"Legal basis of '{name}' changed: {was} → {now}", False)
    for field, kind, more, less in (
        ("categories", "category", "now also uses", "no longer uses"),
        ("recipients", "recipient", "is now also shared with", "is no longer shared with"),
    ):
        added = [k for k in getattr(b, field) if k not in getattr(a, field)]
        removed = [k for k in getattr(a, field) if k not in getattr(b, field)]
        if added:
            yield Change(f"purpose.{field}", f"'{name}' {more}: {_names(new, added, kind)}")
        if removed:
            yield Change(f"purpose.{field}", f"'{name}' {less}: {_names(old, removed, kind)}")
    was, now = _retention(old, a.retention), _retention(new, b.retention)
    if was != now:
        yield Change("purpose.retention", f"Retention for '{name}' changed: {was} → {now}")


def purpose_changes(old: Register, new: Register) -> Iterator[Change]:
    before, after = _keyed(old.purposes, lambda p: p.key), _keyed(new.purposes, lambda p: p.key)
    for key, p in after.items():
        if key not in before:
            basis = p.legal_basis.value if p.legal_basis else "no legal basis"
            yield Change("purpose.added", f"New purpose: '{p.name.en}' ({basis})", material=True)
        else:
            yield from _purpose_changes(old, new, before[key], p)
    for key, p in before.items():
        if key not in after:
            yield Change("purpose.removed", f"Purpose removed: '{p.name.en}'")


def recipient_changes(old: Register, new: Register) -> Iterator[Change]:
    before, after = _keyed(old.recipients, lambda r: r.key), _keyed(new.recipients, lambda r: r.key)
    for key, r in after.items():
        if key not in before:
            yield Change("recipient.added", f"New recipient: {_recipient_line(r)}", material=True)
        elif _recipient_line(before[key]) != _recipient_line(r):
            yield Change(
                "recipient.changed",
                f"Recipient changed: {_recipient_line(before[key])} → {_recipient_line(r)}",
            )
        elif before[key].privacy_url != r.privacy_url:
            yield Change("recipient.link", f"Privacy-statement link of {r.name} changed: {r.privacy_url}")
    for key, r in before.items():
        if key not in after:
            yield Change("recipient.removed", f"Recipient removed: {r.name}")


def cookie_changes(old: Register, new: Register) -> Iterator[Change]:
    before, after = _keyed(old.cookies, lambda c: c.name), _keyed(new.cookies, lambda c: c.name)
    for name, c in after.items():
        was = before.get(name)
        if was is None:
            kind = "New cookie that needs consent" if c.consent_required else "New cookie"
            yield Change("cookie.added", f"{kind}: {_cookie_line(c)}", material=c.consent_required)
        elif _cookie_line(was) != _cookie_line(c):
            newly = c.consent_required and not was.consent_required
            yield Change("cookie.changed", f"Cookie changed: {_cookie_line(was)} → {_cookie_line(c)}", newly)
    for name in before:
        if name not in after:
            yield Change("cookie.removed", f"Cookie removed: {name}")


def category_changes(old: Register, new: Register) -> Iterator[Change]:
    before, after = _keyed(old.categories, lambda c: c.key), _keyed(new.categories, lambda c: c.key)
    for key, c in after.items():
        if key not in before:
            yield Change("category.added", f"New kind of personal data: {c.name.en}")
    for key, c in before.items():
        if key not in after:
            yield Change("category.removed", f"No longer processed: {c.name.en}")


def contact_changes(old: Register, new: Register) -> Iterator[Change]:
    """Addresses and terms people rely on to reach the business or exercise their rights."""
    fields: dict[str, Callable[[Register], str]] = {
        "controller address": lambda r: (
            f"{r.controller.address.street}, {r.controller.address.postcode} {r.controller.address.city}"
        ),
        "controller e-mail": lambda r: r.controller.email,
        "controller phone": lambda r: r.controller.phone or "-",
        "privacy contact": lambda r: f"{r.controller.dpo.name} <{r.controller.dpo.email}>",
        "request address": lambda r: r.rights.request_email,
        "answer term": lambda r: r.rights.answer_term,
        "ID-copy redaction": lambda r: ", ".join(p.value for p in r.rights.identity.id_copy_redaction),
    }
    for label, get in fields.items():
        if get(old) != get(new):
            yield Change("contact.changed", f"{label.capitalize()} changed: {get(old)} → {get(new)}")


def compare(old: Register, new: Register) -> list[Change]:
    """Every change from `old` to `new`, material ones first."""
    changes = [
        *purpose_changes(old, new),
        *recipient_changes(old, new),
        *cookie_changes(old, new),
        *category_changes(old, new),
        *contact_changes(old, new),
    ]
    return sorted(changes, key=lambda c: not c.material)


def text_diff(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    """A unified line diff of two renderings (the words, for whoever wants them)."""
    return list(difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm=""))
