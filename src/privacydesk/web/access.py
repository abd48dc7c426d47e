"""Who may open each route. Every route declares a rule, so a test can walk the route table and
fail on a new route that has none (see tests/web/test_route_access.py).

- `public(fn)`: anyone, no login.
- `Depends(require(Permission.X))`: a logged-in staff member (session or API token) whose role has X.
- `Depends(require_login)`: any logged-in staff member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request, status

from privacydesk import audit
from privacydesk.auth import Permission, Role, can
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.core import StaffUser, WebSession

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC_MARK = "__privacydesk_public__"
PERMISSION_MARK = "__privacydesk_permission__"


def public(fn: F) -> F:
    """Mark a route as open to anyone."""
    setattr(fn, PUBLIC_MARK, True)
    return fn


@dataclass(frozen=True)
class Principal:
    """The staff member behind a request, and how they proved it."""

    user: StaffUser
    role: Role
    via: str  # "session" or "token"
    web_session: WebSession | None = None

    @property
    def actor(self) -> str:
        return f"user:{self.user.id}"


class LoginRequired(HTTPException):
    def __init__(self) -> None:
        super().__init__(status.HTTP_401_UNAUTHORIZED, "login required")


def current_principal(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise LoginRequired()
    assert isinstance(principal, Principal)
    return principal


def require_login(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    return principal


setattr(require_login, PERMISSION_MARK, "login")


def require(permission: Permission) -> Callable[..., Principal]:
    """A dependency that admits staff whose role has `permission`; others get 403, audited."""

    def dependency(
        request: Request, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if not can(principal.role, permission):
            db = request.app.state.db
            with db.session_scope() as session:
                audit.record(
                    session,
                    action=audit.Action.ACCESS_DENIED,
                    actor=principal.actor,
                    details={"permission": permission.value, "path": request.url.path},
                )
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role does not allow this")
        return principal

    setattr(dependency, PERMISSION_MARK, permission.value)
    dependency.__name__ = f"require_{permission.value}"
    return dependency


def keyring(request: Request) -> Keyring:
    """The master keyring, read once per app from the settings (key file or PRIVACYDESK_MASTER_KEY)."""
    ring = getattr(request.app.state, "keyring", None)
    if ring is None:
        ring = Keyring.from_settings(request.app.state.settings)
        request.app.state.keyring = ring
    assert isinstance(ring, Keyring)
    return ring


def audit_view(request: Request, principal: Principal, *, target_type: str, target_id: str) -> None:
    """Write that `principal` was shown personal data about a target (a page view, not a change)."""
    with request.app.state.db.session_scope() as session:
        audit.record(
            session,
            action=audit.Action.SUBJECT_VIEWED,
            actor=principal.actor,
            target_type=target_type,
            target_id=target_id,
            details={"page": request.url.path.split("/")[2] if request.url.path.count("/") > 1 else ""},
        )
