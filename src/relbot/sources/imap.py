"""A shared mailbox over IMAP: every message in the configured folders, filed by its participants' addresses.

Each folder is read in UID order from where the last sync stopped. The cursor is
``{"folders": {"INBOX": {"uidvalidity": 1796194950, "last_uid": 42}, ...}}``: a folder whose UIDVALIDITY changed
(the server renumbered it, or it was deleted and made again) is read again from the start, which repeats nothing
because records are content-addressed. Folders are opened read-only and bodies fetched with ``BODY.PEEK[]``, so
no message is ever marked \\Seen for the people who share the mailbox. Messages deleted upstream keep their
records: a shared mailbox gets tidied, the account's history stays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import imaplib
import ssl
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError

from relbot.ingest.loaders.emails import Envelope, message_envelope, message_items
from relbot.models import SourceItem
from relbot.sources.config import ImapConfig
from relbot.sources.models import AccountDirectory, Change, Cursor, Page, SourceError

# The bodies one FETCH brings at most (a single larger message comes alone): a batch of 200 large messages
# must not be held in memory at once.
_FETCH_BYTES = 32 * 2**20
_HEADER_FIELDS = "BODY.PEEK[HEADER.FIELDS (FROM TO CC DATE)]"
_LISTED_FOLDERS = 10
_DEFAULT_PORT = 143  # RFC 5092: an imap:// URL names its port only when it is not 143

FolderStates = dict[str, dict[str, int]]


class ImapConnector:
    def __init__(self, config: ImapConfig, password: str, *, batch: int = 200, timeout_s: float = 30,
                 max_message_bytes: int = 25 * 2**20) -> None:
        if batch < 1 or max_message_bytes < 1:
            raise ValueError("batch and max_message_bytes must be positive")
        self._config = config
        self._password = password
        self._batch = batch
        self._timeout_s = timeout_s
        self._max_bytes = max_message_bytes
        self._client: Any = None  # IMAPClient (untyped); None until connected or after a failure

    @property
    def _where(self) -> str:
        return f"imap {self._config.host}:{self._config.port}"

    # -- the contract --------------------------------------------------------------------------
    def pages(self, cursor: Cursor, directory: AccountDirectory) -> Iterator[Page]:
        states = _read_cursor(cursor)
        if self._client is None:
            self._client = self._connect()
        for folder in self._config.folders:
            yield from self._folder_pages(folder, states, directory)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # the connection is already gone: nothing left to close politely
            with contextlib.suppress(Exception):
                client.shutdown()

    # -- one folder ----------------------------------------------------------------------------
    def _folder_pages(self, folder: str, states: FolderStates, directory: AccountDirectory) -> Iterator[Page]:
        with self._guard():
            validity = self._select(folder)
            previous = states.get(folder)
            restarted = previous is not None and previous["uidvalidity"] != validity
            last_uid = previous["last_uid"] if previous is not None and not restarted else 0
            uids = self._uids_after(last_uid)
        notes: list[str] = []
        if restarted and previous is not None:
            notes.append(f"{folder}: the server renumbered the folder (UIDVALIDITY {previous['uidvalidity']} → "
                         f"{validity}); read again from the start")
        if not uids:
            if previous is None or restarted:  # store the new numbering, so the restart is not repeated
                states[folder] = {"uidvalidity": validity, "last_uid": last_uid}
                yield Page(changes=[], cursor=_write_cursor(states), notes=notes)
            return
        for start in range(0, len(uids), self._batch):
            chunk = uids[start:start + self._batch]
            with self._guard():
                changes = self._batch_changes(folder, validity, chunk, directory)
            states[folder] = {"uidvalidity": validity, "last_uid": chunk[-1]}
            yield Page(changes=changes, cursor=_write_cursor(states), notes=notes if start == 0 else [])

    def _select(self, folder: str) -> int:
        try:
            selected = self._client.select_folder(folder, readonly=True)  # EXAMINE: flags stay as they are
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            raise self._unopenable(folder, exc) from None
        return int(selected.get(b"UIDVALIDITY", 0))

    def _unopenable(self, folder: str, exc: Exception) -> SourceError:
        names = sorted((str(name) for _flags, _delimiter, name in self._client.list_folders()),
                       key=lambda name: (name.upper() != "INBOX", name.casefold()))
        if not any(_same_folder(name, folder) for name in names):
            shown = ", ".join(names[:_LISTED_FOLDERS]) + (", …" if len(names) > _LISTED_FOLDERS else "")
            return SourceError(
                f"the mailbox {self._config.username} at {self._where} has no folder {folder!r}: fix the source's "
                f"folders (it has: {shown or 'no folders'})", permanent=True)
        return SourceError(f"{self._where} would not open folder {folder!r} ({_reason(exc)}); try again later")

    def _uids_after(self, last_uid: int) -> list[int]:
        found = self._client.search(["UID", f"{last_uid + 1}:*"])
        # "N:*" always matches the highest UID, even below N (RFC 3501 §6.4.8): keep only the new ones.
        return sorted(int(uid) for uid in found if int(uid) > last_uid)

    # -- one batch -----------------------------------------------------------------------------
    def _batch_changes(self, folder: str, validity: int, uids: list[int],
                       directory: AccountDirectory) -> list[Change]:
        sizes = {int(uid): int(data[b"RFC822.SIZE"])
                 for uid, data in self._client.fetch(uids, ["RFC822.SIZE"]).items() if b"RFC822.SIZE" in data}
        # A UID missing from the answer was expunged since the search: gone, and nothing to report.
        large = [uid for uid in uids if sizes.get(uid, 0) > self._max_bytes]
        small = [uid for uid in uids if uid in sizes and sizes[uid] <= self._max_bytes]
        changes: dict[int, Change] = {}
        if large:
            for uid, data in self._client.fetch(large, [_HEADER_FIELDS]).items():
                changes[int(uid)] = self._too_large(folder, validity, int(uid), data, sizes[int(uid)])
        for group in _fetch_groups(small, sizes, max(_FETCH_BYTES, self._max_bytes)):
            for uid, data in self._client.fetch(group, ["BODY.PEEK[]", "INTERNALDATE"]).items():
                if b"BODY[]" in data:
                    changes[int(uid)] = self._message_change(folder, validity, int(uid), bytes(data[b"BODY[]"]),
                                                             data.get(b"INTERNALDATE"), directory)
        return [changes[uid] for uid in uids if uid in changes]

    def _message_change(self, folder: str, validity: int, uid: int, raw: bytes, arrived: object,
                        directory: AccountDirectory) -> Change:
        key = f"{folder}/{validity}/{uid}"
        # The server's arrival time dates a message that has no Date header, as a file name's date does a file.
        fallback = arrived.date() if isinstance(arrived, dt.datetime) else None
        try:
            items = message_items(raw, source=self._url(folder, validity, uid), fallback_date=fallback)
            envelope = message_envelope(raw)
        except Exception as exc:  # one message the parser cannot take must not stop the folder at its UID forever
            return Change(key, None, summary=f"a message that could not be read ({type(exc).__name__})")
        if not items:
            return Change(key, None, summary=f"{_summary(envelope, fallback)}: no text")
        account = directory.for_addresses(_addresses(envelope))
        items = _identified(items, raw)
        if account is None:
            return Change(key, None, tuple(items), summary=_summary(envelope, fallback))
        return Change(key, account, tuple(items))

    def _too_large(self, folder: str, validity: int, uid: int, data: Mapping[bytes, Any], size: int) -> Change:
        headers = next((bytes(v) for k, v in data.items() if bytes(k).upper().startswith(b"BODY[HEADER")), b"")
        try:
            who = _summary(message_envelope(headers), None)
        except Exception:  # the summary is a courtesy; a header the parser cannot take leaves it without names
            who = "a message"
        limit = self._max_bytes / 2**20
        return Change(f"{folder}/{validity}/{uid}", None,
                      summary=f"{who}: too large to load ({size / 2**20:.1f} MB, over the {limit:g} MB limit)")

    def _url(self, folder: str, validity: int, uid: int) -> str:
        """The message's RFC 5092 IMAP URL: imap://user@host/INBOX;UIDVALIDITY=v/;UID=u."""
        host = self._config.host
        host = f"[{host}]" if ":" in host else host
        port = "" if self._config.port == _DEFAULT_PORT else f":{self._config.port}"
        user = quote(self._config.username, safe="")  # "user@example.com" -> "user%40example.com"
        return f"imap://{user}@{host}{port}/{quote(folder, safe='/')};UIDVALIDITY={validity}/;UID={uid}"

    # -- connecting ----------------------------------------------------------------------------
    def _connect(self) -> Any:
        security = self._config.security
        context = self._tls_context() if security != "none" else None
        with self._guard(connecting=True):
            client = IMAPClient(self._config.host, port=self._config.port, ssl=security == "ssl",
                                ssl_context=context, timeout=self._timeout_s)
            try:
                if security == "starttls":
                    self._starttls(client, context)
                self._login(client)
            except BaseException:
                with contextlib.suppress(Exception):
                    client.shutdown()
                raise
        return client

    def _tls_context(self) -> ssl.SSLContext:
        bundle = self._config.ca_bundle
        try:
            return ssl.create_default_context(cafile=str(bundle) if bundle else None)
        except (OSError, ValueError) as exc:
            raise SourceError(f"the ca_bundle {bundle} cannot be read as PEM certificates ({_reason(exc)}): fix "
                              f"the path or the file", permanent=True) from None

    def _starttls(self, client: Any, context: ssl.SSLContext | None) -> None:
        try:
            client.starttls(context)
        except CapabilityError:
            raise SourceError(f"{self._where} does not offer STARTTLS: set the source's security to ssl (usually "
                              f"port 993) or check the port", permanent=True) from None

    def _login(self, client: Any) -> None:
        if self._config.security == "none" and client.has_capability("LOGINDISABLED"):
            raise SourceError(f"{self._where} refuses a password login without TLS: set the source's security to "
                              f"starttls or ssl", permanent=True)
        try:
            client.login(self._config.username, self._password)
        except LoginError:
            raise SourceError(
                f"the IMAP server refused the login for {self._config.username}: check the password this source "
                f"names ({self._config.password.describe()})", permanent=True) from None

    @contextlib.contextmanager
    def _guard(self, *, connecting: bool = False) -> Iterator[None]:
        """IMAP's failures as SourceErrors that say what to do; after one, the connection is dropped."""
        try:
            yield
        except SourceError:
            self._drop()
            raise
        except (OSError, imaplib.IMAP4.abort) as exc:  # refused, DNS, timeout, TLS, a dropped connection
            self._drop()
            verb = "could not reach" if connecting else "lost the connection to"
            raise SourceError(self._scrub(f"{verb} {self._where} ({_reason(exc)}){_tls_hint(exc)}")) from None
        except imaplib.IMAP4.error as exc:  # the server answered NO or BAD, or something IMAP does not allow
            self._drop()
            raise SourceError(self._scrub(f"{self._where} answered with an error ({_reason(exc)}); if it repeats, "
                                          f"check the server's logs")) from None

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.shutdown()

    def _scrub(self, message: str) -> str:
        # Server and library messages have no reason to echo the password; make sure none ever shows it.
        return message.replace(self._password, "•••") if self._password else message


