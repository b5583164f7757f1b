"""Attacks on staff accounts, as a user would notice them: the owner is never locked out,
every login and logout is in the audit log (to the hour, no address), sessions can be seen and
ended, and an open admin screen cannot make admins or set passwords."""

import re

import pytest

from checkin.accounts import auth
from tests.helpers import (
    STAFF_PASSWORD,
    audit_lines,
    log_in,
    make_user,
    post_form,
    text,
)

ATTACKER, OWNER = "203.0.113.66", "192.0.2.10"


def client_from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_ten_wrong_passwords_from_one_address_do_not_lock_out_the_owner(app, db, mallis):
    from checkin.accounts.routes import KNOWN_DEVICE_COOKIE

    make_user(db, "anna")
    # A clock that stands still: on a slow machine a delay could run out between two tries.
    app.extensions["login_throttle"] = auth.LoginThrottle(clock=lambda: 1000.0)
    yesterday = client_from(app, OWNER)
    assert log_in(yesterday, "anna").status_code == 302  # the owner's browser, the day before
    known = yesterday.get_cookie(KNOWN_DEVICE_COOKIE, path="/staff/login").value
    attacker = client_from(app, ATTACKER)
    statuses = [log_in(attacker, "anna", "not the password at all").status_code
                for _ in range(10)]
    assert statuses[:3] == [401, 401, 401] and 429 in statuses
    # Before: 429 for 15 minutes, from anywhere. Now the owner's browser goes in.
    owner = client_from(app, OWNER)
    owner.set_cookie(KNOWN_DEVICE_COOKIE, known, path="/staff/login")
    assert log_in(owner, "anna").status_code == 302
    assert log_in(attacker, "anna").status_code == 429  # the attacker's address waits


def test_logins_failures_and_logouts_are_in_the_audit_log_to_the_hour_without_address(
        app, db, mallis):
    make_user(db, "anna")
    client = client_from(app, ATTACKER)
    for _ in range(3):
        log_in(client, "anna", "not the password at all")
    log_in(client, "nobody-here", "not the password at all")  # no account: nothing to log
    client.application.extensions["login_throttle"]._failures.clear()
    assert log_in(client, "anna").status_code == 302
    post_form(client, "/staff/password", {"current": STAFF_PASSWORD,
                                          "new": "sju blå kannor i Solna",
                                          "repeat": "sju blå kannor i Solna"})
    post_form(client, "/staff/logout", {}, page_url="/staff/")
    lines = audit_lines(db, logins=True)
    assert [(r["username"], r["action"], r["detail"]) for r in lines] == [
        ("anna", "login failed", ""), ("anna", "login failed", ""),
        ("anna", "login failed", "further tries from there slowed down"),
        ("anna", "logged in", ""), ("anna", "password changed", "anna"),
        ("anna", "logged out", "")]
    for row in lines:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00\+00:00", row["at"])
        assert ATTACKER not in str(row) and "nobody-here" not in str(row)


def test_the_sessions_page_lists_every_session_and_logs_out_everywhere(app, db, mallis):
    make_user(db, "anna")
    here, there = app.test_client(), app.test_client()
    log_in(here, "anna")
    log_in(there, "anna")
    here.get("/lang/en")
    page = here.get("/staff/sessions")
    assert text(page).count("Logged in ") == 2 and "(this browser)" in text(page)
    response = post_form(here, "/staff/sessions/end-all", {}, page_url="/staff/sessions")
    assert response.status_code == 302
    assert here.get("/staff/").status_code == 302 and there.get("/staff/").status_code == 302
    assert db.execute("SELECT count(*) FROM staff_session").fetchone()[0] == 0
    assert audit_lines(db, logins=True)[-1]["action"] == "logged out everywhere"


NEW_ADMIN = {"username": "cleo", "password": "sju blå kannor i Solna", "role": "admin",
             "every_venue": "y"}


@pytest.mark.parametrize("yours, status", [("", 400), ("wrong password here", 400),
                                           (STAFF_PASSWORD, 302)])
