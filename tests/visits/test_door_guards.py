"""Check-ins a city can trust (issue 12) and cookies that name no row (issue 13): the attacks,
each as a test with its numbers."""

import datetime as dt
import hashlib
import json
import secrets

import pytest

from checkin.visits import once, phones, steps, volume
from checkin.visits.phone_pages import STEP_COOKIES
from checkin.visits.routes import PHONE_COOKIE
from tests.helpers import (
    activity_id,
    answer,
    check_in,
    csrf_token,
    door,
    from_address,
    hidden_fields,
    phone_code,
    run,
    text,
    visits,
)


def persons(db):
    return db.execute("SELECT count(DISTINCT person_hash) FROM visit").fetchone()[0]


def fresh(app, **cookies):
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


@pytest.fixture
def roomy(app):
    """Bounds far above the attacks, so each test sees only the guard it is about."""
    app.config.update(CHECKINS_PER_MINUTE=1000, CHECKINS_PER_DAY=1000)
    return app


# --- replay --------------------------------------------------------------------------------------

def test_replaying_one_check_in_30_times_stores_one_visit(roomy, client, db, mallis):
    page = client.get(door(mallis))
    form = hidden_fields(text(page))
    session = client.get_cookie("session").value  # what the browser held when it posted
    statuses = []
    for _ in range(30):
        replayer = fresh(roomy, session=session)
        statuses.append(replayer.post(door(mallis), data=form).status_code)
    assert statuses == [302] + [409] * 29
    assert len(visits(db)) == 1
    refused = fresh(roomy, session=session).post(door(mallis), data=form)
    assert "Den här sidan är redan använd. Inget mer sparades." in text(refused)


def test_a_double_tap_shows_the_check_in_once_made(client, db, mallis):
    form = hidden_fields(text(client.get(door(mallis))))
    first = client.post(door(mallis), data=form)
    second = client.post(door(mallis), data=form)  # the browser now holds the step
    assert first.location == second.location == door(mallis) + "/done"
    assert len(visits(db)) == 1


@pytest.mark.parametrize("tamper", ["another venue", "another purpose", "yesterday", "garbage",
                                    "missing"])
def test_a_token_not_made_for_this_page_counts_nothing(app, client, db, mallis, victor, tamper):
    form = hidden_fields(text(client.get(door(mallis))))
    key = once.form_key(app.config["SECRET_KEY"])
    today = dt.date(2026, 11, 23)
    form["once"] = {
        "another venue": once.issue(key, "check-in", victor["id"], today),
        "another purpose": once.issue(key, "vote", mallis["id"], today),
        "yesterday": once.issue(key, "check-in", mallis["id"], today - dt.timedelta(days=1)),
        "garbage": "20261123." + "x" * 16 + "." + "y" * 22,
        "missing": "",
    }[tamper]
    response = client.post(door(mallis), data=form)
    assert response.status_code == 400 and visits(db) == []
    assert db.execute("SELECT count(*) FROM used_form").fetchone()[0] == 0
    # It says the truth: not "already used" (before: 409 and that, for a token never spent).
    said = ("Sidan var från en tidigare dag. Inget sparades." if tamper == "yesterday"
            else "Något saknades. Inget sparades.")
    assert said in text(response) and "redan använd" not in text(response)


def test_spent_tokens_are_forgotten_the_day_after_their_day(app, db, mallis):
    key = once.form_key(app.config["SECRET_KEY"])
    monday, wednesday = dt.date(2026, 11, 23), dt.date(2026, 11, 25)
    once.spend(db, key, once.issue(key, "rating", mallis["id"], monday), "rating", mallis["id"],
               monday)
    assert db.execute("SELECT count(*) FROM used_form").fetchone()[0] == 1
    once.spend(db, key, once.issue(key, "rating", mallis["id"], wednesday), "rating",
               mallis["id"], wednesday)
    assert [r[0] for r in db.execute("SELECT day FROM used_form")] == ["2026-11-25"]


# --- made-up and edited phone codes --------------------------------------------------------------

