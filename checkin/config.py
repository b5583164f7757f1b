"""Settings: one registry of every setting, its default, where it can be set and what it is for.

An operator's value comes from the default, then `instance/config.toml`, then a CHECKIN_*
environment variable; a setting staff may also choose on a page (stored in the database)
says so in `where`, and its page's value wins.
"""

import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checkin import resources

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "config.toml"

FILE, ENVIRONMENT, STAFF_PAGE = "config.toml", "CHECKIN_*", "staff page"
OPERATOR = (FILE, ENVIRONMENT)


@dataclass(frozen=True)
class Setting:
    name: str
    kind: type
    default: object
    where: tuple  # FILE, ENVIRONMENT and/or STAFF_PAGE (stored in the database)
    help: str


# The one list every source, `checkin config` and the docs' test follow.
REGISTRY = (
    Setting("SECRET_KEY", str, None, OPERATOR,
            "signs sessions; generated into instance/secret_key when unset"),
    Setting("DATABASE", str, None, OPERATOR, "the SQLite file; default instance/checkin.db"),
    Setting("BACKUP_DIR", str, None, OPERATOR,
            "`checkin backup`'s folder, checked at the yearly close; default instance/backups"),
    Setting("BASE_URL", str, "http://127.0.0.1:5000", OPERATOR,
            "public address used in QR codes and door URLs"),
    Setting("HTTPS", bool, False, OPERATOR, "served over HTTPS: HSTS and Secure cookies"),
    Setting("PROXY_COUNT", int, 0, OPERATOR,
            "how many reverse proxies in front to trust for X-Forwarded-*"),
    Setting("DEFAULT_LOCALE", str, "sv", OPERATOR, "language before a visitor chooses (sv or en)"),
    Setting("TIMEZONE", str, "Europe/Stockholm", OPERATOR, "time zone of new venues"),
    Setting("RETENTION_MONTHS", int, 12, (*OPERATOR, STAFF_PAGE),
            "months free texts and unpublished ideas are kept; /staff/retention's choice wins"),
    Setting("MIN_CELL", int, 3, OPERATOR, "default small-cell threshold in staff figures"),
    Setting("ORGANISATION", str, "Street Minds", OPERATOR,
            "who runs the service (accessibility statement)"),
    Setting("SERVICE_NAME", str, "Incheckning och veckans schema", OPERATOR, "the service's name"),
    Setting("RESPONSIBLE", str, "Street Minds och Stockholms stad", OPERATOR,
            "who is responsible for the data"),
    Setting("CONTACT_EMAIL", str, "", OPERATOR, "where people can write about the service"),
    # A real rush is about 15 people in 5 minutes, often behind one Wi-Fi address: the bounds
    # are several times that. Each venue can have its own (`checkin door-limits`).
    Setting("CHECKINS_PER_MINUTE", int, 20, OPERATOR,
            "new QR check-ins a minute from one client address, at most"),
    Setting("SENDER_CHECKINS_PER_HOUR", int, 40, OPERATOR,
            "new QR check-ins an hour from one client address, at most"),
    Setting("CHECKINS_PER_DAY", int, 150, OPERATOR,
            "QR check-ins a day at a venue before more are set aside for staff to review"),
    Setting("KIOSK_CHECKINS_PER_MINUTE", int, 10, OPERATOR,
            "check-ins a minute per kiosk tablet and client address, at most"),
    Setting("KIOSK_CHECKINS_PER_DAY", int, 150, OPERATOR,
            "kiosk check-ins a day at a venue before more are set aside for staff to review"),
    Setting("STAFF_IDLE_HOURS", int, 8, OPERATOR,
            "hours without a request before a staff session ends"),
    Setting("STAFF_SESSION_HOURS", int, 12, OPERATOR,
            "hours after logging in when a staff session ends anyway"),
    Setting("POSTS_PER_MINUTE_SESSION", int, 10, OPERATOR,
            "feedback, survey and idea posts one browser session may send a minute"),
    Setting("SENDER_POSTS_PER_HOUR", int, 60, OPERATOR,
            "faces and texts, ideas, survey answers or votes (each) an hour from one client "
            "address, at most"),
    Setting("CLOSE_AFTER_MONTHS", int, 2, OPERATOR,
            "months after a year's end before its hashes are destroyed"),
    Setting("DAILY_FIRST_RUN_SECONDS", float, 60.0, OPERATOR,
            "seconds from `checkin serve` to the first daily job"),
    Setting("DAILY_EVERY_HOURS", float, 24.0, OPERATOR,
            "hours between two runs of the daily job in `checkin serve`"),
    Setting("AUDIT_KEEP_MONTHS", int, 24, OPERATOR,
            "months the staff audit log keeps a line; the daily job deletes older ones"),
    Setting("CLOSE_VERIFY_SECONDS", float, 120.0, OPERATOR,
            "seconds the yearly close keeps scrubbing and reading the file while another "
            "connection's read keeps the closed year's bytes in it"),
    Setting("UPKEEP_EVERY_SECONDS", float, 60.0, OPERATOR,
            "seconds between two upkeep checks in `checkin serve` (the file is rewritten after "
            "each hour; a scrub a long read held up is retried)"),
    Setting("REWRITE_QUIET_SECONDS", float, 10.0, OPERATOR,
            "seconds without a write that the hourly rewrite in `checkin serve` waits for (it "
            "holds every write while it runs); 15 minutes after the hour it runs anyway"),
    Setting("CHECKPOINT_EVERY_SECONDS", float, 2.0, OPERATOR,
            "seconds between two checkpoints of the -wal by the upkeep thread in `checkin "
            "serve` (the server's own connections never checkpoint inside a request)"),
    # Only for tests and demos: pretend the clock shows this local time.
    Setting("FROZEN_NOW", str, None, OPERATOR,
            "tests and demos only: the venue's clock shows this local time"),
)
SETTINGS = {setting.name: setting for setting in REGISTRY}
# Settings that once were and now mean nothing: a config.toml that still has one is read, with
# the setting left out (venue-wide post bounds closed feedback for everyone, issue 24).
RETIRED = {"POSTS_PER_MINUTE_VENUE", "POSTS_PER_DAY_VENUE"}
SECRETS = {"SECRET_KEY"}


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


