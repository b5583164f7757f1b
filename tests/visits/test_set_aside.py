"""A flood of check-ins is marked on the dashboard, set aside by an admin with a reason, kept,
left out of every figure, and brought back: both in the audit log, with their write."""

import datetime as dt

import pytest

from checkin.accounts import audit
from checkin.figures import dashboard_figures, yearly_report
from checkin.figures.tables import figures
from checkin.publishing.exports import write
from checkin.visits import set_aside
from checkin.visits.recording import day_counts
from checkin.yearclose import close_year
from tests.helpers import activity_id, audit_lines, csrf_token, insert, log_in, make_user, text

TODAY = dt.date(2026, 11, 23)  # the frozen clock's Monday
FLOOD_DAY = "2026-11-03"
FLOOD = 685  # what one session cookie and CSRF token posted again and again stored in 10 s


def ordinary_weeks(db, venue):
    """Two to six check-ins on each weekday of the 60 days before today, one tally a week."""
    rows, day = [], TODAY - dt.timedelta(days=60)
    while day < TODAY:
        if day.weekday() < 5:
            for n in range(2 + day.toordinal() % 5):
                rows.append((day.isoformat(), 10 + n % 3, "Sygrupp", "man" if n % 4 else "woman",
                             "qr" if n % 3 else "kiosk", f"p{n}-{day.isocalendar()[1]}"
                             if n % 3 else None))
            if day.weekday() == 1:
                rows.append((day.isoformat(), None, "Matlagningskurs", "man", "tally", None))
        day += dt.timedelta(days=1)
    insert(db, venue, rows)


def flood(db, venue, n=FLOOD, hour=14, source="qr", day=FLOOD_DAY):
    insert(db, venue, [(day, hour, "Sygrupp", "woman", source, f"fake-{i}-{source}")
                       for i in range(n)])


def year_csv(db, venue):
    return b"".join(write(figures(db, dt.date(2026, 1, 1), dt.date(2026, 12, 31), group,
                                  by_activity=by, venue_id=venue["id"]), "csv")
                    for group in ("day", "month") for by in (False, True))


def counted(db, venue, first=FLOOD_DAY, last=FLOOD_DAY):
    row = figures(db, dt.date.fromisoformat(first), dt.date.fromisoformat(last), "year",
                  venue_id=venue["id"]).rows[0]
    return row["visits_total"], row["persons_total"], row["visits_women"]


def log_in_as(db, client, role):
    make_user(db, role, role)
    assert log_in(client, role).status_code == 302
    return client


@pytest.fixture
def flooded(db, mallis):
    """The ordinary weeks and the flood; what the figures were before it and after it."""
    ordinary_weeks(db, mallis)
    before = {"csv": year_csv(db, mallis), "day": counted(db, mallis)}
    flood(db, mallis)
    visits, persons, women = before["day"]
    before["flooded"] = (visits + FLOOD, persons + FLOOD, women + FLOOD)
    return before


# --- the mark on the dashboard --------------------------------------------------------------

def test_a_normal_busy_day_is_the_90th_percentile_and_a_flood_is_marked(db, mallis, flooded):
    unusual = dashboard_figures.unusual_check_ins(db, mallis["id"], TODAY)
    assert unusual["normal"] == 10 and unusual["limit"] == 30  # 6 a day at most: the floor
    [day] = unusual["days"]
    assert (day["date"].isoformat(), day["visits"]) == (FLOOD_DAY, FLOOD + 5)  # 5 real ones
    assert [(h["hour"], h["visits"]) for h in day["hours"] if h["unusual"]] == [(14, FLOOD)]


def test_a_venue_with_busy_days_gets_a_higher_bar_and_one_flood_does_not_raise_it(db, mallis):
    for i in range(1, 41):
        insert(db, mallis, [((TODAY - dt.timedelta(days=i)).isoformat(), 11, "Yoga", None,
                             "kiosk", None)] * (12 + i % 9))
    flood(db, mallis, n=200, day=(TODAY - dt.timedelta(days=3)).isoformat())
    unusual = dashboard_figures.unusual_check_ins(db, mallis["id"], TODAY)
    # 12 to 20 a day; the 90th percentile is 19 without the flood and 20 with it.
    assert unusual["normal"] == 20 and unusual["limit"] == 60
    assert [d["visits"] for d in unusual["days"]] == [215]


