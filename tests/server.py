"""A real `checkin serve` (waitress) in a subprocess on a free port: start, stop, kill."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

FROZEN_NOW = "2026-11-23T10:15"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def checkin_env(instance, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKIN_")}
    # The daily job waits a day unless a test asks for it: it would change data under a test.
    env.update({"CHECKIN_INSTANCE": str(instance), "CHECKIN_FROZEN_NOW": FROZEN_NOW,
                "CHECKIN_DAILY_FIRST_RUN_SECONDS": "86400", **extra})
    return env


def checkin(env, *args):
    return subprocess.run([sys.executable, "-m", "checkin.cli", *args], env=env, check=True,
                          capture_output=True, text=True, timeout=120).stdout


class Server:
    """One server process; its output goes to a file the test can read afterwards."""

    def __init__(self, instance, env=None, threads=4):
        self.instance = Path(instance)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env or checkin_env(instance, CHECKIN_BASE_URL=self.url)
        self.threads = threads
        self.log_path = self.instance / f"server-{self.port}.log"
        self.process = None

    def start(self):
        self._log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "checkin.cli", "serve", "--port", str(self.port),
             "--threads", str(self.threads)],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)  # noqa: S310
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.kill()
        raise RuntimeError("the server did not start: " + self.output())

    def kill(self):
        """SIGKILL: no clean shutdown, like a power cut for the process."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self._close()

    def _close(self):
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def output(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Visitor:
    """One phone: a keep-alive connection with its own cookies, checking in like a browser."""

    def __init__(self, server_url, source="127.0.0.1", headers=None):
        import http.client

        host, port = server_url.split("//")[1].split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30,
                                                     source_address=(source, 0))
        self.cookies = {}
        self.headers = headers or {}

    def request(self, method, path, body=None):
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            from urllib.parse import urlencode

            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read().decode(errors="replace")  # an xlsx download too
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.headers, data

    def check_in(self, door_path, activity=None):
        """GET the door page, then POST its form; returns (status, Location)."""
        import re

        status, _headers, page = self.request("GET", door_path)
        if status != 200:
            return status, None
        form = {}
        for tag in re.findall(r"<input\b[^>]*>", page):  # CSRF token, one-time token, day
            attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
            if attributes.get("type") == "hidden" and "name" in attributes:
                form[attributes["name"]] = attributes.get("value", "")
        if activity:
            form["activity"] = activity
        status, headers, _page = self.request("POST", door_path, form)
        return status, headers.get("Location")

    def close(self):
        self.connection.close()


class StaffMember(Visitor):
    """A staff member's browser: logs in, then opens pages and uploads files."""

    def log_in(self, username, password):
        import re

        _status, _headers, page = self.request("GET", "/staff/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        status, _headers, _page = self.request("POST", "/staff/login", {
            "csrf_token": token, "username": username, "password": password})
        return status

    def upload(self, path, fields, filename, data):
        """GET the form at `path` for its CSRF token, then POST `fields` and the file."""
        import re
        import secrets

        _status, _headers, page = self.request("GET", path)
        fields = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1],
                  **fields}
        boundary = secrets.token_hex(12)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + data + f"\r\n--{boundary}--\r\n".encode())
        headers = {**self.headers, "Content-Type": f"multipart/form-data; boundary={boundary}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.connection.request("POST", path, body=b"".join(parts), headers=headers)
        response = self.connection.getresponse()
        body = response.read().decode()
        return response.status, body
