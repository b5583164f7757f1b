"""Editing the programme never rewrites a past year: weekly times start today or later, are
ended or changed from a date, and one that has run is never deleted. Last year's report and
export stay byte for byte the same after every edit a careless staff member can make."""

import datetime as dt
import re

import pytest

from checkin.accounts import audit
from checkin.figures import yearly_report
from checkin.week import operations as programme
from checkin.week import schedule
from tests.helpers import (
    SOMEONE,
    activity_id,
    audit_lines,
    csrf_token,
    insert,
    log_in,
    make_user,
    post_form,
    text,
)

TODAY = dt.date(2026, 11, 23)  # the frozen clock's Monday
EXPORT_2025 = ("/staff/mallis/export?first=2025-01-01&last=2025-12-31&group=month"
               "&venue=mallis&min_cell=3&fmt=csv&download=1&anyway=1")  # even if mostly hidden


def slot_of(db, name):
    return db.execute("SELECT * FROM slot WHERE activity_id = ? ORDER BY id",
                      [activity_id(db, name)]).fetchall()


def count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def held(db, venue, year, today=TODAY):
    return {a["activity"]: a["times"]
            for a in yearly_report.yearly_report(db, venue["id"], year, today=today)[
                "activities_held"]}


@pytest.fixture
def history(db, mallis):
    """2025 as it happened: visits, a cancelled and a moved Sygrupp."""
    # Three alike visits a cell: a true 3 is always published 3, so every activity has its
    # row in the published by-activity export and a rename would show in it.
    insert(db, mallis, [row for n in range(3) for row in (
        ("2025-03-03", 10, "Sygrupp", "woman", "qr", f"a{n}"),
        ("2025-03-06", 13, "Peer support", "man", "kiosk", None),
        ("2025-05-09", 10, "Yoga", "man", "qr", f"b{n}"),
        ("2025-05-12", None, "Sygrupp", "man", "tally", None))])
    sygrupp = slot_of(db, "Sygrupp")[0]["id"]
    with db.conn:
        db.conn.execute("INSERT INTO slot_change (slot_id, date, cancelled) "
                        "VALUES (?, '2025-03-10', 1)", [sygrupp])
        db.conn.execute("INSERT INTO slot_change (slot_id, date, new_date, new_start, new_end) "
                        "VALUES (?, '2025-03-17', '2025-03-18', '10:00', '12:00')", [sygrupp])
    return mallis


@pytest.fixture
def boss(app, db, mallis):
    make_user(db, "boss", "admin")
    client = app.test_client()
    assert log_in(client, "boss").status_code == 302
    return client


@pytest.fixture
def reader(app, db, mallis):
    make_user(db, "vera", "viewer")
    client = app.test_client()
    assert log_in(client, "vera").status_code == 302
    return client


def last_year(db, venue, reader):
    """Everything last year's report is: the report in both languages, its page, the export."""
    out = {}
    for lang in ("sv", "en"):
        out[f"report-{lang}"] = repr(yearly_report.yearly_report(
            db, venue["id"], 2025, today=TODAY, locale=lang))
        reader.set_cookie("lang", lang)
        page = reader.get("/staff/mallis/report/2025")
        assert page.status_code == 200
        # The logout button's CSRF token is signed with the second it was made: not the report.
        out[f"page-{lang}"] = re.sub(rb'name="csrf_token" value="[^"]+"', b"", page.data)
    for by_activity in ("", "&by_activity=y"):
        export = reader.get(EXPORT_2025 + by_activity)
        # Published by activity: a row only where a published number is not 0 (issue 23);
        # the fixture's cells of three visits are all published, so all four rows are there.
        assert export.status_code == 200 and export.data.count(b"\r\n") >= 4
        out[f"export{by_activity}"] = export.data
    assert all(name in out["export&by_activity=y"]
               for name in (b"Sygrupp", b"Yoga", b"Peer support"))
    return out


def slot_form(db, name, weekday, start, end, **more):
    return {"activity": activity_id(db, name), "weekday": str(weekday), "start": start,
            "end": end, **more}


def new_slot_page(client):
    """The new-time form as a staff member finds it, with its defaults."""
    page = text(client.get("/staff/mallis/slots/new"))
    return csrf_token(page), page


