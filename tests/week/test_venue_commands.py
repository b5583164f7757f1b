"""`checkin venue`: forty venues from the command line or one CSV file, checked as the staff
form checks them, all or nothing (issue 26, item 8)."""

from click.testing import CliRunner

from checkin.cli import main
from tests.helpers import count


def venue(app, *args):
    return app.test_cli_runner().invoke(args=["venue", *args])


def test_add_list_and_edit_a_venue(app, db):
    result = venue(app, "add", "hasselby", "--name", "Hässelby träffpunkt", "--open", "mån-tor",
                   "--address", "Hässelby torg 1")
    assert result.exit_code == 0, result.output
    row = db.execute("SELECT * FROM venue WHERE slug = 'hasselby'").fetchone()
    assert (row["name"], row["opening_days"], row["timezone"], row["address"]) == (
        "Hässelby träffpunkt", "0,1,2,3", "Europe/Stockholm", "Hässelby torg 1")
    assert len(row["door_key"]) >= 8
    listed = venue(app, "list").output
    assert "hasselby" in listed and "Mon Tue Wed Thu " in listed
    assert venue(app, "edit", "hasselby", "--open", "sat-sun").exit_code == 0
    row = db.execute("SELECT name, opening_days FROM venue WHERE slug = 'hasselby'").fetchone()
    assert tuple(row) == ("Hässelby träffpunkt", "5,6")  # what was not given stays
    lines = db.execute("SELECT username, action FROM audit_log ORDER BY rowid").fetchall()
    assert [tuple(r) for r in lines] == [("(command line)", "venue created"),
                                         ("(command line)", "venue changed")]


def test_wrong_values_are_refused_with_a_reason_and_nothing_stored(app, db, mallis):
    before = count(db, "venue")
    for args, reason in [
        (["add", "kiosk", "--name", "K"], "a word the app uses itself"),
        (["add", "kiosk\n", "--name", "K"], "use small letters"),
        (["add", "Big", "--name", "K"], "use small letters"),
        (["add", "mallis", "--name", "Again"], "taken by another venue"),
        (["add", "new", "--name", "N", "--timezone", "Mars/Olympus"], "time zone"),
        (["add", "new", "--name", "N", "--open", "fri-mon"], "from Monday towards Sunday"),
        (["add", "new", "--name", "N", "--open", "someday"], "write them like mon-fri"),
        (["add", "new"], "a venue needs a name"),
        (["add", "new", "--name", "x" * 81], "longer than 80"),
    ]:
        result = venue(app, *args)
        assert result.exit_code == 1, args
        assert "Not added:" in result.output and reason in result.output, (args, result.output)
    assert count(db, "venue") == before
    result = venue(app, "edit", "nowhere", "--name", "X")
    assert result.exit_code == 2 and "there is no venue called 'nowhere'" in result.output


def test_import_adds_every_venue_of_a_csv_or_none(app, db, tmp_path):
    rows = ["slug;name;organisation;address;timezone;opening_days"]
    rows += [f"plats{i};Plats {i};Stockholms stad;Gatan {i};;mon-fri" for i in range(40)]
    good = tmp_path / "venues.csv"
    good.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = venue(app, "import", str(good))
    assert result.exit_code == 0 and "Added 40 venue(s)" in result.output
    assert count(db, "venue") == 40
    bad = tmp_path / "bad.csv"
    bad.write_text("slug,name\nnya,Nya\nnya,Igen\n", encoding="utf-8")
    result = venue(app, "import", str(bad))
    assert result.exit_code == 1 and "line 3: slug 'nya' is in the file twice" in result.output
    bad.write_text("slug,name\nnyare,Nyare\nplats3,Finns\n", encoding="utf-8")
    result = venue(app, "import", str(bad))
    assert result.exit_code == 1 and "line 3: slug 'plats3' is taken" in result.output
    bad.write_text("namn,adress\nA,B\n", encoding="utf-8")
    result = venue(app, "import", str(bad))
    assert result.exit_code == 1 and "the header lacks name, slug" in result.output
    assert count(db, "venue") == 40  # nothing from a file with a wrong row


def test_the_venue_commands_are_in_the_installed_command(tmp_path):
    result = CliRunner().invoke(main, ["venue", "--help"])
    assert result.exit_code == 0
    for sub in ("add", "edit", "import", "list"):
        assert sub in result.output