def test_making_an_admin_needs_the_admins_own_password(admin, db, yours, status):
    response = post_form(admin, "/staff/users/new", {**NEW_ADMIN, "yours": yours})
    assert response.status_code == status
    assert (auth.user_by_name(db, "cleo") is not None) == (status == 302)


def test_staff_and_viewers_are_made_without_it(admin, db):
    response = post_form(admin, "/staff/users/new", {**NEW_ADMIN, "role": "staff"})
    assert response.status_code == 302 and auth.user_by_name(db, "cleo")["role"] == "staff"


def test_promoting_to_admin_needs_it_too(admin, db):
    bert = make_user(db, "bert", "staff")
    promote = {"role": "admin", "every_venue": "y"}
    assert post_form(admin, f"/staff/users/{bert}", promote).status_code == 400
    assert auth.get_user(db, bert)["role"] == "staff"
    assert post_form(admin, f"/staff/users/{bert}", {**promote, "yours": STAFF_PASSWORD}
                     ).status_code == 302
    assert auth.get_user(db, bert)["role"] == "admin"


def test_setting_someone_elses_password_needs_the_admins_own(admin, db):
    bert = make_user(db, "bert")
    response = post_form(admin, f"/staff/users/{bert}/password",
                         {"new": "sju blå kannor i Solna"}, page_url=f"/staff/users/{bert}")
    assert response.status_code == 400 and auth.check_login(db, "bert", STAFF_PASSWORD)


@pytest.mark.parametrize("password", ["123456789012", "aaaaaaaaaaaa", "qwertyuiopas",
                                      "mallismallis"])
def test_guessable_passwords_are_refused_with_a_plain_message(admin, db, password):
    admin.get("/lang/en")
    response = post_form(admin, "/staff/users/new", {
        "username": "cleo", "password": password, "role": "staff"})
    assert response.status_code == 400
    assert auth.user_by_name(db, "cleo") is None
    assert ("too easy to guess" in text(response)
            or "one of the most common ones" in text(response))


def test_the_swedish_page_says_it_too(admin, db):
    response = post_form(admin, "/staff/users/new", {
        "username": "cleo", "password": "mallismallis", "role": "staff"})
    assert "för lätt att gissa" in text(response)


def test_guessing_the_own_password_on_an_open_screen_is_slowed_like_a_login(admin, db):
    bert = make_user(db, "bert")
    statuses = [post_form(admin, f"/staff/users/{bert}/password",
                          {"new": "sju blå kannor i Solna", "yours": f"guess number {n}"},
                          page_url=f"/staff/users/{bert}").status_code for n in range(5)]
    assert statuses == [400] * 5
    response = post_form(admin, f"/staff/users/{bert}/password",
                         {"new": "sju blå kannor i Solna", "yours": STAFF_PASSWORD},
                         page_url=f"/staff/users/{bert}")
    assert response.status_code == 400 and "Vänta" in text(response)  # even the right one
    assert auth.check_login(db, "bert", STAFF_PASSWORD)
    failed = [r for r in audit_lines(db, logins=True)
              if r["action"] == "password confirmation failed"]
    assert len(failed) == 3  # then it waits, and a wait is not a try


def test_a_staff_session_keeps_no_address_and_no_browser_name(app, db, mallis):
    """sessions.html: "We keep no address and no browser name." The session table has no
    place for them, and a login from a named browser at an address leaves neither anywhere
    in the database."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(staff_session)")}
    assert columns == {"id", "user_id", "created_at", "last_seen"}
    make_user(db, "anna")
    browser = app.test_client()
    browser.environ_base.update(REMOTE_ADDR="203.0.113.41",
                                HTTP_USER_AGENT="FirefoxSecret/128.0 (Windows NT 10.0)")
    assert log_in(browser, "anna").status_code == 302
    assert browser.get("/staff/sessions").status_code == 200
    dump = "\n".join(db.conn.iterdump())
    assert "203.0.113.41" not in dump and "FirefoxSecret" not in dump