def test_adding_ending_and_changing_times_leaves_last_years_report_byte_identical(
        db, boss, reader, history):
    before = last_year(db, history, reader)
    held_2025, held_2012 = held(db, history, 2025), held(db, history, 2012)
    assert held_2025["Sygrupp"] == 51 and held_2025["Yoga"] == 52  # one cancelled, one moved

    # A new activity on Fridays: the form starts it today; 2000-01-01 is refused.
    post_form(boss, "/staff/mallis/activities/new", {
        "name_sv": "Fredagsfika", "pictogram": "food", "place": "here", "counted": "y",
        "active": "y"})
    token, page = new_slot_page(boss)
    assert 'value="2026-11-23"' in page
    refused = boss.post("/staff/mallis/slots/new", data={
        "csrf_token": token, **slot_form(db, "Fredagsfika", 4, "14:00", "15:00"),
        "valid_from": "2000-01-01"})
    assert refused.status_code == 400
    assert "En veckotid börjar i dag eller senare." in text(refused)
    assert slot_of(db, "Fredagsfika") == []
    added = boss.post("/staff/mallis/slots/new", data={
        "csrf_token": token, **slot_form(db, "Fredagsfika", 4, "14:00", "15:00"),
        "valid_from": "2026-11-23"})
    assert added.status_code == 302
    [friday] = slot_of(db, "Fredagsfika")
    assert (friday["valid_from"], friday["valid_until"]) == ("2026-11-23", None)

    # Yoga has run: deleting it is refused, whatever the form says.
    yoga = slot_of(db, "Yoga")[0]["id"]
    gone = post_form(boss, f"/staff/mallis/slots/{yoga}/delete", {"confirmed": "yes"})
    assert gone.status_code == 400 and "har redan varit" in text(gone)
    assert len(slot_of(db, "Yoga")) == 1

    # Sygrupp ends today; Peer support moves to 14–16 on Thursdays from 26 November.
    sygrupp = slot_of(db, "Sygrupp")[0]["id"]
    assert post_form(boss, f"/staff/mallis/slots/{sygrupp}/end", {"last_day": "2026-11-23"},
                     page_url=f"/staff/mallis/slots/{sygrupp}").status_code == 302
    thursday = [s for s in slot_of(db, "Peer support") if s["weekday"] == 3][0]["id"]
    changed = post_form(boss, f"/staff/mallis/slots/{thursday}", slot_form(
        db, "Peer support", 3, "14:00", "16:00", valid_from="2026-11-26"))
    assert changed.status_code == 302

    # The one that never ran is removed, but only after the page asks.
    asked = post_form(boss, f"/staff/mallis/slots/{friday['id']}/delete", {},
                      page_url=f"/staff/mallis/slots/{friday['id']}/delete")
    assert asked.status_code == 200 and "Ja, ta bort den" in text(asked)
    assert len(slot_of(db, "Fredagsfika")) == 1
    removed = post_form(boss, f"/staff/mallis/slots/{friday['id']}/delete", {"confirmed": "yes"})
    assert removed.status_code == 302 and slot_of(db, "Fredagsfika") == []

    # A past day cannot be cancelled, nor an event added before today.
    past = post_form(boss, f"/staff/mallis/change/{sygrupp}/2026-11-16", {
        "what": "cancel", "start": "10:00", "end": "12:00"})
    assert past.status_code == 400 and "före i dag" in text(past)
    event = post_form(boss, "/staff/mallis/events/new", {
        "activity": activity_id(db, "Julfest"), "date": "2025-12-18", "start": "17:00",
        "end": "20:00"})
    assert event.status_code == 400 and count(db, "event") == 2

    assert last_year(db, history, reader) == before
    assert held(db, history, 2025) == held_2025 and held(db, history, 2012) == held_2012
    assert "Fredagsfika" not in held(db, history, 2025)
    assert [line["action"] for line in audit_lines(db)] == [
        "activity created", "weekly time created", "weekly time ended",
        "weekly time changed from a date", "weekly time removed"]


def test_a_changed_time_keeps_its_old_hours_before_the_date_and_takes_its_cancellations(
        db, boss, mallis):
    thursday = [s for s in slot_of(db, "Peer support") if s["weekday"] == 3][0]["id"]
    post_form(boss, f"/staff/mallis/change/{thursday}/2026-12-03", {
        "what": "cancel", "start": "13:00", "end": "15:00", "note_sv": "Stängt"})
    post_form(boss, f"/staff/mallis/slots/{thursday}", slot_form(
        db, "Peer support", 3, "14:00", "16:00", valid_from="2026-11-26"))
    old, new = [s for s in slot_of(db, "Peer support") if s["weekday"] == 3]
    assert (old["valid_from"], old["valid_until"]) == ("2000-01-01", "2026-11-25")
    assert (new["valid_from"], new["start"], new["end"]) == ("2026-11-26", "14:00", "16:00")
    assert db.execute("SELECT slot_id FROM slot_change").fetchone()[0] == new["id"]

    def peer(day):
        return [(i["start"], i["cancelled"]) for i in schedule.occurrences(db, mallis["id"],
                                                                          day, day)
                if i["activity"]["name_sv"] == "Peer support"]

    assert peer(dt.date(2026, 11, 19)) == [("13:00", False)]
    assert peer(dt.date(2026, 11, 26)) == [("14:00", False)]
    assert peer(dt.date(2026, 12, 3)) == [("14:00", True)]


