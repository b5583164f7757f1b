"""Fixtures: a fresh app on a temporary instance folder for every test, venues, logged-in staff.

Helpers that read like the product are in tests/helpers.py.
"""

import datetime as dt
import os
import shutil

import pytest

from checkin import create_app
from checkin.db import connect, migrate
from tests.helpers import MONDAY_MORNING, log_in, make_user, venue_row


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """One database with every migration applied, copied for each test: running all the
    migrations for every test cost most of the suite's time."""
    path = tmp_path_factory.mktemp("template") / "checkin.db"
    db = connect(str(path))
    migrate(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def app(tmp_path, monkeypatch, migrated_database):
    for name in [n for n in os.environ if n.startswith("CHECKIN_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CHECKIN_INSTANCE", str(tmp_path))
    app = create_app({"TESTING": True, "FROZEN_NOW": MONDAY_MORNING})
    shutil.copyfile(migrated_database, app.config["DATABASE"])
    os.chmod(app.config["DATABASE"], 0o600)
    db = connect(app.config["DATABASE"])
    migrate(db)  # nothing left to apply: a test that adds a migration still gets it
    # What the migrations drew at random is drawn again, as a new database would have it:
    # the schedule's token keys an in-process cache shared by every test.
    with db.conn:
        db.execute("UPDATE schedule_version SET token = lower(hex(randomblob(16)))")
        db.execute("UPDATE server_secret SET secret = lower(hex(randomblob(32)))")
    db.conn.close()
    return app


@pytest.fixture
def db(app):
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.conn.close()


def _demo_venue(db, slug, name, organisation, address, activities):
    from checkin.demo import create_venue

    create_venue(db, slug, name, organisation, address, activities,
                 dt.date.fromisoformat(MONDAY_MORNING[:10]))
    return venue_row(db, slug)


@pytest.fixture
def mallis(app, db):
    """The demo's Mallis venue with its week, and no visits."""
    from checkin.demo import MALLIS

    return _demo_venue(db, "mallis", "Mallis", "Street Minds", "Malmskillnadsgatan", MALLIS)


@pytest.fixture
def victor(app, db):
    from checkin.demo import VICTOR

    return _demo_venue(db, "victor", "Victor", "Skyddsvärnet", "Göteborg", VICTOR)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin(app, db, client, mallis):
    make_user(db, "boss", "admin")
    assert log_in(client, "boss").status_code == 302
    return client


@pytest.fixture
def staff(app, db, client, mallis):
    make_user(db, "anna", "staff")
    assert log_in(client, "anna").status_code == 302
    return client
