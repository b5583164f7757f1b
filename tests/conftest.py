"""Fresh app on a temporary instance folder for every test; helpers that read like the product."""

import datetime as dt
import os
import re

import pytest

from checkin import create_app
from checkin.db import connect, migrate

MONDAY_MORNING = "2026-11-23T10:15"  # Sygrupp runs 10–12 on Mondays in the demo week


@pytest.fixture
def app(tmp_path, monkeypatch):
    for name in [n for n in os.environ if n.startswith("CHECKIN_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CHECKIN_INSTANCE", str(tmp_path))
    app = create_app({"TESTING": True, "FROZEN_NOW": MONDAY_MORNING})
    db = connect(app.config["DATABASE"])
    migrate(db)
    db.conn.close()
    return app


@pytest.fixture
def db(app):
    conn = connect(app.config["DATABASE"])
    yield conn
    conn.conn.close()


@pytest.fixture
def mallis(app, db):
    """The demo's Mallis venue with its week, and no visits."""
    from checkin.demo import MALLIS, _create_venue

    today = dt.date.fromisoformat(MONDAY_MORNING[:10])
    _create_venue(db, "mallis", "Mallis", "Street Minds", "Malmskillnadsgatan", MALLIS, today)
    return venue_row(db, "mallis")


@pytest.fixture
def victor(app, db):
    from checkin.demo import VICTOR, _create_venue

    today = dt.date.fromisoformat(MONDAY_MORNING[:10])
    _create_venue(db, "victor", "Victor", "Skyddsvärnet", "Göteborg", VICTOR, today)
    return venue_row(db, "victor")


@pytest.fixture
def client(app):
    return app.test_client()


def venue_row(db, slug):
    return dict(db.execute("SELECT * FROM venue WHERE slug = ?", [slug]).fetchone())


def activity_id(db, name_sv, venue_slug="mallis"):
    return db.execute(
        "SELECT activity.id FROM activity JOIN venue ON venue.id = activity.venue_id "
        "WHERE name_sv = ? AND venue.slug = ?", [name_sv, venue_slug],
    ).fetchone()[0]


def visits(db):
    """Every visit, in the order of what it says: ids are random and say nothing."""
    return [dict(r) for r in db.execute(
        "SELECT * FROM visit ORDER BY date, coalesce(hour, -1), source, "
        "coalesce(gender, ''), coalesce(activity_id, 0), coalesce(person_hash, '')")]


def csrf_token(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match[1]


def text(response):
    return response.get_data(as_text=True)


STAFF_PASSWORD = "a long staff password 42"


def make_user(db, username, role="staff", venue_ids=()):
    from checkin.accounts import auth

    user_id = auth.create_user(db, username, STAFF_PASSWORD, role)
    if venue_ids:
        auth.set_user_venues(db, user_id, venue_ids)
    return user_id


def log_in(client, username, password=STAFF_PASSWORD):
    page = client.get("/staff/login", follow_redirects=True)
    return client.post("/staff/login", data={
        "csrf_token": csrf_token(text(page)), "username": username, "password": password})


def post_form(client, url, data, page_url=None):
    """Open the form's page for a CSRF token, then post `data` to it."""
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_token(text(page)), **data})


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


def audit_lines(db):
    return [dict(r) for r in db.execute("SELECT * FROM audit_log ORDER BY id")]
