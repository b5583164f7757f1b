"""Issue 23, item 2: the same truth keeps its noise.

Hand-counted and imported visits get their record keys from what they are (venue, day,
activity, gender, and their place among alike rows), through a keyed hash with the
installation's secret, not from chance. So undoing and importing a file again, or a tally +1
then -1 on a past day, gives back exactly the files that were published before: asking again
after a correction does not draw new noise that a reader could average or count.
"""

import datetime as dt
import io

import openpyxl
import pytest

from checkin.figures import tables, tally_import
from checkin.publishing import exports
from checkin.visits import recording
from tests.helpers import SOMEONE, WORKED, activity_id, insert

TODAY = dt.date(2026, 11, 23)
FILE = (b"date,activity,women,men,other,unstated\n"
        b"2025-05-05,,1,0,0,0\n"        # a single woman, alone in her cell
        b"2025-03-03,Sygrupp,2,1,0,0\n")
ROUNDS = 20


@pytest.fixture
def venue(db, mallis):
    insert(db, mallis, WORKED)
    recording.change_tally(db, venue_id=mallis["id"], day=dt.date(2025, 3, 3),
                           activity_id=activity_id(db, "Sygrupp"), changes={"man": 2},
                           user=SOMEONE)
    return mallis


def _files(db, venue_id):
    """Every published file of 2025 a viewer can get, by month and year, plain and by
    activity, CSV for programs and for people (sv, en) and xlsx (its cells: the workbook
    itself carries the moment it was written)."""
    out = {}
    for group in ("month", "year"):
        for by in (False, True):
            for lang in ("sv", "en"):
                table = tables.figures(db, dt.date(2025, 1, 1), dt.date(2025, 12, 31), group,
                                       by_activity=by, venue_id=venue_id, published=True,
                                       today=TODAY, locale=lang)
                out[(group, by, lang, "csv")] = exports.write(table, "csv")
                out[(group, by, lang, "excel-csv")] = exports.write(table, "excel-csv",
                                                                    lang=lang)
                book = openpyxl.load_workbook(io.BytesIO(exports.write(table, "xlsx",
                                                                       lang=lang)))
                out[(group, by, lang, "xlsx")] = [
                    list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    return out


def _redo_import(db, venue_id, import_id):
    assert tally_import.undo_import(db, venue_id, import_id, user=SOMEONE) == 4
    return tally_import.import_file(db, venue_id, FILE, "paper.csv", today=TODAY)["id"]


def test_undo_and_redo_of_an_import_gives_back_every_published_file(db, venue):
    v = venue["id"]
    import_id = tally_import.import_file(db, v, FILE, "paper.csv", today=TODAY)["id"]
    first = _files(db, v)
    assert b"figures" in first[("month", False, "sv", "csv")]
    for _ in range(ROUNDS):
        import_id = _redo_import(db, v, import_id)
        assert _files(db, v) == first


def test_a_tally_plus_one_then_minus_one_gives_back_every_published_file(db, venue):
    v, sygrupp, day = venue["id"], activity_id(db, "Sygrupp"), dt.date(2025, 3, 3)
    tally_import.import_file(db, v, FILE, "paper.csv", today=TODAY)
    first = _files(db, v)
    for changes in ({"woman": 1}, {"woman": -1}, {"man": -1}, {"man": 1}, {"other": 3},
                    {"other": -3}):
        recording.change_tally(db, venue_id=v, day=day, activity_id=sygrupp, changes=changes,
                               user=SOMEONE)
        if changes in ({"woman": -1}, {"man": 1}, {"other": -3}):
            assert _files(db, v) == first, changes  # back where it was
    # A real change does change the figures: the keys are not frozen in place.
    recording.change_tally(db, venue_id=v, day=day, activity_id=sygrupp,
                           changes={"woman": 40}, user=SOMEONE)
    assert _files(db, v) != first


def test_with_random_keys_a_correction_drew_new_noise(db, venue, monkeypatch):
    """The fix off: the stored random keys of hand counts decide. Then undo and redo made the
    single imported woman of May 0 or 3 at random, and 20 rounds told which she was."""
    monkeypatch.setattr(tables, "DERIVED_TALLY_KEYS", False)
    v = venue["id"]
    import_id = tally_import.import_file(db, v, FILE, "paper.csv", today=TODAY)["id"]
    seen = set()
    for _ in range(ROUNDS):
        import_id = _redo_import(db, v, import_id)
        [may] = [r for r in tables.figures(db, dt.date(2025, 5, 1), dt.date(2025, 5, 31),
                                           "month", venue_id=v, published=True,
                                           today=TODAY).rows]
        seen.add(may["visits_women"])
    assert seen == {0, 3}  # (2/3)**20 + (1/3)**20: 0.03 % that this fails by chance


def test_kept_tally_keys_publish_what_keys_made_afresh_publish(db, venue, monkeypatch):
    """The keys of hand-counted rows are kept between reads (tables._TALLY_SUMS) so a change
    to a finished year holds its write lock the shorter: what is published with them kept is
    what is published with every key made afresh, and a new secret never meets an old sum."""
    tally_import.import_file(db, venue["id"], FILE, "paper.csv", today=TODAY)
    kept = _files(db, venue["id"])
    tables._TALLY_SUMS.clear()
    assert _files(db, venue["id"]) == kept
    secret = tables.server_secret(db, tables.TALLY_PURPOSE)
    assert any(key[0] == secret for key in tables._TALLY_SUMS)
    monkeypatch.setattr(tables, "_TALLY_SUMS_MAX", 0)  # past the bound: cleared, still right
    assert _files(db, venue["id"]) == kept


def _watch_the_lock(monkeypatch):
    """`inside`: a list that holds True while tally_import's write transaction is open."""
    from checkin.db import writing as real_writing

    inside = []

    def watched(db):
        class Watch:
            def __enter__(self):
                self.inner = real_writing(db)
                self.inner.__enter__()
                inside.append(True)

            def __exit__(self, *exc):
                inside.clear()
                return self.inner.__exit__(*exc)
        return Watch()

    monkeypatch.setattr(tally_import, "writing", watched)
    return inside


def test_an_import_makes_its_new_keys_before_its_write_lock(db, venue, monkeypatch):
    """revisions.ready computes the keys of the rows an import will add before the import's
    transaction: inside it (the totals before and after the change) no key is made."""
    made, inside = [], _watch_the_lock(monkeypatch)
    keyed = tables.keyed
    monkeypatch.setattr(tables, "keyed", lambda *a: made.append(bool(inside)) or keyed(*a))
    tally_import.import_file(db, venue["id"], FILE, "paper.csv", today=TODAY, revised_on=TODAY)
    assert made and not any(made)  # keys were made, none under the lock
    assert db.execute("SELECT count(*) FROM report_revision").fetchone()[0] == 1


def test_a_years_totals_in_one_pass_are_the_count_and_the_published_sum(db, venue):
    """revisions.year_totals reads the exact total from the same pass as the published one
    (inside an import's write lock, each pass over the year's visits counts): equal to
    counting the year apart and to summing the year's published cells."""
    from checkin.figures import revisions

    tally_import.import_file(db, venue["id"], FILE, "paper.csv", today=TODAY)
    exact, published = revisions.year_totals(db, venue["id"], 2025, TODAY)
    assert exact == revisions.exact_visits(db, venue["id"], 2025) > 0
    assert published == sum(tables.published_cells(
        db, venue["id"], dt.date(2025, 1, 1), dt.date(2025, 12, 31)).values())
    # A year that has not ended has no published total, only the count.
    assert revisions.year_totals(db, venue["id"], 2026, TODAY) == (
        revisions.exact_visits(db, venue["id"], 2026), None)


def _year_reads(db, inside):
    """The passes over a year's visits made while `inside` holds True."""
    reads = []
    db.conn.set_trace_callback(lambda sql: reads.append(sql) if inside and (
        "FROM visit WHERE venue_id" in sql and "BETWEEN" in sql) else None)
    return reads


def _revision(db):
    return db.execute("SELECT year, visits_before, visits_after, published_before, "
                      "published_after FROM report_revision ORDER BY id DESC").fetchone()


def test_an_imports_lock_reads_no_year_when_nothing_changed_meanwhile(db, venue, monkeypatch):
    """The finished year's totals before and after are worked out before the write lock
    (revisions.totals_ahead); inside it a count of the year's changes is checked, no pass over
    its visits (each pass held every check-in waiting): the revision is the one the lock's own
    reads give."""
    inside = _watch_the_lock(monkeypatch)
    reads = _year_reads(db, inside)
    try:
        done = tally_import.import_file(db, venue["id"], FILE, "paper.csv", today=TODAY,
                                        revised_on=TODAY)
    finally:
        db.conn.set_trace_callback(None)
    assert reads == []
    ahead = tuple(_revision(db))
    # The same import worked out under the lock, as before m026: the same revision.
    assert tally_import.undo_import(db, venue["id"], done["id"], user=SOMEONE) == 4
    monkeypatch.setattr(tally_import.revisions, "totals_ahead", lambda *a: {})
    tally_import.import_file(db, venue["id"], FILE, "paper.csv", today=TODAY,
                             revised_on=TODAY, again=True)
    assert tuple(_revision(db)) == ahead
    assert ahead[0] == 2025 and ahead[2] == ahead[1] + 4


def test_a_change_between_the_totals_ahead_and_the_lock_is_counted(db, venue, monkeypatch):
    """Someone adds a hand count to the finished year after the import worked out its totals
    and before it takes the write lock: the year's change count has moved, so the import reads
    the year again under the lock, and its revision starts from the year with that count."""
    real_ahead = tally_import.revisions.totals_ahead
    exact_at_start = tally_import.revisions.exact_visits(db, venue["id"], 2025)

    def ahead_then_a_change(*args):
        known = real_ahead(*args)
        recording.change_tally(db, venue_id=venue["id"], day=dt.date(2025, 6, 2),
                               activity_id=None, changes={"woman": 1}, user=SOMEONE)
        return known

    monkeypatch.setattr(tally_import.revisions, "totals_ahead", ahead_then_a_change)
    tally_import.import_file(db, venue["id"], FILE, "paper.csv", today=TODAY, revised_on=TODAY)
    year, before, after, _published_before, _published_after = _revision(db)
    assert (year, before, after) == (2025, exact_at_start + 1, exact_at_start + 5)
    assert after == tally_import.revisions.exact_visits(db, venue["id"], 2025)


def test_every_change_to_a_years_visits_moves_its_count(db, venue):
    from checkin.figures.revisions import year_changes
    from checkin.visits import set_aside

    def moves(change):
        was = year_changes(db, venue["id"], 2025), year_changes(db, venue["id"], 2026)
        change()
        now = year_changes(db, venue["id"], 2025), year_changes(db, venue["id"], 2026)
        return now[0] > was[0], now[1] > was[1]

    def tally():
        recording.change_tally(db, venue_id=venue["id"], day=dt.date(2025, 6, 2),
                               activity_id=None, changes={"man": 1}, user=SOMEONE)

    def untally():
        recording.change_tally(db, venue_id=venue["id"], day=dt.date(2025, 6, 2),
                               activity_id=None, changes={"man": -1}, user=SOMEONE)

    def aside():
        insert(db, venue, [("2025-06-03", 10, None, "woman", "qr", None)])
        set_aside.set_aside(db, venue_id=venue["id"], day=dt.date(2025, 6, 3), hour=10,
                            reason="test", user=SOMEONE)

    def check_in_today():
        recording.record_visit(db, venue_id=venue["id"], day=TODAY, hour=10, source="qr")

    assert moves(tally) == (True, False)
    assert moves(untally) == (True, False)
    assert moves(aside) == (True, False)
    assert moves(check_in_today) == (False, True)

    def regender():
        with db.conn:
            db.execute("UPDATE visit SET gender = 'man' WHERE date = '2025-06-03'")

    assert moves(regender) == (True, False)
