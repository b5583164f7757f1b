"""Backups an operator can trust (issue 28 item 2, issue 26 item 7): copies go when their day is
30 days past, counted from the date in their own name; the destination must be an existing
folder; a failed copy leaves nothing half-written, and the yearly close sees what it left."""

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from checkin import backup
from checkin.visits import phones, recording
from tests.helpers import run

TODAY = dt.date.today()


def named(folder, days_ago, hhmm="0335", suffix=""):
    """A copy named as `checkin backup` names them, made `days_ago` days before today, whose
    file was touched just now (as `cp` or a restore from elsewhere does)."""
    day = TODAY - dt.timedelta(days=days_ago)
    path = folder / f"checkin-{day:%Y-%m-%d}-{hhmm}.db{suffix}"
    path.write_bytes(b"a copy")
    return path


def test_keep_days_deletes_by_the_date_in_the_name(app, db, tmp_path):
    folder = tmp_path / "copies"
    folder.mkdir()
    old = [named(folder, 31), named(folder, 30, "0001"), named(folder, 30, "2359"),
           named(folder, 45, suffix=".partial")]
    kept = [named(folder, 29, "2359"), named(folder, 1)]
    stale = named(folder, 2)  # recent by its name, old by its modification time: kept
    long_ago = time.time() - 90 * 86400
    os.utime(stale, (long_ago, long_ago))
    other = folder / "notes.txt"
    other.write_text("not a backup")
    result = run(app, "backup", str(folder), "--keep-days", "30")
    assert result.exit_code == 0, result.output
    assert all(not p.exists() for p in old) and all(p.exists() for p in [*kept, stale, other])
    assert sorted(line.split(":")[0] for line in result.output.splitlines()
                  if line.startswith("Deleted")) == sorted(f"Deleted {p.name}" for p in old)
    assert len(list(folder.glob(f"checkin-{TODAY:%Y-%m-%d}-*.db"))) == 1  # tonight's copy


@pytest.mark.skipif(shutil.which("find") is None, reason="needs find(1)")
def test_before_the_fix_find_mtime_kept_a_copy_30_days_and_a_half_old(tmp_path):
    """The old unit's `find -mtime +30 -delete` counts whole 24-hour days, rounded down: a
    copy 30.9 days old was kept one more night (and a copied file, with a new mtime, forever)."""
    folder = tmp_path / "copies"
    folder.mkdir()
    copy = named(folder, 31)
    made = time.time() - 30.9 * 86400
    os.utime(copy, (made, made))
    subprocess.run(["find", str(folder), "-name", "checkin-*.db", "-mtime", "+30", "-delete"],
                   check=True)
    assert copy.exists()  # the old rule: still there
    assert backup.expire(folder, 30, TODAY) == [copy] and not copy.exists()  # the new one


def test_retention_holds_even_when_the_new_copy_fails(app, tmp_path):
    folder = tmp_path / "copies"
    folder.mkdir()
    old = named(folder, 30)
    app.config["DATABASE"] = str(tmp_path / "nothing.db")
    result = run(app, "backup", str(folder), "--keep-days", "30")
    assert result.exit_code == 1 and "no database" in result.output
    assert not old.exists()


@pytest.mark.parametrize("where", ["missing", "missing-parent", "a file"])
def test_the_destination_must_be_an_existing_folder(app, db, tmp_path, where):
    dest = {"missing": tmp_path / "missing-folder",
            "missing-parent": tmp_path / "no" / "such" / "folder",
            "a file": tmp_path / "copy.db"}[where]
    if where == "a file":
        dest.write_bytes(b"last night's copy")
    result = run(app, "backup", str(dest) + ("/" if where == "missing" else ""))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output
    assert "give an existing folder for the copies" in lines[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if where == "a file":
        assert dest.read_bytes() == b"last night's copy"  # not overwritten
    else:
        assert not dest.exists() and not dest.parent.joinpath(dest.name + ".partial").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["checkin.db", "checkin.db-wal", "checkin.db-shm", "secret_key", "copy.db"]
        if where == "a file" else ["checkin.db", "checkin.db-wal", "checkin.db-shm",
                                   "secret_key"])


