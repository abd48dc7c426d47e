"""Encrypted backup and restore, and the erasure log that keeps erasures erased across a restore.

A backup is a consistent online copy (SQLite's backup API, or `pg_dump --format=custom`) streamed
through AES-256-GCM in 1 MiB chunks under a key derived from the master key (HKDF, a fresh salt per
file). Each chunk's nonce and associated data carry its number and whether it is the last one, so a
reordered, truncated or altered file is refused, and nothing is restored from it.

The erasure log: crypto-shredding alone does not survive a restore, because an old backup still
holds the wrapped key of a subject erased since. So every key destruction and subject deletion (and
every suppression-list entry) is also kept in a small append-only JSON-lines file outside the
database (`<data_dir>/erasure-log.jsonl`, by pseudonymous ref and keyed hash only, never personal
data). It is brought up to date from the audit log before each backup, before each restore, after
each retention run and daily by the scheduler; a restore re-applies it before the data is used:
erased subjects are deleted again with their keys destroyed, and the suppression list is completed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.config import Settings
from privacydesk.errors import Refused, UnusableInput
from privacydesk.store.base import utcnow
from privacydesk.store.db import Database, migrate
from privacydesk.store.models.core import AuditEntry

MAGIC = b"PRIVACYDESK-BACKUP\n"
FORMAT = 1
CHUNK = 1 << 20
_LEN = struct.Struct(">I")
_DELETED = str(audit.Action.SUBJECT_DELETED)
ERASURE_ACTIONS = (str(audit.Action.KEY_DESTROYED), _DELETED)


class BadBackup(UnusableInput):
    """A file that is not a privacydesk backup, was altered or cut short, or needs another key."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"{path}: {why}; nothing was restored",
            hint="use a file written by `privacydesk backup`, with the master key of that installation",
        )


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    dialect: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class RestoreInfo:
    dialect: str
    created_at: str
    subjects_erased_again: int
    suppressions_restored: int


# --- the encrypted container -------------------------------------------------------------------


def _key(master_key: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"privacydesk/backup/v1").derive(
        master_key
    )


def _aad(header_hash: bytes, index: int, final: bool) -> bytes:
    return header_hash + struct.pack(">Q?", index, final)


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    # 7 random bytes per file, then the chunk number and the last-chunk flag (the STREAM construction).
    return prefix + struct.pack(">I?", index, final)


def encrypt_stream(source: IO[bytes], out: IO[bytes], *, master_key: bytes, meta: dict[str, Any]) -> None:
    """Write MAGIC, a JSON header line, then length-prefixed AES-GCM chunks of `source`."""
    salt, prefix = os.urandom(16), os.urandom(7)
    header = json.dumps(
        {**meta, "format": FORMAT, "salt": base64.b64encode(salt).decode(), "nonce": prefix.hex()},
        sort_keys=True,
    ).encode()
    out.write(MAGIC + header + b"\n")
    aead, header_hash = AESGCM(_key(master_key, salt)), hashlib.sha256(header).digest()
    index, chunk = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if chunk else b""
        final = not following
        sealed = aead.encrypt(_nonce(prefix, index, final), chunk, _aad(header_hash, index, final))
        out.write(_LEN.pack(len(sealed)) + sealed)
        if final:
            return
        index, chunk = index + 1, following


def read_header(source: IO[bytes], path: Path) -> dict[str, Any]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BadBackup(path, "not a privacydesk backup")
    line = source.readline(65536)
    try:
        header: dict[str, Any] = json.loads(line)
    except ValueError:
        raise BadBackup(path, "the backup header is damaged") from None
    if header.get("format") != FORMAT:
        raise BadBackup(path, f"backup format {header.get('format')} is not supported")
    header["_hash"] = hashlib.sha256(line.rstrip(b"\n")).digest()
    return header


def _open_chunk(
    aead: AESGCM, header: dict[str, Any], index: int, sealed: bytes, path: Path
) -> tuple[bytes, bool]:
    prefix = bytes.fromhex(header["nonce"])
    for final in (False, True):
        try:
            return aead.decrypt(
                _nonce(prefix, index, final), sealed, _aad(header["_hash"], index, final)
            ), final
        except InvalidTag:
            continue
    raise BadBackup(path, "the backup was altered, or was made with another master key")


