"""One writer for every export: a figures table as CSV or xlsx bytes. No Flask."""

import csv
import io

FORMATS = ("csv", "xlsx")
# A cell starting with one of these could be taken for a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def inert(value):
    """Text that no spreadsheet will run: a formula-looking cell gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table):
    """UTF-8 with a byte-order mark and a header row, so Excel reads å, ä and ö."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([inert(row[c]) for c in table.columns])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table, sheet_title="figures"):
    """An Excel workbook: bold header, sensible widths, counts as numbers, hidden cells and
    every other text as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    widths = [len(c) for c in table.columns]
    sheet.append(table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(table.rows, start=2):
        for c, column in enumerate(table.columns, start=1):
            value = row[column]
            cell = sheet.cell(row=r, column=c)
            if value == "":
                pass  # an empty cell, not an empty text
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # openpyxl would take '=…' for a formula
                if value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True  # stays text even when someone edits the cell
            else:
                cell.value = value
            widths[c - 1] = max(widths[c - 1], len(str(value if value is not None else "")))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_and_file(db, fmt, first, last, group, **options):
    """With `fmt`, (None, the file); without, (the figures table, None): one call for
    heavy_work.run, which sends back only what the page needs."""
    from checkin.figures.tables import figures

    table = figures(db, first, last, group, **options)
    return (None, write(table, fmt)) if fmt else (table, None)


def write(table, fmt):
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
