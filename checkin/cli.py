"""The `checkin` command: the app's Flask CLI group plus our own commands."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from checkin.config import ROOT
from checkin.db import connect, init_db_command, migrate, pending_migrations


def _create_app():
    from checkin import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main():
    """checkin: the week, anonymous check-in and honest figures for an open activity."""


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 behind a reverse proxy.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=1, show_default=True, type=int,
              help="Worker threads. Python runs one thread at a time: with more, they queue "
                   "for it and a check-in at 10 clients waits longer (see bench/). More "
                   "only helps when slow staff pages must not hold up check-ins.")
@click.option("--connection-limit", default=100, show_default=True, type=int)
def serve_command(host, port, threads, connection_limit):
    """Run the production server (waitress)."""
    import waitress

    from checkin.web.server_log import quiet_waitress

    db = connect(current_app.config["DATABASE"])
    pending = pending_migrations(db)
    db.conn.close()
    if pending:
        raise click.ClickException(
            f"The database needs {len(pending)} migration(s): {', '.join(pending)}. "
            "Run `checkin init-db` first."
        )
    quiet_waitress()
    current_app.config["KEEP_CONNECTIONS"] = True
    from checkin.visits.yearclose import start_daily_thread

    # The daily job (retention, the yearly close) runs in the server: no cron needed.
    database = current_app.config["DATABASE"]
    start_daily_thread(current_app.config, lambda: connect(database))
    click.echo(f"Serving on http://{host}:{port}/", err=True)
    waitress.serve(
        current_app._get_current_object(), host=host, port=port, threads=threads,
        connection_limit=connection_limit, channel_timeout=30, ident="checkin",
        expose_tracebacks=False, _quiet=True,
    )


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the demo venues, their week and a year of synthetic visits (idempotent)."""
    from checkin.demo import seed

    db = connect(current_app.config["DATABASE"])
    for line in seed(db, current_app.config.get("FROZEN_NOW")):
        click.echo(line)


@click.command("backup")
@with_appcontext
@click.argument("dest", type=click.Path(path_type=Path), required=False)
def backup_command(dest):
    """Copy the database to DEST while the server runs (SQLite's online backup).

    DEST may be a file or a folder; in a folder the copy is named checkin-YYYY-MM-DD-HHMM.db.
    Without DEST: into BACKUP_DIR (default instance/backups), where the yearly close looks.
    """
    from checkin.backup import BackupError, backup

    if dest is None:
        dest = Path(current_app.config["BACKUP_DIR"])
        dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        target, counts = backup(current_app.config["DATABASE"], dest)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written: {target}")
    click.echo("  integrity: ok; " + ", ".join(f"{n} {t}" for t, n in counts.items()))


@click.command("db-status")
@with_appcontext
def db_status_command():
    """Which migrations are applied, and which are pending."""
    from checkin.migrations import migrations

    db = connect(current_app.config["DATABASE"])
    click.echo(f"Database: {current_app.config['DATABASE']}")
    for applied in migrations.applied(db):
        click.echo(f"  applied  {applied.name}  ({applied.applied_at[:19]})")
    pending = pending_migrations(db)
    for name in pending:
        click.echo(f"  pending  {name}")
    click.echo(f"{len(pending)} pending" + (": run `checkin init-db`" if pending else ""))
    db.conn.close()


@click.command("door-url")
@with_appcontext
@click.argument("slug")
@click.option("--qr", "qr_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the QR code as SVG to this file.")
def door_url_command(slug, qr_file):
    """Print a venue's check-in address (the one in the door poster's QR code)."""
    from checkin.visits.door import door_url, qr_svg
    from checkin.week import venues

    db = connect(current_app.config["DATABASE"])
    venue = venues.by_slug(db, slug)
    if venue is None:
        raise click.ClickException(f"No venue called {slug!r}.")
    url = door_url(venue)
    click.echo(url)
    if qr_file:
        qr_file.write_text(qr_svg(url))


def _day(value, name):
    """A date written YYYY-MM-DD, or a clear refusal."""
    import datetime as dt
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD",
                                 param_hint=name) from None


def _venue_id(db, slug):
    from checkin.week import venues

    if slug is None:
        return None
    venue = venues.by_slug(db, slug)
    if venue is None:
        raise click.BadParameter(f"there is no venue called {slug!r}", param_hint="--venue")
    return venue["id"]


@click.command("export")
@with_appcontext
@click.option("--from", "first", required=True, metavar="YYYY-MM-DD", help="First day.")
@click.option("--to", "last", required=True, metavar="YYYY-MM-DD", help="Last day (included).")
@click.option("--group", required=True, type=click.Choice(["day", "week", "month", "year"]))
@click.option("--by-activity", is_flag=True, help="One row per period and activity.")
@click.option("--venue", "slug", metavar="SLUG", help="One venue (default: every venue).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("--min-cell", type=int, metavar="N",
              help="Write counts from 1 to N-1 as <N and protect them (N >= 2).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (CSV goes to standard output without it).")
