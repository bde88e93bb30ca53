"""Who holds a claim or a lease: ``host:pid:random``, so a successor on the same host can see the holder died
(and take over at once) while one on another host waits for the lease to run out."""

from __future__ import annotations

import os
import socket
import uuid


def lease_owner() -> str:
    """This process, as a lease holder: host and pid, so a successor on the same host can tell it died."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_gone(owner: str | None) -> bool:
    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another host's process: only its lease expiring says it is gone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False
