"""The SQLite database: one connection per request, pragmas, migrations, write transactions."""

import sqlite3
import threading
from contextlib import contextmanager

import click
import sqlite_utils
from flask import current_app, g
from flask.cli import with_appcontext

from checkin.migrations import migrations

BUSY_TIMEOUT_SECONDS = 10


def connect(path):
    """Open the database with the pragmas every connection needs."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    db = sqlite_utils.Database(conn)
    # WAL can only be switched on outside a transaction; it sticks to the file.
    db.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still survives a killed process (tests/test_crash.py); only a power
    # cut can lose the last commits, never corrupt the file. FULL costs an fsync per check-in.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    return db


_per_thread = threading.local()


def get_db():
    """The request's database connection, opened on first use.

    Under `checkin serve` (KEEP_CONNECTIONS) each server thread keeps its connection for the
    next request: opening one and setting its pragmas costs more than a whole check-in query.
    """
    if "db" not in g:
        path = current_app.config["DATABASE"]
        if current_app.config.get("KEEP_CONNECTIONS"):
            kept = getattr(_per_thread, "connections", None)
            if kept is None:
                kept = _per_thread.connections = {}
            if path not in kept:
                kept[path] = connect(path)
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


@contextmanager
def writing(db):
    """One write transaction that takes the write lock at once, so two writers never deadlock."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.commit()


def pending_migrations(db):
    return [m.name for m in migrations.pending(db)]


def migrate(db):
    """Apply every migration not yet applied, in order; each one is recorded in the database."""
    migrations.apply(db)


def init_app(app):
    app.teardown_appcontext(close_db)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database or bring it up to date."""
    db = connect(current_app.config["DATABASE"])
    before = pending_migrations(db)
    migrate(db)
    click.echo(f"Database ready: {current_app.config['DATABASE']}")
    for name in before:
        click.echo(f"  applied {name}")
