"""The backfill lease: one process reads a channel at a time, on SQLite and PostgreSQL; an expired lease
may be resumed by any host, and a holder that died on this host is taken over at once."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from pathlib import Path

from relbot.store.backfills import LEASE, BackfillLedger
from relbot.store.holders import lease_owner
from relbot.store.state import StateDB


def test_one_backfill_lease_at_a_time_and_a_dead_local_holder_is_taken_over(state_target: str | Path) -> None:
    state = StateDB(state_target)
    ledger = BackfillLedger(state)
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    ledger.plan("C1", "Acme", oldest="0", now=now)
    alive = lease_owner()  # this process: alive
    assert ledger.take("C1", alive, now=now) is not None
    assert ledger.take("C1", "elsewhere:1:x", now=now) is None  # held, and not by a local dead process
    assert ledger.advance("C1", alive, cursor="page2", saved=5, now=now)
    assert not ledger.advance("C1", "elsewhere:1:x", cursor="page3", saved=5, now=now)  # not its lease
    later = now + LEASE + dt.timedelta(seconds=1)
    assert ledger.take("C1", "elsewhere:1:x", now=later) is not None  # expired: another host may resume
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_owner = f"{socket.gethostname()}:{dead.stdout.strip()}:gone"
    ledger.release("C1", "elsewhere:1:x")
    assert ledger.take("C1", dead_owner, now=later) is not None
    taken = ledger.take("C1", alive, now=later)  # the holder's process no longer exists on this host
    assert taken is not None and (taken.cursor, taken.saved) == ("page2", 5)