def test_a_time_moved_to_another_day_from_a_date(db, boss, mallis):
    yoga = slot_of(db, "Yoga")[0]["id"]
    response = post_form(boss, f"/staff/mallis/slots/{yoga}", slot_form(
        db, "Yoga", 3, "10:00", "11:00", valid_from="2026-11-30"))
    assert response.status_code == 302
    assert "Från måndag 30 november gäller de nya tiderna." in text(boss.get(response.location))
    week = dict(schedule.week(db, mallis["id"], TODAY))
    assert "Yoga" in [i["activity"]["name_sv"] for i in week[dt.date(2026, 11, 27)]]
    later = dict(schedule.week(db, mallis["id"], dt.date(2026, 11, 30)))
    assert "Yoga" in [i["activity"]["name_sv"] for i in later[dt.date(2026, 12, 3)]]
    assert "Yoga" not in [i["activity"]["name_sv"] for i in later[dt.date(2026, 12, 4)]]


@pytest.mark.parametrize("data, message", [
    ({"valid_from": "2026-11-22"}, "En veckotid börjar i dag eller senare."),
    ({"valid_from": "2026-12-01", "valid_until": "2026-11-30"}, "inte vara före"),
])
def test_a_change_that_would_start_before_today_is_refused(db, boss, mallis, data, message):
    yoga = slot_of(db, "Yoga")[0]["id"]
    response = post_form(boss, f"/staff/mallis/slots/{yoga}", slot_form(
        db, "Yoga", 3, "10:00", "11:00", **data))
    assert response.status_code == 400 and message in text(response)
    assert len(slot_of(db, "Yoga")) == 1 and slot_of(db, "Yoga")[0]["weekday"] == 4


@pytest.mark.parametrize("last_day, status, message", [
    ("2026-11-22", 302, None),                                   # yesterday: fine
    ("2026-11-21", 400, "Den dagen är före i dag."),
    ("1999-12-31", 400, "Den dagen är före i dag."),
])
def test_ending_a_time_from_a_date(db, boss, mallis, last_day, status, message):
    yoga = slot_of(db, "Yoga")[0]["id"]
    response = post_form(boss, f"/staff/mallis/slots/{yoga}/end", {"last_day": last_day},
                         page_url=f"/staff/mallis/slots/{yoga}")
    assert response.status_code == status
    stored = slot_of(db, "Yoga")[0]["valid_until"]
    if message:
        assert message in text(response) and stored is None
    else:
        assert stored == last_day


TOO_LATE_SV = "Datumet är mer än 100 år fram i tiden. Kolla året."


def test_a_weekly_time_more_than_100_years_ahead_is_refused_and_nothing_is_stored(
        db, boss, mallis):
    # 9999-12-31 is a Friday: a Saturday time from it was stored (302), and then its own page
    # and its delete page crashed (OverflowError: its first day is after the calendar's end).
    before = count(db, "slot")
    response = post_form(boss, "/staff/mallis/slots/new", slot_form(
        db, "Yoga", 5, "10:00", "11:00", valid_from="9999-12-31"))
    assert response.status_code == 400 and TOO_LATE_SV in text(response)
    response = post_form(boss, "/staff/mallis/slots/new", slot_form(
        db, "Yoga", 5, "10:00", "11:00", valid_from="2026-11-28", valid_until="2206-11-28"))
    assert response.status_code == 400 and TOO_LATE_SV in text(response)
    assert count(db, "slot") == before
    boss.set_cookie("lang", "en")
    yoga = slot_of(db, "Yoga")[0]["id"]
    response = post_form(boss, f"/staff/mallis/slots/{yoga}/end", {"last_day": "9999-12-31"},
                         page_url=f"/staff/mallis/slots/{yoga}")
    assert response.status_code == 400
    assert "That date is more than 100 years ahead. Check the year." in text(response)
    assert slot_of(db, "Yoga")[0]["valid_until"] is None
    # 100 years ahead is still a date (a Saturday time from it has a first day).
    response = post_form(boss, "/staff/mallis/slots/new", slot_form(
        db, "Yoga", 5, "10:00", "11:00", valid_from="2126-11-23"))
    assert response.status_code == 302 and count(db, "slot") == before + 1


