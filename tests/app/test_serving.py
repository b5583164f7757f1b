"""Running it for real: health check, logs without visitors, backups, migration status."""

import logging
import os
import sqlite3
import threading

import pytest

from checkin import create_app
from checkin import version as checkin_version
from checkin.db import connect, migrate
from checkin.migrations import migrations
from checkin.web.server_log import NoVisitorDetails, quiet_waitress
from tests.helpers import MONDAY_MORNING, SOMEONE, run
from tests.server import Server, Visitor, checkin, checkin_env

# --- health ----------------------------------------------------------------------------------

def test_healthz_says_ok_when_the_database_answers(client, mallis):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == f"ok {checkin_version()}\n"


@pytest.mark.parametrize("damage", ["garbage", "folder"])
def test_healthz_answers_503_when_the_database_cannot_be_read(tmp_path, monkeypatch, damage):
    broken = tmp_path / "broken.db"
    if damage == "garbage":
        broken.write_bytes(b"this is not a database, just bytes " * 200)
    else:
        broken.mkdir()
    monkeypatch.setenv("CHECKIN_INSTANCE", str(tmp_path))
    app = create_app({"TESTING": True, "DATABASE": str(broken)})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == {
        "garbage": "database file damaged\n", "folder": "database file missing\n"}[damage]


def test_healthz_answers_503_when_the_file_is_deleted_or_overwritten_under_a_kept_connection(
        app, mallis):
    """A kept connection still reads a deleted file (its inode lives on): ok was a lie."""
    app.config["KEEP_CONNECTIONS"] = True
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    path = app.config["DATABASE"]
    with open(path, "r+b") as f:
        f.write(b"\0" * 16)
    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (
        503, "database file damaged\n")
    os.unlink(path)
    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (
        503, "database file missing\n")


def test_healthz_answers_503_while_a_migration_is_pending(app, db, mallis):
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm020_staff_times_to_the_hour'")
    db.conn.commit()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "schema not current" in response.get_data(as_text=True)


# --- logs ------------------------------------------------------------------------------------

@pytest.mark.slow  # a real server
def test_the_server_log_names_routes_and_never_the_visitor(tmp_path):
    env = checkin_env(tmp_path)
    checkin(env, "init-db")
    checkin(env, "seed-demo")
    door = checkin(env, "door-url", "mallis").strip().split("5000", 1)[1]
    key = door.rsplit("/", 1)[1]
    typed = "Kalle Anka 070-1234567"
    with Server(tmp_path) as server:
        # Another loopback address than the server's own, so any client address would show.
        visitor = Visitor(server.url, source="127.0.0.2", headers={
            "User-Agent": "HostileAgent/9.9 (Nokia 3310)",
            "X-Forwarded-For": "203.0.113.77", "X-Real-IP": "198.51.100.5",
        })
        assert visitor.check_in(door + "?from=" + typed.replace(" ", "+")) == (302, door + "/done")
        status, _h, _page = visitor.request("POST", door + "/done",
                                            {"gender": "woman", "note": typed, "csrf_token": "x"})
        assert status == 400
        visitor.request("GET", "/mallis/?week=" + typed.replace(" ", "+"))
        visitor.close()
    output = server.output()
    assert "POST /<slug>/in/<key> 302" in output and "GET /<slug>/ 404" in output
    for secret in ("127.0.0.2", "203.0.113.77", "198.51.100.5", "HostileAgent", "Nokia",
                   key, "?", "Kalle", "070", "woman"):
        assert secret not in output, secret
    print(output)


def test_a_crash_on_a_visitor_page_logs_neither_the_time_nor_the_door_key(app, db, mallis):
    import io
    import re

    from flask.logging import default_handler

    from checkin.visits import routes as visit_routes

    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    key = db.execute("SELECT door_key FROM venue WHERE slug = 'mallis'").fetchone()[0]
    errors = io.StringIO()
    original = visit_routes._door
    visit_routes._door = crash
    # Flask leaves its handler out when pytest's is there; the server always has it.
    app.logger.addHandler(default_handler)
    try:
        response = app.test_client().get(f"/mallis/in/{key}", errors_stream=errors)
    finally:
        visit_routes._door = original
        app.logger.removeHandler(default_handler)
    logged = errors.getvalue()
    assert response.status_code == 500
    assert "ERROR in __init__: Exception on /<slug>/in/<key> [GET]" in logged
    assert "RuntimeError: boom" in logged  # the traceback is still there for the operator
    assert key not in logged
    assert not re.search(r"\d{2}:\d{2}", logged), logged  # no clock time, not even hh:mm


