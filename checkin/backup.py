"""Online backups: a consistent copy of the live database, checked before it is kept. No Flask."""

import datetime as dt
import os
import sqlite3
from pathlib import Path

from checkin.db import private_file

COUNTED_TABLES = ("venue", "activity", "slot", "visit")
# Named by the day (and minute) it was made: copies made before a yearly close, here or
# elsewhere, can be found by their name.
NAME = "checkin-{:%Y-%m-%d-%H%M}.db"
PATTERN = "checkin-*.db"


class BackupError(RuntimeError):
    pass


def backup(source, dest):
    """Copy `source` to `dest` (a file, or a folder to name one in); return (path, row counts).

    `VACUUM INTO` copies a consistent snapshot, written anew, while other connections keep
    writing; the copy is written beside the target and renamed only after integrity_check
    says ok.
    """
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / NAME.format(dt.datetime.now())
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    if not Path(source).is_file():
        raise BackupError(f"there is no database at {source}")
    private_file(partial)  # a copy of the database is as private as the database
    _copy(source, partial)
    copy = sqlite3.connect(partial)
    try:
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"the copy failed its integrity check: {ok}")
        # Table names come from the constant above, never from input.
        counts = {t: copy.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 # nosec B608
                  for t in COUNTED_TABLES if _has_table(copy, t)}
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
    os.replace(partial, dest)
    return dest, counts


def _copy(source, partial):
    """Write a copy of `source` into the empty file `partial`, written anew.

    `VACUUM INTO` reads one snapshot (so the copy is consistent while others write) and
    writes each table in the order of its key and each index in key order: a page-by-page
    copy (SQLite's backup API) would keep where each row sits in its page, which tells the
    order rows came in (checkin/upkeep.py).
    """
    live = sqlite3.connect(source, timeout=10)
    try:
        live.execute("VACUUM INTO ?", [str(partial)])
    finally:
        live.close()


def _has_table(conn, name):
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        [name]).fetchone() is not None


def holding_year(folder, year):
    """The backups in `folder` that still hold `year`: its secret or a phone hash of it.

    Those are the copies made before the year was closed. A file that cannot be read as a
    database is listed too: nobody can say it does not hold the year.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.glob(PATTERN)) if _holds_year(path, year)]


def _holds_year(path, year):
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return True
    try:
        if _has_table(conn, "year_key") and conn.execute(
                "SELECT 1 FROM year_key WHERE year = ?", [year]).fetchone():
            return True
        return _has_table(conn, "visit") and conn.execute(
            "SELECT 1 FROM visit WHERE date BETWEEN ? AND ? AND person_hash IS NOT NULL LIMIT 1",
            [f"{year:04d}-01-01", f"{year:04d}-12-31"]).fetchone() is not None
    except sqlite3.Error:
        return True
    finally:
        conn.close()
