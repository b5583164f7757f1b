import datetime as dt

import pytest

from checkin.visits.recording import record_visit
from tests.helpers import activity_id, visits

DAY = dt.date(2026, 11, 23)


def test_a_remembered_phone_counts_once_a_day(db, mallis):
    sygrupp, peer = activity_id(db, "Sygrupp"), activity_id(db, "Peer support")
    first = record_visit(db, venue_id=mallis["id"], day=DAY, hour=10, source="qr",
                         activity_id=sygrupp, gender="woman", person_hash="h1")
    again = record_visit(db, venue_id=mallis["id"], day=DAY, hour=13, source="qr",
                         activity_id=peer, person_hash="h1")
    assert first == (first[0], False) and again == (first[0], True)
    rows = visits(db)
    assert len(rows) == 1
    # The later check-in may change the activity; the earlier answer stays.
    assert (rows[0]["activity_id"], rows[0]["gender"], rows[0]["hour"]) == (peer, "woman", 10)


def test_the_same_phone_on_another_day_is_another_visit(db, mallis):
    for day in (DAY, DAY + dt.timedelta(days=1)):
        record_visit(db, venue_id=mallis["id"], day=day, hour=10, source="qr", person_hash="h1")
    assert len(visits(db)) == 2


def test_visits_without_a_phone_key_are_never_merged(db, mallis):
    for _ in range(3):
        record_visit(db, venue_id=mallis["id"], day=DAY, hour=10, source="kiosk")
    assert len(visits(db)) == 3


def test_an_unknown_gender_is_refused_and_nothing_stored(db, mallis):
    with pytest.raises(ValueError):
        record_visit(db, venue_id=mallis["id"], day=DAY, hour=10, source="qr", gender="female")
    with pytest.raises(ValueError):
        record_visit(db, venue_id=mallis["id"], day=DAY, hour=10, source="web")
    assert visits(db) == []


def test_the_visit_table_has_no_place_for_identity_or_exact_time(db):
    columns = {row["name"] for row in db.execute("PRAGMA table_info(visit)")}
    assert columns == {"id", "venue_id", "activity_id", "date", "hour", "gender", "source",
                       "person_hash", "hash_removed", "set_aside_id",
                       "record_key", "import_id"}  # the key: random, never shown
