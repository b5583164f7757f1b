"""Having a say on a phone, in real Chromium: smiley, text, survey, idea, vote, staff's answer."""

import sqlite3

from tests.browser.helpers import checkin_command, screenshot


def query(live_server, sql, params=()):
    with sqlite3.connect(live_server.database) as conn:
        return conn.execute(sql, params).fetchall()


def been_here_last_week(live_server, phone):
    """The phone's code also checked in at Mallis a week ago (a visit as the door stores it)."""
    import datetime as dt

    from checkin.db import connect
    from checkin.visits.phones import person_hash, read_phone_code
    from checkin.visits.recording import record_visit

    [code] = [c["value"] for c in phone.context.cookies() if c["name"] == "checkin_phone"]
    db = connect(live_server.database)
    try:
        key = read_phone_code(db, code).key
        venue = db.execute("SELECT id FROM venue WHERE slug = 'mallis'").fetchone()[0]
        record_visit(db, venue_id=venue, day=dt.date(2026, 11, 16), hour=11, source="qr",
                     person_hash=person_hash(db, venue, key, 2026))
    finally:
        db.conn.close()


def test_check_in_rate_the_day_answer_the_survey_suggest_and_vote(live_server, phone):
    door = checkin_command(live_server.env, "door-url", "mallis").strip()
    feedback_before = query(live_server, "SELECT count(*) FROM feedback")[0][0]
    responses_before = query(live_server, "SELECT count(*) FROM survey_response")[0][0]
    phones_before = query(live_server, "SELECT count(*) FROM survey_response "
                          "WHERE from_remembered_phone = 1")[0][0]

    phone.goto(door)
    phone.get_by_role("button", name="Checka in").click()
    phone.get_by_role("button", name="Vill inte svara").click()
    phone.get_by_role("button", name="Ja, kom ihåg telefonen").click()
    # Sygrupp has only just begun: the thanks page asks nothing about it yet.
    assert "Hur var det" not in phone.locator("main").inner_text()
    screenshot(phone, "feedback-done-sv")

    phone.goto(live_server.url + "/mallis/feedback")  # later, from the week's link
    assert "Peer support" not in phone.locator("main").inner_text()  # not begun: not offered
    phone.locator("label.choice", has_text="Sygrupp").click()

    phone.get_by_role("button", name="Jättebra").click()  # the face's word is its name
    assert "Vill du säga något mer?" in phone.locator("main").inner_text()
    phone.get_by_label("Vill du säga något mer?").fill("Härlig sygrupp <b>tack</b>!")
    screenshot(phone, "feedback-text-sv")
    phone.get_by_role("button", name="Skicka").click()
    assert "Tack för att du berättar!" in phone.locator("main").inner_text()
    rating, text, activity = query(live_server, "SELECT rating, text, activity_name FROM ("
                                   "SELECT feedback.*, activity.name_sv AS activity_name FROM "
                                   "feedback LEFT JOIN activity ON activity.id = activity_id) "
                                   "WHERE text LIKE 'Härlig%'")[0]
    assert (rating, text, activity) == (5, "Härlig sygrupp <b>tack</b>!", "Sygrupp")
    assert query(live_server, "SELECT count(*) FROM feedback")[0][0] == feedback_before + 1

    phone.get_by_role("link", name="Kort enkät").click()
    assert "Behöver du mer stöd med ensamhet?" in phone.locator("main").inner_text()
    phone.locator("fieldset").nth(0).get_by_text("Delvis").click()
    phone.locator("fieldset").nth(1).get_by_text("Nej").click()
    screenshot(phone, "survey-sv")
    phone.get_by_role("button", name="Skicka svaren").click()
    assert "Tack för dina svar!" in phone.locator("main").inner_text()
    assert query(live_server, "SELECT count(*) FROM survey_response")[0][0] == responses_before + 1
    assert query(live_server, "SELECT count(*) FROM survey_response "
                 "WHERE from_remembered_phone = 1")[0][0] == phones_before + 1
    phone.goto(live_server.url + "/mallis/survey")  # a remembered phone answers once
    assert "redan svarat" in phone.locator("main").inner_text()

    phone.goto(live_server.url + "/mallis/ideas")
    phone.get_by_label("Din idé").fill("Pingisbord i lokalen")
    phone.get_by_role("button", name="Skicka idén").click()
    assert "Tack för din idé!" in phone.locator("main").inner_text()
    assert "Pingisbord i lokalen" not in phone.locator(".ideas").inner_text()
    bingo = phone.locator(".idea", has_text="Bingo på fredagar")
    votes_before = query(live_server, "SELECT count(*) FROM idea_vote")[0][0]
    # A code made today does not vote yet: a phone votes where it has been on two days.
    bingo.get_by_role("button", name="Rösta på idén").click()
    assert "kan inte rösta här än. Inget sparades." in phone.locator("main").inner_text()
    assert query(live_server, "SELECT count(*) FROM idea_vote")[0][0] == votes_before
    been_here_last_week(live_server, phone)
    phone.goto(live_server.url + "/mallis/ideas")
    bingo = phone.locator(".idea", has_text="Bingo på fredagar")
    bingo.get_by_role("button", name="Rösta på idén").click()
    assert "Tack för din röst!" in phone.locator("main").inner_text()
    assert "Du har röstat på idén." in phone.locator(".idea", has_text="Bingo").inner_text()
    assert query(live_server, "SELECT count(*) FROM idea_vote")[0][0] == votes_before + 1

    # Staff approve the new idea (from the command line until the staff pages exist).
    idea_id = query(live_server, "SELECT id FROM idea WHERE text = ?",
                    ["Pingisbord i lokalen"])[0][0]
    checkin_command(live_server.env, "ideas", "set", str(idea_id), "--publish", "--status",
                    "planned", "--answer-sv", "Vi köper ett i december.")
    phone.reload()
    mine = phone.locator(".idea", has_text="Pingisbord i lokalen")
    assert "Blir av" in mine.inner_text() and "Vi köper ett i december." in mine.inner_text()
    screenshot(phone, "ideas-sv")


