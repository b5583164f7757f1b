"""Heavy staff work — an export of years by day, an import — in a process of its own.

Python runs one thread at a time: an export computing in a server thread would make every
check-in wait for its turn. Under `checkin serve` such work — the figures and the file written
from them — goes to one worker process at the lowest CPU priority (nice 19); the staff page's
thread waits for it without holding anything a check-in needs. Without the server (tests, the
development server) the work runs where it is called.

    table = heavy_work.run(tables.figures, first, last, "day")   # figures(db, first, …)
"""

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from flask import current_app

from checkin.db import connect, get_db

_pool = None
_connections = {}  # in the worker: database path → its connection, kept between jobs


WORKER_NICENESS = 19  # the lowest CPU priority: a check-in's thread always goes first


def _in_worker_start():
    """The lowest CPU priority, and gone as soon as the server is (even when killed)."""
    os.setpriority(os.PRIO_PROCESS, 0, max(WORKER_NICENESS, os.getpriority(os.PRIO_PROCESS, 0)))
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def start():
    """The worker process (started on first use). Called once by `checkin serve`."""
    global _pool
    if _pool is None:
        # forkserver: never fork a process that already runs server threads.
        _pool = ProcessPoolExecutor(max_workers=1, initializer=_in_worker_start,
                                    mp_context=multiprocessing.get_context("forkserver"))
    return _pool


def stop():
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _in_worker(database, function, args, kwargs):
    if database not in _connections:
        # Its commits (an import) leave checkpoints to the server's upkeep thread too.
        _connections[database] = connect(database, autocheckpoint=False)
    return function(_connections[database], *args, **kwargs)


def run(function, *args, **kwargs):
    """function(db, *args, **kwargs): in the worker process if there is one, else here.

    `function` must be a module-level function and its arguments and result plain data;
    exceptions come back as they were raised.
    """
    if _pool is None:
        return function(get_db(), *args, **kwargs)
    database = current_app.config["DATABASE"]
    return _pool.submit(_in_worker, database, function, args, kwargs).result()
