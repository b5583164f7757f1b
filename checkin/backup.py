"""Online backups: a consistent copy of the live database, checked before it is kept. No Flask."""

import datetime as dt
import os
import re
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


def backup(source, folder, now=None):
    """Copy `source` into the existing `folder`; return (path, row counts).

    `VACUUM INTO` copies a consistent snapshot, written anew, while other connections keep
    writing; the copy is written beside its name as `.partial` and renamed only after
    integrity_check says ok. A copy that fails for any reason is deleted: no `.partial` stays.
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "a file" if folder.exists() else "missing"
        raise BackupError(f"{folder} is {what}: give an existing folder for the copies")
    if not Path(source).is_file():
        raise BackupError(f"there is no database at {source}")
    dest = folder / NAME.format(now or dt.datetime.now())
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    done = False
    try:
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
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        finally:
            copy.close()
        os.replace(partial, dest)
        done = True
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"the copy failed: {error}") from error
    finally:
        if not done:  # whatever stopped it (an error, Ctrl-C): no half copy is left
            for leftover in (partial, Path(f"{partial}-journal")):
                leftover.unlink(missing_ok=True)
    return dest, counts


DATED = re.compile(r"checkin-(\d{4}-\d\d-\d\d)-\d{4}\.db(\.partial)?")


def expire(folder, keep_days, today):
    """Delete the copies in `folder` named for a day `keep_days` or more days before `today`.

    The day is read from the file's own name (checkin-YYYY-MM-DD-HHMM.db), never from its
    modification time, which a copy elsewhere resets: a copy made on 1 March is deleted by
    the first backup on or after 31 March with `keep_days` 30, whatever the hour. Returns
    the deleted paths.
    """
    limit = today - dt.timedelta(days=keep_days)
    gone = []
    for path in sorted(Path(folder).iterdir()):
        match = DATED.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        try:
            day = dt.date.fromisoformat(match.group(1))
        except ValueError:
            continue
        if day <= limit:
            path.unlink()
            gone.append(path)
    return gone


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


def holding_year(folder, year, removed=frozenset()):
    """The backups in `folder` that still hold `year`: its secret or a phone hash of it, in
    its rows or anywhere in its raw bytes (`removed`: what the close removed, as bytes).

    Those are the copies made before the year was closed. A file that cannot be read as a
    database is listed too: nobody can say it does not hold the year. Copies a backup left
    half-written (`.partial`) are looked at too.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    paths = sorted({*folder.glob(PATTERN), *folder.glob(PATTERN + ".partial")})
    return [path for path in paths
            if holds_any(path.read_bytes(), removed) or _holds_year(path, year)]


_HEX = re.compile(rb"[0-9a-fA-F]+")
_HEX_RUN = re.compile(rb"[0-9a-fA-F]{16,}")


def holds_any(data, removed):
    """True if any of the byte strings `removed` is somewhere in `data`.

    Secrets and hashes are hex text: the file's runs of hex digits are looked up in a set,
    so a large file and thousands of hashes take one pass, not one per hash.
    """
    hexes = {value for value in removed if len(value) >= 16 and _HEX.fullmatch(value)}
    if any(value in data for value in set(removed) - hexes):
        return True
    lengths = {len(value) for value in hexes}
    for match in _HEX_RUN.finditer(data):
        run = match.group()
        for length in lengths:
            if any(run[i:i + length] in hexes for i in range(len(run) - length + 1)):
                return True
    return False


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
