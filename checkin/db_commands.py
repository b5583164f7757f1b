"""The database's commands: init-db, db-status, backup, and seed-demo to fill it."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin.db import connect, migrate, pending_migrations


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


@click.command("backup")
@with_appcontext
@click.argument("folder", type=click.Path(path_type=Path), required=False)
@click.option("--keep-days", type=click.IntRange(min=1), default=None,
              help="Also delete the copies in FOLDER named for a day this many days ago or "
                   "earlier (by the date in the name, e.g. 30: a copy of 1 March goes on 31 "
                   "March). Done even when the new copy fails.")
def backup_command(folder, keep_days):
    """Copy the database into FOLDER while the server runs, written anew (VACUUM INTO).

    FOLDER must be an existing folder; the copy is named checkin-YYYY-MM-DD-HHMM.db.
    Without FOLDER: into BACKUP_DIR (default instance/backups, made if missing), where the
    yearly close looks.
    """
    import datetime as dt

    from checkin.backup import BackupError, backup, expire

    if folder is None:
        folder = Path(current_app.config["BACKUP_DIR"])
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not folder.is_dir():
        what = "a file" if folder.exists() else "missing"
        raise click.ClickException(f"{folder} is {what}: give an existing folder for the copies")
    if keep_days:
        for path in expire(folder, keep_days, dt.date.today()):
            click.echo(f"Deleted {path.name}: made {keep_days} or more days ago")
    try:
        target, counts = backup(current_app.config["DATABASE"], folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written: {target}")
    click.echo("  integrity: ok; " + ", ".join(f"{n} {t}" for t, n in counts.items()))


@click.command("upkeep")
@with_appcontext
def upkeep_command():
    """Write the database file anew (checkpoint, VACUUM, checkpoint), as `checkin serve` does
    after every hour: no order of the rows is left in it. Exit 1 if a long read held it up."""
    from checkin.upkeep import rewrite

    db = connect(current_app.config["DATABASE"])
    try:
        done = rewrite(db)
    finally:
        db.conn.close()
    if not done:
        raise click.ClickException("another connection holds a read; the file is not written "
                                   "anew yet: run this again when it has ended")
    click.echo("The database file is written anew: no order of the rows is left in it.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the demo venues, their week and a year of synthetic visits (idempotent)."""
    from checkin.demo import seed

    db = connect(current_app.config["DATABASE"])
    for line in seed(db, current_app.config.get("FROZEN_NOW")):
        click.echo(line)


COMMANDS = (init_db_command, db_status_command, backup_command, upkeep_command,
            seed_demo_command)
