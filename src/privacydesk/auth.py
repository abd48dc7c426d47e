"""Staff accounts: roles and what each may do, argon2id passwords, browser sessions and API tokens.

Secrets (session cookies, API tokens) are random 256-bit values; only their SHA-256 is stored, so a
copy of the database lets nobody log in.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import NotFound, Refused, UnusableInput
from privacydesk.store.base import utcnow
from privacydesk.store.models.core import ApiToken, StaffUser, WebSession

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 12
TOTP_ISSUER = "privacydesk"
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class Role(StrEnum):
    OWNER = "owner"
    PRIVACY_OFFICER = "privacy-officer"
    STAFF = "staff"
    AUDITOR = "auditor"


class Permission(StrEnum):
    VIEW_PERSONAL_DATA = "view_personal_data"
    EDIT_PERSONAL_DATA = "edit_personal_data"
    HANDLE_REQUESTS = "handle_requests"
    VIEW_REGISTER = "view_register"
    CHANGE_REGISTER = "change_register"
    VIEW_AUDIT = "view_audit"
    VIEW_REPORTS = "view_reports"
    DESTROY_KEYS = "destroy_keys"
    PLACE_HOLD = "place_hold"
    LIFT_HOLD = "lift_hold"
    MANAGE_USERS = "manage_users"
    RUN_RETENTION = "run_retention"
    MANAGE_BREACHES = "manage_breaches"


_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: _ALL,
    Role.PRIVACY_OFFICER: _ALL,
    # Staff do the daily work but cannot destroy keys, change the register or lift a hold.
    Role.STAFF: frozenset(
        {
            Permission.VIEW_PERSONAL_DATA,
            Permission.EDIT_PERSONAL_DATA,
            Permission.HANDLE_REQUESTS,
            Permission.VIEW_REGISTER,
            Permission.PLACE_HOLD,
        }
    ),
    # Auditors read the register, the audit log and reports, never personal data.
    Role.AUDITOR: frozenset({Permission.VIEW_REGISTER, Permission.VIEW_AUDIT, Permission.VIEW_REPORTS}),
}
ROLES_NEEDING_TOTP = frozenset({Role.OWNER, Role.PRIVACY_OFFICER})


def can(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def actor_of(user: StaffUser) -> str:
    """How a staff member appears in the audit log: by id, never by e-mail."""
    return f"user:{user.id}"


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise UnusableInput(
            f"unknown role '{value}'", hint="use one of " + ", ".join(r.value for r in Role)
        ) from None


def _normalise_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise UnusableInput(
            "that is not a valid e-mail address", hint="give the staff member's work e-mail"
        ) from None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Refused("the password is too short", hint=f"use at least {MIN_PASSWORD_LENGTH} characters")


def add_user(session: Session, *, email: str, role: Role, password: str, actor: str) -> StaffUser:
    """Create a staff account; refuses a second account with the same e-mail."""
    address = _normalise_email(email)
    _check_password(password)
    if session.execute(select(StaffUser.id).where(StaffUser.email == address)).first():
        raise Refused("a staff account with that e-mail already exists")
    user = StaffUser(email=address, role=role.value, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    audit.record(
        session,
        action=audit.Action.USER_ADDED,
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"role": role.value},
    )
    return user


def find_user(session: Session, *, email: str) -> StaffUser | None:
    return session.execute(
        select(StaffUser).where(StaffUser.email == email.strip().lower())
    ).scalar_one_or_none()


def set_password(session: Session, *, user: StaffUser, password: str, actor: str) -> None:
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until = 0, None
    audit.record(
        session,
        action=audit.Action.USER_CHANGED,
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"changed": "password"},
    )


class LoginFailed(Refused):
    """Wrong e-mail, wrong password, locked or disabled: one message for all, so nothing leaks."""

    def __init__(self) -> None:
        super().__init__("login failed: wrong e-mail or password, or the account is locked")


def authenticate(session: Session, *, email: str, password: str, now: datetime | None = None) -> StaffUser:
    """Check a password; counts failures and locks the account after MAX_FAILED_LOGINS."""
    now = now or utcnow()
    user = find_user(session, email=email)
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time as a real check
        audit.record(
            session,
            action=audit.Action.LOGIN_FAILED,
            actor="anonymous",
            details={"reason": "unknown"},
        )
        raise LoginFailed()
    if user.locked_until and user.locked_until > now:
        audit.record(
            session,
            action=audit.Action.LOGIN_FAILED,
            actor=actor_of(user),
            details={"reason": "locked"},
        )
        raise LoginFailed()
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        _count_failure(session, user, now)
        raise LoginFailed() from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until = 0, None
    return user


def _count_failure(session: Session, user: StaffUser, now: datetime, reason: str = "password") -> None:
    user.failed_logins += 1
    audit.record(
        session,
        action=audit.Action.LOGIN_FAILED,
        actor=actor_of(user),
        details={"reason": reason},
    )
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
        audit.record(
            session,
            action=audit.Action.ACCOUNT_LOCKED,
            actor="system",
            target_type="user",
            target_id=user.id,
        )


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued secret: shown once, never stored in the clear."""

    token: ApiToken
    secret: str


