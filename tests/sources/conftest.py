"""The real Dovecot the mailbox-source tests share (one per test session: starting it takes a second)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.imap_server import DovecotServer, dovecot_bin


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    if dovecot_bin() is None:
        if os.environ.get("RELBOT_REQUIRE_DOVECOT") == "1":
            pytest.fail("dovecot is missing (apt install dovecot-imapd) and RELBOT_REQUIRE_DOVECOT=1")
        pytest.skip("dovecot not installed")
    server = DovecotServer().start()
    try:
        yield server
    finally:
        server.stop()
