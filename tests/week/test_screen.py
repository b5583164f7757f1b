"""The screen on the wall ("Nu och sen"): what it says at a given minute, and a screen-only
cookie that staff give a device and can take back, which opens nothing else."""

import datetime as dt
import re

import pytest

from checkin.week import operations
from checkin.week.now_and_next import now_and_next
from tests.helpers import (
    SOMEONE,
    activity_id,
    audit_lines,
    csrf_token,
    guarded_routes,
    log_in,
    make_user,
    post_form,
    refused,
    text,
    venue_row,
    with_token,
)

MONDAY = dt.date(2026, 11, 23)


def at(day, clock):
    hour, minute = (int(p) for p in clock.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute))


def names(items):
    return [i["activity"]["name_sv"] for i in items]


def slot_of(db, name_sv, weekday):
    return db.execute("SELECT id FROM slot WHERE activity_id = ? AND weekday = ?",
                      [activity_id(db, name_sv), weekday]).fetchone()[0]


def cancel(db, name_sv, day, note_sv="", note_en=""):
    operations.save_change(db, slot_of(db, name_sv, day.weekday()), day, {
        "cancelled": True, "new_date": None, "new_start": None, "new_end": None,
        "note_sv": note_sv, "note_en": note_en}, today=MONDAY, user=SOMEONE)


# --- what the screen says -------------------------------------------------------------------

def test_monday_morning_shows_sewing_now_then_the_afternoon_and_tuesdays_first(db, mallis):
    view = now_and_next(db, mallis["id"], at(MONDAY, "10:15"))
    assert names(view["now"]) == ["Sygrupp"]
    assert names(view["next"]) == ["Peer support", "Skogsvandring"]
    day, tomorrow = view["next_day"]
    assert day == MONDAY + dt.timedelta(days=1)
    assert names(tomorrow)[0] == "Matlagningskurs" and len(tomorrow) > 1
    assert view["cancelled"] == [] and view["moved_away"] == [] and view["more_today"] == 0


def test_between_activities_nothing_runs_and_an_ended_one_is_not_next(db, mallis):
    view = now_and_next(db, mallis["id"], at(MONDAY, "12:00"))
    assert view["now"] == [] and names(view["next"]) == ["Peer support", "Skogsvandring"]


def test_on_friday_evening_the_next_day_is_monday(db, mallis):
    view = now_and_next(db, mallis["id"], at(MONDAY + dt.timedelta(days=4), "21:30"))
    assert view["now"] == [] and view["next"] == []
    day, monday = view["next_day"]
    assert day == MONDAY + dt.timedelta(days=7)
    assert names(monday) == ["Sygrupp", "Peer support", "Skogsvandring"]  # all of it, not one


def test_a_cancelled_activity_is_listed_as_cancelled_and_not_as_next(db, mallis):
    cancel(db, "Peer support", MONDAY, "Ledaren är sjuk.")
    view = now_and_next(db, mallis["id"], at(MONDAY, "10:15"))
    assert names(view["next"]) == ["Skogsvandring"]
    assert names(view["cancelled"]) == ["Peer support"]
    assert view["cancelled"][0]["note_sv"] == "Ledaren är sjuk."


def test_an_activity_moved_away_from_today_says_where_it_went(db, mallis):
    operations.save_change(db, slot_of(db, "Peer support", 0), MONDAY, {
        "cancelled": False, "new_date": "2026-11-25", "new_start": None, "new_end": None,
        "note_sv": "", "note_en": ""}, today=MONDAY, user=SOMEONE)
    view = now_and_next(db, mallis["id"], at(MONDAY, "10:15"))
    assert names(view["moved_away"]) == ["Peer support"]
    assert view["moved_away"][0]["date"] == dt.date(2026, 11, 25)
    assert names(view["next"]) == ["Skogsvandring"]


def test_a_cancelled_first_activity_tomorrow_is_skipped_for_the_next_one(db, mallis):
    cancel(db, "Matlagningskurs", MONDAY + dt.timedelta(days=1))
    _day, tomorrow = now_and_next(db, mallis["id"], at(MONDAY, "10:15"))["next_day"]
    assert names(tomorrow)[0] == "Ekonomiska frågor" and "Matlagningskurs" not in names(tomorrow)


def test_more_than_fit_are_counted(db, mallis):
    view = now_and_next(db, mallis["id"], at(MONDAY + dt.timedelta(days=3), "09:00"),
                        next_shown=2)
    assert names(view["next"]) == ["Kortfilmsgrupp", "Peer support"]
    assert view["more_today"] == 2


# --- making a screen, and what only a screen sees -------------------------------------------

@pytest.fixture
def screen(app, db, client, mallis):
    """A test client that a staff member has turned into the screen for Mallis, in Swedish."""
    make_user(db, "anna")
    log_in(client, "anna")
    response = post_form(client, "/staff/mallis/screens", {"label": "Tv:n i caféet",
                                                           "lang": "sv"})
    assert response.status_code == 302 and response.location == "/mallis/screen"
    return client