def test_a_christmas_party_of_fifteen_is_not_a_flood(db, mallis):
    ordinary_weeks(db, mallis)
    flood(db, mallis, n=15, hour=17)
    assert dashboard_figures.unusual_check_ins(db, mallis["id"], TODAY)["days"] == []


def test_the_dashboard_marks_the_flood_and_only_admins_get_the_button(app, db, client, mallis,
                                                                        flooded):
    staff = log_in_as(db, client, "staff")
    html = text(staff.get("/staff/mallis/figures"))
    assert "Ovanligt många incheckningar" in html and "685" in html
    assert "Bara en admin kan lägga incheckningar åt sidan." in html
    assert "/staff/mallis/set-aside/new" not in html
    admin = app.test_client()
    log_in_as(db, admin, "admin")
    admin.set_cookie("lang", "en")
    html = text(admin.get("/staff/mallis/figures"))
    assert "Unusually many check-ins" in html and "more than 30, three times as many" in html
    assert f"/staff/mallis/set-aside/new?date={FLOOD_DAY}&amp;hour=14" in html


# --- setting aside and bringing back --------------------------------------------------------

def confirm_page(client, query):
    return client.get(f"/staff/mallis/set-aside/new?{query}")


def set_aside_by_page(client, day=FLOOD_DAY, hour="14", reason="Samma kaka 685 gånger"):
    page = confirm_page(client, f"date={day}&hour={hour}")
    return client.post("/staff/mallis/set-aside/new", data={
        "csrf_token": csrf_token(text(page)), "date": day, "hour": hour, "reason": reason})


def test_an_admin_sets_a_flood_aside_and_every_figure_is_as_before_it(db, client, mallis,
                                                                       flooded):
    admin = log_in_as(db, client, "admin")
    assert flooded["day"] == (6, 3, 2)  # 5 check-ins (3 phones) and one tally that Tuesday
    assert counted(db, mallis) == flooded["flooded"] == (691, 688, 687)
    page = confirm_page(admin, f"date={FLOOD_DAY}&hour=14")
    assert page.status_code == 200
    assert "kl. 14–15: 685 incheckningar med QR-kod och 0 på surfplattan räknas nu." in text(page)
    assert set_aside_by_page(admin).status_code == 302
    # Kept, not deleted: every row is still there, marked.
    assert db.execute("SELECT count(*) FROM visit WHERE set_aside_id IS NOT NULL"
                      ).fetchone()[0] == FLOOD
    assert db.execute("SELECT count(*) FROM visit WHERE date = ?", [FLOOD_DAY]
                      ).fetchone()[0] == FLOOD + 6
    assert counted(db, mallis) == flooded["day"] == (6, 3, 2)
    assert year_csv(db, mallis) == flooded["csv"]  # every export as before the flood
    assert dashboard_figures.unusual_check_ins(db, mallis["id"], TODAY)["days"] == []
    [line] = audit_lines(db)
    assert (line["action"], line["username"]) == ("check-ins set aside", "admin")
    assert line["detail"] == (f"{FLOOD_DAY} 14:00–15:00: 685 check-ins. "
                              "Reason: Samma kaka 685 gånger")
    history = text(admin.get("/staff/mallis/set-aside"))
    assert "tisdag 3 november 2026, kl. 14–15: 685 incheckningar" in history
    assert "Skäl: Samma kaka 685 gånger" in history


