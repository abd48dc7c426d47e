"""`privacydesk users reset-two-factor` and `users unlock`: the ways back in for a locked-out owner."""

from __future__ import annotations

from typing import Any

from privacydesk.store.db import Database
from privacydesk.store.models.core import StaffUser
from tests.conftest import Person
from tests.web.conftest import log_in, submit_password


def _user(db: Database, person: Person) -> StaffUser:
    with db.session_scope(readonly=True) as session:
        user = session.get(StaffUser, person.id)
        assert user is not None
        session.expunge(user)
        return user


def test_resetting_two_factor_makes_the_owner_enrol_again(
    cli: Any, client: Any, db_url: str, loaded_db: Database, owner: Person
) -> None:
    log_in(client, loaded_db, owner)
    assert _user(loaded_db, owner).totp_confirmed
    result = cli("--db", db_url, "users", "reset-two-factor", owner.email)
    assert result.code == 0, result.err
    assert not _user(loaded_db, owner).totp_confirmed
    client.cookies.clear()
    submit_password(client, owner)
    assert "Set up two-factor login" in client.get("/login/code").text


def test_unlocking_lets_a_locked_account_log_in_again(
    cli: Any, client: Any, db_url: str, loaded_db: Database, staff: Person
) -> None:
    for _ in range(5):
        submit_password(client, staff, password="wrong password!!")
    assert submit_password(client, staff).status_code == 401
    assert cli("--db", db_url, "users", "unlock", staff.email).code == 0
    assert submit_password(client, staff).status_code == 303
