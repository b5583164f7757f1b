"""The idea box: suggestions wait for staff, published ideas get votes and staff's answer."""

import datetime as dt

import pytest

from checkin.feedback import ideas
from checkin.visits.routes import PHONE_COOKIE
from tests.helpers import SOMEONE, csrf_token, hidden_fields, phone_code, run, text

PHONE = "k" * 32  # a key the phone could have made
TODAY = dt.date(2026, 11, 23)


def all_ideas(db):
    return [dict(r) for r in db.execute("SELECT * FROM idea ORDER BY id")]


def votes(db):
    return db.execute("SELECT count(*) FROM idea_vote").fetchone()[0]


def suggest(client, words):
    page = text(client.get("/mallis/ideas"))
    return client.post("/mallis/ideas", data={**hidden_fields(page, "/mallis/ideas"),
                                              "text": words})


def vote(client, idea_id):
    """Tap "Vote" on the idea, or (where the page offers no button) post what a page gives."""
    page = text(client.get("/mallis/ideas"))
    action = f"/mallis/ideas/{idea_id}/vote"
    fields = hidden_fields(page, action) if action in page else {"csrf_token": csrf_token(page)}
    return client.post(action, data=fields)


@pytest.fixture
def bingo(db, mallis):
    idea_id = ideas.suggest(db, venue_id=mallis["id"], day=TODAY, text="Bingo på fredagar")
    ideas.moderate(db, idea_id, publish=True, user=SOMEONE)
    return idea_id


def been_here(db, venue, key, *days):
    """The phone `key` checked in at `venue` on each of `days` (its visits, as the door stores
    them)."""
    from checkin.visits.phones import person_hash
    from checkin.visits.recording import record_visit

    for day in days:
        record_visit(db, venue_id=venue["id"], day=day, hour=11, source="qr",
                     person_hash=person_hash(db, venue["id"], key, day.year))


def remembered(client, app, db=None, venue=None):
    """The phone keeps its code; with `db`, it has also checked in at `venue` (Mallis) last
    Monday and today, so it may vote there."""
    client.set_cookie(PHONE_COOKIE, phone_code(app, PHONE))
    if db is not None:
        been_here(db, venue, PHONE, TODAY - dt.timedelta(days=7), TODAY)


def test_a_suggestion_is_stored_unpublished_and_not_shown(client, db, mallis):
    response = suggest(client, "  Mer   yoga,\n gärna på morgonen ")
    assert response.status_code == 302
    assert [(i["text"], i["published"], i["status"], i["created_date"]) for i in all_ideas(db)] \
        == [("Mer yoga, gärna på morgonen", 0, "new", "2026-11-23")]
    page = text(client.get(response.location))
    assert "Tack för din idé! Personalen läser den först" in page
    assert "Mer yoga, gärna på morgonen" not in page


def test_the_limit_is_said_before_typing(client, mallis):
    page = text(client.get("/mallis/ideas"))
    assert "högst 200 tecken" in page and 'maxlength="200"' in page


@pytest.mark.parametrize("words,message", [
    ("x" * 201, "Det är mer än 200 tecken. Inget sparades."),
    ("", "Skriv din idé först. Inget sparades."),
    ("   \n ", "Skriv din idé först. Inget sparades."),
])
def test_a_bad_suggestion_is_refused_and_nothing_stored(client, db, mallis, words, message):
    response = suggest(client, words)
    assert response.status_code == 400 and message in text(response)
    assert all_ideas(db) == []


def test_a_suggestion_without_csrf_is_refused(client, db, mallis):
    assert client.post("/mallis/ideas", data={"text": "Bingo"}).status_code == 400
    assert all_ideas(db) == []


@pytest.mark.parametrize("words", ["<script>alert(1)</script>", '=HYPERLINK("http://x","klick")',
                                   "<b>fet</b> & <i>kursiv</i>"])
