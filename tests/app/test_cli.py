"""The `checkin` commands: database, demo data, door address, the server's start-up check."""

import subprocess
import sys

from checkin.db import connect
from tests.helpers import run, visits


def test_init_db_applies_the_migrations_once(app, db):
    result = run(app, "init-db")
    assert result.exit_code == 0 and "applied" not in result.output  # the fixture already did
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")]
    assert names[:2] == ["m001_initial", "m002_staff"] and len(set(names)) == len(names)
    assert {"m003_figures", "m005_feedback"} <= set(names)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_seed_demo_builds_a_growing_year_and_is_idempotent(app, db):
    first = run(app, "seed-demo")
    assert first.exit_code == 0 and "Created venue Mallis" in first.output
    count = len(visits(db))
    second = run(app, "seed-demo")
    assert second.exit_code == 0 and "already there" in second.output
    assert len(visits(db)) == count
    mallis = db.execute("SELECT id FROM venue WHERE slug = 'mallis'").fetchone()[0]
    months = [r[0] for r in db.execute(
        "SELECT count(*) FROM visit WHERE venue_id = ? GROUP BY substr(date, 1, 7) "
        "ORDER BY substr(date, 1, 7)", [mallis])]
    # About 40 a month a year ago, about 140 now (partial months at both ends).
    assert 25 <= months[1] <= 60 and 110 <= months[-2] <= 160
    women, total = db.execute(
        "SELECT sum(gender = 'woman'), count(*) FROM visit WHERE venue_id = ?", [mallis]
    ).fetchone()
    assert 0.18 <= women / total <= 0.32
    # Some visits come from remembered phones, none twice on one day.
    assert db.execute("SELECT count(*) FROM visit WHERE person_hash IS NOT NULL").fetchone()[0]
    assert not db.execute("SELECT 1 FROM visit WHERE person_hash IS NOT NULL "
                          "GROUP BY venue_id, date, person_hash HAVING count(*) > 1").fetchall()
    # Nothing counted for activities open to everyone elsewhere.
    assert not db.execute("SELECT 1 FROM visit JOIN activity ON activity.id = visit.activity_id "
                          "WHERE activity.counted = 0").fetchall()


def test_door_url_prints_the_address_in_the_qr_code(app, db, mallis, tmp_path):
    svg = tmp_path / "door.svg"
    result = run(app, "door-url", "mallis", "--qr", str(svg))
    assert result.exit_code == 0
    assert result.stdout.strip() == f"http://127.0.0.1:5000/mallis/in/{mallis['door_key']}"
    assert "BASE_URL is not set" in result.stderr  # said where the operator sees it
    assert svg.read_text().startswith("<?xml") and "<path" in svg.read_text()
    assert run(app, "door-url", "nowhere").exit_code != 0
    said_the_same_way = run(app, "door-url", "--venue", "mallis")  # as every other command
    assert said_the_same_way.stdout == result.stdout
    assert run(app, "door-url", "--venue", "nowhere").exit_code == 2
    assert run(app, "door-url", "mallis", "--venue", "victor").exit_code == 2


