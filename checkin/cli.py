"""The `checkin` command: the app's Flask CLI group plus our own commands."""

import subprocess  # nosec B404 - runs pybabel from our own virtualenv with fixed arguments
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup

from .config import ROOT
from .db import connect, init_db_command, pending_migrations


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main():
    """checkin: the week, anonymous check-in and honest figures for an open activity."""


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve_command(host, port, threads):
    """Run the production server (waitress)."""
    import waitress

    db = connect(current_app.config["DATABASE"])
    pending = pending_migrations(db)
    db.conn.close()
    if pending:
        raise click.ClickException(
            f"The database needs {len(pending)} migration(s): {', '.join(pending)}. "
            "Run `checkin init-db` first."
        )
    click.echo(f"Serving on http://{host}:{port}/")
    waitress.serve(
        current_app._get_current_object(), host=host, port=port, threads=threads,
        connection_limit=200, channel_timeout=30, ident="checkin",
    )


@click.command("seed-demo")
def seed_demo_command():
    """Create the demo venues, their week and a year of synthetic visits (idempotent)."""
    from .demo import seed

    db = connect(current_app.config["DATABASE"])
    for line in seed(db, current_app.config.get("FROZEN_NOW")):
        click.echo(line)


@click.command("door-url")
@click.argument("slug")
@click.option("--qr", "qr_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the QR code as SVG to this file.")
def door_url_command(slug, qr_file):
    """Print a venue's check-in address (the one in the door poster's QR code)."""
    from . import venues
    from .poster import door_url, qr_svg

    db = connect(current_app.config["DATABASE"])
    venue = venues.by_slug(db, slug)
    if venue is None:
        raise click.ClickException(f"No venue called {slug!r}.")
    url = door_url(venue)
    click.echo(url)
    if qr_file:
        qr_file.write_text(qr_svg(url))


@click.group("translate")
def translate():
    """Extract, update, compile and check the Swedish and English catalogs."""


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # nosec B603


@translate.command("update")
def translate_update():
    """Extract every string and merge it into translations/*/messages.po."""
    pot = ROOT / "translations" / "messages.pot"
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--no-location",
             "--sort-output", "-o", str(pot), str(ROOT / "checkin"), str(ROOT / "templates"))
    _pybabel("update", "-i", str(pot), "-d", str(ROOT / "translations"), "--no-fuzzy-matching",
             "--ignore-obsolete")


@translate.command("compile")
def translate_compile():
    """Build the .mo files the app reads."""
    _pybabel("compile", "-d", str(ROOT / "translations"), "--statistics")


def register(app):
    for command in (init_db_command, serve_command, seed_demo_command, door_url_command, translate):
        app.cli.add_command(command)
