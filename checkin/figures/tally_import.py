"""Counts kept before the app — a CSV or xlsx of date, activity and counts by gender — brought
in as tallies: the whole file is checked first, and the same file is never added twice. No Flask."""

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from contextlib import closing
from dataclasses import dataclass

from checkin.accounts.api import audit
from checkin.db import writing
from checkin.figures import revisions
from checkin.hours import hour_stamp, this_hour
from checkin.i18n import translator
from checkin.publishing.api import inert
from checkin.visits.api import add_imported_visits, imported_days, remove_imported_visits

COLUMNS = ("date", "activity", "women", "men", "other", "unstated")
# The header the template has, in each language; any of ALIASES is read as the column too.
HEADERS = {
    "en": COLUMNS,
    "sv": ("datum", "aktivitet", "kvinnor", "män", "annat", "inget svar"),
}
ALIASES = {
    "date": {"date", "datum", "dag", "day"},
    "activity": {"activity", "aktivitet"},
    "women": {"women", "woman", "kvinnor", "kvinna"},
    "men": {"men", "man", "män"},
    "other": {"other", "annat", "annan", "andra"},
    "unstated": {"unstated", "no answer", "inget svar", "vill inte svara", "okänt", "okänd",
                 "unknown", "ej svar"},
}
GENDER_OF = {"women": "woman", "men": "man", "other": "other", "unstated": "unstated"}
MAX_PER_CELL = 500  # more than this of one gender on one line is surely a typing mistake
MAX_VISITS = 20_000  # a file's total: many years of a drop-in's counts; more is a mistake
# Bounds on what a file holds, checked while reading, before anything is kept in memory or
# written: about three years of one line per day and activity, the template's columns, and
# an xlsx that unpacks to a few MB (what it declares about its size is never believed).
MAX_LINES = 5000
MAX_UNZIPPED = 8 * 1024 * 1024
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class TallyFileError(ValueError):
    """The file cannot be imported; `problems` lists (line number, message)."""

    def __init__(self, problems):
        super().__init__("; ".join(f"line {n}: {m}" for n, m in problems))
        self.problems = problems

    def __reduce__(self):  # comes back whole from the heavy-work process
        return type(self), (self.problems,)


class AlreadyImported(ValueError):
    """This very file (same checksum) was imported before."""

    def __init__(self, earlier):
        super().__init__(f"already imported on {earlier['imported_at']}")
        self.earlier = earlier

    def __reduce__(self):
        return type(self), (self.earlier,)


class ChangesFinished(ValueError):
    """The file would change finished periods' reports: `changes` is [(year, exact visits
    before, after)]. Nothing was imported; the staff are asked first."""

    def __init__(self, changes):
        super().__init__(f"would change the reports of {[c[0] for c in changes]}")
        self.changes = changes

    def __reduce__(self):
        return type(self), (self.changes,)


@dataclass
class TallyLine:
    line: int
    day: dt.date
    activity_id: int | None
    counts: dict  # gender → how many


def _column_letter(index):
    """1 → A, 27 → AA: where Excel shows the column."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _xlsx_rows(data, _):
    """(line number, cells) of the first sheet's real rows, refused early when too big."""
    from openpyxl import load_workbook

    unreadable = TallyFileError([(1, _("This is not an Excel file we can read."))])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise unreadable from error
    if unzipped > MAX_UNZIPPED:
        raise TallyFileError([(1, _("The Excel file holds far more than a table of counts. "
                                    "Save only the sheet with the counts and try again."))])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any broken zip or sheet: one clear message
        raise unreadable from error
    try:
        sheet = book.worksheets[0]
        # The sheet's declared size (A1:XFD1048576) is not believed: without it every row
        # holds only up to its last real cell and no empty rows are made up at the end.
        sheet.reset_dimensions()
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except GeneratorExit:
        raise
    except Exception as error:  # a sheet openpyxl cannot parse
        raise unreadable from error
    finally:
        book.close()


