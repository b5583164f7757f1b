"""Issue 14's attacks replayed as a viewer on the published exports, over 1,000 simulated
datasets, beside the same attacks on the staff's exact exports with cells under 3 hidden.

Each dataset is one venue with a year (2025) of visits to three activities in which single
visitors are planted where the issue found them: February's one woman (a year less its other
months, and a month's total less its other genders), March's one man at activity A (the plain
export less the other activities), 15 April's one 'other' (April less its other days), May's
one remembered phone among unlinked visits (persons bounded by linked visits), and 30 June's
one unstated visitor (two end dates). The reader knows the rules and the perturbation table
and combines every published cell; `pytest -s` prints the rates.
"""

import csv
import datetime as dt
import io
import random
import secrets
import time
from math import inf, sqrt

import pytest

from checkin.publishing import cell_key as ck
from tests.helpers import log_in, make_user
from tests.promise_register import root

DATASETS = 1000
YEAR = 2025
GENDERS = ("women", "men", "other", "unstated")
ANSWER = {"women": "woman", "men": "man", "other": "other", "unstated": "unstated"}
BACKGROUND = (0, 0, 2, 3, 4, 5, 6)
GENDERS_COLUMNS = [f"visits_{g}" for g in GENDERS]  # a cell with visitors in it has 2 to 6 of them
# The rates docs/figures.md prints, one source for the page and the test: for each attack, the
# share of the 1,000 datasets in which the reader gets the planted single visitor's 1, as
# (exact with <3 hidden: naive, certain; published: naive, certain).
ATTACK_RATES = {
    "one export: total less the other genders": (0.0, 0.0, 0.0, 0.0),
    "month + year": (0.014, 0.014, 0.0, 0.0),
    "plain + by-activity": (0.0, 0.0, 0.0, 0.0),
    "day + month": (0.228, 0.228, 0.0, 0.0),
    "the unlinked bound": (1.0, 1.0, 0.0, 0.0),
    "two end dates": (0.996, 0.996, 0.0, 0.0),
}


def rate_margin(rate, n=DATASETS):
    """How far a measured share may be from the printed one: three standard errors of a share of
    n, or, for a share of 0 or 1, 3/n (the rule of three: the 95 % bound when none was seen)."""
    return 3 / n if rate in (0.0, 1.0) else 3 * sqrt(rate * (1 - rate) / n)


def rate_cell(rate):
    """A rate as docs/figures.md writes it, in percent: '22.8 % ± 4.0', '0.0 % (≤ 0.3)'
    or '100.0 % (≥ 99.7)'."""
    margin = 100 * rate_margin(rate)
    if rate == 0.0:
        return f"0.0 % (≤ {margin:.1f})"
    if rate == 1.0:
        return f"100.0 % (≥ {100 - margin:.1f})"
    return f"{100 * rate:.1f} % ± {margin:.1f}"


def _month_days(month):
    first = dt.date(YEAR, month, 1)
    following = dt.date(YEAR + (month == 12), month % 12 + 1, 1)
    return [first + dt.timedelta(days=i) for i in range((following - first).days)]


