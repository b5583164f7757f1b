"""Logins slowed per account as well as per address (issue 24, item 6): 30 addresses get no
more guesses at one account than one address does, and the owner still logs in from a
browser that has logged in before, even from the attacker's address."""

import pytest

from checkin.accounts.routes import KNOWN_DEVICE_COOKIE
from tests.helpers import STAFF_PASSWORD, csrf_token, make_user, text

TRIES = 30


@pytest.fixture
def frozen_throttle(app):
    """The throttle with its clock stopped: what counts is the number of tries, not how fast
    a test runs."""
    throttle = app.extensions["login_throttle"]
    throttle.clock = lambda: 1000.0
    return throttle


def attempt(client, username, password, address):
    page = client.get("/staff/login", environ_base={"REMOTE_ADDR": address})
    return client.post("/staff/login", environ_base={"REMOTE_ADDR": address}, data={
        "csrf_token": csrf_token(text(page)), "username": username, "password": password})


def guesses(app, addresses):
    """30 wrong passwords at anna's account, one after the other, from `addresses` in turn;
    how many were checked (401) rather than refused unchecked (429)."""
    statuses = [attempt(app.test_client(), "anna", f"wrong guess number {n}",
                        addresses[n % len(addresses)]).status_code for n in range(TRIES)]
    assert set(statuses) <= {401, 429}
    return statuses.count(401)


def failed_lines(db):
    return db.execute("SELECT count(*) FROM audit_log WHERE action = 'login failed'").fetchone()[0]


def test_thirty_addresses_get_no_more_guesses_than_one(app, db, mallis, frozen_throttle):
    make_user(db, "anna")
    one = guesses(app, ["10.0.0.1"])
    frozen_throttle._failures.clear()
    many = guesses(app, [f"10.0.1.{n}" for n in range(TRIES)])
    assert one == many == 3
    assert failed_lines(db) == 6  # one audit line per guess that was checked, no more


def test_before_the_fix_thirty_addresses_got_thirty_guesses(
        app, db, mallis, frozen_throttle, monkeypatch):
    make_user(db, "anna")
    only_per_address = frozen_throttle._keys
    monkeypatch.setattr(frozen_throttle, "_keys",
                        lambda u, c, d=None: only_per_address(u, c, d)[:2])
    assert guesses(app, ["10.0.0.1"]) == 3
    assert guesses(app, [f"10.0.1.{n}" for n in range(TRIES)]) == TRIES


def test_the_owner_logs_in_from_a_known_browser_during_an_attack(app, db, mallis,
                                                                frozen_throttle):
    make_user(db, "anna")
    owner = app.test_client()
    assert attempt(owner, "anna", STAFF_PASSWORD, "192.168.1.5").status_code == 302  # Monday
    cookie = owner.get_cookie(KNOWN_DEVICE_COOKIE, path="/staff/login")
    assert cookie is not None
    # The cookie holds the account's name and a random id, signed: no address, no time.
    from itsdangerous import URLSafeSerializer

    known = URLSafeSerializer(app.secret_key, salt="checkin known device").loads(cookie.value)
    assert set(known) == {"u", "d"} and "192.168" not in cookie.value
    # Tuesday: someone guesses at anna from 30 addresses, one of them the venue's own (all
    # clients share one address behind a proxy counted wrong).
    guesses(app, ["192.168.1.5", *[f"10.0.1.{n}" for n in range(TRIES - 1)]])
    assert attempt(app.test_client(), "anna", STAFF_PASSWORD, "192.168.1.5").status_code == 429
    owner = app.test_client()  # the same browser, the next day (its session is gone)
    owner.set_cookie(KNOWN_DEVICE_COOKIE, cookie.value, path="/staff/login")
    response = attempt(owner, "anna", STAFF_PASSWORD, "192.168.1.5")
    assert response.status_code == 302 and response.location.endswith("/staff/")
    # The attack goes on being slowed after the owner's login.
    assert attempt(app.test_client(), "anna", "one more guess", "10.0.2.1").status_code == 429


def test_a_known_browser_is_slowed_by_its_own_wrong_tries_and_a_forged_cookie_is_nothing(
        app, db, mallis, frozen_throttle):
    make_user(db, "anna")
    first = app.test_client()
    assert attempt(first, "anna", STAFF_PASSWORD, "10.0.0.9").status_code == 302
    cookie = first.get_cookie(KNOWN_DEVICE_COOKIE, path="/staff/login").value
    browser = app.test_client()
    browser.set_cookie(KNOWN_DEVICE_COOKIE, cookie, path="/staff/login")
    statuses = [attempt(browser, "anna", "not it at all", "10.0.0.9").status_code
                for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    # Someone else's failures at the account: a forged cookie counts as no cookie at all.
    guesses(app, [f"10.0.1.{n}" for n in range(TRIES)])
    forged = app.test_client()
    forged.set_cookie(KNOWN_DEVICE_COOKIE, cookie[:-2] + "xx", path="/staff/login")
    assert attempt(forged, "anna", STAFF_PASSWORD, "10.0.0.9").status_code == 429


# --- the audit log is cleaned (issue 24, item 6) ----------------------------------------------

def test_the_daily_job_deletes_audit_lines_older_than_the_setting(app, db, mallis):
    import datetime as dt

    from checkin.yearclose import daily, describe

    user = {"id": make_user(db, "anna"), "username": "anna"}
    today = dt.date(2026, 11, 23)
    with db.conn:
        for at in ("2024-11-22T23:00+00:00", "2024-11-23T00:00+00:00", "2025-06-01T10:00+00:00"):
            db.execute("INSERT INTO audit_log (at, user_id, username, action) "
                       "VALUES (?, ?, 'anna', 'logged in')", [at, user["id"]])
    result = daily(db, today, {})  # AUDIT_KEEP_MONTHS: 24 by default
    assert result["audit"] == 1 and "1 audit line(s) past their time" in describe(result)
    left = [r[0] for r in db.execute("SELECT at FROM audit_log ORDER BY at")]
    assert left == ["2024-11-23T00:00+00:00", "2025-06-01T10:00+00:00"]
    assert daily(db, today, {"AUDIT_KEEP_MONTHS": 12})["audit"] == 2  # before 2025-11-23
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
