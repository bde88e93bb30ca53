"""slack_sdk's Socket Mode client logs every envelope it receives at DEBUG, whole, on the app's logger: a slash
command's text with it, and `/relbot calendar connect URL` carries a secret (a Google secret iCal address reads
the whole calendar). Keep the fact that a message came, drop its body, as the HTTP access log does."""

from __future__ import annotations

import logging

RECEIVED = "on_message invoked"  # slack_sdk.socket_mode.builtin.client: f"on_message invoked: (message: …)"


class NoEnvelopeBodies(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(RECEIVED):
            record.msg, record.args = "Socket Mode message received (body not logged)", None
        return True


def install(logger: logging.Logger) -> None:
    if not any(isinstance(f, NoEnvelopeBodies) for f in logger.filters):
        logger.addFilter(NoEnvelopeBodies())
