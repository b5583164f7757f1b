"""What hiding small cells protects, and what it does not (issue 28, item 4): docs/operations.md
promised "the exports protect sums so a hidden cell cannot be worked out". Within one row or
column they do; across columns one exact file can still give a hidden person away — the
sentence now says so, and this test holds both halves of it."""

import datetime as dt
from pathlib import Path

from checkin.figures.tables import figures
from checkin.visits.phones import new_device_key, person_hash
from checkin.visits.recording import record_visit

ROOT = Path(__file__).resolve().parents[2]
MAY = dt.date(2026, 5, 4)


def _may(db, mallis):
    for hour in (10, 11, 12, 13):  # four kiosk visits, no phone
        record_visit(db, venue_id=mallis["id"], day=MAY, hour=hour, source="kiosk")
    record_visit(db, venue_id=mallis["id"], day=MAY, hour=14, source="qr", gender="woman",
                 person_hash=person_hash(db, mallis["id"], new_device_key(), 2026))
    table = figures(db, dt.date(2026, 5, 1), dt.date(2026, 5, 31), "month",
                    venue_id=mallis["id"], min_cell=3)
    return table.rows[0]


def test_a_hidden_cell_is_protected_within_its_row(db, mallis):
    row = _may(db, mallis)
    genders = [row[c] for c in ("visits_women", "visits_men", "visits_other",
                                "visits_unstated")]
    # The one woman's visit is hidden, and so is a second cell, so the total less the shown
    # genders leaves two hidden cells to share it: 5 − 0 − 0 = 5 = women + unstated.
    assert genders == ["<3", 0, 0, ".."] and row["visits_total"] == 5


def test_across_columns_one_exact_file_can_still_give_a_hidden_person_away(db, mallis):
    """visits_total 5 and visits_unlinked 4 leave one linked visit: the one person, and the
    hidden `persons_women <3` is that one woman. Exact files stay inside the organisation."""
    row = _may(db, mallis)
    assert (row["visits_total"], row["visits_unlinked"]) == (5, 4)
    assert row["persons_women"] == "<3"
    linked = row["visits_total"] - row["visits_unlinked"]
    assert linked == 1  # so the hidden persons_women is exactly 1
    said = " ".join((ROOT / "docs" / "operations.md").read_text().split())
    assert "the exports protect sums so a hidden cell cannot be worked out" not in said
    assert "one exact file can still give a hidden count away" in said