def test_the_whole_day_sets_aside_qr_and_kiosk_but_never_a_tally(db, client, mallis):
    ordinary_weeks(db, mallis)
    flood(db, mallis, n=40, hour=11, source="kiosk")
    insert(db, mallis, [(FLOOD_DAY, None, "Sygrupp", "man", "tally", None)] * 2)
    admin = log_in_as(db, client, "admin")
    assert set_aside_by_page(admin, hour="").status_code == 302
    assert counted(db, mallis)[0] == 3  # the one and the two counted by hand stay
    assert day_counts(db, mallis["id"], dt.date.fromisoformat(FLOOD_DAY),
                      activity_id(db, "Sygrupp")) == {
        "qr": dict.fromkeys(("woman", "man", "other", "unstated"), 0),
        "kiosk": dict.fromkeys(("woman", "man", "other", "unstated"), 0),
        "tally": {"woman": 0, "man": 2, "other": 0, "unstated": 0}}
    assert tuple(db.execute("SELECT hour, visits FROM set_aside").fetchone()) == (None, 45)


def test_bringing_back_counts_them_again_with_an_audit_line(db, client, mallis, flooded):
    admin = log_in_as(db, client, "admin")
    set_aside_by_page(admin)
    decision = db.execute("SELECT id FROM set_aside").fetchone()[0]
    url = f"/staff/mallis/set-aside/{decision}/bring-back"
    page = admin.get(url)
    assert "685 incheckningar lagda åt sidan av admin" in text(page)
    response = admin.post(url, data={"csrf_token": csrf_token(text(page))})
    assert response.status_code == 302
    assert counted(db, mallis) == flooded["flooded"]
    assert [a["action"] for a in audit_lines(db)] == ["check-ins set aside",
                                                      "check-ins brought back"]
    assert audit_lines(db)[-1]["detail"] == f"{FLOOD_DAY} 14:00–15:00: 685 check-ins count again"
    again = admin.post(url, data={"csrf_token": csrf_token(text(page))})
    assert again.status_code == 400 and "redan tillbakatagna" in text(again)
    assert len(audit_lines(db)) == 2


@pytest.mark.parametrize("data, message", [
    ({"reason": ""}, "Fyll i det här."),
    ({"reason": "x" * 201}, "Skälet får vara högst 200 tecken."),
    ({"hour": "24"}, "Välj en timme, eller hela dagen."),
    ({"date": "3 november"}, "ÅÅÅÅ-MM-DD"),
    ({"date": "2026-11-04"}, "Det finns inga incheckningar med QR-kod eller på surfplattan kvar"),
])
def test_a_bad_set_aside_is_refused_and_nothing_changes(db, client, mallis, flooded, data,
                                                        message):
    admin = log_in_as(db, client, "admin")
    page = confirm_page(admin, f"date={FLOOD_DAY}&hour=14")
    response = admin.post("/staff/mallis/set-aside/new", data={
        "csrf_token": csrf_token(text(page)), "date": FLOOD_DAY, "hour": "14",
        "reason": "flod", **data})
    assert response.status_code == 400 and message in text(response)
    assert db.execute("SELECT count(*) FROM set_aside").fetchone()[0] == 0
    assert counted(db, mallis) == flooded["flooded"] and audit_lines(db) == []


def test_an_odd_confirm_address_is_not_found(db, client, mallis):
    admin = log_in_as(db, client, "admin")
    assert confirm_page(admin, "date=igår").status_code == 404
    assert confirm_page(admin, f"date={FLOOD_DAY}&hour=25").status_code == 404
    assert admin.get("/staff/mallis/set-aside/99/bring-back").status_code == 404


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_only_an_admin_sets_aside(db, client, mallis, flooded, role):
    user = log_in_as(db, client, role)
    token = csrf_token(text(user.get("/staff/login", follow_redirects=True)))
    response = user.post("/staff/mallis/set-aside/new", data={
        "csrf_token": token, "date": FLOOD_DAY, "hour": "14", "reason": "flod"})
    assert response.status_code == 403
    assert db.execute("SELECT count(*) FROM set_aside").fetchone()[0] == 0


