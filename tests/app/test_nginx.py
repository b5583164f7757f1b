"""Debian's nginx with the documented site file (deploy/nginx-checkin.conf) in front of a real
`checkin serve`: a new operator's first poster, a visitor's check-in over TLS, the Secure
cookie and HSTS, and nginx's own logs with no client address, agent or door key."""

import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from tests.server import Server, checkin_env, free_port

pytestmark = pytest.mark.slow  # nginx and a real server

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx-checkin.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CLIENT = "127.0.0.7"  # the visitor's address: any trace of it in a log is a leak
AGENT = "Annas-telefon/1.0 (Anna Andersson)"
PASSWORD = "a long pass phrase for the test"


def _needs(program, package):
    if shutil.which(program) or Path(program).exists():
        return
    if os.environ.get("CHECKIN_REQUIRE_NGINX"):
        pytest.fail(f"{program} is missing although the test command said it is installed")
    pytest.skip(f"{program} is not installed (./run.sh test installs {package} when run as "
                "root or with password-less sudo)")


def site_for_test(app_port, https_port, http_port, cert, key, logs):
    """The documented site with only the ports, the certificate and the log folder swapped."""
    text = SITE.read_text()
    swaps = [
        ("server 127.0.0.1:5000;", f"server 127.0.0.1:{app_port};", 1),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", 1),
        ("listen 80;", f"listen 127.0.0.1:{http_port};", 1),
        ("listen [::]", "# listen [::]", 2),
        ("/etc/letsencrypt/live/incheck.example.se/fullchain.pem", str(cert), 1),
        ("/etc/letsencrypt/live/incheck.example.se/privkey.pem", str(key), 1),
        ("/var/log/nginx/", f"{logs}/", 2),
    ]
    for old, new, times in swaps:
        assert text.count(old) == times, f"the site file changed: {old!r} not found {times}x"
        text = text.replace(old, new)
    return text