def export_command(first, last, group, by_activity, slug, fmt, min_cell, output):
    """Anonymous figures by period (and activity), as FIGURES.md defines them."""
    from checkin.figures.exports import write
    from checkin.figures.periods import FiguresError
    from checkin.figures.tables import figures

    first, last = _day(first, "--from"), _day(last, "--to")
    if min_cell is not None and min_cell < 2:
        raise click.BadParameter("must be 2 or more", param_hint="--min-cell")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("xlsx needs a file: add -o FILE.xlsx")
    db = connect(current_app.config["DATABASE"])
    try:
        table = figures(db, first, last, group, by_activity=by_activity,
                        venue_id=_venue_id(db, slug), min_cell=min_cell,
                        locale=current_app.config["DEFAULT_LOCALE"])
    except FiguresError as error:
        raise click.UsageError(str(error)) from error
    finally:
        db.conn.close()
    data = write(table, fmt)  # all made before anything is written
    if output is None:
        click.echo(data, nl=False)  # bytes: written as they are
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {len(table.rows)} rows to {output}", err=True)


@click.command("import-tallies")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--venue", "slug", metavar="SLUG", help="The venue (needed if there are several).")
@click.option("--again", is_flag=True, help="Import a file even if it was imported before.")
def import_tallies_command(file, slug, again):
    """Add counts kept before (CSV or xlsx: date,activity,women,men,other,unstated) as tallies."""
    import datetime as dt

    from checkin.figures import imports as tally_import
    from checkin.week import venues

    db = connect(current_app.config["DATABASE"])
    try:
        if slug is None:
            every = venues.all_venues(db)
            if len(every) != 1:
                raise click.UsageError("There are several venues: say which with --venue SLUG.")
            venue = every[0]
        else:
            venue = venues.by_slug(db, slug)
            if venue is None:
                raise click.BadParameter(f"there is no venue called {slug!r}",
                                         param_hint="--venue")
        try:
            result = tally_import.import_file(
                db, venue["id"], file.read_bytes(), file.name, again=again,
                today=dt.date.today() + dt.timedelta(days=1),
                locale=current_app.config["DEFAULT_LOCALE"])
        except tally_import.TallyFileError as error:
            for line, message in error.problems:
                click.echo(f"{file.name}, line {line}: {message}", err=True)
            raise click.ClickException("Nothing was imported.") from None
        except tally_import.AlreadyImported as error:
            raise click.ClickException(
                f"{file.name} was already imported on {error.earlier['imported_at']}. "
                "Nothing was imported; add --again if you really mean to add it twice."
            ) from None
    finally:
        db.conn.close()
    click.echo(f"Imported {result['lines']} lines as {result['visits']} tallied visits "
               f"for {venue['name']} ({result['first']} to {result['last']}).")
@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "staff", "viewer"]), required=True,
              help="admin: everything; staff: schedule, posters, kiosk, tally; viewer: figures.")
def create_user_command(username, role):
    """Create a staff account; the password comes from a hidden prompt or standard input."""
    import sys

    from checkin.accounts import auth

    if auth.username_problem(username):
        raise click.ClickException("Use 1 to 40 letters, digits, dots, dashes or underscores.")
    if sys.stdin.isatty():
        password = click.prompt("Password (at least 12 characters)", hide_input=True,
                                confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    problem = auth.password_problem(password, username)
    if problem:
        raise click.ClickException({
            "too_short": f"The password must be at least {auth.PASSWORD_MIN} characters.",
            "too_long": f"The password can be at most {auth.PASSWORD_MAX} characters.",
            "common": "That password is one of the most common ones. Choose another.",
            "username": "The password must not be the same as the username.",
        }[problem])
    db = connect(current_app.config["DATABASE"])
    migrate(db)
    try:
        auth.create_user(db, username, password, role)
    except ValueError:
        raise click.ClickException(f"There is already an account called {username!r}.") from None
    click.echo(f"Created {role} account {username!r}. Log in at "
               f"{current_app.config['BASE_URL']}/staff/")


@click.command("config")
@with_appcontext
def config_command():
    """Print the effective settings and where each comes from; secrets are masked."""
    from checkin.config import SETTINGS, effective, masked

    values = effective(current_app.instance_path)
    width = max(len(name) for name in SETTINGS)
    for name, (_default, _kind, what) in SETTINGS.items():
        shown = masked(name, current_app.config.get(name))
        click.echo(f"{name:<{width}}  {shown:<40}  {values[name][1]:<11}  {what}")


@click.group("translate")
def translate():
    """Extract, update, compile and check the Swedish and English catalogs."""


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
    pot = ROOT / "translations" / "messages.pot"
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--no-location",
             "--sort-output", "-o", str(pot), str(ROOT / "checkin"), str(ROOT / "templates"))
    _pybabel("update", "-i", str(pot), "-d", str(ROOT / "translations"), "--no-fuzzy-matching",
             "--ignore-obsolete")
    # English is the source language: an English entry left empty says what its msgid says.
    from babel.messages.pofile import read_po, write_po

    po = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    with open(po, "wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, width=100)
    click.echo("Now fill in the Swedish msgstr entries in translations/sv/LC_MESSAGES/messages.po")


@translate.command("compile")
def translate_compile():
    """Build the .mo files the app reads."""
    _pybabel("compile", "-d", str(ROOT / "translations"))


def register(app):
    from checkin.feedback.commands import COMMANDS as feedback_commands
    from checkin.visits.commands import COMMANDS as yearclose_commands

    for command in (init_db_command, serve_command, config_command, seed_demo_command,
                    door_url_command, backup_command, db_status_command, export_command,
                    import_tallies_command, create_user_command, translate, *feedback_commands,
                    *yearclose_commands):
        app.cli.add_command(command)


if __name__ == "__main__":
    main()
