"""Deletion that deletes: after the yearly close and a purge, the bytes are gone from the
database file and its -wal, even while a server keeps its connection open; backups made
before the close are named (issue 13, item 3)."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from checkin import backup, yearclose
from checkin.db import connect
from checkin.feedback import ideas, retention, surveys
from checkin.feedback import smileys as feedback
from checkin.visits import phones, recording
from checkin.yearclose import close_year, daily, describe
from tests.helpers import SOMEONE, run

D = dt.date.fromisoformat
AFTER_GRACE = D("2026-03-01")
TEXT = "Jag heter Anna och mår dåligt"


@pytest.fixture(autouse=True)
def nothing_owed():
    """A scrub owed is kept in the process's memory: each test starts with none."""
    from checkin import db as database

    database._owed.clear()
    database._owed_vacuum.clear()


@pytest.fixture
def year_2025(db, mallis, victor):
    """Remembered phones at two venues in 2025 and 2026, a 2025 survey and idea they answered
    and voted on. Returns (the 2025 secret, every 2025 hash, the 2026 hashes)."""
    keys = [phones.new_device_key() for _ in range(8)]
    hashes = {2025: set(), 2026: set()}
    for year in (2025, 2026):
        for n, key in enumerate(keys):
            venue = (mallis, victor)[n % 2]
            stand_in = phones.person_hash(db, venue["id"], key, year)
            for day in (dt.date(year, 3, 2 + n), dt.date(year, 10, 6 + n)):
                recording.record_visit(db, venue_id=venue["id"], day=day, hour=10 + n,
                                       source="qr", gender="woman", person_hash=stand_in)
            hashes[year].add(stand_in)
    survey_id = surveys.create_survey(
        db, venue_id=mallis["id"], title_sv="Enkät", opens=D("2025-10-01"),
        closes=D("2025-12-31"), questions=[{"text_sv": "Mer stöd?", "kind": "choice"}], user=None)
    survey = surveys.get_survey(db, survey_id)
    idea_id = ideas.suggest(db, venue_id=mallis["id"], day=D("2025-05-01"), text="Bingo")
    ideas.moderate(db, idea_id, publish=True, user=SOMEONE)
    for key in keys[:4]:
        surveys.record_response(db, survey, D("2025-10-02"),
                                {survey["questions"][0]["id"]: "yes"}, key)
        hashes[2025].add(surveys.respondent_hash(db, survey, key))
        assert ideas.vote(db, idea_id, key)
        hashes[2025].add(ideas.voter_hash(db, ideas.get_idea(db, idea_id), key))
    return phones.year_secret(db, 2025), hashes[2025], hashes[2026]


def file_bytes(app):
    """The database file, its -wal and -shm as an attacker with the disk reads them."""
    path = Path(app.config["DATABASE"])
    return {suffix: (Path(f"{path}{suffix}").read_bytes()
                     if Path(f"{path}{suffix}").exists() else b"")
            for suffix in ("", "-wal", "-shm")}


def found(files, secret, hashes):
    return {suffix: (data.count(secret.encode()), sum(h.encode() in data for h in hashes))
            for suffix, data in files.items()}


def a_running_server(app):
    """The connection a server thread keeps between requests: opened, used, left open."""
    server = connect(app.config["DATABASE"])
    server.execute("SELECT count(*) FROM visit").fetchall()
    return server


def test_every_connection_overwrites_what_it_deletes(db):
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_closing_a_year_leaves_neither_its_secret_nor_a_hash_in_the_file_or_wal(
        app, db, year_2025):
    secret, hashes_2025, hashes_2026 = year_2025
    server = a_running_server(app)
    done = close_year(db, 2025, AFTER_GRACE)
    assert done["scrubbed"] and done["visits"] == 16
    files = file_bytes(app)
    assert found(files, secret, hashes_2025) == {"": (0, 0), "-wal": (0, 0), "-shm": (0, 0)}
    # The search does see what is still there: every 2026 hash is in the file.
    assert all(h.encode() in files[""] for h in hashes_2026)
    # The server goes on working on the same file.
    assert server.execute("SELECT count(*) FROM visit").fetchone()[0] == 32
    server.conn.close()


