"""Checkpoints off the request path: under `checkin serve` the server's connections never copy
the -wal into the file inside a request (wal_autocheckpoint 0); the upkeep thread does it every
few seconds, so the -wal does not grow while check-ins come. Other connections (the `checkin`
commands) keep SQLite's automatic checkpoint."""

import os
import threading

from checkin import upkeep
from checkin.db import connect, get_db
from tests.helpers import check_in

ROUNDS = 8
LIFTED = {"CHECKINS_PER_MINUTE": 10**8, "SENDER_CHECKINS_PER_HOUR": 10**8,
          "CHECKINS_PER_DAY": 10**8, "POSTS_PER_MINUTE_SESSION": 10**8,
          "SENDER_POSTS_PER_HOUR": 10**8}


def autocheckpoint(db):
    return db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]


def as_the_server(app):
    app.config.update(KEEP_CONNECTIONS=True, CHECKPOINTS_BY_UPKEEP=True, **LIFTED)


def test_the_servers_connections_never_checkpoint_and_the_commands_do(app):
    with app.test_request_context():
        assert autocheckpoint(get_db()) == 1000  # the development server, tests: SQLite's own
    as_the_server(app)
    with app.test_request_context():
        assert autocheckpoint(get_db()) == 0
    command = connect(app.config["DATABASE"])  # `checkin …` beside the server
    assert autocheckpoint(command) == 1000
    command.conn.close()


def wal_size(app):
    path = app.config["DATABASE"] + "-wal"
    return os.path.getsize(path) if os.path.exists(path) else 0


def check_ins(app, mallis, count):
    for _ in range(count):
        assert check_in(app.test_client(), mallis).status_code == 302


def test_the_upkeep_thread_checkpoints_so_the_wal_does_not_grow(app, db, mallis, monkeypatch):
    as_the_server(app)
    # Switch off: no upkeep thread, and the -wal only grows while check-ins come.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sizes = []
    for _ in range(ROUNDS):
        check_ins(app, mallis, 15)
        sizes.append(wal_size(app))
    assert sizes == sorted(sizes) and sizes[-1] > (ROUNDS - 1) * sizes[0] > 0
    grown = sizes[-1]

    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    done, lock = [0], threading.Lock()

    def counted(kept):
        result = real(kept)
        with lock:
            done[0] += 1
        return result

    real = upkeep.checkpoint
    monkeypatch.setattr(upkeep, "checkpoint", counted)
    thread, stop = upkeep.start_upkeep_thread(
        {"UPKEEP_EVERY_SECONDS": 3600, "CHECKPOINT_EVERY_SECONDS": 0.01},
        lambda: connect(app.config["DATABASE"]))
    try:
        sizes = []
        for _ in range(ROUNDS):
            check_ins(app, mallis, 15)
            seen = done[0]
            while done[0] < seen + 2 and thread.is_alive():  # a whole checkpoint after them
                threading.Event().wait(0.01)
            sizes.append(wal_size(app))
    finally:
        stop.set()
        thread.join(5)
    # The -wal is used again from its start after a checkpoint, so its file stops growing at
    # a few rounds' pages (measured: 0.5 MB beside 4.2 MB without the upkeep).
    assert max(sizes) <= grown / 4
