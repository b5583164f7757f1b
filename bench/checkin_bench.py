"""Benchmark: check-in, the week page and /healthz on the production server, 1/10/50 clients.

    .venv/bin/python -m bench.checkin_bench [--quick]

Starts `checkin serve` (waitress) on 127.0.0.1 with a fresh demo database in a temporary
folder, loads it from separate client processes with a fixed number of requests, prints a table
and stops everything it started. /healthz (one tiny query) is the ceiling: every line also
shows its throughput as a share of the ceiling measured at the same concurrency in this run.
"""

import argparse
import multiprocessing
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import Server, Visitor, checkin, checkin_env  # noqa: E402

LEVELS = (1, 10, 50)
MAX_PROCESSES = 4


def _door(url):
    return "/" + url.split("/", 3)[3]


def _client(server_url, kind, door, count, client_no, results):
    """One client: `count` timed requests of one kind, over one keep-alive connection."""
    visitor = Visitor(server_url)
    latencies, errors = [], 0
    remembered = client_no % 2 == 0  # half are remembered phones: the one-a-day path
    form = {}

    def fresh_session():
        visitor.cookies.clear()
        if remembered:
            visitor.cookies["checkin_phone"] = secrets.token_urlsafe(24)
        _status, _headers, page = visitor.request("GET", door)
        # What a browser sends: the token, the day and the activity running now (pre-chosen).
        form["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        form["day"] = re.search(r'name="day"[^>]*value="([^"]+)"', page)[1]
        running = re.search(r'name="activity" value="([^"]+)" checked', page)
        form["activity"] = running[1] if running else "none"

    for i in range(count):
        try:
            if kind == "check-in":
                # A new phone or session every 5th check-in: new visits as well as repeats.
                if i % 5 == 0:
                    fresh_session()
                started = time.perf_counter()
                status, _h, _b = visitor.request("POST", door, form)
                ok = status == 302
            else:
                path = {"week": "/mallis/", "healthz": "/healthz"}[kind]
                started = time.perf_counter()
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


def _process(server_url, kind, door, clients, per_client, first_client, queue):
    results = []
    threads = [threading.Thread(target=_client, args=(server_url, kind, door, per_client,
                                                      first_client + n, results))
               for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((started, time.monotonic(), results))


def measure(server_url, kind, door, clients, total):
    """Run `total` requests from `clients` concurrent clients; return the figures."""
    processes = min(clients, MAX_PROCESSES)
    per_client = max(1, total // clients)
    queue = multiprocessing.Queue()
    workers, first = [], 0
    for p in range(processes):
        share = clients // processes + (p < clients % processes)
        workers.append(multiprocessing.Process(
            target=_process, args=(server_url, kind, door, share, per_client, first, queue)))
        first += share
    for w in workers:
        w.start()
    outcomes = [queue.get(timeout=300) for _ in workers]
    for w in workers:
        w.join()
    latencies = sorted(x for _s, _e, rs in outcomes for lat, _err in rs for x in lat)
    errors = sum(err for _s, _e, rs in outcomes for _lat, err in rs)
    wall = max(e for _s, e, _r in outcomes) - min(s for s, _e, _r in outcomes)
    return {
        "kind": kind, "clients": clients, "requests": len(latencies), "errors": errors,
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads")
    args = parser.parse_args(argv)
    totals = {1: 200, 10: 1000, 50: 2000} if not args.quick else {1: 30, 10: 100, 50: 200}

    with tempfile.TemporaryDirectory(prefix="checkin-bench-") as folder:
        env = checkin_env(folder)
        checkin(env, "init-db")
        checkin(env, "seed-demo")
        server = Server(folder, threads=args.threads)
        server.env = {**env, "CHECKIN_BASE_URL": server.url}
        door = _door(checkin(server.env, "door-url", "mallis").strip())
        server.start()
        try:
            for kind in ("healthz", "week", "check-in"):  # warm up every path once
                measure(server.url, kind, door, 2, 20)
            rows = []
            for clients in LEVELS:
                ceiling = measure(server.url, "healthz", door, clients, totals[clients])
                rows.append({**ceiling, "ratio": 1.0})
                for kind in ("check-in", "week"):
                    row = measure(server.url, kind, door, clients, totals[clients])
                    rows.append({**row, "ratio": row["rps"] / ceiling["rps"]})
        finally:
            server.stop()
    print(f"checkin benchmark: waitress with {args.threads} threads, "
          f"{multiprocessing.cpu_count()} CPUs, client and server on one machine")
    print()
    print("| what | clients | requests | req/s | share of /healthz | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['kind']} | {r['clients']} | {r['requests']} | {r['rps']:.0f} | "
              f"{r['ratio']:.2f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} |")
    return 0 if all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