@pytest.mark.parametrize("how", ["disk full", "integrity", "interrupted"])
def test_a_failed_copy_leaves_no_partial_file(app, db, tmp_path, monkeypatch, how):
    folder = tmp_path / "copies"
    folder.mkdir()

    def failing(source, partial):
        Path(partial).write_bytes(Path(source).read_bytes()[:4096])  # half written
        if how == "disk full":
            raise sqlite3.OperationalError("database or disk is full")
        if how == "interrupted":
            raise KeyboardInterrupt

    monkeypatch.setattr(backup, "_copy", failing)
    result = run(app, "backup", str(folder))
    assert result.exit_code != 0
    if how == "disk full":
        assert result.output.strip() == "Error: the copy failed: database or disk is full"
    if how == "integrity":
        assert "Error: " in result.output and "Traceback" not in result.output
    assert list(folder.iterdir()) == []


def test_the_close_lists_a_partial_copy_that_holds_the_year(app, db, mallis):
    key = phones.new_device_key()
    recording.record_visit(db, venue_id=mallis["id"], day=dt.date(2025, 3, 3), hour=10,
                           source="qr", gender="woman",
                           person_hash=phones.person_hash(db, mallis["id"], key, 2025))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = Path(app.config["BACKUP_DIR"])
    folder.mkdir()
    left = folder / "checkin-2026-02-27-0330.db.partial"  # a copy a crash cut short
    left.write_bytes(Path(app.config["DATABASE"]).read_bytes())
    result = run(app, "close-year", "2025")
    assert result.exit_code == 0, result.output
    assert (f"that still hold 2025's secret and hashes: {left.name} in {folder}"
            in result.output)


def test_the_close_reads_a_backups_raw_bytes_not_only_its_rows(app, db, mallis, tmp_path):
    """A copy whose rows no longer show the year (deleted without secure_delete, never
    vacuumed) still holds its bytes: the close names it."""
    key = phones.new_device_key()
    stand_in = phones.person_hash(db, mallis["id"], key, 2025)
    secret = phones.year_secret(db, 2025)
    folder = tmp_path / "copies"
    folder.mkdir()
    copy = folder / "checkin-2026-02-27-0330.db"
    recording.record_visit(db, venue_id=mallis["id"], day=dt.date(2025, 3, 3), hour=10,
                           source="qr", person_hash=stand_in)
    backup.backup(app.config["DATABASE"], folder, now=dt.datetime(2026, 2, 27, 3, 30))
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA secure_delete=OFF")
    conn.execute("DELETE FROM year_key")
    conn.execute("UPDATE visit SET person_hash = NULL")
    conn.commit()
    conn.close()
    assert backup.holding_year(folder, 2025) == []  # its rows say nothing of 2025
    removed = {secret.encode(), stand_in.encode()}
    assert backup.holding_year(folder, 2025, removed) == [copy]  # its bytes do


def test_a_lost_secret_key_logs_staff_out_and_leaves_phones_kiosks_and_languages_alone(
        app, db, mallis):
    """operations.md, "Backups": without the saved `secret_key` staff are logged out, nothing
    worse: a remembered phone is still the same person, a kiosk still counts, a language
    choice still holds."""
    from checkin.visits.routes import PHONE_COOKIE
    from tests.helpers import (
        check_in,
        hidden_fields,
        log_in,
        make_user,
        phone_code,
        post_form,
        text,
        visits,
    )

    phone = app.test_client()
    phone.set_cookie(PHONE_COOKIE, phone_code(app))
    phone.get("/lang/en")
    assert check_in(phone, mallis, "none").status_code == 302
    make_user(db, "anna")
    tablet, staff = app.test_client(), app.test_client()
    log_in(tablet, "anna")
    assert post_form(tablet, "/staff/mallis/kiosks", {"label": "Vid dörren"}).status_code == 302
    log_in(staff, "anna")
    assert staff.get("/staff/").status_code == 200

    app.config["SECRET_KEY"] = secrets_token()  # the file was lost: a new one is made

    assert staff.get("/staff/").status_code == 302  # logged out
    app.config["FROZEN_NOW"] = "2026-11-24T11:30"  # the phone comes back the next day
    assert '<html lang="en">' in text(phone.get("/mallis/"))
    assert check_in(phone, mallis, "none").status_code == 302
    first, second = visits(db)
    assert first["person_hash"] and second["person_hash"] == first["person_hash"]
    page = text(tablet.get("/kiosk/"))
    assert tablet.post("/kiosk/", data={**hidden_fields(page), "gender": "skip"}
                       ).status_code == 302
    assert sorted(v["source"] for v in visits(db)) == ["kiosk", "qr", "qr"]


def secrets_token():
    import secrets

    return secrets.token_hex(32)
