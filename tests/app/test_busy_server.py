"""The real server under staff work and oversized requests: check-ins answered in between,
heavy work in a process of its own that ends with the server, waitress's limits = the app's."""

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.promise_register import root
from tests.server import Server, StaffMember, Visitor, checkin, checkin_env

PASSWORD = "a bench password: seven blue kettles 42"
EXPORT = ("/staff/mallis/export?first=2023-11-24&last=2026-11-23&group=day&by_activity=y"
          "&venue=all&fmt=xlsx&min_cell=none&download=1")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("busy")
    env = checkin_env(folder)
    checkin(env, "init-db")
    checkin(env, "seed-demo")
    subprocess.run([sys.executable, "-m", "checkin.cli", "create-user", "boss", "--role",
                    "admin"], env=env, input=PASSWORD + "\n", text=True, check=True,
                   capture_output=True, timeout=60)
    running = Server(folder, threads=1)
    running.env = {**env, "CHECKIN_BASE_URL": running.url}
    running.door = "/" + checkin(running.env, "door-url", "mallis").strip().split("/", 3)[3]
    with running:
        yield running


def children(pid):
    found = subprocess.run(["ps", "-eo", "pid,ppid"], capture_output=True, text=True).stdout
    pairs = [tuple(map(int, line.split())) for line in found.splitlines()[1:]]
    out, todo = set(), {pid}
    while todo:
        parent = todo.pop()
        for child, ppid in pairs:
            if ppid == parent and child not in out:
                out.add(child)
                todo.add(child)
    return out


@pytest.mark.slow  # a real server and its worker process
def test_check_ins_are_answered_while_a_heavy_export_runs(server):
    staff = StaffMember(server.url)
    assert staff.log_in("boss", PASSWORD) == 302
    result = {}

    def export():
        started = time.monotonic()
        result["status"], headers, _body = staff.request("GET", EXPORT)
        result["seconds"] = time.monotonic() - started
        result["type"] = headers["Content-Type"]

    worker = threading.Thread(target=export)
    worker.start()
    time.sleep(0.2)
    answered = []
    while worker.is_alive() and len(answered) < 20:
        started = time.monotonic()
        visitor = Visitor(server.url)
        status, _location = visitor.check_in(server.door)
        visitor.close()
        answered.append((status, time.monotonic() - started))
    worker.join()
    staff.close()
    assert result["status"] == 200 and "spreadsheetml" in result["type"]
    assert answered and all(status == 302 for status, _s in answered)
    # With one thread for everything, the first check-in waited for the whole export.
    assert min(seconds for _status, seconds in answered) < result["seconds"] / 2


@pytest.mark.slow  # a real server and its worker process
def test_an_import_refused_in_the_worker_lists_its_problems(server):
    staff = StaffMember(server.url)
    assert staff.log_in("boss", PASSWORD) == 302
    data = b"date,activity,women,men,other,unstated\n2025-03-03,,1000,0,0,0\n"
    status, body = staff.upload("/staff/mallis/import", {}, "big.csv", data)
    staff.close()
    assert status == 400
    assert "är mer än 500" in body or "is more than 500" in body  # the column named in words


@pytest.mark.slow  # a real server and its worker process
def test_a_body_larger_than_the_apps_limit_is_refused_before_it_is_read(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(b"POST /staff/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/x-www-form-urlencoded\r\nContent-Length: 52428800\r\n\r\n")
        conn.sendall(b"x" * 1024)
        answer = conn.recv(200)
    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.slow  # a real server and its worker process
def test_the_worker_process_ends_with_the_server(tmp_path):
    env = checkin_env(tmp_path)
    checkin(env, "init-db")
    checkin(env, "seed-demo")
    subprocess.run([sys.executable, "-m", "checkin.cli", "create-user", "boss", "--role",
                    "admin"], env=env, input=PASSWORD + "\n", text=True, check=True,
                   capture_output=True, timeout=60)
    running = Server(tmp_path, threads=1)
    running.env = {**env, "CHECKIN_BASE_URL": running.url}
    running.start()
    staff = StaffMember(running.url)
    assert staff.log_in("boss", PASSWORD) == 302
    assert staff.request("GET", EXPORT.replace("group=day", "group=month"))[0] == 200
    staff.close()
    helpers = children(running.process.pid)
    assert helpers  # the worker (and its forkserver) are running
    running.stop()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in helpers):
        time.sleep(0.2)
    assert not [pid for pid in helpers if _alive(pid)]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True,
                           text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")


