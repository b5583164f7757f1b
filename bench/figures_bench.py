"""Benchmark for the figures: build a database with many visits, time the dashboard and exports.

    .venv/bin/python bench/figures_bench.py                 # 1,000,000 visits, 10 venues, 20 years
    .venv/bin/python bench/figures_bench.py --visits 10000000 --skip-without-index   # 10 M
    .venv/bin/python bench/figures_bench.py --quick         # 20,000 visits, 1 run each (smoke)

The years end at --today and start no earlier than 2000 (periods.FIRST_DAY: the figures refuse
older ranges), so every measurement is a range staff could ask for.

Prints the build time and the median of several runs of each measurement, first with the
indexes of m003_figures and then without them (to show what they are worth).
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkin.db import connect, migrate  # noqa: E402
from checkin.demo import MALLIS, create_venue  # noqa: E402
from checkin.figures import dashboard_figures, tables  # noqa: E402
from checkin.publishing.exports import to_csv  # noqa: E402
from checkin.publishing.periods import FIRST_DAY  # noqa: E402

GENDERS = ["woman", "man", "other", "unstated", None]
GENDER_WEIGHTS = [26, 64, 2, 3, 5]
SOURCES = ["qr", "kiosk", "tally"]
SOURCE_WEIGHTS = [65, 25, 10]
PEOPLE_PER_YEAR = 120


def build(db, visits, venues, years, today, seed=7):
    """`venues` venues with Mallis's week, `visits` visits spread over `years` years."""
    rng = random.Random(seed)
    first = dt.date(today.year - years + 1, 1, 1)
    open_days = [first + dt.timedelta(days=i) for i in range((today - first).days + 1)]
    open_days = [d for d in open_days if d.weekday() < 5]
    per_venue = visits // venues
    for v in range(venues):
        slug = f"venue-{v + 1:02d}"
        venue_id = create_venue(db, slug, f"Venue {v + 1}", "Bench", "", MALLIS, today)
        by_weekday = {}
        for row in db.execute(
            "SELECT slot.weekday, activity.id FROM slot JOIN activity "
            "ON activity.id = slot.activity_id WHERE slot.venue_id = ? AND activity.counted = 1",
            [venue_id]):
            by_weekday.setdefault(row[0], []).append(row[1])
        # Each venue-year has its own people, each with a usual answer.
        people = {}
        rows = []
        spread = per_venue / len(open_days)
        carry = 0.0
        for day in open_days:
            carry += spread
            n, carry = int(carry), carry - int(carry)
            if not n:
                continue
            pool = people.get(day.year)
            if pool is None:
                # At 10 M visits a day has more visits than the year's 120 people.
                pool = people[day.year] = [
                    (f"{venue_id:03d}{day.year}{i:04d}{rng.getrandbits(64):016x}",
                     rng.choices(GENDERS[:4], GENDER_WEIGHTS[:4])[0])
                    for i in range(max(PEOPLE_PER_YEAR, 2 * int(spread) + 2))]
            today_people = rng.sample(pool, min(n, len(pool)))
            choices = by_weekday.get(day.weekday(), [None])
            iso = day.isoformat()
            for k in range(n):
                source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
                gender = rng.choices(GENDERS, GENDER_WEIGHTS)[0]
                person = None
                if source == "qr" and rng.random() < 0.7:
                    person, usual = today_people[k]
                    gender = usual if rng.random() < 0.9 else gender
                activity = rng.choice(choices) if rng.random() < 0.95 else None
                hour = None if source == "tally" else rng.randint(10, 17)
                rows.append((venue_id, activity, iso, hour, gender, source, person,
                             rng.getrandbits(32)))
        with db.conn:
            db.conn.executemany(
                "INSERT INTO visit (venue_id, activity_id, date, hour, gender, source, "
                "person_hash, record_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("ANALYZE")


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(db, today, runs):
    venue_id = db.execute("SELECT id FROM venue ORDER BY slug LIMIT 1").fetchone()[0]
    year = today.year - 1
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    everything = db.execute("SELECT min(date), max(date) FROM visit").fetchone()
    return [
        ("dashboard, one venue", median_ms(
            lambda: dashboard_figures.dashboard(db, venue_id, today), runs)),
        ("dashboard, one venue, published (what viewers see)", median_ms(
            lambda: dashboard_figures.dashboard(db, venue_id, today, published=True), runs)),
        (f"{year} by activity with persons, one venue, CSV", median_ms(
            lambda: to_csv(tables.figures(db, first, last, "year", by_activity=True,
                                           venue_id=venue_id, min_cell=3)), runs)),
        (f"{year} by activity with persons, every venue, CSV", median_ms(
            lambda: to_csv(tables.figures(db, first, last, "year", by_activity=True,
                                           min_cell=3)), runs)),
        (f"{year} by month, one venue (report page)", median_ms(
            lambda: tables.figures(db, first, last, "month", venue_id=venue_id), runs)),
        (f"{year} by month, one venue, published (the city's report page)", median_ms(
            lambda: tables.figures(db, first, last, "month", venue_id=venue_id,
                                   published=True, today=today), runs)),
        (f"full range {everything[0]}..{everything[1]} by month, every venue, CSV", median_ms(
            lambda: to_csv(tables.figures(db, dt.date.fromisoformat(everything[0]),
                                           dt.date.fromisoformat(everything[1]), "month")),
            max(1, runs // 3))),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--venues", type=int, default=10)
    parser.add_argument("--years", type=int, default=20,
                        help="years of visits up to --today (they may not start before 2000)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--today", default="2026-11-23")
    parser.add_argument("--skip-without-index", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="20,000 visits at 2 venues, one run of each (the defaults' years)")
    args = parser.parse_args(argv)
    if args.quick:
        args.visits, args.venues, args.runs = 20_000, 2, 1
    today = dt.date.fromisoformat(args.today)
    if today.year - args.years + 1 < FIRST_DAY.year:
        parser.error(f"--years {args.years} would start in {today.year - args.years + 1}; the "
                     f"figures start in {FIRST_DAY.year} at the earliest")
    with tempfile.TemporaryDirectory() as folder:
        db = connect(str(Path(folder) / "bench.db"))
        migrate(db)
        start = time.perf_counter()
        build(db, args.visits, args.venues, args.years, today)
        built = time.perf_counter() - start
        count = db.execute("SELECT count(*) FROM visit").fetchone()[0]
        size = (Path(folder) / "bench.db").stat().st_size / 1e6
        print(f"built {count:,} visits, {args.venues} venues, {args.years} years "
              f"in {built:.1f} s ({size:.0f} MB)")
        results = {"with": measure(db, today, args.runs)}
        if not args.skip_without_index:
            db.execute("DROP INDEX visit_figures")
            db.execute("ANALYZE")
            results["without"] = measure(db, today, args.runs)
        for name, value in results["with"]:
            line = f"  {name:<72} {value:8.1f} ms"
            if "without" in results:
                before = dict(results["without"])[name]
                line += f"   (without the m003 index: {before:8.1f} ms)"
            print(line)
        db.conn.close()
    return results


if __name__ == "__main__":
    main()
