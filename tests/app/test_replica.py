"""Continuous replication with Litestream (deploy/litestream.yml): a lost machine loses only
the last seconds, and what the yearly close deletes also leaves the replica (issue 26, item 5).

The replica here is a folder; the times are shortened (a snapshot every 3 s kept 6 s instead
of every day kept 7 days), the settings that matter for checkin are the shipped file's own.
"""

import http.client
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from tests.server import Server, Visitor, checkin, checkin_env

pytestmark = pytest.mark.slow  # real servers, Litestream, waiting for its retention

LITESTREAM = shutil.which("litestream") or str(Path(sys.executable).parent / "litestream")
SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "litestream.yml"
# A burst far beyond a venue's: the door's and each sender's bounds have their own tests.
UNBOUNDED = {"CHECKIN_CHECKINS_PER_MINUTE": "100000", "CHECKIN_CHECKINS_PER_DAY": "100000",
             "CHECKIN_SENDER_CHECKINS_PER_HOUR": "100000"}
SYNC_SECONDS = 1
# Seconds after which a deleted byte must have left every file of the replica, with the
# shortened times below: snapshot interval + retention + level-1 interval, plus the checks'
# own intervals and slack for a loaded 2-core machine.
SHORT = {"snapshot": 3, "retention": 6, "level": 2}
GONE_WITHIN = SHORT["snapshot"] + SHORT["retention"] + SHORT["level"] + 15


def _config(tmp_path):
    """The shipped configuration with this test's paths and shortened times."""
    config = yaml.safe_load(SHIPPED.read_text())
    db = config["dbs"][0]
    assert (db["truncate-page-n"], db["min-checkpoint-page-count"]) == (1, 1)
    assert db["replica"]["sync-interval"] == f"{SYNC_SECONDS}s"
    db["path"] = str(tmp_path / "checkin.db")
    db["replica"]["path"] = str(tmp_path / "replica")
    db["checkpoint-interval"] = "1s"
    config["snapshot"] = {"interval": f"{SHORT['snapshot']}s",
                          "retention": f"{SHORT['retention']}s"}
    config["levels"] = [{"interval": f"{SHORT['level']}s"}]
    config["l0-retention"] = "3s"
    config["l0-retention-check-interval"] = "1s"
    path = tmp_path / "litestream.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def _replicate(config, log):
    return subprocess.Popen([LITESTREAM, "replicate", "-config", str(config)],
                            stdout=log, stderr=subprocess.STDOUT)


def _restore(tmp_path, name):
    target = tmp_path / name
    subprocess.run([LITESTREAM, "restore", "-o", str(target), f"file://{tmp_path}/replica"],
                   check=True, capture_output=True, timeout=120)
    return target


def _count(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _door(env):
    return "/" + checkin(env, "door-url", "mallis").strip().split("/", 3)[3]


def test_a_lost_machine_loses_only_the_last_seconds_of_check_ins(tmp_path):
    env = checkin_env(tmp_path, **UNBOUNDED)
    checkin(env, "init-db")
    checkin(env, "seed-demo")
    door = _door(env)
    before = _count(tmp_path / "checkin.db", "SELECT count(*) FROM visit")
    log = open(tmp_path / "litestream.log", "w")
    litestream = _replicate(_config(tmp_path), log)
    server = Server(tmp_path, env=env).start()
    acked, stop = [], threading.Event()

    def phones(n):
        # Each thread its own loopback address: a venue's visitors, not one flooder.
        while not stop.is_set():
            visitor = Visitor(server.url, source=f"127.0.0.{n + 2}")
            try:
                status, _location = visitor.check_in(door)
                if status == 302:
                    acked.append(time.monotonic())
            except (OSError, http.client.HTTPException):  # gone mid-answer: not acknowledged
                pass
            finally:
                visitor.close()

    threads = [threading.Thread(target=phones, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(6)
        # The machine is lost: server and Litestream die at once, nothing shuts down cleanly.
        lost_at = time.monotonic()
        server.process.send_signal(signal.SIGKILL)
        litestream.send_signal(signal.SIGKILL)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        server.kill()
        litestream.wait(timeout=10)
        log.close()
    acknowledged = [t for t in acked if t <= lost_at]
    restored = _count(_restore(tmp_path, "restored.db"), "SELECT count(*) FROM visit") - before
    settled = [t for t in acknowledged if t <= lost_at - 2 * SYNC_SECONDS]
    lost = max(len(acknowledged) - restored, 0)
    window = lost_at - sorted(acknowledged)[-lost] if lost else 0.0
    print(f"\nacknowledged {len(acknowledged)} check-ins in 6 s; restored {restored}; "
          f"lost {lost}: those of the last {window:.1f} s before the machine was lost")
    assert len(settled) > 20
    assert restored >= len(settled), "a check-in older than two sync intervals was lost"
    assert restored <= len(acknowledged) + 4  # at most the answers cut short by the kill


def test_a_closed_years_secret_and_hashes_leave_the_replica(tmp_path):
    env = checkin_env(tmp_path)
    checkin(env, "init-db")
    checkin(env, "seed-demo")
    db = tmp_path / "checkin.db"
    conn = sqlite3.connect(db)
    secret = conn.execute("SELECT secret FROM year_key WHERE year = 2025").fetchone()[0]
    hashes = [r[0] for r in conn.execute(
        "SELECT DISTINCT person_hash FROM visit WHERE date < '2026' AND person_hash IS NOT NULL")]
    conn.close()
    assert len(secret) == 64 and len(hashes) > 5
    wanted = [secret.encode(), *(h.encode() for h in hashes)]
    log = open(tmp_path / "litestream.log", "w")
    litestream = _replicate(_config(tmp_path), log)
    try:
        time.sleep(2 * SYNC_SECONDS + 1)
        replica = tmp_path / "replica"

        # Litestream's own folder beside the database stages the changes it sends.
        staged = tmp_path / ".checkin.db-litestream"

        def holding():
            files = [*replica.rglob("*"), *staged.rglob("*")]
            assert any(p.is_file() for p in staged.rglob("*"))
            return sorted({str(p.relative_to(tmp_path)) for p in files
                           if p.is_file() and any(w in p.read_bytes() for w in wanted)})

        assert holding(), "the replica should hold 2025 before the close"
        result = subprocess.run([sys.executable, "-m", "checkin.cli", "close-year", "2025",
                                 "--force"], env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        closed_at = time.monotonic()
        left = holding()
        while left and time.monotonic() - closed_at < GONE_WITHIN:
            time.sleep(1)
            left = holding()
        elapsed = time.monotonic() - closed_at
        print(f"\nthe closed year left every replica file {elapsed:.0f} s after the close "
              f"(bound with these times: {GONE_WITHIN} s)")
        assert left == [], f"still in the replica after {elapsed:.0f} s: {left}"
        for name in ("checkin.db", "checkin.db-wal"):
            path = tmp_path / name
            assert not path.exists() or not any(w in path.read_bytes() for w in wanted), name
    finally:
        litestream.send_signal(signal.SIGTERM)
        litestream.wait(timeout=30)
        log.close()
    restored = _restore(tmp_path, "after-close.db")
    assert not any(w in restored.read_bytes() for w in wanted)
    assert _count(restored, "SELECT count(*) FROM year_key WHERE year = 2025") == 0