def instance_path():
    """The folder that holds the database, the secret key and config.toml: CHECKIN_INSTANCE,
    else `instance/` in a checkout, else `./instance` in the current folder (an installed
    package must not write into site-packages)."""
    chosen = os.environ.get("CHECKIN_INSTANCE")
    if chosen:
        return Path(chosen).resolve()
    return (Path.cwd() if resources.installed() else ROOT).joinpath("instance").resolve()


def database_path():
    """Where the database is, without creating anything (the instance folder included)."""
    folder = instance_path()
    chosen = effective(folder)["DATABASE"][0]
    return Path(chosen) if chosen else folder / "checkin.db"


# CHECKIN_* variables that are not settings: the instance folder, and the test suite's own.
NOT_SETTINGS = {"INSTANCE", "REQUIRE_BROWSER", "REQUIRE_NGINX", "GALLERY"}


def unknown_environment():
    """A line for each CHECKIN_* variable that names no setting: a typo is otherwise silent."""
    import difflib

    names = [setting.name for setting in REGISTRY]
    lines = []
    for variable in sorted(os.environ):
        if not variable.startswith("CHECKIN_"):
            continue
        name = variable.removeprefix("CHECKIN_")
        if name in NOT_SETTINGS or name in names:
            continue
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean CHECKIN_{close[0]}?)" if close else ""
        lines.append(f"{variable} is not a setting and is ignored{hint}; "
                     "`checkin config` lists them.")
    return lines


def _cast(name, value, kind):
    if kind is bool and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{name} must be on or off, not {value!r}")
    if kind is int and not isinstance(value, bool):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if kind is float and not isinstance(value, bool):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a number, not {value!r}") from None
    if kind is str and isinstance(value, str):
        return value
    if kind is bool and isinstance(value, bool):
        return value
    raise ConfigError(f"{name} has the wrong type: {value!r}")


def read_file(folder):
    """The settings written in instance/config.toml (keys in any case), or {}."""
    path = Path(folder) / CONFIG_FILE
    if not path.exists():
        return {}
    with open(path, "rb") as f:
        try:
            data = tomllib.load(f)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: {error}") from None
    unknown = {k for k in data if k.upper() not in set(SETTINGS) | RETIRED}
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    return {k.upper(): v for k, v in data.items() if k.upper() not in RETIRED}