def screen_rows(db):
    return [dict(r) for r in db.execute("SELECT * FROM screen ORDER BY id")]


def test_making_a_screen_logs_staff_out_and_keeps_only_the_tokens_hash(screen, db):
    assert screen.get("/staff/").status_code == 302
    [row] = screen_rows(db)
    assert (row["label"], row["lang"], row["created_on"]) == ("Tv:n i caféet", "sv",
                                                              "2026-11-23")
    assert audit_lines(db)[-1]["action"] == "screen created"
    cookie = screen.get_cookie("checkin_screen", path="/mallis/screen")
    assert cookie.http_only and cookie.same_site == "Strict" and cookie.path == "/mallis/screen"
    assert cookie.value not in str(row)


def test_the_screen_shows_now_next_tomorrow_and_the_door_code_and_reloads_each_minute(screen):
    response = screen.get("/mallis/screen")
    page = text(response)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="60">' in page
    assert re.search(r"<h1[^>]*>Nu</h1>", page)
    assert page.index("Sygrupp") < page.index("Senare i dag") < page.index("Peer support")
    assert page.index("I morgon") < page.index("Matlagningskurs")
    tomorrow = page[page.index('id="next-day-heading"'):page.index('class="door"')]
    # The day's first, and how many more: the rest was left out without a word.
    assert "Matlagningskurs" in tomorrow and "och 2 till den dagen" in tomorrow
    assert "Skanna för att checka in" in page and "<svg" in page
    assert "kl. 10.15" in page and "måndag 23 november" in page
    assert "/staff" not in page  # a screen on the wall leads nowhere


def test_the_screens_language_is_chosen_when_it_is_made(app, db, client, mallis):
    make_user(db, "anna")
    log_in(client, "anna")
    post_form(client, "/staff/mallis/screens", {"label": "", "lang": "en"})
    page = text(client.get("/mallis/screen"))
    assert 'lang="en"' in page and re.search(r"<h1[^>]*>Now</h1>", page)
    assert "Sewing group" in page and "Scan to check in" in page and "10:15 am" in page


def test_todays_cancellations_show_with_their_note(screen, db):
    cancel(db, "Peer support", MONDAY, "Ledaren är sjuk.", "The leader is ill.")
    page = text(screen.get("/mallis/screen"))
    assert "Ändrat i dag" in page and "Inställt:</span> Peer support" in page
    assert "Ledaren är sjuk." in page


def test_a_device_without_the_screen_cookie_sees_no_door_code(client, mallis):
    response = client.get("/mallis/screen")
    assert response.status_code == 401
    page = text(response)
    assert "inte en skärm för Mallis" in page
    assert "<svg width" not in page and 'http-equiv="refresh"' not in page
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("token", ["", "x", "a" * 101, "not-a-real-token-but-long-enough-12345"])
def test_a_made_up_screen_cookie_opens_nothing(client, mallis, token):
    client.set_cookie("checkin_screen", token, path="/mallis/screen")
    assert client.get("/mallis/screen").status_code == 401


def test_a_screen_of_one_venue_does_not_open_another_venues_screen(screen, victor):
    token = screen.get_cookie("checkin_screen", path="/mallis/screen").value
    # The browser would not even send it there (its path); even if it did, nothing opens.
    screen.set_cookie("checkin_screen", token, path="/victor/screen")
    assert screen.get("/victor/screen").status_code == 401
    assert screen.get("/mallis/screen").status_code == 200


def test_the_screen_cookie_opens_no_staff_route_and_no_kiosk(screen, app):
    token = screen.get_cookie("checkin_screen", path="/mallis/screen").value
    wall = app.test_client()
    wall.set_cookie("checkin_screen", token)  # even sent on every path
    open_ = with_token(wall)
    for rule, url, method in guarded_routes(app):
        response = open_(url, method)
        assert refused(response), f"{method} {rule} answered {response.status_code}"


def test_a_screen_turned_off_stops_showing_the_door_code(screen, app, db):
    other = app.test_client()
    log_in(other, "anna")
    [row] = screen_rows(db)
    response = post_form(other, f"/staff/mallis/screens/{row['id']}/off", {},
                         page_url="/staff/mallis/screens")
    assert response.status_code == 302
    assert screen_rows(db)[0]["revoked_on"] == "2026-11-23"
    assert audit_lines(db)[-1]["action"] == "screen turned off"
    assert screen.get("/mallis/screen").status_code == 401
    # Turning it off twice changes nothing and says so.
    again = post_form(other, f"/staff/mallis/screens/{row['id']}/off", {},
                      page_url="/staff/mallis/screens")
    assert again.status_code == 404