def test_staff_requests_wait_in_their_own_queue():
    from checkin.web.thread_pools import VisitorAndStaffPools

    class Channel:
        def __init__(self, path):
            self.requests = [type("Request", (), {"path": path})()]

    pools = VisitorAndStaffPools(1, 2)
    queued = {"visitors": [], "staff": []}
    pools.visitors.add_task = queued["visitors"].append
    pools.staff.add_task = queued["staff"].append
    for path in ("/mallis/in/key", "/staff/mallis/export", "/healthz", "/staff/", "/mallis/"):
        pools.add_task(Channel(path))
    assert [c.requests[0].path for c in queued["staff"]] == ["/staff/mallis/export", "/staff/"]
    assert len(queued["visitors"]) == 3
    assert len(pools.staff.threads) == 2 and len(pools.visitors.threads) == 1
    assert pools.shutdown(timeout=1)


def test_refusals_come_back_whole_from_the_worker_process():
    import pickle

    from checkin.figures import tally_import

    problems = [(2, "women is more than 500: check the number")]
    assert pickle.loads(pickle.dumps(tally_import.TallyFileError(problems))).problems == problems
    earlier = {"imported_at": "2026-11-23 10:00:00", "filename": "x.csv"}
    assert pickle.loads(pickle.dumps(tally_import.AlreadyImported(earlier))).earlier == earlier
    changes = [(2025, 12, 292)]
    assert pickle.loads(pickle.dumps(tally_import.ChangesFinished(changes))).changes == changes


def test_serve_gives_waitress_the_limits_the_docs_name(app, monkeypatch):
    """docs/operations.md: the app's own body limit (256 KB), a connection idle 10 s closed,
    at most 200 connections. `checkin serve` hands exactly these to waitress (waitress's own
    tests hold what it does with them), and the page's numbers are these."""
    import signal

    import waitress

    from checkin import server_commands, upkeep, yearclose
    from checkin.web import heavy_work, server_log

    given = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: given.update(kw))
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: switched.append(seconds))
    switched = []
    monkeypatch.setattr(sys, "getswitchinterval", lambda: switched[-1])
    for module, name in ((yearclose, "start_daily_thread"), (upkeep, "start_upkeep_thread"),
                         (heavy_work, "start"), (heavy_work, "stop"),
                         (server_log, "quiet_waitress"), (signal, "signal")):
        monkeypatch.setattr(module, name, lambda *a, **kw: None)
    result = app.test_cli_runner().invoke(args=["serve", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert given["max_request_body_size"] == app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    # A staff thread's Python holds the interpreter at most 1 ms before a check-in may run.
    assert sys.getswitchinterval() == pytest.approx(server_commands.SWITCH_INTERVAL_SECONDS)
    page = (root() / "docs" / "operations.md").read_text()
    page = " ".join(page.split())
    assert f"the app's own limit ({given['max_request_body_size'] // 1024} KB)" in page
    assert (f"`checkin serve` tells waitress to close a connection that sends nothing for "
            f"{given['channel_timeout']} s") in page
    assert f"to keep at most {given['connection_limit']} connections" in page


def test_the_nginx_site_buffers_slow_clients_as_the_docs_say(app):
    """operations.md, "Slow clients are nginx's job": the shipped site reads each request whole
    (request buffering is not turned off), keeps a few keep-alive connections to the app,
    refuses bodies over the app's own limit and leaves the slow-header and slow-body timeouts
    at nginx's 60 s."""
    import re

    site = (root() / "deploy" / "nginx-checkin.conf").read_text()
    lines = [line.split("#")[0].strip() for line in site.splitlines()]
    assert not any(re.match(r"proxy_request_buffering\s+off", line) for line in lines)
    assert any(re.match(r"keepalive\s+\d+;", line) for line in lines)
    [limit] = [line for line in lines if line.startswith("client_max_body_size")]
    assert limit == f"client_max_body_size {app.config['MAX_CONTENT_LENGTH'] // 1024}k;"
    for timeout in ("client_header_timeout", "client_body_timeout"):
        assert not any(line.startswith(timeout) for line in lines)  # nginx's default, 60 s
    page = " ".join((root() / "docs" / "operations.md").read_text().split())
    assert "`client_max_body_size 256k`" in page and "`proxy_request_buffering on`, the default" \
        in page
