"""Figures pages: parse the choice, ask figures/tables.py, publishing/exports.py or
figures/tally_import.py (the heavy ones in the worker process), render."""

import datetime as dt

from babel.dates import format_date
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from checkin import venues
from checkin.accounts.api import ConfirmForm, audit_line, auth, current_user, require_role
from checkin.db import get_db
from checkin.feedback.api import smileys, surveys
from checkin.figures import dashboard_figures, revisions, table_files, tally_import, yearly_report
from checkin.figures.forms import ALL_VENUES, ExportForm, ImportForm, NarrativeForm, SetAsideForm
from checkin.publishing.api import (
    EXTENSIONS,
    MEDIA_TYPES,
    FiguresError,
    bar_chart,
    exports,
    last_whole,
    published_range,
)
from checkin.visits.api import set_aside, years_with_visits
from checkin.web import heavy_work
from checkin.web.formatting import long_date, staff_time
from checkin.web.pages import confirm_page, venue_now
from checkin.week.api import operations

BAD_INPUT = 400

blueprint = Blueprint("figures", __name__)
PREVIEW_ROWS = 20


def _locale():
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


def _month_name(label, short=False):
    """'2026-03' → 'mars' / 'March' (short, for chart labels: 'mars' / 'Mar')."""
    return format_date(dt.date.fromisoformat(label + "-01"), "LLL" if short else "LLLL",
                       locale=_locale())


def _short_day(day):
    """'1 december' / '1 December'."""
    return format_date(day, "d MMMM", locale=_locale())


def _is_staff():
    return auth.role_at_least(current_user()["role"], "staff")


def _seen_venues():
    return [v for v in venues.all_venues(get_db())
            if auth.may_use_venue(get_db(), current_user(), v["id"])]


def _set_aside_when(decision):
    """'tisdag 3 mars 2026, 14:00–15:00' or 'tisdag 3 mars 2026, the whole day'."""
    day = dt.date.fromisoformat(decision["date"])
    shown = f"{long_date(day)} {day.year}"
    if decision["hour"] is None:
        return _("%(day)s, the whole day", day=shown)
    hour, following = f"{decision['hour']:02d}", f"{decision['hour'] + 1:02d}"
    return _("%(day)s, %(hour)s:00–%(next)s:00", day=shown, hour=hour, next=following)


def _range_day(day, first, last):
    """A day in a sentence about first..last: with its year when the range crosses one
    ('måndag 1 december 2025' ... 'söndag 30 november 2026'), without when it does not."""
    return format_date(day, "EEEE d MMMM y" if first.year != last.year else "EEEE d MMMM",
                       locale=_locale())


def _published_label(day, where=""):
    return exports.published_mark(_locale(), day, where)


def _internal_label(day):
    return exports.internal_mark(_locale(), day)


@blueprint.app_context_processor
def figures_context():
    return {"month_name": _month_name, "set_aside_when": _set_aside_when,
            "range_day": _range_day, "published_label": _published_label,
            "internal_label": _internal_label}


# --- the dashboard --------------------------------------------------------------------------

@blueprint.get("/staff/<slug>/figures")
@require_role("viewer")
def dashboard(slug):
    venue = g.venue
    # Viewers read published figures only (docs/figures.md, "Who sees what").
    board = dashboard_figures.dashboard(get_db(), venue["id"], venue_now(venue).date(),
                                        published=not _is_staff())
    months = board["per_month"]
    so_far = _("up to and including %(day)s", day=_short_day(board["today"]))
    if board["published"]:  # whole months that have ended: none is marked as not over
        chart = bar_chart(
            [[m["visits"] for m in months], [m["visits_year_before"] for m in months]],
            [_month_name(m["month"], short=True) for m in months],
            _("Visits per month, the last 12 whole months"),
            desc=_("Each month beside the same month a year before. The table below has the "
                   "same numbers."),
            series_names=(_("Last 12 months"), _("A year before")), width=480, height=250)
    else:
        chart = bar_chart(
            [[m["visits"] for m in months], [m["visits_year_before"] for m in months]],
            [_month_name(m["month"], short=True) for m in months],
            _("Visits per month, the last 12 months"),
            desc=_("Each month beside the same month a year before. The table below has the "
                   "same numbers. *: this month is not over, %(so_far)s.", so_far=so_far),
            series_names=(_("Last 12 months"), _("A year before")), width=480, height=250,
            incomplete=len(months) - 1, incomplete_note=so_far,
        )
    today = venue_now(venue).date()
    return render_template("figures/dashboard.html", venue=venue, board=board, chart=chart,
                           is_staff=_is_staff(), is_admin=_is_admin(), so_far=so_far,
                           participation=_participation(venue, dt.date(today.year, 1, 1),
                                                        today))