def create_api_token(
    session: Session,
    *,
    user: StaffUser,
    name: str,
    role: Role | None = None,
    expires_at: datetime | None = None,
    actor: str,
) -> IssuedToken:
    """Issue a token for scripts, scoped to `role` (never above the owner's own)."""
    scope = role or Role(user.role)
    if not ROLE_PERMISSIONS[scope] <= ROLE_PERMISSIONS[Role(user.role)]:
        raise Refused(f"a {user.role} cannot issue a token with the {scope.value} role")
    secret = "pd_" + secrets.token_urlsafe(32)
    token = ApiToken(
        token_hash=sha256_hex(secret),
        prefix=secret[:10],
        name=name[:100],
        user_id=user.id,
        role=scope.value,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        action=audit.Action.TOKEN_CREATED,
        actor=actor,
        target_type="api_token",
        target_id=token.id,
        details={"role": scope.value},
    )
    return IssuedToken(token, secret)


def verify_api_token(
    session: Session, *, secret: str, now: datetime | None = None
) -> tuple[StaffUser, Role] | None:
    """The user and role behind a bearer token, or None when it is unknown, revoked or expired."""
    now = now or utcnow()
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == sha256_hex(secret))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    user = session.get(StaffUser, token.user_id)
    if user is None or not user.active:
        return None
    token.last_used_at = now
    return user, Role(token.role)


def revoke_api_token(session: Session, *, token_id: int, actor: str) -> None:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("no such token")
    token.revoked_at = utcnow()
    audit.record(
        session,
        action=audit.Action.TOKEN_REVOKED,
        actor=actor,
        target_type="api_token",
        target_id=token_id,
    )


@dataclass(frozen=True)
class StartedSession:
    session: WebSession
    cookie_value: str


def start_session(session: Session, *, user: StaffUser, second_factor_done: bool) -> StartedSession:
    value = secrets.token_urlsafe(32)
    web = WebSession(
        token_hash=sha256_hex(value),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        second_factor_done=second_factor_done,
    )
    session.add(web)
    session.flush()
    return StartedSession(web, value)


def resume_session(
    session: Session, *, cookie_value: str, idle: timedelta, now: datetime | None = None
) -> tuple[WebSession, StaffUser] | None:
    """The live session behind a cookie; ends it when it has been idle longer than `idle`."""
    now = now or utcnow()
    web = session.execute(
        select(WebSession).where(WebSession.token_hash == sha256_hex(cookie_value))
    ).scalar_one_or_none()
    if web is None or web.ended_at is not None:
        return None
    if now - web.last_seen_at > idle:
        web.ended_at = now
        return None
    user = session.get(StaffUser, web.user_id)
    if user is None or not user.active:
        return None
    web.last_seen_at = now
    return web, user


def end_session(session: Session, *, web: WebSession, actor: str) -> None:
    web.ended_at = utcnow()
    audit.record(session, action=audit.Action.LOGOUT, actor=actor)


def list_api_tokens(session: Session, *, user_id: int | None = None) -> list[ApiToken]:
    """Tokens, newest first; only `user_id`'s when given."""
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.execute(query).scalars())


def list_users(session: Session) -> list[StaffUser]:
    return list(session.execute(select(StaffUser).order_by(StaffUser.id)).scalars())


# --- two-factor login (TOTP, RFC 6238) ---------------------------------------------------------


def needs_totp(user: StaffUser) -> bool:
    """Owners and privacy officers must log in with a code; others may choose to."""
    return Role(user.role) in ROLES_NEEDING_TOTP or user.totp_confirmed


def begin_totp_enrolment(session: Session, *, user: StaffUser) -> str:
    """A fresh secret for an account that has not confirmed one yet (kept until confirmed)."""
    if user.totp_confirmed:
        raise Refused("two-factor login is already set up for this account")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        session.flush()
    return user.totp_secret