def test_published_ideas_are_shown_escaped_exactly_as_written(client, db, mallis, words):
    suggest(client, words)
    idea = all_ideas(db)[0]
    assert idea["text"] == words
    ideas.moderate(db, idea["id"], publish=True, user=SOMEONE)
    page = text(client.get("/mallis/ideas"))
    assert words not in page or "<" not in words
    assert "<script>alert" not in page and "<b>fet" not in page
    if words.startswith("<script>"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_published_ideas_show_status_and_answer_in_both_languages(client, db, mallis, bingo):
    ideas.moderate(db, bingo, status="planned", answer_sv="Vi börjar i januari.",
                   answer_en="We start in January.", user=SOMEONE)
    page = text(client.get("/mallis/ideas"))
    assert "Bingo på fredagar" in page and "Blir av" in page and "Vi börjar i januari." in page
    client.get("/lang/en")
    page = text(client.get("/mallis/ideas"))
    assert "It will happen" in page and "We start in January." in page


def test_a_rejected_idea_is_never_shown(client, db, mallis, bingo):
    ideas.moderate(db, bingo, reject=True, user=SOMEONE)
    assert "Bingo" not in text(client.get("/mallis/ideas"))
    assert vote(client, bingo).status_code == 404


def test_a_remembered_phone_votes_once(app, client, db, mallis, bingo):
    remembered(client, app, db, mallis)
    response = vote(client, bingo)
    assert response.status_code == 302 and votes(db) == 1
    page = text(client.get("/mallis/ideas"))
    assert "Tack för din röst!" in page and "Röster: 1" in page
    assert "Du har röstat på idén." in page
    response = vote(client, bingo)  # no button any more: a post without its token
    assert response.status_code == 302 and votes(db) == 1
    assert "Du har redan röstat på idén. Den räknas en gång." in text(client.get("/mallis/ideas"))
    stored = db.execute("SELECT voter_hash FROM idea_vote").fetchone()[0]
    assert PHONE not in stored and len(stored) == 32


def test_a_phone_that_is_not_remembered_cannot_vote_and_is_told_why(client, db, mallis, bingo):
    page = text(client.get("/mallis/ideas"))
    assert "Bara en telefon med en sparad kod kan rösta" in page and "Rösta på idén" not in page
    response = vote(client, bingo)
    assert response.status_code == 400 and votes(db) == 0
    assert "Inget sparades" in text(response)


@pytest.mark.parametrize("idea_id", ["9999", "0"])
def test_voting_for_an_unknown_idea_is_not_found(app, client, db, mallis, idea_id):
    remembered(client, app, db, mallis)
    assert vote(client, idea_id).status_code == 404 and votes(db) == 0


def test_voting_for_a_waiting_idea_is_not_found(app, client, db, mallis):
    remembered(client, app, db, mallis)
    idea_id = ideas.suggest(db, venue_id=mallis["id"], day=TODAY, text="Väntar")
    assert vote(client, idea_id).status_code == 404 and votes(db) == 0


def test_voting_for_another_venues_idea_is_not_found(app, client, db, mallis, victor):
    remembered(client, app, db, mallis)
    idea_id = ideas.suggest(db, venue_id=victor["id"], day=TODAY, text="Gym")
    ideas.moderate(db, idea_id, publish=True, user=SOMEONE)
    assert vote(client, idea_id).status_code == 404 and votes(db) == 0


def test_made_up_phone_codes_never_vote(app, client, db, mallis, bingo):
    """Issue 12: 20 made-up codes of the right shape (and one edited) make zero votes."""
    import secrets

    real = phone_code(app, PHONE)
    made_up = [secrets.token_urlsafe(24) for _ in range(10)]
    made_up += [f"{secrets.token_urlsafe(24)}.w.{secrets.token_urlsafe(16)}" for _ in range(9)]
    made_up.append(real[:-1] + ("A" if real[-1] != "A" else "B"))  # a real code, edited
    for code in made_up:
        voter = app.test_client()
        voter.set_cookie(PHONE_COOKIE, code)
        assert "Rösta på idén" not in text(voter.get("/mallis/ideas"))
        assert vote(voter, bingo).status_code == 400
    assert votes(db) == 0


def test_a_replayed_vote_or_idea_is_stored_once(app, client, db, mallis, bingo):
    remembered(client, app, db, mallis)
    page = text(client.get("/mallis/ideas"))
    fields = hidden_fields(page, f"/mallis/ideas/{bingo}/vote")
    statuses = [client.post(f"/mallis/ideas/{bingo}/vote", data=fields).status_code
                for _ in range(5)]
    # The same phone again is told it voted already; the vote counts once.
    assert statuses == [302] * 5 and votes(db) == 1
    # Another real phone with the first phone's page: the token is spent, nothing counts.
    other = app.test_client()
    other.set_cookie(PHONE_COOKIE, phone_code(app, "b" * 32))
    been_here(db, mallis, "b" * 32, TODAY - dt.timedelta(days=1), TODAY)
    own = hidden_fields(text(other.get("/mallis/ideas")), f"/mallis/ideas/{bingo}/vote")
    replayed = {**own, "once": fields["once"]}
    assert other.post(f"/mallis/ideas/{bingo}/vote", data=replayed).status_code == 409
    assert votes(db) == 1
    fields = {**hidden_fields(page, "/mallis/ideas"), "text": "Mer bingo"}
    statuses = [client.post("/mallis/ideas", data=fields).status_code for _ in range(5)]
    assert statuses == [302, 409, 409, 409, 409]
    assert sorted(i["text"] for i in all_ideas(db)) == ["Bingo på fredagar", "Mer bingo"]


def test_a_flood_of_ideas_stops_at_its_addresss_budget(app, db, mallis):
    """Browsers that keep their cookie get a minute budget each; their address one for all."""
    app.config["SENDER_POSTS_PER_HOUR"] = 20
    browsers = [app.test_client() for _ in range(20)]
    statuses = []
    for _ in range(3):
        for browser in browsers:
            page = text(browser.get("/mallis/ideas"))
            statuses.append(browser.post("/mallis/ideas", data={
                **hidden_fields(page, "/mallis/ideas"), "text": "Mer bingo"}).status_code)
    assert statuses.count(302) == 20 and statuses.count(429) == 40 and len(all_ideas(db)) == 20


def test_the_vote_hash_cannot_be_joined_to_visits(db, mallis, bingo):
    from checkin.visits.phones import person_hash

    ideas.vote(db, bingo, PHONE)
    stored = db.execute("SELECT voter_hash FROM idea_vote").fetchone()[0]
    assert stored != person_hash(db, mallis["id"], PHONE, 2026)


# --- moderation (the domain the staff pages will use, and the CLI) -------------------------------

def test_moderation_moves_an_idea_through_its_states(db, mallis):
    idea_id = ideas.suggest(db, venue_id=mallis["id"], day=TODAY, text="Bingo")
    assert [i["id"] for i in ideas.waiting(db, mallis["id"])] == [idea_id]
    idea = ideas.moderate(db, idea_id, publish=True, status="considering", user=SOMEONE)
    assert (idea["published"], idea["rejected"], idea["status"]) == (1, 0, "considering")
    assert ideas.waiting(db, mallis["id"]) == []
    idea = ideas.moderate(db, idea_id, status="done", answer_sv="Klart!", answer_en="Done!",
                          user=SOMEONE)
    assert (idea["status"], idea["answer_sv"], idea["published"]) == ("done", "Klart!", 1)
    idea = ideas.moderate(db, idea_id, reject=True, user=SOMEONE)
    assert (idea["published"], idea["rejected"]) == (0, 1)
    assert ideas.published(db, mallis["id"]) == []


@pytest.mark.parametrize("change", [
    {"status": "maybe"}, {"status": "not_possible"}, {"publish": True, "reject": True}])
def test_a_moderation_that_makes_no_sense_changes_nothing(db, mallis, bingo, change):
    before = ideas.get_idea(db, bingo)
    with pytest.raises(ideas.IdeaError):
        ideas.moderate(db, bingo, **change, user=SOMEONE)
    assert ideas.get_idea(db, bingo) == before


def test_not_possible_needs_a_why(db, mallis, bingo):
    idea = ideas.moderate(db, bingo, status="not_possible", answer_sv="Lokalen är för liten.",
                          user=SOMEONE)
    assert idea["status"] == "not_possible"


def test_the_cli_approves_answers_and_lists(app, db, client, mallis):
    suggest(client, "Fotboll i parken")
    idea_id = all_ideas(db)[0]["id"]
    listed = run(app, "ideas", "list", "--waiting")
    assert f"#{idea_id} 2026-11-23 waiting new votes 0: Fotboll i parken" in listed.output
    result = run(app, "ideas", "set", str(idea_id), "--publish", "--status", "planned",
                 "--answer-sv", "Vi spelar i maj.", "--answer-en", "We play in May.")
    assert result.exit_code == 0 and "published planned" in result.output
    page = text(client.get("/mallis/ideas"))
    assert "Fotboll i parken" in page and "Blir av" in page and "Vi spelar i maj." in page
    bad = run(app, "ideas", "set", str(idea_id), "--status", "not_possible", "--answer-sv", "")
    assert bad.exit_code != 0 and "why" in bad.output
    assert run(app, "ideas", "set", "999", "--publish").exit_code != 0
    result = run(app, "ideas", "set", str(idea_id), "--reject")
    assert "rejected" in result.output and "Fotboll" not in text(client.get("/mallis/ideas"))


# --- votes a farm cannot swing (issue 24 item 2) ------------------------------------------------

def farm_a_code_and_vote(app, venue, idea_id):
    """Cookies cleared, check in, "Ja, kom ihåg", vote: what one turn of a farm does."""
    from tests.helpers import answer, check_in

    phone = app.test_client()
    assert check_in(phone, venue, "none").status_code == 302
    answer(phone, venue, "gender", "skip")
    answer(phone, venue, "remember", "yes")
    assert phone.get_cookie(PHONE_COOKIE) is not None
    return vote(phone, idea_id).status_code, phone


@pytest.fixture
def farm_ready(app):
    """Budgets out of the way: this is about the vote rule alone."""
    app.config.update(CHECKINS_PER_MINUTE=10_000, SENDER_CHECKINS_PER_HOUR=10_000,
                      SENDER_POSTS_PER_HOUR=10_000, POSTS_PER_MINUTE_SESSION=10_000)
    return app


@pytest.mark.slow
def test_150_farmed_codes_add_no_vote_on_the_day_they_are_farmed(farm_ready, db, mallis, bingo):
    """Before: 149 farmed codes gave +149 votes on each idea in 10 minutes. A code now votes
    only where it has been on an earlier day too: 0 of 150 count, each told why."""
    statuses = [farm_a_code_and_vote(farm_ready, mallis, bingo)[0] for _ in range(150)]
    assert statuses == [403] * 150 and votes(db) == 0
    assert db.execute("SELECT count(DISTINCT person_hash) FROM visit").fetchone()[0] == 150


def test_with_the_rule_off_a_farm_swings_the_vote(farm_ready, db, mallis, bingo, monkeypatch):
    monkeypatch.setattr(ideas, "may_vote", lambda *a: True)
    statuses = [farm_a_code_and_vote(farm_ready, mallis, bingo)[0] for _ in range(10)]
    assert statuses == [302] * 10 and votes(db) == 10


def test_a_phone_votes_on_its_second_day_here_and_its_vote_carries_the_day(farm_ready, db,
                                                                         mallis, bingo):
    from tests.helpers import check_in

    status, phone = farm_a_code_and_vote(farm_ready, mallis, bingo)
    assert status == 403 and votes(db) == 0
    page = text(vote(phone, bingo))
    assert "Den här telefonen kan inte rösta här än. Inget sparades." in page
    farm_ready.config["FROZEN_NOW"] = "2026-11-24T10:15"  # the next day, without checking in
    assert vote(phone, bingo).status_code == 403 and votes(db) == 0
    assert check_in(phone, mallis, "none").status_code == 302  # back, and checked in
    assert vote(phone, bingo).status_code == 302 and votes(db) == 1
    assert [tuple(r) for r in db.execute("SELECT day, set_aside FROM idea_vote")] == [
        ("2026-11-24", 0)]


def test_a_code_counted_at_another_venue_never_votes_here(farm_ready, db, mallis, victor,
                                                          bingo):
    key = "v" * 32
    been_here(db, victor, key, TODAY - dt.timedelta(days=7), TODAY)
    phone = farm_ready.test_client()
    phone.set_cookie(PHONE_COOKIE, phone_code(farm_ready, key))
    assert vote(phone, bingo).status_code == 403 and votes(db) == 0
    assert not ideas.may_vote(db, mallis["id"], key, TODAY)
    assert ideas.may_vote(db, victor["id"], key, TODAY)
    # Last year's visits are another year's hash: not enough this year.
    been_here(db, mallis, key, dt.date(2025, 12, 1))
    assert not ideas.may_vote(db, mallis["id"], key, TODAY)


def test_the_ideas_page_says_when_a_phone_can_vote(client, mallis):
    page = text(client.get("/mallis/ideas"))
    assert ("En telefon med sparad kod röstar här en dag den har checkat in här, när den också "
            "har checkat in här en tidigare dag i år.") in page
    client.get("/lang/en")
    assert ("A phone with a saved code votes here on a day it has checked in here, once it has "
            "also checked in here on an earlier day this year.") in text(
                client.get("/mallis/ideas"))


def test_staff_see_votes_by_day_and_set_a_days_votes_aside(app, staff, db, mallis, bingo):
    from tests.helpers import post_form

    for n in range(6):
        ideas.vote(db, bingo, f"farm-{n}".ljust(32, "x"), TODAY)
    ideas.vote(db, bingo, "real".ljust(32, "x"), TODAY - dt.timedelta(days=3))
    page = text(staff.get("/staff/mallis/ideas"))
    assert "2026-11-23" in page and "Röster per dag" in page
    response = post_form(staff, "/staff/mallis/ideas/votes", {
        "day": "2026-11-23", "action": "aside"}, page_url="/staff/mallis/ideas")
    assert response.status_code == 302
    assert ideas.published(db, mallis["id"])[0]["votes"] == 1
    shown = " ".join(text(app.test_client().get("/mallis/ideas")).split())
    assert "Röster: 1" in shown
    assert "Personalen har lagt 6 röster åt sidan som kom i en klump samma dag." in shown
    line = db.execute("SELECT action, detail FROM audit_log ORDER BY id DESC").fetchone()
    assert tuple(line) == ("votes set aside", "2026-11-23: 6 votes")
    post_form(staff, "/staff/mallis/ideas/votes", {"day": "2026-11-23", "action": "back"},
              page_url="/staff/mallis/ideas")
    assert ideas.published(db, mallis["id"])[0]["votes"] == 7


def test_a_refused_vote_spends_no_token_and_writes_nothing(app, client, db, mallis, bingo):
    """Past the address's budget (429) or before the phone may vote (403): no vote, no
    used_form row, and a page that says nothing was saved."""
    def tokens():
        return db.execute("SELECT count(*) FROM used_form").fetchone()[0]

    client.set_cookie(PHONE_COOKIE, phone_code(app, PHONE))
    response = vote(client, bingo)  # counted nowhere before today: not yet
    assert response.status_code == 403 and "Inget sparades" in text(response)
    assert (votes(db), tokens()) == (0, 0)
    remembered(client, app, db, mallis)
    other = ideas.suggest(db, venue_id=mallis["id"], day=TODAY, text="Fler soffor")
    ideas.moderate(db, other, publish=True, user=SOMEONE)
    app.config["SENDER_POSTS_PER_HOUR"] = 1
    assert vote(client, bingo).status_code == 302 and (votes(db), tokens()) == (1, 1)
    response = vote(client, other)
    assert response.status_code == 429 and "Inget sparades" in text(response)
    assert (votes(db), tokens()) == (1, 1)


def test_one_phones_votes_on_two_ideas_cannot_be_joined(db, mallis, bingo):
    """The privacy page: the code a vote keeps is made for that idea only."""
    other = ideas.suggest(db, venue_id=mallis["id"], day=TODAY, text="Mer frukt")
    ideas.moderate(db, other, publish=True, user=SOMEONE)
    assert ideas.vote(db, bingo, PHONE) and ideas.vote(db, other, PHONE)
    stored = [r[0] for r in db.execute("SELECT voter_hash FROM idea_vote")]
    assert len(stored) == 2 and stored[0] != stored[1]
