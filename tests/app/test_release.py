"""What a city's operator relies on to adopt it: a licence, one version, upgrades that cannot
break, one server per instance, and commands that refuse the traps (issue 26)."""

import gzip
import hashlib
import inspect
import json
import re
import sqlite3
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from checkin import version
from checkin.cli import main
from checkin.db import MigrationFailed, connect, migrate
from checkin.migrations import migrations
from tests.helpers import MONDAY_MORNING, STAFF_PASSWORD
from tests.server import Server, checkin_env

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
CHECKSUMS = DATA / "migration_checksums.json"
UPGRADES = sorted((DATA / "upgrade").glob("*.sql.gz"))


# --- licence and version ---------------------------------------------------------------------

def test_the_licence_is_the_eupl_1_2_in_the_file_and_the_metadata():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert "Appendix" in text and len(text) > 13000  # the whole text, not a mention
    assert metadata.metadata("checkin")["License-Expression"] == "EUPL-1.2"
    assert "EUPL-1.2" in (ROOT / "README.md").read_text()


# Every package installed for `checkin` to run, and its licence: all permissive, so they
# may be combined with and distributed under the EUPL-1.2 (docs/operations.md lists them).
ALLOWED = re.compile(r"\b(MIT|BSD|Apache|ZPL|Zope Public|PSF|Python Software Foundation|"
                     r"ISC|MPL-2\.0|Public Domain|Lesser General Public License)\b",
                     re.IGNORECASE)


def _runtime_requirements(name, seen):
    from packaging.requirements import Requirement

    for line in metadata.requires(name) or []:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = requirement.name.lower().replace("_", "-")
        if key not in seen:
            seen.add(key)
            _runtime_requirements(requirement.name, seen)
    return seen