def main_config(prefix, logs):
    """Like Debian's /etc/nginx/nginx.conf: a main error log and an access log for every site
    (combined format, with addresses) that the site file must switch off for itself."""
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {prefix}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {logs}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {logs}/access.log;
{temp}
    include {prefix}/site.conf;
}}
"""


def _wait_for_port(port, process, what):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start")


class Browser:
    """One HTTPS client from CLIENT's address that verifies the test certificate and keeps
    cookies (the whole Set-Cookie lines are kept too, to check their flags)."""

    def __init__(self, port, context):
        self.connection = http.client.HTTPSConnection(
            "127.0.0.1", port, context=context, timeout=30, source_address=(CLIENT, 0))
        self.cookies, self.set_cookie_lines = {}, []

    def request(self, method, path, form=None):
        headers = {"User-Agent": AGENT, "X-Forwarded-For": "203.0.113.9"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        page = response.read().decode()
        for line in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_lines.append(line)
            name, value = line.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response, page

    def form_post(self, path, fields):
        """GET a page with a form, then POST the fields with its CSRF token."""
        response, page = self.request("GET", path)
        assert response.status == 200, (path, response.status)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        return self.request("POST", path, {"csrf_token": token, **fields})


@pytest.fixture
def stack(tmp_path):
    """An empty instance folder set up as docs/operations.md says, `checkin serve`, and nginx
    with the documented site in front; yields what the test needs, stops both afterwards."""
    _needs(NGINX, "nginx-light")
    _needs("openssl", "openssl")
    instance, prefix = tmp_path / "instance", tmp_path / "nginx"
    logs = prefix / "logs"
    logs.mkdir(parents=True)
    instance.mkdir()
    https_port, http_port = free_port(), free_port()
    base_url = f"https://127.0.0.1:{https_port}"
    (instance / "config.toml").write_text(
        f'base_url = "{base_url}"\nhttps = true\nproxy_count = 1\n')

    cert, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
         "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30)
    context = ssl.create_default_context(cafile=str(cert))

    env = checkin_env(instance)
    server = Server(instance, env=env)
    (prefix / "site.conf").write_text(
        site_for_test(server.port, https_port, http_port, cert, key, logs))
    (prefix / "nginx.conf").write_text(main_config(prefix, logs))
    nginx = Nginx(prefix, https_port)
    try:
        yield SimpleNamespace(instance=instance, env=env, server=server, nginx=nginx,
                              base_url=base_url, https_port=https_port, http_port=http_port,
                              context=context, logs=logs)
    finally:
        server.stop()
        nginx.stop()


class Nginx:
    """nginx as the current user with everything under `prefix`; `daemon off`, so it is our
    child process and stops with it."""

    def __init__(self, prefix, port):
        self.prefix, self.port, self.process = prefix, port, None

    def start(self):
        prefix = self.prefix
        command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                   "-e", str(prefix / "logs" / "startup.log")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        _wait_for_port(self.port, self.process, "nginx")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish, flush the logs
            self.process.wait(timeout=10)


def _checkin(env, *args, stdin=None):
    import sys

    return subprocess.run([sys.executable, "-m", "checkin.cli", *args], env=env, check=True,
                          capture_output=True, text=True, timeout=120, input=stdin).stdout


def test_new_operator_and_visitor_through_nginx_leave_no_trace_in_nginx_logs(stack):
    env, server = stack.env, stack.server
    started = time.monotonic()
    # The operator: an empty instance folder to a working poster, as docs/operations.md says.
    _checkin(env, "init-db")
    created = _checkin(env, "create-user", "anna", "--role", "admin", stdin=PASSWORD + "\n")
    assert f"Log in at {stack.base_url}/staff/" in created
    server.start()
    stack.nginx.start()
    staff = Browser(stack.https_port, stack.context)
    response, _page = staff.form_post("/staff/login", {"username": "anna",
                                                       "password": PASSWORD})
    assert response.status == 302, "login through nginx failed"
    response, _page = staff.form_post("/staff/venues/new", {
        "name": "Mallis", "slug": "mallis", "organisation": "Street Minds",
        "address": "Malmskillnadsgatan, Stockholm", "timezone": "Europe/Stockholm",
        "opening_days": ["0", "1", "2", "3", "4"]})
    assert response.status == 302, "creating the venue failed"
    response, poster = staff.request("GET", "/staff/mallis/poster")
    assert response.status == 200
    poster_url = re.search(r'class="poster-url">([^<]+)<', poster)[1]
    elapsed = time.monotonic() - started
    print(f"\nempty instance folder to a working poster URL: {elapsed:.1f} s (machine time)")
    door_url = _checkin(env, "door-url", "mallis").strip()
    assert door_url == "https://" + poster_url
    door_path = door_url.removeprefix(stack.base_url)
    door_key = door_path.rsplit("/", 1)[1]
    assert len(door_key) >= 8
    # Staff cookies over HTTPS are Secure and HttpOnly.
    assert staff.set_cookie_lines
    assert all("Secure" in line and "HttpOnly" in line for line in staff.set_cookie_lines)

    # A visitor's phone: the door page, then one tap.
    phone = Browser(stack.https_port, stack.context)
    response, page = phone.request("GET", door_path)
    assert response.status == 200
    assert "Checka in" in page
    assert response.headers.get_all("Strict-Transport-Security") == ["max-age=31536000"]
    day = re.search(r'name="day"[^>]*value="([^"]+)"', page)[1]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    once = re.search(r'name="once" value="([^"]+)"', page)[1]
    response, _page = phone.request("POST", door_path,
                                    {"csrf_token": token, "once": once, "day": day})
    assert response.status == 302
    assert response.headers["Location"] == door_path + "/done"
    assert phone.set_cookie_lines
    assert all("Secure" in line for line in phone.set_cookie_lines)
    with sqlite3.connect(stack.instance / "checkin.db") as db:
        visits = db.execute("SELECT v.date, v.hour, v.source FROM visit v "
                            "JOIN venue ON venue.id = v.venue_id "
                            "WHERE venue.slug = 'mallis'").fetchall()
    assert visits == [("2026-11-23", 10, "qr")]

    # Plain HTTP sends people to HTTPS and says nothing else.
    plain = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10,
                                       source_address=(CLIENT, 0))
    plain.request("GET", door_path, headers={"User-Agent": AGENT})
    response = plain.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == "https://incheck.example.se" + door_path
    plain.close()

    # The app goes down: nginx answers 502, the kind of failure nginx logs at "error" level
    # with the client's address and the request line.
    server.stop()
    down = Browser(stack.https_port, stack.context)
    response, _page = down.request("GET", door_path)
    assert response.status == 502
    for client in (staff, phone, down):
        client.connection.close()

    stack.nginx.stop()
    logs = {path.name: path.read_text() for path in stack.logs.iterdir()}
    # Debian's access log for every site exists, and the site's `access_log off` kept it empty.
    assert logs["access.log"] == ""
    for name, text in logs.items():
        for secret in (CLIENT, "203.0.113.9", AGENT, "Annas-telefon", door_key, "/mallis/in"):
            assert secret not in text, f"{secret!r} is in nginx's {name}"
    # The app's own output saw the visitor through X-Forwarded-For, and logs none of it either.
    output = server.output()
    assert "POST /<slug>/in/<key> 302" in output
    for secret in (CLIENT, "203.0.113.9", "Annas-telefon", door_key):
        assert secret not in output
