"""One log line per request, with nothing that could point at a visitor."""

import logging
import sys
import time

from flask import g, request

log = logging.getLogger("checkin.requests")


def init_app(app):
    """Method, route template, status, duration. No address, agent, query string, door key or
    clock time — so nothing here can point at a visitor."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %s %.1fms", request.method, rule, response.status_code, took)
        return response