def _dataset(rng, acts):
    """One venue's year: (activity, date, gender column, person hash) per visit, with cells
    of 0 or 2 to 6 visitors around the planted single visitors (only where an attack looks)."""
    a, b, c = acts
    visits = []

    def add(n, activity, day, gender, person=None):
        visits.extend((activity, day, gender, person) for _ in range(n))

    def background(month, activities, genders):
        days = _month_days(month)
        for activity in activities:
            for gender in genders:
                for _ in range(rng.choice(BACKGROUND)):
                    add(1, activity, rng.choice(days), gender)

    for month in range(1, 13):
        if month != 2:
            background(month, acts, ["women"])        # the year less its other months
    background(2, acts, ["men", "other", "unstated"])  # February's total less other genders
    background(3, [b, c], ["men"])                     # March's total less B and C
    background(5, acts, GENDERS)                       # May's unlinked visits
    add(1, a, dt.date(YEAR, 2, rng.randint(1, 28)), "women")      # February's one woman
    add(1, a, dt.date(YEAR, 3, rng.randint(1, 31)), "men")        # March's one man at A
    add(1, b, dt.date(YEAR, 4, 15), "other")                      # 15 April's one 'other'
    for day in rng.sample([d for d in range(1, 31) if d != 15], rng.randint(0, 4)):
        add(rng.randint(2, 6), c, dt.date(YEAR, 4, day), "other")
    add(1, c, dt.date(YEAR, 5, rng.randint(1, 31)), "men", rng.randbytes(16).hex())  # May's
    add(1, a, dt.date(YEAR, 6, 30), "unstated")                   # 30 June's one unstated
    return visits


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """The app with 1,000 datasets, and the exports a viewer and a staff member can get."""
    import os

    from checkin import create_app
    from checkin.db import connect, migrate

    saved = {n: os.environ.pop(n) for n in [n for n in os.environ if n.startswith("CHECKIN_")]}
    os.environ["CHECKIN_INSTANCE"] = str(tmp_path_factory.mktemp("attacks"))
    try:
        app = create_app({"TESTING": True, "FROZEN_NOW": "2026-11-23T10:15"})
    finally:
        os.environ.pop("CHECKIN_INSTANCE")
        os.environ.update(saved)
    db = connect(app.config["DATABASE"])
    migrate(db)
    rng = random.Random(14)
    started = time.perf_counter()
    truth = {}
    with db.conn:
        for v in range(DATASETS):
            slug = f"v{v:04d}"
            venue = db.execute("INSERT INTO venue (slug, name, door_key) VALUES (?, ?, ?)",
                               [slug, slug, secrets.token_hex(8)]).lastrowid
            acts = [db.execute("INSERT INTO activity (venue_id, name_sv) VALUES (?, ?)",
                               [venue, name]).lastrowid for name in ("A", "B", "C")]
            visits = _dataset(rng, acts)
            db.conn.executemany(
                "INSERT INTO visit (venue_id, activity_id, date, hour, gender, source, "
                "person_hash, record_key) VALUES (?, ?, ?, 10, ?, ?, ?, ?)",
                [(venue, act, day.isoformat(), ANSWER[g], "qr" if p else "kiosk", p,
                  rng.getrandbits(32)) for act, day, g, p in visits])
            truth[slug] = len(visits)
    build = time.perf_counter() - started
    make_user(db, "vera", "viewer")
    make_user(db, "anna", "staff")
    db.conn.close()
    viewer, staff = app.test_client(), app.test_client()
    assert log_in(viewer, "vera").status_code == 302
    assert log_in(staff, "anna").status_code == 302
    return {"viewer": viewer, "staff": staff, "truth": truth, "build": build}


def _export(client, first, last, group, by_activity=False, exact=False):
    """The rows of an export of every venue: {(venue, period, activity): row}."""
    # anyway: a staff table mostly hidden is downloaded all the same (the page would ask).
    ask = {"first": first, "last": last, "group": group, "venue": "all", "fmt": "csv",
           "download": "1", "anyway": "1", "min_cell": "3",
           "version": "exact" if exact else "published"}
    if by_activity:
        ask["by_activity"] = "y"
    response = client.get("/staff/v0000/export", query_string=ask)
    assert response.status_code == 200 and response.mimetype == "text/csv", response.status
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
    return {(r["venue"], r["period"], r["activity"]): r for r in reader}


# --- what a reader can conclude from a cell ---------------------------------------------------

def _preimages():
    """For each published value, the true values that can give it (from the table)."""
    out = {}
    for true in range(200):
        for published, _lo, _hi in ck.ptable_row(true):
            out.setdefault(published, set()).add(true)
    return {p: (min(ts), max(ts)) for p, ts in out.items()}


PRE = _preimages()


def _bounds(value, published):
    """(lowest, highest) true value a cell can hold, as the reader sees it."""
    if published:
        return PRE[int(value)]
    if value.startswith("<"):
        return 1, int(value[1:]) - 1
    if value == "..":
        return 1, inf
    return int(value), int(value)


def _derive(whole, parts, target, published):
    """The target's value from a whole less its other parts, and its own cell.

    Returns (naive, determined): naive is whole minus parts taken at face value (None when a
    hidden cell is in the way); determined is the one value every cell allows, or None.
    """
    cells = [whole, *parts]
    naive = None
    if published or not any(c.startswith(("<", "..")) for c in cells):
        naive = int(whole) - sum(int(p) for p in parts)
    w_lo, w_hi = _bounds(whole, published)
    p_lo = sum(_bounds(p, published)[0] for p in parts)
    p_hi = sum(_bounds(p, published)[1] for p in parts)
    t_lo, t_hi = (0, inf) if target is None else _bounds(target, published)
    lo, hi = max(0, t_lo, w_lo - p_hi), min(t_hi, w_hi - p_lo)
    return naive, (lo if lo == hi else None)