def _csv_rows(data, _):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TallyFileError([(1, _("The file is not UTF-8 text. Save it as "
                                    "\"CSV UTF-8\" and try again."))]) from error
    first = text.split("\n", 1)[0]
    # Swedish Excel separates with semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise TallyFileError([(reader.line_num, _("This line cannot be read as CSV."))]) \
            from error


def _rows(data, _):
    """(header line number, header, [(line number, cells)]) of a CSV or xlsx file.

    Reading stops at the first line past MAX_LINES or with something right of the
    template's columns, so a file is refused before it can cost much time or memory.
    """
    reader = _xlsx_rows if data[:4] == b"PK\x03\x04" else _csv_rows  # an xlsx is a zip file
    with closing(reader(data, _)) as lines:
        rows = _bounded(lines, _)
    if not rows:
        raise TallyFileError([(1, _("The file is empty."))])
    (header_line, header), body = rows[0], rows[1:]
    return header_line, [str(c if c is not None else "").strip() for c in header], body


def _column_of(name):
    """'Kvinnor', ' inget  svar ' → 'women', 'unstated'; None for a column we do not read."""
    key = " ".join(name.casefold().split()).rstrip(":")
    return next((column for column, names in ALIASES.items() if key in names), None)


def _bounded(lines, _):
    rows, width = [], len(COLUMNS)
    too_many = TallyFileError([(1, _("the file has more than %(max)s lines. Split it into "
                                     "smaller files, for example one per year.") % {
        "max": MAX_LINES})])
    for n, cells in lines:
        if n > 10 * MAX_LINES:  # empty rows far down: no table of counts looks like that
            raise too_many
        # A cell far to the right, even an empty one with a format, is refused at once.
        beyond = len(cells) if len(cells) > 4 * width else next(
            (i for i, c in enumerate(cells[width:], start=width + 1)
             if c is not None and str(c).strip()), None)
        if not beyond and not any(c is not None and str(c).strip() for c in cells):
            continue
        if beyond:
            raise TallyFileError([(n, _("there is something in column %(column)s, but the "
                                        "template has only the columns A to %(last)s. Nothing "
                                        "may be written to their right.") % {
                "column": _column_letter(beyond), "last": _column_letter(width)})])
        if len(rows) > MAX_LINES:  # the header and MAX_LINES lines are already kept
            raise too_many
        rows.append((n, list(cells[:width])))
    return rows


def _count(value, column, _):
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if re.fullmatch(r"-?\d+", value):
            value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None, _("%(column)s must be a whole number, not %(value)s") % {
            "column": column, "value": f"“{value}”"}
    if value < 0:
        return None, _("%(column)s cannot be negative (%(value)s)") % {
            "column": column, "value": value}
    if value > MAX_PER_CELL:
        return None, _("%(column)s is more than %(max)s: check the number") % {
            "column": column, "max": MAX_PER_CELL}
    return value, None


def _date(value, today, _):
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str) and DATE_RE.fullmatch(value.strip()):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if not isinstance(value, dt.date):
        return None, _("the date %(value)s is not a date written YYYY-MM-DD") % {
            "value": f"“{value if value is not None else ''}”"}
    if value.year < 2000 or (today and value > today):
        return None, _("the date %(value)s is in the future or too long ago") % {
            "value": value.isoformat()}
    return value, None


