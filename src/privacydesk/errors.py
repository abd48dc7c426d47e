"""The errors a user may see: each says what went wrong and what to do, never with personal data."""

from __future__ import annotations


class PrivacydeskError(Exception):
    """Base for every error meant for a user; `exit_code` follows the CLI convention."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  fix: {self.hint}"


class UnusableInput(PrivacydeskError):
    """A file, argument or value that cannot be read or parsed (exit 2)."""

    exit_code = 2


class Refused(PrivacydeskError):
    """An operation the rules do not allow, or findings that need fixing (exit 1)."""

    exit_code = 1


class NotFound(PrivacydeskError):
    """An id that matches nothing (exit 1). The message never says whether a person exists."""

    exit_code = 1


class InvalidTransition(Refused):
    """A state machine was asked for a step its transition table does not allow."""
