"""The venues' commands: `checkin venue list | add | edit | import` — for a city with forty
places, which would otherwise make them one by one in the staff form."""

import csv
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin import venues
from checkin.db import connect
from checkin.week import operations

# Who the audit log names for a change made on the command line.
COMMAND_LINE = {"id": None, "username": "(command line)"}
DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
             "mån": 0, "tis": 1, "ons": 2, "tor": 3, "fre": 4, "lör": 5, "sön": 6}
LIMITS = {"name": 80, "organisation": 120, "address": 200}
CSV_COLUMNS = ("slug", "name", "organisation", "address", "timezone", "opening_days")
ROWS_MAX = 1000


class VenueRefused(ValueError):
    """A venue's values cannot be used; the message says which and why."""


def parse_days(text):
    """'mon-fri', 'mon,wed,fri', 'mån-fre' or '0,1,2,3,4' as '0,1,2,3,4'."""
    days = set()
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        ends = [e.strip() for e in part.split("-")]
        numbers = [DAY_NAMES.get(e, int(e) if e.isdigit() and int(e) <= 6 else None)
                   for e in ends]
        if None in numbers or len(numbers) > 2:
            raise VenueRefused(f"opening days {text!r}: write them like mon-fri or 0,1,2,3,4")
        first, last = numbers[0], numbers[-1]
        if last < first:
            raise VenueRefused(f"opening days {text!r}: a range runs from Monday towards Sunday")
        days.update(range(first, last + 1))
    if not days:
        raise VenueRefused("opening days: at least one day")
    return ",".join(str(d) for d in sorted(days))


def checked(db, venue, venue_id=None):
    """The venue's values checked as the staff form checks them; VenueRefused if not."""
    slug = venue["slug"]
    problem = operations.slug_problem(slug.strip())
    if problem == "form" or slug != slug.strip():  # "kiosk\n" is not kiosk
        raise VenueRefused(f"slug {slug!r}: use small letters a-z, digits and dashes, "
                           "for example mallis")
    if problem == "reserved":
        raise VenueRefused(f"slug {slug!r} is a word the app uses itself: choose another")
    if operations.slug_taken(db, slug, venue_id):
        raise VenueRefused(f"slug {slug!r} is taken by another venue")
    if not venue["name"].strip():
        raise VenueRefused("a venue needs a name")
    for field, most in LIMITS.items():
        if len(venue[field]) > most:
            raise VenueRefused(f"{field} is longer than {most} characters")
    if not operations.is_time_zone(venue["timezone"]):
        raise VenueRefused(f"time zone {venue['timezone']!r}: write it like Europe/Stockholm")
    return {**venue, "name": venue["name"].strip()}


def _db():
    return connect(current_app.config["DATABASE"])


@click.group("venue")
def venue_group():
    """List, add and change venues, or import many from a CSV file."""


@venue_group.command("list")
@with_appcontext
def list_command():
    """Every venue: short name, name, time zone, opening days, address."""
    names = "Mon Tue Wed Thu Fri Sat Sun".split()
    for venue in venues.all_venues(_db()):
        days = " ".join(names[d] for d in venues.opening_days(venue))
        click.echo(f"{venue['slug']:<16} {venue['name']:<24} {venue['timezone']:<18} "
                   f"{days:<28} {venue['address']}")


def _venue_options(command):
    for option in reversed((
        click.option("--name", help="The venue's name, as visitors see it."),
        click.option("--organisation", help="Who runs it."),
        click.option("--address", help="Its street address."),
        click.option("--timezone", help="Its time zone (default: the TIMEZONE setting)."),
        click.option("--open", "opening", metavar="DAYS",
                     help="Opening days: mon-fri, mon,wed,fri or 0,1,2,3,4 (default mon-fri)."),
    )):
        command = option(command)
    return command


@venue_group.command("add")
@with_appcontext
@click.argument("slug")
@_venue_options
def add_command(slug, name, organisation, address, timezone, opening):
    """Add a venue called SLUG in its address (/SLUG/); it gets its own door key."""
    db = _db()
    venue = {"slug": slug, "name": name or "", "organisation": organisation or "",
             "address": address or "",
             "timezone": timezone or current_app.config["TIMEZONE"]}
    try:
        venue["opening_days"] = parse_days(opening or "mon-fri")
        operations.save_venue(db, checked(db, venue), user=COMMAND_LINE)
    except VenueRefused as why:
        raise click.ClickException(f"Not added: {why}.") from None
    click.echo(f"Added {venue['name']} (/{slug}/). Its door address: "
               f"`checkin door-url --venue {slug}`.")


@venue_group.command("edit")
@with_appcontext
@click.argument("slug")
@click.option("--slug", "new_slug", help="A new short name (old posters keep working: the "
                                          "door key is unchanged, but the week's address moves).")
@_venue_options
def edit_command(slug, new_slug, name, organisation, address, timezone, opening):
    """Change what is given of the venue called SLUG; the rest stays as it is."""
    db = _db()
    venue = venues.by_slug(db, slug)
    if venue is None:
        raise click.BadParameter(f"there is no venue called {slug!r}", param_hint="SLUG")
    new = {f: venue[f] for f in operations.VENUE_FIELDS}
    given = {"slug": new_slug, "name": name, "organisation": organisation,
             "address": address, "timezone": timezone}
    new.update({k: v for k, v in given.items() if v is not None})
    try:
        if opening is not None:
            new["opening_days"] = parse_days(opening)
        operations.save_venue(db, checked(db, new, venue["id"]), venue["id"],
                              user=COMMAND_LINE)
    except VenueRefused as why:
        raise click.ClickException(f"Not changed: {why}.") from None
    click.echo(f"Changed {new['name']} (/{new['slug']}/).")


@venue_group.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path):
    """Add the venues in a CSV file, all or none.

    Columns (a header row with these names, comma or semicolon between): slug, name,
    organisation, address, timezone, opening_days. Empty timezone: the TIMEZONE setting;
    empty opening_days: mon-fri. A wrong row names its line, and nothing is added.
    """
    db = _db()
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    rows = list(csv.DictReader(text.splitlines(), dialect=dialect))
    missing = {"slug", "name"} - set(rows[0] if rows else {})
    if missing:
        raise click.ClickException(f"Nothing added: the header lacks {', '.join(sorted(missing))}"
                                   f" (columns: {', '.join(CSV_COLUMNS)}).")
    if len(rows) > ROWS_MAX:
        raise click.ClickException(f"Nothing added: more than {ROWS_MAX} rows.")
    chosen, seen = [], set()
    for line, row in enumerate(rows, start=2):
        venue = {c: (row.get(c) or "").strip() for c in CSV_COLUMNS}
        venue["timezone"] = venue["timezone"] or current_app.config["TIMEZONE"]
        try:
            venue["opening_days"] = parse_days(venue["opening_days"] or "mon-fri")
            chosen.append(checked(db, venue))
        except VenueRefused as why:
            raise click.ClickException(f"Nothing added: line {line}: {why}.") from None
        if venue["slug"] in seen:
            raise click.ClickException(f"Nothing added: line {line}: slug {venue['slug']!r} "
                                       "is in the file twice.")
        seen.add(venue["slug"])
    for venue in chosen:
        operations.save_venue(db, venue, user=COMMAND_LINE)
    click.echo(f"Added {len(chosen)} venue(s): {', '.join(v['slug'] for v in chosen)}.")


COMMANDS = (venue_group,)