def test_a_check_in_that_crashes_anywhere_in_its_transaction_stores_no_visit(
        app, db, mallis, monkeypatch):
    """operations.md, "Logs": a crash's journal line carries journald's time. A check-in that
    crashed stored nothing, so that time belongs to nothing in the database: the visit and its
    next step are one transaction, so a crash while the step is made takes the visit back too
    (before one transaction per check-in, that visit stayed)."""
    from checkin.visits import arrivals, steps
    from tests.helpers import check_in, visits

    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(arrivals, "new_visit", crash)
    assert check_in(app.test_client(), mallis, "none").status_code == 500
    assert visits(db) == []
    monkeypatch.undo()
    monkeypatch.setattr(steps, "start", crash)
    assert check_in(app.test_client(), mallis, "none").status_code == 500
    assert visits(db) == []
    monkeypatch.undo()
    assert check_in(app.test_client(), mallis, "none").status_code == 302
    assert len(visits(db)) == 1


def test_waitress_messages_lose_addresses_and_paths():
    scrub = NoVisitorDetails()
    for message, args in [
        ("Client disconnected while serving %s", ("/mallis/in/k3y4b5c6?x=1",)),
        ("uncaptured python exception, closing channel %s", ("<HTTPChannel 10.1.2.3:5512>",)),
        ("peer %s", ("[2001:db8::1]:443",)),
    ]:
        record = logging.LogRecord("waitress", logging.ERROR, __file__, 1, message, args, None)
        scrub.filter(record)
        shown = record.getMessage()
        assert "k3y4b5c6" not in shown and "10.1.2.3" not in shown and "2001:db8" not in shown


def test_a_busy_moment_writes_no_warning_but_real_waitress_warnings_still_show():
    loggers = [logging.getLogger("waitress"), logging.getLogger("waitress.queue")]
    saved = [(x.handlers, x.level, x.propagate) for x in loggers]
    try:
        quiet_waitress()
        waitress, queue = loggers
        # One "Task queue depth" line per waiting request took most of the server's main thread.
        assert not queue.isEnabledFor(logging.WARNING)
        assert waitress.isEnabledFor(logging.WARNING) and not waitress.isEnabledFor(logging.INFO)
        assert queue.isEnabledFor(logging.ERROR)
    finally:
        for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            logger.handlers, logger.propagate = handlers, propagate
            logger.setLevel(level)


# --- backups ---------------------------------------------------------------------------------

def table_counts(path):
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("venue", "activity", "slot", "visit", "year_key")}


def test_backup_while_visits_are_written_restores_whole(app, tmp_path):
    assert run(app, "seed-demo").exit_code == 0
    source = app.config["DATABASE"]
    stop = threading.Event()

    def keep_writing():
        conn = sqlite3.connect(source, timeout=10)
        while not stop.is_set():
            with conn:
                conn.execute("INSERT INTO visit (venue_id, date, hour, source) "
                             "VALUES (1, '2026-11-23', 10, 'qr')")
        conn.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        (tmp_path / "folder").mkdir()
        result = run(app, "backup", str(tmp_path / "folder"))
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0 and "integrity: ok" in result.output, result.output
    (copy,) = (tmp_path / "folder").glob("checkin-*.db")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored, live = table_counts(copy), table_counts(source)
    assert restored["visit"] > 1000 and restored["visit"] <= live["visit"]
    assert {k: v for k, v in restored.items() if k != "visit"} == \
        {k: v for k, v in live.items() if k != "visit"}
    # The restored copy serves the week like the original.
    restored_app = create_app({"TESTING": True, "DATABASE": str(copy),
                               "FROZEN_NOW": MONDAY_MORNING})
    assert "Sygrupp" in restored_app.test_client().get("/mallis/").get_data(as_text=True)


def test_backup_of_a_missing_database_says_so(app, tmp_path):
    app.config["DATABASE"] = str(tmp_path / "nothing.db")
    result = run(app, "backup", str(tmp_path))
    assert result.exit_code != 0 and "no database" in result.output
    assert not list(tmp_path.glob("checkin-*")) and not (tmp_path / "nothing.db").exists()


# --- migrations ------------------------------------------------------------------------------

def test_db_status_lists_applied_and_pending(app, tmp_path):
    result = run(app, "db-status")
    assert result.exit_code == 0 and "applied  m001_initial" in result.output
    assert "0 pending" in result.output
    app.config["DATABASE"] = str(tmp_path / "empty.db")
    result = run(app, "db-status")
    assert "pending  m001_initial" in result.output and "checkin init-db" in result.output


