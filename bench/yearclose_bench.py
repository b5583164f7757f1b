"""How long the yearly close takes: a throw-away database with one year of hashed visits.

    .venv/bin/python bench/yearclose_bench.py [--venues 10] [--per-day 40]
"""

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from checkin.db import connect, migrate
from checkin.yearclose import close_year


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--venues", type=int, default=10)
    parser.add_argument("--per-day", type=int, default=40)
    args = parser.parse_args()
    rng = random.Random(8)
    with tempfile.TemporaryDirectory() as folder:
        db = connect(str(Path(folder) / "bench.db"))
        migrate(db)
        rows = []
        with db.conn:
            for v in range(1, args.venues + 1):
                db.execute("INSERT INTO venue (id, slug, name, door_key) VALUES (?, ?, ?, ?)",
                           [v, f"v{v}", f"Venue {v}", f"key{v}"])
                activities = [db.execute(
                    "INSERT INTO activity (venue_id, name_sv) VALUES (?, ?)",
                    [v, f"A{a}"]).lastrowid for a in range(6)]
                day = dt.date(2025, 1, 1)
                while day.year == 2025:
                    people = rng.sample(range(300), args.per_day)
                    rows += [(v, rng.choice(activities), day.isoformat(), 10,
                              rng.choice(["woman", "man", "other", None]), "qr", f"p{v}-{p}")
                             for p in people]
                    day += dt.timedelta(days=1)
            db.conn.executemany(
                "INSERT INTO visit (venue_id, activity_id, date, hour, gender, source, "
                "person_hash) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        started = time.perf_counter()
        done = close_year(db, 2025, dt.date(2026, 3, 1))
        took = time.perf_counter() - started
        print(f"closed 2025: {len(rows):,} hashed visits at {args.venues} venues, "
              f"{done['frozen']:,} frozen rows in {took:.2f} s")


if __name__ == "__main__":
    main()