def _licence(name):
    meta = metadata.metadata(name)
    found = [meta.get("License-Expression") or "", meta.get("License") or ""]
    found += [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " ".join(found)


def test_every_dependency_has_a_licence_compatible_with_the_eupl_and_is_listed_in_the_docs():
    listed = (ROOT / "docs" / "operations.md").read_text()
    dependencies = _runtime_requirements("checkin", set())
    assert {"flask", "waitress", "sqlite-utils", "openpyxl"} <= dependencies
    for name in sorted(dependencies):
        assert ALLOWED.search(_licence(name)), (name, _licence(name))
        assert re.search(rf"^\| {re.escape(name)} \|", listed, re.MULTILINE | re.IGNORECASE), (
            f"{name} is not in docs/operations.md's table of licences")


def test_checkin_version_prints_the_installed_release_the_one_healthz_and_config_say(app):
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"checkin {version()}\n" == f"checkin {metadata.version('checkin')}\n"
    assert app.test_client().get("/healthz").get_data(as_text=True) == f"ok {version()}\n"
    assert f"VERSION  {version()}" in app.test_cli_runner().invoke(args=["config"]).output


def test_the_version_comes_from_the_git_tag():
    """setuptools-scm: at a tag vX.Y.Z the version is X.Y.Z; after it, X.Y.(Z+1).devN+g<hash>."""
    described = subprocess.run(["git", "describe", "--tags", "--match", "v*", "--abbrev=0"],
                               cwd=ROOT, capture_output=True, text=True)
    if described.returncode != 0:
        assert version().startswith("0.0") or "untagged" in version()
        return
    tag = described.stdout.strip().removeprefix("v")
    exact = subprocess.run(["git", "describe", "--tags", "--exact-match"], cwd=ROOT,
                           capture_output=True, text=True).returncode == 0
    if exact and "+" not in version():
        assert version() == tag
    else:
        major, minor, patch = (int(p) for p in tag.split("."))
        assert version().startswith((tag, f"{major}.{minor}.{patch + 1}.dev"))


def test_the_changelog_has_the_release_the_version_names():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    releases = re.findall(r"^## \[?(\d+\.\d+\.\d+)\]?", changelog, re.MULTILINE)
    assert releases and releases[0] == "0.2.0"
    assert "Upgrading" in changelog


# --- migrations that cannot break ------------------------------------------------------------

def _checksum(migration):
    return hashlib.sha256(inspect.getsource(migration.fn).encode()).hexdigest()


def test_no_shipped_migration_changes():
    """A migration that has shipped is never edited (an edited m015 stopped an upgrade half
    way): each one's source is held here. A new one is added to the file when it ships."""
    held = json.loads(CHECKSUMS.read_text())
    current = {m.name: _checksum(m) for m in migrations._migrations}
    for name, checksum in held.items():
        assert name in current, f"shipped migration {name} was removed or renamed"
        assert current[name] == checksum, f"shipped migration {name} was edited: add a new one"
    unheld = set(current) - set(held)
    assert not unheld, (f"add {sorted(unheld)} to {CHECKSUMS.name} (run this file's "
                        "`python -m tests.test_release` to print them)")


# Defined in this order before the rule; m004 and m006 never existed, m016 came late.
BEFORE_THE_RULE = [
    "m001_initial", "m002_staff", "m003_figures", "m005_feedback", "m007_fbstaff",
    "m008_yearclose", "m009_bench", "m010_hours_only", "m011_record_keys",
    "m012_used_tokens_pending_steps_door_limits", "m013_set_aside", "m014_random_row_ids",
    "m015_undoable_imports_event_places_audit_facts", "m017_audit_times_to_the_hour",
    "m018_screens_and_idea_changes", "m016_sessions_by_account",
    "m019_pending_steps_by_hour", "m020_staff_times_to_the_hour",
]


def test_migrations_from_m021_on_are_numbered_in_order_without_gaps():
    names = [m.name for m in migrations._migrations]
    assert names[:len(BEFORE_THE_RULE)] == BEFORE_THE_RULE
    for number, name in enumerate(names[len(BEFORE_THE_RULE):], start=21):
        assert re.fullmatch(rf"m{number:03d}_[a-z0-9_]+", name), name
        assert all(m.transactional for m in migrations._migrations), (
            "every migration runs inside the one upgrade transaction")


def _restore(dump, path):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")  # as every database checkin made
    with gzip.open(dump, "rt") as f:
        conn.executescript(f.read())
    conn.close()


def _rows(path):
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    conn.close()
    return counts


@pytest.mark.parametrize("dump", UPGRADES, ids=[d.name for d in UPGRADES])
def test_a_database_made_by_an_earlier_release_upgrades_keeping_every_row(tmp_path, dump):
    """tests/data/upgrade/ holds a dump made by each release (and one from before the first
    tag), with the demo's data: init-db brings it to the current schema with every row."""
    path = tmp_path / "checkin.db"
    _restore(dump, path)
    before = _rows(path)
    assert before["visit"] > 1000 and before["venue"] == 2
    env = checkin_env(tmp_path)
    result = subprocess.run([sys.executable, "-m", "checkin.cli", "init-db"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Backup before the upgrade:" in result.stdout or "applied" not in result.stdout
    after = _rows(path)
    for table, count in before.items():
        if table == "_sqlite_migrations":
            assert after[table] == len(migrations._migrations)
            continue
        assert after[table] == count, table
    conn = connect(str(path))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # Every audit line it kept is said in both languages: the log no longer hides an error
    # behind five exception types (issue 22 item 3), so this is what shows none is left.
    from checkin.accounts import audit

    for row in conn.execute("SELECT * FROM audit_log"):
        assert audit.sentence(dict(row), "sv") and audit.sentence(dict(row), "en")
    conn.conn.close()


def test_a_failing_migration_leaves_the_database_byte_identical(tmp_path, monkeypatch):
    path = tmp_path / "checkin.db"
    _restore(UPGRADES[0], path)
    before = path.read_bytes()
    assert migrations.pending(connect(str(path)))  # the old dump has migrations to apply

    def m999_fails_half_way(db):
        db.execute("CREATE TABLE half_way (x)")
        db.execute("UPDATE visit SET hour = NULL")
        raise RuntimeError("disk said no")

    registered = list(migrations._migrations)
    monkeypatch.setattr(migrations, "_migrations", registered)
    migrations(name="m999_fails_half_way")(m999_fails_half_way)
    db = connect(str(path))
    with pytest.raises(MigrationFailed, match="m999_fails_half_way failed .*disk said no.*"
                                              "Nothing was changed"):
        migrate(db)
    db.conn.close()
    assert path.read_bytes() == before
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_init_db_says_in_one_line_why_an_upgrade_failed_and_keeps_a_backup(tmp_path):
    """The CLI path: the same failure printed as one line, exit 1, a backup kept."""
    path = tmp_path / "checkin.db"
    _restore(UPGRADES[0], path)
    script = ("import sys; from checkin.migrations import migrations\n"
              "def m999_fails(db): raise RuntimeError('disk said no')\n"
              "migrations(name='m999_fails')(m999_fails)\n"
              "from checkin.cli import main; sys.argv=['checkin', 'init-db']; main()\n")
    before = path.read_bytes()
    result = subprocess.run([sys.executable, "-c", script], env=checkin_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "m999_fails failed (RuntimeError: disk said no)" in result.stderr
    assert path.read_bytes() == before
    assert list((tmp_path / "backups").glob("checkin-*.db"))


def test_the_private_waitress_argument_serve_passes_still_exists():
    """`checkin serve` hands waitress its own dispatcher (visitors' and staff threads apart)
    through the private `_dispatcher` argument: waitress is pinned below 3.1, and this fails
    if the pinned versions drop it."""
    import waitress.server

    assert "_dispatcher" in inspect.signature(waitress.server.create_server).parameters
    requirement = next(r for r in metadata.requires("checkin") if r.startswith("waitress"))
    assert "<3.1" in requirement


# --- one server per instance -----------------------------------------------------------------

@pytest.mark.slow  # real servers
def test_a_second_server_on_the_same_instance_refuses_to_start(tmp_path):
    env = checkin_env(tmp_path)
    subprocess.run([sys.executable, "-m", "checkin.cli", "init-db"], env=env, check=True,
                   capture_output=True, timeout=120)
    with Server(tmp_path, env=env):
        second = subprocess.run([sys.executable, "-m", "checkin.cli", "serve", "--port", "0"],
                                env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert "Another `checkin serve` is already running" in second.stderr
    with Server(tmp_path, env=env):  # the first one's lock went with it
        pass


# --- the operator's traps ----------------------------------------------------------------------

def _cli(tmp_path, *args, **env):
    runner = CliRunner()
    return runner.invoke(main, list(args), env={"CHECKIN_INSTANCE": str(tmp_path / "inst"),
                                                "CHECKIN_FROZEN_NOW": MONDAY_MORNING, **env})


def test_a_command_from_the_wrong_folder_makes_no_instance(tmp_path):
    for args in (["db-status"], ["backup"], ["seed-demo"], ["serve"], ["venue", "list"],
                 ["create-user", "x", "--role", "staff"]):
        result = _cli(tmp_path, *args)
        assert result.exit_code == 1, args
        assert "No database at" in result.output and "checkin init-db" in result.output
        assert not (tmp_path / "inst").exists(), args
    assert _cli(tmp_path, "init-db").exit_code == 0
    assert (tmp_path / "inst" / "checkin.db").is_file()


def test_db_status_exits_1_while_migrations_are_pending(tmp_path):
    assert _cli(tmp_path, "init-db").exit_code == 0
    assert _cli(tmp_path, "db-status").exit_code == 0
    db = connect(str(tmp_path / "inst" / "checkin.db"))
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm020_staff_times_to_the_hour'")
    db.conn.commit()
    result = _cli(tmp_path, "db-status")
    assert result.exit_code == 1 and "1 pending" in result.output


def test_a_bad_setting_is_one_line_not_a_traceback(tmp_path):
    assert _cli(tmp_path, "init-db").exit_code == 0
    result = _cli(tmp_path, "db-status", CHECKIN_MIN_CELL="three")
    assert result.exit_code == 1
    assert result.output == "Error: Configuration: MIN_CELL must be a whole number, not 'three'\n"
    result = subprocess.run([sys.executable, "-m", "checkin.cli", "door-url", "mallis"],
                            env={**checkin_env(tmp_path / "inst"), "CHECKIN_BASE_URL": "ftp://x"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "Error: Configuration: BASE_URL must start with http:// or https://"


def test_an_unknown_checkin_variable_is_warned_with_the_likely_name(tmp_path):
    result = _cli(tmp_path, "init-db", CHECKIN_MIN_CEL="5")
    assert result.exit_code == 0
    assert ("Warning: CHECKIN_MIN_CEL is not a setting and is ignored (did you mean "
            "CHECKIN_MIN_CELL?)") in result.output


def test_seed_demo_refuses_a_database_with_real_data_unless_forced(tmp_path):
    assert _cli(tmp_path, "init-db").exit_code == 0
    db = connect(str(tmp_path / "inst" / "checkin.db"))
    import datetime as dt

    from checkin.accounts import auth
    from checkin.demo import MALLIS, create_venue

    create_venue(db, "mallis", "Mallis", "Street Minds", "", MALLIS, dt.date(2026, 11, 23))
    auth.create_user(db, "anna", STAFF_PASSWORD, "staff")
    counts = _rows(tmp_path / "inst" / "checkin.db")
    result = _cli(tmp_path, "seed-demo")
    assert result.exit_code == 1
    assert "Not seeded: this is not a demo database" in result.output
    assert _rows(tmp_path / "inst" / "checkin.db") == counts
    forced = _cli(tmp_path, "seed-demo", "--force")
    assert forced.exit_code == 0 and "synthetic visits" in forced.output


def test_seed_demo_runs_again_on_its_own_demo(tmp_path):
    assert _cli(tmp_path, "init-db").exit_code == 0
    assert "Staff login" in _cli(tmp_path, "seed-demo").output
    again = _cli(tmp_path, "seed-demo")
    assert again.exit_code == 0 and "already there" in again.output


# --- checkin check ---------------------------------------------------------------------------

def test_check_lists_the_demo_data_and_the_local_address_and_exits_1(tmp_path):
    assert _cli(tmp_path, "init-db").exit_code == 0
    assert _cli(tmp_path, "seed-demo").exit_code == 0
    result = _cli(tmp_path, "check")
    assert result.exit_code == 1
    assert "✗ BASE_URL is http://127.0.0.1:5000: posters and QR codes lead to this machine" in (
        result.output)
    assert "✗ the database holds the demo's made-up data" in result.output
    assert "✗ no backup folder" in result.output
    assert "✗ replication is off" in result.output


def test_check_names_each_unsafe_setting_and_passes_on_a_configured_instance(tmp_path):
    assert _cli(tmp_path, "init-db").exit_code == 0
    public = {"CHECKIN_BASE_URL": "http://incheck.example.se"}
    result = _cli(tmp_path, "check", **public)
    for line in ("✗ BASE_URL is not https", "✗ HTTPS is off", "✗ PROXY_COUNT is 0",
                 "✗ no backup folder", "✗ replication is off"):
        assert line in result.output
    configured = {"CHECKIN_BASE_URL": "https://incheck.example.se", "CHECKIN_HTTPS": "on",
                  "CHECKIN_PROXY_COUNT": "1"}
    assert _cli(tmp_path, "backup", **configured).exit_code == 0
    (tmp_path / "inst" / ".checkin.db-litestream").mkdir()  # as Litestream leaves it
    secret = tmp_path / "inst" / "secret_key"
    secret.chmod(0o644)
    result = _cli(tmp_path, "check", **configured)
    assert result.exit_code == 1 and f"✗ {secret} can be read by others" in result.output
    secret.chmod(0o600)
    result = _cli(tmp_path, "check", **configured)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("✓ ready")


if __name__ == "__main__":  # print the checksums of migrations not yet held
    held = json.loads(CHECKSUMS.read_text()) if CHECKSUMS.exists() else {}
    for m in migrations._migrations:
        held.setdefault(m.name, _checksum(m))
    CHECKSUMS.write_text(json.dumps(held, indent=1) + "\n")
    print(f"{len(held)} migrations held in {CHECKSUMS}")


@pytest.mark.slow  # a real server
def test_commands_beside_a_running_server_print_its_address_not_the_default_port(tmp_path):
    env = checkin_env(tmp_path)
    subprocess.run([sys.executable, "-m", "checkin.cli", "init-db"], env=env, check=True,
                   capture_output=True, timeout=120)
    subprocess.run([sys.executable, "-m", "checkin.cli", "venue", "add", "mallis", "--name",
                    "Mallis"], env=env, check=True, capture_output=True, timeout=120)
    before = subprocess.run([sys.executable, "-m", "checkin.cli", "door-url", "--venue",
                             "mallis"], env=env, capture_output=True, text=True, timeout=60)
    assert before.stdout.startswith("http://127.0.0.1:5000/mallis/in/")
    with Server(tmp_path, env=env) as server:
        during = subprocess.run([sys.executable, "-m", "checkin.cli", "door-url", "--venue",
                                 "mallis"], env=env, capture_output=True, text=True, timeout=60)
        assert during.stdout.startswith(f"{server.url}/mallis/in/"), during.stdout
        made = subprocess.run([sys.executable, "-m", "checkin.cli", "create-user", "nils",
                               "--role", "staff"], input=STAFF_PASSWORD + "\n", env=env,
                              capture_output=True, text=True, timeout=60)
        assert f"Log in at {server.url}/staff/" in made.stdout, made.stdout + made.stderr
    after = subprocess.run([sys.executable, "-m", "checkin.cli", "door-url", "--venue",
                            "mallis"], env=env, capture_output=True, text=True, timeout=60)
    assert after.stdout.startswith("http://127.0.0.1:5000/mallis/in/")  # it stopped
