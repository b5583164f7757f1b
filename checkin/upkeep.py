"""The server's upkeep: after each hour the database is written anew, so that rows of an hour
that is over cannot be put in order from the file; every minute a scrub that a long read held
up is tried again; every few seconds the -wal is checkpointed, so that no request does it
(the server's connections have SQLite's automatic checkpoint off, checkin/db.py). No Flask.

SQLite keeps the order rows came in: in the -wal (one frame per write, in order), in the byte
position of each cell in its table and index pages (a page fills from its end, so a cell
written earlier sits higher up), and in which pages were freed. `VACUUM` writes every table
in the order of its key (row ids are random, checkin/row_ids.py) and fills every index in
key order; a TRUNCATE checkpoint before and after it leaves the -wal empty.
`tests/app/test_file_order.py` reads the pages and frames as an attacker would.
"""

import logging
import threading
import time

from checkin.db import checkpoint, pay_owed_scrub, scrub, seconds_since_write
from checkin.web.server_log import lines_on_stderr

log = logging.getLogger("checkin.upkeep")
HOUR = 3600


def rewrite(db):
    """The hourly upkeep: empty the -wal, VACUUM, empty it again; True if all of it was done.

    False: another connection held a read; the rewrite is then owed and retried every
    minute (db.pay_owed_scrub) until it is done.
    """
    return scrub(db, vacuum=True, wait_ms=10_000)


def hour_of(seconds):
    """The hour (since 1970, UTC) a moment falls in; whole-hour zones share its bounds."""
    return int(seconds // HOUR)


# The rewrite holds every writer while its VACUUM runs (measured: 6 ms on the demo, 0.15 s at
# 100,000 visits, 1.1 s at 1,000,000): it waits for a moment without writes (quiet()), but at
# most this long after the hour's end.
REWRITE_LATEST_SECONDS = 15 * 60


def tick(db, last_hour, now, quiet=None):
    """One minute of upkeep: the rewrite when an hour has ended since `last_hour` (once
    `quiet()`, if given, says nobody is writing, or REWRITE_LATEST_SECONDS into the hour),
    else any owed scrub. Returns the hour to remember and whether the file is as it should
    be."""
    hour = hour_of(now)
    if hour != last_hour:
        if quiet is not None and not quiet() and now - hour * HOUR < REWRITE_LATEST_SECONDS:
            return last_hour, True  # the door is busy: asked again at the next check
        return hour, rewrite(db)
    return last_hour, pay_owed_scrub(db)


def start_upkeep_thread(config, connect, clock=time.time):
    """Run the upkeep in the server process: a PASSIVE checkpoint every
    CHECKPOINT_EVERY_SECONDS (2), and every UPKEEP_EVERY_SECONDS (60) the check of `tick`,
    the first one rewriting the file; a rewrite waits until this process has written nothing
    for REWRITE_QUIET_SECONDS (10), at most REWRITE_LATEST_SECONDS into the hour. Both in
    this one thread, so a checkpoint never runs beside the rewrite. Returns (thread, stop
    event)."""
    every = float(config.get("UPKEEP_EVERY_SECONDS", 60))
    checkpoint_every = float(config.get("CHECKPOINT_EVERY_SECONDS", 2))
    quiet_seconds = float(config.get("REWRITE_QUIET_SECONDS", 10))

    def quiet():
        return seconds_since_write() >= quiet_seconds

    stop = threading.Event()
    lines_on_stderr(log)

    def run():
        # None: the first check rewrites the file, so an hour that ended while the server was
        # stopped is not left in order until the next hour ends.
        last_hour, warned = None, False
        next_check = time.monotonic() + every
        kept, failing = None, False  # the checkpoints' connection, kept between them
        while not stop.wait(min(checkpoint_every, max(0.0, next_check - time.monotonic()))):
            try:
                if kept is None:
                    kept = connect()
                checkpoint(kept)
                failing = False
            except Exception:  # the next one tries again, on a new connection
                if not failing:  # once, not every two seconds
                    log.exception("upkeep: checkpoint failed")
                failing = True
                if kept is not None:
                    kept.conn.close()
                kept = None
            if time.monotonic() < next_check:
                continue
            next_check = time.monotonic() + every
            try:
                db = connect()
                try:
                    last_hour, done = tick(db, last_hour, clock(), quiet)
                finally:
                    db.conn.close()
                if not done and not warned:  # once, not every minute of a long read
                    log.warning("upkeep: another connection holds a read; the file is "
                                "rewritten as soon as it ends")
                warned = not done
            except Exception:  # the server keeps serving; the next minute tries again
                log.exception("upkeep: failed")
        if kept is not None:
            kept.conn.close()

    thread = threading.Thread(target=run, name="checkin-upkeep", daemon=True)
    thread.start()
    return thread, stop