def test_an_event_or_a_change_more_than_100_years_ahead_is_refused(db, boss, mallis):
    # The event was stored (302) and the staff were sent to a week that does not exist (404).
    events, changes = count(db, "event"), count(db, "slot_change")
    response = post_form(boss, "/staff/mallis/events/new", {
        "activity": activity_id(db, "Yoga"), "date": "9999-12-31", "start": "10",
        "end": "11"})
    assert response.status_code == 400 and TOO_LATE_SV in text(response)
    assert count(db, "event") == events
    sygrupp = slot_of(db, "Sygrupp")[0]["id"]  # Mondays, with no last day
    response = post_form(boss, f"/staff/mallis/change/{sygrupp}/9999-12-27", {
        "what": "cancel", "start": "10:00", "end": "12:00"})
    assert response.status_code == 400 and TOO_LATE_SV in text(response)
    assert count(db, "slot_change") == changes
    with pytest.raises(programme.ProgrammeRefused) as refused:
        programme.save_change(db, sygrupp, dt.date(9999, 12, 27), {
            "cancelled": True, "new_date": None, "new_start": None, "new_end": None,
            "note_sv": "", "note_en": ""}, today=TODAY, user=SOMEONE)
    assert refused.value.reason == "too_late" and count(db, "slot_change") == changes


def test_an_ended_time_is_not_brought_back_into_the_past(db, boss, mallis):
    yoga = slot_of(db, "Yoga")[0]
    with db.conn:
        db.conn.execute("UPDATE slot SET valid_until = '2026-06-30' WHERE id = ?", [yoga["id"]])
    response = post_form(boss, f"/staff/mallis/slots/{yoga['id']}", slot_form(
        db, "Yoga", 4, "10:00", "11:00", valid_from="2026-11-23"))
    assert response.status_code == 400 and "slutade före i går" in text(response)
    assert slot_of(db, "Yoga")[0]["valid_until"] == "2026-06-30"


def test_the_slot_page_says_what_can_and_cannot_be_done(db, boss, mallis):
    yoga = slot_of(db, "Yoga")[0]["id"]
    page = text(boss.get(f"/staff/mallis/slots/{yoga}"))
    assert "Avsluta den här veckotiden" in page and "Ta bort den här veckotiden" not in page
    boss.set_cookie("lang", "en")
    page = text(boss.get(f"/staff/mallis/slots/{yoga}"))
    assert "It has already run, so it cannot be removed" in page
    asked = text(boss.get(f"/staff/mallis/slots/{yoga}/delete"))
    assert "This weekly time has already run, so it stays in the history." in asked


def test_a_moved_occurrence_says_where_it_went_on_its_old_day(db, boss, client, mallis):
    yoga = slot_of(db, "Yoga")[0]["id"]
    response = post_form(boss, f"/staff/mallis/change/{yoga}/2026-11-27", {
        "what": "move", "new_date": "2026-11-26", "start": "10:00", "end": "11:00"})
    assert response.status_code == 302
    visitor = text(client.get("/mallis/"))
    friday = visitor.split('id="d2026-11-27"', 1)[1].split("</section>", 1)[0]
    assert "Yoga" in friday and "Flyttad till torsdag 26 november" in friday
    thursday = visitor.split('id="d2026-11-26"', 1)[1].split("</section>", 1)[0]
    assert "Flyttad från fredag 27 november" in thursday
    client.set_cookie("lang", "en")
    assert "Moved to Thursday 26 November" in text(client.get("/mallis/"))
    staff_week = text(boss.get("/staff/mallis/"))
    assert "Flyttad till torsdag 26 november" in staff_week


@pytest.mark.parametrize("new_date", ["2026-12-04", "2026-11-16"])
def test_a_move_is_at_most_six_days_checked_in_the_operation_itself(db, mallis, new_date):
    yoga = slot_of(db, "Yoga")[0]["id"]
    change = {"cancelled": False, "new_date": new_date, "new_start": "10:00",
              "new_end": "11:00", "note_sv": "", "note_en": ""}
    with pytest.raises(programme.ProgrammeRefused) as refused:
        programme.save_change(db, yoga, dt.date(2026, 11, 27), change, today=TODAY, user=SOMEONE)
    assert refused.value.reason == "too_far"
    assert count(db, "slot_change") == 0


def test_moving_to_a_day_before_today_is_refused(db, boss, mallis):
    yoga = slot_of(db, "Yoga")[0]["id"]
    response = post_form(boss, f"/staff/mallis/change/{yoga}/2026-11-27", {
        "what": "move", "new_date": "2026-11-22", "start": "10:00", "end": "11:00"})
    assert response.status_code == 400 and "före i dag" in text(response)
    assert count(db, "slot_change") == 0


