"""One export is a few seconds' work at most: its range is bounded by its grouping."""

import pytest

from tests.helpers import log_in, make_user, text


@pytest.fixture
def staff(app, db, client, mallis):
    make_user(db, "vera", "staff")
    assert log_in(client, "vera").status_code == 302
    client.get("/lang/en")
    return client


def export(client, first, last, group, **extra):
    return client.get("/staff/mallis/export", query_string={
        "first": first, "last": last, "group": group, "fmt": "csv", "min_cell": "3",
        "venue": "mallis", **extra})


@pytest.mark.parametrize("group, first, message", [
    ("day", "2000-01-01", "One row per day can cover at most 3 years."),
    ("week", "2000-01-01", "One row per week can cover at most 10 years."),
    ("month", "2026-01-01", None),
    ("day", "2023-11-24", None),  # three years by day is fine
])
def test_a_range_too_long_for_its_grouping_is_refused_with_a_plain_message(
        staff, group, first, message):
    response = export(staff, first, "2026-11-23", group, download="1")
    if message:
        assert response.status_code == 400
        assert message in text(response)
    else:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("first, last", [("0001-01-01", "2026-01-01"),
                                         ("2026-01-01", "9999-12-31")])
def test_days_before_2000_or_far_ahead_are_refused(staff, first, last):
    response = export(staff, first, last, "year")
    assert response.status_code == 400
    assert "Choose days from 2000-01-01 to 2999-12-31." in text(response)


def test_the_swedish_message_says_the_same(staff):
    staff.get("/lang/sv")
    response = export(staff, "2000-01-01", "2026-11-23", "day")
    assert response.status_code == 400
    assert "En rad per dag kan gälla högst 3 år." in text(response)


def test_the_command_is_bounded_too(app, mallis):
    result = app.test_cli_runner().invoke(args=[
        "export", "--venue", "mallis", "--from", "2000-01-01", "--to", "2026-11-23",
        "--group", "day"])
    assert result.exit_code != 0
    assert "covers at most 3 years" in result.output