def test_before_the_fix_the_close_left_the_secret_and_hashes_behind(
        app, db, year_2025, monkeypatch):
    """The attack as issue 13 found it: no secure_delete, no checkpoint, no VACUUM."""
    secret, hashes_2025, _ = year_2025
    db.execute("PRAGMA secure_delete=OFF")
    monkeypatch.setattr(yearclose, "scrub", lambda db, vacuum=False, wait_ms=None: True)
    server = a_running_server(app)
    done = close_year(db, 2025, AFTER_GRACE, verify_seconds=0)
    # The close reads the bytes it removed back from the files: it does not call this done.
    assert done["scrubbed"] is False and done["left_in"] == ["checkin.db-wal"]
    counts = found(file_bytes(app), secret, hashes_2025)
    assert counts["-wal"][0] >= 1 and counts["-wal"][1] == len(hashes_2025)
    server.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # later, a checkpoint: freed pages
    counts = found(file_bytes(app), secret, hashes_2025)
    assert counts[""][0] >= 1 and counts[""][1] > 0
    server.conn.close()


def test_a_read_held_open_past_the_timeout_is_reported_and_the_next_scrub_finishes(
        app, db, year_2025):
    secret, hashes_2025, _ = year_2025
    server = a_running_server(app)
    server.conn.execute("BEGIN")
    server.execute("SELECT count(*) FROM visit").fetchall()  # a long report, mid-read
    db.execute("PRAGMA busy_timeout=100")
    result = daily(db, AFTER_GRACE, {"CLOSE_AFTER_MONTHS": 2, "CLOSE_VERIFY_SECONDS": 0})
    assert result["closed"][0]["scrubbed"] is False
    assert ("NOT DONE: 2025's secret or hashes are still in the raw bytes of checkin.db, "
            "checkin.db-wal: another connection holds a read") in describe(result)
    assert found(file_bytes(app), secret, hashes_2025)[""][0] == 1  # what it says is so
    server.conn.rollback()
    assert retention.purge(db, AFTER_GRACE, 12)["scrubbed"]  # the next daily run
    assert found(file_bytes(app), secret, hashes_2025)["-wal"] == (0, 0)
    server.conn.close()


def test_a_purged_text_is_gone_from_the_file_and_wal(app, db, mallis):
    rating = feedback.record_rating(db, venue_id=mallis["id"], day=D("2025-06-01"), rating=2)
    assert feedback.add_text(db, rating, TEXT)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the text is in the main file too now
    feedback.add_text(db, feedback.record_rating(db, venue_id=mallis["id"],
                                                 day=D("2025-06-02"), rating=4), "Bra")
    server = a_running_server(app)
    result = retention.purge(db, D("2026-11-23"), 12)
    assert result["texts"] == 2 and result["scrubbed"]
    files = file_bytes(app)
    assert all(TEXT.encode() not in data and b"Anna" not in data
               for data in files.values())
    server.conn.close()


# --- backups ---------------------------------------------------------------------------------

def test_backups_are_named_by_the_day_they_were_made(app, db, mallis):
    result = run(app, "backup")  # no folder given: BACKUP_DIR, by default instance/backups
    assert result.exit_code == 0, result.output
    folder = Path(app.config["BACKUP_DIR"])
    assert folder == Path(app.config["DATABASE"]).parent / "backups"
    (made,) = folder.iterdir()
    assert re.fullmatch(r"checkin-\d{4}-\d\d-\d\d-\d{4}\.db", made.name)
    assert f"{dt.date.today():%Y-%m-%d}" in made.name and str(made) in result.output
    assert os.stat(folder).st_mode & 0o077 == 0  # the copies are the operator's only


def test_the_close_names_the_backups_that_still_hold_the_year(app, db, year_2025):
    secret, _, _ = year_2025
    assert run(app, "backup").exit_code == 0
    folder = Path(app.config["BACKUP_DIR"])
    (made,) = folder.iterdir()
    old = made.rename(folder / "checkin-2026-02-27-0330.db")  # last night's copy
    (folder / "checkin-2026-02-26-0330.db").write_bytes(b"not a database")  # cannot tell
    (folder / "notes.txt").write_text("not a backup")

    result = run(app, "close-year", "2025")  # FROZEN_NOW is 2026-11-23: past the grace
    assert result.exit_code == 0, result.output
    assert "Closed 2025" in result.output
    assert ("Backups that still hold 2025's secret and hashes: checkin-2026-02-26-0330.db, "
            f"checkin-2026-02-27-0330.db in {folder}; delete them; delete every copy kept "
            "elsewhere of a backup made before 2026-11-23") in result.output
    assert secret.encode() in old.read_bytes()  # what the message is about

    assert run(app, "backup").exit_code == 0  # a copy made after the close is clean
    newest = max(folder.glob("checkin-*.db"), key=lambda p: p.stat().st_mtime)
    assert secret.encode() not in newest.read_bytes()
    assert [p.name for p in backup.holding_year(folder, 2025)] == [
        "checkin-2026-02-26-0330.db", "checkin-2026-02-27-0330.db"]
    assert backup.holding_year(folder, 2026) != []  # 2026 is open: every copy holds it


