"""What an activity was called, and whether its visits were counted, on a given day: a past
period's figures show the name and flag that held on its last day, so renaming an activity
or unticking "counted" today leaves last year's report as it was printed. No Flask."""

import datetime as dt
import sqlite3

_AT = (
    "SELECT a.id, coalesce(h.name_sv, a.name_sv), coalesce(h.name_en, a.name_en), "
    "coalesce(h.counted, a.counted) FROM activity a LEFT JOIN activity_history h "
    "ON h.activity_id = a.id AND h.valid_from = (SELECT max(valid_from) FROM "
    "activity_history WHERE activity_id = a.id AND valid_from <= ?) WHERE a.venue_id = ?")


_NOW = "SELECT id, name_sv, name_en, counted FROM activity WHERE venue_id = ?"


def activities_on(db, venue_id, day):
    """{activity id: {"name_sv", "name_en", "counted"}} as they held on `day` (a date); an
    activity with no history yet has its values of today."""
    try:
        rows = db.execute(_AT, [day.isoformat(), venue_id]).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" not in str(error):
            raise
        rows = db.execute(_NOW, [venue_id]).fetchall()  # before m023 (a migration's test)
    return {i: {"name_sv": sv, "name_en": en, "counted": bool(counted)}
            for i, sv, en, counted in rows}


def names_on(db, venue_id):
    """names(day): {activity id: Swedish name} on `day`, read once per day asked."""
    cache = {}

    def names(day: dt.date):
        if day not in cache:
            cache[day] = {i: a["name_sv"] for i, a in activities_on(db, venue_id, day).items()}
        return cache[day]

    return names