def test_a_past_event_cannot_be_changed_or_removed(db, boss, mallis):
    with db.conn:
        event = db.conn.execute(
            "INSERT INTO event (venue_id, activity_id, date, start, \"end\") "
            "VALUES (?, ?, '2026-06-18', '17:00', '20:00')",
            [mallis["id"], activity_id(db, "Julfest")]).lastrowid
    page = text(boss.get(f"/staff/mallis/events/{event}"))
    assert "Det här var före i dag." in page and "Ta bort" not in page
    changed = post_form(boss, f"/staff/mallis/events/{event}", {
        "activity": activity_id(db, "Julfest"), "date": "2026-12-18", "start": "17:00",
        "end": "20:00"})
    assert changed.status_code == 400
    removed = post_form(boss, f"/staff/mallis/events/{event}/delete", {},
                        page_url=f"/staff/mallis/events/{event}")
    assert removed.status_code == 400 and "Ingenting ändrades" in text(removed)
    assert db.execute("SELECT date FROM event WHERE id = ?", [event]).fetchone()[0] == (
        "2026-06-18")


def test_copying_a_past_week_copies_nothing_into_the_past(db, boss, mallis):
    sygrupp = slot_of(db, "Sygrupp")[0]["id"]
    with db.conn:
        db.conn.execute("INSERT INTO slot_change (slot_id, date, cancelled) "
                        "VALUES (?, '2026-11-09', 1)", [sygrupp])
    response = post_form(boss, "/staff/mallis/copy-week?week=2026-W46", {},
                         page_url="/staff/mallis/?week=2026-W46")
    assert response.status_code == 302
    assert count(db, "slot_change") == 1  # 16 November is before today


def test_a_removal_or_change_whose_audit_line_fails_changes_nothing(db, boss, mallis,
                                                                    monkeypatch):
    # The line was written after the change, in a transaction of its own: with the log
    # failing (a full disk), the event was gone and the cancellation replaced, unlogged.
    yoga = slot_of(db, "Yoga")[0]["id"]
    assert post_form(boss, f"/staff/mallis/change/{yoga}/2026-11-27", {
        "what": "cancel", "start": "10:00", "end": "11:00",
        "note_sv": "Ledaren är sjuk"}).status_code == 302
    event = db.execute("SELECT id FROM event WHERE date >= ? ORDER BY date",
                       [TODAY.isoformat()]).fetchone()[0]
    pages = {"event": text(boss.get(f"/staff/mallis/events/{event}/delete")),
             "change": text(boss.get(f"/staff/mallis/change/{yoga}/2026-11-27"))}
    before = {t: count(db, t) for t in ("event", "slot_change", "audit_log")}
    stored = [dict(r) for r in db.execute("SELECT * FROM slot_change")]

    def broken(*_args, **_kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "write", broken)
    for url, page, data in [
        (f"/staff/mallis/events/{event}/delete", pages["event"], {}),
        (f"/staff/mallis/change/{yoga}/2026-11-27/undo", pages["change"], {}),
        (f"/staff/mallis/change/{yoga}/2026-11-27", pages["change"],
         {"what": "move", "new_date": "2026-11-26", "start": "10:00", "end": "11:00"}),
    ]:
        with pytest.raises(RuntimeError):
            boss.post(url, data={"csrf_token": csrf_token(page), **data})
    assert {t: count(db, t) for t in before} == before
    assert [dict(r) for r in db.execute("SELECT * FROM slot_change")] == stored


def test_removing_an_event_and_restoring_a_time_are_logged_to_the_hour(db, boss, mallis):
    yoga = slot_of(db, "Yoga")[0]["id"]
    url = f"/staff/mallis/change/{yoga}/2026-11-27"
    post_form(boss, url, {"what": "cancel", "start": "10:00", "end": "11:00"})
    post_form(boss, url + "/undo", {}, page_url=url)
    event = db.execute("SELECT id FROM event WHERE date >= ?", [TODAY.isoformat()]).fetchone()[0]
    post_form(boss, f"/staff/mallis/events/{event}/delete", {})
    lines = audit_lines(db)
    assert [(a["action"], a["username"], a["venue_id"]) for a in lines] == [
        ("occurrence changed", "boss", mallis["id"]),
        ("occurrence restored", "boss", mallis["id"]),
        ("event removed", "boss", mallis["id"])]
    assert lines[0]["detail"] == "Yoga 2026-11-27: cancelled"
    assert all(a["at"].endswith(":00+00:00") for a in lines)


def activity_form(db, name, **changes):
    """The activity's form as staff find it filled in, with `changes`."""
    a = programme.get_activity(db, db.execute("SELECT venue_id FROM activity WHERE id = ?",
                                              [activity_id(db, name)]).fetchone()[0],
                               activity_id(db, name))
    data = {"name_sv": a["name_sv"], "name_en": a["name_en"],
            "description_sv": a["description_sv"], "description_en": a["description_en"],
            "pictogram": a["pictogram"], "place": "elsewhere" if a["address"] else "here",
            "address": a["address"]}
    data.update({"counted": "y"} if a["counted"] else {})
    data.update({"active": "y"} if a["active"] else {})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def report_2025(reader, lang="sv"):
    reader.set_cookie("lang", lang)
    return text(reader.get("/staff/mallis/report/2025"))


