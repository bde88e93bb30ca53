"""Log records are written by one background thread, not by the threads answering requests.

A request thread that writes to stderr itself takes the handler's lock and releases the GIL for the
write; under load, winning the GIL back after that costs more than the line (py-spy: ~12% of the front's
time at 16 concurrent clients, with one access-log line per request). With a ``QueueHandler`` in front,
the request thread formats the record and enqueues it; the listener thread does the locking and writing.
"""

from __future__ import annotations

import logging
import queue
from logging.handlers import QueueHandler, QueueListener


def write_logs_in_background() -> QueueListener:
    """Move the root logger's handlers behind a queue; ``.stop()`` the result to flush it at exit."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = QueueListener(records, *handlers, respect_handler_level=True)
    for handler in handlers:
        root.removeHandler(handler)
    root.addHandler(QueueHandler(records))
    listener.start()
    return listener