def test_20_made_up_phone_codes_make_zero_persons(roomy, db, mallis):
    made_up = [secrets.token_urlsafe(24) for _ in range(10)]  # the old shape: a bare key
    made_up += [f"{secrets.token_urlsafe(24)}.w.{secrets.token_urlsafe(16)}" for _ in range(10)]
    for code in made_up:
        visitor = fresh(roomy, **{PHONE_COOKIE: code, "checkin_gender": "woman"})
        assert "Telefonen har en sparad kod" not in text(visitor.get(door(mallis)))
        assert check_in(visitor, mallis, "none").status_code == 302
    assert len(visits(db)) == 20 and persons(db) == 0
    assert [v["gender"] for v in visits(db)] == [None] * 20  # the cookie's "woman" is not taken


def test_an_edited_gender_in_a_real_code_is_not_believed(app, db, mallis):
    real = phone_code(app, gender="woman")
    key, _flag, mac = real.split(".")
    visitor = fresh(app, **{PHONE_COOKIE: f"{key}.m.{mac}"})
    check_in(visitor, mallis, "none")
    [visit] = visits(db)
    assert (visit["person_hash"], visit["gender"]) == (None, None)
    honest = fresh(app, **{PHONE_COOKIE: real})
    check_in(honest, mallis, "none")
    assert visits(db)[1]["gender"] == "woman" and visits(db)[1]["person_hash"]


def _seen_by(app, cookie, paths):
    """What a browser holding `cookie` gets from each page: status, the cookies it is sent
    (names only: session values are random) and the page with every token taken out."""
    import re

    browser = fresh(app, **{PHONE_COOKIE: cookie})
    seen = []
    for path in paths:
        response = browser.get(path)
        page = re.sub(r'value="[^"]*"', 'value=""', text(response))
        names = sorted(h.split("=", 1)[0] for h in response.headers.getlist("Set-Cookie"))
        seen.append((path, response.status_code, names, page))
    return seen


def test_no_response_differs_by_whether_a_phone_is_known_at_a_venue(app, db, mallis, victor):
    """Issue 24 item 5: the first 32 characters of a phone's cookie (its bare key) sent to
    /<venue>/ideas came back freshly signed only at venues where that phone was counted, so
    anyone holding it could find where the phone had been. Now a bare key is never read, and
    a signed code is read the same everywhere."""
    known, unknown = phones.new_device_key(), phones.new_device_key()
    db.execute("INSERT INTO visit (venue_id, date, hour, gender, source, person_hash) "
               "VALUES (?, '2026-11-02', 11, 'man', 'qr', ?)",
               [mallis["id"], phones.person_hash(db, mallis["id"], known, 2026)])
    db.conn.commit()
    paths = [door(mallis), "/mallis/ideas", "/mallis/survey", "/mallis/feedback",
             "/mallis/privacy", "/mallis/forget", "/mallis/", door(victor), "/victor/ideas"]
    bare = _seen_by(app, known, paths)
    assert bare == _seen_by(app, unknown, paths)
    assert all(PHONE_COOKIE not in names for _path, _status, names, _page in bare)
    assert "Telefonen har en sparad kod" not in bare[0][3]
    signed = _seen_by(app, phones.phone_code(db, known), paths)
    assert signed == _seen_by(app, phones.phone_code(db, unknown), paths)
    assert "Telefonen har en sparad kod" in signed[0][3]
    # A check-in with the bare key is an ordinary visit, never the known phone's.
    visitor = fresh(app, **{PHONE_COOKIE: known})
    assert check_in(visitor, mallis, "none").status_code == 302
    assert sum(v["person_hash"] is None for v in visits(db)) == 1 and persons(db) == 1


def test_signed_codes_are_checked_with_the_servers_own_secret(db, mallis):
    code = phones.phone_code(db, phones.new_device_key(), "other")
    assert phones.read_phone_code(db, code).gender == "other"
    db.execute("UPDATE server_secret SET secret = ? WHERE purpose = 'phone code'",
               [secrets.token_hex(32)])
    db.conn.commit()
    assert phones.read_phone_code(db, code) is None
    for bad in (None, "", "x" * 57, code + "x", code.replace(".", ":"), "a.b.c"):
        assert phones.read_phone_code(db, bad) is None


# --- bounds that fit a real door -----------------------------------------------------------------

