"""Staff accounts through the test client: logging in and out, passwords, accounts and roles,
the audit log page; every form's happy path and bad input."""

import re

import pytest

from checkin.accounts import auth
from tests.helpers import (
    SOMEONE,
    STAFF_PASSWORD,
    activity_id,
    audit_lines,
    break_the_audit_log,
    count,
    csrf_token,
    log_in,
    make_user,
    post_form,
    tally,
    text,
)


def test_staff_pages_send_you_to_the_login_first(client, mallis):
    response = client.get("/staff/mallis/")
    assert response.status_code == 302 and "/staff/login" in response.location


def test_login_starts_a_new_session_and_logout_ends_it_on_the_server(client, db, mallis):
    make_user(db, "anna")
    response = log_in(client, "anna")
    assert response.status_code == 302 and response.location.endswith("/staff/")
    assert count(db, "staff_session") == 1
    page = client.get("/staff/")
    assert "Hej, anna" in text(page)
    cookie = client.get_cookie("session").value
    # Log in again on the same browser: the old session is gone, a new one replaces it.
    log_in(client, "anna")
    assert count(db, "staff_session") == 1
    assert client.get_cookie("session").value != cookie
    response = post_form(client, "/staff/logout", {}, page_url="/staff/")
    assert response.status_code == 302 and count(db, "staff_session") == 0
    assert client.get("/staff/").status_code == 302


def test_a_stolen_cookie_is_useless_after_logout(app, client, db, mallis):
    make_user(db, "anna")
    log_in(client, "anna")
    stolen = client.get_cookie("session").value
    post_form(client, "/staff/logout", {}, page_url="/staff/")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/staff/").status_code == 302


def test_a_wrong_password_is_refused_kindly(client, db, mallis):
    make_user(db, "anna")
    response = log_in(client, "anna", "wrong password here")
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord" in text(response)
    assert count(db, "staff_session") == 0


def test_an_empty_login_form_is_refused(client, db, mallis):
    response = post_form(client, "/staff/login", {"username": "", "password": ""})
    assert response.status_code == 400 and "Fyll i det här." in text(response)


def test_repeated_failed_logins_are_slowed_then_refused(app, client, db, mallis):
    make_user(db, "anna")
    app.extensions["login_throttle"] = auth.LoginThrottle(clock=lambda: 1000.0)
    for _ in range(3):
        assert log_in(client, "anna", "wrong password here").status_code == 401
    response = log_in(client, "anna", STAFF_PASSWORD)  # even the right one must wait now
    assert response.status_code == 429 and "Vänta" in text(response)
    assert count(db, "staff_session") == 0
    app.extensions["login_throttle"]._failures.clear()
    assert log_in(client, "anna").status_code == 302


def test_a_disabled_account_cannot_log_in(client, db, mallis):
    user_id = make_user(db, "anna")
    auth.set_active(db, user_id, False, by=SOMEONE)
    assert log_in(client, "anna").status_code == 401


def test_staff_change_their_own_password(staff, db):
    response = post_form(staff, "/staff/password", {
        "current": STAFF_PASSWORD, "new": "a brand new passphrase", "repeat":
        "a brand new passphrase"})
    assert response.status_code == 302
    assert auth.check_login(db, "anna", "a brand new passphrase")
    assert staff.get("/staff/").status_code == 200  # this session goes on


@pytest.mark.parametrize("data, message", [
    ({"current": "not my password", "new": "a brand new passphrase",
      "repeat": "a brand new passphrase"}, "Det är inte ditt lösenord nu."),
    ({"current": STAFF_PASSWORD, "new": "too short", "repeat": "too short"}, "minst 12 tecken"),
    ({"current": STAFF_PASSWORD, "new": "qwerty123456", "repeat": "qwerty123456"},
     "vanligaste"),
    ({"current": STAFF_PASSWORD, "new": "a brand new passphrase", "repeat": "something else"},
     "inte likadana"),
])
def test_a_bad_new_password_changes_nothing(staff, db, data, message):
    response = post_form(staff, "/staff/password", data)
    assert response.status_code == 400 and message in text(response)
    assert auth.check_login(db, "anna", STAFF_PASSWORD)
    assert not audit_lines(db)


