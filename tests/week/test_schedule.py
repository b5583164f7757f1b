import datetime as dt

import pytest

from checkin.db import connect
from checkin.week import operations as programme
from checkin.week import schedule
from tests.helpers import SOMEONE, activity_id

MONDAY = dt.date(2026, 11, 23)
SCHEDULE_TABLES = ("activity", "slot", "slot_change", "event")


def names(items):
    return [i["activity"]["name_sv"] for i in items]


def test_the_week_has_seven_days_with_each_slot_on_its_weekday(db, mallis):
    days = schedule.week(db, mallis["id"], MONDAY)
    assert [d for d, _ in days] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    assert names(days[0][1]) == ["Sygrupp", "Peer support", "Skogsvandring"]
    assert names(days[4][1]) == ["Yoga", "Bostad Först Social Club", "Fredagsjam"]
    assert days[5][1] == [] and days[6][1] == []


def test_a_cancelled_occurrence_is_shown_cancelled_and_cannot_be_checked_in_to(db, mallis):
    slot = db.execute("SELECT id FROM slot WHERE activity_id = ?",
                      [activity_id(db, "Sygrupp")]).fetchone()[0]
    db.execute("INSERT INTO slot_change (slot_id, date, cancelled, note_sv) VALUES (?,?,1,?)",
               [slot, MONDAY.isoformat(), "Ledaren är sjuk"])
    db.conn.commit()
    monday = schedule.week(db, mallis["id"], MONDAY)[0][1]
    assert monday[0]["cancelled"] and monday[0]["note_sv"] == "Ledaren är sjuk"
    assert "Sygrupp" not in names(schedule.check_in_choices(db, mallis["id"], MONDAY))


def test_a_moved_occurrence_shows_on_its_new_day(db, mallis):
    slot = db.execute("SELECT id FROM slot WHERE activity_id = ?",
                      [activity_id(db, "Yoga")]).fetchone()[0]
    db.execute("INSERT INTO slot_change (slot_id, date, new_date, new_start, new_end) "
               "VALUES (?, '2026-11-27', '2026-11-26', '09:00', '10:00')", [slot])
    db.conn.commit()
    days = dict(schedule.week(db, mallis["id"], MONDAY))
    # On its old day only the note that it moved, and nobody can check in to it there.
    [left] = [i for i in days[dt.date(2026, 11, 27)] if i["activity"]["name_sv"] == "Yoga"]
    assert (left["moved_to"], left["start"]) == (dt.date(2026, 11, 26), "10:00")
    assert "Yoga" not in names(schedule.check_in_choices(db, mallis["id"], dt.date(2026, 11, 27)))
    yoga = [i for i in days[dt.date(2026, 11, 26)] if i["activity"]["name_sv"] == "Yoga"][0]
    assert (yoga["start"], yoga["moved_from"]) == ("09:00", dt.date(2026, 11, 27))
    assert "Yoga" in names(schedule.check_in_choices(db, mallis["id"], dt.date(2026, 11, 26)))


def test_one_off_events_appear_on_their_day(db, mallis):
    days = dict(schedule.week(db, mallis["id"], MONDAY + dt.timedelta(days=7)))
    assert "Framtidsverkstad" in names(days[dt.date(2026, 12, 3)])


def test_slots_outside_their_validity_are_not_shown(db, mallis):
    db.execute("UPDATE slot SET valid_until = '2026-11-22' WHERE activity_id = ?",
               [activity_id(db, "Sygrupp")])
    db.conn.commit()
    assert "Sygrupp" not in names(schedule.week(db, mallis["id"], MONDAY)[0][1])


def test_only_counted_activities_can_be_checked_in_to(db, mallis):
    choices = names(schedule.check_in_choices(db, mallis["id"], MONDAY))
    assert choices == ["Sygrupp", "Peer support"]  # Skogsvandring is open to everyone elsewhere


@pytest.mark.parametrize("clock, expected", [
    ("09:40", "Sygrupp"), ("11:59", "Sygrupp"), ("12:00", None), ("12:45", "Peer support"),
    ("16:00", None),
])
def test_the_activity_running_now_is_chosen(db, mallis, clock, expected):
    choices = schedule.check_in_choices(db, mallis["id"], MONDAY)
    moment = dt.datetime.fromisoformat(f"2026-11-23T{clock}")
    running = schedule.running_now(choices, moment)
    assert (running["activity"]["name_sv"] if running else None) == expected


def test_check_in_choices_follow_every_edit_at_once_even_from_another_connection(
        app, db, mallis):
    assert names(schedule.check_in_choices(db, mallis["id"], MONDAY)) == [
        "Sygrupp", "Peer support"]  # now kept in memory
    slot = db.execute("SELECT id FROM slot WHERE activity_id = ?",
                      [activity_id(db, "Sygrupp")]).fetchone()[0]
    programme.save_change(db, slot, MONDAY, {
        "cancelled": True, "new_date": None, "new_start": None, "new_end": None,
        "note_sv": "", "note_en": ""}, today=MONDAY, user=SOMEONE)
    assert names(schedule.check_in_choices(db, mallis["id"], MONDAY)) == ["Peer support"]
    other = connect(app.config["DATABASE"])  # another server thread, or the command line
    other.execute("UPDATE activity SET counted = 0 WHERE name_sv = 'Peer support'")
    other.conn.commit()
    other.conn.close()
    assert names(schedule.check_in_choices(db, mallis["id"], MONDAY)) == []
    programme.delete_change(db, slot, MONDAY, today=MONDAY, user=SOMEONE)
    assert names(schedule.check_in_choices(db, mallis["id"], MONDAY)) == ["Sygrupp"]


def test_kept_choices_are_read_only_and_unchanged_by_a_rolled_back_edit(db, mallis):
    choices = schedule.check_in_choices(db, mallis["id"], MONDAY)
    with pytest.raises(TypeError):
        choices[0]["activity"]["name_sv"] = "Något annat"
    db.conn.execute("BEGIN")  # a staff edit that will fail half-way
    db.execute("UPDATE activity SET counted = 0 WHERE name_sv = 'Sygrupp'")
    assert names(schedule.check_in_choices(db, mallis["id"], MONDAY)) == ["Peer support"]
    db.conn.rollback()
    assert names(schedule.check_in_choices(db, mallis["id"], MONDAY)) == [
        "Sygrupp", "Peer support"]


def test_every_write_to_the_schedule_tables_bumps_the_schedule_version(db, mallis):
    triggers = {row[0] for row in db.execute(
        "SELECT tbl_name || ' ' || sql FROM sqlite_master WHERE type = 'trigger'")}
    for table in SCHEDULE_TABLES:
        for action in ("INSERT", "UPDATE", "DELETE"):
            assert any(t.startswith(f"{table} ") and f"AFTER {action} ON {table}" in t
                       and "schedule_version" in t for t in triggers), (table, action)
    before = schedule.schedule_version(db)
    db.execute("UPDATE event SET note_sv = 'Ny' WHERE venue_id = ?", [mallis["id"]])
    db.conn.commit()
    assert schedule.schedule_version(db)[1] > before[1]


def test_iso_weeks_across_new_year():
    assert schedule.week_label(dt.date(2025, 12, 29)) == "2026-W01"
    assert schedule.parse_week("2026-W01") == dt.date(2025, 12, 29)
    assert schedule.parse_week("2026-W53") == dt.date(2026, 12, 28)  # 2026 has 53 ISO weeks
    assert schedule.parse_week("2025-W53") is None  # 2025 has 52
    assert schedule.parse_week("2026-48") is None
    assert schedule.parse_week("<script>") is None
