"""What a browser needs between two steps, kept on the server behind a random reference.

After checking in, the visitor may answer a question or two; after a face, write a text. The
browser's cookie holds only a random reference (never a row id); the server keeps its hash,
the row it points to and until which hour it is good. It is deleted when the step is done
or its time is over, so a phone in the wrong hands points at nothing the next day. No Flask.
"""

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
    """{'row_id', 'data'} of a step still good, else None."""
    if not isinstance(ref, str) or not 10 < len(ref) < 64:
        return None
    row = db.execute(
        "SELECT row_id, data FROM pending_step WHERE ref_hash = ? AND kind = ? AND venue_id = ? "
        "AND until_hour > ?", [_hash(ref), kind, venue_id, now_hour]).fetchone()
    if row is None:
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