def test_admin_creates_an_account_limited_to_one_venue(admin, db, mallis, victor):
    response = post_form(admin, "/staff/users/new", {
        "username": "bert", "password": "bert has a long password", "role": "staff",
        "venues": [str(victor["id"])]})
    assert response.status_code == 302
    bert = auth.user_by_name(db, "bert")
    assert bert["role"] == "staff" and auth.user_venue_ids(db, bert["id"]) == {victor["id"]}
    assert audit_lines(db)[-1]["action"] == "account created"
    other = admin.application.test_client()
    log_in(other, "bert", "bert has a long password")
    assert other.get("/staff/victor/").status_code == 200
    assert other.get("/staff/mallis/").status_code == 403


@pytest.mark.parametrize("data, message", [
    ({"username": "bert", "password": "short", "role": "staff"}, "minst 12 tecken"),
    ({"username": "bert", "password": "1qaz2wsx3edc", "role": "staff"}, "vanligaste"),
    ({"username": "bert", "password": "x" * 129, "role": "staff"}, "högst 128"),
    ({"username": "boss", "password": "bert has a long password", "role": "staff"}, "upptaget"),
    ({"username": "bert bert", "password": "bert has a long password", "role": "staff"},
     "bokstäver"),
    ({"username": "bert", "password": "bert has a long password", "role": "king"}, "giltigt val"),
    ({"username": "bert", "password": "bert has a long password", "role": "staff",
      "venues": ["999"]}, "giltigt val"),
])
def test_bad_new_accounts_are_refused_and_nothing_is_stored(admin, db, data, message):
    data = {"every_venue": "y", **data} if "venues" not in data else data
    response = post_form(admin, "/staff/users/new", data)
    assert response.status_code == 400 and message in text(response)
    assert [u["username"] for u in auth.all_users(db)] == ["boss"]


def test_forgetting_to_tick_a_venue_gives_no_account_every_venue(admin, db, victor):
    response = post_form(admin, "/staff/users/new", {
        "username": "bert", "password": "bert has a long password", "role": "staff"})
    assert response.status_code == 400
    assert "Kryssa i de verksamheter kontot får använda" in text(response)
    assert auth.user_by_name(db, "bert") is None
    post_form(admin, "/staff/users/new", {"username": "bert", "role": "staff",
                                         "password": "bert has a long password",
                                         "venues": [str(victor["id"])]})
    bert = auth.user_by_name(db, "bert")
    assert auth.user_venue_ids(db, bert["id"]) == {victor["id"]}
    page = text(admin.get(f"/staff/users/{bert['id']}"))
    box = re.search(r'<input[^>]*name="every_venue"[^>]*>', page)[0]
    assert "checked" not in box  # only Victor, said so on the page


def test_admin_changes_a_role_resets_a_password_and_turns_an_account_off(admin, app, db):
    bert = make_user(db, "bert", "viewer")
    bert_client = app.test_client()
    log_in(bert_client, "bert")
    post_form(admin, f"/staff/users/{bert}", {"role": "staff", "every_venue": "y"})
    assert auth.get_user(db, bert)["role"] == "staff"
    response = post_form(admin, f"/staff/users/{bert}/password",
                         {"new": "bert gets a new password", "yours": STAFF_PASSWORD},
                         page_url=f"/staff/users/{bert}")
    assert response.status_code == 302
    assert auth.check_login(db, "bert", "bert gets a new password")
    assert bert_client.get("/staff/").status_code == 302  # logged out by the reset
    post_form(admin, f"/staff/users/{bert}/active", {}, page_url=f"/staff/users/{bert}")
    assert not auth.get_user(db, bert)["active"]
    actions = [a["action"] for a in audit_lines(db)]
    assert actions == ["account changed", "password reset", "account turned off"]


