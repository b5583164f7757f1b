"""No order in any file (issue 24, item 3): eight visitors check in within one hour, each leaves
a face with a text; after the hourly upkeep, nothing in checkin.db, its -wal and -shm, or a
backup tells who came first. The attacker reads every table and index page (where each cell
sits: its place in the pointer array and its byte offset) and every -wal frame."""

import itertools
from pathlib import Path

import pytest

from checkin import backup, upkeep
from checkin.feedback import smileys as feedback
from tests.helpers import check_in, run
from tests.sqlite_pages import btree_pages, shm_page_numbers, wal_frames

VISITORS = 8
DAY = "2026-11-23"  # MONDAY_MORNING: every check-in is in hour 10


@pytest.fixture(autouse=True)
def nothing_owed():
    """A scrub owed is kept in the process's memory: each test starts with none."""
    from checkin import db as database

    database._owed.clear()
    database._owed_vacuum.clear()


def arrive(app, db, mallis):
    """Eight visitors, one after the other in hour 10: check in at the door, tap a face,
    write a text. Returns, in arrival order, what names each one's rows: ids and text."""
    import datetime as dt

    arrivals = []
    for n in range(VISITORS):
        before = {r[0] for r in db.execute("SELECT id FROM visit")}
        assert check_in(app.test_client(), mallis).status_code == 302
        (visit,) = {r[0] for r in db.execute("SELECT id FROM visit")} - before
        face = feedback.record_rating(db, venue_id=mallis["id"], day=dt.date.fromisoformat(DAY),
                                      rating=1 + n % 5)
        words = f"Besökare nummer {n} var här"
        assert feedback.add_text(db, face, words)
        arrivals.append({visit, face, words})
    assert {r[0] for r in db.execute("SELECT DISTINCT hour FROM visit")} == {10}
    return arrivals


def whose(values, arrivals):
    """Which visitor a cell belongs to (an id or the text in it), or None."""
    for n, marks in enumerate(arrivals):
        if any(v in marks for v in values if isinstance(v, (int, str))):
            return n
    return None


def orders_in_pages(data, arrivals):
    """For every b-tree page holding two or more of the visitors: the visitors in the order of
    their cells' byte offsets, highest first (a page fills from its end), and in the order of
    the pointer array. [(page, by offset, by pointer, monotone)] where `monotone` says the
    offsets follow the pointers (then they say nothing the keys do not)."""
    found = []
    for number, cells in btree_pages(data).items():
        mine = [(offset, position, whose(values, arrivals)) for position, offset, values in cells]
        mine = [(o, p, n) for o, p, n in mine if n is not None]
        if len({n for _o, _p, n in mine}) < 2:
            continue
        offsets = [o for o, _p, _n in sorted(mine, key=lambda c: c[1])]
        monotone = offsets == sorted(offsets) or offsets == sorted(offsets, reverse=True)
        by_offset = [n for _o, _p, n in sorted(mine, reverse=True)]
        by_pointer = [n for _o, _p, n in sorted(mine, key=lambda c: c[1])]
        found.append((number, by_offset, by_pointer, monotone))
    return found


def in_order(order):
    """Share of pairs the order puts as they arrived: 1.0 is the arrival order, 0.5 a coin."""
    pairs = list(itertools.combinations(order, 2))
    return sum(a < b for a, b in pairs) / len(pairs) if pairs else 0.5


def wal_order(data, arrivals):
    """The visitors in the order their rows first appear in the -wal's frames."""
    first = {}
    for frame, (_page, image) in enumerate(wal_frames(data)):
        for n, marks in enumerate(arrivals):
            text = next(m for m in marks if isinstance(m, str)).encode()
            if n not in first and text in image:
                first[n] = frame
    return sorted(first, key=first.get)


def files(app):
    path = Path(app.config["DATABASE"])
    return {suffix: (Path(f"{path}{suffix}").read_bytes() if Path(f"{path}{suffix}").exists()
                     else b"") for suffix in ("", "-wal", "-shm")}


