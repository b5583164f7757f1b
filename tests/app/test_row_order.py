"""No order in the rows: ids of visits, smileys, texts, survey answers, ideas and votes say
nothing about who came first (issue 13, item 2)."""

import datetime as dt
import re
from pathlib import Path

import pytest

from checkin.db import connect, migrate
from checkin.feedback import ideas, surveys
from checkin.feedback import smileys as feedback
from checkin.figures.tables import figures
from checkin.migrations import migrations
from checkin.publishing.exports import write
from checkin.visits import recording
from checkin.yearclose import close_year
from tests.helpers import SOMEONE, activity_id

D = dt.date.fromisoformat
TODAY = D("2026-11-23")
PAIRS = 200


def ids(db, table):
    return {row[0] for row in db.execute(f"SELECT id FROM {table}")}  # noqa: S608


def new_id(db, table, write_one):
    before = ids(db, table)
    write_one()
    (made,) = ids(db, table) - before
    return made


def share_in_arrival_order(db, table, write_one, pairs=PAIRS):
    """Write two rows `pairs` times, first then second; the share of pairs whose ids say
    which came first. 0.5 is a coin: the ids tell nothing."""
    in_order = 0
    for _ in range(pairs):
        first = new_id(db, table, write_one)
        second = new_id(db, table, write_one)
        in_order += first < second
    return in_order / pairs


def test_two_visits_of_the_same_hour_cannot_be_put_in_order(db, mallis):
    def visit():
        recording.record_visit(db, venue_id=mallis["id"], day=TODAY, hour=19, source="qr")

    share = share_in_arrival_order(db, "visit", visit)
    # Counted-up ids gave 1.0 (ids 2200–2203 were hour 19, in order). 200 fair coins land
    # outside 0.35–0.65 about once in 30,000 runs.
    assert 0.35 < share < 0.65, share


def test_check_ins_at_the_door_get_random_ids(app, db, mallis):
    from tests.helpers import check_in

    for _ in range(5):  # five visitors, five phones
        assert check_in(app.test_client(), mallis, "none").status_code == 302
    stored = sorted(ids(db, "visit"))
    assert len(stored) == 5 and stored[-1] > 5 * 10**6  # not 1, 2, 3, 4, 5


def test_smileys_survey_answers_ideas_and_tallies_cannot_be_put_in_order(db, mallis):
    survey_id = surveys.create_survey(
        db, venue_id=mallis["id"], title_sv="Enkät", opens=D("2026-01-01"),
        closes=D("2026-12-31"), questions=[{"text_sv": "Mer stöd?", "kind": "choice"}], user=None)
    survey = surveys.get_survey(db, survey_id)
    question = survey["questions"][0]["id"]
    sygrupp = activity_id(db, "Sygrupp")
    writers = {
        "feedback": lambda: feedback.record_rating(db, venue_id=mallis["id"], day=TODAY,
                                                   rating=4),
        "survey_response": lambda: surveys.record_response(db, survey, TODAY,
                                                           {question: "yes"}),
        "idea": lambda: ideas.suggest(db, venue_id=mallis["id"], day=TODAY, text="Bingo"),
        "visit": lambda: recording.change_tally(db, venue_id=mallis["id"], day=TODAY,
                                                activity_id=sygrupp, changes={"man": 1},
                                                user=SOMEONE),
    }
    for table, write_one in writers.items():
        share = share_in_arrival_order(db, table, write_one, pairs=100)
        assert 0.3 < share < 0.7, (table, share)  # outside: about once in 60,000 runs each


def test_votes_and_survey_answers_keep_no_hidden_arrival_number(db):
    for table in ("idea_vote", "survey_answer"):
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
        assert sql.rstrip().endswith("WITHOUT ROWID"), table  # no rowid counted up


INSERT = re.compile(r"INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(visit|feedback|survey_response|idea)\s*"
                    r"\(([^)]*)\)", re.IGNORECASE)


