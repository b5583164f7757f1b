"""The door's day bound reads one kept number (door_count, m025), never every check-in of the
day: the number follows every change to the day's visits, and a flood does not make the next
tap read more."""

import datetime as dt

from checkin.db import connect
from checkin.migrations import migrations
from checkin.visits import set_aside, volume
from checkin.visits.recording import record_visit
from checkin.yearclose import daily
from tests.helpers import insert

DAY = dt.date(2026, 11, 23)
STAFF = {"id": None, "username": "anna"}


def counted_one_by_one(db, venue_id, day, source):
    """What the day bound counted before m025: every visit of the day read."""
    return db.execute(
        "SELECT count(*) FROM visit WHERE venue_id = ? AND date = ? AND source = ? "
        "AND set_aside_id IS NULL", [venue_id, day.isoformat(), source]).fetchone()[0]


def agree(db, venue_id, day=DAY):
    for source in ("qr", "kiosk"):
        assert volume.checkins_today(db, venue_id, day, source) == counted_one_by_one(
            db, venue_id, day, source), source
    return volume.checkins_today(db, venue_id, day, "qr")


def test_the_door_count_follows_every_change_to_the_days_visits(db, mallis, victor):
    venue = mallis["id"]
    assert agree(db, venue) == 0
    for n in range(4):  # check-ins at the door, one of them a remembered phone
        record_visit(db, venue_id=venue, day=DAY, hour=10 + n % 2, source="qr",
                     person_hash="p1" if n == 0 else None)
    record_visit(db, venue_id=venue, day=DAY, hour=10, source="kiosk", gender="man")
    record_visit(db, venue_id=victor["id"], day=DAY, hour=10, source="qr")  # another venue
    insert(db, mallis, [(DAY.isoformat(), None, None, "woman", "tally", None)] * 3)
    insert(db, mallis, [("2026-11-20", 10, None, None, "qr", None)] * 2)  # another day
    assert agree(db, venue) == 4
    assert agree(db, victor["id"]) == 1
    assert volume.checkins_today(db, venue, DAY, "kiosk") == 1
    # Past the day bound: stored set aside, so not counted.
    record_visit(db, venue_id=venue, day=DAY, hour=11, source="qr", review=True)
    assert agree(db, venue) == 4
    # Staff set the 10 o'clock hour aside, then bring it back.
    decision = set_aside.set_aside(db, venue_id=venue, day=DAY, hour=10, reason="test",
                                   user=STAFF)
    assert agree(db, venue) == 2
    set_aside.bring_back(db, venue_id=venue, set_aside_id=decision["id"], user=STAFF)
    assert agree(db, venue) == 4
    # A visit deleted (a phone's code forgotten with today's visit), one moved to another day.
    with db.conn:
        db.execute("DELETE FROM visit WHERE person_hash = 'p1'")
    assert agree(db, venue) == 3
    with db.conn:
        db.execute("UPDATE visit SET date = '2026-11-24' WHERE id = (SELECT id FROM visit "
                   "WHERE venue_id = ? AND date = ? AND source = 'qr' AND set_aside_id IS NULL "
                   "LIMIT 1)", [venue, DAY.isoformat()])
    assert agree(db, venue) == 2
    assert agree(db, venue, DAY + dt.timedelta(days=1)) == 1
    # The other day's visits, stored before and never touched, are counted too.
    assert agree(db, venue, dt.date(2026, 11, 20)) == 2


def steps_of(db, read):
    """How many SQLite virtual-machine steps `read()` takes."""
    steps = [0]

    def step():
        steps[0] += 1

    db.conn.set_progress_handler(step, 1)
    try:
        read()
    finally:
        db.conn.set_progress_handler(None, 1)
    return steps[0]


def test_a_flood_does_not_make_the_next_tap_read_more(db, mallis):
    def door(): return volume.checkins_today(db, mallis["id"], DAY, "qr")
    def one_by_one(): return counted_one_by_one(db, mallis["id"], DAY, "qr")

    insert(db, mallis, [(DAY.isoformat(), 10, None, None, "qr", None)] * 10)
    few = steps_of(db, door)
    insert(db, mallis, [(DAY.isoformat(), 10, None, None, "qr", None)] * 5000)
    assert door() == 5010
    assert steps_of(db, door) == few
    # What it replaced read every visit: the difference this test sees.
    assert steps_of(db, one_by_one) > 100 * few


def test_m025_counts_the_visits_already_there(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m025_door_counts")
    db.execute("INSERT INTO venue (slug, name, door_key) VALUES ('x', 'X', 'k')")
    today = dt.datetime.now(dt.UTC).date()
    rows = [(today, "qr", None)] * 3 + [(today, "kiosk", None)] * 2 + [(today, "tally", None)]
    rows += [(today - dt.timedelta(days=1), "qr", None)] * 4
    db.conn.executemany("INSERT INTO visit (venue_id, date, hour, source) VALUES (1, ?, 10, ?)",
                        [(day.isoformat(), source) for day, source, _ in rows])
    db.conn.commit()
    migrations.apply(db)
    assert volume.checkins_today(db, 1, today, "qr") == 3
    assert volume.checkins_today(db, 1, today, "kiosk") == 2
    assert volume.checkins_today(db, 1, today - dt.timedelta(days=1), "qr") == 4
    db.conn.close()


def test_the_daily_job_forgets_door_counts_before_yesterday(db, mallis):
    for day in (DAY - dt.timedelta(days=3), DAY - dt.timedelta(days=2),
                DAY - dt.timedelta(days=1), DAY):
        record_visit(db, venue_id=mallis["id"], day=day, hour=10, source="qr")
    result = daily(db, DAY, {})
    assert result["door counts"] == 2
    assert [r[0] for r in db.execute("SELECT date FROM door_count ORDER BY date")] == [
        "2026-11-22", "2026-11-23"]
    # The visits themselves are the figures' and stay.
    assert db.execute("SELECT count(*) FROM visit").fetchone()[0] == 4
