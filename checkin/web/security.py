"""Security headers on every response, and the proxy set-up: one place, no per-route choices."""

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app):
    fixed = headers(app.config["HTTPS"])

    @app.after_request
    def add_headers(response):
        for name, value in fixed.items():
            response.headers.setdefault(name, value)
        if request.path.startswith(NOT_CACHED):
            response.headers["Cache-Control"] = "no-store"
        return response

    count = app.config["PROXY_COUNT"]
    if count:
        # Trust exactly as many X-Forwarded-* hops as there are proxies, never more.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