def test_every_insert_of_a_visitor_row_takes_its_id_from_row_ids():
    """A new INSERT that forgets the id would get counted-up ids again."""
    root = Path(__file__).resolve().parents[2] / "checkin"
    found = []
    for path in root.rglob("*.py"):
        if path.name == "migrations.py":
            continue
        source = re.sub(r'"\s*\n\s*"', "", path.read_text())  # join "..." "..." strings
        for table, columns in INSERT.findall(source):
            found.append((path.name, table))
            assert columns.split(",")[0].strip() == "id", (path, table, columns)
    assert {t for _p, t in found} == {"visit", "feedback", "survey_response", "idea"}
    assert {p for p, _t in found} >= {"recording.py", "smileys.py", "surveys.py", "ideas.py",
                                      "imported_visits.py", "demo.py"}


def test_the_tally_minus_button_still_takes_one_away(db, mallis):
    sygrupp = activity_id(db, "Sygrupp")
    recording.change_tally(db, venue_id=mallis["id"], day=TODAY, activity_id=sygrupp,
                           changes={"woman": 2, "man": 1}, user=SOMEONE)
    assert recording.change_tally(db, venue_id=mallis["id"], day=TODAY, activity_id=sygrupp,
                                  changes={"woman": -1}, user=SOMEONE) == {"woman": -1}
    counts = recording.day_counts(db, mallis["id"], TODAY, sygrupp)["tally"]
    assert (counts["woman"], counts["man"]) == (1, 1)


# --- a person's latest answer -----------------------------------------------------------------

def insert_visit(db, venue, visit_id, day, gender, person="p" * 32):
    with db.conn:
        db.execute("INSERT INTO visit (id, venue_id, date, hour, gender, source, person_hash) "
                   "VALUES (?, ?, ?, 10, ?, 'qr', ?)", [visit_id, venue["id"], day, gender, person])


@pytest.mark.parametrize("closed", [False, True])
def test_a_persons_latest_answer_is_decided_by_the_day_never_by_the_id(db, mallis, closed):
    """The same phone said "woman" on 2 March and "man" on 3 March; the later visit has the
    smaller id. A phone has one visit a day at a venue, so the day alone decides."""
    insert_visit(db, mallis, 900, "2025-03-02", "woman")
    insert_visit(db, mallis, 7, "2025-03-03", "man")
    insert_visit(db, mallis, 500, "2025-03-04", None)  # a skip is no answer
    if closed:  # the close counts persons once more, from the same rows, before the hashes go
        close_year(db, 2025, D("2026-03-01"))
    row = figures(db, D("2025-03-01"), D("2025-03-31"), "month", venue_id=mallis["id"]).rows[0]
    assert (row["persons_men"], row["persons_women"], row["persons_total"]) == (1, 0, 1)


# --- the migration renumbers what is there --------------------------------------------------

