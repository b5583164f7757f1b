"""Benchmark: check-in, the week page and /healthz on the production server, 1/10/50 clients.

    .venv/bin/python -m bench.checkin_bench [--quick] [--seconds 5] [--client wrk|python]

Starts `checkin serve` (waitress) on 127.0.0.1 with a fresh demo database in a temporary
folder, loads it for a fixed time per line from a second process — `wrk` (Debian package
`wrk`, with bench/wrk_checkin.lua) or, if wrk is missing, a small Python client — prints a
table and stops everything it started. /healthz (one tiny query) is the ceiling: every line also
shows its throughput as a share of /healthz measured at the same concurrency in this run.

Check-in is the POST a phone sends: the session cookie, CSRF token, day and activity come from
one GET of the door page, made once by the bench. Every door page carries a one-time token, so
the bench mints a fresh one for each request beforehand (with the instance's secret key, as the
server would), and signed phone codes with the database's secret. "check-in, same phone" sends
one remembered phone's code every time (the one-a-day path: the first counts a visit, the rest
change it); "check-in, new phone" sends a new code every time (a new visit and a new hash per
request). The door's bounds (CHECKINS_PER_MINUTE/DAY) are lifted for the run: they exist to
refuse exactly this. The database is counted after each line, so the table shows what the
check-ins really stored.
"""

import argparse
import datetime as dt
import multiprocessing
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import Server, StaffMember, Visitor, checkin, checkin_env  # noqa: E402

LEVELS = (1, 10, 50)
KINDS = ("healthz", "check-in, same phone", "check-in, new phone", "week")
WRK_SCRIPT = Path(__file__).with_name("wrk_checkin.lua")
PYTHON_REQUESTS = {1: 300, 10: 1000, 50: 2000}  # the Python client's fixed request counts
MAX_PROCESSES = 4
GOAL_SHARE, GOAL_P99_MS, GOAL_CLIENTS = 0.5, 50, 10
STAFF_NAME, STAFF_PASSWORD = "bench", "a bench password: seven blue kettles 42"
BARE = "bare Flask (reference)"
FLOOR = "bare Flask POST, the check-in's SQL only (floor)"
BUSY_KINDS = ("healthz", "check-in, new phone", "week")
BUSY_WORK = ("export", "import")
# The server's upkeep rewrites the whole file (VACUUM) at its first check and after each hour,
# holding every write meanwhile: 6 ms on the demo, 1.1 s at 1,000,000 visits
# (bench/rewrite_bench.py prints it by size). The bench's server checks every second, so the
# first rewrite is over before the first line (REWRITE_SETTLE_SECONDS a million visits);
# a line during which an hour ended is marked, as the hourly one may have fallen in it.
UPKEEP_EVERY_SECONDS = 1
REWRITE_SETTLE_SECONDS = 3
HOUR_ENDED = " (an hour ended in this line: the hourly rewrite may be in it)"
BUSY_LEVELS = (1, 10)
BIG_VISITS = 1_000_000
# The goals of issue 22 item 5 (docs/development.md, "Check-in under load").
GOALS = {"busy p99 ms": {1: 25, 10: 60}, "share": {1: 0.4, 10: 0.55}, "alone p99 ms": 25,
         "week share": 0.5}


def prepare(server_url, door, folder):
    """What a phone holds after opening the door page: session cookie and the form to send;
    and what the bench needs to mint more forms: the form key, the venue and the database."""
    from checkin.db import connect
    from checkin.visits import once, phones

    visitor = Visitor(server_url)
    status, _headers, page = visitor.request("GET", door)
    visitor.close()
    if status != 200:
        raise RuntimeError(f"the door page answered {status}")
    running = re.search(r'name="activity" value="([^"]+)" checked', page)
    form = {
        "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1],
        "day": re.search(r'name="day"[^>]*value="([^"]+)"', page)[1],
        "activity": running[1] if running else "none",
    }
    db = connect(Path(folder) / "checkin.db")
    venue_id = db.execute("SELECT id FROM venue WHERE slug = 'mallis'").fetchone()[0]
    phone = phones.phone_code(db, phones.new_device_key())
    db.conn.close()
    return {"session": visitor.cookies["session"], "form": form, "phone": phone,
            "venue_id": venue_id, "folder": folder,
            "key": once.form_key((Path(folder) / "secret_key").read_text().strip())}


