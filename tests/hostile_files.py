"""Files an attacker (or an unlucky spreadsheet) could upload, made small on purpose."""

import io
import re
import zipfile

import openpyxl

HEADER = ["date", "activity", "women", "men", "other", "unstated"]


def xlsx(rows, declared=None, extra_sheet_xml=""):
    """An xlsx of `rows`; `declared` rewrites the size the sheet claims (e.g. A1:XFD1048576),
    `extra_sheet_xml` adds raw <row> elements at the end of the sheet's data."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                if declared:
                    text = re.sub(r'<dimension ref="[^"]*" ?/>',
                                  f'<dimension ref="{declared}"/>', text)
                text = text.replace("</sheetData>", extra_sheet_xml + "</sheetData>")
                data = text.encode()
            z.writestr(item, data)
    return out.getvalue()


def declared_huge(last_row=1048576):
    """About 5 KB: one real line, an empty row at the very bottom, and a sheet that says it
    spans A1:XFD1048576 — a reader that believes it makes a million rows of 16,384 cells."""
    return xlsx([HEADER, ["2025-03-03", "Sygrupp", 1, 0, 0, 0]],
                declared=f"A1:XFD{last_row}", extra_sheet_xml=f'<row r="{last_row}"/>')


def far_cell(column="XFD"):
    """A good file with one more cell, far to the right on the second line."""
    return xlsx([HEADER, ["2025-03-03", "Sygrupp", 1, 0, 0, 0]],
                extra_sheet_xml=f'<row r="3"><c r="{column}3" t="n"><v>1</v></c></row>')


def unzips_big(megabytes=20):
    """A few KB that unpack to `megabytes` MB of one repeated string."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>a</t></si>" * (
            megabytes * 1024 * 1024 // 16) + "</sst>")
    return out.getvalue()