def test_a_close_without_backups_still_says_what_to_do_with_copies_elsewhere(
        app, db, year_2025):
    result = daily(db, AFTER_GRACE, {"CLOSE_AFTER_MONTHS": 2,
                                     "BACKUP_DIR": app.config["BACKUP_DIR"]})
    line = describe(result)
    assert "closed years: 2025" in line
    assert (f"no backup in {app.config['BACKUP_DIR']} holds 2025; delete every copy kept "
            "elsewhere of a backup made before 2026-03-01") in line


# --- what staff delete (issue 28, item 1) ----------------------------------------------------

NAMED = "Jag heter Anna Svensson och bor på Malmskillnadsgatan"


def _a_text_staff_delete_with_a_read_held(app, db, staff, mallis):
    """A visitor's text is in the file; staff delete it from the texts page while another
    connection (a long report) holds a read, which ends after the deletion. Returns the
    files as an attacker with the disk reads them after the server's next upkeep minute."""
    from checkin import db as database
    from tests.helpers import post_form

    rating = feedback.record_rating(db, venue_id=mallis["id"], day=D("2026-11-20"), rating=2)
    assert feedback.add_text(db, rating, NAMED)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as any checkpoint of the server does
    assert NAMED.encode() in file_bytes(app)[""]
    reader = a_running_server(app)
    reader.conn.execute("BEGIN")
    reader.execute("SELECT count(*) FROM feedback").fetchall()  # a long report, mid-read
    url = f"/staff/mallis/feedback/texts/{rating}/delete"
    response = post_form(staff, url, {}, page_url=url)
    assert response.status_code == 302
    assert db.execute("SELECT text FROM feedback WHERE id = ?", [rating]).fetchone()[0] is None
    reader.conn.rollback()  # the report is done
    database.pay_owed_scrub(db)  # what the upkeep thread does every minute
    files = file_bytes(app)
    reader.conn.close()
    return files


def test_a_text_staff_delete_leaves_no_byte_in_the_file_wal_or_shm(app, db, staff, mallis):
    files = _a_text_staff_delete_with_a_read_held(app, db, staff, mallis)
    assert {suffix: data.count(b"Svensson") for suffix, data in files.items()} == {
        "": 0, "-wal": 0, "-shm": 0}


def test_before_the_fix_a_deleted_text_stayed_in_the_file(app, db, staff, mallis, monkeypatch):
    monkeypatch.setattr(feedback, "scrub_deletion", lambda db: True)
    files = _a_text_staff_delete_with_a_read_held(app, db, staff, mallis)
    assert files[""].count(NAMED.encode()) == 1


def test_a_deleted_text_is_scrubbed_at_once_when_no_read_is_held(app, db, mallis):
    from checkin.db import scrub_owed

    server = a_running_server(app)  # the server's connection is open, between requests
    rating = feedback.record_rating(db, venue_id=mallis["id"], day=D("2026-11-20"), rating=2)
    assert feedback.add_text(db, rating, NAMED)
    assert feedback.delete_text(db, rating, user=SOMEONE)
    assert not scrub_owed()
    assert all(b"Svensson" not in data for data in file_bytes(app).values())
    server.conn.close()


def _delete_a_question_and_a_survey(app, db, mallis):
    """Staff delete a question, then the whole survey, while the server's connection is
    open; returns the files after each, as an attacker with the disk reads them."""
    survey_id = surveys.create_survey(
        db, venue_id=mallis["id"], title_sv="Frågor till Olle Wikbladh", opens=D("2026-12-01"),
        closes=D("2026-12-31"), questions=[{"text_sv": "Mer stöd?", "kind": "choice"},
                                           {"text_sv": "Känner du Eva Qvarnström?",
                                            "kind": "choice"}], user=SOMEONE)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as any checkpoint of the server does
    assert b"Qvarnstr" in file_bytes(app)[""] and b"Wikbladh" in file_bytes(app)[""]
    second = surveys.get_survey(db, survey_id)["questions"][1]["id"]
    assert surveys.delete_question(db, survey_id, second, user=SOMEONE)
    after_question = file_bytes(app)
    assert surveys.delete_survey(db, survey_id, user=SOMEONE)
    return after_question, file_bytes(app)


