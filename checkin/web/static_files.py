"""Static files with their version in the URL, so a phone on a slow line keeps them a year.

Every url_for('static', ...) gets `?v=` and 8 hex characters of the file's SHA-256; a
changed file gets a new URL. A request that names the current version is answered with a
year-long, immutable cache lifetime; one without it (or with an old one) must ask again.
"""

import hashlib
import os

from flask import request

YEAR_SECONDS = 365 * 24 * 3600
_versions = {}  # path -> (mtime, version)


def version(static_folder, filename):
    """The file's version: 8 hex characters of its SHA-256, read again when it changes."""
    path = os.path.join(static_folder, filename)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    known = _versions.get(path)
    if known and known[0] == mtime:
        return known[1]
    with open(path, "rb") as f:
        value = hashlib.sha256(f.read()).hexdigest()[:8]
    _versions[path] = (mtime, value)
    return value


def init_app(app):
    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            found = version(app.static_folder, values["filename"])
            if found:
                values["v"] = found

    @app.after_request
    def cache_versioned(response):
        if (request.endpoint == "static" and response.status_code == 200
                and request.args.get("v") == version(app.static_folder,
                                                     request.view_args["filename"])):
            response.headers["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
        return response
