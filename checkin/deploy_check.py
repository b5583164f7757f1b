"""`checkin check`: what is wrong or unsafe for running it for real, each said in one line.

Like Django's `check --deploy`: nothing here changes anything. No Flask: the command passes
the settings and an open database.
"""

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import urlsplit

from checkin.backup import PATTERN
from checkin.db import database_problem

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# A nightly backup (deploy/checkin-backup.timer) leaves one at most a day and a bit old.
BACKUP_AT_MOST_HOURS = 36


def problems(settings, db, *, now=None):
    """Each problem as (what, why it matters and what to do); [] when all is well."""
    now = now or dt.datetime.now()
    return (_address(settings) + _files(settings) + _schema(settings, db) + _demo(db)
            + _backups(settings, now) + _replication(settings))


def _address(settings):
    url = urlsplit(settings["BASE_URL"])
    if url.hostname in LOOPBACK:
        return [("BASE_URL is " + settings["BASE_URL"],
                 "posters and QR codes lead to this machine only: set BASE_URL to the public "
                 "https:// address")]
    found = []
    if url.scheme != "https":
        found.append(("BASE_URL is not https", "phones would send their cookies and the "
                      "staff's passwords unencrypted: serve it behind nginx with TLS"))
    if not settings["HTTPS"]:
        found.append(("HTTPS is off", "no HSTS and no Secure cookies: set HTTPS = true once "
                      "nginx serves TLS"))
    if settings["PROXY_COUNT"] < 1:
        found.append(("PROXY_COUNT is 0", "behind nginx every visitor would seem to come from "
                      "127.0.0.1, so one flooder's budget would be everyone's: set "
                      "PROXY_COUNT = 1 (deploy/nginx-checkin.conf is one proxy)"))
    return found


def _private(path):
    return not (os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def _files(settings):
    found = []
    folder = Path(settings["DATABASE"]).parent
    for path in (folder / "secret_key", Path(settings["DATABASE"])):
        if path.exists() and not _private(path):
            found.append((f"{path} can be read by others",
                          f"run `chmod 600 {path}`: it holds the key that signs sessions or "
                          "every visit"))
    return found


def _schema(settings, db):
    problem = database_problem(settings["DATABASE"], lambda: db)
    return [(problem, "the server will not start until it is fixed")] if problem else []


def _backups(settings, now):
    folder = Path(settings["BACKUP_DIR"])
    if not folder.is_dir():
        return [(f"no backup folder {folder}", "a lost disk loses everything: enable "
                 "deploy/checkin-backup.timer (docs/operations.md, Backups)")]
    copies = sorted(folder.glob(PATTERN), key=lambda p: p.stat().st_mtime)
    if not copies:
        return [(f"no backup in {folder}", "enable deploy/checkin-backup.timer")]
    age = now - dt.datetime.fromtimestamp(copies[-1].stat().st_mtime)
    if age > dt.timedelta(hours=BACKUP_AT_MOST_HOURS):
        return [(f"the newest backup is {age.days} day(s) old",
                 "the nightly backup is not running: `systemctl status checkin-backup.timer`")]
    return []


def _replication(settings):
    """Litestream keeps its own folder beside the database once it has replicated it."""
    database = Path(settings["DATABASE"])
    if not (database.parent / f".{database.name}-litestream").is_dir():
        return [("replication is off", "a lost disk loses everything since the last nightly "
                 "backup: run Litestream (deploy/checkin-litestream.service, docs/operations.md,"
                 " Replication)")]
    return []


def _demo(db):
    from checkin.demo import DEMO_MARK

    try:
        marked = db.execute("SELECT 1 FROM setting WHERE key = ?", [DEMO_MARK]).fetchone()
    except sqlite3.OperationalError:  # no setting table yet: the schema check says why
        return []
    if marked:
        return [("the database holds the demo's made-up data",
                 "its visits, answers and ideas would be counted with real ones: start from "
                 "a new database (`checkin init-db` in an empty instance folder)")]
    return []
