"""Accounts, passwords, sessions and login throttling, without a request."""

import datetime as dt

import pytest

from checkin.accounts import auth


def test_passwords_are_stored_as_scrypt_hashes(db):
    user_id = auth.create_user(db, "anna", "a long staff password 42", "staff")
    stored = auth.get_user(db, user_id)["password_hash"]
    assert stored.startswith("scrypt:") and "a long staff password" not in stored
    assert auth.check_login(db, "anna", "a long staff password 42")["id"] == user_id
    assert auth.check_login(db, "anna", "a long staff password 43") is None
    assert auth.check_login(db, "nobody", "a long staff password 42") is None


@pytest.mark.parametrize("password, problem", [
    ("short pw", "too_short"), ("x" * 129, "too_long"), ("qwerty123456", "common"),
    ("Q1W2E3R4T5Y6", "common"),
    ("anna-anna-anna", "username"), ("x" * 128, None), ("tolv tecken!", None),
])
def test_password_rules_length_and_common_list_only(password, problem):
    assert auth.password_problem(password, "anna-anna-anna") == problem


def test_the_shipped_list_of_common_passwords_is_large():
    assert len(auth.common_passwords()) > 19_000 and "password" in auth.common_passwords()


def test_a_session_ends_after_inactivity_and_on_logout(db):
    user_id = auth.create_user(db, "anna", "a long staff password 42", "staff")
    token = auth.start_session(db, user_id)
    assert auth.session_user(db, token, idle_hours=8)["username"] == "anna"
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)
    assert auth.session_user(db, token, idle_hours=8, now=soon)["username"] == "anna"
    later = soon + dt.timedelta(hours=10)
    assert auth.session_user(db, token, idle_hours=8, now=later) is None
    assert db.execute("SELECT count(*) FROM staff_session").fetchone()[0] == 0
    token = auth.start_session(db, user_id)
    auth.end_session(db, token)
    assert auth.session_user(db, token, idle_hours=8) is None


def test_the_session_table_keeps_only_a_hash_of_the_token(db):
    user_id = auth.create_user(db, "anna", "a long staff password 42", "staff")
    token = auth.start_session(db, user_id)
    assert token not in str([tuple(r) for r in db.execute("SELECT * FROM staff_session")])


def test_disabling_an_account_ends_its_sessions(db):
    user_id = auth.create_user(db, "anna", "a long staff password 42", "staff")
    token = auth.start_session(db, user_id)
    auth.set_active(db, user_id, False)
    assert auth.session_user(db, token, idle_hours=8) is None
    assert auth.check_login(db, "anna", "a long staff password 42") is None


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_failed_logins_are_slowed_then_refused_for_a_while():
    clock = Clock()
    throttle = auth.LoginThrottle(free=3, lock_after=10, lock_seconds=900, clock=clock)
    for _ in range(3):
        assert throttle.seconds_to_wait("anna", "10.0.0.1") == 0
        throttle.failed("anna", "10.0.0.1")
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 1  # slowed: 1 s, then 2, 4 …
    throttle.failed("anna", "10.0.0.1")
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 2
    for _ in range(6):
        throttle.failed("anna", "10.0.0.1")
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 900  # refused for 15 minutes
    assert throttle.seconds_to_wait("anna", "10.0.0.2") == 900  # per account, from anywhere
    assert throttle.seconds_to_wait("bert", "10.0.0.2") == 0
    clock.now += 901
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 0


def test_one_client_trying_many_accounts_is_slowed_too():
    clock = Clock()
    throttle = auth.LoginThrottle(free=3, lock_after=10, client_factor=3, clock=clock)
    for n in range(9):
        throttle.failed(f"user{n}", "10.0.0.9")
    assert throttle.seconds_to_wait("someone-new", "10.0.0.9") > 0
    assert throttle.seconds_to_wait("someone-new", "10.0.0.8") == 0


def test_the_throttle_keeps_no_client_address():
    throttle = auth.LoginThrottle()
    throttle.failed("anna", "192.0.2.77")
    assert "192.0.2.77" not in repr(throttle._failures)


def test_session_times_are_kept_to_the_hour(db):
    """A last click to the second could date the visitor a staff member just tallied."""
    user_id = auth.create_user(db, "anna", "a long staff password 42", "staff")
    token = auth.start_session(db, user_id)
    auth.session_user(db, token, idle_hours=8,
                      now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2, minutes=17))
    for created, seen in db.execute("SELECT created_at, last_seen FROM staff_session"):
        for stamp in (created, seen):
            assert dt.datetime.fromisoformat(stamp).strftime("%M:%S") == "00:00"
