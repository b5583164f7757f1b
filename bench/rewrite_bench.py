"""Benchmark: how long the hourly rewrite holds every writer, by the database's size.

    .venv/bin/python -m bench.rewrite_bench [--visits 0,100000,1000000] [--runs 2]

For each size: a fresh demo database in a temporary folder with that many more visits (the
data of bench/figures_bench.py), then the upkeep's rewrite (checkin/upkeep.py: a TRUNCATE
checkpoint, VACUUM, a TRUNCATE checkpoint) timed step by step. VACUUM holds the write lock
while it runs, so a check-in in that moment waits that long; `checkin serve` therefore waits
for a moment without writes (REWRITE_QUIET_SECONDS) before it rewrites.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_bench import add_big_history  # noqa: E402
from tests.server import checkin, checkin_env  # noqa: E402


def measure(visits, runs):
    from checkin.db import connect

    with tempfile.TemporaryDirectory(prefix="checkin-rewrite-") as folder:
        env = checkin_env(folder)
        checkin(env, "init-db")
        checkin(env, "seed-demo")
        path = str(Path(folder) / "checkin.db")
        if visits:
            add_big_history(path, visits, dt.date.today())
        db = connect(path)
        rows = []
        for _ in range(runs):
            timed = []
            for statement in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM",
                              "PRAGMA wal_checkpoint(TRUNCATE)"):
                started = time.perf_counter()
                db.execute(statement).fetchall()
                timed.append((time.perf_counter() - started) * 1000)
            rows.append(timed)
        total = db.execute("SELECT count(*) FROM visit").fetchone()[0]
        size = os.path.getsize(path)
        db.conn.close()
    return total, size, rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", default="0,100000,1000000",
                        help="visits added to the demo, comma-separated")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    print("| visits | file MB | checkpoint ms | VACUUM ms (the door waits) | checkpoint ms |")
    print("|---:|---:|---:|---:|---:|")
    for visits in (int(v) for v in args.visits.split(",")):
        total, size, rows = measure(visits, args.runs)
        for before, vacuum, after in rows:
            print(f"| {total:,} | {size / 1e6:.0f} | {before:.0f} | {vacuum:.0f} | {after:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