def the_backup(app):
    result = run(app, "backup")
    assert result.exit_code == 0, result.output
    (made,) = Path(app.config["BACKUP_DIR"]).glob("checkin-*.db")
    return made.read_bytes()


def test_after_the_hourly_upkeep_no_file_tells_who_came_first(app, db, mallis):
    arrivals = arrive(app, db, mallis)
    copy = the_backup(app)  # a backup made within the hour is written anew already
    wal_before = files(app)["-wal"]
    assert wal_order(wal_before, arrivals) == list(range(VISITORS))  # within the hour: yes
    assert upkeep.rewrite(db)  # the hour is over: the upkeep writes the file anew
    after = files(app)
    assert after["-wal"] == b"" and wal_order(after["-wal"], arrivals) == []
    numbers = [n for n in shm_page_numbers(after["-shm"]) if n]
    assert numbers == sorted(numbers)  # the rewrite's frames, page after page: no order
    for name, data in (("checkin.db", after[""]), ("backup", copy)):
        pages = orders_in_pages(data, arrivals)
        # The visit table, its indexes, the feedback table and its index all hold them.
        assert len(pages) >= 4, name
        for number, by_offset, by_pointer, monotone in pages:
            # Where a cell sits follows its key (a random id, a random hash), nothing else.
            assert monotone, (name, number)
            assert by_offset in (by_pointer, by_pointer[::-1]), (name, number)
        # What an attacker reads is the order of the random ids: not the arrival order.
        visit_ids = [min(m for m in marks if isinstance(m, int) and
                         db.execute("SELECT 1 FROM visit WHERE id = ?", [m]).fetchone())
                     for marks in arrivals]
        id_order = sorted(range(VISITORS), key=lambda n: visit_ids[n])
        assert any(by_pointer == id_order for _n, _o, by_pointer, _m in pages), name