def test_a_flood_at_the_door_stores_only_the_senders_bound(app, db, mallis):
    app.config["CHECKINS_PER_MINUTE"] = 20
    statuses = [check_in(fresh(app), mallis, "none").status_code for _ in range(35)]
    assert statuses == [302] * 20 + [429] * 15 and len(visits(db)) == 20
    # Refused before its token was spent: the 15 refused posts wrote nothing at all.
    assert db.execute("SELECT count(*) FROM used_form").fetchone()[0] == 20
    refused = check_in(fresh(app), mallis, "none")
    assert "Många checkar in just nu. Inget sparades." in text(refused)
    # Someone from another address is not held up by it.
    other = from_address(app, "198.51.100.7")
    assert check_in(other, mallis, "none").status_code == 302 and len(visits(db)) == 21


def test_a_real_rush_of_15_in_five_minutes_is_never_refused(app, db, mallis):
    # Even the whole rush in one minute from one address (the venue's Wi-Fi) fits.
    assert app.config["CHECKINS_PER_MINUTE"] >= 15 and app.config["CHECKINS_PER_DAY"] >= 150
    assert app.config["SENDER_CHECKINS_PER_HOUR"] >= 15
    assert all(check_in(fresh(app), mallis, "none").status_code == 302 for _ in range(15))
    assert len(visits(db)) == 15


def test_past_the_day_bound_check_ins_are_set_aside_for_review_never_refused(app, db, mallis):
    result = run(app, "door-limits", "--venue", "mallis", "--qr-per-day", "5")
    assert result.exit_code == 0 and "qr-per-day        5" in result.output
    statuses = [check_in(fresh(app), mallis, "none").status_code for _ in range(7)]
    assert statuses == [302] * 7 and len(visits(db)) == 7
    aside = [v["set_aside_id"] for v in visits(db)]
    assert aside.count(None) == 5 and len({a for a in aside if a}) == 1
    [decision] = [dict(r) for r in db.execute("SELECT * FROM set_aside")]
    assert (decision["visits"], decision["hour"], decision["set_by"]) == (2, None, "checkin")
    assert "granska" in decision["reason"] and "review" in decision["reason"]
    # Staff bring them back like any decision: they count again.
    from checkin.visits import set_aside
    assert set_aside.bring_back(db, venue_id=mallis["id"], set_aside_id=decision["id"],
                                user={"id": None, "username": "anna"}) == 2
    result = run(app, "door-limits", "--venue", "mallis", "--qr-per-day", "0")
    assert "qr-per-day        150" in result.output


@pytest.mark.parametrize("option, value", [
    ("--qr-per-day", "-1"), ("--qr-per-minute", "10001"),
    ("--kiosk-per-day", "99999999999999999999999"),  # crashed with an OverflowError (exit 1)
])
def test_a_door_limit_out_of_range_is_a_usage_error_and_changes_nothing(app, db, mallis,
                                                                      option, value):
    result = run(app, "door-limits", "--venue", "mallis", option, value)
    assert result.exit_code == 2 and "is not in the range 0<=x<=10000" in result.output
    assert db.execute("SELECT count(*) FROM door_limit").fetchone()[0] == 0
    with pytest.raises(ValueError):
        volume.set_venue_limits(db, mallis["id"], qr_per_day=10_001)
    result = run(app, "door-limits", "--venue", "nowhere", "--qr-per-day", "5")
    assert result.exit_code == 2 and "there is no venue called 'nowhere'" in result.output
    assert db.execute("SELECT count(*) FROM door_limit").fetchone()[0] == 0
    assert run(app, "door-limits", "--venue", "mallis", "--qr-per-day", "10000").exit_code == 0


def test_a_senders_budget_forgets_after_its_window_and_keeps_no_address():
    from checkin.web.sender_budget import SenderBudget

    clock = [0.0]
    budget = SenderBudget(clock=lambda: clock[0])
    limits = [(60, 3), (3600, 5)]
    assert not budget.full("192.0.2.1", "door", limits)
    assert [budget.spend("192.0.2.1", "door", limits) for _ in range(4)] == [
        True, True, True, False]
    assert budget.full("192.0.2.1", "door", limits)  # looking counts nothing
    assert budget.spend("192.0.2.2", "door", limits)  # another address: its own budget
    clock[0] = 61
    assert [budget.spend("192.0.2.1", "door", limits) for _ in range(3)] == [True, True, False]
    held = repr(budget._seen)
    assert "192.0.2" not in held and budget.sender("192.0.2.1") != budget.sender("192.0.2.2")
    assert SenderBudget().sender("192.0.2.1") != budget.sender("192.0.2.1")  # a key per process
    clock[0] = 61 + 3600  # within the hour after the last post, everything is forgotten
    assert budget.tracked() == 0


