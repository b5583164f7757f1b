"""Accounts, passwords, sessions and login throttling, without a request."""

import datetime as dt

import pytest

from checkin.accounts import auth
from tests.helpers import SOMEONE


def test_passwords_are_stored_as_scrypt_hashes(db):
    user_id = auth.create_user(db, "anna", "seven long staff kettles 42", "staff")
    stored = auth.get_user(db, user_id)["password_hash"]
    assert stored.startswith("scrypt:") and "seven long staff kettles" not in stored
    assert auth.check_login(db, "anna", "seven long staff kettles 42")["id"] == user_id
    assert auth.check_login(db, "anna", "seven long staff kettles 43") is None
    assert auth.check_login(db, "nobody", "seven long staff kettles 42") is None


@pytest.mark.parametrize("password, problem", [
    ("short pw", "too_short"), ("x" * 129, "too_long"), ("qwerty123456", "common"),
    ("Q1W2E3R4T5Y6", "common"), ("anna-anna-anna", "username"),
    # Refused by the strength estimate (under 10^10 guesses):
    ("123456789012", "weak"), ("aaaaaaaaaaaa", "weak"), ("qwertyuiopas", "weak"),
    ("mallismallis", "weak"), ("x" * 128, "weak"), ("annaanna2026", "weak"),
    ("seven long staff kettles 42", None), ("sju blå kannor i Solna", None),
    ("correct horse battery staple", None),
])
def test_password_rules_length_common_list_and_strength(password, problem):
    assert auth.password_problem(password, "anna-anna-anna", ["Mallis"]) == problem


@pytest.mark.parametrize("password", [
    "Mallis2026!!", "streetminds2026", "checkin-staff-1", "Victor-Mallis1", "bostadforst2026",
    "sommar2026sommar", "Skyddsvarnet-2026", "mallis.victor.42",
])
def test_passwords_made_of_the_installations_words_are_refused(db, mallis, victor, password):
    """Issue 24's passwords: zxcvbn scored each 3 (about 10^8 guesses) or, with the names as
    context, even 4 for checkin-staff-1 and Victor-Mallis1 (it missed 'staff' and 'Mallis'
    after a dash). Now the rule asks 10^10 guesses of the password and of what is left when
    the installation's words (venues, slugs, organisations split and joined, folded å → a,
    the service's own words, the years around this one) are taken out."""
    context = auth.password_context(db, "Street Minds", "Street Minds och Stockholms stad")
    assert auth.password_problem(password, "anna", context) == "weak"


def test_before_the_fix_zxcvbn_score_3_let_them_all_through(db, mallis, victor):
    from zxcvbn import zxcvbn

    words = ["Mallis", "mallis", "Street Minds", "Victor", "victor", "Skyddsvärnet", "checkin",
             "staff", "streetminds"]
    passed = [p for p in ("Mallis2026!!", "streetminds2026", "checkin-staff-1",
                          "Victor-Mallis1", "bostadforst2026", "sommar2026sommar")
              if zxcvbn(p, user_inputs=words)["score"] >= 3]
    assert len(passed) == 5  # all but streetminds2026 (score 1 with the joined name)


def test_the_demo_and_test_passwords_pass_the_rule(db, mallis, victor):
    from tests.helpers import STAFF_PASSWORD

    context = auth.password_context(db, "Street Minds")
    for username, password in [("anna", STAFF_PASSWORD), ("bert", "bert has a long password"),
                               ("bench", "a bench password: seven blue kettles 42"),
                               ("anna", "a long pass phrase for the test")]:
        assert auth.password_problem(password, username, context) is None, password
    import secrets

    for _ in range(20):  # the demo's admin password: secrets.token_urlsafe(12)
        assert auth.password_problem(secrets.token_urlsafe(12), "admin", context) is None


def test_the_venue_and_organisation_names_make_a_password_weaker(db):
    db.execute("INSERT INTO venue (slug, name, organisation, door_key) "
               "VALUES ('mallis', 'Mallis', 'Street Minds', 'k')")
    context = auth.password_context(db)
    assert auth.password_problem("MallisStreetMinds", "anna") is None
    assert auth.password_problem("MallisStreetMinds", "anna", context) == "weak"


def test_the_shipped_list_of_common_passwords_is_large():
    assert len(auth.common_passwords()) > 19_000 and "password" in auth.common_passwords()


def test_a_session_ends_after_inactivity_and_on_logout(db):
    user_id = auth.create_user(db, "anna", "seven long staff kettles 42", "staff")
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
    user_id = auth.create_user(db, "anna", "seven long staff kettles 42", "staff")
    token = auth.start_session(db, user_id)
    assert token not in str([tuple(r) for r in db.execute("SELECT * FROM staff_session")])


def test_disabling_an_account_ends_its_sessions(db):
    user_id = auth.create_user(db, "anna", "seven long staff kettles 42", "staff")
    token = auth.start_session(db, user_id)
    auth.set_active(db, user_id, False, by=SOMEONE)
    assert auth.session_user(db, token, idle_hours=8) is None
    assert auth.check_login(db, "anna", "seven long staff kettles 42") is None


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_failed_logins_from_one_client_are_slowed_more_and_more():
    clock = Clock()
    throttle = auth.LoginThrottle(free=3, max_delay=900, clock=clock)
    for _ in range(3):
        assert throttle.seconds_to_wait("anna", "10.0.0.1") == 0
        throttle.failed("anna", "10.0.0.1")
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 1  # slowed: 1 s, then 2, 4 …
    throttle.failed("anna", "10.0.0.1")
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 2
    for _ in range(20):
        throttle.failed("anna", "10.0.0.1")
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 900  # at most 15 minutes a try
    clock.now += 900
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 0  # a delay, not a lock


