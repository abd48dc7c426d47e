"""Risk assessment of a breach, pure: must the AP be told (art. 33), must the people be told (art. 34)?

The rules follow the EDPB guidelines 9/2022 in short: a breach is notified to the authority unless it
is unlikely to result in a risk (e.g. the data was encrypted and the key is safe, or only availability
was lost briefly with nothing lost); people are told when the risk is high — financial data,
identity documents or national ID numbers, special categories, or many people — unless encryption
makes the data unintelligible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from privacydesk.register.model import Register, Sensitivity

NOTIFY_WITHIN = timedelta(hours=72)
MANY_PEOPLE = 100
NATURES = ("confidentiality", "integrity", "availability")


@dataclass(frozen=True)
class Assessment:
    """The advice, with every reason in words an owner understands."""

    notify_ap: bool
    notify_people: bool
    deadline: datetime
    reasons: list[str] = field(default_factory=list)


def _sensitive(register: Register, categories: list[str]) -> list[str]:
    found = []
    for key in categories:
        cat = register.category(key)
        if cat is not None and (cat.sensitivity != Sensitivity.NORMAL or key == "id_document"):
            found.append(cat.name.en)
    return found


def assess(
    register: Register,
    *,
    nature: list[str],
    categories: list[str],
    people: int,
    encrypted: bool,
    aware_at: datetime,
) -> Assessment:
    """Whether to notify the AP (within 72 hours of awareness) and the people affected."""
    reasons: list[str] = []
    deadline = aware_at + NOTIFY_WITHIN
    if encrypted:
        reasons.append("the data was encrypted and the key was not compromised: unlikely to result in a risk")
        return Assessment(False, False, deadline, reasons)
    if nature == ["availability"]:
        reasons.append(
            "only availability was affected: notify the AP only if it was lost or long unavailable"
        )
        return Assessment(False, False, deadline, reasons)
    reasons.append("personal data was disclosed or changed: a risk to the people cannot be ruled out")
    sensitive = _sensitive(register, categories)
    high = bool(sensitive) or people >= MANY_PEOPLE
    if sensitive:
        reasons.append("sensitive data involved (" + ", ".join(sensitive) + "): a high risk for the people")
    if people >= MANY_PEOPLE:
        reasons.append(f"{people} people affected: a high risk at this scale")
    return Assessment(True, high, deadline, reasons)
