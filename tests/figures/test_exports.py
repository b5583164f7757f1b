"""`checkin export`: the same figures as CSV or xlsx, inert text, bad input refused."""

import csv
import io

import openpyxl
import pytest

from checkin.publishing.columns import COLUMNS
from tests.helpers import WORKED, insert, run


@pytest.fixture
def worked(db, mallis):
    insert(db, mallis, WORKED)
    return mallis


def read_csv(data):
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_to_standard_output_reads_back_with_the_numbers(app, worked):
    result = run(app, "export", "--from", "2025-12-01", "--to", "2026-02-28", "--group", "year",
                 "--venue", "mallis", "--min-cell", "3")
    assert result.exit_code == 0, result.output
    rows = read_csv(result.stdout_bytes)
    # The last column says what the file is: internal, and when it was extracted.
    assert rows[0] == [*COLUMNS, "figures"]
    assert {r[-1] for r in rows[1:]} == {
        "Internt: exakta siffror, bara för bruk inom organisationen. Får inte publiceras. "
        "Uttagna 23 november 2026."}
    assert [r[:13] for r in rows[1:]] == [
        ["2025", "mallis", "", "<3", "<3", "0", "<3", "4", "<3", "<3", "0", "0", "<3"],
        ["2026", "mallis", "", "<3", "3", "<3", "<3", "7", "<3", "<3", "<3", "0", "3"],
    ]


def test_xlsx_has_a_bold_header_numbers_as_numbers_and_hidden_cells_as_text(app, worked,
                                                                           tmp_path):
    out = tmp_path / "year.xlsx"
    result = run(app, "export", "--from", "2025-12-01", "--to", "2026-02-28", "--group", "week",
                 "--venue", "mallis", "--format", "xlsx", "--min-cell", "3", "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header == COLUMNS and all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["A"].width >= len("2026-W01")
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    # 2026-W02: visits 1/2/1/0/4 → <3/<3/<3/0/4, persons 0/0/1/0/1 → 0/0/<3/0/<3
    assert rows["2026-W02"][3:13] == ("<3", "<3", "<3", 0, 4, 0, 0, "<3", 0, "<3")
    # Persons across New Year are empty cells, visits numbers.
    assert rows["2026-W01"][7] == 6 and rows["2026-W01"][8:13] == (None,) * 5
    assert rows["2025-W49"][3:8] == (0, 0, 0, 0, 0)


def test_lang_sv_gives_the_file_for_excel_in_sweden(app, worked, tmp_path):
    result = run(app, "export", "--from", "2025-12-01", "--to", "2026-02-28", "--group", "year",
                 "--venue", "mallis", "--min-cell", "3", "--lang", "sv")
    assert result.exit_code == 0, result.output
    lines = result.stdout_bytes.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Period;Verksamhet;Aktivitet;Besök kvinnor;Besök män;")
    assert lines[1].startswith("2025;mallis;;<3;<3;0;<3;4;")
    out = tmp_path / "year.xlsx"
    result = run(app, "export", "--from", "2025-12-01", "--to", "2026-02-28", "--group", "year",
                 "--venue", "mallis", "--format", "xlsx", "--lang", "sv", "-o", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Siffror", "Om siffrorna"]
    assert book["Om siffrorna"]["B1"].value is None
    assert "Inga tal är dolda" in " ".join(r[0] for r in book["Om siffrorna"].values)


FORMULAS = ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.fixture
def formula_names(db, mallis):
    with db.conn:
        for name in FORMULAS:
            cur = db.conn.execute("INSERT INTO activity (venue_id, name_sv) VALUES (?, ?)",
                                  [mallis["id"], name])
            db.conn.execute(
                "INSERT INTO visit (venue_id, activity_id, date, hour, gender, source) "
                "VALUES (?, ?, '2026-03-02', 10, 'woman', 'kiosk')", [mallis["id"], cur.lastrowid])
    return mallis


def test_formula_looking_activity_names_come_out_inert_in_csv(app, formula_names):
    result = run(app, "export", "--from", "2026-03-01", "--to", "2026-03-31", "--group",
                 "month", "--by-activity", "--venue", "mallis")
    assert result.exit_code == 0, result.output
    names = [r[2] for r in read_csv(result.stdout_bytes)[1:]]
    assert sorted(names) == sorted("'" + n for n in FORMULAS)
    assert not any(n[0] in "=+-@\t\r" for n in names)


def test_formula_looking_activity_names_are_text_in_xlsx(app, formula_names, tmp_path):
    out = tmp_path / "f.xlsx"
    result = run(app, "export", "--from", "2026-03-01", "--to", "2026-03-31", "--group",
                 "month", "--by-activity", "--venue", "mallis", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    # (XML reads a lone carriage return back as a line feed.)
    assert sorted(c.value for c in cells) == sorted(n.replace("\r", "\n") for n in FORMULAS)
    assert all(c.data_type == "s" for c in cells)
    import zipfile

    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # not one formula in the sheet


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-02-01", "--to", "2026-01-01", "--group", "month"], "reversed"),
    (["--from", "2026-01-01", "--to", "2026-02-01", "--group", "month", "--venue", "nowhere"],
     "no venue called 'nowhere'"),
    (["--from", "2026-01-32", "--to", "2026-02-01", "--group", "month"], "not a date"),
    (["--from", "1/1/2026", "--to", "2026-02-01", "--group", "month"], "not a date"),
    (["--from", "2026-01-01", "--to", "2026-02-01", "--group", "quarter"], "quarter"),
    (["--from", "2026-01-01", "--to", "2026-02-01", "--group", "month", "--min-cell", "1"],
     "2 or more"),
    (["--from", "2026-01-01", "--to", "2026-02-01", "--group", "month", "--format", "xlsx"],
     "xlsx needs a file"),
])
def test_bad_input_is_refused_and_nothing_is_written(app, worked, tmp_path, args, message):
    out = tmp_path / "out.file"
    with_output = args if "xlsx" in args else [*args, "-o", str(out)]
    result = run(app, "export", *with_output)
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()
    assert list(tmp_path.glob("out*")) == []


def test_the_xlsx_for_people_has_real_dates_and_the_venues_name(app, worked, tmp_path):
    """Issue 25 item 8: xlsx dates were text (Excel could not filter by date) and
    "Verksamhet" held `mallis` instead of "Mallis"."""
    import datetime as dt

    import openpyxl

    out = tmp_path / "figures.xlsx"
    result = run(app, "export", "--from", "2025-12-01", "--to", "2025-12-31", "--group", "day",
                 "--format", "xlsx", "--lang", "sv", "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=False)}
    assert row["Verksamhet"].value == "Mallis"
    assert isinstance(row["Första dagen"].value, dt.datetime)
    assert row["Första dagen"].number_format == "yyyy-mm-dd"
    assert isinstance(row["Period"].value, dt.datetime)  # a day's period is a date too
    programs = tmp_path / "figures-programs.xlsx"
    run(app, "export", "--from", "2025-12-01", "--to", "2025-12-31", "--group", "month",
        "--format", "xlsx", "-o", str(programs))
    plain = openpyxl.load_workbook(programs).worksheets[0]
    assert plain["B2"].value == "mallis"  # the file for programs keeps the short name