def test_turning_a_screen_off_asks_first_and_the_question_changes_nothing(screen, app, db):
    # The list's button turned the screen off in one tap (a POST), for good: like a kiosk,
    # it now opens a page that says what happens, and only that page's button posts.
    other = app.test_client()
    log_in(other, "anna")
    [row] = screen_rows(db)
    url = f"/staff/mallis/screens/{row['id']}/off"
    listing = text(other.get("/staff/mallis/screens"))
    assert f'href="{url}"' in listing and f'action="{url}"' not in listing
    asked = other.get(url)
    assert asked.status_code == 200 and "Stänga av Tv:n i caféet?" in text(asked)
    other.set_cookie("lang", "en")
    asked = text(other.get(url))
    assert "Turn off Tv:n i caféet?" in asked and "cannot be turned on again" in asked
    assert f'action="{url}"' in asked
    assert screen_rows(db)[0]["revoked_on"] is None
    assert screen.get("/mallis/screen").status_code == 200
    assert other.post(url, data={"csrf_token": csrf_token(asked)}).status_code == 302
    assert screen_rows(db)[0]["revoked_on"] == "2026-11-23"
    assert other.get(url).status_code == 404  # off already: nothing to ask


@pytest.mark.parametrize("data", [
    {"label": "", "lang": "de"},
    {"label": "", "lang": ""},
    {"label": "x" * 61, "lang": "sv"},
])
def test_bad_screen_input_is_refused_and_nothing_stored(staff, db, data):
    response = post_form(staff, "/staff/mallis/screens", data)
    assert response.status_code == 400
    assert screen_rows(db) == []
    assert staff.get("/staff/").status_code == 200  # still logged in


def test_making_a_screen_without_the_forms_token_stores_nothing(staff, db):
    response = staff.post("/staff/mallis/screens", data={"label": "", "lang": "sv"})
    assert response.status_code == 400 and screen_rows(db) == []


def test_a_viewer_and_staff_of_another_venue_cannot_make_or_turn_off_screens(app, db, client,
                                                                             mallis, victor):
    make_user(db, "vera", "viewer")
    log_in(client, "vera")
    assert client.get("/staff/mallis/screens").status_code == 403
    make_user(db, "gustav", "staff", venue_ids=[victor["id"]])
    other = app.test_client()
    log_in(other, "gustav")
    assert other.get("/staff/mallis/screens").status_code == 403
    page = other.get("/staff/victor/screens")
    response = other.post("/staff/mallis/screens",
                          data={"csrf_token": csrf_token(text(page)), "lang": "sv"})
    assert response.status_code == 403 and screen_rows(db) == []


def test_a_screen_id_of_another_venue_cannot_be_turned_off_from_this_one(screen, app, db,
                                                                       victor):
    make_user(db, "gustav", "staff")
    other = app.test_client()
    log_in(other, "gustav")
    [row] = screen_rows(db)
    response = post_form(other, f"/staff/victor/screens/{row['id']}/off", {},
                         page_url="/staff/victor/screens")
    assert response.status_code == 404
    assert screen_rows(db)[0]["revoked_on"] is None


def test_the_staff_page_lists_screens_in_both_languages(staff, db, mallis):
    page = text(staff.get("/staff/mallis/screens"))
    assert "Skärm på väggen" in page and "Ingen skärm än." in page
    staff.get("/lang/en")
    page = text(staff.get("/staff/mallis/screens"))
    assert "Screen on the wall" in page and "Make this device a screen" in page


def test_an_activity_hidden_from_the_week_is_not_on_the_screen(db, mallis):
    with db.conn:
        db.execute("UPDATE activity SET active = 0 WHERE name_sv = 'Peer support'")
    view = now_and_next(db, mallis["id"], at(MONDAY, "10:15"))
    assert names(view["next"]) == ["Skogsvandring"]


def test_an_event_elsewhere_shows_its_own_place_on_the_screen(screen, db, mallis):
    operations.save_event(db, mallis["id"], {
        "activity_id": db.execute("SELECT id FROM activity WHERE name_sv = 'Sygrupp'"
                                  ).fetchone()[0],
        "date": "2026-11-23", "start": "16:00", "end": "18:00",
        "address": "Stadsbiblioteket, Sveavägen 73", "note_sv": "", "note_en": ""},
        today=MONDAY, user=SOMEONE)
    page = text(screen.get("/mallis/screen"))
    later = page[page.index("Senare i dag"):page.index('class="col-coming"')]
    assert "Stadsbiblioteket, Sveavägen 73" in later


def test_a_screen_shows_the_new_door_key_after_it_is_replaced(screen, app, db):
    """operations.md: replacing the door key changes the wall screen's code at its next
    reload, with nothing done on the screen: its QR code is the new door address's."""
    from checkin.visits.door import door_url
    from checkin.web.qr import qr_svg

    def svg():  # the QR code's modules, as drawn
        return re.findall(r' d="([^"]+)"', text(screen.get("/mallis/screen")))

    def qr_of(venue):
        return re.findall(r' d="([^"]+)"', qr_svg(door_url(app.config["BASE_URL"], venue)))

    before = svg()
    assert before and before == qr_of(venue_row(db, "mallis"))
    other = app.test_client()
    log_in(other, "anna")
    response = post_form(other, "/staff/mallis/door-key", {"confirm": "y"})
    assert response.status_code == 302
    after = svg()
    assert after != before and after == qr_of(venue_row(db, "mallis"))
