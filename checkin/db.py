"""The SQLite database: one connection per request, pragmas, migrations, write transactions,
and scrubbing what was deleted out of the file. Its commands are in db_commands.py."""

import os
import sqlite3
import threading
import time
from contextlib import contextmanager

import sqlite_utils
from flask import current_app, g

from checkin.migrations import migrations

BUSY_TIMEOUT_SECONDS = 10


PRIVATE = 0o600


def private_file(path):
    """Create `path` readable by its owner only, or take group and others' rights from it.

    SQLite gives the -wal and -shm files the database file's own mode, so they follow. An
    existing file is never opened here: closing any descriptor of a database file would drop
    the locks another connection of this process holds on it.
    """
    path = str(path)
    if path.startswith((":", "file:")):
        return
    try:
        if not os.path.exists(path):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
        elif os.stat(path).st_mode & 0o077:
            os.chmod(path, PRIVATE)
    except FileExistsError:
        pass  # made by another process a moment ago, with its own mode
    except OSError:
        pass  # not ours to change (a read-only copy, another owner): SQLite says what it can


def connect(path, *, autocheckpoint=True):
    """Open the database with the pragmas every connection needs.

    `autocheckpoint=False` (the server's connections): a commit never copies the -wal into
    the file itself. SQLite's automatic checkpoint would otherwise run inside a check-in every
    ~1,000 pages written (about 60 check-ins) and set the door's p99; the server's upkeep
    thread checkpoints instead, every CHECKPOINT_EVERY_SECONDS (checkin/upkeep.py).
    """
    private_file(path)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    db = sqlite_utils.Database(conn)
    # WAL can only be switched on outside a transaction; it sticks to the file.
    db.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still survives a killed process (tests/app/test_crash.py); only a power
    # cut can lose the last commits, never corrupt the file. FULL costs an fsync per check-in.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    # A deleted row is overwritten with zeros, not left in a freed page for anyone with the
    # file to read back; some builds have it on by default, ours must not depend on that.
    db.execute("PRAGMA secure_delete=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    if not autocheckpoint:
        db.execute("PRAGMA wal_autocheckpoint=0")
    return db


def checkpoint(db):
    """Copy what it can of the -wal into the file without waiting for anyone (PASSIVE): the
    next write then starts the -wal from its beginning, so it does not grow. Returns
    (frames in the -wal, frames copied)."""
    _busy, frames, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return frames, copied


_per_thread = threading.local()


def get_db():
    """The request's database connection, opened on first use.

    Under `checkin serve` (KEEP_CONNECTIONS) each server thread keeps its connection for the
    next request: opening one and setting its pragmas costs more than a whole check-in query;
    and (CHECKPOINTS_BY_UPKEEP) its commits leave checkpoints to the upkeep thread.
    """
    if "db" not in g:
        path = current_app.config["DATABASE"]
        if current_app.config.get("KEEP_CONNECTIONS"):
            kept = getattr(_per_thread, "connections", None)
            if kept is None:
                kept = _per_thread.connections = {}
            if path not in kept:
                kept[path] = connect(path, autocheckpoint=not current_app.config.get(
                    "CHECKPOINTS_BY_UPKEEP"))
            g.db = kept[path]
            g.db_kept = True
        else:
            g.db = connect(path)
    return g.db


def close_db(_exc=None):
    db = g.pop("db", None)
    if db is None:
        return
    if g.pop("db_kept", False):
        if db.conn.in_transaction:  # never hand a half-done transaction to the next request
            db.conn.rollback()
    else:
        db.conn.close()


# While another connection (the worker's import, a command) holds the write lock, BEGIN
# IMMEDIATE is tried again every millisecond. SQLite's own busy handler sleeps 1, 2, 5, 10,
# 15, 20, 25 … ms between tries, so a check-in behind a lock held 20 ms waited 33 ms, and
# behind one held 35 ms, 53 ms (docs/development.md, "Check-in under load").
LOCK_POLL_SECONDS = 0.001


def _begin_immediate(conn):
    """BEGIN IMMEDIATE, waiting for the write lock up to BUSY_TIMEOUT_SECONDS, trying again
    every LOCK_POLL_SECONDS instead of in SQLite's growing sleeps."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    conn.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(LOCK_POLL_SECONDS)
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")


_last_write = [float("-inf")]  # time.monotonic() of this process's last commit, memory only


def seconds_since_write():
    """Seconds since a write transaction of this process last committed (the upkeep's
    rewrite waits for a quiet moment: it holds every writer while it runs)."""
    return time.monotonic() - _last_write[0]


@contextmanager
def writing(db):
    """One write transaction that takes the write lock at once, so two writers never deadlock.

    Inside another `writing(db)` it joins that one: the outer commits or rolls back all of it,
    so an action made of several rule functions (a check-in: its one-time token, the visit,
    the step) is still one transaction."""
    if getattr(db, "_writing", False):
        yield db
        return
    _begin_immediate(db.conn)
    db._writing = True
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.commit()
        _last_write[0] = time.monotonic()
    finally:
        db._writing = False


def _no_reader_behind(db):
    """True unless another connection reads an older snapshot than the -wal's last frame (an
    export reading a large database, for seconds): asked with a PASSIVE checkpoint, which
    waits for nobody. A TRUNCATE checkpoint would wait for that reader, and while a FULL,
    RESTART or TRUNCATE checkpoint waits SQLite lets no writer in: every check-in at the
    door would wait with it (up to the busy timeout, seconds)."""
    _busy, frames, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return copied >= frames


def scrub(db, *, vacuum=False, wait_ms=None):
    """Leave nothing deleted in the database file or its -wal; True if that was done.

    secure_delete zeroes deleted rows in their pages, but the -wal still holds the pages as
    they were before, and other connections (a running server) keep it from being emptied
    by itself. A TRUNCATE checkpoint copies the -wal into the file and empties it; VACUUM
    first writes the file anew, so no freed page or old page image is left in it. Call it
    outside a transaction. False: another connection held a read longer than the busy
    timeout (or `wait_ms`, if given), or a writer the lock, or (with `vacuum`) a reader was
    on an older snapshot, which is not waited for at all (_no_reader_behind); the scrub is
    then owed
    (`scrub_owed()`), and the server's upkeep (checkin/upkeep.py) retries it every minute.
    """
    if wait_ms is not None:
        db.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
    vacuumed = False
    try:
        if vacuum and not _no_reader_behind(db):
            busy = 1  # owed: the upkeep asks again every minute, and nobody waited for it
        else:
            if vacuum:
                # The -wal is emptied first, so the frames VACUUM writes start it anew.
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("VACUUM")
                vacuumed = True
            busy, _frames, _copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # database is locked: a writer kept it past the timeout
        busy = 1
    finally:
        if wait_ms is not None:
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    # A VACUUM that ran is done: its pages wait in the -wal, and only the checkpoint that
    # copies them into the file (once the read has ended) is still owed.
    if vacuumed:
        _owed_vacuum.clear()
    elif vacuum and busy:
        _owed_vacuum.set()
    if busy:
        _owed.set()
    elif not _owed_vacuum.is_set():  # a checkpoint does not pay a VACUUM owed
        _owed.clear()
    return busy == 0


SQLITE_HEADER = b"SQLite format 3\x00"
_readers = {}  # (device, inode) → a descriptor of that file, open for the process's life
_readers_lock = threading.Lock()


def read_kept_open(path, count=None):
    """The file's first `count` bytes (all of them if None), read through a descriptor of the
    file that is never closed.

    Closing any descriptor of a file drops every POSIX lock this process holds on it, the
    locks of SQLite's own connections included (sqlite.org/howtocorrupt.html, 2.2; the WAL
    locks live in the -shm): another process then takes the file as unused, checkpoints and
    deletes the -wal under the server's feet, and the file ends "malformed". So /healthz and
    the yearly close's check of the bytes open each of the database's files (each inode: a
    file put in its place is a new one) once, and read it with pread.
    """
    found = os.stat(path)
    with _readers_lock:
        fd = _readers.get((found.st_dev, found.st_ino))
        if fd is None:
            fd = os.open(path, os.O_RDONLY)
            opened = os.fstat(fd)
            # Replaced between stat and open: keep it under what it is (never closed).
            fd = _readers.setdefault((opened.st_dev, opened.st_ino), fd)
    if count is None:
        count = os.fstat(fd).st_size
    chunks, offset = [], 0
    while offset < count:
        chunk = os.pread(fd, min(count - offset, 1 << 24), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def database_problem(path, open_db):
    """What keeps the database from serving (a short sentence), or None when it is fine.
    `open_db()` gives the connection to ask, once the file looks like a database."""
    try:
        header = read_kept_open(path, len(SQLITE_HEADER))
    except OSError:
        return "database file missing"
    if header != SQLITE_HEADER:
        return "database file damaged"
    try:
        applied = open_db().execute(
            "SELECT count(*) FROM _sqlite_migrations WHERE migration_set = ?",
            [migrations.name]).fetchone()[0]
    except sqlite3.Error:
        return "database unreadable"
    if applied != len(migrations._migrations):
        return "database schema not current: run `checkin init-db`"
    return None

# A deletion whose scrub a held read kept from finishing (in this process): the upkeep
# thread tries again every minute until it is done.
_owed = threading.Event()
_owed_vacuum = threading.Event()


def scrub_owed():
    """True while a deletion in this process still waits for its scrub."""
    return _owed.is_set()


def scrub_deletion(db):
    """After staff delete something: scrub now, waiting at most a second for a long read;
    else it is owed and the upkeep finishes it once the read ends. True if done now."""
    return scrub(db, wait_ms=1000)


def pay_owed_scrub(db):
    """Scrub if a deletion is owed one; True if nothing is owed any more."""
    if not _owed.is_set():
        return True
    return scrub(db, vacuum=_owed_vacuum.is_set(), wait_ms=1000)


def pending_migrations(db):
    return [m.name for m in migrations.pending(db)]


class MigrationFailed(Exception):
    """A migration failed; every pending one was rolled back, the database is as it was."""


def migrate(db):
    """Apply every migration not yet applied, in order, all in one transaction: either the
    database reaches the current schema, or it is left exactly as it was (MigrationFailed).
    Each one is recorded in the database (sqlite-utils runs each in a savepoint of ours).

    An existing database is then written anew: a migration that rebuilt or renumbered a
    table leaves no image of the old rows (and their order) behind.
    """
    pending, upgrade = migrations.pending(db), bool(migrations.applied(db))
    if pending:
        running = None
        try:
            with writing(db):
                for i, migration in enumerate(pending):
                    running = migration.name
                    later = [m.name for m in pending[i + 1:]]
                    migrations.apply(db, stop_before=later or None)
        except Exception as error:
            raise MigrationFailed(
                f"Migration {running} failed ({type(error).__name__}: {error}). "
                f"Nothing was changed: the {len(pending)} pending migration(s) were rolled "
                "back and the database is as it was."
            ) from error
    if pending and upgrade:
        scrub(db, vacuum=True)


def init_app(app):
    app.teardown_appcontext(close_db)
