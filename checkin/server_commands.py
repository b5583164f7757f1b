"""The app's own commands: serve (waitress, and the feature jobs: the daily job, the upkeep),
config, translate. The composition root starts feature jobs, so web/ stays plumbing."""

import signal
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin.db import connect, pending_migrations
from checkin.resources import CHECKOUT
from checkin.web.command_options import base_url_is_default

# How long one thread may hold the interpreter before another may run (docs/development.md,
# "Check-in under load"): a check-in waits for a staff page's Python at most this long.
SWITCH_INTERVAL_SECONDS = 0.001

# Seconds a connection may sit idle (or send nothing) before waitress closes it: a phone on a
# slow line sends a check-in in well under that, and nginx in front buffers slow clients.
CHANNEL_TIMEOUT = 10


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 behind a reverse proxy.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on. Without a BASE_URL setting, QR codes and door "
                   "addresses use http://HOST:PORT.")
@click.option("--threads", default=1, show_default=True, type=int,
              help="Threads for visitors' requests (check-in, the week). Python runs one "
                   "thread at a time: with more, they queue for it and a check-in at 10 "
                   "clients waits longer (see bench/).")
@click.option("--staff-threads", default=2, show_default=True, type=int,
              help="Threads for staff pages, apart from the visitors' threads, so that a "
                   "slow staff page never holds up a check-in.")
@click.option("--connection-limit", default=200, show_default=True, type=click.IntRange(1),
              help="Most connections open at once; more wait until one closes.")
def serve_command(host, port, threads, staff_threads, connection_limit):
    """Run the production server (waitress)."""
    import waitress

    from checkin.web import heavy_work
    from checkin.web.server_log import quiet_waitress
    from checkin.web.thread_pools import VisitorAndStaffPools

    lock = _one_server_per_database(current_app.config["DATABASE"])
    db = connect(current_app.config["DATABASE"])
    pending = pending_migrations(db)
    db.conn.close()
    if pending:
        raise click.ClickException(
            f"The database needs {len(pending)} migration(s): {', '.join(pending)}. "
            "Run `checkin init-db` first."
        )
    if base_url_is_default(current_app):
        # The door's QR code must lead here, not to the default port 5000.
        current_app.config["BASE_URL"] = f"http://{host}:{port}"
        click.echo(f"BASE_URL is not set: door addresses use {current_app.config['BASE_URL']}",
                   err=True)
    # Commands run beside the server (door-url, create-user) print this address.
    lock.seek(0)
    lock.truncate()
    lock.write(current_app.config["BASE_URL"] + "\n")
    lock.flush()
    quiet_waitress()
    current_app.config["KEEP_CONNECTIONS"] = True
    from checkin.yearclose import start_daily_thread

    # The daily job (retention, the yearly close) runs in the server: no cron needed.
    database = current_app.config["DATABASE"]
    start_daily_thread(current_app.config, lambda: connect(database))
    from checkin.upkeep import start_upkeep_thread

    # After each hour the file is written anew (no order of that hour's rows stays in it);
    # every few seconds the upkeep checkpoints the -wal, so no request ever does.
    current_app.config["CHECKPOINTS_BY_UPKEEP"] = True
    start_upkeep_thread(current_app.config, lambda: connect(database))
    heavy_work.start()  # exports, imports and the yearly report compute in a process of their own
    # A staff thread's Python work (a page, an upload, a file handed back by the worker) held
    # the interpreter up to 5 ms (Python's default) before a check-in's thread could run.
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    # systemd and the tests stop the server with SIGTERM: end as after Ctrl-C, worker too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"Serving on http://{host}:{port}/", err=True)
    try:
        waitress.serve(
            current_app._get_current_object(), host=host, port=port, threads=threads,
            _dispatcher=VisitorAndStaffPools(threads, staff_threads),
            connection_limit=connection_limit, channel_timeout=CHANNEL_TIMEOUT,
            # waitress would otherwise read up to 1 GB before Flask refuses more than this.
            max_request_body_size=current_app.config["MAX_CONTENT_LENGTH"],
            ident="checkin", expose_tracebacks=False, _quiet=True,
        )
    finally:
        heavy_work.stop()


_held = []  # the lock's open file, kept for as long as the process runs


def _one_server_per_database(database):
    """Refuse to start beside another `checkin serve` on the same database.

    The per-client budgets, the login throttle and the daily job live in the server's memory:
    two servers would each allow the full budget and each run the job. The lock is an flock
    on a file beside the database, dropped by the system when the process ends (a kill -9
    too), so a crashed server never blocks the next.
    """
    import fcntl

    path = f"{database}.serve-lock"
    handle = open(path, "a")  # held open until the process ends
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise click.ClickException(
            f"Another `checkin serve` is already running on {database}. Run one server per "
            "instance: its limits, login throttle and daily job live in its memory "
            "(docs/operations.md, 'One server per instance').") from None
    _held.append(handle)
    return handle


