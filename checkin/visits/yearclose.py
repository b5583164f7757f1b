"""The yearly close and the daily job: after a grace period a calendar year's persons are
frozen into figures, then its hashes and its secret are deleted, all in one write. No Flask.

Before the close a phone's hash could be recomputed by anyone holding the database and the
phone key; after it nobody can, and the figures stay exactly what they were. The file is
then written anew (db.scrub), so the deleted secret and hashes are not left in freed pages
or the -wal; backups made before the close still hold them, and the close names them.
"""

import datetime as dt
import logging
import sys
import threading
from zoneinfo import ZoneInfo

from checkin import backup
from checkin.db import scrub, writing
from checkin.feedback import ideas, retention, surveys
from checkin.figures import persons
from checkin.visits import once, steps
from checkin.visits import phones as anonymity
from checkin.visits import recording as visits
from checkin.week import venues

log = logging.getLogger("checkin.daily")
DEFAULT_CLOSE_AFTER_MONTHS = 2  # 2025 closes on 1 March 2026, after the end of February


class CloseRefused(ValueError):
    """A year that may not be closed (yet); the message says why."""


def closes_on(year, months):
    """The first day the year may be closed: `months` whole months after it ended."""
    index = (year + 1) * 12 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def close_year(db, year, today, *, months=DEFAULT_CLOSE_AFTER_MONTHS, force=False,
               backup_dir=None):
    """Close `year`; return what was done, or None if it was closed already.

    Refuses the current (or a later) year always, and a year still in its grace period
    unless `force`. One write transaction: a crash leaves the year open and untouched.
    Then the file is scrubbed (`scrubbed`: False if another connection kept the -wal from
    being emptied), and `backups` lists the copies in `backup_dir` that still hold the year.
    """
    if year in anonymity.closed_years(db):
        return None
    if year >= today.year:
        raise CloseRefused(f"{year} is not over yet: only a past year can be closed")
    if today < closes_on(year, months) and not force:
        raise CloseRefused(f"{year} may be closed from {closes_on(year, months)} "
                           f"(CLOSE_AFTER_MONTHS = {months}); use --force to close it now")
    with writing(db):
        # Checked inside the write: two servers running the daily job close a year once.
        if db.execute("SELECT 1 FROM closed_year WHERE year = ?", [year]).fetchone():
            return None
        done = {"year": year, "frozen": persons.freeze_persons(db, year)}
        done["visits"] = visits.remove_year_hashes(db, year)
        done["responses"] = surveys.remove_year_hashes(db, year)
        done["votes"] = ideas.remove_year_hashes(db, year)
        anonymity.forget_year(db, year, today)
    done["scrubbed"] = scrub(db, vacuum=True)
    done["closed_on"], done["backup_dir"] = today.isoformat(), backup_dir
    done["backups"] = backup.holding_year(backup_dir, year) if backup_dir else []
    return done


def years_to_close(db, today, months=DEFAULT_CLOSE_AFTER_MONTHS):
    """Open years with a secret or a hashed visit whose grace period is over, oldest first."""
    years = {row[0] for row in db.execute("SELECT year FROM year_key")}
    years |= {int(row[0]) for row in db.execute(
        "SELECT DISTINCT substr(date, 1, 4) FROM visit WHERE person_hash IS NOT NULL")}
    closed = anonymity.closed_years(db)
    return sorted(y for y in years - closed
                  if y < today.year and today >= closes_on(y, months))


def daily(db, today, config):
    """The daily job: retention's purge, forgetting steps and spent tokens whose day is over,
    then closing every year past its grace period.

    The period is retention.months(): what staff set on /staff/retention (which the privacy
    page promises visitors), else the operator's RETENTION_MONTHS.
    """
    months = config.get("CLOSE_AFTER_MONTHS", DEFAULT_CLOSE_AFTER_MONTHS)
    keep = retention.months(db, config.get("RETENTION_MONTHS", retention.DEFAULT_MONTHS))
    result = {"purged": retention.purge(db, today, keep), "closed": []}
    # Steps and spent tokens go when their time is over even if nobody posts after them: every
    # step that ended before this morning's midnight at the installation (venues to the east
    # may be later, never earlier, so no step still good is touched).
    midnight = dt.datetime.combine(today, dt.time(0),
                                   tzinfo=ZoneInfo(config.get("TIMEZONE", "Europe/Stockholm")))
    result["steps"] = steps.forget_over(db, steps.hour_number(midnight))
    result["tokens"] = once.forget_spent(db, today)
    for year in years_to_close(db, today, months):
        done = close_year(db, year, today, months=months, backup_dir=config.get("BACKUP_DIR"))
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
            f"idea(s) from before {purged['before']}; closed years: {closed}")
    for c in result["closed"]:
        line += "; " + after_close(c)
    if not purged["scrubbed"]:
        line += "; " + NOT_SCRUBBED
    return line


NOT_SCRUBBED = ("another connection kept the -wal from being emptied: deleted data stays in "
                "it until the next checkpoint (restart the server to force one)")


def after_close(done):
    """What the operator must still do after a close: delete the backups that hold the year."""
    year, folder = done["year"], done["backup_dir"]
    parts = [NOT_SCRUBBED] if not done["scrubbed"] else []
    if done["backups"]:
        names = ", ".join(path.name for path in done["backups"])
        parts.append(f"backups that still hold {year}'s secret and hashes: {names} in {folder}; "
                     "delete them")
    else:
        parts.append(f"no backup in {folder or 'BACKUP_DIR'} holds {year}")
    parts.append(f"delete every copy kept elsewhere of a backup made before {done['closed_on']} "
                 "(docs/operations.md, \"The yearly close\")")
    return "; ".join(parts)


def local_today(config):
    """Today at the installation's time zone (CHECKIN_FROZEN_NOW pins it for tests)."""
    zone = {"timezone": config.get("TIMEZONE", "Europe/Stockholm")}
    return venues.local_now(zone, config.get("FROZEN_NOW")).date()


def start_daily_thread(config, connect):
    """Run the daily job in the server process: first after DAILY_FIRST_RUN_SECONDS (60),
    then every DAILY_EVERY_HOURS (24). Returns (thread, stop event)."""
    first = float(config.get("DAILY_FIRST_RUN_SECONDS", 60))
    every = float(config.get("DAILY_EVERY_HOURS", 24)) * 3600
    stop = threading.Event()
    if not log.handlers:
        # One line a day on standard error: under systemd standard output (the request log)
        # is not kept, and this line is what tells the operator which backups to delete.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    def run():
        wait = first
        while not stop.wait(wait):
            wait = every
            try:
                db = connect()
                try:
                    log.info(describe(daily(db, local_today(config), config)))
                finally:
                    db.conn.close()
            except Exception:  # the server keeps serving; tomorrow's run tries again
                log.exception("daily: failed")

    thread = threading.Thread(target=run, name="checkin-daily", daemon=True)
    thread.start()
    return thread, stop
