"""The figures of docs/figures.md's worked example, cell for cell, and a hand-made second set."""

import datetime as dt

import pytest

from checkin.figures.tables import figures
from checkin.publishing import columns
from checkin.publishing.periods import FiguresError
from checkin.publishing.small_cells import suppress_small_cells
from tests.helpers import MALLIS_MARCH, VICTOR_MARCH, WORKED, insert

D = dt.date.fromisoformat

@pytest.fixture
def worked(db, mallis):
    insert(db, mallis, WORKED)
    return mallis


def cells(row, measure):
    """'1/2/0/1/4' as docs/figures.md writes a group of cells."""
    return "/".join(str(row[f"{measure}_{g}"])
                    for g in ("women", "men", "other", "unstated", "total"))


def table(db, first, last, group, **kw):
    return figures(db, D(first), D(last), group, **kw).rows


def test_columns_come_first_in_the_agreed_order():
    assert columns.COLUMNS[:13] == [
        "period", "venue", "activity", "visits_women", "visits_men", "visits_other",
        "visits_unstated", "visits_total", "persons_women", "persons_men", "persons_other",
        "persons_unstated", "persons_total"]
    assert columns.COLUMNS[13:18] == ["visits_unlinked", "visits_qr", "visits_kiosk",
                                      "visits_tally", "note"]


def test_worked_example_by_year(db, worked):
    rows = table(db, "2025-12-01", "2026-02-28", "year", venue_id=worked["id"])
    assert [(r["period"], r["venue"], r["activity"], cells(r, "visits"), cells(r, "persons"),
             r["visits_unlinked"]) for r in rows] == [
        ("2025", "mallis", "", "1/2/0/1/4", "1/1/0/0/2", 1),
        ("2026", "mallis", "", "2/3/1/1/7", "1/1/1/0/3", 3),
    ]
    assert [(r["first_day"], r["last_day"]) for r in rows] == [
        ("2025-12-01", "2025-12-31"), ("2026-01-01", "2026-02-28")]
    assert [(r["visits_qr"], r["visits_kiosk"], r["visits_tally"]) for r in rows] == [
        (3, 1, 0), (4, 0, 3)]


def test_worked_example_by_month(db, worked):
    rows = table(db, "2025-12-01", "2026-02-28", "month", venue_id=worked["id"])
    assert [(r["period"], cells(r, "visits"), cells(r, "persons"), r["visits_unlinked"])
            for r in rows] == [
        ("2025-12", "1/2/0/1/4", "1/1/0/0/2", 1),
        ("2026-01", "2/2/1/1/6", "1/0/1/0/2", 3),
        ("2026-02", "0/1/0/0/1", "0/1/0/0/1", 0),
    ]


def test_worked_example_by_week_has_every_week_and_no_persons_across_new_year(db, worked):
    rows = table(db, "2025-12-01", "2026-02-28", "week", venue_id=worked["id"])
    assert [r["period"] for r in rows] == [
        "2025-W49", "2025-W50", "2025-W51", "2025-W52", "2026-W01", "2026-W02", "2026-W03",
        "2026-W04", "2026-W05", "2026-W06", "2026-W07", "2026-W08", "2026-W09"]
    with_visits = [(r["period"], cells(r, "visits"), cells(r, "persons"), r["visits_unlinked"],
                    r["note"]) for r in rows if r["visits_total"]]
    assert with_visits == [
        ("2026-W01", "2/2/0/2/6", "////", 1,
         "Personer räknas inte: perioden går över två kalenderår."),
        ("2026-W02", "1/2/1/0/4", "0/0/1/0/1", 3, ""),
        ("2026-W06", "0/1/0/0/1", "0/1/0/0/1", 0, ""),
    ]
    empty = [r for r in rows if not r["visits_total"]]
    assert all(cells(r, "visits") == "0/0/0/0/0" and cells(r, "persons") == "0/0/0/0/0"
               for r in empty)
    # The last week is clipped to the range: 2026-W09 is 23 February – 1 March.
    assert (rows[-1]["first_day"], rows[-1]["last_day"]) == ("2026-02-23", "2026-02-28")
    # Notes come in the language asked for.
    english = table(db, "2025-12-29", "2026-01-04", "week", venue_id=worked["id"], locale="en")
    assert english[0]["note"] == "Persons not counted: the period spans two calendar years."


