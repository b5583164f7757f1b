"""The floor that bench/checkin_bench.py measures beside the check-in (bench/bare_app.py): a
bare Flask POST that runs a check-in's SQL and nothing else. It is only a fair floor while
its statements are the check-in's own, so a change to what a check-in asks of SQLite fails
here until the floor is changed with it."""

import re
import sqlite3

from bench import bare_app  # imported without BENCH_FLOOR_DB: no checkpoint thread here
from checkin import db as db_module
from tests.helpers import door, hidden_fields, phone_code, text


def _shape(sql):
    """A statement without its values: literals and numbers become ?."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    sql = re.sub(r"\(\?(?:, \?)*\)", "(?)", sql)
    return " ".join(sql.split())


def _traced(seen):
    def record(sql):
        if not sql.lstrip().upper().startswith("PRAGMA") or "busy_timeout" in sql:
            seen.append(_shape(sql))
    return record


def test_the_floor_runs_the_statements_of_a_check_in(app, mallis, monkeypatch, tmp_path):
    first = app.test_client()  # a first check-in makes what is made once (the year's secret)
    first.set_cookie("checkin_phone", phone_code(app))
    assert first.post(door(mallis), data=hidden_fields(text(first.get(door(mallis))))
                      ).status_code == 302
    phone = app.test_client()
    page = text(phone.get(door(mallis)))
    phone.set_cookie("checkin_phone", phone_code(app))  # a new phone, as the bench sends
    floor_copy = tmp_path / "floor.db"
    source, copy = sqlite3.connect(app.config["DATABASE"]), sqlite3.connect(floor_copy)
    source.backup(copy)
    source.close(), copy.close()

    check_in_sql = []
    connect = db_module.connect

    def traced(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.conn.set_trace_callback(_traced(check_in_sql))
        return db

    monkeypatch.setattr(db_module, "connect", traced)
    # An activity of today, as the bench sends the one running: its choices are looked up.
    form = {**hidden_fields(page), "activity": re.findall(
        r'name="activity" value="(\d+)"', page)[0]}
    assert phone.post(door(mallis), data=form).status_code == 302
    monkeypatch.setattr(db_module, "connect", connect)

    monkeypatch.setenv("BENCH_FLOOR_DB", str(floor_copy))
    monkeypatch.setattr(bare_app, "_local", type(bare_app._local)())
    floor_sql = []
    bare_app._connection().set_trace_callback(_traced(floor_sql))
    answer = bare_app.app.test_client().post("/door", data=form)
    assert answer.status_code == 302 and "checkin_step=" in answer.headers["Set-Cookie"]

    assert len(check_in_sql) > 10
    assert floor_sql == check_in_sql
    stored = sqlite3.connect(floor_copy)
    assert stored.execute("SELECT count(*) FROM visit").fetchone()[0] == 2  # its own visit
    stored.close()