def decrypt_chunks(
    source: IO[bytes], header: dict[str, Any], *, master_key: bytes, path: Path
) -> Iterator[bytes]:
    """The plaintext, chunk by chunk; raises BadBackup on any altered, missing or extra byte."""
    aead = AESGCM(_key(master_key, base64.b64decode(header["salt"])))
    index = 0
    while True:
        size = source.read(_LEN.size)
        if len(size) != _LEN.size:
            raise BadBackup(path, "the backup is cut short")
        plain, final = _open_chunk(aead, header, index, source.read(_LEN.unpack(size)[0]), path)
        yield plain
        if final:
            if source.read(1):
                raise BadBackup(path, "there is data after the end of the backup")
            return
        index += 1


# --- the erasure log ---------------------------------------------------------------------------


def erasure_log_path(settings: Settings) -> Path:
    return settings.data_dir / "erasure-log.jsonl"


def read_erasure_log(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(subject ref -> erasure action, suppression hash -> reason) from the log file."""
    subjects: dict[str, str] = {}
    suppressed: dict[str, str] = {}
    if not path.is_file():
        return subjects, suppressed
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        try:
            item = json.loads(line)
        except ValueError:
            raise UnusableInput(
                f"{path}:{number}: not a JSON line", hint="restore the line from a copy"
            ) from None
        if "subject" in item:
            # a deletion outranks a key destruction of the same subject
            if subjects.get(item["subject"]) != _DELETED:
                subjects[item["subject"]] = item["action"]
        elif "suppressed" in item:
            suppressed[item["suppressed"]] = item.get("reason", "restored")
    return subjects, suppressed


def _suppressions(session: Session) -> dict[str, str]:
    from privacydesk.store.models.consent import SuppressionEntry

    rows = session.execute(select(SuppressionEntry.email_hash, SuppressionEntry.reason))
    return {h: r for h, r in rows}


def _erasures(session: Session) -> Iterator[tuple[str | None, str, datetime]]:
    """(subject ref, action, when) of every key destruction and subject removal, oldest first; a
    retention run lists the subjects it removed in one entry per batch."""
    rows: Iterable[tuple[str | None, str, datetime, dict[str, Any]]] = session.execute(
        select(AuditEntry.target_id, AuditEntry.action, AuditEntry.at, AuditEntry.details)
        .where(
            (AuditEntry.action.in_(ERASURE_ACTIONS) & (AuditEntry.target_type == "subject"))
            | (AuditEntry.action == audit.Action.RETENTION_ERASED.value)
        )
        .order_by(AuditEntry.seq)
    )
    for ref, action, at, details in rows:
        if action == audit.Action.RETENTION_ERASED:
            yield from ((removed, _DELETED, at) for removed in details.get("removed", []))
        else:
            yield ref, action, at


def sync_erasure_log(session: Session, *, path: Path) -> int:
    """Append the erasures and suppressions the database knows and the log does not; returns how many."""
    subjects, suppressed = read_erasure_log(path)
    lines = [
        {"subject": ref, "action": action, "at": at.isoformat()}
        for ref, action, at in _erasures(session)
        if ref and subjects.get(ref) not in (action, _DELETED)
    ]
    lines += [
        {"suppressed": h, "reason": r} for h, r in _suppressions(session).items() if h not in suppressed
    ]
    if lines:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as fh:
            fh.write("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines))
            fh.flush()
            os.fsync(fh.fileno())
    return len(lines)


def _erase_again(session: Session, *, ref: str, action: str, actor: str) -> bool:
    from privacydesk import subjects as store
    from privacydesk.store.models.subjects import Subject, SubjectKey

    found = session.execute(
        select(Subject.id, SubjectKey.wrapped_key).outerjoin(SubjectKey).where(Subject.ref == ref)
    ).first()
    if found is None:
        return False
    if action == _DELETED:
        store.delete_subject(session, subject_id=found.id, actor=actor)
        return True
    if found.wrapped_key is not None:
        store.destroy_subject_key(session, subject_id=found.id, actor=actor)
        return True
    return False


def reapply_erasure_log(session: Session, *, path: Path, actor: str) -> tuple[int, int]:
    """Erase again every subject the log names that a restore brought back; complete the suppression list."""
    from privacydesk.store.models.consent import SuppressionEntry

    logged, suppressed = read_erasure_log(path)
    erased = sum(_erase_again(session, ref=ref, action=action, actor=actor) for ref, action in logged.items())
    known = _suppressions(session)
    missing = [h for h in suppressed if h not in known]
    session.add_all(SuppressionEntry(email_hash=h, reason=suppressed[h][:64], actor=actor) for h in missing)
    session.flush()
    return erased, len(missing)


# --- backup ------------------------------------------------------------------------------------


def _sqlite_path(db: Database) -> Path:
    name = make_url(db.url).database
    if not name or name == ":memory:":
        raise Refused("an in-memory database cannot be backed up", hint="use a database file")
    return Path(name)


def _libpq(db: Database) -> tuple[str, dict[str, str]]:
    url = make_url(db.url)
    # Notices (e.g. "does not exist, skipping") would fill psql's stderr pipe on a big restore.
    env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None, query={})
    return plain.render_as_string(hide_password=False), env


@contextmanager
def _private_dir(near: Path) -> Iterator[Path]:
    # Plaintext never lands in /tmp: a mode-700 directory beside the target, removed afterwards.
    path = Path(tempfile.mkdtemp(prefix=".privacydesk-", dir=near))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _sqlite_snapshot(db: Database, target: Path) -> None:
    source = sqlite3.connect(_sqlite_path(db))
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)  # a consistent copy while the application keeps running
    finally:
        dest.close()
        source.close()


def _write_backup(db: Database, out: IO[bytes], *, master_key: bytes, work: Path) -> None:
    meta = {"dialect": db.engine.dialect.name, "created_at": utcnow().isoformat()}
    if db.is_sqlite:
        snapshot = work / "snapshot.db"
        _sqlite_snapshot(db, snapshot)
        with snapshot.open("rb") as source:
            encrypt_stream(source, out, master_key=master_key, meta=meta)
        return
    url, env = _libpq(db)
    cmd = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--dbname={url}"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        assert proc.stdout is not None
        encrypt_stream(proc.stdout, out, master_key=master_key, meta=meta)
        _, err = proc.communicate()
    if proc.returncode != 0:
        raise Refused(f"pg_dump failed: {err.decode(errors='replace').strip()[:300]}", hint="check --db")


def backup_database(
    db: Database, *, master_key: bytes, out: Path, erasure_log: Path, actor: str, overwrite: bool = False
) -> BackupInfo:
    """Write an encrypted, consistent backup of `db` to `out` (atomically: a partial file never remains)."""
    if out.exists() and not overwrite:
        raise Refused(f"{out} exists", hint="choose another file name, or pass --force")
    with db.session_scope() as session:
        sync_erasure_log(session, path=erasure_log)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _private_dir(out.parent) as work:
        partial = work / "backup.partial"
        with partial.open("wb") as fh:
            _write_backup(db, fh, master_key=master_key, work=work)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, out)
    info = BackupInfo(out, db.engine.dialect.name, out.stat().st_size, _file_sha256(out))
    with db.session_scope() as session:
        audit.record(
            session,
            action=audit.Action.BACKUP_CREATED,
            actor=actor,
            details={"dialect": info.dialect, "bytes": info.bytes, "sha256": info.sha256},
        )
    return info


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# --- restore -----------------------------------------------------------------------------------


def _restore_sqlite(
    db: Database, chunks: Iterator[bytes], *, work: Path, erasure_log: Path, actor: str
) -> tuple[int, int]:
    # 1. decrypt into a private file; 2. bring its schema up to date and re-apply the erasure log
    # there; 3. only then copy it over the live database with SQLite's backup API.
    restored = work / "restored.db"
    with restored.open("wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    staging = Database(f"sqlite:///{restored}")
    try:
        migrate(staging)
        with staging.session_scope() as session:
            counts = reapply_erasure_log(session, path=erasure_log, actor=actor)
    finally:
        staging.dispose()
    db.dispose()
    source, dest = sqlite3.connect(restored), sqlite3.connect(_sqlite_path(db))
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return counts


# Tables a newer schema added since the backup was made would survive `pg_restore --clean`; drop
# every table first, in the same transaction as the restore.
_DROP_ALL_TABLES = b"""
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE';
  END LOOP;
END $$;
"""


def _feed(
    proc: subprocess.Popen[bytes], chunks: Iterator[bytes], *, first_kill: subprocess.Popen[bytes]
) -> None:
    assert proc.stdin is not None
    try:
        for chunk in chunks:
            proc.stdin.write(chunk)
    except BaseException:
        first_kill.kill()  # psql dies before its input ends, so its transaction never commits
        proc.kill()
        raise
    finally:
        proc.stdin.close()


def _pipe_restore(chunks: Iterator[bytes], url: str, env: dict[str, str]) -> None:
    """Decrypted dump -> pg_restore (to SQL) -> psql, in one transaction that commits only at the end
    of a fully verified stream; on a bad chunk psql is killed first, so nothing of the file is kept."""
    psql_cmd = ["psql", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-q", f"--dbname={url}"]
    restore_cmd = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-"]
    with tempfile.TemporaryFile() as errors:
        pipe = subprocess.PIPE
        with subprocess.Popen(
            psql_cmd, stdin=pipe, stdout=subprocess.DEVNULL, stderr=errors, env=env
        ) as psql:
            assert psql.stdin is not None
            psql.stdin.write(_DROP_ALL_TABLES)
            psql.stdin.flush()
            with subprocess.Popen(
                restore_cmd, stdin=pipe, stdout=psql.stdin, stderr=errors, env=env
            ) as restore:
                psql.stdin.close()
                _feed(restore, chunks, first_kill=psql)
        errors.seek(0)
        message = errors.read().decode(errors="replace").strip()
    if restore.returncode != 0 or psql.returncode != 0:
        raise Refused(
            f"the PostgreSQL restore failed: {message[:300]}",
            hint="check --db and that the PostgreSQL client matches the server",
        )


def _restore_postgres(
    db: Database, chunks: Iterator[bytes], *, erasure_log: Path, actor: str
) -> tuple[int, int]:
    url, env = _libpq(db)
    db.dispose()
    _pipe_restore(chunks, url, env)
    migrate(db)
    with db.session_scope() as session:
        return reapply_erasure_log(session, path=erasure_log, actor=actor)


def _audit_restore(db: Database, info: RestoreInfo, replaced: tuple[int, str], actor: str) -> None:
    with db.session_scope() as session:
        audit.record(
            session,
            action=audit.Action.BACKUP_RESTORED,
            actor=actor,
            details={
                "backup_created_at": info.created_at,
                "erased_again": info.subjects_erased_again,
                "suppressions_restored": info.suppressions_restored,
                # the audit entries after the backup are gone with the rest: say where the old chain ended
                "replaced_head": {"entries": replaced[0], "hash": replaced[1]},
            },
        )


def restore_database(
    db: Database, *, master_key: bytes, source: Path, erasure_log: Path, actor: str
) -> RestoreInfo:
    """Replace `db` with the backup in `source`, then re-apply the erasure log and the suppression list."""
    if not source.is_file():
        raise UnusableInput(f"{source}: no such file", hint="give the path of a backup file")
    with db.session_scope() as session:  # what the live database knows must not be lost by the restore
        sync_erasure_log(session, path=erasure_log)
        replaced = audit.head(session)
    with source.open("rb") as fh, _private_dir(source.resolve().parent) as work:
        header = read_header(fh, source)
        if header.get("dialect") != db.engine.dialect.name:
            raise BadBackup(
                source, f"this is a {header.get('dialect')} backup, the database is {db.engine.dialect.name}"
            )
        chunks = decrypt_chunks(fh, header, master_key=master_key, path=source)
        if db.is_sqlite:
            erased, suppressed = _restore_sqlite(db, chunks, work=work, erasure_log=erasure_log, actor=actor)
        else:
            erased, suppressed = _restore_postgres(db, chunks, erasure_log=erasure_log, actor=actor)
    info = RestoreInfo(str(header["dialect"]), str(header["created_at"]), erased, suppressed)
    _audit_restore(db, info, replaced, actor)
    return info
