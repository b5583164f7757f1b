"""Configuration: safe defaults, instance/config.toml, CHECKIN_* variables that win."""

import pytest

from checkin import create_app
from checkin.config import ConfigError, settings
from tests.helpers import SOMEONE


def write_config(folder, text):
    (folder / "config.toml").write_text(text)


def test_defaults_are_safe(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKIN_INSTANCE", str(tmp_path))
    values = settings(tmp_path)
    assert values["HTTPS"] is False and values["PROXY_COUNT"] == 0
    assert values["RETENTION_MONTHS"] == 12 and values["MIN_CELL"] == 3
    assert values["DEFAULT_LOCALE"] == "sv" and values["TIMEZONE"] == "Europe/Stockholm"
    assert len(values["SECRET_KEY"]) == 64  # generated on first run
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert settings(tmp_path)["SECRET_KEY"] == values["SECRET_KEY"]  # and kept


def test_the_file_sets_values_and_the_environment_wins(tmp_path, monkeypatch):
    write_config(tmp_path, 'base_url = "https://incheck.example.se/"\nhttps = true\n'
                           'proxy_count = 1\nretention_months = 6\n'
                           'organisation = "Stadsmissionen"\ncontact_email = "a@b.se"\n')
    values = settings(tmp_path)
    assert values["BASE_URL"] == "https://incheck.example.se"
    assert values["HTTPS"] is True and values["SESSION_COOKIE_SECURE"] is True
    assert values["PROXY_COUNT"] == 1 and values["RETENTION_MONTHS"] == 6
    assert values["ORGANISATION"] == "Stadsmissionen" and values["CONTACT_EMAIL"] == "a@b.se"
    monkeypatch.setenv("CHECKIN_RETENTION_MONTHS", "3")
    monkeypatch.setenv("CHECKIN_HTTPS", "off")
    values = settings(tmp_path)
    assert values["RETENTION_MONTHS"] == 3 and values["HTTPS"] is False


@pytest.mark.parametrize("line", [
    'proxy_count = -1', 'default_locale = "de"', 'min_cell = 1', 'timezone = "Mars/Olympus"',
    'https = "maybe"', 'retention_months = "many"', 'colour = "red"', 'base_url = "evil.example"',
    'this is not toml',
])
def test_a_wrong_setting_stops_with_a_clear_message(tmp_path, line):
    write_config(tmp_path, line + "\n")
    with pytest.raises(ConfigError):
        settings(tmp_path)


def test_checkin_config_prints_every_setting_and_masks_the_secret(app, tmp_path):
    write_config(tmp_path, 'service_name = "Incheckning"\n')
    app = create_app({"TESTING": True})
    result = app.test_cli_runner().invoke(args=["config"])
    assert result.exit_code == 0
    assert app.config["SECRET_KEY"] not in result.output and "******" in result.output
    for name in ("BASE_URL", "HTTPS", "PROXY_COUNT", "RETENTION_MONTHS", "MIN_CELL",
                 "ORGANISATION", "CONTACT_EMAIL"):
        assert name in result.output
    assert "Incheckning" in result.output and "config.toml" in result.output


def test_every_setting_the_code_reads_is_in_the_registry():
    """A key read as config["X"] or config.get("X") that an operator cannot set is a setting
    documented in vain (POSTS_PER_MINUTE_* and DAILY_EVERY_HOURS were)."""
    import re
    from pathlib import Path

    import checkin
    from checkin.config import SETTINGS

    # set by the app, not an operator; SECRET_KEY_FALLBACKS is Flask's own (the session
    # cookie's older signing keys, read by web/session_cookie.py as Flask reads it)
    internal = {"KEEP_CONNECTIONS", "CHECKPOINTS_BY_UPKEEP", "MAX_CONTENT_LENGTH",
                "SECRET_KEY_FALLBACKS"}
    read = set()
    for path in Path(checkin.__file__).parent.rglob("*.py"):
        read |= set(re.findall(r'config(?:\.get)?[\[(]"([A-Z_]+)"', path.read_text()))
    assert read - internal <= set(SETTINGS), read - internal - set(SETTINGS)
    assert {"POSTS_PER_MINUTE_SESSION", "SENDER_POSTS_PER_HOUR", "SENDER_CHECKINS_PER_HOUR",
            "DAILY_EVERY_HOURS"} <= read


def test_the_posting_budgets_and_the_daily_interval_can_be_set(tmp_path, monkeypatch):
    # posts_per_minute_venue was a bound one flood could fill for everyone: an old file that
    # still has it is read, the setting left out.
    write_config(tmp_path, "posts_per_minute_session = 5\nsender_posts_per_hour = 30\n"
                           "posts_per_minute_venue = 30\n")
    monkeypatch.setenv("CHECKIN_DAILY_EVERY_HOURS", "12")
    values = settings(tmp_path)
    assert (values["POSTS_PER_MINUTE_SESSION"], values["SENDER_POSTS_PER_HOUR"]) == (5, 30)
    assert "POSTS_PER_MINUTE_VENUE" not in values
    assert values["DAILY_EVERY_HOURS"] == 12.0
    monkeypatch.delenv("CHECKIN_DAILY_EVERY_HOURS")
    for line in ("posts_per_minute_session = 0", "daily_every_hours = 0"):
        write_config(tmp_path, line + "\n")
        with pytest.raises(ConfigError):
            settings(tmp_path)


def test_every_setting_says_where_it_can_be_set():
    from checkin.config import FILE, REGISTRY, SETTINGS, STAFF_PAGE

    assert all(s.where and s.help and FILE in s.where for s in REGISTRY)
    assert [s.name for s in REGISTRY if STAFF_PAGE in s.where] == ["RETENTION_MONTHS"]
    assert SETTINGS["RETENTION_MONTHS"].default == 12


def test_checkin_config_shows_the_retention_staff_chose(app, db):
    from checkin.feedback import retention

    line = next(line for line in app.test_cli_runner().invoke(args=["config"]).output.splitlines()
                if line.startswith("RETENTION_MONTHS"))
    assert line.split()[1:3] == ["12", "default"]
    retention.set_months(db, 3, user=SOMEONE)
    line = next(line for line in app.test_cli_runner().invoke(args=["config"]).output.splitlines()
                if line.startswith("RETENTION_MONTHS"))
    assert line.split()[1:4] == ["3", "staff", "page"]


def test_a_settings_default_is_written_once_in_the_registry():
    """Issue 22 item 3: the web side reads a setting as the registry filled it, never with a
    default of its own (`.get("MIN_CELL", 3)` was typed six times); rule modules that run
    without an app keep one constant each, held equal to the registry here."""
    import re
    from pathlib import Path

    import checkin
    from checkin import retention_period as retention
    from checkin import venues, yearclose
    from checkin.accounts import audit
    from checkin.config import SETTINGS

    retyped = []
    for path in Path(checkin.__file__).parent.rglob("*.py"):
        retyped += [f"{path.name}: {m}" for m in re.findall(
            r'current_app\.config\.get\("[A-Z_]+", [^)]+\)', path.read_text())]
        if path.name not in ("config.py", "demo.py"):  # the demo's venues are in Stockholm
            assert '"Europe/Stockholm"' not in path.read_text().replace(
                'DEFAULT_TIME_ZONE = "Europe/Stockholm"', ""), path
    assert retyped == []
    assert retention.DEFAULT_MONTHS == SETTINGS["RETENTION_MONTHS"].default
    assert yearclose.DEFAULT_CLOSE_AFTER_MONTHS == SETTINGS["CLOSE_AFTER_MONTHS"].default
    assert audit.DEFAULT_KEEP_MONTHS == SETTINGS["AUDIT_KEEP_MONTHS"].default
    assert venues.DEFAULT_TIME_ZONE == SETTINGS["TIMEZONE"].default


def test_a_new_venue_form_offers_the_configured_time_zone(app, client, db, mallis):
    from tests.helpers import log_in, make_user, text

    app.config["TIMEZONE"] = "Europe/Helsinki"
    make_user(db, "root", role="admin")
    log_in(client, "root")
    page = text(client.get("/staff/venues/new"))
    assert 'value="Europe/Helsinki"' in page and "Europe/Stockholm" not in page
