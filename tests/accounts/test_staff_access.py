"""No staff or kiosk route answers without the right session: the whole URL map, every method."""

import pytest

from tests.helpers import guarded_routes, log_in, make_user, post_form, refused, with_token

# The figures a viewer may read (saving the report's text and importing counts need staff).
VIEWER_READS = {("/staff/<slug>/figures", "GET"), ("/staff/<slug>/export", "GET"),
                ("/staff/<slug>/report", "GET"), ("/staff/<slug>/report/<int:year>", "GET")}


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
    allowed = {"/staff/", "/staff/password", "/staff/logout", "/staff/sessions",
               "/staff/sessions/end-all"}
    open_ = with_token(client)
    for rule, url, method in guarded_routes(app):
        if rule.rule.startswith("/kiosk") or url in allowed:
            continue
        response = open_(url, method)
        if (rule.rule, method) in VIEWER_READS:
            assert response.status_code in (200, 302), f"{method} {rule}: {response.status_code}"
            continue
        assert response.status_code == 403, f"{method} {rule}: {response.status_code}"
