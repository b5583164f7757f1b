"""Published figures (issue 14): record keys, the cell-key method in every table, who gets
what, and the audit line for exact exports that hide less than MIN_CELL (issue 13, item 4)."""

import datetime as dt
import random
import re
from collections import Counter

import pytest

from checkin import yearclose
from checkin.db import connect
from checkin.feedback import smileys, surveys
from checkin.figures import dashboard_figures, tables, tally_import, yearly_report
from checkin.figures.tables import figures
from checkin.migrations import migrations
from checkin.publishing import cell_key, periods
from checkin.publishing.columns import COUNT_COLUMNS
from checkin.publishing.periods import FiguresError, published_range
from checkin.visits import phones, recording
from tests.helpers import SOMEONE, WORKED, activity_id, audit_lines, insert, log_in, make_user, text

D = dt.date.fromisoformat
TODAY = D("2026-11-23")  # the frozen clock's Monday
SCALE = cell_key.KEY_SCALE


@pytest.fixture
def worked(db, mallis):
    insert(db, mallis, WORKED)
    return mallis


@pytest.fixture
def viewer(app, db, client, mallis):
    make_user(db, "vera", "viewer")
    assert log_in(client, "vera").status_code == 302
    return client


def published(db, first, last, group, **kw):
    return figures(db, D(first), D(last), group, published=True, today=TODAY, **kw).rows


def counts(row):
    return {c: row[c] for c in COUNT_COLUMNS}


def visits(row):
    return {c: row[c] for c in COUNT_COLUMNS if c.startswith("visits_")}


def numbers(rows):
    return [row[c] for row in rows for c in COUNT_COLUMNS if row[c] != ""]


def random_year(db, venue, seed, year=2025, visits=600):
    """A year of visits with phones, tallies and gender answers, through record_visit."""
    rng = random.Random(seed)
    names = ["Sygrupp", "Yoga", "Matlagningskurs"]
    for _ in range(visits):
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        source = rng.choice(["qr", "qr", "kiosk", "tally"])
        phone = f"p{rng.randrange(60)}" if source == "qr" and rng.random() < 0.7 else None
        recording.record_visit(
            db, venue_id=venue["id"], day=day, hour=None if source == "tally" else 11,
            source=source, activity_id=activity_id(db, rng.choice(names)),
            gender=rng.choice(["woman", "man", "man", "other", "unstated", None]),
            person_hash=phones.person_hash(db, venue["id"], phone, year) if phone else None)


# --- record keys ----------------------------------------------------------------------------

def test_every_visit_rating_and_response_gets_a_random_record_key(db, mallis):
    venue, day = mallis["id"], TODAY
    recording.record_visit(db, venue_id=venue, day=day, hour=10, source="qr")
    recording.record_visit(db, venue_id=venue, day=day, hour=10, source="kiosk")
    recording.change_tally(db, venue_id=venue, day=day, activity_id=None, changes={"man": 1},
                           user=SOMEONE)
    tally_import.import_file(db, venue, b"date,activity,women,men,other,unstated\n"
                        b"2026-03-03,,2,1,0,0\n", "x.csv", today=day)
    smileys.record_rating(db, venue_id=venue, day=day, rating=4)
    survey_id = surveys.create_survey(db, venue_id=venue, title_sv="E", opens=day, closes=day,
                                      questions=[{"text_sv": "F?"}], user=None)
    survey = surveys.get_survey(db, survey_id)
    surveys.record_response(db, survey, day, {survey["questions"][0]["id"]: "yes"})
    keys = [r[0] for table in ("visit", "feedback", "survey_response")
            for r in db.execute(f"SELECT record_key FROM {table}")]  # noqa: S608
    assert len(keys) == 8 and all(isinstance(k, int) and 0 <= k < SCALE for k in keys)
    assert len(set(keys)) == 8  # random: 8 of 2**32 values, all different


