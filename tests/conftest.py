"""Fixtures: a fresh app on a temporary instance folder for every test, venues, logged-in staff.

Helpers that read like the product are in tests/helpers.py.
"""

import datetime as dt
import os
import shutil

import pytest
from jinja2 import BytecodeCache

from checkin import create_app
from checkin.db import connect, migrate
from tests.helpers import MONDAY_MORNING, make_user, venue_row


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


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept for the whole run: every test builds its own app, and compiling
    the templates anew took most of a page test's time. Jinja keys each entry by the
    template's source, so an edited template is compiled again."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


@pytest.fixture
def database(tmp_path, migrated_database):
    """A fresh, fully migrated database file, without an app: rule tests need no more."""
    path = tmp_path / "checkin.db"
    shutil.copyfile(migrated_database, path)
    os.chmod(path, 0o600)
    db = connect(str(path))
    migrate(db)  # nothing left to apply: a test that adds a migration still gets it
    # What the migrations drew at random is drawn again, as a new database would have it:
    # the schedule's token keys an in-process cache shared by every test.
    with db.conn:
        db.execute("UPDATE schedule_version SET token = lower(hex(randomblob(16)))")
        db.execute("UPDATE server_secret SET secret = lower(hex(randomblob(32)))")
    db.conn.close()
    return path


@pytest.fixture
def app(tmp_path, monkeypatch, database):
    for name in [n for n in os.environ if n.startswith("CHECKIN_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CHECKIN_INSTANCE", str(tmp_path))
    app = create_app({"TESTING": True, "FROZEN_NOW": MONDAY_MORNING})
    assert app.config["DATABASE"] == str(database)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    return app


@pytest.fixture
def db(database):
    conn = connect(str(database))
    yield conn
    conn.conn.close()


def _demo_venue(db, slug, name, organisation, address, activities):
    from checkin.demo import create_venue

    create_venue(db, slug, name, organisation, address, activities,
                 dt.date.fromisoformat(MONDAY_MORNING[:10]))
    return venue_row(db, slug)


@pytest.fixture
def mallis(db):
    """The demo's Mallis venue with its week, and no visits."""
    from checkin.demo import MALLIS

    return _demo_venue(db, "mallis", "Mallis", "Street Minds", "Malmskillnadsgatan", MALLIS)


@pytest.fixture
def victor(db):
    from checkin.demo import VICTOR

    return _demo_venue(db, "victor", "Victor", "Skyddsvärnet", "Göteborg", VICTOR)


@pytest.fixture
def client(app):
    return app.test_client()


def signed_in(client, db, user_id):
    """The client holds a fresh staff session, as after logging in. The login form itself
    (its password check costs 0.2 s) is tested where logging in is the point: helpers.log_in."""
    from checkin.accounts import auth
    from checkin.accounts.access import SESSION_KEY

    token = auth.start_session(db, user_id)
    with client.session_transaction() as session:
        session[SESSION_KEY] = token
    return client


@pytest.fixture
def admin(app, db, client, mallis):
    return signed_in(client, db, make_user(db, "boss", "admin"))


@pytest.fixture
def staff(app, db, client, mallis):
    return signed_in(client, db, make_user(db, "anna", "staff"))


def pytest_collection_modifyitems(items):
    """The unit set (`pytest -m unit`, docs/development.md): tests that need no app — rules
    called with a database or plain values — and are not slow. Marked here, from the fixtures a
    test asks for, so a test that starts needing the app leaves the set by itself."""
    for item in items:
        if "app" not in getattr(item, "fixturenames", ()) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.unit)
