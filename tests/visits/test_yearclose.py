"""The yearly close: figures the same before and after, no hash or secret of the year left."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest

from checkin import yearclose
from checkin.db import connect
from checkin.feedback import ideas, surveys
from checkin.figures import persons, yearly_report
from checkin.figures.tables import figures
from checkin.publishing import periods
from checkin.publishing.exports import write
from checkin.visits import phones as anonymity
from checkin.yearclose import CloseRefused, close_year, closes_on, daily
from tests.helpers import MALLIS_MARCH, SOMEONE, VICTOR_MARCH, WORKED, insert, run

D = dt.date.fromisoformat
AFTER_GRACE = D("2026-03-01")


def in_2025(rows, tag):
    """The hand-made March set moved to March 2025 (same weekdays: 3 and 11 March 2025)."""
    moved = {"2026-03-02": "2025-03-03", "2026-03-03": "2025-03-04",
             "2026-03-10": "2025-03-11", "2026-03-14": "2025-03-15"}
    return [(moved[d], h, a, g, s, p and f"{p}{tag}") for d, h, a, g, s, p in rows]


@pytest.fixture
def two_years(db, mallis, victor):
    """docs/figures.md's worked example, March of 2025 and of 2026 at two venues, secrets for
    both years."""
    insert(db, mallis, WORKED)
    insert(db, mallis, in_2025(MALLIS_MARCH, "-25"))
    insert(db, victor, in_2025(VICTOR_MARCH, "-25"), "victor")
    insert(db, mallis, MALLIS_MARCH)
    insert(db, victor, VICTOR_MARCH, "victor")
    # A visit whose phone never answered, in a week cut by a month start (2025-W27: 30 June).
    insert(db, mallis, [("2025-07-02", 10, "Yoga", None, "qr", "late-25")])
    anonymity.year_secret(db, 2025)
    anonymity.year_secret(db, 2026)
    return mallis, victor


RANGES = [("2025-01-01", "2026-12-31"), ("2025-12-01", "2026-02-28"),
          ("2025-03-01", "2025-07-31")]
GROUPINGS = [(group, by_activity, min_cell) for group in periods.GROUPS
             for by_activity in (False, True) for min_cell in (None, 3)]


def every_export(db):
    """Every grouping over ranges of whole months, as the CSV the export writes."""
    return {
        (first, last, *grouping): write(figures(
            db, D(first), D(last), grouping[0], by_activity=grouping[1],
            min_cell=grouping[2]), "csv")
        for first, last in RANGES for grouping in GROUPINGS
    }


def hashes(db, year):
    return db.execute("SELECT count(*) FROM visit WHERE substr(date, 1, 4) = ? "
                      "AND person_hash IS NOT NULL", [str(year)]).fetchone()[0]


def secret_years(db):
    return {r[0] for r in db.execute("SELECT year FROM year_key")}


def test_closing_2025_keeps_every_export_identical_and_forgets_its_hashes(db, two_years):
    before = every_export(db)
    secret_2026 = anonymity.year_secret(db, 2026)
    hashed_2026 = hashes(db, 2026)
    assert hashes(db, 2025) == 20 and secret_years(db) == {2025, 2026}

    done = close_year(db, 2025, AFTER_GRACE)

    assert done["visits"] == 20 and done["frozen"] > 0
    assert every_export(db) == before
    assert hashes(db, 2025) == 0
    assert secret_years(db) == {2026} and anonymity.year_secret(db, 2026) == secret_2026
    assert hashes(db, 2026) == hashed_2026 == 20
    assert anonymity.closed_years(db) == {2025}


def test_worked_example_reads_the_same_from_frozen_figures(db, two_years):
    close_year(db, 2025, AFTER_GRACE)
    mallis, _ = two_years
    rows = figures(db, D("2025-12-01"), D("2026-02-28"), "year", venue_id=mallis["id"]).rows
    assert [(r["period"], r["persons_women"], r["persons_men"], r["persons_total"],
             r["visits_unlinked"], r["note"]) for r in rows] == [
        ("2025", 1, 1, 2, 1, ""), ("2026", 1, 1, 3, 3, "")]


def test_a_period_cut_inside_a_month_of_a_closed_year_says_why_it_has_no_persons(db, two_years):
    mallis, _ = two_years
    open_rows = figures(db, D("2025-03-04"), D("2025-03-20"), "month",
                        venue_id=mallis["id"]).rows
    assert open_rows[0]["persons_total"] == 3  # w1, w3 and h1 on 11 March
    close_year(db, 2025, AFTER_GRACE)
    for locale, words in (("en", "the year is closed"), ("sv", "året är stängt")):
        row = figures(db, D("2025-03-04"), D("2025-03-20"), "month", venue_id=mallis["id"],
                      locale=locale).rows[0]
        assert row["persons_total"] == "" and words in row["note"]
        assert row["visits_total"] == open_rows[0]["visits_total"]  # visits are always there


def test_the_yearly_report_of_a_closed_year_is_unchanged(db, two_years):
    mallis, _ = two_years
    before = yearly_report.yearly_report(db, mallis["id"], 2026, today=AFTER_GRACE)
    before_2025 = yearly_report.yearly_report(db, mallis["id"], 2025, locale="en",
                                              today=AFTER_GRACE)
    close_year(db, 2025, AFTER_GRACE)
    assert yearly_report.yearly_report(db, mallis["id"], 2026, today=AFTER_GRACE) == before
    after_2025 = yearly_report.yearly_report(db, mallis["id"], 2025, locale="en",
                                             today=AFTER_GRACE)
    assert "This year is closed" in after_2025.pop("method")
    before_2025.pop("method")
    assert after_2025 == before_2025


def test_closing_twice_changes_nothing(db, two_years):
    close_year(db, 2025, AFTER_GRACE)
    frozen = db.execute("SELECT * FROM frozen_persons ORDER BY rowid").fetchall()
    assert close_year(db, 2025, AFTER_GRACE) is None
    assert db.execute("SELECT * FROM frozen_persons ORDER BY rowid").fetchall() == frozen


def test_a_close_that_raced_past_the_first_check_changes_nothing(app, db, two_years,
                                                                  monkeypatch):
    """Two closes at once (the server's daily job and `checkin close-year` by hand): both may
    read 'not closed' before either writes. The check inside the write transaction stops the
    second one; the first check is made blind here to stand for that race."""
    other = connect(app.config["DATABASE"])
    close_year(db, 2025, AFTER_GRACE)
    frozen = db.execute("SELECT * FROM frozen_persons ORDER BY rowid").fetchall()
    monkeypatch.setattr(anonymity, "closed_years", lambda _db: set())
    assert close_year(other, 2025, AFTER_GRACE) is None
    assert db.execute("SELECT * FROM frozen_persons ORDER BY rowid").fetchall() == frozen
    assert db.execute("SELECT count(*) FROM closed_year").fetchone()[0] == 1
    assert secret_years(db) == {2026}
    other.conn.close()


def test_a_crash_in_the_middle_leaves_the_year_open_and_untouched(db, two_years, monkeypatch):
    before = every_export(db)
    visit_rows = db.execute("SELECT * FROM visit ORDER BY id").fetchall()

    def crash(*_args):
        raise OSError("disk gone")

    monkeypatch.setattr(anonymity, "forget_year", crash)  # the very last step
    with pytest.raises(OSError):
        close_year(db, 2025, AFTER_GRACE)
    assert db.execute("SELECT * FROM visit ORDER BY id").fetchall() == visit_rows
    assert secret_years(db) == {2025, 2026} and anonymity.closed_years(db) == set()
    assert db.execute("SELECT count(*) FROM frozen_persons").fetchone()[0] == 0
    monkeypatch.undo()
    assert close_year(db, 2025, AFTER_GRACE)["visits"] == 20
    assert every_export(db) == before


def test_the_current_year_and_a_year_in_its_grace_period_are_refused(db, two_years):
    with pytest.raises(CloseRefused, match="not over"):
        close_year(db, 2026, D("2026-11-23"), force=True)
    with pytest.raises(CloseRefused, match="2026-03-01"):
        close_year(db, 2025, D("2026-02-28"))
    assert hashes(db, 2025) == 20
    assert close_year(db, 2025, D("2026-02-28"), force=True)["year"] == 2025
    assert closes_on(2025, 2) == D("2026-03-01") and closes_on(2025, 12) == D("2027-01-01")


def test_a_closed_year_never_gets_a_secret_again(db, two_years):
    close_year(db, 2025, AFTER_GRACE)
    with pytest.raises(anonymity.YearClosed):
        anonymity.person_hash(db, two_years[0]["id"], "k" * 32, 2025)
    assert 2025 not in secret_years(db)


def test_survey_answers_and_idea_votes_keep_their_counts(db, two_years):
    mallis, _ = two_years
    survey_id = surveys.create_survey(
        db, venue_id=mallis["id"], title_sv="Enkät", opens=D("2025-10-01"),
        closes=D("2026-03-31"), questions=[{"text_sv": "Mer stöd?", "kind": "choice"}], user=None)
    survey = surveys.get_survey(db, survey_id)
    question = survey["questions"][0]["id"]
    phone = "p" * 32
    surveys.record_response(db, survey, D("2025-10-02"), {question: "yes"}, device_key=phone)
    surveys.record_response(db, survey, D("2025-10-03"), {question: "no"})
    idea_id = ideas.suggest(db, venue_id=mallis["id"], day=D("2025-05-01"), text="Längre öppet")
    ideas.moderate(db, idea_id, publish=True, user=SOMEONE)
    for key in ("p" * 32, "q" * 32):
        assert ideas.vote(db, idea_id, key)
    results = surveys.results(db, survey_id)

    done = close_year(db, 2025, AFTER_GRACE)

    assert (done["responses"], done["votes"]) == (1, 2)
    assert surveys.results(db, survey_id) == results
    assert db.execute("SELECT count(*) FROM survey_response WHERE respondent_hash IS NOT NULL"
                      ).fetchone()[0] == 0
    assert ideas.all_ideas(db)[0]["votes"] == 2
    # The close forgot who voted: the phone may vote once more, with the 2026 secret.
    assert ideas.vote(db, idea_id, "p" * 32) and not ideas.vote(db, idea_id, "p" * 32)
    assert not surveys.has_answered(db, survey, phone)
    assert 2025 not in secret_years(db)


def test_daily_purges_and_closes_only_after_the_grace_period(db, two_years):
    config = {"CLOSE_AFTER_MONTHS": 2, "RETENTION_MONTHS": 12}
    first = daily(db, D("2026-02-28"), config)
    assert first["closed"] == [] and hashes(db, 2025) == 20
    assert first["purged"]["before"] == "2025-02-28"
    second = daily(db, D("2026-03-01"), config)
    assert [c["year"] for c in second["closed"]] == [2025] and hashes(db, 2025) == 0
    assert daily(db, D("2026-03-02"), config)["closed"] == []
    assert "closed years: none" in yearclose.describe(daily(db, D("2026-03-03"), config))


def test_a_longer_grace_period_from_the_settings(db, two_years):
    daily(db, D("2026-06-30"), {"CLOSE_AFTER_MONTHS": 6})
    assert hashes(db, 2025) == 20
    daily(db, D("2026-07-01"), {"CLOSE_AFTER_MONTHS": 6})
    assert hashes(db, 2025) == 0


def test_close_year_command(app, db, two_years):
    assert run(app, "close-year", "2026").exit_code == 1  # FROZEN_NOW is in 2026
    app.config["FROZEN_NOW"] = "2026-02-10T10:00"
    refused = run(app, "close-year", "2025")
    assert refused.exit_code == 1 and "--force" in refused.output and hashes(db, 2025) == 20
    forced = run(app, "close-year", "2025", "--force")
    assert forced.exit_code == 0 and "Closed 2025" in forced.output
    assert "hashes removed from 20 visit(s)" in forced.output
    again = run(app, "close-year", "2025")
    assert "closed already" in again.output


def test_daily_command(app, db, two_years):
    result = run(app, "daily")  # FROZEN_NOW 2026-11-23: 2025 is past its grace period
    assert result.exit_code == 0 and "closed years: 2025 (20 visit hashes" in result.output
    assert hashes(db, 2025) == 0


@pytest.mark.slow  # a real server
def test_the_server_runs_the_daily_job_by_itself(app, db, two_years, tmp_path):
    env = {**os.environ, "CHECKIN_INSTANCE": str(tmp_path),
           "CHECKIN_DATABASE": app.config["DATABASE"],
           "CHECKIN_FROZEN_NOW": "2026-11-23T10:15", "CHECKIN_DAILY_FIRST_RUN_SECONDS": "0.2"}
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "checkin.cli", "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        watcher = connect(app.config["DATABASE"])
        for _ in range(300):  # the line comes after the close and the scrub
            if "closed years: 2025" in (tmp_path / "server.log").read_text():
                break
            time.sleep(0.1)
        assert anonymity.closed_years(watcher) == {2025}, (tmp_path / "server.log").read_text()
        assert hashes(watcher, 2025) == 0 and secret_years(watcher) == {2026}
        watcher.conn.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    assert "closed years: 2025" in (tmp_path / "server.log").read_text()


def test_frozen_ranges_cover_whole_months_and_cut_weeks():
    ranges = persons.frozen_ranges(2025)
    assert (D("2025-01-01"), D("2025-12-31")) in ranges          # the year
    assert (D("2025-04-01"), D("2025-06-30")) in ranges          # a quarter
    assert (D("2025-12-29"), D("2025-12-31")) in ranges          # 2026-W01 cut at New Year
    assert (D("2025-06-30"), D("2025-06-30")) in ranges          # W27 before 1 July
    assert (D("2025-07-01"), D("2025-07-06")) in ranges          # W27 from 1 July
    assert (D("2025-03-04"), D("2025-03-20")) not in ranges
