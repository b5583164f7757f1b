"""Can the arrival order of one hour's visitors be read from the files? Eight visitors check in
and leave a face with a text, in a known order, `--runs` times in a throw-away database; an
attacker reads every table and index page (cell byte offsets) and the -wal frames of
checkin.db, and a backup. Prints, without and with the hourly upkeep, how often the best page
gives all 8 in order and the share of pairs it puts in order (0.5 is a coin).

    .venv/bin/python bench/file_order.py [--runs 40]
"""

import argparse
import datetime as dt
import itertools
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkin import backup, upkeep  # noqa: E402
from checkin.db import connect, migrate  # noqa: E402
from checkin.feedback import smileys  # noqa: E402
from checkin.visits import recording  # noqa: E402
from tests.sqlite_pages import btree_pages, wal_frames  # noqa: E402

VISITORS = 8
DAY = dt.date(2026, 11, 23)


def arrive(db, venue_id):
    arrivals = []
    for n in range(VISITORS):
        visit = recording.record_visit(db, venue_id=venue_id, day=DAY, hour=10, source="qr")
        face = smileys.record_rating(db, venue_id=venue_id, day=DAY, rating=1 + n % 5)
        words = f"Besökare nummer {n} var här"
        smileys.add_text(db, face, words)
        arrivals.append({visit, face, words})
    return arrivals


def share_in_order(order):
    pairs = list(itertools.combinations(order, 2))
    return sum(a < b for a, b in pairs) / len(pairs)


def best_page(data, arrivals):
    """The attacker's best page: the visitors by byte offset, highest first."""
    best = None
    for cells in btree_pages(data).values():
        mine = []
        for _position, offset, values in cells:
            for n, marks in enumerate(arrivals):
                if any(v in marks for v in values if isinstance(v, (int, str))):
                    mine.append((offset, n))
        order = [n for _o, n in sorted(mine, reverse=True)]
        if len(set(order)) == VISITORS and len(order) == VISITORS:
            share = share_in_order(order)
            best = share if best is None else max(best, share)
    return best


def wal_share(data, arrivals):
    first = {}
    for frame, (_page, image) in enumerate(wal_frames(data)):
        for n, marks in enumerate(arrivals):
            text = next(m for m in marks if isinstance(m, str)).encode()
            if n not in first and text in image:
                first[n] = frame
    return share_in_order(sorted(first, key=first.get)) if len(first) == VISITORS else None


def one_run(folder, fixed):
    path = Path(folder) / "checkin.db"
    db = connect(str(path))
    migrate(db)
    venue_id = db.execute("INSERT INTO venue (slug, name, door_key) VALUES ('v', 'V', 'k')"
                          ).lastrowid
    db.conn.commit()
    arrivals = arrive(db, venue_id)
    copies = Path(folder) / "copies"
    copies.mkdir()
    if not fixed:  # as before: a page-by-page backup, a plain checkpoint, no upkeep
        def page_by_page(source, partial):
            live, copy = sqlite3.connect(source), sqlite3.connect(partial)
            live.backup(copy)
            copy.close()
            live.close()
        backup._copy = page_by_page
    wal = Path(f"{path}-wal").read_bytes()
    made, _counts = backup.backup(str(path), copies)
    if fixed:
        upkeep.rewrite(db)
        wal = Path(f"{path}-wal").read_bytes()
    else:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result = {"checkin.db": best_page(path.read_bytes(), arrivals),
              "-wal": wal_share(wal, arrivals) if wal else None,
              "backup": best_page(made.read_bytes(), arrivals)}
    db.conn.close()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    real_copy = backup._copy
    for fixed in (False, True):
        results = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as folder:
                results.append(one_run(folder, fixed))
            backup._copy = real_copy
        print("with the hourly upkeep and VACUUM INTO backups" if fixed else
              "before: a checkpoint only, page-by-page backups")
        for source in ("checkin.db", "-wal", "backup"):
            shares = [r[source] for r in results if r[source] is not None]
            if not shares:
                print(f"  {source:11} nothing to read (empty) in {args.runs} of {args.runs} runs")
                continue
            exact = sum(s == 1.0 for s in shares)
            print(f"  {source:11} all 8 in arrival order: {exact} of {len(shares)} runs; "
                  f"pairs in order (best page): {sum(shares) / len(shares):.2f}")


if __name__ == "__main__":
    main()