def mint(prepared, kind, count):
    """`count` (form, phone code) pairs, each form with its own one-time token."""
    import datetime as dt

    from checkin.db import connect
    from checkin.visits import once, phones

    day = dt.date.fromisoformat(prepared["form"]["day"])
    db = connect(Path(prepared["folder"]) / "checkin.db")
    pairs = []
    for _ in range(count):
        form = {**prepared["form"],
                "once": once.issue(prepared["key"], "check-in", prepared["venue_id"], day)}
        code = (prepared["phone"] if "same" in kind
                else phones.phone_code(db, phones.new_device_key()))
        pairs.append((form, code))
    db.conn.close()
    return pairs


def _target(server_url, door, kind, prepared, forms_file, threads):
    """(URL, wrk script arguments) for one kind of request."""
    if kind == "healthz":
        return server_url + "/healthz", ["get"]
    if kind == "week":
        return server_url + "/mallis/", ["get"]
    return server_url + door, ["post", prepared["session"], str(forms_file), str(threads)]


def _wrk_threads(clients):
    return 1 if clients == 1 else 2


def run_wrk(url, args, clients, seconds):
    """One wrk run: `clients` keep-alive connections for `seconds`; the figures it reports."""
    command = ["wrk", f"-t{_wrk_threads(clients)}", f"-c{clients}", f"-d{seconds}s",
               "--timeout", "5s", "--latency", "-s", str(WRK_SCRIPT), url, "--", *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True,  # noqa: S603
                            timeout=seconds + 60).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCH "))
    figures = {k: int(v) for k, v in (pair.split("=") for pair in line.split()[1:])}
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {"requests": figures["requests"], "errors": errors,
            "rps": figures["requests"] / (figures["duration_us"] / 1e6),
            "p50": figures["p50_us"] / 1000, "p99": figures["p99_us"] / 1000}


def _python_client(server_url, path, kind, prepared, count, client_no, results, pairs):
    """One client thread of the fallback: `count` timed requests over one keep-alive connection."""
    visitor = Visitor(server_url)
    latencies, errors = [], 0
    for i in range(count):
        try:
            started = time.perf_counter()
            if kind.startswith("check-in"):
                form, code = pairs[i]
                visitor.cookies = {"session": prepared["session"], "checkin_phone": code}
                status, _h, _b = visitor.request("POST", path, form)
                ok = status == 302
            else:
                status, _h, _b = visitor.request("GET", path)
                ok = status == 200
            latencies.append(time.perf_counter() - started)
            errors += not ok
        except OSError:
            errors += 1
            visitor.close()
            visitor = Visitor(server_url)
    visitor.close()
    results.append((latencies, errors))


