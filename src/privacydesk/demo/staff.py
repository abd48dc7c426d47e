"""Demo staff: one account per role, with passwords printed for the person trying the demo."""

from __future__ import annotations

from privacydesk import auth
from privacydesk.demo import DemoContext

ORDER = 0
DEMO_PASSWORD = "demo-password-2026"
STAFF = (
    ("owner@ocqto.example", auth.Role.OWNER),
    ("privacy@ocqto.example", auth.Role.PRIVACY_OFFICER),
    ("staff@ocqto.example", auth.Role.STAFF),
    ("auditor@ocqto.example", auth.Role.AUDITOR),
)


def seed(ctx: DemoContext) -> None:
    for email, role in STAFF:
        user = auth.add_user(ctx.session, email=email, role=role, password=DEMO_PASSWORD, actor=ctx.actor)
        ctx.shared.setdefault("staff", {})[role.value] = user.id
    ctx.notes.append(f"staff logins (password {DEMO_PASSWORD}): " + ", ".join(e for e, _ in STAFF))