@click.command("config")
@with_appcontext
def config_command():
    """Print the effective settings and where each comes from; secrets are masked."""
    from checkin import version
    from checkin.config import REGISTRY, STAFF_PAGE, effective, masked

    click.echo(f"VERSION  {version()}")
    values = effective(current_app.instance_path)
    chosen_by_staff = _staff_choices()
    width = max(len(setting.name) for setting in REGISTRY)
    for setting in REGISTRY:
        value, source = current_app.config.get(setting.name), values[setting.name][1]
        if setting.name in chosen_by_staff:
            value, source = chosen_by_staff[setting.name], STAFF_PAGE
        shown = masked(setting.name, value)
        where = ", ".join(setting.where)
        click.echo(f"{setting.name:<{width}}  {shown:<40}  {source:<11}  {where:<34}  "
                   f"{setting.help}")


def _staff_choices():
    """Settings staff chose on a page, read from the database if there is one."""
    import sqlite3
    from pathlib import Path

    from checkin import retention_period

    path = current_app.config["DATABASE"]
    if not Path(path).is_file():
        return {}
    db = connect(path)
    try:
        months = retention_period.staff_months(db)
    except sqlite3.OperationalError:  # not migrated yet: nobody can have chosen anything
        return {}
    finally:
        db.conn.close()
    return {} if months is None else {"RETENTION_MONTHS": months}


@click.group("translate")
def translate():
    """Extract and update the Swedish and English catalogs, and compile them."""


def _pybabel(*args):
    from babel.messages.frontend import CommandLineInterface

    from checkin.resources import installed

    if installed():
        raise click.ClickException("The installed package carries compiled catalogs only: "
                                   "`checkin translate` works in a checkout of the project.")

    CommandLineInterface().run(["pybabel", "-q", *args])


@translate.command("update")
def translate_update():
    """Extract every string and merge it into translations/*/messages.po."""
    pot = CHECKOUT / "translations" / "messages.pot"
    _pybabel("extract", "-F", str(CHECKOUT / "babel.cfg"), "-k", "_l", "--no-location",
             "--sort-output", "-o", str(pot), str(CHECKOUT / "checkin"),
             str(CHECKOUT / "templates"))
    _pybabel("update", "-i", str(pot), "-d", str(CHECKOUT / "translations"), "--no-fuzzy-matching",
             "--ignore-obsolete")
    # English is the source language: an English entry left empty says what its msgid says.
    # Both catalogs are written back 100 wide, as committed, so an update changes only entries.
    from babel.messages.pofile import read_po, write_po

    for locale in ("sv", "en"):
        po = CHECKOUT / "translations" / locale / "LC_MESSAGES" / "messages.po"
        with open(po, "rb") as f:
            catalog = read_po(f, locale=locale)
        for message in catalog if locale == "en" else ():
            if isinstance(message.id, tuple):  # a plural: singular and plural as written
                if not all(message.string):
                    message.string = message.id
            elif message.id and not message.string:
                message.string = message.id
        with open(po, "wb") as f:
            write_po(f, catalog, no_location=True, sort_output=True, width=100)
    _update_easy_read()
    click.echo("Now fill in the Swedish msgstr entries in translations/sv/LC_MESSAGES/messages.po"
               " and the easy-read ones in translations/easy/sv/LC_MESSAGES/messages.po")


def _update_easy_read():
    """The easy-read catalog covers what visitors read (babel-visitor.cfg): extract those
    strings and merge them into translations/easy/sv/LC_MESSAGES/messages.po."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    easy = CHECKOUT / "translations" / "easy"
    easy.mkdir(exist_ok=True)
    pot = easy / "messages.pot"
    _pybabel("extract", "-F", str(CHECKOUT / "babel-visitor.cfg"), "-k", "_l",
             "--no-location", "--sort-output", "-o", str(pot), str(CHECKOUT))
    po = easy / "sv" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    if po.exists():
        with open(po, "rb") as f:
            catalog = read_po(f, locale="sv")
    else:
        # Not fuzzy: `pybabel compile` skips a catalog whose header is, and says so only in a log.
        catalog = Catalog(locale="sv", project="checkin (lättläst)", fuzzy=False)
    with open(pot, "rb") as f:
        template = read_po(f)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with open(po, "wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, width=100)


@translate.command("compile")
def translate_compile():
    """Build the .mo files the app reads (easy-read Swedish too)."""
    _pybabel("compile", "-d", str(CHECKOUT / "translations"))
    if (CHECKOUT / "translations" / "easy" / "sv" / "LC_MESSAGES" / "messages.po").exists():
        _pybabel("compile", "-d", str(CHECKOUT / "translations" / "easy"))


COMMANDS = (serve_command, config_command, translate)