def test_a_week_clipped_inside_one_year_counts_persons(db, worked):
    rows = table(db, "2026-01-01", "2026-01-04", "week", venue_id=worked["id"])
    assert [(r["period"], cells(r, "visits"), cells(r, "persons"), r["note"]) for r in rows] == [
        ("2026-W01", "1/0/0/1/2", "1/0/0/1/2", "")]


def test_worked_example_by_year_and_activity(db, worked):
    rows = table(db, "2025-12-01", "2026-02-28", "year", by_activity=True,
                 venue_id=worked["id"])
    assert [(r["period"], r["activity"], cells(r, "visits"), cells(r, "persons"))
            for r in rows] == [
        ("2025", "Sygrupp", "1/1/0/0/2", "1/1/0/0/2"),
        ("2025", "Yoga", "0/1/0/1/2", "0/1/0/0/1"),
        ("2026", "Matlagningskurs", "1/2/1/0/4", "0/0/1/0/1"),
        ("2026", "Sygrupp", "1/0/0/1/2", "1/0/1/0/2"),
        ("2026", "Yoga", "0/1/0/0/1", "0/1/0/0/1"),
    ]


def test_worked_example_by_year_with_min_cell_3(db, worked):
    result = figures(db, D("2025-12-01"), D("2026-02-28"), "year", venue_id=worked["id"],
                     min_cell=3)
    assert [(r["period"], cells(r, "visits"), cells(r, "persons")) for r in result.rows] == [
        ("2025", "<3/<3/0/<3/4", "<3/<3/0/0/<3"),
        ("2026", "<3/3/<3/<3/7", "<3/<3/<3/0/3"),
    ]


def test_rule_two_example_hides_the_smallest_other_cell():
    values = {"w": 2, "m": 10, "o": 0, "u": 0, "t": 12}
    hidden = suppress_small_cells(values, [(["w", "m", "o", "u"], "t")], 3)
    assert hidden == {"w": "<3", "m": ".."}


def test_a_lone_hidden_cell_with_nothing_else_to_hide_hides_the_total():
    values = {"w": 0, "m": 0, "o": 0, "u": 0, "t": 0, "x": 7, "y": 2, "tt": 9}
    hidden = suppress_small_cells(values, [(["x", "y"], "tt")], 3)
    assert hidden == {"y": "<3", "x": ".."}
    hidden = suppress_small_cells({"x": 0, "y": 2, "t": 2, "a": 5, "b": 0, "c": 5},
                                  [(["a", "b"], "c")], 3)
    assert hidden == {"y": "<3", "t": "<3"}


def test_bad_input_is_refused(db, worked):
    with pytest.raises(FiguresError, match="reversed"):
        figures(db, D("2026-02-01"), D("2026-01-01"), "month")
    with pytest.raises(FiguresError, match="group"):
        figures(db, D("2026-01-01"), D("2026-02-01"), "quarter")
    with pytest.raises(FiguresError, match="min-cell"):
        figures(db, D("2026-01-01"), D("2026-02-01"), "month", min_cell=1)


ZERO = "0/0/0/0/0 | 0/0/0/0/0 | 0/0/0/0"


def line(row):
    """'visits | persons | unlinked/qr/kiosk/tally' for one row."""
    return (f"{cells(row, 'visits')} | {cells(row, 'persons')} | {row['visits_unlinked']}/"
            f"{row['visits_qr']}/{row['visits_kiosk']}/{row['visits_tally']}")