def test_a_row_inserted_without_a_key_gets_one_from_the_database(db, mallis):
    db.execute("INSERT INTO visit (venue_id, date, hour, source) VALUES (?, '2026-01-05', 10, "
               "'qr')", [mallis["id"]])
    db.execute("INSERT INTO feedback (venue_id, date, rating) VALUES (?, '2026-01-05', 3)",
               [mallis["id"]])
    db.conn.commit()
    for table in ("visit", "feedback"):
        key = db.execute(f"SELECT record_key FROM {table}").fetchone()[0]  # noqa: S608
        assert key is not None and 0 <= key < SCALE


def test_the_migration_gives_rows_stored_before_a_random_key(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m011_record_keys")
    db.execute("INSERT INTO venue (slug, name, door_key) VALUES ('v', 'V', 'k')")
    for n in range(50):
        db.execute("INSERT INTO visit (venue_id, date, hour, source) VALUES (1, ?, 10, 'qr')",
                   [f"2025-03-{n % 28 + 1:02d}"])
    db.execute("INSERT INTO frozen_persons (venue_id, first_day, last_day, scope, women, men, "
               "other, unstated, total) VALUES (1, '2024-01-01', '2024-12-31', 'all', 1,0,0,0,1)")
    db.conn.commit()
    migrations.apply(db)
    keys = [r[0] for r in db.execute("SELECT record_key FROM visit")]
    assert None not in keys and len(set(keys)) == 50 and max(keys) < SCALE
    frozen = db.execute("SELECT women_key, total_key FROM frozen_persons").fetchone()
    assert None not in frozen
    db.conn.close()


# --- the cell-key method in the tables ------------------------------------------------------

def test_published_cells_are_their_records_keys_through_the_table(db, worked):
    [row] = published(db, "2025-01-01", "2025-12-31", "year", venue_id=worked["id"])
    women = db.execute("SELECT count(*), sum(record_key) FROM visit WHERE gender = 'woman' "
                       "AND date < '2026-01-01'").fetchone()
    everyone = db.execute("SELECT count(*), sum(record_key) FROM visit "
                          "WHERE date < '2026-01-01'").fetchone()
    assert women[0] == 1 and row["visits_women"] == cell_key.publish_count(*women)
    # The total is the sum of its finest cells (month, activity, gender, linked), each
    # perturbed from its own records' keys: never a cell of its own.
    finest = db.execute(
        "SELECT count(*), sum(record_key) FROM visit WHERE date < '2026-01-01' "
        "GROUP BY substr(date, 1, 7), activity_id, coalesce(gender, 'unstated'), "
        "person_hash IS NOT NULL").fetchall()
    assert sum(n for n, _k in finest) == everyone[0] == 4 and len(finest) == 4
    assert row["visits_total"] == sum(cell_key.publish_count(*cell) for cell in finest)
    # Persons: a25 and b25, each with the key from its hash and the year's secret; each
    # gender a cell of its own, the total their sum.
    secret = bytes.fromhex(phones.year_secret(db, 2025))
    keys = [cell_key.person_key(secret, h, worked["id"], 2025) for h in ("a25", "b25")]
    assert row["persons_women"] == cell_key.perturb(1, cell_key.cell_key(keys[:1]))
    assert row["persons_men"] == cell_key.perturb(1, cell_key.cell_key(keys[1:]))
    assert row["persons_total"] == row["persons_women"] + row["persons_men"]


def test_same_records_same_published_value_in_every_table_and_every_time(db, worked):
    venue = worked["id"]
    # Every 2025 visit is in December: the year, the month and December's weeks hold the
    # same records, so their cells are the same.
    year = published(db, "2025-01-01", "2025-12-31", "year", venue_id=venue)
    month = published(db, "2025-12-01", "2025-12-31", "month", venue_id=venue)
    assert visits(year[0]) == visits(month[0])
    # Published persons only for a whole year: a month has none to compare it with.
    assert month[0]["persons_total"] == "" and year[0]["persons_total"] != ""
    assert month[0]["note"] == "Publicerade personer ges bara för hela år och alla aktiviteter."
    assert year[0]["note"] == ""
    by_year = published(db, "2025-01-01", "2025-12-31", "year", venue_id=venue,
                        by_activity=True)
    by_month = published(db, "2025-12-01", "2025-12-31", "month", venue_id=venue,
                         by_activity=True)
    assert [visits(r) for r in by_year] == [visits(r) for r in by_month]
    assert all(r["persons_total"] == "" for r in by_year)
    again = [published(db, "2025-01-01", "2025-12-31", "year", venue_id=venue)
             for _ in range(3)]
    assert all(counts(a[0]) == counts(year[0]) for a in again)


def test_published_numbers_are_0_or_3_up_and_totals_within_2(db, mallis):
    random_year(db, mallis, seed=14)
    first, last = D("2025-01-01"), D("2025-12-31")
    cells = tables.published_cells(db, mallis["id"], first, last)
    exact = Counter()
    for month, activity, gender, linked, n in db.execute(
            "SELECT substr(date, 1, 7), activity_id, coalesce(gender, 'unstated'), "
            "person_hash IS NOT NULL, count(*) FROM visit GROUP BY 1, 2, 3, 4"):
        exact[(month, activity, {"woman": "women", "man": "men"}.get(gender, gender),
               bool(linked))] += n
    assert set(cells) == set(exact)
    pairs = [(exact[c], cells[c]) for c in exact]
    assert all(p == 0 or p >= 3 for e, p in pairs)
    assert all(abs(e - p) <= 2 for e, p in pairs)
    assert all(e in (0, 1, 2) for e, p in pairs if p == 0)  # 0 stands for 0, 1 or 2
    assert any(e != p for e, p in pairs)  # changed, not copied
    # Every published visit figure is the sum of its finest cells: totals add up exactly.
    rows = published(db, "2025-01-01", "2025-12-31", "month", venue_id=mallis["id"],
                     by_activity=True)
    assert all(n == 0 or n >= 3 for r in rows for n in visits(r).values() if n != "")
    # A by-activity row only where a published number is not 0; no columns by source.
    assert rows and all(r["visits_total"] > 0 for r in rows)
    assert all(r[f"visits_{s}"] == "" for r in rows for s in ("qr", "kiosk", "tally"))
    plain = published(db, "2025-01-01", "2025-12-31", "month", venue_id=mallis["id"])
    for row in plain:
        parts = [r for r in rows if r["period"] == row["period"]]
        for c in ("visits_women", "visits_men", "visits_total", "visits_unlinked"):
            assert row[c] == sum(r[c] for r in parts)
        assert row["visits_total"] == sum(row[f"visits_{g}"] for g in
                                          ("women", "men", "other", "unstated"))
    [year] = published(db, "2025-01-01", "2025-12-31", "year", venue_id=mallis["id"])
    assert year["visits_total"] == sum(r["visits_total"] for r in plain)
    [true] = figures(db, first, last, "year", venue_id=mallis["id"]).rows
    # Off by at most 2 per finest cell that holds a visit, and by 2 per person cell.
    assert abs(year["visits_total"] - true["visits_total"]) <= 2 * len(exact)
    assert abs(year["persons_total"] - true["persons_total"]) <= 2 * 4


def test_published_figures_come_only_for_whole_periods_that_have_ended(db, worked):
    with pytest.raises(FiguresError, match="inte slut än"):
        published(db, "2026-01-01", "2026-12-31", "year")
    with pytest.raises(FiguresError, match="whole periods"):
        published(db, "2025-12-01", "2025-12-30", "month")
    with pytest.raises(FiguresError, match="min-cell"):
        figures(db, D("2025-01-01"), D("2025-12-31"), "year", published=True, today=TODAY,
                min_cell=3)
    assert published_range(D("2025-12-03"), D("2026-02-10"), "month", TODAY, "en") == (
        D("2025-12-01"), D("2026-02-28"),
        "Published figures show only whole periods, so the range was widened to "
        "2025-12-01 – 2026-02-28.")
    with pytest.raises(FiguresError) as refused:
        published_range(D("2026-01-01"), D("2026-11-22"), "month", TODAY, "en")
    assert str(refused.value) == (
        "Published figures show only whole periods that have ended, and the month 2026-11 "
        "has not ended yet. Choose a last day no later than 2026-10-31.")
    with pytest.raises(FiguresError, match="Choose an earlier range"):
        published_range(D("2026-11-01"), D("2026-11-23"), "month", TODAY, "en")
    # No day or week: every published figure is a sum of month cells (docs/figures.md).
    for group in ("day", "week"):
        with pytest.raises(FiguresError, match="by month or by year only"):
            published_range(D("2026-11-16"), D("2026-11-22"), group, TODAY, "en")
        with pytest.raises(FiguresError, match="per månad eller per år"):
            published(db, "2025-12-01", "2025-12-07", group)


def test_published_persons_stay_the_same_after_the_yearly_close(db, mallis):
    random_year(db, mallis, seed=2025)
    asks = [("2025-01-01", "2025-12-31", "year", False), ("2025-01-01", "2025-12-31", "month",
            True), ("2025-01-01", "2025-12-31", "year", True),
            ("2025-03-01", "2025-03-31", "month", False)]
    before = [published(db, a, b, g, venue_id=mallis["id"], by_activity=by) for a, b, g, by
              in asks]
    assert yearclose.close_year(db, 2025, TODAY)["frozen"] > 0
    assert db.execute("SELECT count(*) FROM visit WHERE person_hash IS NOT NULL").fetchone()[0] \
        == 0
    after = [published(db, a, b, g, venue_id=mallis["id"], by_activity=by) for a, b, g, by
             in asks]
    assert after == before
    assert any(r["persons_total"] for rows in after for r in rows)


# --- ratings and surveys --------------------------------------------------------------------

def test_published_ratings_are_perturbed_and_their_mean_is_of_the_published_levels(db, mallis):
    rng = random.Random(5)
    for _ in range(80):
        smileys.record_rating(db, venue_id=mallis["id"], rating=rng.randint(1, 5),
                              day=D("2025-01-01") + dt.timedelta(days=rng.randrange(365)))
    rows = smileys.ratings(db, mallis["id"], D("2025-01-01"), D("2025-12-31"), "month",
                           published=True)
    assert rows == smileys.ratings(db, mallis["id"], D("2025-01-01"), D("2025-12-31"),
                                   "month", published=True)
    exact = smileys.ratings(db, mallis["id"], D("2025-01-01"), D("2025-12-31"), "month")
    for shown, true in zip(rows, exact, strict=True):
        values = [shown["count"], *shown["levels"].values()]
        assert all(v == 0 or v >= 3 for v in values)
        assert abs(shown["count"] - true["count"]) <= 2
        levels = shown["levels"]
        if sum(levels.values()):
            assert shown["mean"] == round(sum(k * n for k, n in levels.items())
                                          / sum(levels.values()), 2)


def test_staff_get_published_survey_results_once_the_survey_has_closed(app, db, staff, mallis):
    survey_id = surveys.create_survey(
        db, venue_id=mallis["id"], title_sv="Vårens enkät", opens=D("2026-03-01"),
        closes=D("2026-03-31"), questions=[{"text_sv": "Behöver du mer stöd?"}], user=None)
    survey = surveys.get_survey(db, survey_id)
    question = survey["questions"][0]["id"]
    for value in ["yes"] + ["no"] * 6 + ["partly"] * 2:
        surveys.record_response(db, survey, D("2026-03-10"), {question: value})
    url = f"/staff/mallis/surveys/{survey_id}/results"
    page = text(staff.get(url + "?version=published"))
    assert 'id="published-mark"' in page and "&lt;3" not in page
    cells = re.findall(r'<td class="num">(\d+)</td>', page)
    assert cells and all(int(c) == 0 or int(c) >= 3 for c in cells)
    body = staff.get(url + ".csv?version=published")
    assert body.status_code == 200 and "published" in body.headers["Content-Disposition"]
    lines = body.get_data().decode("utf-8-sig").splitlines()[1:]
    assert len(lines) == 3 and all(int(line.split(",")[5]) in (0, *range(3, 12))
                                   for line in lines)
    shares = [float(line.split(",")[6]) for line in lines if line.split(",")[6]]
    assert abs(sum(shares) - 100) < 0.5  # of the published counts: they add up
    assert staff.get(url + ".csv?version=published") .get_data() == body.get_data()


# --- who gets what --------------------------------------------------------------------------

def test_a_viewers_dashboard_shows_published_whole_periods_only(db, viewer, mallis):
    """Issue 14: after one visitor answered 'other' today, the viewer read 'Annat 1'."""
    recording.record_visit(db, venue_id=mallis["id"], day=TODAY, hour=10, source="kiosk",
                           gender="other")
    for day in ("2026-10-05", "2026-10-06", "2026-10-20", "2026-11-17"):
        recording.record_visit(db, venue_id=mallis["id"], day=D(day), hour=10, source="kiosk",
                               gender="other")
        recording.record_visit(db, venue_id=mallis["id"], day=D(day), hour=10, source="kiosk",
                               gender="woman")
    html = text(viewer.get("/staff/mallis/figures"))
    assert "Förra månaden" in html and "Förra året" in html and 'id="published-note"' in html
    assert "Besök förra månaden (oktober 2026) och förra året (2025)" in html
    assert "Förra veckan" not in html
    for table in ("now-visits", "now-persons", "per-month"):
        cells = re.findall(r'<td class="num">([^<]*)</td>',
                           html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0])
        assert all(c in ("", "–") or int(c) == 0 or int(c) >= 3 for c in cells), table
    board = dashboard_figures.dashboard(db, mallis["id"], TODAY, published=True)
    assert "today" not in board["now"]
    assert "week" not in board["now"] and board["now"]["year"]["last"] == D("2025-12-31")
    assert board["now"]["month"]["last"] == D("2026-10-31")
    assert board["now"]["month"]["visits"]["other"] in (1, 2, 3, 4, 5)  # truly 3
    assert board["now"]["month"]["persons"] is None  # persons for whole years only


