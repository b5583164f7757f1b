"""Counts files that hold, or claim to hold, far more than counts: refused quickly, in little
memory, before anything is written."""

import json
import subprocess
import sys

import pytest

from checkin.figures import tally_import
from tests.helpers import csrf_token, text, visits
from tests.hostile_files import HEADER, declared_huge, far_cell, unzips_big, xlsx

MEASURE = r"""
import json, os, re, sys, tempfile, time
from checkin.db import connect, migrate
from checkin.figures import tally_import
db = connect(os.path.join(tempfile.mkdtemp(), "x.db")); migrate(db)
data = sys.stdin.buffer.read()
started = time.monotonic()
try:
    tally_import.check_file(db, 1, data, locale="en")
    problems = []
except tally_import.TallyFileError as error:
    problems = error.problems
# VmHWM: this process's peak memory (ru_maxrss would count the parent's from before exec).
peak = int(re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read())[1])
print(json.dumps({"problems": problems, "seconds": time.monotonic() - started,
                  "max_rss_mb": peak / 1024}))
"""


def measured(data):
    """check_file on `data` in a fresh process: its problems, time and peak memory."""
    done = subprocess.run([sys.executable, "-c", MEASURE], input=data, capture_output=True,
                          check=True, timeout=120)
    return json.loads(done.stdout)


def refused(db, venue, data):
    with pytest.raises(tally_import.TallyFileError) as caught:
        tally_import.import_file(db, venue["id"], data, "x", locale="en")
    assert visits(db) == []
    assert db.execute("SELECT count(*) FROM tally_import").fetchone()[0] == 0
    return " ".join(message for _line, message in caught.value.problems)


def test_a_sheet_that_declares_a1_to_xfd1048576_stays_under_100_mb():
    data = declared_huge()
    assert len(data) < 8 * 1024
    result = measured(data)
    assert result["max_rss_mb"] < 100, result
    assert "more than 5000 lines" in result["problems"][0][1]


def test_a_declared_size_alone_is_not_believed(db, mallis):
    data = xlsx([HEADER, ["2025-03-03", "Sygrupp", 1, 2, 0, 0]], declared="A1:XFD1048576")
    lines = tally_import.check_file(db, mallis["id"], data, locale="en")
    assert [(line.line, line.counts["man"]) for line in lines] == [(2, 2)]


def test_a_cell_far_to_the_right_is_refused_by_its_column(db, mallis):
    assert "something in column XFD" in refused(db, mallis, far_cell("XFD"))
    assert "only the columns A to F" in refused(db, mallis, far_cell("G"))


def test_a_value_right_of_the_template_in_a_csv_is_refused(db, mallis):
    data = b"date,activity,women,men,other,unstated\n2025-03-03,Sygrupp,1,0,0,0,,7\n"
    assert "something in column H" in refused(db, mallis, data)


def test_an_xlsx_that_unpacks_to_many_megabytes_is_refused(db, mallis):
    data = unzips_big(20)
    assert len(data) < 256 * 1024
    assert "far more than a table of counts" in refused(db, mallis, data)


def test_more_lines_than_a_few_thousand_are_refused_before_they_are_checked(db, mallis):
    data = ("date,activity,women,men,other,unstated\n"
            + "2025-13-45,Origami,x,x,x,x\n" * 120_000).encode()
    assert len(data) < 4 * 1024 * 1024
    assert refused(db, mallis, data) == ("the file has more than 5000 lines. Split it into "
                                         "smaller files, for example one per year.")


def test_tally_amplification_is_refused_and_nothing_is_stored(db, mallis):
    # Before: these 3.3 KB became 400,000 visits.
    data = ("date,activity,women,men,other,unstated\n"
            + "2025-03-03,,1000,1000,1000,1000\n" * 100).encode()
    assert "women is more than 500: check the number" in refused(db, mallis, data)


def test_a_file_may_add_up_to_20000_visits_at_most(db, mallis):
    many = ("date,activity,women,men,other,unstated\n"
            + "2025-03-03,,500,500,500,500\n" * 11).encode()
    assert "adds up to 22000 visits, more than the 20000" in refused(db, mallis, many)
    enough = ("date,activity,women,men,other,unstated\n"
              + "2025-03-03,,500,500,500,500\n" * 10).encode()
    assert tally_import.import_file(db, mallis["id"], enough, "x")["visits"] == 20_000


def test_the_import_page_lists_the_first_50_problems_and_says_how_many(db, staff, mallis):
    import io

    data = ("date,activity,women,men,other,unstated\n"
            + "2025-03-03,Origami,1,0,0,0\n" * 70).encode()
    staff.get("/lang/en")
    page = staff.get("/staff/mallis/import")
    response = staff.post("/staff/mallis/import", data={
        "csrf_token": csrf_token(text(page)), "file": (io.BytesIO(data), "many.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    body = text(response)
    assert body.count("there is no activity called") == 50
    assert "Line 51:" in body and "Line 52:" not in body
    assert "70 problems in all" in body
    assert visits(db) == []