def test_every_row_made_at_the_first_migration_survives_all_later_ones(tmp_path):
    names = [m.name for m in migrations._migrations]
    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before=names[1:] or None)
    assert [m.name for m in migrations.applied(db)] == ["m001_initial"]
    rows = {
        "venue": [(1, "mallis", "Mallis", "Street Minds", "", "Europe/Stockholm", "0,1,2,3,4",
                   "abcdefgh")],
        "activity": [(1, 1, "Sygrupp", "Sewing", "Sy", "Sew", "sewing", "", 1, 1),
                     (2, 1, "Fredagsjam", "Jam", "", "", "music", "Münchenbryggeriet", 0, 1)],
        "slot": [(1, 1, 1, 0, "10:00", "12:00", "2026-01-01", None)],
        "slot_change": [(1, 1, "2026-11-30", 1, None, None, None, "Inställt", "Cancelled")],
        "event": [(1, 1, 1, "2026-12-18", "17:00", "20:00", "Julfest", "Christmas")],
        "visit": [(1, 1, 1, "2026-11-23", 10, "woman", "qr", "a" * 32),
                  (2, 1, None, "2026-11-23", 11, None, "qr", None),
                  (3, 1, 1, "2026-11-24", None, "man", "tally", None)],
        "year_key": [(2026, "f" * 64)],
    }
    for table, values in rows.items():
        marks = ",".join("?" * len(values[0]))
        for row in values:
            db.execute(f"INSERT INTO {table} VALUES ({marks})", row)
    db.conn.commit()
    columns = {t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in rows}

    migrate(db)
    assert migrations.pending(db) == []
    for table, values in rows.items():
        quoted = ", ".join('"' + c + '"' for c in columns[table])
        kept = db.execute(f"SELECT {quoted} FROM {table} "
                          "ORDER BY rowid").fetchall()
        if table == "visit":  # m014 gave every visit a random id; the rows are the same
            assert not {r[0] for r in kept} & {1, 2, 3}
            assert sorted((tuple(r)[1:] for r in kept), key=repr) == sorted(
                (v[1:] for v in values), key=repr)
            continue
        assert [tuple(r) for r in kept] == values, table
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.conn.close()


def test_staff_times_written_to_the_second_are_cut_to_the_hour_by_a_migration(tmp_path):
    from checkin.db import connect
    from checkin.migrations import migrations

    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m010_hours_only")
    db.execute("INSERT INTO staff_user (username, password_hash, role, created_at) "
               "VALUES ('anna', 'x', 'staff', '2026-11-23T10:17:33+00:00')")
    db.execute("INSERT INTO audit_log (at, user_id, username, action, detail) VALUES "
               "('2026-11-23T10:17:33+00:00', 1, 'anna', 'tally', 'Sygrupp: woman +1')")
    db.execute("INSERT INTO staff_session (id, user_id, created_at, last_seen) VALUES "
               "('h', 1, '2026-11-23T09:05:01+00:00', '2026-11-23T10:17:40+00:00')")
    db.conn.commit()
    migrations.apply(db)
    assert db.execute("SELECT at FROM audit_log").fetchone()[0] == "2026-11-23T10:00+00:00"
    assert tuple(db.execute("SELECT created_at, last_seen FROM staff_session").fetchone()) == (
        "2026-11-23T09:00:00+00:00", "2026-11-23T10:00:00+00:00")
    db.conn.close()


def test_audit_times_on_the_hour_with_seconds_are_cut_by_m017_where_m010_missed_them(tmp_path):
    from checkin.db import connect
    from checkin.migrations import migrations

    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m010_hours_only")
    db.execute("INSERT INTO staff_user (username, password_hash, role, created_at) "
               "VALUES ('anna', 'x', 'staff', '2026-11-23T10:00:33+00:00')")
    for at in ("2026-11-23T10:00:33+00:00", "2026-11-23T11:00:00+00:00",
               "2026-11-23T12:00+00:00", "2026-11-23T13:05:00+00:00"):
        db.execute("INSERT INTO audit_log (at, user_id, username, action) "
                   "VALUES (?, 1, 'anna', 'tally')", [at])
    db.conn.commit()
    migrations.apply(db, stop_before="m017_audit_times_to_the_hour")
    # The bug: m010 skipped a time whose minute is 00, so its seconds stayed.
    assert [r[0] for r in db.execute("SELECT at FROM audit_log ORDER BY id")][:2] == [
        "2026-11-23T10:00:33+00:00", "2026-11-23T11:00:00+00:00"]
    migrations.apply(db)
    assert [r[0] for r in db.execute("SELECT at FROM audit_log ORDER BY id")] == [
        "2026-11-23T10:00+00:00", "2026-11-23T11:00+00:00", "2026-11-23T12:00+00:00",
        "2026-11-23T13:00+00:00"]
    db.conn.close()


