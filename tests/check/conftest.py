"""Ocqto's demo data, made clean the way a careful owner keeps it: retention ran, owners use a
second factor, a backup was made today. Tests plant one violation each on top."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from privacydesk import auth, backup
from privacydesk import demo as demo_package
from privacydesk.check import CheckReport, run_checks
from privacydesk.config import Settings
from privacydesk.consent.keys import bind_settings
from privacydesk.demo import DemoContext
from privacydesk.keyfile import load_master_key
from privacydesk.register.service import current_register
from privacydesk.retention.run import run_retention
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.core import StaffUser

TODAY = date.today()
# The demo's request queue shows every state on purpose, an overdue request among them: it is a
# planted violation of its own (see test_full_demo), as is the e-mail with a BSN (demo/findings.py):
# the clean demo leaves both out.
NOT_CLEAN = {"requests", "findings"}


def seed_clean(ctx: DemoContext) -> None:
    """Every demo seeder, in order, except those that plant problems on purpose."""
    names = [m.name for m in pkgutil.iter_modules(demo_package.__path__) if m.name not in NOT_CLEAN]
    modules = sorted((importlib.import_module(f"privacydesk.demo.{n}") for n in names), key=lambda m: m.ORDER)
    for module in modules:
        module.seed(ctx)


def _enrol_second_factor(db: Database) -> None:
    with db.session_scope() as session:
        for user in session.execute(select(StaffUser)).scalars():
            if auth.Role(user.role) in auth.ROLES_NEEDING_TOTP:
                secret = auth.begin_totp_enrolment(session, user=user)
                code = pyotp.TOTP(secret).now()
                auth.check_second_factor(session, user=user, code=code, used=auth.TotpReplayGuard())


@dataclass(frozen=True)
class Demo:
    db: Database
    settings: Settings

    def check(self, **kwargs: object) -> CheckReport:
        with self.db.session_scope() as session:
            bind_settings(session, self.settings)
            register = kwargs.pop("register", None) or current_register(session)[1]
            return run_checks(session, register=register, today=TODAY, settings=self.settings, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def demo(loaded_db: Database, settings: Settings, tmp_path: Path) -> Demo:
    with loaded_db.session_scope() as session:
        bind_settings(session, settings)
        _, register = current_register(session)
        seed_clean(DemoContext(session=session, settings=settings, register=register, today=TODAY))
    run_retention(loaded_db, keyring=Keyring.from_settings(settings), today=TODAY, actor="test")
    _enrol_second_factor(loaded_db)
    backup.backup_database(
        loaded_db,
        master_key=load_master_key(settings),
        out=tmp_path / "backup.pdbk",
        erasure_log=backup.erasure_log_path(settings),
        actor="test",
    )
    return Demo(loaded_db, settings)


def failed(report: CheckReport) -> dict[str, list[dict[str, object]]]:
    """The failed checks by key, each with its violations' evidence."""
    return {r.key: [v.evidence for v in r.violations] for r in report.failed}