def test_a_viewer_always_downloads_the_published_file(app, viewer, worked):
    ask = {"first": "2025-01-01", "last": "2025-12-31", "group": "month", "venue": "mallis",
           "fmt": "csv", "download": "1", "min_cell": "none", "version": "exact"}
    response = viewer.get("/staff/mallis/export", query_string=ask)
    assert response.status_code == 200
    assert 'filename="checkin-mallis-2025-01-01-2025-12-31-month-published.csv"' in (
        response.headers["Content-Disposition"])
    cli = app.test_cli_runner().invoke(args=[
        "export", "--from", "2025-01-01", "--to", "2025-12-31", "--group", "month",
        "--venue", "mallis", "--published"])
    assert cli.exit_code == 0 and response.data == cli.stdout_bytes
    lines = response.data.decode("utf-8-sig").splitlines()
    assert "<" not in response.data.decode() and len(lines) == 13
    page = text(viewer.get("/staff/mallis/export"))
    assert 'value="2026-01-01"' in page and 'value="2026-10-31"' in page
    assert 'name="min_cell"' not in page and 'id="published-mark"' in page


def test_a_range_that_cuts_a_period_is_widened_before_anything_is_downloaded(viewer, worked):
    ask = {"first": "2025-12-03", "last": "2026-02-10", "group": "month", "venue": "mallis",
           "fmt": "csv", "download": "1"}
    response = viewer.get("/staff/mallis/export", query_string=ask)
    html = text(response)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "perioden har gjorts större: 2025-12-01 – 2026-02-28" in html
    assert 'value="2025-12-01"' in html and 'value="2026-02-28"' in html
    assert "Inget har laddats ner än" in html
    widened = viewer.get("/staff/mallis/export", query_string={
        **ask, "first": "2025-12-01", "last": "2026-02-28"})
    assert widened.mimetype == "text/csv"