# -- helpers -------------------------------------------------------------------------------------
def _read_cursor(cursor: Cursor) -> FolderStates:
    folders = cursor.get("folders") if isinstance(cursor, Mapping) else None
    states: FolderStates = {}
    for name, entry in (folders or {}).items():
        try:
            states[str(name)] = {"uidvalidity": int(entry["uidvalidity"]), "last_uid": int(entry["last_uid"])}
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry: that folder is read again from the start, which repeats nothing
    return states


def _write_cursor(states: FolderStates) -> dict[str, Any]:
    return {"folders": {name: dict(state) for name, state in states.items()}}


def _same_folder(a: str, b: str) -> bool:
    # Folder names are case-sensitive, except INBOX (RFC 3501 §5.1): "archive" is not "Archive".
    return a == b or a.upper() == b.upper() == "INBOX"


def _fetch_groups(uids: Sequence[int], sizes: Mapping[int, int], limit: int) -> Iterator[list[int]]:
    group: list[int] = []
    total = 0
    for uid in uids:
        if group and total + sizes[uid] > limit:
            yield group
            group, total = [], 0
        group.append(uid)
        total += sizes[uid]
    if group:
        yield group


def _addresses(envelope: Envelope) -> list[str]:
    found = [envelope.sender, *envelope.recipients]
    return [a for a in dict.fromkeys(found) if a and "@" in a]  # an Exchange DN names no domain


def _summary(envelope: Envelope, fallback: dt.date | None) -> str:
    """Who and when, for the unfiled report: addresses only, never the subject or the body."""
    day = envelope.date or fallback
    count = len(envelope.recipients)
    return (f"From {envelope.sender or 'an unknown sender'}, {day.isoformat() if day else 'undated'}, "
            f"to {count} recipient{'' if count == 1 else 's'}")


def _identified(items: list[SourceItem], raw: bytes) -> list[SourceItem]:
    """A message without a Message-ID is named by its bytes, not by its URL: read again after a renumbering
    (a new UIDVALIDITY, so a new URL), it is the same record, not a second one."""
    digest = f"sha256:{hashlib.sha256(raw).hexdigest()[:32]}"
    return [item if item.message_id else item.model_copy(update={"message_id": digest}) for item in items]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate not trusted: {exc.verify_message}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    return text or type(exc).__name__


def _tls_hint(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ": give the server's CA as the source's ca_bundle, or fix the host name"
    if isinstance(exc, ssl.SSLError):
        return ": check that the port matches the security (ssl on 993, starttls or none on 143)"
    return ""
