"""Security headers on every kind of response, Secure cookies with HTTPS, no trust in Host."""

import pytest
from flask import url_for

from checkin import create_app
from checkin.visits.door import door_path, door_url
from checkin.web.security import CONTENT_SECURITY_POLICY
from tests.helpers import MONDAY_MORNING, csrf_token, hidden_fields, text

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def assert_safe_headers(response):
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name
    csp = response.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "img-src 'self' data:", "style-src 'self'",
                 "script-src 'none'", "form-action 'self'", "base-uri 'none'",
                 "frame-ancestors 'none'"):
        assert part in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("path", [
    "/mallis/", "/privacy", "/healthz", "/nowhere", "/mallis/in/oldoldold",
    "/static/style.css", "/static/pictograms.svg",
])
def test_every_response_carries_the_security_headers(client, mallis, path):
    with client.get(path) as response:
        assert_safe_headers(response)
        assert "Strict-Transport-Security" not in response.headers


def test_the_door_page_and_a_refused_post_carry_them_too(client, mallis):
    door = f"/mallis/in/{mallis['door_key']}"
    assert_safe_headers(client.get(door))
    refused = client.post(door, data={"day": "x"})
    assert refused.status_code == 400
    assert_safe_headers(refused)


def test_no_template_uses_inline_script_or_style():
    from pathlib import Path

    for template in (Path(__file__).parents[2] / "templates").rglob("*.html"):
        source = template.read_text()
        assert "<script" not in source and "style=" not in source, template.name
    # The favicon is a data: URL, which img-src allows.
    assert "img-src 'self' data:" in CONTENT_SECURITY_POLICY


@pytest.fixture
def https_app(app, tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKIN_HTTPS", "on")
    monkeypatch.setenv("CHECKIN_DATABASE", app.config["DATABASE"])
    return create_app({"TESTING": True, "FROZEN_NOW": MONDAY_MORNING})


def test_with_https_every_cookie_is_secure_and_hsts_is_sent(https_app, mallis):
    client = https_app.test_client()
    door = f"/mallis/in/{mallis['door_key']}"
    page = client.get(door, base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    checked_in = client.post(door, base_url="https://localhost", data=hidden_fields(text(page)))
    assert checked_in.status_code == 302
    token = csrf_token(text(page))
    client.post(door + "/done", base_url="https://localhost", data={
        "csrf_token": token, "question": "gender", "answer": "man"})
    remembered = client.post(door + "/done", base_url="https://localhost", data={
        "csrf_token": token, "question": "remember", "answer": "yes"})
    language = client.get("/lang/en", base_url="https://localhost")
    cookies = (checked_in.headers.getlist("Set-Cookie") + remembered.headers.getlist("Set-Cookie")
               + language.headers.getlist("Set-Cookie"))
    names = {c.split("=", 1)[0] for c in cookies}
    # __Host-: the browser keeps it only if Secure, for the whole site, from this host only.
    assert {"__Host-session", "checkin_phone", "checkin_step", "lang"} <= names
    assert "session" not in names
    for cookie in cookies:
        if "=;" in cookie:  # a deleted cookie (the unsigned answer of old) holds nothing
            continue
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_without_https_the_session_cookie_is_httponly_and_lax(client, mallis):
    door = f"/mallis/in/{mallis['door_key']}"
    page = client.get(door)
    response = client.post(door, data=hidden_fields(text(page)))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


FORGED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Port": "666",
}


@pytest.mark.parametrize("proxies", [0, 1])
def test_forged_host_and_forwarded_headers_change_no_address(app, mallis, monkeypatch, proxies):
    monkeypatch.setenv("CHECKIN_DATABASE", app.config["DATABASE"])
    monkeypatch.setenv("CHECKIN_BASE_URL", "https://checkin.example.org")
    monkeypatch.setenv("CHECKIN_PROXY_COUNT", str(proxies))
    forged_app = create_app({"TESTING": True, "FROZEN_NOW": MONDAY_MORNING})
    expected = f"https://checkin.example.org/mallis/in/{mallis['door_key']}"
    with forged_app.test_request_context("/", headers=FORGED):
        assert door_url(forged_app.config["BASE_URL"], mallis) == expected
        # door.py writes the path itself (no Flask): the route must still be that path.
        assert url_for("visits.check_in", slug="mallis", key=mallis["door_key"]) == door_path(
            mallis)

    client = forged_app.test_client()
    door = f"/mallis/in/{mallis['door_key']}"
    page = client.get(door, headers=FORGED)
    assert page.status_code == 200 and "evil.example" not in text(page)
    response = client.post(door, headers=FORGED, data=hidden_fields(text(page)))
    assert response.status_code == 302
    assert response.headers["Location"] == door + "/done"
    language = client.get("/lang/en?next=/mallis/", headers=FORGED)
    assert language.headers["Location"] == "/lang/en/set?next=/mallis/"
    assert client.get(language.headers["Location"], headers=FORGED).headers["Location"] == (
        "/mallis/")
    assert "evil.example" not in client.get("/", headers=FORGED).headers.get("Location", "")


def test_no_staff_or_kiosk_page_is_kept_in_the_browser_cache(app, client):
    """Shared computers: after logout the back button must not show figures or free texts."""
    for path in ("/staff/login", "/staff/mallis/feedback/texts", "/staff/mallis/figures",
                 "/kiosk/"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    assert client.get("/accessibility").headers.get("Cache-Control") != "no-store"


def test_every_visitor_page_that_carries_state_is_never_cached(app, client, mallis):
    """The door, done, feedback, survey, ideas, forget and privacy pages show this browser's own
    step, phone code or token (before: no Cache-Control on the door, done and ideas pages)."""
    from tests.helpers import check_in, door

    check_in(client, mallis, "none")
    for path in (door(mallis), door(mallis) + "/done", "/mallis/feedback",
                 "/mallis/feedback/thanks", "/mallis/survey", "/mallis/ideas", "/mallis/forget",
                 "/forget", "/privacy", "/mallis/privacy"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("Cache-Control") == "no-store", path
    # The week page carries a message for this browser only after "Glöm koden".
    forgot = client.post("/mallis/forget", data={"csrf_token": csrf_token(text(
        client.get(door(mallis))))})
    flashed = client.get(forgot.location)
    assert "Koden är borttagen. Telefonen minns ingenting." in text(flashed)
    assert flashed.headers.get("Cache-Control") == "no-store"
    assert client.get("/mallis/").headers.get("Cache-Control") != "no-store"


def test_static_files_carry_their_version_and_are_kept_a_year(client, mallis):
    page = text(client.get("/mallis/"))
    css = page.split('<link rel="stylesheet" href="')[1].split('"')[0]
    assert css.startswith("/static/style.css?v=") and len(css.split("v=")[1]) == 8
    assert "/static/pictograms.svg?v=" in page
    with client.get(css) as kept:
        assert kept.status_code == 200
        assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Without the version (or with an old one) the browser must ask again.
    for stale in ("/static/style.css", "/static/style.css?v=00000000"):
        with client.get(stale) as response:
            assert "immutable" not in response.headers.get("Cache-Control", "")
