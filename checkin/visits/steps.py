"""What a browser needs between two steps, kept on the server behind a random reference.

After checking in, the visitor may answer a question or two; after a face, write a text. The
browser's cookie holds only a random reference (never a row id); the server keeps its hash,
the row it points to and until which hour it is good. It is deleted when the step is done
or its time is over, and never outlives the venue's day: at the venue's midnight it points at
nothing, so a phone in the wrong hands points at nothing the next day. No Flask.
"""

import datetime as dt
import hashlib
import json
import secrets

from checkin.db import writing

KINDS = ("visit", "feedback")


def _hash(ref):
    return hashlib.sha256(ref.encode()).hexdigest()


def hour_number(moment):
    """Hours since 1970 (UTC) of an aware datetime: the only clock this table keeps."""
    return int(moment.timestamp()) // 3600


def midnight_hour(now):
    """The first whole hour (since 1970, UTC) at or after the venue's next midnight, for the
    venue's aware local `now`. Where midnight is not on a whole UTC hour (a half-hour time
    zone) the step's owner also checks its row's date, so the step still ends at midnight."""
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0),
                                   tzinfo=now.tzinfo)
    return -(-int(midnight.timestamp()) // 3600)


def start(db, *, kind, row_id, venue_id, now_hour, until_hour, data=None, replaces=None):
    """A new step; returns the random reference for the cookie.

    `replaces` (the browser's earlier reference) and every step whose time is over are
    deleted in the same write.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    ref = secrets.token_urlsafe(18)
    with writing(db):
        db.execute("DELETE FROM pending_step WHERE until_hour <= ?", [now_hour])
        if replaces:
            db.execute("DELETE FROM pending_step WHERE ref_hash = ?", [_hash(replaces)])
        db.execute(
            "INSERT INTO pending_step (ref_hash, kind, row_id, venue_id, until_hour, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [_hash(ref), kind, row_id, venue_id, until_hour, json.dumps(data or {})])
    return ref


def find(db, ref, *, kind, venue_id, now_hour):
    """{'row_id', 'data'} of a step still good, else None. A step found after its time is
    deleted there and then, so it does not wait for the daily job."""
    if not isinstance(ref, str) or not 10 < len(ref) < 64:
        return None
    row = db.execute(
        "SELECT row_id, data, until_hour FROM pending_step WHERE ref_hash = ? AND kind = ? "
        "AND venue_id = ?", [_hash(ref), kind, venue_id]).fetchone()
    if row is None:
        return None
    if row["until_hour"] <= now_hour:
        finish(db, ref)
        return None
    return {"row_id": row["row_id"], "data": json.loads(row["data"])}


def update(db, ref, data):
    with writing(db):
        db.execute("UPDATE pending_step SET data = ? WHERE ref_hash = ?",
                   [json.dumps(data), _hash(ref)])


def forget_over(db, now_hour):
    """Delete every step whose time is over; return how many. The daily job calls this, so
    a step is forgotten even when nobody starts another one after it."""
    with writing(db):
        return db.execute("DELETE FROM pending_step WHERE until_hour <= ?", [now_hour]).rowcount


def finish(db, ref):
    """The step is done: forget it."""
    if isinstance(ref, str):
        with writing(db):
            db.execute("DELETE FROM pending_step WHERE ref_hash = ?", [_hash(ref)])
