"""The week as a calendar feed: what a phone's calendar gets from /<venue>/week.ics, read with a
real iCalendar parser (the `icalendar` package)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest

from checkin.week import calendar_feed, operations
from tests.helpers import SOMEONE, activity_id, text

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def feed(client, path="/mallis/week.ics", **kwargs):
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def events(calendar):
    return list(calendar.walk("VEVENT"))


def by_summary(calendar, summary):
    return [e for e in events(calendar) if str(e["SUMMARY"]) == summary]


def on(calendar, day):
    return [e for e in events(calendar) if e.decoded("DTSTART").date() == day]


def slot_of(db, name_sv, weekday):
    return db.execute("SELECT id FROM slot WHERE activity_id = ? AND weekday = ?",
                      [activity_id(db, name_sv), weekday]).fetchone()[0]


MONDAY = dt.date(2026, 11, 23)
THURSDAY = dt.date(2026, 11, 26)


def test_the_feed_has_every_occurrence_of_the_coming_weeks_in_stockholm_time(client, mallis):
    calendar = feed(client)
    # Mallis: 16 weekly occurrences; last week, this week and seven more, plus two one-offs.
    assert len(events(calendar)) == 16 * 9 + 2
    sewing = by_summary(calendar, "Sygrupp")
    assert [e.decoded("DTSTART").date() for e in sewing] == [
        dt.date(2026, 11, 16) + dt.timedelta(weeks=n) for n in range(9)]
    monday = sewing[1]
    assert monday["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert monday.decoded("DTSTART") == dt.datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM)
    assert monday.decoded("DTEND") == dt.datetime(2026, 11, 23, 12, 0, tzinfo=STOCKHOLM)
    assert str(monday["DESCRIPTION"]) == "Sy, laga och lär av varandra."
    assert str(monday["LOCATION"]) == "Mallis, Malmskillnadsgatan"
    assert str(monday["STATUS"]) == "CONFIRMED"
    assert str(monday["URL"]).endswith("/mallis/?week=2026-W48")
    # The time zone itself travels with the feed, so any calendar can place the times.
    zones = list(calendar.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["Europe/Stockholm"]
    assert str(calendar["X-WR-CALNAME"]) == "Mallis – veckans schema"
    assert str(calendar["REFRESH-INTERVAL"].to_ical(), "ascii") == "PT6H"


def test_every_occurrence_has_its_own_uid_and_the_same_one_next_time(client, mallis):
    first = [str(e["UID"]) for e in events(feed(client))]
    assert len(set(first)) == len(first)
    assert [str(e["UID"]) for e in events(feed(client))] == first


def test_an_activity_elsewhere_has_its_address_and_says_open_to_everyone(client, mallis):
    walk = by_summary(feed(client), "Skogsvandring")[1]
    assert str(walk["LOCATION"]) == "Judarskogen, Bromma"
    assert str(walk["DESCRIPTION"]) == "En lugn promenad i skogen.\nÖppen för alla"


def test_a_one_off_event_has_its_note(client, mallis):
    workshop = by_summary(feed(client), "Framtidsverkstad")
    assert len(workshop) == 1
    assert workshop[0].decoded("DTSTART") == dt.datetime(2026, 12, 3, 13, 0, tzinfo=STOCKHOLM)
    assert "Vi bjuder på lunch." in str(workshop[0]["DESCRIPTION"])


def test_a_cancelled_occurrence_stays_in_the_feed_as_cancelled_with_its_note(client, db, mallis):
    before = {str(e["UID"]): e for e in on(feed(client), THURSDAY)}
    slot = slot_of(db, "Kortfilmsgrupp", 3)
    operations.save_change(db, slot, THURSDAY, {
        "cancelled": True, "new_date": None, "new_start": None, "new_end": None,
        "note_sv": "Ledaren är sjuk.", "note_en": "The leader is ill."}, today=MONDAY, user=SOMEONE)
    after = {str(e["UID"]): e for e in on(feed(client), THURSDAY)}
    assert after.keys() == before.keys()
    cancelled = [e for e in after.values() if str(e["STATUS"]) == "CANCELLED"]
    assert len(cancelled) == 1
    assert str(cancelled[0]["SUMMARY"]) == "Inställt: Kortfilmsgrupp"
    assert str(cancelled[0]["DESCRIPTION"]).endswith("Ledaren är sjuk.")
    assert cancelled[0]["SEQUENCE"] > max(e["SEQUENCE"] for e in before.values())
    english = by_summary(feed(client, "/mallis/week.ics?lang=en"), "Cancelled: Short film group")
    assert len(english) == 1 and str(english[0]["DESCRIPTION"]).endswith("The leader is ill.")


def test_a_moved_occurrence_changes_in_place_with_the_same_uid(client, db, mallis):
    slot = slot_of(db, "Sygrupp", 0)
    uid = f"slot-{slot}-20261130@127.0.0.1"
    before = [e for e in events(feed(client)) if str(e["UID"]) == uid]
    assert before[0].decoded("DTSTART") == dt.datetime(2026, 11, 30, 10, 0, tzinfo=STOCKHOLM)
    operations.save_change(db, slot, dt.date(2026, 11, 30), {
        "cancelled": False, "new_date": "2026-12-02", "new_start": "13:00", "new_end": "15:00",
        "note_sv": "", "note_en": ""}, today=MONDAY, user=SOMEONE)
    after = [e for e in events(feed(client)) if str(e["UID"]) == uid]
    assert len(after) == 1
    assert after[0].decoded("DTSTART") == dt.datetime(2026, 12, 2, 13, 0, tzinfo=STOCKHOLM)
    assert str(after[0]["STATUS"]) == "CONFIRMED"
    assert after[0]["SEQUENCE"] > before[0]["SEQUENCE"]
    assert "Flyttad från måndag 30 november" in str(after[0]["DESCRIPTION"])
    assert not [e for e in on(feed(client), dt.date(2026, 11, 30))
                if str(e["SUMMARY"]) == "Sygrupp"]


def test_the_english_feed_has_english_names_and_falls_back_to_swedish(client, db, mallis):
    calendar = feed(client, "/mallis/week.ics?lang=en")
    assert str(calendar["X-WR-CALNAME"]) == "Mallis – this week's programme"
    monday = on(calendar, MONDAY)
    assert [str(e["SUMMARY"]) for e in monday] == [
        "Sewing group", "Peer support", "Forest walk"]
    assert "Open to everyone" in str(monday[2]["DESCRIPTION"])
    with db.conn:
        db.execute("UPDATE activity SET name_en = '', description_en = '' WHERE name_sv = ?",
                   ["Sygrupp"])
    assert str(on(feed(client, "/mallis/week.ics?lang=en"), MONDAY)[0]["SUMMARY"]) == "Sygrupp"


def test_the_language_comes_from_the_address_never_from_a_cookie(client, mallis):
    client.get("/lang/en")
    assert str(on(feed(client), MONDAY)[0]["SUMMARY"]) == "Sygrupp"


@pytest.mark.parametrize("query", ["?lang=de", "?lang=EN", "?lang=", "?lang=sv%00"])
def test_an_unknown_language_is_refused_plainly(client, mallis, query):
    response = client.get("/mallis/week.ics" + query)
    assert response.status_code == 400
    assert "?lang=sv eller ?lang=en" in text(response)
    assert "BEGIN:VCALENDAR" not in text(response)


def test_an_unknown_venue_has_no_feed(client, mallis):
    assert client.get("/nowhere/week.ics").status_code == 404


def test_each_venue_has_only_its_own_programme(client, mallis, victor):
    summaries = {str(e["SUMMARY"]) for e in events(feed(client, "/victor/week.ics"))}
    assert summaries == {"Husmöte", "Gym", "Våffelkväll", "Klädutdelning", "Bio"}


def test_the_feed_sets_no_cookie_and_a_calendar_asking_again_gets_304(client, mallis):
    response = client.get("/mallis/week.ics")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=900"
    again = client.get("/mallis/week.ics",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_feed_follows_the_clock_across_summer_time(app, client, mallis):
    app.config["FROZEN_NOW"] = "2027-03-24T09:00"
    sewing = by_summary(feed(client), "Sygrupp")
    utc = {e.decoded("DTSTART").date(): e.decoded("DTSTART").astimezone(dt.UTC).hour
           for e in sewing}
    assert utc[dt.date(2027, 3, 22)] == 9 and utc[dt.date(2027, 3, 29)] == 8


def test_the_week_page_offers_the_feed_in_the_visitors_language(client, mallis):
    page = text(client.get("/mallis/"))
    assert "Lägg till i kalendern" in page
    assert 'href="webcal://127.0.0.1:5000/mallis/week.ics"' in page
    client.get("/lang/en")
    page = text(client.get("/mallis/"))
    assert "Add to calendar" in page
    assert 'href="webcal://127.0.0.1:5000/mallis/week.ics?lang=en"' in page


def test_a_year_of_the_programme_is_one_valid_calendar(db, mallis):
    venue = dict(db.execute("SELECT * FROM venue WHERE slug = 'mallis'").fetchone())
    first, last = MONDAY, MONDAY + dt.timedelta(weeks=52, days=-1)
    body = calendar_feed.week_feed(db, venue, today=MONDAY, lang="sv",
                                   base_url="https://checkin.example", stamp=dt.datetime(
                                       2026, 11, 23, 9, tzinfo=dt.UTC), first=first, last=last)
    calendar = icalendar.Calendar.from_ical(body)
    assert len(events(calendar)) == 16 * 52 + 2
    assert body.count(b"\r\n") == len(body.splitlines())  # CRLF line ends, as RFC 5545 says
    assert max(len(line) for line in body.split(b"\r\n")) <= 75


def test_the_feed_stays_the_same_all_day_until_the_programme_changes(app, client, db, mallis):
    morning = client.get("/mallis/week.ics").headers["ETag"]
    app.config["FROZEN_NOW"] = "2026-11-23T16:45"
    assert client.get("/mallis/week.ics").headers["ETag"] == morning
    operations.save_change(db, slot_of(db, "Yoga", 4), dt.date(2026, 11, 27), {
        "cancelled": True, "new_date": None, "new_start": None, "new_end": None,
        "note_sv": "", "note_en": ""}, today=MONDAY, user=SOMEONE)
    assert client.get("/mallis/week.ics").headers["ETag"] != morning


def test_a_restored_occurrence_gets_a_higher_sequence_never_a_lower_one(client, db, mallis):
    """A calendar takes a change only with a higher SEQUENCE: '1 if changed' went back to 0
    when a cancellation was undone, and phones kept showing the time as cancelled."""
    slot = slot_of(db, "Kortfilmsgrupp", 3)

    def sequence():
        [event] = [e for e in on(feed(client), THURSDAY)
                   if str(e["UID"]).startswith(f"slot-{slot}-")]
        return event["SEQUENCE"], str(event["STATUS"])

    first = sequence()
    operations.save_change(db, slot, THURSDAY, {
        "cancelled": True, "new_date": None, "new_start": None, "new_end": None,
        "note_sv": "", "note_en": ""}, today=MONDAY, user=SOMEONE)
    cancelled = sequence()
    operations.delete_change(db, slot, THURSDAY, today=MONDAY, user=SOMEONE)
    restored = sequence()
    assert first[1] == "CONFIRMED" and cancelled[1] == "CANCELLED" and restored[1] == "CONFIRMED"
    assert first[0] < cancelled[0] < restored[0]


def test_the_refresh_hint_is_an_rfc_5545_duration(client, mallis):
    response = client.get("/mallis/week.ics")
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in response.data
    assert re.search(rb"\r\nREFRESH-INTERVAL(;VALUE=DURATION)?:PT6H\r\n", response.data)


def test_an_event_elsewhere_has_its_own_place_in_the_feed(client, db, mallis):
    operations.save_event(db, mallis["id"], {
        "activity_id": activity_id(db, "Sygrupp"), "date": "2026-11-27", "start": "16:00",
        "end": "18:00", "address": "Stadsbiblioteket, Sveavägen 73", "note_sv": "",
        "note_en": ""}, today=MONDAY, user=SOMEONE)
    [event] = [e for e in on(feed(client), dt.date(2026, 11, 27))
               if str(e["UID"]).startswith("event-") and str(e["SUMMARY"]) == "Sygrupp"]
    assert str(event["LOCATION"]) == "Stadsbiblioteket, Sveavägen 73"


def test_an_activity_hidden_from_the_week_leaves_the_feed_the_week_and_the_door(
        client, db, mallis):
    """'Visas i schemat' off: visitors no longer see it anywhere; its past visits stay counted
    (the reports take every occurrence)."""
    assert by_summary(feed(client), "Peer support")
    assert "Peer support" in text(client.get("/mallis/"))
    with db.conn:
        db.execute("UPDATE activity SET active = 0 WHERE name_sv = 'Peer support'")
    assert by_summary(feed(client), "Peer support") == []
    assert "Peer support" not in text(client.get("/mallis/"))
    from checkin.week import schedule

    choices = schedule.check_in_choices(db, mallis["id"], MONDAY)
    assert "Peer support" not in [c["activity"]["name_sv"] for c in choices]
    held = schedule.occurrences(db, mallis["id"], MONDAY, MONDAY)
    assert "Peer support" in [i["activity"]["name_sv"] for i in held]  # reports still see it
