"""Two queues for waitress: staff pages wait for their own threads, never in front of a check-in.

waitress hands each request to one task dispatcher; this one looks at the path and passes
`/staff` requests to the staff threads and everything else (check-in, the week, /healthz) to
the visitors' threads. A slow export can then take every staff thread while the door keeps
answering. (The heavy work itself runs in another process: checkin/web/heavy_work.py.)
"""

from waitress.task import ThreadedTaskDispatcher

STAFF_PREFIX = "/staff"


class VisitorAndStaffPools:
    def __init__(self, visitor_threads, staff_threads):
        self.visitors, self.staff = ThreadedTaskDispatcher(), ThreadedTaskDispatcher()
        self.visitors.set_thread_count(visitor_threads)
        self.staff.set_thread_count(staff_threads)

    def pool_for(self, path):
        return self.staff if (path or "").startswith(STAFF_PREFIX) else self.visitors

    def add_task(self, channel):
        # waitress adds the channel with its first waiting request already parsed.
        request = channel.requests[0] if channel.requests else None
        self.pool_for(getattr(request, "path", "")).add_task(channel)

    def set_thread_count(self, count):  # waitress calls this only for its own dispatcher
        self.visitors.set_thread_count(count)

    def shutdown(self, cancel_pending=True, timeout=5):
        staff = self.staff.shutdown(cancel_pending, timeout)
        return self.visitors.shutdown(cancel_pending, timeout) and staff
