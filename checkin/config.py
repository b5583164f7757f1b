"""Settings: safe defaults, then `instance/config.toml`, then CHECKIN_* environment variables."""

import os
import secrets
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checkin import resources

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "config.toml"

# name: (default, type, what it is) — the one list every source and `checkin config` follow.
SETTINGS = {
    "SECRET_KEY": (None, str, "signs sessions; generated into instance/secret_key when unset"),
    "DATABASE": (None, str, "the SQLite file; default instance/checkin.db"),
    "BACKUP_DIR": (None, str, "`checkin backup`'s folder, checked at the yearly close; "
                              "default instance/backups"),
    "BASE_URL": ("http://127.0.0.1:5000", str, "public address used in QR codes and door URLs"),
    "HTTPS": (False, bool, "served over HTTPS: HSTS and Secure cookies"),
    "PROXY_COUNT": (0, int, "how many reverse proxies in front to trust for X-Forwarded-*"),
    "DEFAULT_LOCALE": ("sv", str, "language before a visitor chooses (sv or en)"),
    "TIMEZONE": ("Europe/Stockholm", str, "time zone of new venues"),
    "RETENTION_MONTHS": (12, int, "months free-text feedback is kept"),
    "MIN_CELL": (3, int, "default small-cell threshold in staff figures"),
    "ORGANISATION": ("Street Minds", str, "who runs the service (accessibility statement)"),
    "SERVICE_NAME": ("Check-in och veckans schema", str, "the service's name"),
    "RESPONSIBLE": ("Street Minds och Stockholms stad", str, "who is responsible for the data"),
    "CONTACT_EMAIL": ("", str, "where people can write about the service"),
    "STAFF_IDLE_HOURS": (8, int, "hours without a request before a staff session ends"),
    "CLOSE_AFTER_MONTHS": (2, int, "months after a year's end before its hashes are destroyed"),
    "DAILY_FIRST_RUN_SECONDS": (60.0, float, "seconds from `checkin serve` to the first daily job"),
    # Only for tests and demos: pretend the clock shows this local time.
    "FROZEN_NOW": (None, str, "tests and demos only: the venue's clock shows this local time"),
}
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
    unknown = {k for k in data if k.upper() not in SETTINGS}
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    return {k.upper(): v for k, v in data.items()}


def _check(values):
    if values["PROXY_COUNT"] < 0:
        raise ConfigError("PROXY_COUNT must be 0 or more")
    if values["DEFAULT_LOCALE"] not in ("sv", "en"):
        raise ConfigError("DEFAULT_LOCALE must be sv or en")
    if values["RETENTION_MONTHS"] < 1:
        raise ConfigError("RETENTION_MONTHS must be 1 or more")
    if values["STAFF_IDLE_HOURS"] < 1:
        raise ConfigError("STAFF_IDLE_HOURS must be 1 or more")
    if values["CLOSE_AFTER_MONTHS"] < 0:
        raise ConfigError("CLOSE_AFTER_MONTHS must be 0 or more")
    if values["DAILY_FIRST_RUN_SECONDS"] < 0:
        raise ConfigError("DAILY_FIRST_RUN_SECONDS must be 0 or more")
    if values["MIN_CELL"] < 2:
        raise ConfigError("MIN_CELL must be 2 or more")
    if not values["BASE_URL"].startswith(("http://", "https://")):
        raise ConfigError("BASE_URL must start with http:// or https://")
    try:
        ZoneInfo(values["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {values['TIMEZONE']!r} is not a known time zone") from None


def effective(folder):
    """Each setting with its value and where it came from: default, file or environment."""
    from_file = read_file(folder)
    result = {}
    for name, (default, kind, _what) in SETTINGS.items():
        value, source = default, "default"
        if name in from_file:
            value, source = _cast(name, from_file[name], kind), "config.toml"
        env = os.environ.get(f"CHECKIN_{name}")
        if env is not None and env != "":
            value, source = _cast(name, env, kind), "environment"
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
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "MAX_CONTENT_LENGTH": 256 * 1024,
    }


def masked(name, value):
    """A setting as `checkin config` prints it: secrets never in full."""
    if name in SECRETS and value:
        return "****** (set)"
    return "" if value is None else str(value)