def check_file(db, venue_id, data, *, today=None, locale="sv"):
    """Every line of the file as a TallyLine, or TallyFileError listing every problem.

    The header may be Swedish or English, in any order and case; messages name a column as
    the file writes it, in `locale`.
    """
    _ = translator(locale).gettext
    header_line, header, body = _rows(data, _)
    where, written = {}, {}
    for index, name in enumerate(header):
        column = _column_of(name)
        if column and column not in where:
            where[column], written[column] = index, name
    missing = [c for c in COLUMNS if c not in where]
    names = HEADERS.get(locale, COLUMNS)
    if missing:
        raise TallyFileError([(header_line, _("the header row lacks the column(s) %(names)s "
                                              "(it needs %(all)s)") % {
            "names": ", ".join(names[COLUMNS.index(c)] for c in missing),
            "all": ", ".join(names)})])
    # A column is named in the page's language, and as the file writes it when that differs.
    labels = {}
    for column in COLUMNS:
        label = names[COLUMNS.index(column)]
        labels[column] = label if written[column].casefold() == label else (
            f"{label} ({written[column]})")
    activities = {}
    for row in db.execute("SELECT id, name_sv, name_en, counted FROM activity "
                          "WHERE venue_id = ?", [venue_id]):
        for name in (row["name_sv"], row["name_en"]):
            if name:
                activities.setdefault(name.strip().casefold(), row)
    lines, problems = [], []
    for n, cells in body:
        cells = list(cells) + [None] * (len(header) - len(cells))

        def cell(column, cells=cells):
            return cells[where[column]]

        day, problem = _date(cell("date"), today, _)
        if problem:
            problems.append((n, problem))
        name = str(cell("activity") or "").strip()
        activity_id = None
        if name:
            found = activities.get(name.casefold())
            if found is None:
                problems.append((n, _("there is no activity called %(name)s here") % {
                    "name": f"“{name}”"}))
            elif not found["counted"]:
                problems.append((n, _("%(name)s is open to everyone and not counted") % {
                    "name": f"“{name}”"}))
            else:
                activity_id = found["id"]
        counts = {}
        for column, gender in GENDER_OF.items():
            value, problem = _count(cell(column), labels[column], _)
            if problem:
                problems.append((n, problem))
            counts[gender] = value
        lines.append(TallyLine(n, day, activity_id, counts))
    total = sum(n for line in lines for n in line.counts.values() if n)
    if not problems and total > MAX_VISITS:
        problems.append((header_line, _("the file adds up to %(total)s visits, more than the "
                                        "%(max)s one file may hold. Check the numbers, or "
                                        "split the file.") % {"total": total, "max": MAX_VISITS}))
    if problems:
        raise TallyFileError(problems)
    return lines


def checksum(data):
    return hashlib.sha256(data).hexdigest()


def earlier_import(db, data, venue_id=None):
    """The import of this very file (same checksum) that still counts, if any."""
    return _earlier_by_checksum(db, checksum(data), venue_id)


def _earlier_by_checksum(db, sha256, venue_id=None):
    row = db.execute(
        "SELECT * FROM tally_import WHERE sha256 = ? AND undone = 0 "
        "AND (? IS NULL OR venue_id = ?) ORDER BY id LIMIT 1",
        [sha256, venue_id, venue_id]).fetchone()
    return dict(row) if row else None


def import_file(db, venue_id, data, filename, *, again=False, today=None, locale="sv",
                now=None, revised_on=None, ask=False, user=None):
    """Check the whole file, then add its counts as tally visits in one transaction.

    Each visit remembers its import, so undo_import can take exactly these away.
    Returns a summary dict; raises TallyFileError (nothing added) or AlreadyImported.
    `revised_on` (the venue's local date): the import is listed as a revision on each
    finished year's report it changes (revisions.py), in the same transaction; with `ask`,
    an import that would change one raises ChangesFinished instead (nothing added).
    With `user` ({'id', 'username'}), its audit line is written in the same transaction.
    The same as prepare_import, then store_import.
    """
    plan = prepare_import(db, venue_id, data, filename, again=again, today=today,
                          locale=locale, now=now, revised_on=revised_on, ask=ask)
    return store_import(db, venue_id, plan, user=user)