def test_renaming_an_activity_leaves_last_years_report_and_export_byte_identical(
        db, boss, reader, history):
    before = last_year(db, history, reader)
    assert "Sygrupp" in report_2025(reader) and "Syverkstad" not in report_2025(reader)
    sygrupp = activity_id(db, "Sygrupp")
    saved = post_form(boss, f"/staff/mallis/activities/{sygrupp}", activity_form(
        db, "Sygrupp", name_sv="Syverkstad", name_en="Sewing workshop"))
    assert saved.status_code == 302
    assert db.execute("SELECT name_sv FROM activity WHERE id = ?", [sygrupp]).fetchone()[0] == (
        "Syverkstad")
    after = last_year(db, history, reader)
    assert after == before
    assert "Syverkstad" not in report_2025(reader) + report_2025(reader, "en")
    # Kept with its date: the old name before the day of the change, the new one from it.
    rows = [tuple(r) for r in db.execute(
        "SELECT valid_from, name_sv, name_en, counted FROM activity_history "
        "WHERE activity_id = ? ORDER BY valid_from", [sygrupp])]
    assert rows[0][:2] == ("2000-01-01", "Sygrupp") and rows[-1][1:3] == (
        "Syverkstad", "Sewing workshop")
    assert rows[-1][0] >= TODAY.isoformat()
    # A report of a period after the change has the new name.
    from checkin.figures.history import activities_on
    assert activities_on(db, history["id"], dt.date.fromisoformat(rows[-1][0]))[sygrupp][
        "name_sv"] == "Syverkstad"
    # Without the history (the fix off), the 2025 report and export took the new name.
    with db.conn:
        db.conn.execute("DELETE FROM activity_history WHERE activity_id = ?", [sygrupp])
    assert "Syverkstad" in report_2025(reader)
    assert b"Syverkstad" in reader.get(EXPORT_2025 + "&by_activity=y").data


def test_unticking_counted_leaves_last_years_report_byte_identical(db, boss, reader, history):
    before = last_year(db, history, reader)
    yoga = activity_id(db, "Yoga")
    saved = post_form(boss, f"/staff/mallis/activities/{yoga}", activity_form(
        db, "Yoga", counted=None))
    assert saved.status_code == 302
    assert db.execute("SELECT counted FROM activity WHERE id = ?", [yoga]).fetchone()[0] == 0
    assert last_year(db, history, reader) == before
    assert held(db, history, 2025)["Yoga"] == 52
    rows = yearly_report.yearly_report(db, history["id"], 2025, today=TODAY)["activities_held"]
    assert {r["activity"]: r["counted"] for r in rows}["Yoga"] is True
    # Ticking it again the same day takes the day's change back: no history row is left.
    post_form(boss, f"/staff/mallis/activities/{yoga}", activity_form(db, "Yoga", counted="y"))
    assert db.execute("SELECT count(*) FROM activity_history WHERE activity_id = ?",
                      [yoga]).fetchone()[0] == 1
    # Without the history (the fix off), 2025's Yoga read "Nej, öppen för alla".
    post_form(boss, f"/staff/mallis/activities/{yoga}", activity_form(db, "Yoga", counted=None))
    yoga_row = report_2025(reader).split("Yoga", 1)[1].split("</tr>", 1)[0]
    assert "Nej, öppen för alla" not in yoga_row
    with db.conn:
        db.conn.execute("DELETE FROM activity_history WHERE activity_id = ?", [yoga])
    yoga_row = report_2025(reader).split("Yoga", 1)[1].split("</tr>", 1)[0]
    assert "Nej, öppen för alla" in yoga_row


def test_an_activity_edited_only_in_its_description_keeps_one_history_row(db, mallis):
    yoga = activity_id(db, "Yoga")
    data = dict(programme.get_activity(db, mallis["id"], yoga))
    programme.save_activity(db, mallis["id"], {**data, "description_sv": "Lugnt"}, yoga,
                            user=SOMEONE, today=TODAY)
    programme.save_activity(db, mallis["id"], {**data, "name_sv": "Yoga och andning"}, yoga,
                            user=SOMEONE, today=TODAY)
    programme.save_activity(db, mallis["id"], {**data, "name_sv": "Andning"}, yoga,
                            user=SOMEONE, today=TODAY)
    assert [tuple(r) for r in db.execute(
        "SELECT valid_from, name_sv FROM activity_history WHERE activity_id = ? "
        "ORDER BY valid_from", [yoga])] == [("2000-01-01", "Yoga"), ("2026-11-23", "Andning")]
    new = programme.save_activity(db, mallis["id"], {**data, "name_sv": "Stickning"},
                                  user=SOMEONE, today=TODAY)
    assert [tuple(r) for r in db.execute(
        "SELECT valid_from, name_sv FROM activity_history WHERE activity_id = ?", [new])] == [
        ("2000-01-01", "Stickning")]


