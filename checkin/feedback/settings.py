"""Settings staff change on the pages (the `setting` table): one text value per key. No Flask."""

from checkin.db import writing


def get(db, key, default=None):
    row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def put(db, key, value):
    with writing(db):
        db.execute("INSERT INTO setting (key, value) VALUES (?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, str(value)])
