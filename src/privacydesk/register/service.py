"""Register versions in the database: store a checked register whole, read the one in force."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import NotFound, Refused
from privacydesk.register.load import LoadedRegister, load_register_text
from privacydesk.register.model import Register
from privacydesk.register.rules import Finding, check_register, has_errors
from privacydesk.store.models.core import RegisterVersion


class RegisterHasErrors(Refused):
    """A register with rule errors is never stored or rendered."""

    def __init__(self, loaded: LoadedRegister, findings: list[Finding]) -> None:
        lines = [
            f"{loaded.lines.where(f.path)}: {f.severity}: {f.message}"
            for f in findings
            if f.severity == "error"
        ]
        super().__init__(
            "the register has errors:\n" + "\n".join(lines),
            hint=f"run `privacydesk register check {loaded.source}` and fix each error",
        )


def store_register_version(session: Session, *, loaded: LoadedRegister, actor: str) -> RegisterVersion:
    """Store `loaded` as the next version unless it equals the version in force; refuse errors."""
    findings = check_register(loaded)
    if has_errors(findings):
        raise RegisterHasErrors(loaded, findings)
    current = latest_version(session)
    if current is not None and current.content_hash == loaded.content_hash:
        return current
    number = (session.execute(select(func.max(RegisterVersion.number))).scalar() or 0) + 1
    reg = loaded.register
    version = RegisterVersion(
        number=number,
        content_hash=loaded.content_hash,
        effective_date=reg.effective_date,
        statement_version=reg.statement_version,
        consent_revision=reg.consent_revision,
        source_name=loaded.source[-255:],
        yaml_text=loaded.text,
        loaded_by=actor,
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        action=audit.Action.REGISTER_LOADED,
        actor=actor,
        target_type="register_version",
        target_id=version.number,
        details={"content_hash": version.content_hash, "warnings": len(findings)},
    )
    return version


def latest_version(session: Session) -> RegisterVersion | None:
    return session.execute(
        select(RegisterVersion).order_by(RegisterVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


@lru_cache(maxsize=16)
def _parse(content_hash: str, text: str, source: str) -> Register:
    return load_register_text(text, source).register


def register_of(version: RegisterVersion) -> Register:
    """The parsed register of a stored version (parsed once per content hash)."""
    return _parse(version.content_hash, version.yaml_text, version.source_name)


def current_register(session: Session) -> tuple[RegisterVersion, Register]:
    """The register in force; refuses when none was loaded yet."""
    version = latest_version(session)
    if version is None:
        raise NotFound(
            "no register has been loaded into this database",
            hint="run `privacydesk init --register FILE`",
        )
    return version, register_of(version)
