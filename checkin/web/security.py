"""Security headers on every response, and the proxy set-up: one place, no per-route choices."""

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# Everything from our own host; no inline script, no script at all, nothing framed.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'none'",
    "object-src 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000"
# Shared computers and the door tablet: the back button must not show a staff page after logout.
NOT_CACHED = ("/staff", "/kiosk")
# Visitor pages that carry the browser's own state (its step, its phone code, a form's one-time
# token, a flashed message): never kept by the browser or anything between, so the back button
# or a shared phone shows nothing of an earlier visitor's.
NOT_CACHED_PAGES = {
    "visits.check_in", "visits.done", "visits.forget", "visits.forget_here", "visits.privacy",
    "visits.privacy_here", "feedback.feedback_page", "feedback.feedback_text",
    "feedback.feedback_thanks", "feedback.survey_page", "feedback.ideas_page", "feedback.vote",
}


def headers(https):
    """The headers every response carries; HSTS only when the site is served over HTTPS."""
    result = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        result["Strict-Transport-Security"] = HSTS
    return result


class RowIdConverter(IntegerConverter):
    """`<int:…>` in our URLs: a number SQLite can hold. A longer one matches no route (404)
    instead of overflowing in the query (500)."""

    def __init__(self, url_map, fixed_digits=0, min=0, max=2**63 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits, min, max, signed)


def init_app(app):
    # Before any blueprint adds its routes: each rule takes its converters when it is added.
    app.url_map.converters["int"] = RowIdConverter
    fixed = headers(app.config["HTTPS"])

    @app.after_request
    def add_headers(response):
        # One look at what the response has (setdefault raised and caught an exception per
        # missing header: a twentieth of a check-in's time went to that).
        present = {name.lower() for name, _value in response.headers}
        for name, value in fixed.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        if request.path.startswith(NOT_CACHED) or request.endpoint in NOT_CACHED_PAGES:
            response.headers["Cache-Control"] = "no-store"
        return response

    count = app.config["PROXY_COUNT"]
    if not count:
        warned = []

        @app.before_request
        def warn_about_a_proxy():
            # Behind a proxy with proxy_count 0 every visitor has the proxy's address, so all
            # share one budget (web/sender_budget.py). Said once, without any address.
            if not warned and "X-Forwarded-For" in request.headers:
                warned.append(True)
                app.logger.warning(
                    "Requests carry X-Forwarded-For but proxy_count is 0: every visitor seems to "
                    "come from the proxy's address and shares one budget. Behind nginx set "
                    "proxy_count = 1 (deploy/checkin.service sets CHECKIN_PROXY_COUNT=1).")
    if count:
        # Trust exactly as many X-Forwarded-* hops as there are proxies, never more.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