def test_serve_refuses_a_database_that_needs_migrations(tmp_path):
    env = {"CHECKIN_INSTANCE": str(tmp_path), "PATH": ""}
    connect(str(tmp_path / "checkin.db")).conn.close()  # an empty database, nothing applied
    result = subprocess.run(
        [sys.executable, "-m", "checkin.cli", "serve", "--port", "0"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "checkin init-db" in result.stderr


def test_create_user_reads_the_password_from_standard_input(app, db):
    from checkin.accounts import auth

    result = app.test_cli_runner().invoke(args=["create-user", "anna", "--role", "admin"],
                                          input="seven long admin kettles 17\n")
    assert result.exit_code == 0 and "Created admin account 'anna'" in result.output
    assert auth.check_login(db, "anna", "seven long admin kettles 17")["role"] == "admin"
    again = app.test_cli_runner().invoke(args=["create-user", "anna", "--role", "staff"],
                                         input="another long pass phrase for bert\n")
    assert again.exit_code != 0 and "already" in again.output


def test_create_user_refuses_a_short_or_common_password(app, db):
    for password in ("short", "1q2w3e4r5t6y"):
        result = app.test_cli_runner().invoke(args=["create-user", "bert", "--role", "staff"],
                                              input=password + "\n")
        assert result.exit_code != 0
    assert db.execute("SELECT count(*) FROM staff_user").fetchone()[0] == 0


def test_seed_demo_prints_a_staff_login_once(app, db):
    first = run(app, "seed-demo")
    assert "Staff login: admin / " in first.output
    assert "Staff login" not in run(app, "seed-demo").output


def test_seed_demo_gives_the_ratings_page_something_to_show(app, db):
    run(app, "seed-demo")
    count, texts, mean = db.execute(
        "SELECT count(*), count(text), avg(rating) FROM feedback").fetchone()
    visits_ = db.execute("SELECT count(*) FROM visit JOIN venue ON venue.id = visit.venue_id "
                         "WHERE slug = 'mallis'").fetchone()[0]
    assert 0.15 * visits_ <= count <= 0.35 * visits_ and texts == 5 and 3.3 <= mean <= 4.3
    run(app, "seed-demo")
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == count


def test_the_demo_is_believable_women_at_the_womens_group_no_gardening_in_december(app, db):
    run(app, "seed-demo")
    genders = dict(db.execute(
        "SELECT coalesce(gender, 'skipped'), count(*) FROM visit JOIN activity "
        "ON activity.id = visit.activity_id WHERE activity.name_sv = 'Kvinnogrupp' GROUP BY 1"))
    assert genders.get("woman", 0) > 10 and "man" not in genders
    from checkin.week.schedule import occurrences

    mallis = db.execute("SELECT id FROM venue WHERE slug = 'mallis'").fetchone()[0]
    import datetime as dt

    december = {i["activity"]["name_sv"] for i in occurrences(
        db, mallis, dt.date(2026, 12, 1), dt.date(2026, 12, 31))}
    june = {i["activity"]["name_sv"] for i in occurrences(
        db, mallis, dt.date(2026, 6, 1), dt.date(2026, 6, 30))}
    outdoors = {"Stadsodling", "Skogsvandring", "Stadsvandring"}
    assert not december & outdoors and outdoors <= june
    assert {"Sygrupp", "Kvinnogrupp", "Fredagsjam"} <= december


def _walk(command, path=()):
    import click

    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, (*path, name))


def test_help_lists_only_checkin_commands_each_option_explained(app, tmp_path):
    import click

    env = {"CHECKIN_INSTANCE": str(tmp_path), "PATH": ""}
    shown = subprocess.run([sys.executable, "-m", "checkin.cli", "--help"], env=env,
                           capture_output=True, text=True, timeout=60).stdout
    commands = shown.split("Commands:")[1]
    names = {line.split()[0] for line in commands.splitlines() if line.strip()}
    assert {"run", "shell"}.isdisjoint(names) and {"routes", "serve", "export"} <= names
    assert "--env-file" not in shown and "--app" not in shown and "--debug" not in shown
    unexplained = [f"checkin {' '.join(path)} {option.opts[0]}"
                   for path, command in _walk(app.cli)
                   for option in command.params
                   if isinstance(option, click.Option) and option.name != "help"
                   and not option.help]
    assert not unexplained
    venue_help = {option.help for _path, command in _walk(app.cli) for option in command.params
                  if isinstance(option, click.Option) and "--venue" in option.opts}
    assert len(venue_help) == 2 and all(h.startswith("The venue by its short name, as in its "
                                                     "address") for h in venue_help)
    assert not [p for p, c in _walk(app.cli) for o in c.params
                if "--venue" in getattr(o, "opts", ()) and o.default is not None]  # no demo


def test_every_usage_error_exits_with_2(app, db, mallis, victor, tmp_path):
    bad = [
        ["door-url", "nowhere"],
        ["export", "--from", "2026-01-01", "--to", "2026-01-31", "--group", "month",
         "--venue", "nowhere"],
        ["import-tallies", __file__],  # two venues: which one?
        ["feedback", "list"],
        ["survey", "load", __file__],
        ["survey", "results", "99"],
        ["ideas", "set", "99", "--publish"],
        ["purge", "--months", "0"],
        ["create-user", "no spaces", "--role", "staff"],
        ["serve", "--port", "70000"],
    ]
    for args in bad:
        result = run(app, *args)
        assert result.exit_code == 2, (args, result.exit_code, result.output)


def test_door_url_uses_the_configured_base_url(app, db, mallis):
    app.config["BASE_URL"] = "https://checkin.example.org"
    result = run(app, "door-url", "mallis")
    assert result.stdout.strip() == f"https://checkin.example.org/mallis/in/{mallis['door_key']}"
