"""Counts kept before the app — a CSV or xlsx of date, activity and counts by gender — brought
in as tallies: the whole file is checked first, and the same file is never added twice. No Flask."""

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass

from checkin.db import writing
from checkin.figures.cell_key import stored_record_key
from checkin.i18n import translator
from checkin.row_ids import new_row_ids

COLUMNS = ("date", "activity", "women", "men", "other", "unstated")
GENDER_OF = {"women": "woman", "men": "man", "other": "other", "unstated": "unstated"}
MAX_PER_CELL = 1000  # more than this on one line is surely a typing mistake
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class TallyFileError(ValueError):
    """The file cannot be imported; `problems` lists (line number, message)."""

    def __init__(self, problems):
        super().__init__("; ".join(f"line {n}: {m}" for n, m in problems))
        self.problems = problems


class AlreadyImported(ValueError):
    """This very file (same checksum) was imported before."""

    def __init__(self, earlier):
        super().__init__(f"already imported on {earlier['imported_at']}")
        self.earlier = earlier


@dataclass
class TallyLine:
    line: int
    day: dt.date
    activity_id: int | None
    counts: dict  # gender → how many


def _rows(data, _):
    """(header line number, header, [(line number, cells)]) of a CSV or xlsx file."""
    if data[:4] == b"PK\x03\x04":  # an xlsx is a zip file
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # any broken zip or sheet: one clear message
            raise TallyFileError([(1, _("This is not an Excel file we can read."))]) from error
        rows = [(n, list(cells)) for n, cells in
                enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
        book.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TallyFileError([(1, _("The file is not UTF-8 text. Save it as "
                                        "\"CSV UTF-8\" and try again."))]) from error
        first = text.split("\n", 1)[0]
        # Swedish Excel separates with semicolons.
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [(reader.line_num, cells) for cells in reader]
    rows = [(n, cells) for n, cells in rows
            if any(c is not None and str(c).strip() for c in cells)]
    if not rows:
        raise TallyFileError([(1, _("The file is empty."))])
    (header_line, header), body = rows[0], rows[1:]
    return header_line, [str(c or "").strip().casefold() for c in header], body


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