def test_account_and_kiosk_times_are_kept_to_the_hour_and_m020_cuts_old_ones(tmp_path):
    from checkin.accounts.auth import create_user
    from checkin.db import connect
    from checkin.migrations import migrations
    from checkin.visits import kiosk_tokens

    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m020_staff_times_to_the_hour")
    db.execute("INSERT INTO staff_user (username, password_hash, role, created_at) "
               "VALUES ('anna', 'x', 'staff', '2026-11-23T10:17:33+00:00')")
    db.execute("INSERT INTO venue (slug, name, door_key) VALUES ('x', 'X', 'k')")
    db.execute("INSERT INTO kiosk (venue_id, token_hash, label, created_by, created_at, "
               "revoked_at) VALUES (1, 'h', '', 1, '2026-11-23T10:17:33+00:00', "
               "'2026-11-24T08:59:59+00:00')")
    db.conn.commit()
    migrations.apply(db)
    assert db.execute("SELECT created_at FROM staff_user").fetchone()[0] == (
        "2026-11-23T10:00:00+00:00")
    assert tuple(db.execute("SELECT created_at, revoked_at FROM kiosk").fetchone()) == (
        "2026-11-23T10:00+00:00", "2026-11-24T08:00+00:00")
    # And what is written now has no minutes or seconds either.
    create_user(db, "bertil", "a long enough pass phrase for bertil", "staff")
    kiosk_id, _token = kiosk_tokens.create_kiosk(db, 1, "", {"id": 1, "username": "anna"})
    kiosk_tokens.revoke_kiosk(db, 1, kiosk_id, user=SOMEONE)
    times = [*db.execute("SELECT created_at FROM staff_user WHERE username = 'bertil'").fetchone(),
             *db.execute("SELECT created_at, revoked_at FROM kiosk WHERE id = ?", [kiosk_id])
             .fetchone()]
    assert all(t[14:16] == "00" and t[13] == ":" for t in times), times
    assert all(t.endswith((":00+00:00",)) for t in times), times
    db.conn.close()


def test_instance_files_are_readable_by_their_owner_only(tmp_path, monkeypatch):
    for name in [n for n in os.environ if n.startswith("CHECKIN_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CHECKIN_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True})
    db = connect(app.config["DATABASE"])
    migrate(db)
    db.execute("INSERT INTO venue (slug, name, door_key) VALUES ('x', 'X', 'k')")
    folder = tmp_path / "instance"
    run(app, "backup", str(tmp_path))
    made = [folder / "checkin.db", folder / "checkin.db-wal", folder / "checkin.db-shm",
            folder / "secret_key", *tmp_path.glob("checkin-*.db")]
    assert len(made) == 5
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in made} == {
        p.name: "0o600" for p in made}
    db.conn.close()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_a_database_made_readable_by_all_before_is_made_private(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    connect(str(path)).conn.close()
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def _wal_left_after_another_process_closes(path):
    """Another process opens the database and closes it: the last connection to close
    checkpoints and deletes the -wal, so it is deleted only if it finds nobody's lock."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT count(*) FROM sqlite_master').fetchone(); c.close()"), path],
        check=True, timeout=60)
    return os.path.exists(path + "-wal")


def test_healthz_leaves_the_servers_locks_on_the_file(app, mallis):
    """/healthz reads the file's first bytes; closing a descriptor of the file would drop
    every lock the server's connections hold on it, and another process would then delete
    the -wal under them (the file ended "database disk image is malformed" under the bench)."""
    from checkin.db import connect, writing

    path = app.config["DATABASE"]
    app.config["KEEP_CONNECTIONS"] = True
    server = connect(path)  # a server connection with a commit still in the -wal
    with writing(server):
        server.execute("UPDATE venue SET name = name")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert _wal_left_after_another_process_closes(path)
    # The switch off: what /healthz did before, an open() and close() of the file.
    with open(path, "rb") as f:
        f.read(16)
    assert not _wal_left_after_another_process_closes(path)  # the server's -wal: gone
    server.conn.close()


def test_the_yearly_closes_check_of_the_bytes_leaves_the_servers_locks(app, mallis):
    """The close reads the database's three files for the removed hashes, in the server's
    daily thread: through descriptors kept open, as /healthz (the test above)."""
    from checkin.db import connect, writing
    from checkin.yearclose import database_files, left_in

    path = app.config["DATABASE"]
    server = connect(path)
    with writing(server):
        server.execute("UPDATE venue SET name = name")
    assert left_in(database_files(server), {b"not in any file: 0123456789abcdef"}) == []
    assert _wal_left_after_another_process_closes(path)
    server.conn.close()
