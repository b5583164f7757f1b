"""The dashboard's and the yearly report's numbers, from the hand-made March of test_reports."""

import datetime as dt

from checkin.figures import dashboard_figures, yearly_report
from tests.helpers import MALLIS_MARCH, SOMEONE, activity_id, insert


def test_dashboard_today_week_month_months_and_busiest(db, mallis):
    insert(db, mallis, MALLIS_MARCH)
    insert(db, mallis, [("2025-03-12", 10, "Yoga", "woman", "kiosk", None)] * 4)
    board = dashboard_figures.dashboard(db, mallis["id"], dt.date(2026, 3, 10))
    now = board["now"]
    assert now["today"]["visits"] == {"women": 2, "men": 10, "other": 0, "unstated": 1,
                                      "total": 13}
    assert now["today"]["persons"] == {"women": 2, "men": 0, "other": 0, "unstated": 1,
                                       "total": 3}
    assert now["week"]["first"] == dt.date(2026, 3, 9) and now["week"]["visits"]["total"] == 13
    assert now["month"]["visits"] == {"women": 8, "men": 20, "other": 0, "unstated": 1,
                                      "total": 29}
    assert now["month"]["persons"]["total"] == 7
    months = board["per_month"]
    assert [m["month"] for m in months][:2] == ["2025-04", "2025-05"]
    # Issue 23: 1-10 March beside 1-10 March a year before (none), not all of March 2025 (4).
    assert months[-1] == {"month": "2026-03", "visits": 29, "women": 8,
                          "year_before": "2025-03", "visits_year_before": 0,
                          "year_before_days": (dt.date(2025, 3, 1), dt.date(2025, 3, 10))}
    assert months[-2]["visits_year_before"] == 0  # February 2025: whole months stay whole
    assert sum(m["visits"] for m in months) == 29
    assert board["busiest"] == [("Yoga", 17), ("Sygrupp", 11)]
    assert board["remembered"] == {"since": dt.date(2025, 4, 1), "until": dt.date(2026, 3, 10),
                                   "visits": 29, "linked": 9, "unlinked": 20, "share_linked": 31}


def test_dashboard_week_across_new_year_has_no_persons(db, mallis):
    board = dashboard_figures.dashboard(db, mallis["id"], dt.date(2026, 1, 2))
    assert board["now"]["week"]["persons"] is None
    assert board["now"]["week"]["visits"]["total"] == 0


def test_yearly_report_activities_figures_comparison_and_method(db, mallis):
    insert(db, mallis, MALLIS_MARCH)
    insert(db, mallis, [("2025-03-12", 10, "Yoga", "woman", "kiosk", None)] * 4)
    slot = db.execute("SELECT id FROM slot WHERE activity_id = ?",
                      [activity_id(db, "Sygrupp")]).fetchone()[0]
    with db.conn:
        db.conn.execute("INSERT INTO slot_change (slot_id, date, cancelled) "
                        "VALUES (?, '2026-03-02', 1)", [slot])
    report = yearly_report.yearly_report(db, mallis["id"], 2026, min_cell=3, locale="en",
                                         today=dt.date(2027, 1, 10))
    held = {a["activity"]: (a["times"], a["counted"]) for a in report["activities_held"]}
    assert held["Sygrupp"] == (51, True)           # 52 Mondays, one cancelled
    assert held["Yoga"] == (52, True)
    assert held["Julfest"] == (1, True)
    assert held["Stadsodling"] == (52, False)      # held, open to everyone, not counted
    this = report["this_year"]
    assert [m["period"] for m in this["months"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    march = this["months"][2]
    assert (march["visits_women"], march["visits_men"], march["visits_total"],
            march["persons_total"]) == ("..", 20, 29, 7)
    assert this["total"]["visits_total"] == 29
    assert this["share_women_visits"] is None      # the women cell is hidden: no share either
    assert [a["activity"] for a in this["activities"]] == ["Sygrupp", "Yoga", ""]
    before = report["year_before"]
    assert before["total"]["visits_women"] == 4 and before["total"]["visits_total"] == 4
    assert before["share_women_visits"] == 100
    method = report["method"]
    assert "20 of 29 visits (69 %)" in method
    assert "persons reached is a floor, not an estimate" in method
    assert f"counts from 1 to 2 are shown as <3 ({this['hidden_small']} cells" in method
    swedish = yearly_report.yearly_report(db, mallis["id"], 2026, locale="sv",
                                          today=dt.date(2027, 1, 10))["method"]
    assert "20 av 29 besök (69 %)" in swedish and "inte en uppskattning" in swedish


def test_narrative_is_saved_and_replaced(db, mallis):
    assert yearly_report.get_narrative(db, mallis["id"], 2026)["text"] == ""
    yearly_report.save_narrative(db, mallis["id"], 2026, "Ett bra år.", SOMEONE,
                                 now=dt.datetime(2026, 12, 1, 10, 0))
    yearly_report.save_narrative(db, mallis["id"], 2026, "Ett mycket bra år.",
                                 {"id": None, "username": "ben"},
                                 now=dt.datetime(2026, 12, 2, 9, 0))
    saved = yearly_report.get_narrative(db, mallis["id"], 2026)
    assert (saved["text"], saved["updated_by"], saved["updated_at"]) == (
        "Ett mycket bra år.", "ben", "2026-12-02 09:00:00")
    assert db.execute("SELECT count(*) FROM report_narrative").fetchone()[0] == 1
    assert yearly_report.yearly_report(
        db, mallis["id"], 2026, today=dt.date(2026, 12, 2))["narrative"]["text"] == (
        "Ett mycket bra år.")
