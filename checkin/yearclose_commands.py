"""The daily job and the yearly close as commands: `checkin daily`, `checkin close-year`. The
close touches every feature's hashes, so it runs from the app (checkin/yearclose.py)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin.db import connect


def _db():
    return connect(current_app.config["DATABASE"])


@click.command("daily")
@with_appcontext
def daily_command():
    """Run the daily job once: retention purge, and close every year past its grace period."""
    from checkin.venues import local_today
    from checkin.yearclose import daily, describe

    config = current_app.config
    click.echo(describe(daily(_db(), local_today(config), config)))


@click.command("close-year")
@with_appcontext
@click.argument("year", type=int)
@click.option("--force", is_flag=True,
              help="Close before the grace period (CLOSE_AFTER_MONTHS) is over.")
def close_year_command(year, force):
    """Freeze YEAR's persons into figures, then delete its hashes and its secret."""
    from checkin.venues import local_today
    from checkin.yearclose import (
        DEFAULT_CLOSE_AFTER_MONTHS,
        DEFAULT_VERIFY_SECONDS,
        CloseRefused,
        after_close,
        close_year,
    )

    config = current_app.config
    try:
        done = close_year(_db(), year, local_today(config), force=force,
                          months=config.get("CLOSE_AFTER_MONTHS", DEFAULT_CLOSE_AFTER_MONTHS),
                          backup_dir=config.get("BACKUP_DIR"),
                          verify_seconds=config.get("CLOSE_VERIFY_SECONDS",
                                                    DEFAULT_VERIFY_SECONDS))
    except CloseRefused as error:
        raise click.ClickException(str(error)) from error
    if done is None:
        click.echo(f"{year} was closed already; nothing changed.")
        return
    where = "" if done["scrubbed"] else " from the database (NOT yet from the file, below)"
    click.echo(f"Closed {year}: persons frozen in {done['frozen']} row(s); hashes removed "
               f"from {done['visits']} visit(s) and {done['responses']} survey response(s); "
               f"{done['votes']} idea vote(s) kept as counts; the {year} secret is deleted"
               f"{where}.")
    todo = after_close(done)
    click.echo(todo[:1].upper() + todo[1:] + ".")
    if not done["scrubbed"]:  # never a success while a byte of the year is in the file
        raise SystemExit(1)


COMMANDS = (daily_command, close_year_command)