def totp_uri(user: StaffUser, *, issuer: str = TOTP_ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    if not user.totp_secret:
        raise Refused("no two-factor secret to show")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def totp_counter(secret: str, code: str, *, now: datetime, last_counter: int | None = None) -> int | None:
    """The time step `code` belongs to (now or one step either side), or None when it is wrong
    or was already used (a code is good once: `last_counter` is the step used before)."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for counter in (step - 1, step, step + 1):
        if secrets.compare_digest(totp.generate_otp(counter), code):
            return None if last_counter is not None and counter <= last_counter else counter
    return None


def check_second_factor(
    session: Session, *, user: StaffUser, code: str, used: TotpReplayGuard, now: datetime | None = None
) -> None:
    """Accept a code for `user` (confirming enrolment on first use), or count a failure."""
    now = now or utcnow()
    if not user.active or not user.totp_secret or (user.locked_until and user.locked_until > now):
        raise LoginFailed()
    counter = totp_counter(user.totp_secret, code, now=now, last_counter=used.last(user.id))
    if counter is None:
        _count_failure(session, user, now, reason="code")
        raise Refused("that code is not right; use the newest code from your authenticator app")
    used.remember(user.id, counter)
    user.failed_logins = 0
    if not user.totp_confirmed:
        user.totp_confirmed = True
        audit.record(
            session,
            action=audit.Action.TOTP_ENROLLED,
            actor=actor_of(user),
            target_type="user",
            target_id=user.id,
        )


def reset_totp(session: Session, *, user: StaffUser, actor: str) -> None:
    """Forget an account's authenticator (lost phone); it enrols again at its next login."""
    user.totp_secret, user.totp_confirmed = None, False
    audit.record(
        session,
        action=audit.Action.USER_CHANGED,
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"changed": "two_factor_reset"},
    )


def unlock_user(session: Session, *, user: StaffUser, actor: str) -> None:
    """Lift a lock from failed logins before it runs out."""
    user.failed_logins, user.locked_until = 0, None
    audit.record(
        session,
        action=audit.Action.USER_CHANGED,
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"changed": "unlocked"},
    )


def disable_user(session: Session, *, user: StaffUser, actor: str) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    if actor == actor_of(user):
        raise Refused("you cannot disable your own account", hint="ask another owner or privacy officer")
    user.active = False
    audit.record(
        session, action=audit.Action.USER_DISABLED, actor=actor, target_type="user", target_id=user.id
    )


def finish_login(session: Session, *, pending: WebSession, user: StaffUser) -> StartedSession:
    """After the second factor: end the half-logged-in session and start a full one with a new
    cookie (so a cookie planted before login is worth nothing)."""
    pending.ended_at = utcnow()
    started = start_session(session, user=user, second_factor_done=True)
    audit.record(session, action=audit.Action.LOGIN_SUCCEEDED, actor=actor_of(user))
    return started


def resume_pending_session(
    session: Session, *, cookie_value: str, idle: timedelta, now: datetime | None = None
) -> tuple[WebSession, StaffUser] | None:
    """A session that passed the password but still waits for its code."""
    resumed = resume_session(session, cookie_value=cookie_value, idle=idle, now=now)
    if resumed is None or resumed[0].second_factor_done:
        return None
    return resumed


class TotpReplayGuard:
    """The last time step each account used, so a code observed once cannot log in again."""

    def __init__(self) -> None:
        self._last: dict[int, int] = {}
        self._lock = threading.Lock()

    def last(self, user_id: int) -> int | None:
        with self._lock:
            return self._last.get(user_id)

    def remember(self, user_id: int, counter: int) -> None:
        with self._lock:
            self._last[user_id] = max(counter, self._last.get(user_id, counter))


# --- login throttling -----------------------------------------------------------------------------


@dataclass
class LoginThrottle:
    """At most `limit` login attempts per key (a client address, an e-mail) in `window`.

    Complements the account lock: the lock stops guessing one password; this stops one address
    trying many accounts, and slows guessing before the lock. Kept in memory: privacydesk runs as
    one process; several instances each keep their own count, which only makes the limit looser.
    """

    limit: int = 10
    window: timedelta = timedelta(minutes=5)
    _hits: dict[str, deque[datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, key: str, *, now: datetime) -> bool:
        """Count one attempt for `key`; False when it is over the limit."""
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True