def test_the_migration_gives_existing_rows_random_ids_and_keeps_every_link(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m014_random_row_ids")
    from checkin.demo import MALLIS, create_venue

    create_venue(db, "mallis", "Mallis", "Street Minds", "Malmskillnadsgatan", MALLIS, TODAY)
    venue = dict(db.execute("SELECT * FROM venue").fetchone())
    # Rows as the old code wrote them: ids counted up, in the order visitors came.
    with db.conn:
        for n in range(PAIRS * 2):
            db.execute("INSERT INTO visit (venue_id, date, hour, gender, source, person_hash) "
                       "VALUES (?, ?, 19, ?, 'qr', ?)",
                       [venue["id"], f"2026-11-{1 + n % 28:02d}", ("woman", "man")[n % 2],
                        f"{n % 37:032d}"])
        for n in range(30):
            db.execute("INSERT INTO feedback (venue_id, date, rating, text) VALUES (?, ?, ?, ?)",
                       [venue["id"], "2026-11-23", 1 + n % 5, f"text {n}" if n % 3 else None])
    survey_id = surveys.create_survey(
        db, venue_id=venue["id"], title_sv="Enkät", opens=D("2026-01-01"),
        closes=D("2026-12-31"), questions=[{"text_sv": "Mer stöd?", "kind": "choice"},
                                           {"text_sv": "Ensam?", "kind": "choice"}], user=None)
    survey = surveys.get_survey(db, survey_id)
    q1, q2 = (q["id"] for q in survey["questions"])
    with db.conn:
        for n in range(12):
            db.execute("INSERT INTO survey_response (survey_id, date) VALUES (?, '2026-11-23')",
                       [survey_id])
            db.execute("INSERT INTO survey_answer (response_id, question_id, value) "
                       "VALUES (?, ?, ?), (?, ?, ?)",
                       [n + 1, q1, ("yes", "no")[n % 2], n + 1, q2, "partly"])
        db.execute("INSERT INTO idea (venue_id, text, created_date, published) "
                   "VALUES (?, 'Bingo', '2026-11-01', 1)", [venue["id"]])
    phone = "v" * 32
    idea = ideas.get_idea(db, 1)
    for key in (phone, "w" * 32):  # as the code of that time stored a vote (no day, m021)
        stand_in = ideas.voter_hash(db, idea, key)
        with db.conn:
            db.execute("INSERT INTO idea_vote (idea_id, voter_hash) VALUES (1, ?)", [stand_in])
    published_then = [dict(r) for r in db.execute(
        "SELECT idea.*, (SELECT count(*) FROM idea_vote WHERE idea_id = idea.id) AS votes "
        "FROM idea WHERE published = 1")]
    for row in published_then:
        row["voted"] = ideas.has_voted(db, row, phone)
    before = {
        "figures": write(figures(db, D("2026-11-01"), D("2026-11-30"), "week",
                                 by_activity=True), "csv"),
        "survey": surveys.results(db, survey_id),
        "texts": sorted((r["date"], r["rating"], r["text"])
                        for r in feedback.free_texts(db, venue["id"])),
        "ideas": published_then,
    }
    old_visits = [tuple(r) for r in db.execute("SELECT * FROM visit ORDER BY id")]

    migrate(db)

    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    width = len(old_visits[0])  # later migrations may add columns (m015: import_id)
    new_visits = {tuple(r)[1:width]: r[0] for r in db.execute("SELECT * FROM visit")}
    assert sorted(new_visits, key=repr) == sorted((v[1:] for v in old_visits), key=repr)
    assert not set(new_visits.values()) & set(range(1, len(old_visits) + 1))
    # In arrival order, the new ids go up no more often than a coin says.
    renumbered = [new_visits[v[1:]] for v in old_visits]
    share = sum(a < b for a, b in zip(renumbered[::2], renumbered[1::2], strict=True)) / PAIRS
    assert 0.35 < share < 0.65, share
    assert max(ids(db, "feedback")) > 10**6 and max(ids(db, "survey_response")) > 10**6
    assert write(figures(db, D("2026-11-01"), D("2026-11-30"), "week", by_activity=True),
                 "csv") == before["figures"]
    assert surveys.results(db, survey_id) == before["survey"]
    assert sorted((r["date"], r["rating"], r["text"])
                  for r in feedback.free_texts(db, venue["id"])) == before["texts"]
    # The idea keeps its id: the phone's vote is a hash of it, so the phone may not vote again.
    # (Later migrations may add columns: the idea's own are the same as before.)
    assert [{k: idea[k] for k in was} for idea, was in zip(
        ideas.published(db, venue["id"], phone), before["ideas"], strict=True)] == before["ideas"]
    assert before["ideas"][0]["voted"] and not ideas.vote(db, 1, phone)
    test_votes_and_survey_answers_keep_no_hidden_arrival_number(db)
    db.conn.close()
