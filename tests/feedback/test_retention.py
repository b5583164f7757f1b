"""Retention: free texts and unpublished ideas go after the period, ratings and figures stay."""

import datetime as dt

from checkin import retention_period
from checkin.feedback import ideas
from checkin.feedback import smileys as feedback
from checkin.feedback.retention import purge
from checkin.publishing.periods import months_before
from tests.helpers import SOMEONE, run


def day(iso):
    return dt.date.fromisoformat(iso)


def seed(db, venue_id):
    for date, words in (("2025-11-22", "Gammal text om Kalle"), ("2025-11-23", "Precis ett år"),
                        ("2026-11-01", "Ny text")):
        feedback.add_text(db, feedback.record_rating(db, venue_id=venue_id, day=day(date),
                                                     rating=4), words)
    old = ideas.suggest(db, venue_id=venue_id, day=day("2025-10-01"), text="Gammal idé")
    published = ideas.suggest(db, venue_id=venue_id, day=day("2025-10-01"), text="Bingo")
    ideas.moderate(db, published, publish=True, status="done", answer_sv="Klart", user=SOMEONE)
    rejected = ideas.suggest(db, venue_id=venue_id, day=day("2025-09-01"), text="Elak idé")
    ideas.moderate(db, rejected, reject=True, user=SOMEONE)
    ideas.suggest(db, venue_id=venue_id, day=day("2026-11-20"), text="Ny idé")
    return old


def test_purge_removes_old_texts_keeps_ratings_and_new_texts(db, mallis):
    seed(db, mallis["id"])
    result = purge(db, day("2026-11-23"), 12)
    assert result == {"before": "2025-11-23", "texts": 1, "ideas": 2, "scrubbed": True}
    assert [(r["date"], r["rating"], r["text"]) for r in db.execute(
        "SELECT date, rating, text FROM feedback ORDER BY date")] == [
        ("2025-11-22", 4, None), ("2025-11-23", 4, "Precis ett år"), ("2026-11-01", 4, "Ny text")]
    assert [r[0] for r in db.execute("SELECT text FROM idea ORDER BY created_date")] == [
        "Bingo", "Ny idé"]
    assert purge(db, day("2026-11-23"), 12) == {"before": "2025-11-23", "texts": 0, "ideas": 0,
                                                 "scrubbed": True}


def test_a_shorter_period_removes_more(db, mallis):
    seed(db, mallis["id"])
    assert purge(db, day("2026-11-23"), 1)["texts"] == 2
    assert db.execute("SELECT count(*) FROM feedback WHERE text IS NOT NULL").fetchone()[0] == 1


def test_months_before_handles_short_months_and_new_year():
    assert months_before(day("2026-03-31"), 1) == day("2026-02-28")
    assert months_before(day("2026-01-15"), 12) == day("2025-01-15")
    assert months_before(day("2026-02-10"), 3) == day("2025-11-10")


def test_the_purge_command_uses_the_retention_setting_and_says_how_many(app, db, mallis):
    seed(db, mallis["id"])
    result = run(app, "purge")
    assert result.exit_code == 0
    assert result.output.strip() == ("Deleted 1 free text(s) and 2 unpublished idea(s) from "
                                     "before 2025-11-23; ratings and figures stay.")
    app.config["RETENTION_MONTHS"] = 1
    assert "Deleted 1 free text(s) and 0 unpublished" in run(app, "purge").output
    assert run(app, "purge", "--months", "0").exit_code != 0


def test_feedback_list_shows_texts_newest_first(app, db, mallis):
    seed(db, mallis["id"])
    output = run(app, "feedback", "list").output.splitlines()
    assert output[0].endswith("rating 4 -: Ny text") and output[-1] == "3 text(s)"


def test_the_daily_job_purges_by_the_period_staff_set_not_the_operators(app, db, admin, mallis):
    """The privacy page promises visitors what staff set on /staff/retention: the daily job
    (run by `checkin serve`, or `checkin daily`) must keep that promise."""
    from tests.helpers import post_form

    for date, words in (("2026-07-20", "Fyra månader gammal"), ("2026-09-20", "Två månader")):
        feedback.add_text(db, feedback.record_rating(db, venue_id=mallis["id"], day=day(date),
                                                     rating=3), words)
    assert app.config["RETENTION_MONTHS"] == 12
    assert post_form(admin, "/staff/retention", {"months": "3"}).status_code == 302

    result = run(app, "daily")
    assert result.exit_code == 0
    assert "deleted 1 free text(s)" in result.output and "before 2026-08-23" in result.output
    assert [tuple(r) for r in db.execute("SELECT date, rating, text FROM feedback ORDER BY date")
            ] == [("2026-07-20", 3, None), ("2026-09-20", 3, "Två månader")]


def test_retention_is_decided_in_one_place(db, mallis):
    from checkin.feedback import retention

    assert retention_period.months(db, 12) == 12 and retention_period.staff_months(db) is None
    retention.set_months(db, 3, user=SOMEONE)
    assert retention_period.months(db, 12) == 3 and retention_period.staff_months(db) == 3