def _check(values):
    if values["PROXY_COUNT"] < 0:
        raise ConfigError("PROXY_COUNT must be 0 or more")
    if values["DEFAULT_LOCALE"] not in ("sv", "en"):
        raise ConfigError("DEFAULT_LOCALE must be sv or en")
    if values["RETENTION_MONTHS"] < 1:
        raise ConfigError("RETENTION_MONTHS must be 1 or more")
    if values["STAFF_IDLE_HOURS"] < 1:
        raise ConfigError("STAFF_IDLE_HOURS must be 1 or more")
    if values["STAFF_SESSION_HOURS"] < 1:
        raise ConfigError("STAFF_SESSION_HOURS must be 1 or more")
    if values["CLOSE_AFTER_MONTHS"] < 0:
        raise ConfigError("CLOSE_AFTER_MONTHS must be 0 or more")
    if values["DAILY_FIRST_RUN_SECONDS"] < 0:
        raise ConfigError("DAILY_FIRST_RUN_SECONDS must be 0 or more")
    if values["AUDIT_KEEP_MONTHS"] < 1:
        raise ConfigError("AUDIT_KEEP_MONTHS must be 1 or more")
    if values["CLOSE_VERIFY_SECONDS"] < 0:
        raise ConfigError("CLOSE_VERIFY_SECONDS must be 0 or more")
    if values["UPKEEP_EVERY_SECONDS"] <= 0:
        raise ConfigError("UPKEEP_EVERY_SECONDS must be more than 0")
    if values["REWRITE_QUIET_SECONDS"] < 0:
        raise ConfigError("REWRITE_QUIET_SECONDS must be 0 or more")
    if values["CHECKPOINT_EVERY_SECONDS"] <= 0:
        raise ConfigError("CHECKPOINT_EVERY_SECONDS must be more than 0")
    if values["DAILY_EVERY_HOURS"] <= 0:
        raise ConfigError("DAILY_EVERY_HOURS must be more than 0")
    for name in ("POSTS_PER_MINUTE_SESSION", "SENDER_POSTS_PER_HOUR", "SENDER_CHECKINS_PER_HOUR",
                 "CHECKINS_PER_MINUTE",
                 "CHECKINS_PER_DAY", "KIOSK_CHECKINS_PER_MINUTE", "KIOSK_CHECKINS_PER_DAY"):
        if values[name] < 1:
            raise ConfigError(f"{name} must be 1 or more")
    if values["MIN_CELL"] < 2:
        raise ConfigError("MIN_CELL must be 2 or more")
    if not values["BASE_URL"].startswith(("http://", "https://")):
        raise ConfigError("BASE_URL must start with http:// or https://")
    try:
        ZoneInfo(values["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {values['TIMEZONE']!r} is not a known time zone") from None


def effective(folder):
    """Each operator setting with its value and where it came from: default, file or
    environment. (What staff chose on a page is in the database: see `checkin config`.)"""
    from_file = read_file(folder)
    result = {}
    for setting in REGISTRY:
        name, value, source = setting.name, setting.default, "default"
        if name in from_file:
            value, source = _cast(name, from_file[name], setting.kind), "config.toml"
        env = os.environ.get(f"CHECKIN_{name}")
        if env is not None and env != "":
            value, source = _cast(name, env, setting.kind), "environment"
        result[name] = (value, source)
    return result


def load_secret_key(folder):
    """Read the secret key from the instance folder, creating it on first run."""
    path = Path(folder) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def settings(folder):
    """The effective settings for an app whose instance folder is `folder`."""
    values = {name: value for name, (value, _source) in effective(folder).items()}
    values["BASE_URL"] = values["BASE_URL"].rstrip("/")
    values["SECRET_KEY"] = values["SECRET_KEY"] or load_secret_key(folder)
    values["DATABASE"] = values["DATABASE"] or str(Path(folder) / "checkin.db")
    values["BACKUP_DIR"] = values["BACKUP_DIR"] or str(Path(folder) / "backups")
    _check(values)
    https = values["HTTPS"]
    return {
        **values,
        "BABEL_TRANSLATION_DIRECTORIES": str(resources.folder("translations")),
        "WTF_CSRF_TIME_LIMIT": None,
        # Pages send no Referer (Referrer-Policy: no-referrer), so the token and the SameSite
        # session cookie protect forms over HTTPS, not a referrer check that would refuse all.
        "WTF_CSRF_SSL_STRICT": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        # Over HTTPS the browser keeps a __Host- cookie only if it is Secure, for the whole
        # site and from this very host: no other subdomain can set or shadow it.
        "SESSION_COOKIE_NAME": "__Host-session" if https else "session",
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "MAX_CONTENT_LENGTH": 256 * 1024,
    }


def masked(name, value):
    """A setting as `checkin config` prints it: secrets never in full."""
    if name in SECRETS and value:
        return "****** (set)"
    return "" if value is None else str(value)