def test_a_range_into_an_unfinished_period_is_refused_saying_why(viewer, worked):
    response = viewer.get("/staff/mallis/export", query_string={
        "first": "2026-01-01", "last": "2026-11-23", "group": "year", "venue": "mallis",
        "fmt": "csv", "download": "1"})
    assert response.status_code == 400 and "Content-Disposition" not in response.headers
    assert "året 2026 är inte slut än" in text(response)


def test_the_export_command_gives_the_viewers_file(app, worked):
    run = app.test_cli_runner().invoke
    widened = run(args=["export", "--from", "2025-12-15", "--to", "2026-01-20", "--group",
                        "month", "--venue", "mallis", "--published"])
    assert widened.exit_code == 0
    assert "2025-12-01 – 2026-01-31" in widened.stderr
    assert widened.stdout.splitlines()[1].startswith("2025-12,mallis,")
    refused = run(args=["export", "--from", "2026-01-01", "--to", "2026-11-30", "--group",
                        "month", "--published"])
    assert refused.exit_code == 2 and "2026-10-31" in refused.output
    assert run(args=["export", "--from", "2025-01-01", "--to", "2025-12-31", "--group", "year",
                     "--published", "--min-cell", "3"]).exit_code == 2


def test_the_method_paragraph_says_what_was_done_in_swedish_and_english(db, worked):
    sv = yearly_report.yearly_report(db, worked["id"], 2025, published=True, today=TODAY,
                                     locale="sv")["method"]
    assert "Små tal har ändrats lite slumpmässigt, på samma sätt varje gång, så att ingen " \
           "enskild besökare kan räknas fram. Samma metod använder SCB." in sv
    assert "<3" not in sv
    en = yearly_report.yearly_report(db, worked["id"], 2025, published=True, today=TODAY,
                                     locale="en")["method"]
    assert "Small numbers have been changed a little at random, the same way every time" in en
    assert "so totals add up exactly, and a sum of k counts can be off by up to 2k" in en
    assert "Persons are given for the whole year only" in en
    with pytest.raises(periods.FiguresError):
        yearly_report.yearly_report(db, worked["id"], 2026, published=True, today=TODAY)


