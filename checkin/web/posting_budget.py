"""How often one browser session may post, kept in this process's memory only. No Flask.

Each browser session has its own budget per minute (a random token in the signed session
cookie, never an address): one visitor's posts never use up anyone else's. Someone who throws
the cookie away after every post gets a new session each time; what bounds them is the budget
of their client address (web/sender_budget.py), never a budget shared by a venue. Nothing here
is written anywhere; a restart forgets it all.
"""

import secrets
import threading
import time
from collections import defaultdict, deque

WINDOW_SECONDS = 60
SESSION_KEY = "poster"  # the session cookie's posting token
MAX_TRACKED = 10_000


class PostingBudget:
    def __init__(self, per_session, clock=time.monotonic):
        self.per_session = per_session
        self.clock = clock
        self._seen = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, session_token):
        """Spend one post if the session's budget allows it; False means refuse and store
        nothing."""
        now = self.clock()
        with self._lock:
            mine = self._seen[session_token]
            while mine and mine[0] <= now - WINDOW_SECONDS:
                mine.popleft()
            if len(mine) >= self.per_session:
                return False
            mine.append(now)
            if len(self._seen) > MAX_TRACKED:  # forget idle sessions so memory stays small
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]
            return True


def may_post(budget, session):
    """Spend one post for the browser holding `session` (the signed session mapping); a new
    browser gets its token with its first post."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = session[SESSION_KEY] = secrets.token_urlsafe(12)
    return budget.allow(token)