@pytest.fixture
def march(db, mallis, victor):
    insert(db, mallis, MALLIS_MARCH)
    insert(db, victor, VICTOR_MARCH, "victor")


# Plain rows with visits, then by-activity rows, without and with --min-cell 3.
# W10 = the 2nd/3rd, W11 = the 10th/14th; month and year hold both (range 2–15 March).
PLAIN = {
    ("mallis", "W10"): ("6/10/0/0/16 | 2/4/0/0/6 | 10/6/7/3",
                        "6/10/0/0/16 | <3/../0/0/6 | 10/6/7/3"),
    ("mallis", "W11"): ("2/10/0/1/13 | 2/0/0/1/3 | 10/3/0/10",
                        "<3/../0/<3/13 | <3/0/0/<3/3 | 10/../0/.."),
    ("mallis", "M"): ("8/20/0/1/29 | 3/3/0/1/7 | 20/9/7/13",
                      "../20/0/<3/29 | ../3/0/<3/7 | 20/9/7/13"),
    ("victor", "W10"): ("5/10/0/0/15 | 1/3/0/0/4 | 11/4/8/3",
                        "5/10/0/0/15 | <3/../0/0/4 | 11/4/8/3"),
    ("victor", "W11"): ("0/0/2/1/3 | 0/0/2/1/3 | 0/3/0/0",
                        "0/0/<3/<3/3 | 0/0/<3/<3/3 | 0/3/0/0"),
    ("victor", "M"): ("5/10/2/1/18 | 1/3/2/1/7 | 11/7/8/3",
                      "5/10/<3/<3/18 | <3/3/<3/<3/7 | 11/7/8/3"),
}
BY_ACTIVITY = {
    ("mallis", "W10"): [
        ("Sygrupp", "5/6/0/0/11 | 2/3/0/0/5 | 6/5/3/3", "../../0/0/11 | <3/../0/0/.. | 6/../../3"),
        ("Yoga", "1/4/0/0/5 | 0/1/0/0/1 | 4/1/4/0", "<3/../0/0/5 | 0/<3/0/0/<3 | 4/<3/../0"),
    ],
    ("mallis", "W11"): [
        ("Yoga", "2/10/0/0/12 | 2/0/0/0/2 | 10/2/0/10",
         "<3/../0/0/.. | <3/0/0/0/<3 | 10/<3/0/.."),
        ("", "0/0/0/1/1 | 0/0/0/1/1 | 0/1/0/0", "0/0/0/<3/<3 | 0/0/0/<3/<3 | 0/<3/0/0"),
    ],
    ("mallis", "M"): [
        ("Sygrupp", "5/6/0/0/11 | 2/2/0/1/5 | 6/5/3/3",
         "../../0/0/.. | <3/<3/0/<3/5 | 6/5/../3"),
        ("Yoga", "3/14/0/0/17 | 2/1/0/0/3 | 14/3/4/10",
         "../../0/0/17 | <3/<3/0/0/.. | 14/../../10"),
        ("", "0/0/0/1/1 | 0/0/0/1/1 | 0/1/0/0", "0/0/0/<3/<3 | 0/0/0/<3/<3 | 0/<3/0/0"),
    ],
    ("victor", "W10"): [
        ("Gym", "1/7/0/0/8 | 1/3/0/0/4 | 4/4/4/0", "<3/../0/0/8 | <3/../0/0/4 | 4/4/4/0"),
        ("Husmöte", "4/3/0/0/7 | 0/0/0/0/0 | 7/0/4/3", "../../0/0/7 | 0/0/0/0/0 | 7/0/4/3"),
    ],
    ("victor", "W11"): [
        ("Gym", "0/0/2/1/3 | 0/0/2/1/3 | 0/3/0/0", "0/0/<3/<3/3 | 0/0/<3/<3/3 | 0/3/0/0"),
    ],
    ("victor", "M"): [
        ("Gym", "1/7/2/1/11 | 1/3/2/1/7 | 4/7/4/0", "<3/../<3/<3/11 | <3/3/<3/<3/7 | 4/7/4/0"),
        ("Husmöte", "4/3/0/0/7 | 0/0/0/0/0 | 7/0/4/3", "../../0/0/7 | 0/0/0/0/0 | 7/0/4/3"),
    ],
}
# The day a week's visits fell on, per venue.
DAY_OF = {("mallis", "W10"): "2026-03-02", ("mallis", "W11"): "2026-03-10",
          ("victor", "W10"): "2026-03-03", ("victor", "W11"): "2026-03-14"}