# --- issue 13, item 4: less hiding is on record ---------------------------------------------

EXACT = {"first": "2025-12-01", "last": "2026-02-28", "group": "month", "venue": "mallis",
         "fmt": "csv", "download": "1"}


def test_an_export_hiding_less_than_min_cell_is_written_in_the_audit_log(app, db, staff,
                                                                        worked):
    assert staff.get("/staff/mallis/export", query_string={**EXACT, "min_cell": "3"}
                     ).status_code == 200
    assert not [a for a in audit_lines(db) if a["action"] == "export with less hiding"]
    staff.get("/staff/mallis/export", query_string={**EXACT, "min_cell": "none",
                                                    "by_activity": "y"})
    staff.get("/staff/mallis/export", query_string={**EXACT, "min_cell": "2", "download": "",
                                                    "show": "1"})
    lines = [a for a in audit_lines(db) if a["action"] == "export with less hiding"]
    assert [(a["username"], a["detail"]) for a in lines] == [
        ("anna", "download: 2025-12-01–2026-02-28, month by activity, min-cell none "
                 "(configured 3), mallis"),
        ("anna", "shown: 2025-12-01–2026-02-28, month, min-cell 2 (configured 3), mallis")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00\+00:00", a["at"]) for a in lines)
    # A higher MIN_CELL makes 3 less than the minimum; published files hide nothing to log.
    app.config["MIN_CELL"] = 5
    staff.get("/staff/mallis/export", query_string={**EXACT, "min_cell": "3"})
    staff.get("/staff/mallis/export", query_string={
        **EXACT, "version": "published", "first": "2025-01-01", "last": "2025-12-31"})
    lines = [a for a in audit_lines(db) if a["action"] == "export with less hiding"]
    assert len(lines) == 3 and "min-cell 3 (configured 5)" in lines[-1]["detail"]


def test_an_export_with_less_hiding_whose_audit_line_fails_gives_nothing(db, staff, worked,
                                                                        monkeypatch):
    # Such an export changes nothing to store: its line is written before the file is made
    # or the table shown, so with the log failing no one gets the counts unlogged.
    from checkin.accounts import audit

    def broken(*_args, **_kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "write", broken)
    for query in ({**EXACT, "min_cell": "none"},
                  {**EXACT, "min_cell": "2", "download": "", "show": "1"}):
        with pytest.raises(RuntimeError):
            staff.get("/staff/mallis/export", query_string=query)
    assert audit_lines(db) == []
    monkeypatch.undo()
    response = staff.get("/staff/mallis/export", query_string={**EXACT, "min_cell": "none"})
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    assert [a["action"] for a in audit_lines(db)] == ["export with less hiding"]


def test_a_viewers_export_writes_no_audit_line(db, viewer, worked):
    viewer.get("/staff/mallis/export", query_string={
        **EXACT, "first": "2025-01-01", "last": "2025-12-31", "min_cell": "none"})
    assert not audit_lines(db)


def test_the_citys_report_perturbs_ratings_and_shows_closed_surveys_only(db, viewer, mallis):
    for n in range(7):
        smileys.record_rating(db, venue_id=mallis["id"], day=D("2025-03-03"),
                              rating=5 if n % 2 else 4)
    smileys.record_rating(db, venue_id=mallis["id"], day=D("2025-04-01"), rating=1)
    closed = surveys.create_survey(db, venue_id=mallis["id"], title_sv="Hösten 2025",
                                   opens=D("2025-10-01"), closes=D("2025-10-31"),
                                   questions=[{"text_sv": "Behöver du mer stöd?"}], user=None)
    still_open = surveys.create_survey(db, venue_id=mallis["id"], title_sv="Årsskiftet",
                                       opens=D("2025-12-01"), closes=D("2026-12-31"),
                                       questions=[{"text_sv": "Trivs du?"}], user=None)
    for survey_id in (closed, still_open):
        survey = surveys.get_survey(db, survey_id)
        for value in ["yes", "no", "no", "no", "partly"]:
            surveys.record_response(db, survey, D("2025-12-01") if survey_id == still_open
                                    else D("2025-10-02"), {survey["questions"][0]["id"]: value})
    html = text(viewer.get("/staff/mallis/report/2025"))
    assert "Enkät: Hösten 2025" in html and "Årsskiftet" not in html
    ratings = html.split('id="ratings"', 1)[1].split("</table>", 1)[0]
    counts = re.findall(r'<td class="num">(\d+)</td><td class="num">', ratings)
    assert counts and all(int(c) == 0 or int(c) >= 3 for c in counts)
    assert "&lt;3" not in html  # nothing hidden: changed instead
    survey = html.split("Enkät: Hösten 2025", 1)[1].split("</section>", 1)[0]
    cells = re.findall(r'<td class="num">(\d+)</td>', survey)
    assert cells and all(int(c) == 0 or int(c) >= 3 for c in cells)
    assert "En enkät visas när den har stängt." in html


def test_what_consistency_costs_for_a_venue_of_600_visits_a_year(db, mallis):
    """docs/figures.md, Quality: a venue of about 600 visits a year in three activities has a
    published yearly total with a standard deviation of about 19 (3 %), a month about 5.5;
    the published totals are the sums of the finest cells, whose variances add up."""
    random_year(db, mallis, seed=14)
    variance = {0: 0, 1: 2, 2: 2, 3: 0}
    cells = tables.published_cells(db, mallis["id"], D("2025-01-01"), D("2025-12-31"))
    true = Counter()
    for month, activity, gender, linked, n in db.execute(
            "SELECT substr(date, 1, 7), activity_id, coalesce(gender, 'unstated'), "
            "person_hash IS NOT NULL, count(*) FROM visit GROUP BY 1, 2, 3, 4"):
        true[(month, activity, {"woman": "women", "man": "men"}.get(gender, gender),
              bool(linked))] += n
    assert set(true) == set(cells), set(true) ^ set(cells)
    by_month = Counter()
    for (month, *_rest), n in true.items():
        by_month[month] += variance.get(n, 1.5)
    year_sd = sum(by_month.values()) ** 0.5
    month_sd = sorted(v ** 0.5 for v in by_month.values())[6]  # the median month
    print(f"\n{len(true)} finest cells; SD of the yearly total {year_sd:.1f}, of a month "
          f"{month_sd:.1f}")
    assert 17 <= year_sd <= 21 and 4.5 <= month_sd <= 6.5


def test_the_viewers_dashboard_reads_its_cells_once_and_shows_what_each_table_would(
        db, mallis, monkeypatch):
    """Issue 22: the published dashboard asks four tables of one 24-month range (last month,
    last year, the months, the busiest activities). It reads the venue's published cells
    once and sums every table from them (a cell is perturbed by its own records only); the
    board is the one its tables give when each reads its own range."""
    rng = random.Random(22)
    first = D("2024-11-01")  # the 24 months before November 2026
    rows, seen = [], set()
    for _ in range(400):
        day = (first + dt.timedelta(days=rng.randrange(730))).isoformat()
        source = rng.choice(("qr", "qr", "kiosk", "tally"))
        person = f"p{rng.randrange(40)}" if source == "qr" else None
        if person and (day, person) in seen:  # one visit a day per person
            person = None
        seen.add((day, person))
        rows.append((day, None if source == "tally" else 10,
                     rng.choice(("Sygrupp", "Yoga", "Matlagningskurs", None)),
                     rng.choice(("woman", "man", "other", "unstated", None)), source, person))
    insert(db, mallis, rows)

    reads = []
    real = tables.published_cells

    def counted(db, venue_id, first, last, **kw):
        reads.append((first, last))
        return real(db, venue_id, first, last, **kw)

    monkeypatch.setattr(tables, "published_cells", counted)
    monkeypatch.setattr(dashboard_figures, "published_cells", counted)
    board = dashboard_figures.dashboard(db, mallis["id"], TODAY, published=True)
    assert reads == [(D("2024-11-01"), D("2026-10-31"))]

    # Each table on its own range, as before: the same board.
    real_figures = dashboard_figures.figures
    monkeypatch.setattr(dashboard_figures, "figures", lambda *a, cells=None, **kw: (
        real_figures(*a, **kw)))
    reads.clear()
    alone = dashboard_figures.dashboard(db, mallis["id"], TODAY, published=True)
    assert reads[1:] == [(D("2026-10-01"), D("2026-10-31")), (D("2025-01-01"), D("2025-12-31")),
                         (D("2024-11-01"), D("2026-10-31")), (D("2025-11-01"), D("2026-10-31"))]
    assert alone == board
    assert board["now"]["year"]["visits"]["total"] > 100
    assert board["now"]["year"]["persons"]["total"] > 0 and board["busiest"]


def test_cells_serve_only_a_published_table_of_their_venue_inside_their_range(db, worked):
    cells = (D("2025-01-01"), D("2025-12-31"), tables.published_cells(
        db, worked["id"], D("2025-01-01"), D("2025-12-31")))
    inside = published(db, "2025-03-01", "2025-05-31", "month", venue_id=worked["id"],
                       cells=cells)
    assert inside == published(db, "2025-03-01", "2025-05-31", "month", venue_id=worked["id"])
    for first, last, kw in (("2025-12-01", "2026-01-31", {"venue_id": worked["id"]}),
                            ("2025-01-01", "2025-12-31", {})):
        with pytest.raises(ValueError):
            published(db, first, last, "month", cells=cells, **kw)
    with pytest.raises(ValueError):
        figures(db, D("2025-01-01"), D("2025-12-31"), "month", venue_id=worked["id"],
                cells=cells)