def prepare_import(db, venue_id, data, filename, *, again=False, today=None, locale="sv",
                   now=None, revised_on=None, ask=False):
    """Everything an import does before its transaction, writing no visit: the file checked,
    the questions asked (AlreadyImported, ChangesFinished), the keys of the rows it will add
    made ahead (so the transaction holds the write lock the shorter). Returns the plan
    store_import stores, as plain data."""
    lines = check_file(db, venue_id, data, today=today, locale=locale)
    days = [line.day for line in lines for n in line.counts.values() for _ in range(n or 0)]
    if revised_on is not None and ask:
        earlier = earlier_import(db, data, venue_id)
        if earlier and not again:
            raise AlreadyImported(earlier)
        changes = revisions.effects(db, venue_id, days, revised_on)
        if changes:
            raise ChangesFinished(changes)
    adding = [(line.activity_id, line.day, gender, n)
              for line in lines for gender, n in line.counts.items()]
    if revised_on is not None:
        revisions.ready(db, venue_id, adding)
    return {"sha256": checksum(data), "filename": filename, "rows": len(lines),
            "adding": adding, "again": again, "revised_on": revised_on,
            "stamp": hour_stamp(now) if now else this_hour(),
            "finished": sorted(revisions.finished_years(set(days), revised_on))
            if revised_on is not None else [],
            "days": [line.day for line in lines]}


def store_import(db, venue_id, plan, *, user=None):
    """The import's one transaction, from prepare_import's plan: asks again whether the file
    was imported meanwhile, adds the visits, lists the revision of each finished year and,
    with `user`, writes the audit line (one write lock for all of it)."""
    revised_on = plan["revised_on"]
    # The finished years' totals before and after, worked out before the write lock: inside
    # it only a count is checked (revisions.totals_ahead), not a pass over each year.
    ahead = ({} if revised_on is None else revisions.totals_ahead(
        db, venue_id, plan["finished"], revised_on, plan["adding"]))
    with writing(db):
        earlier = _earlier_by_checksum(db, plan["sha256"], venue_id)
        if earlier and not plan["again"]:
            raise AlreadyImported(earlier)
        before, after = (({}, {}) if revised_on is None else revisions.totals_inside(
            db, venue_id, plan["finished"], revised_on, ahead))
        import_id = db.execute(
            "INSERT INTO tally_import (venue_id, sha256, filename, rows, visits, imported_at) "
            "VALUES (?, ?, ?, ?, 0, ?)",
            [venue_id, plan["sha256"], plan["filename"], plan["rows"], plan["stamp"]]
        ).lastrowid
        added = add_imported_visits(db, venue_id, import_id, plan["adding"])
        db.execute("UPDATE tally_import SET visits = ? WHERE id = ?", [added, import_id])
        if before:
            revisions.record(db, venue_id, before, "import", revised_on, after)
        if user is not None:
            audit.write(db, user, "counts imported",
                        f"{plan['filename']}: {plan['rows']} lines, {added} visits", venue_id,
                        {"file": plan["filename"], "visits": added})
    days = plan["days"]
    return {"id": import_id, "lines": plan["rows"], "visits": added,
            "first": min(days) if days else None, "last": max(days) if days else None}


def past_imports(db, venue_id):
    """The venue's imports, newest first, each with the days its visits cover and whether it
    can be undone (imports made before visits remembered their file cannot)."""
    rows = [dict(r) for r in db.execute(
        "SELECT tally_import.*, min(visit.date) AS first, max(visit.date) AS last, "
        "count(visit.id) AS found FROM tally_import "
        "LEFT JOIN visit ON visit.import_id = tally_import.id "
        "WHERE tally_import.venue_id = ? GROUP BY tally_import.id "
        "ORDER BY tally_import.id DESC", [venue_id])]
    for row in rows:
        row["undoable"] = not row["undone"] and row["found"] == row["visits"] and (
            row["visits"] > 0)
    return rows


def get_import(db, venue_id, import_id):
    return next((i for i in past_imports(db, venue_id) if i["id"] == import_id), None)