def expected(group, by_activity, hidden):
    pick = 1 if hidden else 0
    labels = {
        "day": [f"2026-03-{d:02d}" for d in range(2, 16)],
        "week": ["2026-W10", "2026-W11"], "month": ["2026-03"], "year": ["2026"],
    }[group]
    out = []
    for venue in ("mallis", "victor"):
        for label in labels:
            if group in ("month", "year"):
                keys = [(venue, "M")]
            else:
                keys = [k for k in (("mallis", "W10"), ("mallis", "W11"), ("victor", "W10"),
                                    ("victor", "W11"))
                        if k[0] == venue and (label == DAY_OF[k] or label.endswith(k[1]))]
            if by_activity:
                out += [(label, venue, name, both[pick]) for k in keys
                        for name, *both in BY_ACTIVITY[k]]
            else:
                out.append((label, venue, "", PLAIN[keys[0]][pick] if keys else ZERO))
    return out


@pytest.mark.parametrize("group", ["day", "week", "month", "year"])
@pytest.mark.parametrize("by_activity", [False, True])
@pytest.mark.parametrize("min_cell", [None, 3])
def test_hand_made_two_venues_every_cell(db, march, group, by_activity, min_cell):
    result = figures(db, D("2026-03-02"), D("2026-03-15"), group, by_activity=by_activity,
                     min_cell=min_cell)
    got = [(r["period"], r["venue"], r["activity"], line(r)) for r in result.rows]
    assert got == expected(group, by_activity, min_cell)
    assert all(r["note"] == "" for r in result.rows)


def test_one_venue_only_and_hidden_cells_counted(db, march, victor):
    result = figures(db, D("2026-03-02"), D("2026-03-15"), "month", venue_id=victor["id"],
                     by_activity=True, min_cell=3)
    assert [r["venue"] for r in result.rows] == ["victor", "victor"]
    # Gym: 6 small and one protecting; Husmöte: two protecting.
    assert (result.hidden_small, result.hidden_protecting) == (6, 3)


def test_the_report_texts_time_is_kept_to_the_hour_and_old_ones_are_cut(tmp_path):
    """Issue 25 item 8: 'Skriven av anna, … kl. 15.34' — kept to the second. m024 cuts the old."""
    import datetime as dt

    from checkin.db import connect
    from checkin.figures.yearly_report import save_narrative
    from checkin.migrations import migrations

    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m024_report_text_time_to_the_hour")
    db.execute("INSERT INTO venue (id, slug, name, door_key) VALUES (1, 'x', 'X', 'k')")
    db.execute("INSERT INTO report_narrative (venue_id, year, text, updated_by, updated_at) "
               "VALUES (1, 2025, 'Text', 'anna', '2026-11-23 15:34:07')")
    db.conn.commit()
    migrations.apply(db)
    assert db.execute("SELECT updated_at FROM report_narrative").fetchone()[0] == (
        "2026-11-23 15:00:00")
    save_narrative(db, 1, 2026, "Ny text", {"id": None, "username": "anna"},
                   dt.datetime(2026, 11, 23, 16, 47, 12))
    saved = db.execute("SELECT updated_at FROM report_narrative WHERE year = 2026").fetchone()
    assert saved[0] == "2026-11-23 16:00:00"
    db.conn.close()
