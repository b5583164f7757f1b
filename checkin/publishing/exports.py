"""One writer for every export: a figures table as CSV or xlsx bytes. No Flask.

Two kinds of file from the same table: for programs (`csv`, and the CLI's default): the
column names of docs/figures.md, commas; and for people in Excel (`lang` given): headings in
that language, `;` between columns as Excel in Sweden reads a CSV, decimal commas in Swedish,
and in xlsx a second sheet that says what the numbers are and what was hidden.
"""

import csv
import datetime as dt
import io

from babel.dates import format_date
from babel.numbers import format_decimal

from checkin.i18n import translator
from checkin.publishing import cell_key
from checkin.publishing.columns import COUNT_COLUMNS

FORMATS = ("csv", "excel-csv", "xlsx")
# A cell starting with one of these could be taken for a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "excel-csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"csv": "csv", "excel-csv": "csv", "xlsx": "xlsx"}
EXCEL_SEPARATOR = ";"  # Excel with Swedish settings splits a CSV at semicolons, not commas
SHEET_NAME_MAX = 31  # Excel's limit
MARK_COLUMN = "figures"  # the CSV's last column: what the file is (published_mark)


def inert(value):
    """Text that no spreadsheet will run: a formula-looking cell gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def published_mark(locale, day, where=""):
    """What a published file or page is, in one line: the method and its parameters, the
    day the figures were extracted, and how to cite them (docs/figures.md)."""
    _ = translator(locale).gettext
    return " ".join([
        _("Published figures, changed a little by the cell-key method (D=%(d)s, V=%(v)s, "
          "no 1 or 2).") % {"d": cell_key.MAX_DEVIATION,
                            "v": format_decimal(cell_key.VARIANCE, locale=locale)},
        _("Extracted %(day)s.") % {"day": format_date(day, "d MMMM y", locale=locale)},
        _("Cite as: %(where)sfigures from checkin, published version (cell-key table "
          "%(version)s), extracted %(iso)s.") % {
              "where": f"{where}, " if where else "", "version": cell_key.TABLE_VERSION,
              "iso": day.isoformat()},
    ])


def internal_mark(locale, day):
    """What an exact file is: internal, not for publication, and when it was extracted."""
    _ = translator(locale).gettext
    return " ".join([
        _("Internal: exact figures, for use inside the organisation only. Not for "
          "publication."),
        _("Extracted %(day)s.") % {"day": format_date(day, "d MMMM y", locale=locale)},
    ])


def headings(locale):
    """Column name → heading people read, for every column a figures table can have."""
    _ = translator(locale).gettext
    return {
        "period": _("Period"), "venue": _("Venue"), "activity": _("Activity"),
        "visits_women": _("Visits (women)"), "visits_men": _("Visits (men)"),
        "visits_other": _("Visits (other)"), "visits_unstated": _("Visits (no answer)"),
        "visits_total": _("Visits (total)"),
        "persons_women": _("Persons (women)"), "persons_men": _("Persons (men)"),
        "persons_other": _("Persons (other)"), "persons_unstated": _("Persons (no answer)"),
        "persons_total": _("Persons (total)"),
        "visits_unlinked": _("Visits not linked to a phone"),
        "visits_qr": _("Visits by QR code"), "visits_kiosk": _("Visits on the tablet"),
        "visits_tally": _("Visits counted by staff"),
        "note": _("Note"), "first_day": _("First day"), "last_day": _("Last day"),
    }


def _heading_row(columns, lang):
    if lang is None:
        return list(columns)
    names = headings(lang)
    return [names.get(c, c) for c in columns]


def _decimal(value, lang):
    """3.8 → '3,8' in Swedish; whole numbers and text as they are."""
    if isinstance(value, float) and lang == "sv":
        return f"{value:g}".replace(".", ",")
    return value


def to_csv(table, lang=None):
    """UTF-8 with a byte-order mark and a header row, so Excel reads å, ä and ö.

    Without `lang`: machine column names and commas. With it: headings in that language and
    semicolons, which Excel with Swedish settings opens in columns.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n",
                        delimiter="," if lang is None else EXCEL_SEPARATOR)
    # What the file is (published or internal, the date, how to cite) in a last column on
    # every row: a spreadsheet opens the file as before, a program that reads it by column
    # name is not thrown by a first line that is not the header, and an excerpt keeps it.
    mark = getattr(table, "mark", "")
    if lang is not None:  # Excel in English splits at commas: none in the people's file
        mark = mark.replace(",", " –")
    writer.writerow(_heading_row(table.columns, lang) + (
        [MARK_COLUMN if lang is None else translator(lang).gettext("About the figures")]
        if mark else []))
    for row in table.rows:
        writer.writerow([inert(_decimal(row[c], lang)) for c in table.columns]
                        + ([mark] if mark else []))
    return out.getvalue().encode("utf-8-sig")


def _text_cell(cell, value):
    cell.value = value
    cell.data_type = "s"  # openpyxl would take '=…' for a formula
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # stays text even when someone edits the cell