PAPER = b"date,activity,women,men,other,unstated\n2025-06-02,Sygrupp,100,180,0,0\n"


def upload(client, data, **ticked):
    import io

    page = client.get("/staff/mallis/import")
    form = {"csrf_token": csrf_token(text(page)), "file": (io.BytesIO(data), "paper.csv"),
            **{k: "y" for k, v in ticked.items() if v}}
    return client.post("/staff/mallis/import", data=form, content_type="multipart/form-data")


def test_an_import_into_a_finished_year_asks_first_then_is_listed_on_the_report(
        db, boss, reader, history):
    before = last_year(db, history, reader)
    visits = count(db, "visit")
    # The first post only asks, saying which report changes and by how much.
    asked = upload(boss, PAPER)
    assert asked.status_code == 409
    assert "Årsrapporten 2025: 12 → 292 besök" in text(asked)
    assert "Ja, ändra rapporterna för de här avslutade perioderna" in text(asked)
    assert count(db, "visit") == visits and count(db, "tally_import") == 0
    assert last_year(db, history, reader) == before
    boss.set_cookie("lang", "en")
    assert "The yearly report 2025: 12 → 292 visits" in text(upload(boss, PAPER))
    boss.set_cookie("lang", "sv")
    # Ticked: imported, and the report lists the revision with today's date.
    done = upload(boss, PAPER, finished=True)
    assert done.status_code == 302 and count(db, "visit") == visits + 280
    exact = text(boss.get("/staff/mallis/report/2025"))
    assert "Rättad 23 november 2026: pappersräkningar importerade, +280 besök." in exact
    [revision] = [dict(r) for r in db.execute("SELECT * FROM report_revision")]
    assert (revision["year"], revision["made_on"], revision["what"],
            revision["visits_before"], revision["visits_after"]) == (
        2025, "2026-11-23", "import", 12, 292)
    published = revision["published_after"] - revision["published_before"]
    assert abs(published - 280) <= 2 * 40  # a sum of cells, each off by at most 2
    for lang, sentence in (("sv", "Rättad 23 november 2026: pappersräkningar importerade, "
                                  f"+{published} besök."),
                           ("en", "Revised 23 November 2026: counts kept on paper imported, "
                                  f"+{published} visits.")):
        assert sentence in report_2025(reader, lang)  # the published report, a viewer's
    # Nothing about who, and no time finer than the day.
    assert set(revision) == {"id", "venue_id", "year", "made_on", "what", "visits_before",
                             "visits_after", "published_before", "published_after"}
    # Undoing it asks with the numbers, and is listed too.
    import_id = db.execute("SELECT id FROM tally_import").fetchone()[0]
    url = f"/staff/mallis/import/{import_id}/undo"
    assert "Årsrapporten 2025: 292 → 12 besök" in text(boss.get(url))
    assert count(db, "visit") == visits + 280
    assert post_form(boss, url, {}).status_code == 302 and count(db, "visit") == visits
    exact = text(boss.get("/staff/mallis/report/2025"))
    assert "Rättad 23 november 2026: en import av räkningar ångrad, −280 besök." in exact
    assert count(db, "report_revision") == 2


def test_an_import_into_this_month_asks_nothing_and_lists_no_revision(db, boss, history):
    done = upload(boss, b"date,activity,women,men,other,unstated\n2026-11-02,Sygrupp,3,0,0,0\n")
    assert done.status_code == 302 and count(db, "report_revision") == 0
    assert "Rättad" not in text(boss.get("/staff/mallis/report/2026"))


def test_a_report_without_revisions_says_when_its_figures_were_taken(db, reader, history):
    assert "Uttagna 23 november 2026" in report_2025(reader)
    assert "Extracted 23 November 2026" in report_2025(reader, "en")