def test_the_pages_fit_320px_have_big_targets_and_weigh_little(live_server, browser):
    for path in ("/mallis/feedback", "/mallis/survey", "/mallis/ideas"):
        # A fresh phone for each page: nothing cached, so this is a first visit's weight.
        context = browser.new_context(viewport={"width": 320, "height": 640},
                                      java_script_enabled=False)
        page = context.new_page()
        sizes = []
        page.on("requestfinished", lambda r, sizes=sizes: sizes.append(
            r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        weight = sum(sizes)
        print(f"{path}: {len(sizes)} requests, {weight} bytes transferred")
        assert weight < 30_000
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        small = page.evaluate("""() => [...document.querySelectorAll(
            'a, button, input, summary, textarea')]
            .filter(e => e.offsetParent !== null && !e.classList.contains('skip-link')
                    && e.type !== 'radio')
            .map(e => e.getBoundingClientRect()).filter(r => r.height < 44).length""")
        assert small == 0, path
        screenshot(page, "feedback" + path.replace("/", "-"))
        context.close()


def test_the_other_visitor_pages_fit_360px_at_200_percent_text(live_server, browser,
                                                              tmp_path_factory):
    """features.md: every visitor page fits 360 px at 200 % text. The door's steps, the week
    and the privacy page are walked in test_door_steps_browser.py; these are the rest."""
    from tests.browser.helpers import layout_problems, text_size_context

    context = text_size_context(browser, tmp_path_factory, 200,
                                viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        problems = {}
        for lang in ("sv", "en"):
            page.goto(live_server.url + f"/lang/{lang}")
            for path in ("/mallis/feedback", "/mallis/survey", "/mallis/ideas",
                         "/mallis/in/oldkey99", "/accessibility", "/no-such-page"):
                page.goto(live_server.url + path)
                found = layout_problems(page, 360)
                if found:
                    problems[(lang, path)] = found
        assert problems == {}
    finally:
        context.close()
