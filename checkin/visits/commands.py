"""The visits' commands: door-url (the poster's address), daily and close-year (the yearly close
by hand), door-limits (how many check-ins a venue's door and kiosks may make)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin.db import connect
from checkin.visits.volume import LIMIT_MAX
from checkin.web.command_options import base_url_is_default, public_address, venue_of, venue_option


def _db():
    return connect(current_app.config["DATABASE"])


@click.command("door-url")
@with_appcontext
@click.argument("given", metavar="[SLUG]", required=False)
@venue_option()
@click.option("--qr", "qr_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the QR code as SVG to this file.")
def door_url_command(given, slug, qr_file):
    """Print a venue's check-in address (the one in the door poster's QR code).

    The venue as --venue SLUG, as in every other command (a bare SLUG still works)."""
    from checkin.visits.door import door_url
    from checkin.web.qr import qr_svg

    if given and slug and given != slug:
        raise click.UsageError("Name the venue once: --venue SLUG.")
    db = connect(current_app.config["DATABASE"])
    venue = venue_of(db, slug or given)
    url = door_url(public_address(current_app), venue)
    click.echo(url)
    if base_url_is_default(current_app):
        click.echo("Note: BASE_URL is not set, so this is the default address. Set "
                   "CHECKIN_BASE_URL (or base_url in instance/config.toml) to the address "
                   "visitors reach.", err=True)
    if qr_file:
        qr_file.write_text(qr_svg(url))


@click.command("door-limits")
@with_appcontext
@venue_option()
@click.option("--qr-per-minute", type=click.IntRange(min=0, max=LIMIT_MAX), default=None,
              help="New QR check-ins a minute from one client address at this venue's door "
                   "(0: the setting's default).")
@click.option("--qr-per-day", type=click.IntRange(min=0, max=LIMIT_MAX), default=None,
              help="QR check-ins a day at this venue before more are set aside for staff to "
                   "review (0: the setting's default).")
@click.option("--kiosk-per-minute", type=click.IntRange(min=0, max=LIMIT_MAX), default=None,
              help="Check-ins a minute per kiosk tablet and address (0: the setting's "
                   "default).")
@click.option("--kiosk-per-day", type=click.IntRange(min=0, max=LIMIT_MAX), default=None,
              help="Kiosk check-ins a day at this venue before more are set aside for "
                   "review (0: the setting's default).")
def door_limits_command(slug, **given):
    """Show, or set, how many check-ins a venue's door and kiosks may make.

    A real rush is about 15 people in 5 minutes, often behind one Wi-Fi address. Past a
    minute limit that one sender is refused with a kind message and nothing is stored; past
    a day limit nobody is refused: the check-ins are stored set aside for staff to review.
    Without options it shows the limits in force.
    """
    from checkin.visits import volume

    db = _db()
    venue = venue_of(db, slug)
    changes = {name: value or None for name, value in given.items() if value is not None}
    if changes:
        volume.set_venue_limits(db, venue["id"], **changes)
    for name, value in volume.venue_limits(db, venue["id"], current_app.config).items():
        click.echo(f"{name.replace('_', '-'):<17} {value}")


COMMANDS = (door_url_command, door_limits_command)