# --- check-ins set aside (a flood) ----------------------------------------------------------

def _is_admin():
    return auth.role_at_least(current_user()["role"], "admin")


def _refusal(reason):
    return {
        "reason": _("Write why these check-ins did not come from a real door."),
        "closed_year": _("That year is closed: its persons were counted at the close, so its "
                         "check-ins can no longer be set aside or brought back."),
        "nothing": _("There are no QR or kiosk check-ins left to set aside then."),
        "unknown": _("There is no such decision at this venue."),
        "brought_back": _("These check-ins were brought back already."),
    }[reason]


@blueprint.get("/staff/<slug>/set-aside")
@require_role("staff")
def set_asides(slug):
    venue = g.venue
    today = venue_now(venue).date()
    return render_template(
        "figures/set_asides.html", venue=venue, is_admin=_is_admin(), is_staff=True,
        unusual=dashboard_figures.unusual_check_ins(get_db(), venue["id"], today),
        history=set_aside.history(get_db(), venue["id"]))


def _set_aside_page(venue, form, status=200, error=None):
    counts, changes = None, []
    if form.date.data and not form.hour.errors:
        counts = set_aside.check_ins(get_db(), venue["id"], form.date.data, form.hour_number)
        changes = revisions.effect_lines(revisions.day_effects(
            get_db(), venue["id"], form.date.data, -sum(counts.values()),
            venue_now(venue).date()), _locale())
    return render_template("figures/set_aside.html", venue=venue, form=form, counts=counts,
                           error=error, changes=changes), status


def _before_revision(venue, day):
    """The totals of the finished year `day` is in, before a set-aside or bringing back."""
    today = venue_now(venue).date()
    revisions.ready(get_db())
    return revisions.totals(get_db(), venue["id"], revisions.finished_years({day}, today),
                            today)


@blueprint.route("/staff/<slug>/set-aside/new", methods=["GET", "POST"])
@require_role("admin")
def set_aside_new(slug):
    """A confirm page: what would be set aside, and the reason; nothing changes on GET."""
    venue = g.venue
    if request.method == "GET":
        form = SetAsideForm(formdata=None)
        try:
            form.date.data = dt.date.fromisoformat(request.args.get("date", ""))
        except ValueError:
            abort(404)
        hour = request.args.get("hour", "")
        if hour not in ("", *(str(h) for h in range(24))):
            abort(404)
        form.hour.data = hour
        return _set_aside_page(venue, form)
    form = SetAsideForm()
    if not form.validate():
        return _set_aside_page(venue, form, BAD_INPUT)
    before = _before_revision(venue, form.date.data)
    try:
        done = set_aside.set_aside(get_db(), venue_id=venue["id"], day=form.date.data,
                                   hour=form.hour_number, reason=form.reason.data,
                                   user=current_user())
    except set_aside.SetAsideRefused as refused:
        return _set_aside_page(venue, form, BAD_INPUT, error=_refusal(refused.reason))
    if before:
        revisions.record_after(get_db(), venue["id"], before, "set_aside",
                               venue_now(venue).date())
    flash(_("%(n)s check-ins are set aside. They are kept, and count in no figure until "
            "someone brings them back.", n=done["visits"]))
    return redirect(url_for("figures.set_asides", slug=slug))


@blueprint.route("/staff/<slug>/set-aside/<int:set_aside_id>/bring-back",
                 methods=["GET", "POST"])
