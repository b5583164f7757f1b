"""Every route with odd values — year 0 and 9999, huge ids, CR/LF in `next`, wrong types — as
an admin, a viewer and nobody: only 2xx, 3xx and 4xx pages, never a 500."""

import itertools
import re
from urllib.parse import urlsplit

import pytest

from tests.helpers import STAFF_PASSWORD, csrf_token, log_in, make_user, text

ODD_PATH = {
    "slug": ["mallis", "nope", "%0d%0a", "x" * 300],
    "int": ["0", "1", "9999", "2147483648", "9007199254740992", "99999999999999999999999"],
    "day": ["2026-11-23", "0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "x"],
    "key": ["nope", "%00", "a" * 300],
    "action": ["hide", "delete", "x"],
    "code": ["en", "xx", "%0d%0a"],
    "filename": ["style.css", "..%2fsecret_key", "%00"],
}
ODD_VALUES = ["0", "-1", "9999", "99999999999999999999999", "1e309", "0001-01-01",
              "9999-12-31", "9999-W53", "0000-W00", "\r\nSet-Cookie: evil=1", "/staff%0d%0a",
              "/staff\r\nLocation: //evil.example", "//evil.example", "", "x" * 3000,
              "\x00", "[]", "２０２６"]
FIELDS = ["next", "week", "year", "first", "last", "group", "fmt", "venue", "min_cell",
          "by_activity", "download", "activity", "day", "date", "new_date", "valid_from",
          "valid_until", "start", "end", "weekday", "what", "role", "venues", "gender", "step",
          "rating", "text", "username", "password", "current", "new", "repeat", "name_sv",
          "slug", "timezone", "opening_days", "months", "label", "kind", "question", "options",
          "opens", "closes", "title", "status", "answer", "lang", "again", "id", "n"]


def _paths(rule):
    names = re.findall(r"<(?:(\w+):)?(\w+)>", rule.rule)
    choices = [ODD_PATH["int"] if conv == "int" else ODD_PATH.get(
        name, ODD_PATH["slug"]) for conv, name in names]
    for combo in itertools.product(*choices):
        path = rule.rule
        for (conv, name), value in zip(names, combo, strict=True):
            path = path.replace(f"<{conv + ':' if conv else ''}{name}>", value, 1)
        yield path


def _requests(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        paths = list(_paths(rule))[:40]
        for path, value in zip(itertools.cycle(paths), ODD_VALUES, strict=False):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, path, {name: value for name in FIELDS}


@pytest.fixture
def odd_app(app, db, mallis):
    make_user(db, "boss", "admin")
    make_user(db, "vera", "viewer")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 page, listed below, not a traceback
    return app


@pytest.mark.parametrize("who", ["boss", None])
def test_no_route_answers_500_to_odd_values(odd_app, who):
    client = odd_app.test_client()
    if who:
        assert log_in(client, who).status_code == 302
    odd_app.config["WTF_CSRF_ENABLED"] = False  # reach the route itself, not the CSRF check
    failures = []
    for method, path, values in _requests(odd_app):
        if path == "/staff/logout" or path.endswith("/active"):
            continue  # would end this very session or turn the account off
        if method == "GET":
            response = client.get(path, query_string=values)
        else:
            response = client.post(path, query_string={"next": values["next"]}, data=values)
        if response.status_code >= 500:
            failures.append((method, path, values["next"][:40]))
        for header in response.headers.getlist("Location"):
            assert "\n" not in header and "\r" not in header
            assert urlsplit(header).netloc in ("", "localhost"), header
        response.close()
    assert failures == []


@pytest.mark.parametrize("target", ["/staff%0d%0aX", "/staff/%0d%0aSet-Cookie:%20a=b",
                                    "/staff/%E2%80%A8", "/staff/%00", "/staff/%FF"])
def test_login_with_cr_lf_in_next_lands_on_the_staff_start(client, db, target):
    make_user(db, "anna")
    page = client.get("/staff/login?next=" + target)
    response = client.post("/staff/login?next=" + target, data={
        "csrf_token": csrf_token(text(page)), "username": "anna", "password": STAFF_PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location
    assert client.get(location).status_code < 500


@pytest.mark.parametrize("year", ["0", "1", "1999", "9999", "99999999999999999999"])
def test_a_report_for_a_year_out_of_range_is_not_found(admin, year):
    response = admin.get(f"/staff/mallis/report/{year}")
    assert response.status_code == 404
