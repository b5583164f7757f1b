"""`checkin import-tallies`: counts kept before come in as tallies, or not at all."""

import csv
import io

import openpyxl
import pytest

from checkin.figures import tally_import
from tests.helpers import run, visits

GOOD = (
    "date,activity,women,men,other,unstated\n"
    "2025-03-03,Sygrupp,2,5,0,1\n"
    "2025-03-04,yoga,0,3,,0\n"          # any case; an empty cell is 0
    "2025-03-04,,1,0,0,0\n"             # no activity
    "2025-04-07,Cooking class,1,2,1,0\n"  # the English name works too
)


def export(app, *args):
    result = run(app, "export", "--venue", "mallis", *args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))


def test_a_file_in_gives_the_same_numbers_out(app, db, mallis, victor, tmp_path):
    path = tmp_path / "2025.csv"
    path.write_bytes(GOOD.encode())
    result = run(app, "import-tallies", str(path), "--venue", "mallis")
    assert result.exit_code == 0, result.output
    assert "Imported 4 lines as 16 tallied visits" in result.output
    stored = visits(db)
    assert len(stored) == 16
    assert {(v["source"], v["hour"], v["person_hash"]) for v in stored} == {("tally", None, None)}
    months = export(app, "--from", "2025-03-01", "--to", "2025-04-30", "--group", "month")
    assert [(r["period"], r["visits_women"], r["visits_men"], r["visits_other"],
             r["visits_unstated"], r["visits_total"], r["visits_tally"], r["visits_unlinked"],
             r["persons_total"]) for r in months] == [
        ("2025-03", "3", "8", "0", "1", "12", "12", "12", "0"),
        ("2025-04", "1", "2", "1", "0", "4", "4", "4", "0"),
    ]
    by_activity = export(app, "--from", "2025-03-01", "--to", "2025-03-31", "--group", "month",
                         "--by-activity")
    assert [(r["activity"], r["visits_total"]) for r in by_activity] == [
        ("Sygrupp", "8"), ("Yoga", "3"), ("", "1")]
    row = db.execute("SELECT * FROM tally_import").fetchone()
    assert (row["filename"], row["rows"], row["visits"], row["venue_id"]) == (
        "2025.csv", 4, 16, mallis["id"])
    assert row["sha256"] == tally_import.checksum(GOOD.encode())


def test_semicolons_and_a_byte_order_mark_from_swedish_excel(app, db, mallis, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffDate;Activity;Women;Men;Other;Unstated\r\n"
                     "2025-05-05;Matlagningskurs;1;2;0;0\r\n".encode())
    result = run(app, "import-tallies", str(path))  # the only venue: no --venue needed
    assert result.exit_code == 0, result.output
    assert len(visits(db)) == 3


def test_xlsx_with_numbers_and_dates_as_excel_keeps_them(app, db, mallis, tmp_path):
    import datetime as dt

    book = openpyxl.Workbook()
    book.active.append(["date", "activity", "women", "men", "other", "unstated"])
    book.active.append([dt.datetime(2025, 6, 2), "Yoga", 2.0, 1, None, 0])
    book.active.append(["2025-06-03", None, 0, 0, 1, 0])
    path = tmp_path / "before.xlsx"
    book.save(path)
    result = run(app, "import-tallies", str(path), "--venue", "mallis")
    assert result.exit_code == 0, result.output
    assert sorted((v["date"], v["gender"]) for v in visits(db)) == [
        ("2025-06-02", "man"), ("2025-06-02", "woman"), ("2025-06-02", "woman"),
        ("2025-06-03", "other")]


@pytest.mark.parametrize("bad_line, message", [
    ("2025-03-05,Origami,1,0,0,0", "there is no activity called “Origami” here"),
    ("2025-02-30,Sygrupp,1,0,0,0", "is not a date written YYYY-MM-DD"),
    ("5/3/2025,Sygrupp,1,0,0,0", "is not a date written YYYY-MM-DD"),
    ("2025-03-05,Sygrupp,-1,0,0,0", "women cannot be negative"),
    ("2025-03-05,Sygrupp,1,2.5,0,0", "men must be a whole number"),
    ("2025-03-05,Sygrupp,1,0,två,0", "other must be a whole number"),
    ("2025-03-05,Stadsodling,1,0,0,0", "is open to everyone and not counted"),
    ("2099-03-05,Sygrupp,1,0,0,0", "in the future"),
])
def test_each_bad_line_is_named_and_nothing_is_imported(app, db, mallis, tmp_path, bad_line,
                                                        message):
    path = tmp_path / "bad.csv"
    path.write_bytes((GOOD + bad_line + "\n").encode())
    app.config["DEFAULT_LOCALE"] = "en"
    result = run(app, "import-tallies", str(path), "--venue", "mallis")
    assert result.exit_code != 0
    assert "bad.csv, line 6: " in result.output and message in result.output
    assert "Nothing was imported." in result.output
    assert visits(db) == []
    assert db.execute("SELECT count(*) FROM tally_import").fetchone()[0] == 0


