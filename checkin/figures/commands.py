"""The figures' commands: export (the published table) and import-tallies (counts kept before)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin.db import connect
from checkin.web.command_options import venue_of, venue_option


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
    """--venue for export: the venue's id, or None for every venue."""
    venue = venue_of(db, slug, every=True)
    return venue["id"] if venue else None


@click.command("export")
@with_appcontext
@click.option("--from", "first", required=True, metavar="YYYY-MM-DD", help="First day.")
@click.option("--to", "last", required=True, metavar="YYYY-MM-DD", help="Last day (included).")
@click.option("--group", required=True, type=click.Choice(["day", "week", "month", "year"]),
              help="One row per day, ISO week, month or year.")
@click.option("--by-activity", is_flag=True, help="One row per period and activity.")
@venue_option(every=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True, help="CSV (to standard output without -o) or Excel.")
@click.option("--min-cell", type=int, metavar="N",
              help="Write counts from 1 to N-1 as <N and protect them (N >= 2).")
@click.option("--published", is_flag=True,
              help="The figures viewers and the city get: whole periods that have ended, "
                   "every count changed a little by the cell-key method (docs/figures.md).")
@click.option("--lang", type=click.Choice(["sv", "en"]),
              help="For people in Excel: headings in this language, ';' between CSV columns, "
                   "and in xlsx a sheet that says what the numbers are. Without it: the "
                   "column names of docs/figures.md and commas, for programs.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (CSV goes to standard output without it).")
def export_command(first, last, group, by_activity, slug, fmt, min_cell, published, lang,
                   output):
    """Anonymous figures by period (and activity), as docs/figures.md defines them."""
    from checkin.figures.tables import figures
    from checkin.publishing.api import FiguresError, published_range, write
    from checkin.venues import local_today

    first, last = _day(first, "--from"), _day(last, "--to")
    if min_cell is not None and min_cell < 2:
        raise click.BadParameter("must be 2 or more", param_hint="--min-cell")
    if published and min_cell is not None:
        raise click.UsageError("--published hides nothing (no count is 1 or 2): "
                               "leave out --min-cell")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("xlsx needs a file: add -o FILE.xlsx")
    locale = current_app.config["DEFAULT_LOCALE"]
    today = local_today(current_app.config)
    db = connect(current_app.config["DATABASE"])
    try:
        if published:
            first, last, note = published_range(first, last, group, today, locale)
            if note:
                click.echo(note, err=True)
        table = figures(db, first, last, group, by_activity=by_activity,
                        venue_id=_venue_id(db, slug), min_cell=min_cell, locale=locale,
                        published=published, today=today)
    except FiguresError as error:
        raise click.UsageError(str(error)) from error
    finally:
        db.conn.close()
    notes = ()
    if lang:
        from checkin import venues
        from checkin.publishing.api import about_lines

        db = connect(current_app.config["DATABASE"])
        names = [v["name"] for v in venues.all_venues(db) if slug in (None, v["slug"])]
        db.conn.close()
        notes = about_lines(table, venue_names=names, first=first, last=last, group=group,
                            by_activity=by_activity, locale=lang)
    data = write(table, fmt, lang=lang, notes=notes)  # all made before anything is written
    if output is None:
        click.echo(data, nl=False)  # bytes: written as they are
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {len(table.rows)} rows to {output}", err=True)


@click.command("import-tallies")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@venue_option()
@click.option("--again", is_flag=True, help="Import a file even if it was imported before.")
@click.option("--lang", type=click.Choice(["en", "sv"]), default="en", show_default=True,
              help="The language of the file's problems, as the command prints them.")
def import_tallies_command(file, slug, again, lang):
    """Add counts kept before as tallies: CSV or xlsx with the header
    date,activity,women,men,other,unstated or datum;aktivitet;kvinnor;män;annat;inget svar."""
    import datetime as dt

    from checkin.figures import tally_import

    db = connect(current_app.config["DATABASE"])
    try:
        venue = venue_of(db, slug)
        try:
            result = tally_import.import_file(
                db, venue["id"], file.read_bytes(), file.name, again=again,
                today=dt.date.today() + dt.timedelta(days=1), locale=lang,
                revised_on=dt.date.today())  # listed on finished years' reports, unasked
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


COMMANDS = (export_command, import_tallies_command)
