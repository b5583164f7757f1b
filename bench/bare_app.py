"""The floors for bench/checkin_bench.py, served by waitress with one thread as `checkin serve`
is:

- GET /: a bare Flask answer "ok". /healthz also reads the database file's first bytes and
  counts the migrations, so it is no longer the bare floor it was.
- POST /door: a bare Flask POST that runs the SQL statements of one check-in (a new phone),
  the same statements in the same order and transactions, on a copy of the bench's database
  (BENCH_FLOOR_DB), and answers as the door does: a redirect that sets the step's cookie. No
  session, CSRF, one-time token, rules or request log: what a check-in would cost if it did
  nothing but its writes. The list mirrors what `TRACE=1` showed for one check-in when it was
  written (22 statements, 2026-12); the check-in line's "share of floor" says how far the
  rest of the door's work is from it. Like the server's upkeep, a thread copies the -wal into
  the file every 2 seconds (CHECKPOINT_EVERY_SECONDS), so the floor does not slow as it grows.

    BENCH_FLOOR_DB=copy.db .venv/bin/python -m waitress --threads=1 --port=8099 bench.bare_app:app
"""

import datetime as dt
import os
import secrets
import sqlite3
import threading
import time

from flask import Flask, redirect, request

app = Flask(__name__)
_local = threading.local()
CHECKPOINT_EVERY_SECONDS = 2


@app.get("/")
def bare():
    return "ok\n", 200, {"Content-Type": "text/plain"}


def _open():
    conn = sqlite3.connect(os.environ["BENCH_FLOOR_DB"], timeout=10, isolation_level=None,
                           check_same_thread=False)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   "secure_delete=ON", "busy_timeout=10000", "wal_autocheckpoint=0"):
        conn.execute("PRAGMA " + pragma)
    return conn


def _connection():
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = _open()
    return conn


def _checkpoints():
    conn = _open()
    while True:
        time.sleep(CHECKPOINT_EVERY_SECONDS)
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


if os.environ.get("BENCH_FLOOR_DB"):
    threading.Thread(target=_checkpoints, daemon=True).start()


@app.post("/door")
def door():
    day = request.form["day"]
    activity = request.form.get("activity", "")
    activity = int(activity) if activity.isdigit() else None
    yesterday = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    hour = 498729  # hours since 1970, as the step's expiry is kept
    person, visit = secrets.token_hex(16), secrets.randbits(52)
    c = _connection()
    venue = c.execute("SELECT * FROM venue WHERE slug = ?", ("mallis",)).fetchone()[0]  # id
    c.execute("SELECT secret FROM server_secret WHERE purpose = 'phone code'").fetchone()
    c.execute("SELECT * FROM door_limit WHERE venue_id = ?", (venue,)).fetchone()
    c.execute("SELECT token, n FROM schedule_version").fetchall()
    c.execute("SELECT secret FROM year_key WHERE year = ?", (int(day[:4]),)).fetchone()
    c.execute("PRAGMA busy_timeout=0")
    c.execute("BEGIN IMMEDIATE")
    c.execute("PRAGMA busy_timeout=10000")
    c.execute("INSERT OR IGNORE INTO used_form (nonce, day) VALUES (?, ?)",
              (secrets.token_urlsafe(12), day))
    c.execute("DELETE FROM used_form WHERE day < ?", (yesterday,))
    c.execute("SELECT id FROM visit WHERE venue_id = ? AND date = ? AND person_hash = ?",
              (venue, day, person)).fetchone()
    c.execute("SELECT n FROM door_count WHERE venue_id = ? AND date = ? AND source = 'qr'",
              (venue, day)).fetchone()
    c.execute("SELECT id FROM visit WHERE id IN (?)", (visit,)).fetchone()
    c.execute("INSERT INTO visit (id, venue_id, activity_id, date, hour, gender, source, "
              "person_hash, record_key) VALUES (?, ?, ?, ?, 10, NULL, 'qr', ?, ?)",
              (visit, venue, activity, day, person, secrets.randbits(32)))
    c.execute("DELETE FROM pending_step WHERE until_hour <= ?", (hour,))
    c.execute("INSERT INTO pending_step (ref_hash, kind, row_id, venue_id, until_hour, data) "
              "VALUES (?, 'visit', ?, ?, ?, '{\"ask\": \"gender\"}')",
              (secrets.token_hex(32), visit, venue, hour + 14))
    c.execute("COMMIT")
    response = redirect("/mallis/in/step", 302)
    response.set_cookie("checkin_step", secrets.token_urlsafe(16), httponly=True, samesite="Lax")
    return response