def test_a_set_aside_in_a_finished_month_says_what_it_changes_and_is_listed(
        db, boss, reader, history):
    url = "/staff/mallis/set-aside/new?date=2025-03-03&hour=10"
    asked = text(boss.get(url))
    assert "Årsrapporten 2025: 12 → 9 besök" in asked and count(db, "report_revision") == 0
    done = post_form(boss, "/staff/mallis/set-aside/new", {
        "date": "2025-03-03", "hour": "10", "reason": "Samma telefon hundra gånger"},
        page_url=url)
    assert done.status_code == 302
    exact = text(boss.get("/staff/mallis/report/2025"))
    assert "Rättad 23 november 2026: incheckningar lagda åt sidan, −3 besök." in exact
    decision = db.execute("SELECT id FROM set_aside").fetchone()[0]
    back = f"/staff/mallis/set-aside/{decision}/bring-back"
    assert "Årsrapporten 2025: 9 → 12 besök" in text(boss.get(back))
    assert post_form(boss, back, {}).status_code == 302
    boss.set_cookie("lang", "en")
    exact = text(boss.get("/staff/mallis/report/2025"))
    assert ("Revised 23 November 2026: set-aside check-ins brought back, +3 visits."
            in exact)
    # The published report lists both, in published visits: a cell of three is published 3.
    published = report_2025(reader)
    assert "Rättad 23 november 2026: incheckningar lagda åt sidan, −3 besök." in published
    assert ("Rättad 23 november 2026: incheckningar som lagts åt sidan räknas igen, +3 besök."
            in published)
    assert count(db, "report_revision") == 2


def test_the_command_line_import_asks_nothing_and_lists_its_revision(app, db, history,
                                                                    tmp_path):
    from tests.helpers import run

    paper = tmp_path / "paper.csv"
    paper.write_bytes(PAPER)
    result = run(app, "import-tallies", str(paper), "--venue", "mallis")
    import traceback
    assert result.exit_code == 0, "".join(traceback.format_exception(result.exception))
    [revision] = [dict(r) for r in db.execute("SELECT * FROM report_revision")]
    assert (revision["year"], revision["what"], revision["visits_before"],
            revision["visits_after"]) == (2025, "import", 12, 292)
    assert revision["made_on"] == dt.date.today().isoformat()


def test_a_period_during_which_an_activity_was_renamed_shows_the_later_name(db, history):
    sygrupp = activity_id(db, "Sygrupp")
    data = dict(programme.get_activity(db, history["id"], sygrupp))
    programme.save_activity(db, history["id"], {**data, "name_sv": "Syverkstad"}, sygrupp,
                            user=SOMEONE, today=dt.date(2025, 4, 1))
    from checkin.figures.tables import figures

    def names(first, last, group):
        return [r["activity"] for r in figures(
            db, dt.date.fromisoformat(first), dt.date.fromisoformat(last), group,
            venue_id=history["id"], by_activity=True).rows]

    assert names("2025-03-01", "2025-03-31", "month") == ["Peer support", "Sygrupp"]
    assert names("2025-05-01", "2025-05-31", "month") == ["Syverkstad", "Yoga"]
    assert names("2025-01-01", "2025-12-31", "year") == ["Peer support", "Syverkstad", "Yoga"]
    assert "Syverkstad" in held(db, history, 2025) and "Sygrupp" in held(db, history, 2024)


def test_the_viewers_dashboard_counts_a_renamed_activity_once_under_its_later_name(
        db, mallis):
    from checkin.figures import dashboard_figures

    insert(db, mallis, [(day, None, "Sygrupp", "man", "tally", None)
                        for day in ("2026-03-02", "2026-06-01") for _ in range(3)])
    sygrupp = activity_id(db, "Sygrupp")
    data = dict(programme.get_activity(db, mallis["id"], sygrupp))
    programme.save_activity(db, mallis["id"], {**data, "name_sv": "Syverkstad"}, sygrupp,
                            user=SOMEONE, today=dt.date(2026, 4, 1))
    board = dashboard_figures.dashboard(db, mallis["id"], TODAY, published=True)
    # Cells of three are published 3: before, ("Sygrupp", 3) and ("Syverkstad", 3).
    assert board["busiest"] == [("Syverkstad", 6)]


def test_a_revision_made_before_the_year_ended_is_not_listed_on_its_published_report(
        db, boss, history):
    # October 2026 has ended, 2026 has not: the exact 2026 report lists the import; the
    # published one, read from 2027, was never published without it.
    october = b"date,activity,women,men,other,unstated\n2026-10-05,Sygrupp,0,4,0,0\n"
    assert upload(boss, october).status_code == 409
    assert upload(boss, october, finished=True).status_code == 302
    exact = text(boss.get("/staff/mallis/report/2026"))
    assert "Rättad 23 november 2026: pappersräkningar importerade, +4 besök." in exact
    published = yearly_report.yearly_report(db, history["id"], 2026, published=True,
                                            today=dt.date(2027, 2, 1))
    assert published["revisions"] == []
    exact_later = yearly_report.yearly_report(db, history["id"], 2026,
                                              today=dt.date(2027, 2, 1))
    assert exact_later["revisions"] == [
        "Rättad 23 november 2026: pappersräkningar importerade, +4 besök."]