def test_a_senders_key_spends_the_same_budget_as_its_address():
    """The door hashes the address once per tap and hands the key to each bound (the hash
    was made twice): the key and the address are one sender."""
    from checkin.web.sender_budget import SenderBudget, SenderKey

    budget = SenderBudget(clock=lambda: 0.0)
    key = budget.sender("192.0.2.7")
    assert isinstance(key, SenderKey) and budget.sender(key) is key
    limits = [(60, 2)]
    assert budget.spend(key, "check-in", limits) and budget.spend("192.0.2.7", "check-in", limits)
    assert budget.full("192.0.2.7", "check-in", limits) and budget.full(key, "check-in", limits)
    assert not budget.spend(key, "check-in", limits)
    assert not budget.full("192.0.2.8", "check-in", limits)


# --- cookies that name no row (issue 13) ---------------------------------------------------------

def decoded_session(app, client):
    value = client.get_cookie("session").value
    return app.session_interface.get_signing_serializer(app).loads(value)


def test_no_cookie_a_visitor_page_sets_names_a_row(app, client, db, mallis):
    app.config["FROZEN_NOW"] = "2026-11-23T12:10"
    check_in(client, mallis, str(activity_id(db, "Sygrupp")))
    answer(client, mallis, "gender", "woman")
    answer(client, mallis, "remember", "yes")
    page = text(client.get(door(mallis) + "/done"))
    client.post("/mallis/feedback", data={**hidden_fields(page, "/mallis/feedback"),
                                          "rating": "2"})
    decoded = decoded_session(app, client)
    refs = {kind: client.get_cookie(name).value for kind, name in STEP_COOKIES.items()}
    ids = {str(r[0]) for r in db.execute("SELECT id FROM visit UNION SELECT id FROM feedback")}
    flat = json.dumps(decoded)
    assert not {"visit", "feedback", "step", "said"} & set(decoded)
    assert all(isinstance(v, str) for v in decoded.values()), decoded
    assert not any(v in ids for v in [*decoded.values(), *refs.values()])
    assert '": 1' not in flat and "id" not in decoded
    assert all(len(ref) == 24 for ref in refs.values()), refs  # 18 random bytes, nothing else
    key, flag, mac = client.get_cookie(PHONE_COOKIE).value.split(".")
    assert (len(key), flag, len(mac)) == (32, "w", 22)
    # What the references point to lives on the server, behind their hash.
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 2
    stored = {r[0] for r in db.execute("SELECT ref_hash FROM pending_step")}
    assert not stored & {*decoded.values(), *refs.values()}
    assert stored == {hashlib.sha256(ref.encode()).hexdigest() for ref in refs.values()}


def test_a_check_in_does_not_sign_the_session_cookie_again(app, db, mallis):
    """The step's reference has its own cookie: the session cookie a check-in was sent with
    comes back unchanged (signing it again was an eighth of a check-in's time)."""
    tap = check_in(fresh(app), mallis, "none")
    headers = tap.headers.getlist("Set-Cookie")
    assert tap.status_code == 302 and len(visits(db)) == 1
    assert any(h.startswith(STEP_COOKIES["visit"] + "=") for h in headers)
    assert not any(h.startswith(("session=", "__Host-session=")) for h in headers), headers
    [step] = [h for h in headers if h.startswith(STEP_COOKIES["visit"] + "=")]
    assert "HttpOnly" in step and "SameSite=Lax" in step
    # It ends with the browser session: no lifetime of its own.
    assert "Max-Age" not in step and "Expires" not in step, step


def test_a_step_is_forgotten_when_its_time_is_over(app, client, db, mallis):
    check_in(client, mallis, "none")
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 1
    app.config["FROZEN_NOW"] = "2026-11-24T09:05"  # the venue's day is over
    assert client.get(door(mallis) + "/done").location == door(mallis)
    check_in(client, mallis, "none")  # a new day: a new visit, the old reference deleted
    assert len(visits(db)) == 2
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 1