def _python_process(server_url, path, kind, prepared, clients, per_client, first, queue):
    results = []
    pairs = mint(prepared, kind, per_client * clients) if kind.startswith("check-in") else []
    threads = [threading.Thread(target=_python_client, args=(
        server_url, path, kind, prepared, per_client, first + n, results,
        pairs[n * per_client:(n + 1) * per_client]))
        for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((started, time.monotonic(), results))


def run_python(url, kind, prepared, clients, total):
    """The fallback: `total` requests from `clients` threads spread over up to 4 processes."""
    scheme, _, host, rest = url.split("/", 3)
    server_url, path = f"{scheme}//{host}", "/" + rest
    processes = min(clients, MAX_PROCESSES)
    per_client = max(1, total // clients)
    queue = multiprocessing.Queue()
    workers, first = [], 0
    for p in range(processes):
        share = clients // processes + (p < clients % processes)
        workers.append(multiprocessing.Process(target=_python_process, args=(
            server_url, path, kind, prepared, share, per_client, first, queue)))
        first += share
    for w in workers:
        w.start()
    outcomes = [queue.get(timeout=300) for _ in workers]
    for w in workers:
        w.join()
    latencies = sorted(x for _s, _e, rs in outcomes for lat, _err in rs for x in lat)
    wall = max(e for _s, e, _r in outcomes) - min(s for s, _e, _r in outcomes)
    return {"requests": len(latencies),
            "errors": sum(err for _s, _e, rs in outcomes for _lat, err in rs),
            "rps": len(latencies) / wall, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000}


def _heavy_export_path(day):
    """The heaviest export a viewer may ask for: 3 years by day and activity, every venue."""
    last = dt.date.fromisoformat(day)
    first = last - dt.timedelta(days=3 * 365)
    return "/staff/mallis/export?" + urlencode({
        "first": first.isoformat(), "last": last.isoformat(), "group": "day",
        "by_activity": "y", "venue": "all", "fmt": "xlsx", "min_cell": "none",
        "download": "1"})


def _counts_file(day):
    """A year of counts kept before, one line a day: 365 lines, 730 visits."""
    last = dt.date.fromisoformat(day) - dt.timedelta(days=400)
    lines = ["date,activity,women,men,other,unstated"] + [
        f"{last - dt.timedelta(days=n)},,1,1,0,0" for n in range(365)]
    return ("\n".join(lines) + "\n").encode()


def staff_cookies(server_url):
    """A logged-in staff session's cookies: each run logs in once per kind of work (the
    login slows down an account that logs in again and again)."""
    staff = StaffMember(server_url)
    status = staff.log_in(STAFF_NAME, STAFF_PASSWORD)
    staff.close()
    if status != 302:
        raise RuntimeError(f"the bench's staff account could not log in ({status})")
    return dict(staff.cookies)


def _staff_work(server_url, kind, day, stop, done, cookies=None):
    """One staff member exporting again and again (or importing, once a second) until `stop`
    is set."""
    staff = StaffMember(server_url)
    if cookies:
        staff.cookies = dict(cookies)
    elif staff.log_in(STAFF_NAME, STAFF_PASSWORD) != 302:
        done.append((kind, "login failed", 0.0))
        return
    data = _counts_file(day)
    while not stop.is_set():
        started = time.monotonic()
        if kind == "export":
            status, _headers, _body = staff.request("GET", _heavy_export_path(day))
        else:
            # `finished`: yes, change the finished years' reports (else it asks first: 409).
            try:
                status, _body = staff.upload("/staff/mallis/import",
                                             {"again": "y", "finished": "y"}, "counts.csv",
                                             data)
            except TypeError:  # the import page came without its form
                page_status, _h, _b = staff.request("GET", "/staff/mallis/import")
                status = f"import page {page_status}"
        done.append((kind, status, time.monotonic() - started))
        if kind == "import":
            stop.wait(1.0)  # as fast as a person can choose the file and press Import again
    staff.close()


def busy_lines(server_url, door, prepared, client, seconds, clients=GOAL_CLIENTS,
               sessions=None):
    """At `clients` clients, each kind twice: alone, then while one staff member downloads
    the heaviest export again and again and another imports a year of counts every second."""
    rows = []
    for kind in BUSY_KINDS:
        for busy in (False, True):
            stop, done = threading.Event(), []
            workers = [threading.Thread(target=_staff_work, args=(
                server_url, work, prepared["form"]["day"], stop, done,
                (sessions or {}).get(work))) for work in (BUSY_WORK if busy else ())]
            for w in workers:
                w.start()
            if busy:
                time.sleep(1.0)  # both are under way before the clock starts
            forms_file = Path(prepared["folder"]) / "busy-forms.txt"
            if client == "wrk" and kind.startswith("check-in"):
                pairs = mint(prepared, kind, 1500 * seconds + 500)
                forms_file.write_text("".join(
                    f"{urlencode(form)}\t{code}\n" for form, code in pairs))
            url, wrk_args = _target(server_url, door, kind, prepared, forms_file,
                                    _wrk_threads(clients))
            hour = _hour()
            if client == "wrk":
                row = run_wrk(url, wrk_args, clients, seconds)
            else:
                row = run_python(url, kind, prepared, clients, PYTHON_REQUESTS[clients])
            stop.set()
            for w in workers:
                w.join()
            bad = [d for d in done if d[1] not in (200, 302)]
            row.update(kind=kind + (" during export + import" if busy else ", alone"),
                       hour_ended=_hour() != hour,
                       clients=clients, staff_work=done, errors=row["errors"] + len(bad),
                       staff_errors=sorted({str(d[1]) for d in bad}))
            rows.append(row)
    return rows


def _hour():
    return int(time.time() // 3600)


def count_visits(database, day):
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM visit WHERE date = ?", [day]).fetchone()[0]


def stored_correctly(kind, row, added):
    """The database agrees with the load: one visit per new phone, one a day for the same."""
    if kind == "check-in, same phone":
        return added <= 1
    # wrk stops its clock with up to one request per connection still on its way.
    return row["requests"] <= added <= row["requests"] + row["clients"]


def _load():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def add_big_history(database, visits, today):
    """`visits` more visits at 10 more venues over 20 years (bench/figures_bench.py's data),
    so that the heaviest export (every venue) and the import work on a large file."""
    from bench.figures_bench import build
    from checkin.db import connect

    db = connect(database)
    build(db, visits, 10, 20, today)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def healthz_cost(database, runs=2000):
    """What /healthz does beyond a bare answer, timed in-process: database_problem() (the
    file's first bytes and the migration count), in µs."""
    from checkin.db import connect, database_problem

    db = connect(database)
    started = time.perf_counter()
    for _ in range(runs):
        database_problem(database, lambda: db)
    spent = (time.perf_counter() - started) / runs * 1e6
    db.conn.close()
    return spent


class BareServer:
    """bench/bare_app.py under waitress with one thread: the floors beside /healthz (a bare
    GET) and beside the check-in (a bare POST running a check-in's SQL on `floor_db`)."""

    def __init__(self, floor_db):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        root = str(Path(__file__).resolve().parent.parent)
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "waitress", "--threads=1", f"--port={self.port}",
             "--host=127.0.0.1", "bench.bare_app:app"],
            env={**os.environ, "PYTHONPATH": root, "BENCH_FLOOR_DB": floor_db}, cwd=root,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import urllib.request

        for _ in range(200):
            try:
                urllib.request.urlopen(self.url + "/", timeout=1)  # noqa: S310
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the bare server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def measure_load_lines(server_url, door, prepared, client, seconds, quick, database, bare):
    """The load table: per concurrency, the bare floor, /healthz, check-ins and the week."""
    rows = []
    day = prepared["form"]["day"]
    forms_file = Path(prepared["folder"]) / "forms.txt"
    floor_file = Path(prepared["folder"]) / "floor.txt"
    for clients in (2, *LEVELS):
        line_seconds = 1 if clients == 2 else seconds
        # /healthz right after the bare GET, as before the floor: the floor and the check-ins
        # leave the kernel writing their pages out for a while after their lines.
        for kind in (BARE, KINDS[0], FLOOR, *KINDS[1:]):
            if client == "wrk" and kind.startswith("check-in"):
                # More forms than the server can take in the line's time (~700/s).
                pairs = mint(prepared, kind, 1500 * line_seconds + 500)
                forms_file.write_text("".join(
                    f"{urlencode(form)}\t{code}\n" for form, code in pairs))
            if kind == BARE:
                url, wrk_args = bare.url + "/", ["get"]
            elif kind == FLOOR:
                floor_file.write_text(f"{urlencode(prepared['form'])}\tfloor\n")
                url, wrk_args = _target(bare.url, "/door", "check-in, new phone", prepared,
                                        floor_file, _wrk_threads(clients))
            else:
                url, wrk_args = _target(server_url, door, kind, prepared, forms_file,
                                        _wrk_threads(clients))
            before = count_visits(database, day)
            hour = _hour()
            if client == "wrk":
                row = run_wrk(url, wrk_args, clients, line_seconds)
            elif kind in (BARE, FLOOR):
                continue
            else:
                total = PYTHON_REQUESTS.get(clients, 100) // (5 if quick else 1)
                row = run_python(url, kind, prepared, clients, total)
            row.update(kind=kind, clients=clients,
                       added=count_visits(database, day) - before)
            row["hour_ended"] = _hour() != hour
            if kind.startswith("check-in") and not stored_correctly(kind, row, row["added"]):
                row["errors"] += 1
                row["kind"] += " (visits stored wrongly!)"
            if clients != 2:  # 2 clients for one second each: the warm-up
                rows.append(row)
    bare_rps = {r["clients"]: r["rps"] for r in rows if r["kind"] == BARE}
    floor_rps = {r["clients"]: r["rps"] for r in rows if r["kind"] == FLOOR}
    healthz_rps = {r["clients"]: r["rps"] for r in rows if r["kind"] == "healthz"}
    for r in rows:
        r["ceiling"] = healthz_rps.get(r["clients"]) if r["kind"] != BARE else None
        r["share"] = r["rps"] / r["ceiling"] if r["ceiling"] else None
        r["share_of_floor"] = (r["rps"] / floor_rps[r["clients"]]
                               if r["kind"].startswith("check-in") and r["clients"] in floor_rps
                               else None)
        r["share_of_bare"] = r["rps"] / bare_rps[r["clients"]] if r["clients"] in bare_rps \
            else None
    return rows


def run_on(name, big, args, client, seconds):
    """One database (the demo, or the demo with `big` more visits) under `checkin serve`:
    the load table (the demo only) and the busy lines at 1 and 10 clients."""
    with tempfile.TemporaryDirectory(prefix="checkin-bench-") as folder:
        # The door's bounds would refuse this load after a few requests: that is their job.
        env = checkin_env(folder, CHECKIN_CHECKINS_PER_MINUTE="100000000",
                          CHECKIN_SENDER_CHECKINS_PER_HOUR="100000000",
                          CHECKIN_CHECKINS_PER_DAY="100000000",
                          CHECKIN_SENDER_POSTS_PER_HOUR="100000000",
                          CHECKIN_POSTS_PER_MINUTE_SESSION="100000000",
                          CHECKIN_UPKEEP_EVERY_SECONDS=str(UPKEEP_EVERY_SECONDS))
        checkin(env, "init-db")
        checkin(env, "seed-demo")
        database = str(Path(folder) / "checkin.db")
        built = None
        if big:
            started = time.monotonic()
            add_big_history(database, big, dt.date.today())
            built = time.monotonic() - started
        subprocess.run([sys.executable, "-m", "checkin.cli", "create-user", STAFF_NAME,  # noqa: S603
                        "--role", "admin"], env=env, input=STAFF_PASSWORD + "\n", text=True,
                       check=True, capture_output=True, timeout=60)
        server = Server(folder, threads=args.threads)
        server.env = {**env, "CHECKIN_BASE_URL": server.url}
        door = "/" + checkin(server.env, "door-url", "mallis").strip().split("/", 3)[3]
        visits = sqlite3.connect(database).execute("SELECT count(*) FROM visit").fetchone()[0]
        cost = healthz_cost(database)
        server.start()
        floor_db = str(Path(folder) / "floor.db")
        shutil.copy(database, floor_db)
        bare = BareServer(floor_db) if client == "wrk" else None
        rows, busy = [], []
        try:
            prepared = prepare(server.url, door, folder)
            # Before the load: thousands of posts from this address would slow a login.
            sessions = {work: staff_cookies(server.url) for work in BUSY_WORK}
            if not big and not args.only_busy:
                rows = measure_load_lines(server.url, door, prepared, client, seconds,
                                          args.quick, database, bare)
            for clients in BUSY_LEVELS:
                busy += busy_lines(server.url, door, prepared, client, seconds, clients,
                                   sessions)
        finally:
            log = Path(server.log_path).read_text()
            if "Traceback" in log:  # what a 500 was, for the one who reads the figures
                print(log[log.index("Traceback"):][:3000], file=sys.stderr)
            if bare:
                bare.stop()
            server.stop()
    return {"name": name, "visits": visits, "built": built, "rows": rows, "busy": busy,
            "healthz_us": cost}


def _ms(value):
    return f"{value:.1f}"


def _what(row):
    return row["kind"] + (HOUR_ENDED if row.get("hour_ended") else "")


def print_run(run):
    print(f"## {run['name']}: {run['visits']:,} visits"
          + (f" (built in {run['built']:.0f} s)" if run["built"] else ""))
    print()
    print(f"/healthz's own work (the file's first bytes, the migration count), in-process: "
          f"{run['healthz_us']:.0f} µs a request")
    print()
    if run["rows"]:
        print("| what | clients | requests | req/s | share of /healthz | share of bare | "
              "share of floor | p50 ms | p99 ms | errors | visits added |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in run["rows"]:
            added = r["added"] if r["kind"].startswith("check-in") else ""
            share = f"{r['share']:.2f}" if r["share"] is not None else ""
            bare = f"{r['share_of_bare']:.2f}" if r["share_of_bare"] is not None else ""
            floor = f"{r['share_of_floor']:.2f}" if r["share_of_floor"] is not None else ""
            print(f"| {_what(r)} | {r['clients']} | {r['requests']} | {r['rps']:.0f} | "
                  f"{share} | {bare} | {floor} | {_ms(r['p50'])} | {_ms(r['p99'])} | "
                  f"{r['errors']} | {added} |")
        print()
    print("Alone, then while one staff member downloads the heaviest export again and again "
          "(3 years by day and activity, every venue, xlsx) and another imports a year of "
          "counts (365 lines, 730 visits) once a second:")
    print()
    print("| what | clients | requests | req/s | p50 ms | p99 ms | errors | exports (s each) "
          "| imports (s each) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for r in run["busy"]:
        work = {}
        for kind in ("export", "import"):
            times = [t for k, status, t in r["staff_work"] if k == kind and status in (200, 302)]
            work[kind] = (f"{len(times)} ({statistics.median(times):.2f})" if times else "0")
        failed = f" (staff answers {', '.join(r['staff_errors'])})" if r["staff_errors"] else ""
        print(f"| {_what(r)}{failed} | {r['clients']} | {r['requests']} | {r['rps']:.0f} | "
              f"{_ms(r['p50'])} | {_ms(r['p99'])} | {r['errors']} | {work['export']} | "
              f"{work['import']} |")
    print()


def goals(run):
    """(goal, figure, met) for the goals of issue 22 item 5 this run measured."""
    found = []
    for r in run["busy"]:
        if r["kind"] == "check-in, new phone during export + import":
            limit = GOALS["busy p99 ms"][r["clients"]]
            healthz = next((h for h in run["busy"] if h["clients"] == r["clients"]
                            and h["kind"] == "healthz during export + import"), None)
            found.append((f"{run['name']}: check-in p99 < {limit} ms at {r['clients']} "
                          "client(s) while the export and the import run, no errors",
                          f"p99 {_ms(r['p99'])} ms, {r['rps']:.0f} req/s, {r['errors']} errors"
                          + (HOUR_ENDED if r.get("hour_ended") else "")
                          + (f" (/healthz in the same run: {healthz['rps']:.0f} req/s, p99 "
                             f"{_ms(healthz['p99'])} ms)" if healthz else ""),
                          r["p99"] < limit and r["errors"] == 0))
    for r in run["rows"]:
        healthz = f"/healthz {r['ceiling'] or 0:.0f} req/s in the same run"
        if r["kind"] == "check-in, new phone" and r["clients"] in GOALS["share"]:
            limit = GOALS["share"][r["clients"]]
            floor = next((f for f in run["rows"] if f["kind"] == FLOOR
                          and f["clients"] == r["clients"]), None)
            found.append((f"{run['name']}: check-in >= {limit} of /healthz at {r['clients']} "
                          "client(s)", f"{r['share']:.3f} ({r['rps']:.0f} req/s; {healthz}"
                          + (f"; the floor, a bare Flask POST with only the check-in's SQL: "
                             f"{floor['share']:.3f} of /healthz, {floor['rps']:.0f} req/s; the "
                             f"check-in {r['share_of_floor']:.2f} of it)" if floor else ")"),
                          r["share"] >= limit))
            if r["clients"] == 1:
                limit = GOALS["alone p99 ms"]
                found.append((f"{run['name']}: check-in p99 < {limit} ms alone at 1 client",
                              f"p99 {_ms(r['p99'])} ms", r["p99"] < limit and not r["errors"]))
        if r["kind"] == "week" and r["clients"] in (1, 10):
            limit = GOALS["week share"]
            found.append((f"{run['name']}: week page >= {limit} of /healthz at {r['clients']} "
                          "client(s)", f"{r['share']:.2f} ({r['rps']:.0f} req/s; {healthz})",
                          r["share"] >= limit))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 second per line (a smoke run)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per line (wrk)")
    parser.add_argument("--threads", type=int, default=1,
                        help="waitress threads (1, as `checkin serve` by default)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only-busy", action="store_true",
                        help="only the lines measured while staff export and import")
    parser.add_argument("--busy-work", default="export,import",
                        help="what the staff do meanwhile: export, import or both")
    parser.add_argument("--big", type=int, default=BIG_VISITS,
                        help="visits added for the second run of the busy lines (0: none)")
    parser.add_argument("--only-big", action="store_true",
                        help="only the busy lines on the large database")
    args = parser.parse_args(argv)
    seconds = 1 if args.quick else args.seconds
    global BUSY_WORK
    BUSY_WORK = tuple(args.busy_work.split(","))
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
        if client == "python":
            print("wrk is not installed (Debian: apt-get install wrk); using the Python client, "
                  "which shares the CPUs with the server and understates the ceiling.")
    elif client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")

    load_before = _load()
    runs = [] if args.only_big else [run_on("demo", 0, args, client, seconds)]
    if args.big:
        runs.append(run_on(f"demo + {args.big:,} visits", args.big, args, client, seconds))

    threads = f"{args.threads} thread" + ("s" if args.threads != 1 else "")
    print(f"checkin benchmark: waitress with {threads}; {client} as the client "
          f"({seconds} s per line)" if client == "wrk" else
          f"checkin benchmark: waitress with {threads}; the Python client")
    print(f"{multiprocessing.cpu_count()} CPUs, client and server on one machine; "
          f"load average {load_before} before, {_load()} after")
    print()
    for run in runs:
        print_run(run)
    for run in runs:
        for goal, figure, met in goals(run):
            print(f"goal {'met' if met else 'NOT met'}: {goal} — {figure}")
    return 0 if all(r["errors"] == 0 for run in runs for r in run["rows"] + run["busy"]) else 1


if __name__ == "__main__":
    sys.exit(main())
