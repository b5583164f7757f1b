"""The yearly close and the daily job: after a grace period a calendar year's persons are
frozen into figures, then its hashes and its secret are deleted, all in one write. No Flask.

Before the close a phone's hash could be recomputed by anyone holding the database and the
phone key; after it nobody can, and the figures stay exactly what they were. The file is
then written anew (db.scrub), so the deleted secret and hashes are not left in freed pages
or the -wal; backups made before the close still hold them, and the close names them.
"""

import datetime as dt
import logging
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from checkin import backup, retention_period, venues
from checkin.accounts import api as accounts
from checkin.db import pay_owed_scrub, read_kept_open, scrub, scrub_owed, writing
from checkin.feedback import api as feedback
from checkin.figures import api as figures
from checkin.publishing.api import months_before
from checkin.venues import DEFAULT_TIME_ZONE
from checkin.visits import api as visits
from checkin.web.server_log import lines_on_stderr

log = logging.getLogger("checkin.daily")
DEFAULT_CLOSE_AFTER_MONTHS = 2  # 2025 closes on 1 March 2026, after the end of February


class CloseRefused(ValueError):
    """A year that may not be closed (yet); the message says why."""


def closes_on(year, months):
    """The first day the year may be closed: `months` whole months after it ended."""
    index = (year + 1) * 12 + months
    return dt.date(index // 12, index % 12 + 1, 1)


DEFAULT_VERIFY_SECONDS = 120


def close_year(db, year, today, *, months=DEFAULT_CLOSE_AFTER_MONTHS, force=False,
               backup_dir=None, verify_seconds=DEFAULT_VERIFY_SECONDS, clock=time.monotonic,
               sleep=time.sleep):
    """Close `year`; return what was done, or None if it was closed already.

    Refuses the current (or a later) year always, and a year still in its grace period
    unless `force`. One write transaction: a crash leaves the year open and untouched.
    Then the file is scrubbed and checked: the raw bytes of the database file, its -wal and
    -shm are read for the year's secret and every hash the close removed (held in memory
    only). While any is still there (another connection holds a read of the file as it was),
    the scrub is tried again every second for up to `verify_seconds`. `scrubbed` is True
    only when none is left; `left_in` names the files that still hold one (then the scrub
    is owed, and the server's upkeep finishes it once the read has ended). `backups` lists
    the copies in `backup_dir` that still hold the year, by their bytes or their rows.
    """
    if year in visits.closed_years(db):
        return None
    if year >= today.year:
        raise CloseRefused(f"{year} is not over yet: only a past year can be closed")
    if today < closes_on(year, months) and not force:
        raise CloseRefused(f"{year} may be closed from {closes_on(year, months)} "
                           f"(CLOSE_AFTER_MONTHS = {months}); use --force to close it now")
    with writing(db):
        # Checked inside the write: two servers running the daily job close a year once.
        if year in visits.closed_years(db):
            return None
        removed = _what_the_close_removes(db, year)
        # Each feature forgets its own part of the year (its api): figures first freeze the
        # year's persons while the hashes are still there.
        done = {"year": year, "frozen": figures.freeze_persons(db, year)}
        done |= feedback.forget_year(db, year)  # responses, votes
        done["visits"] = visits.forget_year(db, year, today)  # last: the year's secret too
        removed -= _still_kept(db)  # the same value kept for an open year is not the year's
    deadline = clock() + verify_seconds
    scrub(db, vacuum=True, wait_ms=1000)
    while True:
        left = left_in(database_files(db), removed)
        if not left or clock() >= deadline:
            break
        sleep(1)
        if scrub_owed():  # the checkpoint (and VACUUM, if that could not run) still owed
            pay_owed_scrub(db)
        else:
            scrub(db, vacuum=True, wait_ms=1000)
    done["scrubbed"], done["left_in"] = not left, left
    done["closed_on"], done["backup_dir"] = today.isoformat(), backup_dir
    done["backups"] = backup.holding_year(backup_dir, year, removed) if backup_dir else []
    return done


def _what_the_close_removes(db, year):
    """The year's secret and every hash the close is about to remove, as bytes: what must not
    be in any file afterwards. Kept in memory only, for the check after the scrub. Each
    feature names its own (its tables are its own)."""
    values = [*visits.year_secrets(db, year), *feedback.year_hashes(db, year)]
    # Real hashes and secrets are 32 hex digits or more; a shorter value (a test's stand-in)
    # would be found by chance in any file.
    return {str(value).encode() for value in values if value and len(str(value)) >= 16}


def _still_kept(db):
    """Every secret and hash the database keeps after the close, as bytes."""
    values = [*visits.kept_secrets(db), *feedback.kept_hashes(db)]
    return {str(value).encode() for value in values if value}


def database_files(db):
    """The database file of `db` and its -wal and -shm, those that exist."""
    main = next(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main")
    return [Path(f"{main}{suffix}") for suffix in ("", "-wal", "-shm")
            if Path(f"{main}{suffix}").is_file()]


def left_in(paths, removed):
    """The names of the files whose raw bytes still hold any of `removed`. Read through
    descriptors kept open (db.read_kept_open): closing one would drop the server's locks."""
    return [path.name for path in paths
            if backup.holds_any(read_kept_open(path), removed)]


def years_to_close(db, today, months=DEFAULT_CLOSE_AFTER_MONTHS):
    """Open years with a secret or a hashed visit whose grace period is over, oldest first."""
    years = visits.years_with_secrets(db)
    closed = visits.closed_years(db)
    return sorted(y for y in years - closed
                  if y < today.year and today >= closes_on(y, months))


def daily(db, today, config):
    """The daily job: retention's purge, forgetting steps, spent tokens and door counts whose
    day is over, then closing every year past its grace period.

    The period is retention_period.months(): what staff set on /staff/retention (the privacy
    page promises visitors), else the operator's RETENTION_MONTHS.
    """
    months = config.get("CLOSE_AFTER_MONTHS", DEFAULT_CLOSE_AFTER_MONTHS)
    keep = retention_period.months(db, config.get("RETENTION_MONTHS",
                                                  retention_period.DEFAULT_MONTHS))
    result = {"purged": feedback.purge(db, today, keep), "closed": []}
    # Staff's audit lines go after AUDIT_KEEP_MONTHS (24): who did what is kept long enough
    # to answer for it, not for ever.
    audit_months = config.get("AUDIT_KEEP_MONTHS", accounts.AUDIT_KEEP_MONTHS)
    result["audit"] = accounts.forget_audit_before(db, months_before(today, audit_months))
    # Steps and spent tokens go when their time is over even if nobody posts after them: every
    # step that ended before this morning's midnight at the installation (venues to the east
    # may be later, never earlier, so no step still good is touched).
    midnight = dt.datetime.combine(today, dt.time(0),
                                   tzinfo=ZoneInfo(config.get("TIMEZONE", DEFAULT_TIME_ZONE)))
    result["steps"] = visits.forget_steps_over(db, visits.hour_number(midnight))
    result["tokens"] = visits.forget_spent_tokens(db, today)
    result["door counts"] = visits.forget_door_counts(db, today)
    for year in years_to_close(db, today, months):
        done = close_year(db, year, today, months=months, backup_dir=config.get("BACKUP_DIR"),
                          verify_seconds=config.get("CLOSE_VERIFY_SECONDS",
                                                    DEFAULT_VERIFY_SECONDS))
        if done:
            result["closed"].append(done)
    return result


def describe(result):
    """One line for the log or the terminal: counts and file names only, nothing about anyone."""
    purged = result["purged"]
    closed = ", ".join(
        f"{c['year']} ({c['visits']} visit hashes, {c['responses']} survey hashes, "
        f"{c['votes']} votes made anonymous, {c['frozen']} frozen rows)"
        for c in result["closed"]) or "none"
    line = (f"daily: deleted {purged['texts']} free text(s) and {purged['ideas']} unpublished "
            f"idea(s) from before {purged['before']}, {result.get('audit', 0)} audit line(s) "
            f"past their time; closed years: {closed}")
    for c in result["closed"]:
        line += "; " + after_close(c)
    if not purged["scrubbed"]:
        line += "; " + NOT_SCRUBBED
    return line


NOT_SCRUBBED = ("another connection kept the -wal from being emptied: deleted data stays in "
                "it until that read ends (`checkin serve` tries again every minute; without a "
                "server, run `checkin upkeep`)")


def after_close(done):
    """What the operator must still do after a close: delete the backups that hold the year."""
    year, folder = done["year"], done["backup_dir"]
    parts = []
    if not done["scrubbed"]:
        parts.append(
            f"NOT DONE: {year}'s secret or hashes are still in the raw bytes of "
            f"{', '.join(done['left_in'])}: another connection holds a read of the file as it "
            "was before the close; they go once that read ends (`checkin serve` rewrites the "
            "file within a minute of it; without a server, run `checkin upkeep`)")
    if done["backups"]:
        names = ", ".join(path.name for path in done["backups"])
        parts.append(f"backups that still hold {year}'s secret and hashes: {names} in {folder}; "
                     "delete them")
    else:
        parts.append(f"no backup in {folder or 'BACKUP_DIR'} holds {year}")
    parts.append(f"delete every copy kept elsewhere of a backup made before {done['closed_on']} "
                 "(docs/operations.md, \"The yearly close\")")
    return "; ".join(parts)


def start_daily_thread(config, connect):
    """Run the daily job in the server process: first after DAILY_FIRST_RUN_SECONDS (60),
    then every DAILY_EVERY_HOURS (24). Returns (thread, stop event)."""
    first = float(config.get("DAILY_FIRST_RUN_SECONDS", 60))
    every = float(config.get("DAILY_EVERY_HOURS", 24)) * 3600
    stop = threading.Event()
    # One line a day: it tells the operator which backups to delete.
    lines_on_stderr(log)

    def run():
        wait = first
        while not stop.wait(wait):
            wait = every
            try:
                db = connect()
                try:
                    log.info(describe(daily(db, venues.local_today(config), config)))
                finally:
                    db.conn.close()
            except Exception:  # the server keeps serving; tomorrow's run tries again
                log.exception("daily: failed")

    thread = threading.Thread(target=run, name="checkin-daily", daemon=True)
    thread.start()
    return thread, stop
