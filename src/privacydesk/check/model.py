"""What the compliance check returns: one result per promise, each failure with evidence and a fix.

Evidence names ids, pseudonymous refs and counts only, never a name, address or value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from privacydesk.config import Settings
from privacydesk.register.model import Register


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    # The data to judge this promise is not kept (e.g. no cookie scan was ever run): said, not failed.
    NOT_CHECKED = "not_checked"


@dataclass(frozen=True)
class Violation:
    """One place where reality breaks a promise: what shows it, and what to do."""

    summary: str
    evidence: dict[str, Any]
    fix: str


@dataclass(frozen=True)
class Context:
    """What every check reads: the open session, the register the statement promises, the day."""

    session: Session
    register: Register
    today: date
    settings: Settings | None = None
    backup_max_age_days: int = 7


@dataclass(frozen=True)
class Check:
    """A promise of the statement and the function that looks for violations of it."""

    key: str
    article: str
    title: str
    promise: str
    find: Callable[[Context], list[Violation] | None]
    # Said when `find` returns None: why the promise could not be checked.
    unchecked: str = ""
    # Something worth knowing that does not break the promise (e.g. a register warning).
    note: Callable[[Context], str | None] | None = None


@dataclass(frozen=True)
class CheckResult:
    key: str
    article: str
    title: str
    promise: str
    outcome: Outcome
    violations: list[Violation] = field(default_factory=list)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "article": self.article,
            "title": self.title,
            "promise": self.promise,
            "outcome": self.outcome.value,
            "passed": self.outcome is not Outcome.FAIL,
            "note": self.note,
            "violations": [
                {"summary": v.summary, "evidence": v.evidence, "fix": v.fix} for v in self.violations
            ],
        }


@dataclass(frozen=True)
class CheckReport:
    """Every promise checked on `today`; `ok` only when none fails."""

    today: date
    register_version: int | None
    statement_version: int | None
    results: list[CheckResult]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if r.outcome is Outcome.FAIL]

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "ok": self.ok,
            "register_version": self.register_version,
            "statement_version": self.statement_version,
            "checks": len(self.results),
            "failed": len(self.failed),
            "results": [r.as_dict() for r in self.results],
        }
