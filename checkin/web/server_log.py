"""The server's own log lines with nothing about a visitor: no address, no path, no agent."""

import logging
import re
import sys

# IPv4, and IPv6 written with at least two colons (covers ::1 and full forms).
ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}\b")
REQUEST_PATH = re.compile(r"(serving) \S+")


class NoVisitorDetails(logging.Filter):
    """Rewrite a record so that a client's address or a requested path never reaches the log."""

    def filter(self, record):
        message = record.getMessage()
        message = REQUEST_PATH.sub(r"\1 a request", message)
        message = ADDRESS.sub("<address>", message)
        record.msg, record.args = message, None
        return True


def quiet_waitress():
    """Waitress logs warnings and errors only, each scrubbed by NoVisitorDetails."""
    logger = logging.getLogger("waitress")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(NoVisitorDetails())
    logger.handlers = [handler]
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    # "Task queue depth is N" comes for every request that waits for a free thread: under load
    # writing it took most of the main thread, which alone reads and answers every connection
    # (/healthz fell from 1900 to 300 requests a second at 10 clients). A busy moment is no error.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def lines_on_stderr(logger):
    """`logger`'s INFO lines and above, bare, on standard error (once however often it is
    asked): under systemd standard output (the request log) is not kept, and the daily job's
    and the upkeep's lines are what the operator reads."""
    if logger.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