def test_an_account_change_whose_audit_line_fails_changes_nothing(admin, app, db, victor,
                                                                   monkeypatch):
    # The line was written after the change: with the log failing, an account was made,
    # given a role, a password or turned off with no line saying who.
    bert = make_user(db, "bert", "viewer")
    bert_client = app.test_client()
    log_in(bert_client, "bert")
    pages = {url: text(admin.get(url)) for url in ("/staff/users/new", f"/staff/users/{bert}",
                                                   "/staff/password")}
    posts = [
        ("/staff/users/new", "/staff/users/new", {
            "username": "cilla", "password": "cilla has a long password", "role": "staff",
            "every_venue": "y"}),
        (f"/staff/users/{bert}", f"/staff/users/{bert}", {
            "role": "staff", "venues": [str(victor["id"])]}),
        (f"/staff/users/{bert}/password", f"/staff/users/{bert}", {
            "new": "bert gets a new password", "yours": STAFF_PASSWORD}),
        (f"/staff/users/{bert}/active", f"/staff/users/{bert}", {}),
        ("/staff/password", "/staff/password", {
            "current": STAFF_PASSWORD, "new": "a brand new passphrase",
            "repeat": "a brand new passphrase"}),
    ]
    break_the_audit_log(monkeypatch)
    for url, page, data in posts:
        with pytest.raises(RuntimeError):
            admin.post(url, data={"csrf_token": csrf_token(pages[page]), **data})
    assert [u["username"] for u in auth.all_users(db)] == ["bert", "boss"]
    account = auth.get_user(db, bert)
    assert (account["role"], account["active"]) == ("viewer", 1)
    assert auth.user_venue_ids(db, bert) == set()
    assert auth.check_login(db, "bert", STAFF_PASSWORD)
    assert auth.check_login(db, "boss", STAFF_PASSWORD)
    assert bert_client.get("/staff/").status_code == 200  # still logged in
    assert audit_lines(db) == []


def test_each_account_change_writes_one_line_to_the_hour(admin, db, victor):
    post_form(admin, "/staff/users/new", {"username": "bert", "role": "viewer",
                                          "password": "bert has a long password",
                                          "every_venue": "y"})
    bert = auth.user_by_name(db, "bert")["id"]
    post_form(admin, f"/staff/users/{bert}", {"role": "staff", "venues": [str(victor["id"])]})
    post_form(admin, f"/staff/users/{bert}/password",
              {"new": "bert gets a new password", "yours": STAFF_PASSWORD},
              page_url=f"/staff/users/{bert}")
    post_form(admin, f"/staff/users/{bert}/active", {}, page_url=f"/staff/users/{bert}")
    post_form(admin, f"/staff/users/{bert}/active", {}, page_url=f"/staff/users/{bert}")
    post_form(admin, "/staff/password", {"current": STAFF_PASSWORD,
                                         "new": "a brand new passphrase",
                                         "repeat": "a brand new passphrase"})
    lines = audit_lines(db)
    assert [(a["action"], a["detail"], a["username"]) for a in lines] == [
        ("account created", "bert (viewer)", "boss"),
        ("account changed", f"bert: role staff, venues {victor['name']}", "boss"),
        ("password reset", "bert", "boss"),
        ("account turned off", "bert", "boss"),
        ("account turned on", "bert", "boss"),
        ("password changed", "boss", "boss")]
    assert all(a["at"].endswith(":00+00:00") for a in lines)
    assert not any("a brand new" in str(a) or "gets a new" in str(a) for a in lines)


def test_a_bad_password_reset_changes_nothing(admin, db):
    bert = make_user(db, "bert")
    response = post_form(admin, f"/staff/users/{bert}/password",
                         {"new": "short", "yours": STAFF_PASSWORD},
                         page_url=f"/staff/users/{bert}")
    assert response.status_code == 400 and auth.check_login(db, "bert", STAFF_PASSWORD)


