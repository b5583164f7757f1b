"""No staff or kiosk route answers without the right session: the whole URL map, every method."""

import re

import pytest

from tests.helpers import csrf_token, log_in, make_user, post_form, text

SAMPLE = {"slug": "mallis", "user_id": "1", "activity_id": "1", "slot_id": "1",
          "event_id": "1", "kiosk_id": "1", "day": "2026-11-23", "feedback_id": "1",
          "action": "hide", "survey_id": "1", "question_id": "1", "idea_id": "1", "year": "2026",
          "set_aside_id": "1", "screen_id": "1"}
OPEN = {("/staff/login", "GET"), ("/staff/login", "POST")}
# The figures a viewer may read (saving the report's text and importing counts need staff).
VIEWER_READS = {("/staff/<slug>/figures", "GET"), ("/staff/<slug>/export", "GET"),
                ("/staff/<slug>/report", "GET"), ("/staff/<slug>/report/<int:year>", "GET")}


def guarded_routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/staff", "/kiosk")):
            continue
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: SAMPLE[m[1]], rule.rule)
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            if (rule.rule, method) not in OPEN:
                yield rule, url, method


def with_token(client):
    """A valid CSRF token for this browser, so that the role check itself is what refuses."""
    token = csrf_token(text(client.get("/staff/login", follow_redirects=True)))
    return lambda url, method: client.open(url, method=method, data={"csrf_token": token})


def refused(response):
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/staff/login" in response.location


def test_every_staff_and_kiosk_route_refuses_a_stranger(app, client, mallis):
    routes = list(guarded_routes(app))
    assert len(routes) > 30
    open_ = with_token(client)
    for rule, url, method in routes:
        response = open_(url, method)
        assert refused(response), f"{method} {rule} answered {response.status_code}"


def test_every_staff_view_is_guarded_by_require_role(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and rule.endpoint != "accounts.login":
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_role", None), rule.rule


def test_a_kiosk_cookie_opens_no_staff_route(app, client, db, mallis):
    make_user(db, "anna")
    log_in(client, "anna")
    post_form(client, "/staff/mallis/kiosks", {"label": ""})
    assert client.get("/kiosk/").status_code == 200
    token = client.get_cookie("checkin_kiosk", path="/kiosk").value
    tablet = app.test_client()
    tablet.set_cookie("checkin_kiosk", token)  # even sent on every path
    open_ = with_token(tablet)
    for rule, url, method in guarded_routes(app):
        if rule.rule.startswith("/kiosk"):
            continue
        response = open_(url, method)
        assert refused(response), f"{method} {rule} answered {response.status_code}"


@pytest.mark.parametrize("role", ["viewer"])
def test_a_viewer_reaches_no_staff_work_page(app, client, db, mallis, role):
    make_user(db, "vera", role)
    log_in(client, "vera")
    allowed = {"/staff/", "/staff/password", "/staff/logout"}
    open_ = with_token(client)
    for rule, url, method in guarded_routes(app):
        if rule.rule.startswith("/kiosk") or url in allowed:
            continue
        response = open_(url, method)
        if (rule.rule, method) in VIEWER_READS:
            assert response.status_code in (200, 302), f"{method} {rule}: {response.status_code}"
            continue
        assert response.status_code == 403, f"{method} {rule}: {response.status_code}"