def test_every_problem_is_listed_at_once(db, mallis):
    data = (GOOD + "2025-13-01,Origami,-1,0,0,0\n").encode()
    with pytest.raises(tally_import.TallyFileError) as caught:
        tally_import.check_file(db, mallis["id"], data, locale="en")
    assert [line for line, _ in caught.value.problems] == [6, 6, 6]


def test_a_missing_column_is_named(app, db, mallis, tmp_path):
    path = tmp_path / "short.csv"
    path.write_bytes(b"date,activity,women,men\n2025-03-03,Sygrupp,1,1\n")
    app.config["DEFAULT_LOCALE"] = "en"
    result = run(app, "import-tallies", str(path), "--venue", "mallis")
    assert result.exit_code != 0
    assert "line 1: the header row lacks the column(s) other, unstated" in result.output
    assert visits(db) == []


def test_swedish_messages_for_the_upload_page(db, mallis):
    with pytest.raises(tally_import.TallyFileError) as caught:
        tally_import.check_file(db, mallis["id"], b"date,activity,women,men,other,unstated\n"
                                b"2025-03-03,Origami,1,0,0,0\n", locale="sv")
    assert caught.value.problems == [(2, "det finns ingen aktivitet som heter “Origami” här")]


def test_the_same_file_twice_is_refused_unless_again(app, db, mallis, tmp_path):
    path = tmp_path / "2025.csv"
    path.write_bytes(GOOD.encode())
    assert run(app, "import-tallies", str(path), "--venue", "mallis").exit_code == 0
    copy = tmp_path / "copy of 2025.csv"
    copy.write_bytes(GOOD.encode())
    second = run(app, "import-tallies", str(copy), "--venue", "mallis")
    assert second.exit_code != 0 and "already imported" in second.output
    assert len(visits(db)) == 16
    third = run(app, "import-tallies", str(copy), "--venue", "mallis", "--again")
    assert third.exit_code == 0
    assert len(visits(db)) == 32
    assert db.execute("SELECT count(*) FROM tally_import").fetchone()[0] == 2


def test_several_venues_need_the_venue_named(app, db, mallis, victor, tmp_path):
    path = tmp_path / "2025.csv"
    path.write_bytes(GOOD.encode())
    result = run(app, "import-tallies", str(path))
    assert result.exit_code != 0 and "--venue" in result.output
    unknown = run(app, "import-tallies", str(path), "--venue", "nowhere")
    assert unknown.exit_code != 0 and "no venue called 'nowhere'" in unknown.output
    assert visits(db) == []


def test_the_command_speaks_english_unless_asked_for_swedish(app, db, mallis, tmp_path):
    """The CLI is English; the installation's Swedish DEFAULT_LOCALE is for its pages."""
    path = tmp_path / "bad.csv"
    path.write_bytes((GOOD + "2025-03-05,Sygrupp,-1,0,0,0\n").encode())
    assert app.config["DEFAULT_LOCALE"] == "sv"
    english = run(app, "import-tallies", str(path), "--venue", "mallis")
    assert "women cannot be negative" in english.output
    swedish = run(app, "import-tallies", str(path), "--venue", "mallis", "--lang", "sv")
    assert "women cannot be negative" not in swedish.output
    assert "kvinnor" in swedish.output.lower()
    assert visits(db) == []


def test_two_imports_of_one_file_prepared_at_once_store_once(db, mallis):
    """The server prepares an import in its worker and stores it in its own thread: two staff
    sending the same file at once both get a plan, and the store, which asks again inside its
    transaction, adds the visits once and refuses the second."""
    data = b"date,activity,women,men,other,unstated\n2026-11-02,,2,1,0,0\n"
    plans = [tally_import.prepare_import(db, mallis["id"], data, "paper.csv") for _ in "ab"]
    assert tally_import.store_import(db, mallis["id"], plans[0])["visits"] == 3
    with pytest.raises(tally_import.AlreadyImported):
        tally_import.store_import(db, mallis["id"], plans[1])
    assert len(visits(db)) == 3
    assert db.execute("SELECT count(*) FROM tally_import").fetchone()[0] == 1
