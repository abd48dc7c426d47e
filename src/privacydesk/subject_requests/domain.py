"""What a request is: its kinds (with their GDPR articles), its channels and its status machine."""

from __future__ import annotations

from enum import StrEnum

from privacydesk.errors import InvalidTransition, UnusableInput


class RequestKind(StrEnum):
    """The rights a person can invoke; one request may combine several."""

    description: str
    article: str

    def __new__(cls, value: str, article: str, description: str) -> RequestKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.article = article
        member.description = description
        return member

    ACCESS = "access", "GDPR art. 15", "A copy of all data held, and what is done with it."
    RECTIFICATION = "rectification", "GDPR art. 16", "Correct data that is wrong or incomplete."
    ERASURE = "erasure", "GDPR art. 17", "Delete the data, except what the law requires to keep."
    RESTRICTION = "restriction", "GDPR art. 18", "Stop using the data while a question is settled."
    PORTABILITY = (
        "portability",
        "GDPR art. 20",
        "The data provided, as a file, to the person or another party.",
    )
    OBJECTION = "objection", "GDPR art. 21", "Stop a use based on legitimate interest or direct marketing."
    CONSENT_WITHDRAWAL = "consent_withdrawal", "GDPR art. 7(3)", "Withdraw every consent given."


class Status(StrEnum):
    """Where a request stands. `draft` is a request recognised in e-mail, not yet confirmed by staff."""

    DRAFT = "draft"
    RECEIVED = "received"
    AWAITING_IDENTITY = "awaiting_identity"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    REFUSED = "refused"
    CLOSED = "closed"


class Channel(StrEnum):
    PORTAL = "portal"
    EMAIL = "email"
    STAFF = "staff"
    API = "api"
    OPENDSR = "opendsr"


ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.RECEIVED, Status.CLOSED}),
    Status.RECEIVED: frozenset({Status.AWAITING_IDENTITY, Status.VERIFIED, Status.REFUSED}),
    Status.AWAITING_IDENTITY: frozenset({Status.VERIFIED, Status.REFUSED}),
    Status.VERIFIED: frozenset({Status.IN_PROGRESS, Status.ANSWERED, Status.REFUSED}),
    Status.IN_PROGRESS: frozenset({Status.ANSWERED, Status.REFUSED}),
    Status.ANSWERED: frozenset({Status.CLOSED}),
    Status.REFUSED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.AWAITING_IDENTITY, Status.VERIFIED, Status.IN_PROGRESS})
#: Statuses in which the legal clock runs: a draft is a request that arrived by e-mail, so its clock
#: runs from that day even before staff confirm it.
CLOCK_RUNNING = OPEN_STATUSES | {Status.DRAFT}


_KINDS = {k.value: k for k in RequestKind}


def check_transition(current: str, target: Status) -> None:
    """Raise InvalidTransition unless the table allows `current` → `target`."""
    if target not in ALLOWED_TRANSITIONS[Status(current)]:
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[Status(current)])) or "nothing (it is closed)"
        raise InvalidTransition(
            f"a request that is {current} cannot become {target}",
            hint=f"from {current} it can become: {allowed}",
        )


def parse_kinds(values: list[str]) -> list[RequestKind]:
    """The kinds named in `values` (each once, in order); refuses an empty or unknown kind."""
    if not values:
        raise UnusableInput("a request needs at least one type", hint="--type access (or erasure, …)")
    kinds: list[RequestKind] = []
    for value in values:
        kind = _KINDS.get(value.strip().lower().replace("-", "_"))
        if kind is None:
            raise UnusableInput(
                f"unknown request type '{value}'",
                hint="use one of " + ", ".join(k.value for k in RequestKind),
            )
        if kind not in kinds:
            kinds.append(kind)
    return kinds