def test_a_failed_audit_line_leaves_nothing_set_aside(db, mallis, flooded, monkeypatch):
    def broken(*_args, **_kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "write", broken)
    with pytest.raises(RuntimeError):
        set_aside.set_aside(db, venue_id=mallis["id"], day=dt.date.fromisoformat(FLOOD_DAY),
                            hour=14, reason="flod", user={"id": None, "username": "x"})
    assert db.execute("SELECT count(*) FROM set_aside").fetchone()[0] == 0
    assert counted(db, mallis) == flooded["flooded"]


# --- the report and the yearly close ---------------------------------------------------------

def test_the_method_paragraph_says_how_many_were_set_aside_and_when(db, mallis, flooded):
    user = {"id": None, "username": "boss"}
    def report(locale):
        return yearly_report.yearly_report(db, mallis["id"], 2026, today=TODAY,
                                           locale=locale)["method"]

    assert "Inga incheckningar lades åt sidan" in report("sv")
    set_aside.set_aside(db, venue_id=mallis["id"], day=dt.date.fromisoformat(FLOOD_DAY),
                        hour=14, reason="flod", user=user)
    assert ("685 incheckningar med QR-kod och på surfplattan lades åt sidan eftersom ingen "
            "riktig dörr kan ha gett dem (långt fler än en vanlig full dag: 3 november kl. "
            "14–15)") in report("sv")
    assert ("685 QR and tablet check-ins were set aside because no real door made them (far "
            "more than a normal busy day: 3 November 14:00–15:00)") in report("en")


def test_a_closed_year_is_never_set_aside_or_brought_back(db, mallis):
    flood(db, mallis, n=50, day="2025-06-03")
    user = {"id": None, "username": "boss"}
    decision = set_aside.set_aside(db, venue_id=mallis["id"], day=dt.date(2025, 6, 3), hour=14,
                                   reason="flod", user=user)
    flood(db, mallis, n=50, day="2025-06-04")
    close_year(db, 2025, TODAY)
    # The close counted persons without the set-aside flood: 50 on 4 June, none on 3 June.
    frozen = dict(db.execute("SELECT first_day, total FROM frozen_persons WHERE scope = 'all' "
                             "AND first_day = last_day").fetchall())
    assert frozen == {"2025-06-04": 50}
    for action in (lambda: set_aside.set_aside(db, venue_id=mallis["id"],
                                               day=dt.date(2025, 6, 4), hour=14,
                                               reason="flod", user=user),
                   lambda: set_aside.bring_back(db, venue_id=mallis["id"],
                                                set_aside_id=decision["id"], user=user)):
        with pytest.raises(set_aside.SetAsideRefused) as refused:
            action()
        assert refused.value.reason == "closed_year"
    assert db.execute("SELECT count(*) FROM visit WHERE set_aside_id IS NOT NULL"
                      ).fetchone()[0] == 50


def test_after_a_flood_is_set_aside_the_door_counts_real_visitors_again(app, db, client, mallis):
    """The flood filled the door's day bound: a real visitor is still let in (never refused),
    set aside for review; once staff set the flood aside, new visitors count at once."""
    from tests.helpers import check_in, visits

    app.config.update(CHECKINS_PER_DAY=150, CHECKINS_PER_MINUTE=1000)
    flood(db, mallis, n=150, hour=9, day=TODAY.isoformat())
    visitor = app.test_client()
    let_in = check_in(visitor, mallis, "none")
    assert let_in.status_code == 302
    assert db.execute("SELECT count(*) FROM visit WHERE set_aside_id IS NOT NULL"
                      ).fetchone()[0] == 1
    admin = {"id": make_user(db, "boss", "admin"), "username": "boss"}
    set_aside.set_aside(db, venue_id=mallis["id"], day=TODAY, hour=9, reason="Flood",
                        user=admin)
    before = len(visits(db))
    assert check_in(app.test_client(), mallis, "none").status_code == 302
    assert len(visits(db)) == before + 1
    counted_now = db.execute("SELECT count(*) FROM visit WHERE date = ? AND set_aside_id IS NULL",
                             [TODAY.isoformat()]).fetchone()[0]
    assert counted_now == 1