@pytest.mark.parametrize("rows", ["eight visitors", "a year of demo visits"])
def test_the_rewritten_file_is_the_same_whatever_order_the_rows_came_in(
        app, db, mallis, tmp_path, rows):
    """Where every cell sits after the upkeep depends on the rows, never on their order: the
    same rows written in another order (every table emptied and filled again, shuffled) give
    the same pages, cell for cell and byte offset for byte offset — in a file of one page a
    table and in one of 100 pages, where pages split."""
    import random
    import sqlite3

    if rows == "eight visitors":
        arrive(app, db, mallis)
    else:
        from checkin.demo import seed

        list(seed(db, "2026-11-23T10:15"))
    other = tmp_path / "shuffled.db"
    copy = sqlite3.connect(other)
    db.conn.backup(copy)
    copy.execute("PRAGMA foreign_keys=OFF")
    # schedule_version last: triggers on the programme's tables count their changes in it.
    tables = sorted((r[0] for r in copy.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")),
        key=lambda name: name == "schedule_version")
    before = {table: copy.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
              for table in tables}
    for table in tables:
        rows = before[table]
        random.shuffle(rows)
        copy.execute(f"DELETE FROM {table}")  # noqa: S608
        if rows:
            marks = ",".join("?" * len(rows[0]))
            copy.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
    copy.commit()
    copy.execute("VACUUM")
    copy.close()
    assert upkeep.rewrite(db)
    mine, theirs = btree_pages(files(app)[""]), btree_pages(other.read_bytes())
    assert len(mine) > 20 and mine == theirs


def test_before_the_fix_the_file_and_a_backup_gave_the_exact_arrival_order(
        app, db, mallis, monkeypatch):
    """The attack as issue 24 found it: a checkpoint empties the -wal, and the byte offsets in
    the pages still give the order; a page-by-page backup keeps them."""
    import sqlite3

    def page_by_page(source, partial):
        live, copy = sqlite3.connect(source), sqlite3.connect(partial)
        live.backup(copy)
        copy.close()
        live.close()

    monkeypatch.setattr(backup, "_copy", page_by_page)
    arrivals = arrive(app, db, mallis)
    wal = files(app)["-wal"]
    assert wal_order(wal, arrivals) == list(range(VISITORS))  # 8 of 8 from the -wal frames
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no upkeep: only a checkpoint
    copy = the_backup(app)
    for data in (files(app)[""], copy):
        pages = orders_in_pages(data, arrivals)
        exact = [n for n, by_offset, _p, _m in pages if by_offset == list(range(VISITORS))]
        assert exact  # e.g. the visit_figures index: all 8 in the order they came
        assert max(in_order(by_offset) for _n, by_offset, _p, _m in pages) == 1.0


@pytest.mark.parametrize("held", [False, True])
def test_the_upkeep_rewrites_after_each_hour_and_retries_a_held_read(app, db, mallis, held,
                                                                     monkeypatch):
    from checkin.db import connect, scrub_owed

    hour = upkeep.hour_of(1_800_000_000)
    assert upkeep.tick(db, hour, 1_800_000_000 + 60) == (hour, True)  # same hour: nothing
    reader = connect(app.config["DATABASE"])
    if held:
        reader.conn.execute("BEGIN")
        reader.execute("SELECT count(*) FROM visit").fetchall()
        db.execute("PRAGMA busy_timeout=50")
        monkeypatch.setattr(upkeep, "rewrite", lambda d: upkeep.scrub(d, vacuum=True, wait_ms=50))
    try:
        assert upkeep.tick(db, hour, 1_800_000_000 + 3600) == (hour + 1, not held)
        assert scrub_owed() is held
        reader.conn.rollback()
        assert upkeep.tick(db, hour + 1, 1_800_000_000 + 3660) == (hour + 1, True)
        assert not scrub_owed()
    finally:
        reader.conn.close()


def test_the_hourly_rewrite_never_keeps_the_door_waiting_for_a_long_read(app, db, mallis):
    """A long read (an export of a large database: 9 s at a million visits) holds an older
    snapshot. The rewrite's TRUNCATE checkpoint would wait for it, and SQLite lets no writer
    in while such a checkpoint waits: at the bench's first upkeep every check-in waited about
    a second. The upkeep now asks without waiting first (PASSIVE), and owes the rewrite: no
    TRUNCATE, no VACUUM while the read lasts, and both at the next check after it."""
    from checkin.db import connect, scrub_owed
    from tests.helpers import check_in

    hour = upkeep.hour_of(1_800_000_000)
    reader = connect(app.config["DATABASE"])
    reader.conn.execute("BEGIN")
    reader.execute("SELECT count(*) FROM visit").fetchall()  # the export's snapshot
    assert check_in(app.test_client(), mallis, "none").status_code == 302  # after it
    statements = []
    db.conn.set_trace_callback(statements.append)
    try:
        assert upkeep.tick(db, hour, 1_800_000_000 + 3600) == (hour + 1, False)
        assert scrub_owed()
        assert not [s for s in statements if "TRUNCATE" in s or "VACUUM" in s], statements
        # Meanwhile the door writes as ever (the same connection's budget as a check-in).
        assert check_in(app.test_client(), mallis, "none").status_code == 302
        reader.conn.rollback()  # the export is done
        statements.clear()
        assert upkeep.tick(db, hour + 1, 1_800_000_000 + 3660) == (hour + 1, True)
        assert "VACUUM" in statements and not scrub_owed()
    finally:
        db.conn.set_trace_callback(None)
        reader.conn.close()


def test_the_hourly_rewrite_waits_for_a_quiet_door_at_most_a_quarter_of_an_hour(app, db,
                                                                               mallis):
    """The rewrite's VACUUM holds every writer while it runs (1.2 s at a million visits): it
    waits for a moment without writes, but never past 15 minutes into the hour."""
    from checkin.db import seconds_since_write
    from tests.helpers import check_in

    assert check_in(app.test_client(), mallis, "none").status_code == 302
    assert seconds_since_write() < 60  # the check-in's commit is what quiet() looks at
    hour = upkeep.hour_of(1_800_000_000)
    statements = []
    db.conn.set_trace_callback(statements.append)
    try:
        busy, still = (lambda: False), (lambda: True)
        start = (hour + 1) * upkeep.HOUR
        for minutes in (0, 1, 14):  # the door busy: asked again at the next check
            assert upkeep.tick(db, hour, start + minutes * 60, busy) == (hour, True)
        assert "VACUUM" not in statements
        assert upkeep.tick(db, hour, start + 2 * 60, still) == (hour + 1, True)
        assert "VACUUM" in statements
        statements.clear()
        # Busy all the way: 15 minutes into the hour it runs anyway.
        assert upkeep.tick(db, hour + 1, start + upkeep.HOUR + 15 * 60, busy) == (hour + 2, True)
        assert "VACUUM" in statements
    finally:
        db.conn.set_trace_callback(None)


def test_the_privacy_page_and_docs_say_what_holds_within_the_hour(client):
    """The promise, at the level the tests above show it (raw pages, frames and a backup)."""
    from tests.helpers import text

    page = " ".join(text(client.get("/privacy")).split())
    assert ("när en timme är slut skriver servern om sina filer, och ingen kan se i dem, eller "
            "i en säkerhetskopia, vem som kom först under den timmen. Bara under själva timmen "
            "skulle någon med serverns filer kunna se ordningen på den timmens incheckningar, "
            "ansikten och texter") in page
    client.get("/lang/en")
    page = " ".join(text(client.get("/privacy")).split())
    assert ("once an hour is over, the server writes its files anew, and nobody can tell from "
            "them, or from a backup, who came first during that hour. Only during the hour "
            "itself could someone with the server's files see the order of that hour's "
            "check-ins, faces and texts, and so which face came right after which check-in"
            ) in page
    root = Path(__file__).resolve().parents[2]
    readme = " ".join((root / "README.md").read_text().split())
    assert "once the hour is over and the server's hourly upkeep has run" in readme
    operations = " ".join((root / "docs" / "operations.md").read_text().split())
    assert "**Within the current hour the order is in the file.**" in operations


def test_checkin_upkeep_writes_the_file_anew_without_a_server(app, db, mallis):
    arrivals = arrive(app, db, mallis)
    result = run(app, "upkeep")
    assert result.exit_code == 0, result.output
    assert "written anew" in result.output
    assert files(app)["-wal"] == b""
    for _n, by_offset, by_pointer, monotone in orders_in_pages(files(app)[""], arrivals):
        assert monotone and by_offset in (by_pointer, by_pointer[::-1])


def test_the_server_rewrites_the_file_at_its_first_check_and_then_after_each_hour(
        app, db, mallis):
    """An hour that ended while the server was stopped is rewritten a minute after start."""
    import time

    arrivals = arrive(app, db, mallis)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert any(by_offset == list(range(VISITORS))
               for _n, by_offset, _p, _m in orders_in_pages(files(app)[""], arrivals))
    from checkin.db import connect

    thread, stop = upkeep.start_upkeep_thread({"UPKEEP_EVERY_SECONDS": 0.05,
                                               "REWRITE_QUIET_SECONDS": 0},
                                              lambda: connect(app.config["DATABASE"]))
    try:
        for _ in range(200):  # the first check: at most a few seconds on a busy machine
            pages = orders_in_pages(files(app)[""], arrivals)
            if all(by_offset in (p, p[::-1]) for _n, by_offset, p, _m in pages):
                break
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(5)
    assert all(monotone and by_offset in (p, p[::-1])
               for _n, by_offset, p, monotone in orders_in_pages(files(app)[""], arrivals))
