"""Slack's request signature, checked on the raw body bytes before anything parses them.

slack_sdk's ``SignatureVerifier`` decodes the body as UTF-8 before hashing and ``int()``s the timestamp
header, so a non-UTF-8 body or a timestamp like "abc" raise instead of failing the check. This subclass
hashes the bytes as received (what Slack signed) and turns every unreadable header into "not signed", so
the caller can answer 401 whatever the body holds. The 5-minute window and the constant-time comparison
are slack_sdk's own.
"""

from __future__ import annotations

import hashlib
import hmac

from slack_sdk.signature import Clock, SignatureVerifier

MAX_HEADER_CHARS = 128  # a timestamp is 10 digits and a signature 67 characters


class RawBodyVerifier(SignatureVerifier):
    def __init__(self, signing_secret: str, clock: Clock | None = None) -> None:
        super().__init__(signing_secret, clock or Clock())
        self._key = signing_secret.encode()

    def generate_signature(self, *, timestamp: str, body: str | bytes) -> str | None:
        raw = body.encode() if isinstance(body, str) else body
        digest = hmac.new(self._key, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        return f"v0={digest}"

    def is_signed(self, body: bytes, *, timestamp: str | None, signature: str | None) -> bool:
        if not timestamp or not signature or len(timestamp) > MAX_HEADER_CHARS or len(signature) > MAX_HEADER_CHARS:
            return False
        if not timestamp.isascii() or not timestamp.strip().isdigit():
            return False
        try:
            return self.is_valid(body=body, timestamp=timestamp, signature=signature)
        except (ValueError, TypeError, UnicodeError):  # anything unreadable is simply not Slack's signature
            return False