@require_role("admin")
def bring_back(slug, set_aside_id):
    venue = g.venue
    decision = set_aside.get(get_db(), venue["id"], set_aside_id)
    if decision is None:
        abort(404)
    form = ConfirmForm()
    day = dt.date.fromisoformat(decision["date"])
    aside = get_db().execute("SELECT count(*) FROM visit WHERE set_aside_id = ?",
                             [set_aside_id]).fetchone()[0]
    page = {"venue": venue, "decision": decision, "form": form, "error": None,
            "changes": revisions.effect_lines(revisions.day_effects(
                get_db(), venue["id"], day, aside, venue_now(venue).date()), _locale())}
    if request.method == "GET":
        return render_template("figures/bring_back.html", **page)
    if not form.validate():
        abort(BAD_INPUT)
    before = _before_revision(venue, day)
    try:
        visits = set_aside.bring_back(get_db(), venue_id=venue["id"],
                                      set_aside_id=set_aside_id, user=current_user())
    except set_aside.SetAsideRefused as refused:
        page["error"] = _refusal(refused.reason)
        return render_template("figures/bring_back.html", **page), BAD_INPUT
    if before:
        revisions.record_after(get_db(), venue["id"], before, "brought_back",
                               venue_now(venue).date())
    flash(_("%(n)s check-ins count again.", n=visits))
    return redirect(url_for("figures.set_asides", slug=slug))


# --- the export -----------------------------------------------------------------------------

def _export_venues(form, venue):
    """The venue ids the form asks for, or an error message."""
    choice = form.venue.data or venue["slug"]
    seen = _seen_venues()
    if choice == ALL_VENUES:
        return [v["id"] for v in seen], None
    chosen = venues.by_slug(get_db(), choice)
    if chosen is None:
        return None, _("There is no venue called %(name)s.", name=choice)
    if chosen["id"] not in {v["id"] for v in seen}:
        return None, _("Your account cannot see the figures of %(name)s.", name=chosen["name"])
    return [chosen["id"]], None


def _file_name(form, venue_ids, venue):
    where = venue["slug"] if venue_ids == [venue["id"]] else form.venue.data
    parts = ["checkin", where, form.first.data.isoformat(), form.last.data.isoformat(),
             form.group.data] + (["by-activity"] if form.by_activity.data else [])
    parts += ["published"] if form.published else []
    return "-".join(parts) + "." + EXTENSIONS[form.fmt.data]


MOSTLY_HIDDEN = 1 / 3  # above this share of hidden counts, the page suggests a coarser table
COARSER = {"day": "week", "week": "month", "month": "year"}


def _coarser_choices(form, venue_ids):
    """Groupings that hide fewer counts than the one asked for: (group, by activity, share)."""
    group, by_activity = form.group.data, form.by_activity.data
    tries = []
    if group in COARSER:
        tries.append((COARSER[group], by_activity))
    if by_activity:
        tries.append((group, False))
        if group in COARSER:
            tries.append((COARSER[group], False))
    found = []
    # In the worker process: up to three more figure tables.
    shares = heavy_work.run(
        table_files.hidden_shares, form.first.data, form.last.data, tries, venue_ids=venue_ids,
        min_cell=form.min_cell_number, locale=current_app.config["DEFAULT_LOCALE"],
        published=form.published)
    for (other_group, other_by), share in zip(tries, shares, strict=True):
        if share <= MOSTLY_HIDDEN:
            found.append({"group": other_group, "by_activity": other_by,
                          "percent": round(100 * share),
                          "args": {**request.args.to_dict(), "group": other_group,
                                   "by_activity": "y" if other_by else None, "show": "1",
                                   "download": None, "anyway": None}})
    return found


def _less_hiding_than_configured(form):
    """An exact export hiding less than MIN_CELL: staff may, and the audit log says who did."""
    configured = current_app.config["MIN_CELL"]
    chosen = form.min_cell_number
    return not form.published and (chosen is None or chosen < configured)


def _audit_low_hiding(form, venue_ids, venue, action):
    chosen = form.min_cell_number
    where = ",".join(v["slug"] for v in _seen_venues() if v["id"] in venue_ids)
    detail = (f"{action}: {form.first.data}–{form.last.data}, {form.group.data}"
              f"{' by activity' if form.by_activity.data else ''}, "
              f"min-cell {chosen if chosen else 'none'} "
              f"(configured {current_app.config.get('MIN_CELL', 3)}), {where}")
    audit_line("export with less hiding", detail, venue, first=form.first.data.isoformat(),
               last=form.last.data.isoformat(), min_cell=chosen,
               usual=current_app.config["MIN_CELL"])