def test_a_question_or_survey_staff_delete_leaves_no_byte_in_the_file_wal_or_shm(
        app, db, mallis):
    """operations.md: "every deletion by staff (a feedback text, a survey or one of its
    questions)" is gone from checkin.db, -wal and -shm."""
    server = a_running_server(app)
    after_question, after_survey = _delete_a_question_and_a_survey(app, db, mallis)
    assert {suffix: data.count(b"Qvarnstr") for suffix, data in after_question.items()} == {
        "": 0, "-wal": 0, "-shm": 0}
    assert {suffix: data.count(b"Wikbladh") for suffix, data in after_survey.items()} == {
        "": 0, "-wal": 0, "-shm": 0}
    server.conn.close()


def test_without_the_scrub_a_deleted_survey_stayed_in_the_file(app, db, mallis, monkeypatch):
    monkeypatch.setattr(surveys, "scrub_deletion", lambda db: True)
    server = a_running_server(app)
    after_question, after_survey = _delete_a_question_and_a_survey(app, db, mallis)
    assert after_question[""].count(b"Qvarnstr") == 1
    assert after_survey[""].count(b"Wikbladh") == 1
    server.conn.close()


# --- a close that checks itself (issue 24, item 4) -------------------------------------------

def test_the_close_reports_success_only_once_no_byte_of_the_year_is_left(
        app, db, year_2025, monkeypatch):
    """A report holds a read through the close and ends 5 s later: the close keeps scrubbing
    and reading the raw bytes, and says done only after the read ended, with 0 bytes left."""
    import threading

    secret, hashes_2025, _ = year_2025
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the year is in checkin.db, as on a server
    reader = a_running_server(app)
    reader.conn.execute("BEGIN")
    reader.execute("SELECT count(*) FROM visit").fetchall()
    ended = threading.Event()

    def end_the_read():
        reader.conn.rollback()
        ended.set()

    checks = []
    real_left_in = yearclose.left_in

    def left_in(paths, removed):
        left = real_left_in(paths, removed)
        checks.append((ended.is_set(), left))
        return left

    monkeypatch.setattr(yearclose, "left_in", left_in)
    threading.Timer(5.0, end_the_read).start()
    done = close_year(db, 2025, AFTER_GRACE, verify_seconds=30)
    assert ended.is_set() and done["scrubbed"] and done["left_in"] == []
    # While the read was held, every check found the year in the file, and was not done.
    held = [left for was_ended, left in checks if not was_ended]
    assert held and all(left for left in held)
    assert found(file_bytes(app), secret, hashes_2025) == {
        "": (0, 0), "-wal": (0, 0), "-shm": (0, 0)}
    reader.conn.close()


def test_a_read_held_past_the_wait_is_not_called_done_and_goes_when_the_read_ends(
        app, db, year_2025):
    from checkin import upkeep

    secret, hashes_2025, _ = year_2025
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the year is in checkin.db, as on a server
    reader = a_running_server(app)
    reader.conn.execute("BEGIN")
    reader.execute("SELECT count(*) FROM visit").fetchall()
    app.config["CLOSE_VERIFY_SECONDS"] = 0
    result = run(app, "close-year", "2025")
    assert result.exit_code == 1  # never a success while a byte is left
    assert "the 2025 secret is deleted from the database (NOT yet from the file" in result.output
    assert ("NOT DONE: 2025's secret or hashes are still in the raw bytes of checkin.db: "
            in result.output)
    counts = found(file_bytes(app), secret, hashes_2025)
    assert counts[""][0] == 1 and counts[""][1] == len(hashes_2025)  # what it says is so
    reader.conn.rollback()  # the report ends
    hour = upkeep.hour_of(1_800_000_000)
    assert upkeep.tick(db, hour, 1_800_000_000) == (hour, True)  # the server's next minute
    assert found(file_bytes(app), secret, hashes_2025) == {
        "": (0, 0), "-wal": (0, 0), "-shm": (0, 0)}
    reader.conn.close()


def test_a_text_deleted_on_the_staff_page_is_scrubbed_within_the_request(
        app, db, staff, mallis):
    from checkin.db import scrub_owed
    from tests.helpers import post_form

    server = a_running_server(app)  # another connection open, between requests
    rating = feedback.record_rating(db, venue_id=mallis["id"], day=D("2026-11-20"), rating=2)
    assert feedback.add_text(db, rating, NAMED)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    url = f"/staff/mallis/feedback/texts/{rating}/delete"
    assert post_form(staff, url, {}, page_url=url).status_code == 302
    assert not scrub_owed()
    assert all(b"Svensson" not in data for data in file_bytes(app).values())
    server.conn.close()