def test_an_admin_cannot_lock_themselves_out(admin, db):
    me = auth.user_by_name(db, "boss")["id"]
    response = post_form(admin, f"/staff/users/{me}", {"role": "staff", "every_venue": "y"})
    assert response.status_code == 400 and auth.get_user(db, me)["role"] == "admin"
    response = post_form(admin, f"/staff/users/{me}/active", {}, page_url=f"/staff/users/{me}")
    assert response.status_code == 400 and auth.get_user(db, me)["active"]


@pytest.mark.parametrize("role, url, status", [
    ("viewer", "/staff/", 200), ("viewer", "/staff/mallis/", 403),
    ("viewer", "/staff/mallis/poster", 403), ("staff", "/staff/mallis/", 200),
    ("staff", "/staff/users", 403), ("staff", "/staff/venues", 403),
    ("admin", "/staff/users", 200), ("admin", "/staff/mallis/settings", 200),
])
def test_each_role_opens_only_its_pages(client, db, mallis, role, url, status):
    make_user(db, "someone", role)
    log_in(client, "someone")
    assert client.get(url).status_code == status


def test_a_post_without_csrf_changes_nothing(staff, db):
    response = staff.post("/staff/mallis/events/new", data={
        "activity": activity_id(db, "Julfest"), "date": "2026-11-25", "start": "17:00",
        "end": "20:00"})
    assert response.status_code == 400 and count(db, "event") == 2


def test_the_audit_log_page_shows_who_changed_what(staff, db):
    post_form(staff, "/staff/mallis/door-key", {"confirm": "y"})
    page = text(staff.get("/staff/audit"))
    assert "anna" in page and "Bytte QR-koden: gamla affischer fungerar inte längre." in page


def test_the_audit_log_speaks_swedish_in_local_time_one_sentence_a_line(staff, db, mallis):
    import datetime as dt
    from zoneinfo import ZoneInfo

    post_form(staff, "/staff/mallis/slots/new", {
        "activity": activity_id(db, "Yoga"), "weekday": "2", "start": "13:00", "end": "15:00",
        "valid_from": "2026-11-23", "valid_until": ""})
    url = f"/staff/mallis/tally?day=2026-11-23&activity={activity_id(db, 'Sygrupp')}"
    tally(staff, url, woman="2", man="1")
    tally(staff, "/staff/mallis/tally?day=2026-11-23&activity=none", other="1")
    page = text(staff.get("/staff/audit"))
    assert "Lade till Yoga onsdagar kl. 13–15 från måndag 23 november 2026." in page
    assert ("Räknade för hand för Sygrupp, måndag 23 november 2026: kvinnor +2, män +1."
            in page)
    assert "Räknade för hand för ingen särskild aktivitet, måndag 23 november 2026: annat +1." in (
        page)
    assert "weekday" not in page and "woman" not in page
    at = dt.datetime.fromisoformat(audit_lines(db)[-1]["at"])
    local = at.astimezone(ZoneInfo("Europe/Stockholm"))
    assert f"{local.day} {['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'][local.month - 1]} {local.year} kl. {local.hour}<" in page  # noqa: E501
    staff.set_cookie("lang", "en")
    english = text(staff.get("/staff/audit"))
    assert "Added Yoga on Wednesdays 1 pm–3 pm from Monday 23 November 2026." in english


def test_an_older_audit_line_without_facts_is_shown_as_stored():
    from checkin.accounts.audit import sentence

    old = {"action": "tally", "detail": "2026-11-23 Sygrupp: woman +1", "facts": "{}"}
    assert sentence(old, "sv") == "tally: 2026-11-23 Sygrupp: woman +1"
    assert sentence({"action": "weekly time ended", "detail": "x", "facts": '{"a": 1}'},
                    "sv") == "weekly time ended: x"  # an action this list does not know


def test_the_audit_log_keeps_the_hour_only(staff, db):
    """A tally line with a time to the second would say when one visitor came."""
    post_form(staff, "/staff/mallis/door-key", {"confirm": "y"})
    at = db.execute("SELECT at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert at.endswith(":00+00:00") and at[14:16] == "00"
