"""The calendar feed's size: what a phone's calendar downloads for the demo programme.

    .venv/bin/python -m bench.feed_size

Builds the demo's Mallis venue in a temporary database and prints the .ics size for the feed as
served (last week, this week and seven more) and for a whole year of the programme, raw and
gzip-compressed (as nginx sends it when the calendar asks for gzip), in Swedish and English.
"""

import datetime as dt
import gzip
import tempfile
from pathlib import Path

from checkin.db import connect, migrate
from checkin.demo import MALLIS, create_venue
from checkin.week import calendar_feed

TODAY = dt.date(2026, 11, 23)
STAMP = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def main():
    with tempfile.TemporaryDirectory() as folder:
        db = connect(str(Path(folder) / "bench.db"))
        migrate(db)
        create_venue(db, "mallis", "Mallis", "Street Minds", "Malmskillnadsgatan", MALLIS,
                      TODAY)
        venue = dict(db.execute("SELECT * FROM venue").fetchone())
        print(f"{'feed':<28} {'events':>6} {'bytes':>8} {'gzip':>7}")
        for label, (first, last) in [
            ("as served (9 weeks)", calendar_feed.feed_range(TODAY)),
            ("a year (52 weeks)", (TODAY, TODAY + dt.timedelta(weeks=52, days=-1))),
        ]:
            for lang in ("sv", "en"):
                body = calendar_feed.week_feed(
                    db, venue, today=TODAY, lang=lang, base_url="https://checkin.example.se",
                    stamp=STAMP, first=first, last=last)
                print(f"{label + ', ' + lang:<28} {body.count(b'BEGIN:VEVENT'):>6} "
                      f"{len(body):>8} {len(gzip.compress(body)):>7}")
        db.conn.close()


if __name__ == "__main__":
    main()