DATE_COLUMNS = ("first_day", "last_day", "period")


def _is_day(value):
    """'2026-11-23' (a day's period, or a first or last day): a date Excel should know."""
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def to_xlsx(table, lang=None, notes=()):
    """An Excel workbook: bold header, sensible widths, counts as numbers, hidden cells and
    every other text as text (never a formula). With `lang`, headings and the sheet's name in
    that language; `notes` (lines of text) go on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    _ = translator(lang or "en").gettext
    book = Workbook()
    sheet = book.active
    sheet.title = (_("Figures") if lang else "figures")[:SHEET_NAME_MAX]
    header = _heading_row(table.columns, lang)
    widths = [len(c) for c in header]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if lang:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(table.rows, start=2):
        for c, column in enumerate(table.columns, start=1):
            value = row[column]
            cell = sheet.cell(row=r, column=c)
            if lang and column == "venue":
                value = getattr(table, "venue_names", {}).get(value, value)  # "Mallis"
            if value == "":
                pass  # an empty cell, not an empty text
            elif column in DATE_COLUMNS and _is_day(value):
                # A real date, so Excel sorts and filters by it ("2026-11-23" was text).
                cell.value = dt.date.fromisoformat(value)
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                _text_cell(cell, value)
            else:
                cell.value = value
            widths[c - 1] = max(widths[c - 1], len(str(value if value is not None else "")))
    for c, width in enumerate(widths, start=1):
        # Headings people read wrap on two lines; the numbers under them stay narrow.
        limit = 16 if lang and table.columns[c - 1] in COUNT_COLUMNS else 60
        sheet.column_dimensions[get_column_letter(c)].width = min(width + 2, limit)
    sheet.freeze_panes = "A2"
    mark = getattr(table, "mark", "")
    if mark and (not notes or notes[0] != mark):
        notes = (mark, *notes)
    if notes:
        about = book.create_sheet((_("About the figures") if lang else "about")[:SHEET_NAME_MAX])
        about.column_dimensions["A"].width = 100
        for n, line in enumerate(notes, start=1):
            cell = about.cell(row=n, column=1)
            _text_cell(cell, line)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if n == 1:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write(table, fmt, *, lang=None, notes=()):
    """The file's bytes. `excel-csv` is the CSV for people: headings in `lang` (Swedish if
    none given) and semicolons."""
    if fmt == "csv":
        return to_csv(table, lang)
    if fmt == "excel-csv":
        return to_csv(table, lang or "sv")
    if fmt == "xlsx":
        return to_xlsx(table, lang, notes)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def hidden_share(table):
    """How many of the table's non-zero counts are hidden (<N or ..), from 0 to 1."""
    cells = [row[c] for row in table.rows for c in COUNT_COLUMNS if c in row]
    shown = [v for v in cells if v not in (0, "", None)]
    hidden = [v for v in shown if isinstance(v, str)]
    return len(hidden) / len(shown) if shown else 0.0


def about_lines(table, *, venue_names, first, last, group, by_activity, locale, method=""):
    """The second sheet: what the file holds, how it was cut, what was hidden and why."""
    _ = translator(locale).gettext
    groups = {"day": _("day"), "week": _("week"), "month": _("month"), "year": _("year")}
    lines = [*([table.mark] if getattr(table, "mark", "") else []),
        _("Visits and persons reached, %(first)s to %(last)s") % {
            "first": first.isoformat(), "last": last.isoformat()},
        _("Venue: %(names)s") % {"names": ", ".join(venue_names)},
        (_("One row per %(group)s and activity.") if by_activity
         else _("One row per %(group)s.")) % {"group": groups.get(group, group)},
        _("Visits: every check-in by QR code or on the tablet, and every person counted by "
          "staff. Persons: phones that chose to be remembered, each counted once per row; "
          "persons do not add up across rows or across New Year. Visits not linked to a "
          "phone count as visits but not as persons, so persons reached is a floor."),
    ]
    if table.published:
        lines.append(_(
            "Small numbers have been changed a little at random, the same way every time, so "
            "that no single visitor can be worked out. Each visit count of one month, activity "
            "and gender, from remembered phones or not, was changed on its own by at most 2, "
            "and none is 1 or 2; every other visit number is the sum of such counts, so totals "
            "add up. Persons are given for whole years only. Nothing is hidden."))
    elif table.min_cell:
        lines.append(_(
            "Small numbers are hidden so that nobody can be recognised: counts from 1 to "
            "%(below)s are written <%(n)s (%(small)s cells here), and %(protecting)s more "
            "cells are written .. so that a hidden count cannot be worked out from a total."
        ) % {"below": table.min_cell - 1, "n": table.min_cell, "small": table.hidden_small,
             "protecting": table.hidden_protecting})
    else:
        lines.append(_("No numbers are hidden: this file is for use inside the organisation "
                       "only."))
    if method:
        lines.append(method)
    return lines
