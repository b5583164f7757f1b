"""Random tokens handed out in cookies (staff sessions, kiosks), and the one hash of each that
we keep instead, so that a copy of the database opens no session and no kiosk. No Flask."""

import hashlib
import secrets


def new_token():
    return secrets.token_urlsafe(32)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()
