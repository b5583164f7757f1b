"""How often anonymous visitors may post, kept in this process's memory only. No Flask.

Two budgets per minute: one per browser session (a random token in the signed session
cookie, never an address) and one for the whole venue, which also covers anyone who
throws their cookies away. Nothing here is written anywhere; a restart forgets it all.
"""

import threading
import time
from collections import defaultdict, deque

WINDOW_SECONDS = 60


class PostingBudget:
    def __init__(self, per_session, per_venue, clock=time.monotonic):
        self.per_session, self.per_venue, self.clock = per_session, per_venue, clock
        self._seen = defaultdict(deque)
        self._lock = threading.Lock()

    def _spent(self, key, now):
        times = self._seen[key]
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        return times

    def allow(self, session_token, venue_id):
        """Spend one post if both budgets allow it; False means refuse and store nothing."""
        now = self.clock()
        with self._lock:
            mine = self._spent(("session", session_token), now)
            venue = self._spent(("venue", venue_id), now)
            if len(mine) >= self.per_session or len(venue) >= self.per_venue:
                return False
            mine.append(now)
            venue.append(now)
            if len(self._seen) > 10_000:  # forget idle sessions so memory stays small
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]
            return True