def test_the_daily_job_forgets_steps_and_spent_tokens_when_nobody_comes_after(app, client, db,
                                                                           mallis):
    """The last visitor of the day leaves a step (its hash points at the visit) and a spent
    token; only a later visitor's post deleted them (before: both kept for as long as nobody
    came). The daily job forgets them once their day is over, and never a step still good."""
    def kept():
        return tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("pending_step", "used_form"))

    check_in(client, mallis, "none")
    rate_page = text(client.get("/mallis/feedback"))
    client.post("/mallis/feedback", data={**hidden_fields(rate_page), "rating": "3"})
    assert kept() == (2, 2)
    app.config["FROZEN_NOW"] = "2026-11-23T23:30"  # the same day: everything still good
    assert run(app, "daily").exit_code == 0 and kept() == (2, 2)
    app.config["FROZEN_NOW"] = "2026-11-25T03:00"  # nobody came since
    assert run(app, "daily").exit_code == 0 and kept() == (0, 0)


def test_a_step_reference_is_only_good_for_its_own_kind_and_venue(db, mallis, victor):
    ref = steps.start(db, kind="feedback", row_id=7, venue_id=mallis["id"], now_hour=10,
                      until_hour=12)
    assert steps.find(db, ref, kind="feedback", venue_id=mallis["id"], now_hour=11)
    assert steps.find(db, ref, kind="visit", venue_id=mallis["id"], now_hour=11) is None
    assert steps.find(db, ref, kind="feedback", venue_id=victor["id"], now_hour=11) is None
    assert steps.find(db, ref, kind="feedback", venue_id=mallis["id"], now_hour=12) is None
    assert steps.find(db, "made-up-reference", kind="feedback", venue_id=mallis["id"],
                      now_hour=11) is None


def test_the_queries_run_at_every_tap_read_no_whole_table(db):
    """A flood makes these tables long: each tap's own queries must go by an index."""
    for sql in ["DELETE FROM pending_step WHERE until_hour <= 1",
                "DELETE FROM pending_step WHERE ref_hash = 'x'",
                "DELETE FROM used_form WHERE day < '2026-11-22'",
                "SELECT count(*) FROM visit WHERE venue_id = 1 AND date = '2026-11-23' "
                "AND source = 'qr'"]:
        plan = " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SCAN" not in plan, (sql, plan)


# --- a browser that keeps no cookies, an old page ------------------------------------------------

def test_a_browser_without_cookies_is_told_what_to_do(client, db, mallis):
    form = hidden_fields(text(client.get(door(mallis))))
    without = client.application.test_client()  # the QR app's browser: no cookie comes back
    response = without.post(door(mallis), data=form)
    page = text(response)
    assert response.status_code == 400 and visits(db) == []
    assert "Den här webbläsaren sparar inga kakor" in page and "Inget sparades." in page
    assert "surfplattan vid dörren" in page and "säg till personalen" in page
    assert '<a class="brand" href="/mallis/">Mallis</a>' in page


def test_an_expired_page_says_so_and_offers_a_fresh_one(client, db, mallis):
    form = hidden_fields(text(client.get(door(mallis))))
    response = client.post(door(mallis), data={**form, "csrf_token": "old.token"})
    page = text(response)
    assert response.status_code == 400 and "Sidan hann bli för gammal" in page
    assert f'<a class="button" href="{door(mallis)}">Ladda sidan igen</a>' in page
    client.get("/lang/en")
    assert "This page has expired" in text(client.post(door(mallis), data={"csrf_token": "x"}))


# --- the kiosk -----------------------------------------------------------------------------------

@pytest.fixture
def kiosk(app, db, client, mallis):
    from tests.helpers import log_in, make_user, post_form

    make_user(db, "anna")
    log_in(client, "anna")
    post_form(client, "/staff/mallis/kiosks", {"label": "Vid dörren"})
    return client


def kiosk_tap(kiosk, gender="skip", activity=None):
    page = text(kiosk.get("/kiosk/"))
    extra = {"activity": str(activity)} if activity is not None else {}
    return kiosk.post("/kiosk/", data={**hidden_fields(page), "gender": gender, **extra})


def test_a_kiosk_burst_beyond_the_bound_stores_only_the_bound(app, kiosk, db):
    assert app.config["KIOSK_CHECKINS_PER_MINUTE"] == 10
    statuses = [kiosk_tap(kiosk).status_code for _ in range(25)]
    assert statuses == [302] * 10 + [429] * 15
    assert db.execute("SELECT count(*) FROM used_form").fetchone()[0] == 10
    assert [v["source"] for v in visits(db)] == ["kiosk"] * 10