def undo_effects(db, venue_id, import_id, today):
    """What undoing the import would do to finished years: [(year, before, after)]."""
    out = []
    days = [dt.date.fromisoformat(d) for (d,) in db.execute(
        "SELECT date FROM visit WHERE import_id = ? AND venue_id = ? AND set_aside_id IS NULL",
        [import_id, venue_id])]
    for year in revisions.finished_years(set(days), today):
        before = revisions.exact_visits(db, venue_id, year)
        out.append((year, before, before - sum(1 for d in days if d.year == year)))
    return out


def undo_import(db, venue_id, import_id, *, user, revised_on=None):
    """Take away exactly the visits this import added; returns how many went (0: nothing
    to undo). The import stays listed, marked undone, and the file may be imported again.
    The audit line is written in the same transaction, and with `revised_on` (the venue's
    local date) a revision on each finished year's report it changes."""
    if revised_on is not None:
        revisions.ready(db)
    with writing(db):
        found = db.execute("SELECT undone, filename FROM tally_import WHERE id = ? "
                           "AND venue_id = ?", [import_id, venue_id]).fetchone()
        if found is None or found["undone"]:
            return 0
        before = {}
        if revised_on is not None:
            years = revisions.finished_years(imported_days(db, venue_id, import_id), revised_on)
            before = revisions.totals(db, venue_id, years, revised_on)
        gone = remove_imported_visits(db, venue_id, import_id)
        db.execute("UPDATE tally_import SET undone = 1 WHERE id = ?", [import_id])
        if before:
            revisions.record(db, venue_id, before, "import_undone", revised_on)
        audit.write(db, user, "import undone", f"{found['filename']}: {gone} visits", venue_id,
                    {"file": found["filename"], "visits": gone})
    return gone


# --- the template staff fill in ---------------------------------------------------------------

def template_rows(db, venue_id, month=None):
    """(date, activity name) for every counted activity held in `month` (a date in it), so a
    month of paper counts only needs its numbers typed in; no month: no rows."""
    if month is None:
        return []
    from checkin.week.api import occurrences

    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    rows = []
    for item in occurrences(db, venue_id, first, last):
        if item["activity"]["counted"] and not item["cancelled"]:
            rows.append((item["date"], item["activity"]["name_sv"]))
    return rows


def template(fmt, locale, rows=(), activity_names=()):
    """The file to fill in: the header in `locale` and, if given, one row per day and
    activity with empty counts; xlsx gets a second sheet that says how."""
    _ = translator(locale).gettext
    header = list(HEADERS.get(locale, COLUMNS))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n", delimiter=";" if locale == "sv" else ",")
        writer.writerow(header)
        for day, name in rows:
            writer.writerow([day.isoformat(), inert(name), "", "", "", ""])
        return out.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Counts")
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.quotePrefix = True
    for day, name in rows:
        sheet.append([day, name])
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
        named = sheet.cell(row=sheet.max_row, column=2)
        named.data_type = "s"  # openpyxl would take '=…' for a formula
        named.quotePrefix = True  # and Excel would once the cell is edited
    for letter, width in zip("ABCDEF", (12, 28, 10, 10, 10, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    how = book.create_sheet(_("How to fill it in"))
    how.column_dimensions["A"].width = 90
    lines = [
        _("One row per day and activity. Write how many women, men, other and no answer "
          "you counted; an empty cell is 0."),
        _("The date as YYYY-MM-DD, for example 2025-03-03. The activity as it is named in the "
          "app (Swedish or English name), or empty for no particular activity."),
        _("Keep the first row as it is. Save as Excel (.xlsx) or as CSV (UTF-8), and import "
          "it on the page Import counts kept before."),
        _("The activities you can use:"),
        *activity_names,
    ]
    for n, line in enumerate(lines, start=1):
        cell = how.cell(row=n, column=1, value=line)
        cell.data_type = "s"
        cell.quotePrefix = True
        cell.alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
