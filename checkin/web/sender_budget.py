"""Budgets that follow the sender: what one client address may post, in this process's memory
only. No Flask.

A flood comes from somewhere: one address (or a few). Each address has its own budget per
kind of post (new check-ins, faces and texts, ideas, survey answers, votes), so a flooder
spends only their own and a real visitor from another address is never refused because of
them. The budgets are generous enough for a venue's shared Wi-Fi: a whole rush of phones
behind one address fits.

The address itself is never kept: only HMAC(key, address), with a key made at random when the
process starts and never written, so not even this process can say which address a number
was. Nothing here is written to disk or logged, every sender is forgotten within the hour
after its last post (a sweeper runs every minute whether or not anyone posts), and a restart
forgets everything.
"""

import bisect
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
import weakref
from collections import defaultdict, deque

HOUR = 3600
MAX_TRACKED = 50_000  # (sender, kind) pairs; more is a flood from very many addresses
SWEEP_SECONDS = 60  # how often the sweeper forgets what is an hour old, with or without posts


def sender_network(address):
    """What one sender is: an IPv4 address, or an IPv6 address's /64 network. Anything else
    (a kiosk's label with its address, an unknown string) stands for itself."""
    text = str(address or "")
    try:
        parsed = ipaddress.ip_address(text)
    except ValueError:
        return text
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


class SenderKey(bytes):
    """The keyed hash that stands for one sender (SenderBudget.sender): made once per request
    and handed to full() and spend() instead of the address."""


class SenderBudget:
    """Posts per sender and kind within sliding windows of at most an hour."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._key = secrets.token_bytes(32)  # this process's only; never written
        self._seen = defaultdict(deque)
        self._lock = threading.Lock()
        self._swept = clock()

    def sender(self, address):
        """The keyed hash that stands for a client address in this process (never the address).

        An IPv6 address counts by its /64 network: one home or phone gets a whole /64 and may
        take a new address in it for every post."""
        if isinstance(address, SenderKey):
            return address
        return SenderKey(hmac.new(self._key, sender_network(address).encode(),
                                  hashlib.sha256).digest()[:16])

    def _times(self, key, now):
        times = self._seen.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - HOUR:
            times.popleft()
        return times

    @staticmethod
    def _within(times, now, limits):
        # `times` is in order (appended from a monotonic clock): the posts inside a window
        # are found by bisection, not counted one by one (a venue's wifi is one address for
        # everyone there, and a bench with the bounds lifted kept thousands per sender).
        return all(len(times) - bisect.bisect_right(times, now - seconds) < most
                   for seconds, most in limits)

    def full(self, address, kind, limits):
        """True if one more `kind` from `address` would pass a bound; counts nothing.

        `limits` is [(seconds, most)], each window at most an hour."""
        now = self.clock()
        with self._lock:
            return not self._within(self._times((self.sender(address), kind), now), now, limits)

    def spend(self, address, kind, limits):
        """Count one `kind` from `address` if every bound allows it; False counts nothing."""
        now = self.clock()
        with self._lock:
            self._sweep(now)
            key = (self.sender(address), kind)
            times = self._times(key, now)
            if not self._within(times, now, limits):
                return False
            times.append(now)
            self._seen[key] = times
            return True

    def _sweep(self, now):
        """Forget every sender whose last post is older than an hour less a sweep, so that
        with a sweep at least every SWEEP_SECONDS nobody is held longer than an hour (at
        most once a minute from spend, or when the table grows large)."""
        if now - self._swept < SWEEP_SECONDS and len(self._seen) < MAX_TRACKED:
            return
        self._swept = now
        for key in [k for k, times in self._seen.items()
                    if not times or times[-1] <= now - (HOUR - SWEEP_SECONDS)]:
            del self._seen[key]

    def sweep_now(self):
        """Forget every sender whose last post is older than an hour less a sweep, now."""
        with self._lock:
            self._swept = float("-inf")
            self._sweep(self.clock())

    def tracked(self):
        """How many (sender, kind) pairs are held now, after forgetting what is an hour old."""
        with self._lock:
            self._swept = float("-inf")
            self._sweep(self.clock())
            return len(self._seen)


# One sweeper thread for every budget of this process (an app has one; tests make many).
_swept_budgets = weakref.WeakSet()
_sweeper_lock = threading.Lock()
_sweeper = None


def keep_swept(budget, every=SWEEP_SECONDS):
    """Have `budget` swept every `every` seconds by the process's one daemon thread, so a
    sender is forgotten within the hour even when nobody posts after it. Returns the thread."""
    global _sweeper
    with _sweeper_lock:
        _swept_budgets.add(budget)
        if _sweeper is None or not _sweeper.is_alive():
            def run():
                while True:
                    time.sleep(every)
                    for each in list(_swept_budgets):
                        each.sweep_now()

            _sweeper = threading.Thread(target=run, name="sender-budget-sweeper", daemon=True)
            _sweeper.start()
        return _sweeper