def _score(name, results, truth=1):
    naive = sum(n == truth for n, _ in results) / len(results)
    determined = sum(d == truth for _, d in results) / len(results)
    wrong = sum(d is not None and d != truth for _, d in results)
    assert not wrong, f"{name}: a reader's sure conclusion was wrong in {wrong} datasets"
    return naive, determined


def _attacks(exports, published):
    """Each attack on every dataset: {name: [(naive, determined), ...]}."""
    month, year, march, april = (exports[k] for k in ("month", "year", "march", "april"))
    out = {name: [] for name in ("one export: total less the other genders",
                                 "month + year", "plain + by-activity", "day + month",
                                 "the unlinked bound")}
    for v in range(DATASETS):
        slug = f"v{v:04d}"
        feb, y = month[(slug, f"{YEAR}-02", "")], year[(slug, str(YEAR), "")]
        out["one export: total less the other genders"].append(_derive(
            feb["visits_total"], [feb[f"visits_{g}"] for g in GENDERS[1:]],
            feb["visits_women"], published))
        others = [month[(slug, f"{YEAR}-{m:02d}", "")]["visits_women"] for m in range(1, 13)
                  if m != 2]
        out["month + year"].append(_derive(y["visits_women"], others, feb["visits_women"],
                                           published))
        total = month[(slug, f"{YEAR}-03", "")]
        rows = [march[(slug, f"{YEAR}-03", act)] for act in ("B", "C")
                if (slug, f"{YEAR}-03", act) in march]
        out["plain + by-activity"].append(_derive(
            total["visits_men"], [r["visits_men"] for r in rows],
            # Published: a row whose numbers are all 0 is not shown (issue 23).
            march.get((slug, f"{YEAR}-03", "A"), {"visits_men": "0"})["visits_men"],
            published))
        days = [april[(slug, d.isoformat(), "")]["visits_other"] for d in _month_days(4)
                if d.day != 15]
        out["day + month"].append(_derive(
            month[(slug, f"{YEAR}-04", "")]["visits_other"], days,
            april[(slug, f"{YEAR}-04-15", "")]["visits_other"], published))
        # Persons cannot exceed linked visits (total less unlinked), and there is one
        # person if there is a linked visit at all.
        may = month[(slug, f"{YEAR}-05", "")]
        if may["persons_total"] == "":  # published persons only for whole years (issue 23)
            out["the unlinked bound"].append((None, None))
            continue
        total, unlinked = (_bounds(may[c], published) for c in ("visits_total",
                                                                 "visits_unlinked"))
        l_lo, l_hi = total[0] - unlinked[1], total[1] - unlinked[0]
        p_lo, p_hi = _bounds(may["persons_total"], published)
        lo, hi = max(p_lo, 1 if l_lo >= 1 else 0), min(p_hi, l_hi)
        naive = None
        if published or not any(may[c].startswith(("<", "..")) for c in (
                "visits_total", "visits_unlinked")):
            linked = int(may["visits_total"]) - int(may["visits_unlinked"])
            left = [t for t in range(p_lo, p_hi + 1) if (t >= 1) == (linked >= 1)
                    and t <= linked]
            naive = left[0] if len(left) == 1 else None
        out["the unlinked bound"].append((naive, lo if lo == hi else None))
    return out


