"""Staff commands for feedback, the idea box, surveys and retention, until the staff pages exist."""

import json
import tomllib
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from checkin import retention_period, venues
from checkin.db import connect
from checkin.feedback import ideas, smileys, surveys
from checkin.web.command_options import venue_of, venue_option


def _db():
    return connect(current_app.config["DATABASE"])


def _venue_id(db, slug, every=False):
    """The id of the venue --venue names; None for every venue (only where `every`)."""
    venue = venue_of(db, slug, every)
    return venue["id"] if venue else None


def _today(db, venue_id=None):
    row = db.execute("SELECT * FROM venue WHERE id = ? OR ? IS NULL LIMIT 1",
                     [venue_id, venue_id]).fetchone()
    venue = dict(row) if row else {"timezone": current_app.config["TIMEZONE"]}
    return venues.local_now(venue, current_app.config.get("FROZEN_NOW")).date()


def _one_line(text, width=70):
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- feedback ----------------------------------------------------------------------------------

@click.group("feedback")
def feedback_group():
    """Read the free texts visitors wrote (newest first)."""


@feedback_group.command("list")
@with_appcontext
@venue_option()
@click.option("--search", default=None, help="Only texts containing this.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1),
              help="At most this many texts, newest first.")
def feedback_list(slug, search, limit):
    """Free texts with their date, rating and activity."""
    db = _db()
    rows = smileys.free_texts(db, _venue_id(db, slug), search=search, limit=limit)
    for row in rows:
        hidden = " (hidden)" if row["hidden"] else ""
        click.echo(f"#{row['id']} {row['date']} rating {row['rating']} "
                   f"{row['activity'] or '-'}{hidden}: {_one_line(row['text'])}")
    click.echo(f"{len(rows)} text(s)")


# --- ideas ---------------------------------------------------------------------------------------

@click.group("ideas")
def ideas_group():
    """See, approve, reject and answer visitors' ideas."""


@ideas_group.command("list")
@with_appcontext
@venue_option(every=True)
@click.option("--waiting", is_flag=True, help="Only ideas not yet approved or rejected.")
def ideas_list(slug, waiting):
    """Every idea, newest first, with its state, votes and answer."""
    db = _db()
    venue_id = _venue_id(db, slug, every=True)
    rows = ideas.waiting(db, venue_id) if waiting else ideas.all_ideas(db, venue_id)
    for idea in rows:
        state = ("rejected" if idea["rejected"] else "published" if idea["published"]
                 else "waiting")
        votes = idea.get("votes", 0)
        click.echo(f"#{idea['id']} {idea['created_date']} {state} {idea['status']} "
                   f"votes {votes}: {_one_line(idea['text'])}")
        if idea["answer_sv"] or idea["answer_en"]:
            click.echo(f"    answer: {idea['answer_sv']} / {idea['answer_en']}")
    click.echo(f"{len(rows)} idea(s)")


@ideas_group.command("set")
@with_appcontext
@click.argument("idea_id", type=int)
@click.option("--status", type=click.Choice(ideas.STATUSES),
              help="What staff say about it; not_possible needs --answer-sv saying why.")
@click.option("--answer-sv", default=None, help="Staff's answer in Swedish.")
@click.option("--answer-en", default=None, help="Staff's answer in English.")
@click.option("--publish/--reject", "publish", default=None,
              help="Approve (show to everyone) or reject (never shown).")
def ideas_set(idea_id, status, answer_sv, answer_en, publish):
    """Approve or reject an idea, set its status and answer; visitors see it at once."""
    db = _db()
    try:
        idea = ideas.moderate(db, idea_id, status=status, answer_sv=answer_sv,
                              answer_en=answer_en, publish=True if publish else None,
                              reject=publish is False, user=None)
    except ideas.IdeaError as error:
        raise click.UsageError(str(error)) from error
    state = "rejected" if idea["rejected"] else "published" if idea["published"] else "waiting"
    click.echo(f"#{idea['id']} {state} {idea['status']}: {_one_line(idea['text'])}")


# --- surveys -------------------------------------------------------------------------------------

@click.group("survey")
def survey_group():
    """Create surveys from a file, list them and print their results."""


@survey_group.command("load")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@venue_option()
def survey_load(path, slug):
    """Create a survey from a JSON or TOML file (see README)."""
    db = _db()
    venue_id = _venue_id(db, slug)  # a wrong --venue is refused before the file is read
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
        survey_id = surveys.load_file(db, venue_id, data)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise click.ClickException(f"{path.name}: {error}") from error
    survey = surveys.get_survey(db, survey_id)
    click.echo(f"Survey #{survey_id} {survey['title_sv']!r}: {len(survey['questions'])} "
               f"question(s), open {survey['opens']} to {survey['closes']}")


@survey_group.command("list")
@with_appcontext
@venue_option(every=True)
def survey_list(slug):
    """Every survey with its dates and number of answers."""
    db = _db()
    for survey in surveys.surveys(db, _venue_id(db, slug, every=True)):
        count = db.execute("SELECT count(*) FROM survey_response WHERE survey_id = ?",
                           [survey["id"]]).fetchone()[0]
        click.echo(f"#{survey['id']} {survey['opens']}–{survey['closes']} "
                   f"{survey['title_sv']}: {count} response(s)")


@survey_group.command("results")
@with_appcontext
@click.argument("survey_id", type=int)
@click.option("--group", type=click.Choice(["day", "week", "month", "year"]), default=None,
              help="One block per period (default: the whole survey).")
def survey_results(survey_id, group):
    """Counts and shares per answer, and how many answers came from remembered phones."""
    db = _db()
    try:
        table = surveys.results(db, survey_id, group)
    except surveys.SurveyError as error:
        raise click.BadParameter(str(error), param_hint="SURVEY_ID") from error
    for period in table:
        click.echo(f"{period['period']}: {period['responses']} response(s), "
                   f"{period['from_remembered_phones']} from remembered phones")
        for question in period["questions"]:
            click.echo(f"  {question['text_sv']} ({question['answered']} answered)")
            for option in question["options"]:
                share = "-" if option["share"] is None else f"{option['share'] * 100:.0f} %"
                click.echo(f"    {option['sv']}: {option['count']} ({share})")


# --- retention -----------------------------------------------------------------------------------

@click.command("purge")
@with_appcontext
@click.option("--months", type=int, default=None,
              help="Retention in months (default: the staff page's setting, else "
                   "RETENTION_MONTHS).")
def purge_command(months):
    """Delete free texts and unpublished ideas older than the retention period; figures stay."""
    from checkin.feedback import retention

    db = _db()
    if months is None:
        months = retention_period.months(db, current_app.config["RETENTION_MONTHS"])
    if months < 1:
        raise click.BadParameter("the retention period is at least 1 month",
                                 param_hint="--months")
    result = retention.purge(db, _today(db), months)
    click.echo(f"Deleted {result['texts']} free text(s) and {result['ideas']} unpublished "
               f"idea(s) from before {result['before']}; ratings and figures stay.")


COMMANDS = (feedback_group, ideas_group, survey_group, purge_command)