def test_an_attacker_cannot_lock_the_owner_out_from_elsewhere():
    """Before: 10 wrong passwords from one address locked the account everywhere for 15
    minutes, again and again. Now the owner's browser that logged in before (its known-device
    id) is never held up, even from the attacker's own address; a browser new to the account
    waits the account's delay (at most 15 minutes a try), never a lock."""
    clock = Clock()
    throttle = auth.LoginThrottle(clock=clock)
    for _ in range(1000):
        throttle.failed("anna", "203.0.113.66")
        clock.now += 1
    assert throttle.seconds_to_wait("anna", "203.0.113.66") > 0
    assert throttle.seconds_to_wait("anna", "203.0.113.66", device="owner's browser") == 0
    assert 0 < throttle.seconds_to_wait("anna", "192.0.2.10") <= 900


def test_a_good_login_forgets_that_clients_failures_for_the_account():
    clock = Clock()
    throttle = auth.LoginThrottle(clock=clock)
    for _ in range(5):
        throttle.failed("anna", "10.0.0.1")
    clock.now += 60
    throttle.succeeded("anna", "10.0.0.1")
    assert throttle.seconds_to_wait("anna", "10.0.0.1") == 0


def test_one_client_trying_many_accounts_is_slowed_too():
    clock = Clock()
    throttle = auth.LoginThrottle(free=3, client_factor=4, clock=clock)
    for n in range(12):
        throttle.failed(f"user{n}", "10.0.0.9")
    assert throttle.seconds_to_wait("someone-new", "10.0.0.9") > 0
    assert throttle.seconds_to_wait("someone-new", "10.0.0.8") == 0


def test_the_throttle_forgets_and_stays_small():
    clock = Clock()
    throttle = auth.LoginThrottle(clock=clock, max_keys=100)
    for n in range(1000):
        throttle.failed(f"user{n}", f"10.0.{n // 250}.{n % 250}")
    assert len(throttle._failures) <= 100
    clock.now += 24 * 3600
    assert throttle.seconds_to_wait("user999", "10.0.3.249") == 0


def test_the_throttle_keeps_no_client_address():
    throttle = auth.LoginThrottle()
    throttle.failed("anna", "192.0.2.77")
    assert "192.0.2.77" not in repr(throttle._failures)


def test_session_times_are_kept_to_the_hour(db):
    """A last click to the second could date the visitor a staff member just tallied."""
    user_id = auth.create_user(db, "anna", "seven long staff kettles 42", "staff")
    token = auth.start_session(db, user_id)
    auth.session_user(db, token, idle_hours=8,
                      now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2, minutes=17))
    for created, seen in db.execute("SELECT created_at, last_seen FROM staff_session"):
        for stamp in (created, seen):
            assert dt.datetime.fromisoformat(stamp).strftime("%M:%S") == "00:00"


def test_a_session_ends_12_hours_after_login_however_busy(db):
    user_id = auth.create_user(db, "anna", "seven long staff kettles 42", "staff")
    token = auth.start_session(db, user_id)
    start = dt.datetime.now(dt.UTC)
    for hours in range(1, 12):
        at = start.replace(minute=0, second=0) + dt.timedelta(hours=hours)
        assert auth.session_user(db, token, idle_hours=8, now=at) is not None, hours
    at = start.replace(minute=0, second=0) + dt.timedelta(hours=12)
    assert auth.session_user(db, token, idle_hours=8, now=at) is None


def test_the_sessions_of_an_account_are_listed_and_ended_together(db):
    anna = auth.create_user(db, "anna", "seven long staff kettles 42", "staff")
    bert = auth.create_user(db, "bert", "seven long staff kettles 42", "staff")
    here, there = auth.start_session(db, anna), auth.start_session(db, anna)
    other = auth.start_session(db, bert)
    listed = auth.sessions_of(db, anna, here)
    assert len(listed) == 2 and [s["current"] for s in listed].count(True) == 1
    assert auth.end_every_session(db, anna) == 2
    assert auth.session_user(db, here, idle_hours=8) is None
    assert auth.session_user(db, there, idle_hours=8) is None
    assert auth.session_user(db, other, idle_hours=8)["username"] == "bert"


def test_every_staff_time_is_written_one_way_to_the_hour_in_utc(db, mallis):
    """Issue 22 item 3: "this hour in UTC" was written three times in two formats (sessions
    and accounts '…T14:00:00+00:00', the audit log and imports '…T14:00+00:00'); now one
    rule, checkin/hours.py, writes them all."""
    import re

    from checkin import hours
    from checkin.visits import kiosk_tokens

    user_id = auth.create_user(db, "anna", "seven long staff kettles 42", "staff")
    auth.start_session(db, user_id)
    kiosk_tokens.create_kiosk(db, mallis["id"], "Vid dörren",
                              {"id": user_id, "username": "anna"})
    stamps = [r[0] for r in db.execute(
        "SELECT created_at FROM staff_user UNION ALL SELECT created_at FROM staff_session "
        "UNION ALL SELECT last_seen FROM staff_session UNION ALL SELECT created_at FROM kiosk "
        "UNION ALL SELECT at FROM audit_log")]
    assert len(stamps) >= 5
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00\+00:00", s) for s in stamps), stamps
    assert hours.hour_stamp(dt.datetime(2026, 11, 23, 15, 34, 12, tzinfo=dt.timezone(
        dt.timedelta(hours=1)))) == "2026-11-23T14:00+00:00"
