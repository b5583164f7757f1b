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

from checkin.db import writing
from checkin.figures.cell_key import stored_record_key
from checkin.i18n import translator
from checkin.row_ids import new_row_ids

COLUMNS = ("date", "activity", "women", "men", "other", "unstated")
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
    return header_line, [str(c or "").strip().casefold() for c in header], body


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
            "column": column, "value": repr(value)}
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
            "value": repr(value if value is not None else "")}
    if value.year < 2000 or (today and value > today):
        return None, _("the date %(value)s is in the future or too long ago") % {
            "value": value.isoformat()}
    return value, None


def check_file(db, venue_id, data, *, today=None, locale="sv"):
    """Every line of the file as a TallyLine, or TallyFileError listing every problem."""
    _ = translator(locale).gettext
    header_line, header, body = _rows(data, _)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise TallyFileError([(header_line, _("the header row lacks the column(s) %(names)s "
                                              "(it needs %(all)s)") % {
            "names": ", ".join(missing), "all": ",".join(COLUMNS)})])
    where = {c: header.index(c) for c in COLUMNS}
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
                    "name": repr(name)}))
            elif not found["counted"]:
                problems.append((n, _("%(name)s is open to everyone and not counted") % {
                    "name": repr(name)}))
            else:
                activity_id = found["id"]
        counts = {}
        for column, gender in GENDER_OF.items():
            value, problem = _count(cell(column), column, _)
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


def earlier_import(db, data):
    row = db.execute("SELECT * FROM tally_import WHERE sha256 = ? ORDER BY id LIMIT 1",
                     [checksum(data)]).fetchone()
    return dict(row) if row else None


def import_file(db, venue_id, data, filename, *, again=False, today=None, locale="sv",
                now=None):
    """Check the whole file, then add its counts as tally visits in one transaction.

    Returns a summary dict; raises TallyFileError (nothing added) or AlreadyImported.
    """
    lines = check_file(db, venue_id, data, today=today, locale=locale)
    visits = [
        (venue_id, line.activity_id, line.day.isoformat(), gender, stored_record_key())
        for line in lines for gender, n in line.counts.items() for _ in range(n)
    ]
    stamp = (now or dt.datetime.now()).replace(microsecond=0).isoformat(sep=" ")
    with writing(db):
        earlier = earlier_import(db, data)
        if earlier and not again:
            raise AlreadyImported(earlier)
        db.conn.executemany(
            "INSERT INTO visit (id, venue_id, activity_id, date, hour, gender, source, "
            "person_hash, record_key) VALUES (?, ?, ?, ?, NULL, ?, 'tally', NULL, ?)",
            [(visit_id, *visit) for visit_id, visit
             in zip(new_row_ids(db, "visit", len(visits)), visits, strict=True)])
        db.execute(
            "INSERT INTO tally_import (venue_id, sha256, filename, rows, visits, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [venue_id, checksum(data), filename, len(lines), len(visits), stamp])
    days = [line.day for line in lines]
    return {"lines": len(lines), "visits": len(visits),
            "first": min(days) if days else None, "last": max(days) if days else None}