def test_past_the_kiosks_day_bound_check_ins_are_set_aside_never_refused(app, kiosk, db):
    """operations.md: KIOSK_CHECKINS_PER_DAY refuses nobody either: a tap past it is stored
    set aside for staff to review, in one decision for the day by "checkin"."""
    result = run(app, "door-limits", "--venue", "mallis", "--kiosk-per-day", "3")
    assert result.exit_code == 0, result.output
    statuses = [kiosk_tap(kiosk).status_code for _ in range(5)]
    assert statuses == [302] * 5 and len(visits(db)) == 5
    aside = [v["set_aside_id"] for v in visits(db)]
    assert aside.count(None) == 3 and len({a for a in aside if a}) == 1
    [decision] = [dict(r) for r in db.execute("SELECT * FROM set_aside")]
    assert (decision["visits"], decision["set_by"]) == (2, "checkin")


def test_a_replayed_kiosk_tap_stores_one_visit(kiosk, db):
    form = {**hidden_fields(text(kiosk.get("/kiosk/"))), "gender": "woman"}
    statuses = [kiosk.post("/kiosk/", data=form).status_code for _ in range(10)]
    assert statuses == [302] + [409] * 9 and len(visits(db)) == 1


def test_the_kiosk_thanks_screen_asks_faces_only_of_an_ended_activity(app, kiosk, db, mallis):
    """Issue 25 item 2: a late tap after Sygrupp (10-12) ended is asked how it was; the screen
    goes back to the start in 5 s."""
    app.config["FROZEN_NOW"] = "2026-11-23T12:20"
    sygrupp = activity_id(db, "Sygrupp")
    thanks = text(kiosk.get(kiosk_tap(kiosk, activity=sygrupp).location))
    assert "Hur var det?" in thanks and thanks.count('name="rating"') == 5
    assert 'http-equiv="refresh" content="5;url=/kiosk/"' in thanks
    form = {**hidden_fields(thanks, "/kiosk/feedback"), "rating": "4"}
    rated = kiosk.post("/kiosk/feedback", data=form)
    assert rated.status_code == 200 and "Tack för att du berättar!" in text(rated)
    assert 'content="5;url=/kiosk/"' in text(rated)
    replayed = kiosk.post("/kiosk/feedback", data=form)
    assert replayed.status_code == 409
    assert "Det här svaret är redan sparat. Inget mer sparades." in text(replayed)
    assert [tuple(r) for r in db.execute("SELECT activity_id, rating FROM feedback")] == [
        (sygrupp, 4)]
    assert kiosk.post("/kiosk/feedback", data={**form, "rating": "9"}).status_code == 400


@pytest.mark.parametrize("activity", [None, "none"])
def test_the_kiosk_asks_no_face_on_arrival_and_stores_none_sent_anyway(kiosk, db, activity):
    """On arrival (Sygrupp runs 10-12, now 10:15; or no activity) the thanks screen has no
    faces, and a face posted anyway (a made-up form) stores nothing."""
    thanks = text(kiosk.get(kiosk_tap(kiosk, activity=activity).location))
    assert 'name="rating"' not in thanks and "Hur var det" not in thanks
    assert 'http-equiv="refresh" content="5;url=/kiosk/"' in thanks
    sygrupp = activity_id(db, "Sygrupp")
    for about in (str(sygrupp), "none"):
        form = {"csrf_token": csrf_token(text(kiosk.get("/kiosk/"))), "rating": "5",
                "activity": about,
                "once": "x"}
        response = kiosk.post("/kiosk/feedback", data=form)
        assert response.status_code == 400 and "Inget sparades." in text(response)
        assert "Tack för att du berättar" not in text(response)
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0