@pytest.mark.slow
def test_single_visitors_cannot_be_pieced_together_from_published_exports(attacked):
    viewer, staff = attacked["viewer"], attacked["staff"]
    asks = {"month": (f"{YEAR}-01-01", f"{YEAR}-12-31", "month"),
            "year": (f"{YEAR}-01-01", f"{YEAR}-12-31", "year"),
            "march": (f"{YEAR}-03-01", f"{YEAR}-03-31", "month", True),
            "april": (f"{YEAR}-04-01", f"{YEAR}-04-30", "day")}
    started = time.perf_counter()
    # Issue 23: a viewer gets no table by day (nor by week); the day + month attack has no
    # day file to work on, so it finds nothing.
    refused = viewer.get("/staff/v0000/export", query_string={
        "first": f"{YEAR}-04-01", "last": f"{YEAR}-04-30", "group": "day", "venue": "all",
        "fmt": "csv", "download": "1"})
    assert refused.status_code == 400 and "per månad eller per år" in refused.data.decode()
    exports = {k: _export(viewer, *a) for k, a in asks.items() if k != "april"}
    exports["april"] = {key: dict.fromkeys(GENDERS_COLUMNS, "0")
                        for s in attacked["truth"] for key in
                        [(s, d.isoformat(), "") for d in _month_days(4)]}
    after = _attacks(exports, published=True)
    after["day + month"] = [(None, None)] * DATASETS
    before = _attacks({k: _export(staff, *a, exact=True) for k, a in asks.items()},
                      published=False)
    # Two end dates: 30 June's one unstated visitor is the difference of two year exports.
    ask = {"group": "year", "venue": "all", "fmt": "csv", "download": "1", "anyway": "1",
           "min_cell": "3"}
    cut = [staff.get("/staff/v0000/export", query_string={
        **ask, "first": f"{YEAR}-01-01", "last": last, "version": "exact"}) for last in
        (f"{YEAR}-06-29", f"{YEAR}-06-30")]
    two = [{r["venue"]: r["visits_unstated"] for r in csv.DictReader(io.StringIO(
        c.data.decode("utf-8-sig")))} for c in cut]
    before["two end dates"] = [_derive(two[1][s], [two[0][s]], None, False)
                               for s in attacked["truth"]]
    asked = [viewer.get("/staff/v0000/export", query_string={
        **ask, "first": f"{YEAR}-01-01", "last": last, "version": "published"})
        for last in (f"{YEAR}-06-29", f"{YEAR}-06-30")]
    # The viewer gets no file for a range that cuts the year, only the offer of the whole
    # year; both ranges widen to it, so the two files are one and the difference is 0.
    assert all(a.mimetype == "text/html" and b"2025-01-01 \xe2\x80\x93 2025-12-31" in a.data
               for a in asked)
    whole = [exports["year"], _export(viewer, f"{YEAR}-01-01", f"{YEAR}-12-31", "year")]
    assert whole[0] == whole[1]
    after["two end dates"] = [
        (int(whole[1][(s, str(YEAR), "")]["visits_unstated"])
         - int(whole[0][(s, str(YEAR), "")]["visits_unstated"]), None)
        for s in attacked["truth"]]
    seconds = time.perf_counter() - started
    print(f"\n{DATASETS} datasets built in {attacked['build']:.1f} s, attacked in "
          f"{seconds:.1f} s. The single visitor's value (1) as the reader derives it:")
    print(f"{'attack':42} {'exact, <3 hidden':>22} {'published (cell key)':>24}")
    print(f"{'':42} {'naive':>10} {'certain':>11} {'naive':>12} {'certain':>11}")
    for name in before:
        b_naive, b_sure = _score(name, before[name])
        a_naive, a_sure = _score(name, after[name])
        print(f"{name:42} {b_naive:>10.1%} {b_sure:>11.1%} {a_naive:>12.1%} {a_sure:>11.1%}")
        # Each rate is the one docs/figures.md prints, within its margin; published, a single
        # visitor is never pinned for certain.
        for measured, printed in zip((b_naive, b_sure, a_naive, a_sure), ATTACK_RATES[name],
                                     strict=True):
            assert abs(measured - printed) <= rate_margin(printed) + 1e-9, (name, measured)
        assert a_sure == 0, name
    # The cost (issue 23): a yearly total is the sum of its finest published cells (month,
    # activity, gender, linked or not), each off by at most 2 and unbiased; so the total is
    # unbiased, and its spread grows with the number of cells it adds up.
    off = [int(exports["year"][(s, str(YEAR), "")]["visits_total"]) - n
           for s, n in attacked["truth"].items()]
    mean = sum(off) / len(off)
    sd = (sum((o - mean) ** 2 for o in off) / (len(off) - 1)) ** 0.5
    print(f"yearly visits: published minus true, from {min(off)} to {max(off)}, mean "
          f"{mean:+.2f}, SD {sd:.1f}; exactly right in "
          f"{sum(o == 0 for o in off) / len(off):.1%}")
    assert abs(mean) < 4 * sd / len(off) ** 0.5 + 0.1  # unbiased, within 4 standard errors


def test_the_attack_table_in_figures_md_is_the_one_the_test_asserts():
    """docs/figures.md prints each attack's rates and margins as ATTACK_RATES has them."""
    page = (root() / "docs" / "figures.md").read_text()
    for name, rates in ATTACK_RATES.items():
        row = f"| {name} | " + " | ".join(rate_cell(r) for r in rates) + " |"
        assert row in page, row
