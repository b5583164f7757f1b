"""Flask's signed session cookie, with its signing serializer made once per secret key.

Flask builds a new URLSafeTimedSerializer to read and again to write the cookie, and each one
checks its JSON serializer by serializing an empty dict: about a twentieth of a check-in's
time. The serializer holds nothing between uses, so one per set of keys serves every thread.
"""

from flask.sessions import SecureCookieSessionInterface


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._kept = {}

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._kept.get(keys)
        if serializer is None and app.secret_key:
            serializer = super().get_signing_serializer(app)
            self._kept = {keys: serializer}  # a new key replaces the old one
        return serializer
