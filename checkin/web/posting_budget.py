"""How often anonymous visitors may post, kept in this process's memory only. No Flask.

Each browser session has its own budget per minute (a random token in the signed session
cookie, never an address): one visitor's posts never use up anyone else's. A session that
has never posted here is new, and new sessions also share one budget per venue: someone who
throws their cookie away after every post can only spend that one, set far above real use
(a drop-in has a handful of visitors a day), and a visitor who has posted before is never
refused because of it. Nothing here is written anywhere; a restart forgets it all.
"""

import secrets
import threading
import time
from collections import defaultdict, deque

WINDOW_SECONDS = 60
SESSION_KEY = "poster"  # the session cookie's posting token
MAX_TRACKED = 10_000


class PostingBudget:
    def __init__(self, per_session, new_sessions_per_venue, clock=time.monotonic):
        self.per_session, self.new_per_venue = per_session, new_sessions_per_venue
        self.clock = clock
        self._seen = defaultdict(deque)
        self._lock = threading.Lock()

    def _spent(self, key, now):
        times = self._seen[key]
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        return times

    def allow(self, session_token, venue_id, new_session=False):
        """Spend one post if the session's budget (and for a new session the venue's budget
        for new sessions) allows it; False means refuse and store nothing."""
        now = self.clock()
        with self._lock:
            mine = self._spent(("session", session_token), now)
            if len(mine) >= self.per_session:
                return False
            if new_session:
                fresh = self._spent(("new sessions", venue_id), now)
                if len(fresh) >= self.new_per_venue:
                    return False
                fresh.append(now)
            mine.append(now)
            if len(self._seen) > MAX_TRACKED:  # forget idle sessions so memory stays small
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]
            return True


def may_post(budget, session, venue_id):
    """Spend one post for the browser holding `session` (the signed session mapping).

    A browser gets its token with its first post that is let in: a refused one leaves it
    new, so new tokens cannot be gathered by posting while the venue's budget is spent.
    """
    token = session.get(SESSION_KEY)
    new = not isinstance(token, str) or not token
    if new:
        token = secrets.token_urlsafe(12)
    if not budget.allow(token, venue_id, new_session=new):
        return False
    if new:
        session[SESSION_KEY] = token
    return True