def _last_published_month(venue):
    """The first and last day of the year up to the last month that has ended."""
    last = last_whole("month", venue_now(venue).date())[1]
    return dt.date(last.year, 1, 1), last


@blueprint.get("/staff/<slug>/export")
@require_role("viewer")
def export(slug):
    venue = g.venue
    seen = _seen_venues()
    pairs = [(venue["slug"], _("%(name)s only", name=venue["name"]))]
    pairs += [(v["slug"], _("%(name)s only", name=v["name"])) for v in seen
              if v["id"] != venue["id"]]
    if len(seen) > 1:
        pairs.append((ALL_VENUES, _("All venues you may see (%(n)s)", n=len(seen))))
    form = ExportForm(pairs, current_app.config["MIN_CELL"], exact_allowed=_is_staff(),
                      formdata=request.args if request.args else None)
    today = venue_now(venue).date()
    years = [y for y in years_with_visits(get_db(), venue["id"]) if y <= today.year][-3:]
    month_before = today.replace(day=1) - dt.timedelta(days=1)
    page = {"venue": venue, "form": form, "table": None, "error": None, "note": None,
            "years": years, "today": today, "warning": None,
            "last_month": (month_before.replace(day=1), month_before)}
    if not request.args:
        form.first.data, form.last.data = dt.date(today.year, 1, 1), today
        if form.published:
            form.first.data, form.last.data = _last_published_month(venue)
        form.venue.data = venue["slug"]
        return render_template("figures/export.html", **page)
    if not form.validate():
        return render_template("figures/export.html", **page), BAD_INPUT
    venue_ids, error = _export_venues(form, venue)
    if error:
        form.venue.errors = [error]
        return render_template("figures/export.html", **page), BAD_INPUT
    # A file for people speaks the page's language; the one for programs, the installation's
    # (as `checkin export` does), so both doors give the same file.
    for_people = form.fmt.data != "csv"
    try:
        if form.published:
            first, last, note = published_range(
                form.first.data, form.last.data, form.group.data, today, _locale())
            if note:
                # Widened: say so and let them look before anything is downloaded.
                for field, day in ((form.first, first), (form.last, last)):
                    field.data, field.raw_data = day, None
                page["note"] = note
        # A download the page may give at once is written in the worker too: figures and
        # file both, so that check-ins never wait for a heavy table or openpyxl.
        download = None
        if request.args.get("download") and not page["note"]:
            anyway = form.published or bool(request.args.get("anyway"))
            download = {
                "fmt": form.fmt.data, "lang": _locale() if for_people else None,
                "hidden_at_most": 1.0 if anyway else MOSTLY_HIDDEN, "locale": _locale(),
                "venue_names": [v["name"] for v in _seen_venues() if v["id"] in venue_ids]}
        table, share, body = heavy_work.run(
            table_files.table_and_file, form.first.data, form.last.data, form.group.data,
            download=download, by_activity=form.by_activity.data, venue_ids=venue_ids,
            min_cell=form.min_cell_number,
            locale=_locale() if for_people else current_app.config["DEFAULT_LOCALE"],
            published=form.published, today=today)
    except FiguresError as problem:
        page["error"] = str(problem)
        return render_template("figures/export.html", **page), BAD_INPUT
    if body is not None:
        if _less_hiding_than_configured(form):
            _audit_low_hiding(form, venue_ids, venue, "download")
        name = _file_name(form, venue_ids, venue)
        return Response(body, mimetype=MEDIA_TYPES[form.fmt.data],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    if share > MOSTLY_HIDDEN and not form.published:
        page["warning"] = {"percent": round(100 * share),
                           "choices": _coarser_choices(form, venue_ids)}
    if _less_hiding_than_configured(form):
        _audit_low_hiding(form, venue_ids, venue, "shown")
    page["table"] = table
    page["preview"] = table.rows[:PREVIEW_ROWS]
    page["headings"] = exports.headings(_locale())
    page["asked_download"] = bool(request.args.get("download"))
    return render_template("figures/export.html", **page)


# --- the yearly report ----------------------------------------------------------------------

def _number(value):
    return value if isinstance(value, int) else 0


# A published mean of fewer ratings than this is too noisy to show (docs/figures.md, "Quality"):
# each of the five smiley counts is off by up to 2, so the mean of 3 to 5 ratings was off by
# half a step on average (issue 23).
MEAN_MIN_RATINGS = 10


def _levels_mean(levels):
    answers = sum(levels.values())
    return round(sum(level * n for level, n in levels.items()) / answers, 2) if answers else None


def _ratings(venue, year, min_cell, published):
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = smileys.ratings(get_db(), venue["id"], first, last, "month", published=published)
    if published:
        # As with visits: each month's smiley counts are perturbed on their own, and every
        # other number is their sum (a month's ratings, the year's), so no part is published
        # differently from its whole.
        year_levels = dict.fromkeys(rows[0]["levels"] if rows else (), 0)
        for row in rows:
            row["count"] = sum(row["levels"].values())
            row["mean"] = _levels_mean(row["levels"])
            for level, n in row["levels"].items():
                year_levels[level] += n
        whole = {"period": str(year), "count": sum(year_levels.values()),
                 "levels": year_levels, "mean": _levels_mean(year_levels)}
    else:
        whole = smileys.ratings(get_db(), venue["id"], first, last, "year")[0]
    if not whole["count"]:
        return None

    def shown(row):  # too few ratings: no mean that could be one person's answer
        small = not published and 0 < row["count"] < min_cell
        noisy = published and row["count"] < MEAN_MIN_RATINGS
        return {"period": row["period"], "count": f"<{min_cell}" if small else row["count"],
                "mean": None if small or noisy else row["mean"]}

    return {"months": [shown(r) for r in rows], "year": shown(whole)}


def _survey_results(venue, year, min_cell, published):
    """Each survey open during the year: exact with counts under min_cell hidden as in the
    exports, or published (perturbed) once the survey has closed."""
    out = []
    today = venue_now(venue).date()
    for survey in surveys.surveys(get_db(), venue["id"]):
        if not (survey["opens"][:4] <= str(year) <= survey["closes"][:4]):
            continue
        if published and not surveys.may_publish(survey, today):
            continue  # its results are published when it has closed
        result = surveys.results(get_db(), survey["id"], published=published)
        if not published:
            surveys.hide_small_answers(result, min_cell)
        out.append({"survey": survey, "result": result[0]})
    return out


def _report_version(venue):
    """Viewers get the published report only; staff the exact one unless they ask for the
    published one (?version=published), for the city."""
    return not _is_staff() or request.args.get("version") == "published"


def report_years(venue):
    """The years a report can be made for: from the first year with visits to this year."""
    this_year = venue_now(venue).year
    # A year with only ratings or a survey has a report too (its visits may be zero).
    other = get_db().execute(
        "SELECT min(y) FROM (SELECT min(substr(date, 1, 4)) AS y FROM feedback WHERE venue_id = ? "
        "UNION ALL SELECT min(substr(opens, 1, 4)) FROM survey WHERE venue_id = ?)",
        [venue["id"], venue["id"]]).fetchone()[0]
    first = min([*years_with_visits(get_db(), venue["id"]), this_year,
                 *([int(other)] if other else [])])
    return list(range(first, this_year + 1))


def _no_report(venue, year):
    """A year outside the data: 404, with links to the years that have a report."""
    return render_template("figures/no_report.html", venue=venue, year=year,
                           years=report_years(venue)), 404


def _report_page(venue, year, form, status=200):
    locale = _locale()
    published = _report_version(venue)
    try:
        report = heavy_work.run(  # in the worker process: two years of figures
            yearly_report.yearly_report, venue["id"], year, locale=locale, published=published,
            min_cell=current_app.config["MIN_CELL"], today=venue_now(venue).date())
    except FiguresError:
        return render_template(
            "figures/report.html", venue=venue, year=year, report=None, form=form,
            may_write=_is_staff(), published=published, is_staff=_is_staff(),
            today=venue_now(venue).date(),
            opens_on=format_date(dt.date(year + 1, 1, 1), "d MMMM y", locale=locale),
            locale_code=locale), status
    min_cell = report["min_cell"]
    this, before = report["this_year"], report["year_before"]
    periods_shown = [m["period"] for m in this["months"]]
    incomplete = report["incomplete_month"]
    so_far = _("up to and including %(day)s", day=_short_day(report["until"]))
    chart = bar_chart(
        [[_number(m["visits_total"]) if m["period"] <= report["until_month"] else 0
          for m in this["months"]],
         [_number(m["visits_total"]) for m in before["months"]]],
        [_month_name(m["period"], short=True) for m in this["months"]],
        _("Visits per month in %(year)s and %(before)s", year=year, before=year - 1),
        desc=(_("The numbers are published ones, changed a little. The table has them.")
              if published else
              _("Hidden small numbers are drawn as 0. The table has the numbers.")) + (
            " " + _("*: %(month)s is not over, %(so_far)s.", month=_month_name(incomplete),
                    so_far=so_far) if incomplete else ""),
        series_names=(str(year), str(year - 1)), width=480, height=250,
        incomplete=periods_shown.index(incomplete) if incomplete else None,
        incomplete_note=so_far,
    )
    return render_template(
        "figures/report.html", venue=venue, year=year, report=report, this=this,
        years=report_years(venue),
        before=before, chart=chart, form=form, may_write=_is_staff(), is_staff=_is_staff(),
        published=published, ratings=_ratings(venue, year, min_cell, published),
        today=venue_now(venue).date(), mean_min=MEAN_MIN_RATINGS,
        survey_results=_survey_results(venue, year, min_cell, published), locale_code=locale,
        so_far=so_far, participation=_participation(venue, dt.date(year, 1, 1),
                                                    dt.date(year, 12, 31)),
    ), status


def _participation(venue, first, last):
    """Meetings held, questions put, decided and become programme (feedback/meetings.py).
    Who came is a person count: staff see the headcounts; published figures carry them only
    as the visits of the meeting's activity, changed like every other visit figure."""
    from checkin.feedback.api import meetings

    return meetings.participation(get_db(), venue["id"], first, last)


@blueprint.get("/staff/<slug>/report")
@require_role("viewer")
def report_now(slug):
    year = venue_now(g.venue).year
    if not _is_staff():
        year -= 1  # the latest year a viewer can read is the one that has ended
    return redirect(url_for("figures.report", slug=slug, year=year))


@blueprint.get("/staff/<slug>/report/<int:year>")
@require_role("viewer")
def report(slug, year):
    venue = g.venue
    if year not in report_years(venue):
        return _no_report(venue, year)  # 404 with links to the years that have a report
    form = NarrativeForm(text=yearly_report.get_narrative(get_db(), venue["id"], year)["text"])
    return _report_page(venue, year, form)


@blueprint.post("/staff/<slug>/report/<int:year>/narrative")
@require_role("staff")
def save_narrative(slug, year):
    venue = g.venue
    if year not in report_years(venue):
        return _no_report(venue, year)  # 404 with links to the years that have a report
    form = NarrativeForm()
    if not form.validate():
        return _report_page(venue, year, form, BAD_INPUT)
    text = (form.text.data or "").strip()
    yearly_report.save_narrative(get_db(), venue["id"], year, text, current_user(),
                                 now=venue_now(venue))
    flash(_("The text is saved."))
    return redirect(url_for("figures.report", slug=slug, year=year) + "#narrative")


# --- counts kept before ---------------------------------------------------------------------

def _import_page(venue, form, status=200, problems=None, error=None, changes=None):
    today = venue_now(venue).date()
    return render_template(
        "figures/import.html", venue=venue, form=form, problems=problems, error=error,
        changes=changes,
        imports=tally_import.past_imports(get_db(), venue["id"]),
        last_month=(today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"),
        this_month=today.strftime("%Y-%m"), header=tally_import.HEADERS.get(
            _locale(), tally_import.COLUMNS)), status


@blueprint.get("/staff/<slug>/import/template.<fmt>")
@require_role("staff")
def import_template(slug, fmt):
    """The file to fill in, empty or with a month's days and activities written in."""
    venue = g.venue
    if fmt not in ("csv", "xlsx"):
        abort(404)
    month = None
    if request.args.get("month"):
        try:
            month = dt.date.fromisoformat(request.args["month"] + "-01")
        except ValueError:
            abort(BAD_INPUT)
        if not 2000 <= month.year <= venue_now(venue).year:
            abort(BAD_INPUT)
    names = [name for _id, name in operations.activity_choices(get_db(), venue["id"],
                                                              only_counted=True)]
    body = tally_import.template(fmt, _locale(),
                                 tally_import.template_rows(get_db(), venue["id"], month), names)
    name = "-".join(["checkin", venue["slug"], _("counts")]
                    + ([month.strftime("%Y-%m")] if month else [])) + "." + fmt
    return Response(body, mimetype=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.route("/staff/<slug>/import/<int:import_id>/undo", methods=["GET", "POST"])
@require_role("staff")
def undo_import(slug, import_id):
    venue = g.venue
    found = tally_import.get_import(get_db(), venue["id"], import_id)
    if found is None or not found["undoable"]:
        abort(404)
    today = venue_now(venue).date()
    if request.method == "GET":
        changes = tally_import.undo_effects(get_db(), venue["id"], import_id, today)
        return confirm_page(
            title=_("Undo the import of %(name)s?", name=found["filename"]),
            lines=[_("Its %(visits)s counted visits, %(first)s to %(last)s, leave every "
                     "figure and report at once.", visits=found["visits"], first=found["first"],
                     last=found["last"]),
                   *([_("It changes the figures of periods that have ended, and the reports "
                        "will list it as a revision with today's date:")]
                     + revisions.effect_lines(changes, _locale()) if changes else []),
                   _("Nothing else is touched: check-ins, the tally and other imports stay."),
                   _("The file can be imported again afterwards.")],
            action=url_for("figures.undo_import", slug=slug, import_id=import_id),
            button=_("Undo the import"), back=url_for("figures.import_counts", slug=slug))
    if not ConfirmForm().validate():
        abort(BAD_INPUT)
    gone = tally_import.undo_import(get_db(), venue["id"], import_id, user=current_user(),
                                    revised_on=today)
    flash(_("The import is undone: %(n)s counted visits are gone from the figures.", n=gone))
    return redirect(url_for("figures.import_counts", slug=slug))


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    # Raised while the body is read (the CSRF check), before require_role ran: check here.
    user, venue = current_user(), venues.by_slug(get_db(), request.view_args.get("slug", ""))
    if (request.endpoint == "figures.import_counts" and user and venue
            and auth.role_at_least(user["role"], "staff")
            and auth.may_use_venue(get_db(), user, venue["id"])):
        return _import_page(venue, ImportForm(formdata=None), 413, error=_(
            "The file is too big: at most %(kb)s KB. Nothing was imported. Split it into "
            "smaller files, for example one per year.",
            kb=current_app.config["MAX_CONTENT_LENGTH"] // 1024))
    return render_template("error.html", title=_("That was too much text"),
                           message=_("Nothing was saved. Please write less and try again.")), 413


@blueprint.route("/staff/<slug>/import", methods=["GET", "POST"])
@require_role("staff")
def import_counts(slug):
    venue = g.venue
    form = ImportForm()
    if request.method == "GET":
        return _import_page(venue, form)
    if not form.validate():
        return _import_page(venue, form, BAD_INPUT)
    upload = form.file.data
    data, name = upload.read(), (upload.filename or "upload")[:120]
    try:
        today = venue_now(venue).date()
        user = current_user()
        # The audit line in the import's own transaction (in the worker: plain data only).
        result = heavy_work.run(tally_import.import_file, venue["id"], data, name,
                                again=form.again.data, today=today, locale=_locale(),
                                revised_on=today, ask=not form.finished.data,
                                user={"id": user["id"], "username": user["username"]})
    except tally_import.TallyFileError as error:
        return _import_page(venue, form, BAD_INPUT, problems=error.problems)
    except tally_import.ChangesFinished as asked:  # nothing imported: the page asks first
        return _import_page(venue, form, 409, changes=revisions.effect_lines(
            asked.changes, _locale()))
    except tally_import.AlreadyImported as error:
        return _import_page(venue, form, 409, error=_(
            "This file was already imported on %(when)s. Nothing was imported. Tick "
            "\"Import again\" only if you really mean to add the same counts twice.",
            when=staff_time(error.earlier["imported_at"], venue)))
    flash(_("Imported %(lines)s lines as %(visits)s counted visits (%(first)s to %(last)s).",
            lines=result["lines"], visits=result["visits"], first=result["first"] or "-",
            last=result["last"] or "-"))
    return redirect(url_for("figures.import_counts", slug=slug))
