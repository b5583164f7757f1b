"""Nothing acknowledged is lost: SIGKILL in the middle of a burst, and two servers on one file."""

import hashlib
import sqlite3
import threading

import pytest

from checkin.visits.phone_pages import STEP_COOKIES
from tests.server import Server, Visitor, checkin, checkin_env

pytestmark = pytest.mark.slow  # real servers, killed and restarted

THREADS = 8
PER_THREAD = 25
STEP_COOKIE = STEP_COOKIES["visit"]


# The bursts below are no door's traffic: the bounds (tests/visits/test_door_guards.py)
# stay out of it.
UNBOUNDED = {"CHECKIN_CHECKINS_PER_MINUTE": "100000", "CHECKIN_CHECKINS_PER_DAY": "100000",
             "CHECKIN_SENDER_CHECKINS_PER_HOUR": "100000"}


def door_path(env):
    url = checkin(env, "door-url", "mallis").strip()
    return "/" + url.split("/", 3)[3]


def burst(urls, door, results, stop_after=None, on_ack=None):
    """THREADS threads, each checking in PER_THREAD times, every time as a new phone."""

    def one_thread(n):
        for i in range(PER_THREAD):
            visitor = Visitor(urls[(n + i) % len(urls)])
            try:
                status, location = visitor.check_in(door)
            except Exception:  # noqa: BLE001 - killed mid-answer (reset, cut short): not acknowledged
                status, location = None, None
            finally:
                visitor.close()
            results.append((status, location, visitor.cookies.get(STEP_COOKIE)))
            if on_ack and status == 302:
                on_ack()

    threads = [threading.Thread(target=one_thread, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


def test_a_killed_server_keeps_every_acknowledged_check_in(tmp_path):
    env = checkin_env(tmp_path, **UNBOUNDED)
    checkin(env, "init-db")
    checkin(env, "seed-demo")
    door = door_path(env)
    with sqlite3.connect(tmp_path / "checkin.db") as conn:
        before = {r[0] for r in conn.execute("SELECT id FROM visit")}  # ids are random

    server = Server(tmp_path, env=env).start()
    acked = threading.Semaphore(0)
    results = []
    killer_done = threading.Event()

    def kill_midway():
        for _ in range(THREADS * PER_THREAD // 3):
            acked.acquire(timeout=20)
        server.kill()
        killer_done.set()

    killer = threading.Thread(target=kill_midway)
    killer.start()
    burst([server.url], door, results, on_ack=acked.release)
    killer.join(timeout=30)
    assert killer_done.is_set()

    restarted = Server(tmp_path, env=env).start()  # a clean start on the same file after the crash
    restarted.stop()

    acknowledged = [r for r in results if r[0] == 302]
    assert all(location == door + "/done" for _s, location, _c in acknowledged)
    # The cookie holds a random reference; the server knows which visit it stands for.
    refs = [hashlib.sha256(cookie.encode()).hexdigest() for _s, _l, cookie in acknowledged]
    with sqlite3.connect(tmp_path / "checkin.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT id FROM visit")} - before
        steps = dict(conn.execute("SELECT ref_hash, row_id FROM pending_step"))
    ids = [steps[ref] for ref in refs]
    sent = len(results)
    print(f"burst: {sent} check-ins sent, {len(acknowledged)} acknowledged, "
          f"{len(stored)} found after restart")
    assert 0 < len(acknowledged) < sent  # the kill really came in the middle
    assert len(set(ids)) == len(ids)  # every acknowledged session has its own visit
    assert set(ids) <= stored  # and every one of them is in the database
    assert len(stored) <= sent  # nothing counted twice


def test_a_server_and_another_writer_on_one_database_never_report_it_locked(tmp_path):
    """One `checkin serve` per database (a second refuses: tests/app/test_release.py), but the
    commands write beside it: staff counting by hand from another process during a burst
    of check-ins, and neither side sees "database is locked"."""
    import datetime as dt

    from checkin.db import connect
    from checkin.visits.recording import change_tally
    from tests.helpers import SOMEONE

    env = checkin_env(tmp_path, **UNBOUNDED)
    checkin(env, "init-db")
    checkin(env, "seed-demo")
    door = door_path(env)
    with sqlite3.connect(tmp_path / "checkin.db") as conn:
        before = conn.execute("SELECT count(*) FROM visit").fetchone()[0]
        venue = conn.execute("SELECT id FROM venue WHERE slug = 'mallis'").fetchone()[0]
    tallied, done = [], threading.Event()

    def other_writer():
        db = connect(str(tmp_path / "checkin.db"))
        while not done.is_set():
            tallied.append(change_tally(db, venue_id=venue, day=dt.date(2026, 11, 23),
                                        activity_id=None, changes={"unstated": 1},
                                        user=SOMEONE))
        db.conn.close()

    with Server(tmp_path, env=env) as one:
        writer = threading.Thread(target=other_writer)
        writer.start()
        results = []
        burst([one.url], door, results)
        done.set()
        writer.join(timeout=60)
    statuses = [r[0] for r in results]
    assert statuses == [302] * THREADS * PER_THREAD
    assert "locked" not in one.output() and " 500 " not in one.output()
    assert tallied and all(t == {"unstated": 1} for t in tallied)
    with sqlite3.connect(tmp_path / "checkin.db") as conn:
        after = conn.execute("SELECT count(*) FROM visit").fetchone()[0]
    assert after - before == THREADS * PER_THREAD + len(tallied)


def test_a_writer_waits_for_the_lock_and_takes_it_once_it_is_free(tmp_path, monkeypatch):
    """db.writing tries BEGIN IMMEDIATE again every millisecond while another connection
    holds the write lock (SQLite's own handler sleeps ever longer between tries): it gets the
    lock once it is free, gives up with "locked" after BUSY_TIMEOUT_SECONDS, and leaves the
    connection's busy timeout as it was."""
    import sqlite3
    import threading

    from checkin import db as database

    path = str(tmp_path / "x.db")
    holder, waiter = database.connect(path), database.connect(path)
    holder.execute("CREATE TABLE t (n INTEGER)")
    tries = []
    real_sleep = database.time.sleep
    monkeypatch.setattr(database.time, "sleep", lambda s: tries.append(s) or real_sleep(s))
    holder.conn.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.05, holder.conn.commit)
    release.start()
    with database.writing(waiter):
        waiter.execute("INSERT INTO t VALUES (1)")
    release.join()
    assert len(tries) >= 5 and set(tries) == {database.LOCK_POLL_SECONDS}
    assert waiter.execute("SELECT count(*) FROM t").fetchone()[0] == 1
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == \
        database.BUSY_TIMEOUT_SECONDS * 1000
    holder.conn.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.02)
    with pytest.raises(sqlite3.OperationalError, match="locked"), database.writing(waiter):
        pass
    holder.conn.rollback()
    assert waiter.execute("SELECT count(*) FROM t").fetchone()[0] == 1
