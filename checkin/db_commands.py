"""The database's commands: init-db, db-status, backup, and seed-demo to fill it."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin.db import MigrationFailed, connect, migrate, pending_migrations


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database or bring it up to date.

    An existing database is copied into BACKUP_DIR first; the pending migrations then run in
    one transaction: all of them, or none and the database exactly as it was.
    """
    from checkin.migrations import migrations

    path = current_app.config["DATABASE"]
    db = connect(path)
    before = pending_migrations(db)
    if before and migrations.applied(db):
        from checkin.backup import BackupError, backup

        folder = Path(current_app.config["BACKUP_DIR"])
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            copy, _counts = backup(path, folder)
        except BackupError as error:
            raise click.ClickException(
                f"Not upgraded: the backup before the upgrade failed ({error}).") from None
        click.echo(f"Backup before the upgrade: {copy}")
    try:
        migrate(db)
    except MigrationFailed as error:
        raise click.ClickException(str(error)) from None
    finally:
        db.conn.close()
    click.echo(f"Database ready: {path}")
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
    if pending:
        raise SystemExit(1)  # scripts and monitoring can tell a database that needs upgrading


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
@click.option("--force", is_flag=True,
              help="Seed even a database holding data the demo did not make.")
def seed_demo_command(force):
    """Create the demo venues, their week and a year of synthetic visits (idempotent).

    Refuses a database with venues or accounts the demo did not make: made-up visits,
    answers and ideas would be counted with the real ones.
    """
    from checkin.demo import RealData, seed

    db = connect(current_app.config["DATABASE"])
    try:
        for line in seed(db, current_app.config.get("FROZEN_NOW"), force=force):
            click.echo(line)
    except RealData as reason:
        raise click.ClickException(
            f"Not seeded: this is not a demo database ({reason}). The demo's made-up visits "
            "would be counted with the real ones; use a new instance (CHECKIN_INSTANCE), or "
            "--force if you really mean it.") from None
    finally:
        db.conn.close()


@click.command("check")
@with_appcontext
def check_command():
    """List what is wrong or unsafe for running it for real; exit 1 if anything is.

    Checks the public address (https, HTTPS on, PROXY_COUNT behind nginx), the secret key's
    and database's file modes, the schema, a recent backup, and the demo's made-up data.
    """
    from checkin.deploy_check import problems

    db = connect(current_app.config["DATABASE"])
    try:
        found = problems(current_app.config, db)
    finally:
        db.conn.close()
    for what, why in found:
        click.echo(f"✗ {what}: {why}")
    if found:
        click.echo(f"{len(found)} problem(s): not ready to run for real.")
        raise SystemExit(1)
    click.echo("✓ ready: https address behind a proxy, private files, current schema, "
               "a recent backup, no demo data.")


COMMANDS = (init_db_command, db_status_command, backup_command, upkeep_command,
            seed_demo_command, check_command)