def test_kiosk_faces_past_the_tablets_bound_write_nothing_and_say_so(app, kiosk, db):
    """Someone at the tablet taps faces on and on: past the bound nothing is stored, no token
    is spent, and the screen does not claim the answer was saved (before: 409 "Det här svaret
    är redan sparat" for a face that was never stored, and a used_form row each)."""
    app.config.update(KIOSK_CHECKINS_PER_MINUTE=3, FROZEN_NOW="2026-11-23T12:20")
    kiosk_tap(kiosk, activity=activity_id(db, "Sygrupp"))
    tokens_before = db.execute("SELECT count(*) FROM used_form").fetchone()[0]
    statuses, pages = [], []
    for _ in range(6):
        thanks = text(kiosk.get(f"/kiosk/thanks?activity={activity_id(db, 'Sygrupp')}"))
        form = {**hidden_fields(thanks, "/kiosk/feedback"), "rating": "1"}
        response = kiosk.post("/kiosk/feedback", data=form)
        statuses.append(response.status_code)
        pages.append(text(response))
    assert statuses == [200] * 3 + [429] * 3
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM used_form").fetchone()[0] == tokens_before + 3
    assert "redan sparat" not in pages[-1] and "Inget sparades." in pages[-1]


def test_the_kiosk_is_closed_kindly_on_a_day_without_opening(app, kiosk, db):
    app.config["FROZEN_NOW"] = "2026-11-29T12:00"  # Sunday
    page = text(kiosk.get("/kiosk/"))
    assert "Vi har stängt i dag." in page and 'name="gender"' not in page
    assert "Välkommen tillbaka i morgon!" in page


def test_csrf_is_still_checked_before_anything(client, db, mallis):
    form = hidden_fields(text(client.get(door(mallis))))
    del form["csrf_token"]
    assert client.post(door(mallis), data=form).status_code == 400 and visits(db) == []
    assert csrf_token(text(client.get(door(mallis))))


def test_a_step_reference_dies_at_the_venues_midnight_exactly(app, client, db, mallis):
    """Issue 28 item 6: a face tapped at 23:30 kept a working reference until about 01:30 (a
    text was taken at 00:45 the next day), and expired rows stayed until someone else tapped
    or the daily job ran. Now both references end at the venue's midnight, and a reference
    found expired is deleted there and then."""
    app.config["FROZEN_NOW"] = "2026-11-23T23:30"
    check_in(client, mallis, "none")
    page = text(client.get("/mallis/feedback"))
    client.post("/mallis/feedback", data={**hidden_fields(page), "rating": "4"})
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 2
    app.config["FROZEN_NOW"] = "2026-11-23T23:59"
    assert client.get(door(mallis) + "/done").status_code == 200
    assert client.get("/mallis/feedback/text").status_code == 200
    app.config["FROZEN_NOW"] = "2026-11-24T00:00"
    assert client.get(door(mallis) + "/done").location == door(mallis)
    text_page = client.get("/mallis/feedback/text")
    assert text_page.location.endswith("/mallis/feedback/thanks")
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 0
    response = client.post("/mallis/feedback/text", data={
        "csrf_token": csrf_token(page), "text": "Skrivet efter midnatt"})
    assert response.status_code == 302
    assert db.execute("SELECT count(text) FROM feedback").fetchone()[0] == 0


def test_a_step_ends_at_midnight_in_a_half_hour_time_zone_too(app, client, db, mallis):
    """Where midnight is not on a whole UTC hour (India, +05:30), the hour the row keeps ends
    half an hour late; the day of the visit ends the step at midnight all the same."""
    db.execute("UPDATE venue SET timezone = 'Asia/Kolkata' WHERE id = ?", [mallis["id"]])
    db.conn.commit()
    app.config["FROZEN_NOW"] = "2026-11-23T23:50"
    check_in(client, mallis, "none")
    [until] = [r[0] for r in db.execute("SELECT until_hour FROM pending_step")]
    midnight = dt.datetime(2026, 11, 24, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert until * 3600 == midnight.timestamp() + 1800  # the next whole hour after midnight
    app.config["FROZEN_NOW"] = "2026-11-24T00:00"
    assert client.get(door(mallis) + "/done").location == door(mallis)
    assert db.execute("SELECT count(*) FROM pending_step").fetchone()[0] == 0


def test_the_kiosks_five_buttons_weigh_the_same(kiosk):
    """Issue 25 item 5: "Bara checka in" is styled as the four answers (was outlined, big)."""
    import re

    page = text(kiosk.get("/kiosk/"))
    genders = re.search(r'<div class="genders">(.*?)</div>', page, re.S)[1]
    buttons = re.findall(r'<button type="submit" name="gender" value="(\w+)"([^>]*)>', genders)
    assert [value for value, _ in buttons] == ["woman", "man", "other", "unstated", "skip"]
    assert all("secondary" not in attrs and "big" not in attrs for _, attrs in buttons)
