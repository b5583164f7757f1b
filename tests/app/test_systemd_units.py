"""The systemd files in deploy/ are valid units (systemd-analyze verify) and say what
docs/operations.md says they do."""

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ["checkin.service", "checkin-backup.service", "checkin-backup.timer",
         "checkin-litestream.service"]
CHECKIN = "/opt/checkin/.venv/bin/checkin"
LITESTREAM = "/opt/checkin/.venv/bin/litestream"


def _unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read(DEPLOY / name)
    return parser


def test_units_verify_with_systemd_analyze(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    # Only the program's place changes: /opt/checkin does not exist on a test machine.
    here = Path(sys.executable).parent
    for name in UNITS:
        text = (DEPLOY / name).read_text().replace(LITESTREAM, str(here / "litestream"))
        (tmp_path / name).write_text(text.replace(CHECKIN, str(here / "checkin")))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no",
                             *(str(tmp_path / name) for name in UNITS)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_server_unit_runs_as_checkin_with_its_instance_and_no_request_lines():
    service = _unit("checkin.service")["Service"]
    assert service["User"] == "checkin"
    # Behind the shipped nginx (one proxy): each visitor's own address, not 127.0.0.1 for all.
    assert service["Environment"] == "CHECKIN_INSTANCE=/var/lib/checkin CHECKIN_PROXY_COUNT=1"
    assert service["ExecStart"].startswith(CHECKIN + " serve ")
    assert service["Restart"] == "on-failure"
    assert service["ReadWritePaths"] == "/var/lib/checkin"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"
    assert service["PrivateTmp"] == "yes"
    # Request lines would get journald's time to the second: they are not kept.
    assert service["StandardOutput"] == "null"


def test_backup_runs_checkin_backup_every_night():
    service = _unit("checkin-backup.service")["Service"]
    assert service["ExecStart"] == CHECKIN + " backup /var/backups/checkin/ --keep-days 30"
    assert "ExecStartPost" not in service  # no `find -mtime +30`: it kept copies 31 days
    assert service["Environment"] == "CHECKIN_INSTANCE=/var/lib/checkin"
    timer = _unit("checkin-backup.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 03:30"
    assert timer["Persistent"] == "true"
