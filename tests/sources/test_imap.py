"""The IMAP connector against a real Dovecot (tests/support/imap_server.py): filing, cursors, batches,
renumbered folders, read-only access and the errors an operator sees."""

from __future__ import annotations

import datetime as dt
import uuid
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from relbot.ingest.loaders.emails import load_emails
from relbot.models import Account, Record, SourceKind
from relbot.sources.config import ImapConfig, SecretRef
from relbot.sources.directory import Directory
from relbot.sources.imap import ImapConnector
from relbot.sources.models import Change, Page, SourceError
from tests.support.chroma_server import free_port
from tests.support.imap_server import DovecotServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PASSWORD_REF = SecretRef(env="RELBOT_TEST_IMAP_PASSWORD")


@pytest.fixture
def folder(dovecot: DovecotServer) -> str:
    """A fresh folder per test: the tests share one server."""
    name = f"T{uuid.uuid4().hex[:10]}"
    dovecot.create_folder(name)
    return name


def _directory() -> Directory:
    # pat@freelance.io, a consultant, is on Globex's threads: a known address, whatever the domain says.
    globex_record = Record(id="r1", account="Globex", kind=SourceKind.EMAIL, source="x.eml", position=0,
                           text="hello", author_address="pat@freelance.io")

    def records_of(name: str) -> list[Record]:
        return [globex_record] if name == "Globex" else []

    accounts = [Account(name="Acme", domains=["acme.com"]), Account(name="Globex", domains=["globex.com"])]
    return Directory.build(accounts, records_of, agency_domains=["agency.com"])


def _config(server: DovecotServer, folders: tuple[str, ...], **overrides: Any) -> ImapConfig:
    settings: dict[str, Any] = {"host": "127.0.0.1", "port": server.port, "security": "none",
                                "username": server.user, "password": PASSWORD_REF, "folders": folders}
    settings.update(overrides)
    return ImapConfig(**settings)


def _connector(server: DovecotServer, *folders: str, password: str | None = None, **options: Any) -> ImapConnector:
    config_keys = {"port", "security", "ca_bundle", "host"}
    config = _config(server, folders, **{k: v for k, v in options.items() if k in config_keys})
    return ImapConnector(config, server.password if password is None else password,
                         **{k: v for k, v in options.items() if k not in config_keys})


def _sync(connector: ImapConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    try:
        return list(connector.pages(cursor or {}, _directory()))
    finally:
        connector.close()


def _changes(pages: list[Page]) -> list[Change]:
    return [change for page in pages for change in page.changes]


def _message(sender: str, to: list[str], subject: str, body: str, *, cc: list[str] | None = None,
             day: int = 2, message_id: bool = True) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime(2026, 3, day, 10, 30, tzinfo=dt.UTC))
    if message_id:
        message["Message-ID"] = f"<{uuid.uuid4().hex}@test>"
    message.set_content(body)
    return message.as_bytes()


def _key_uid(change: Change) -> int:
    return int(change.key.rsplit("/", 1)[1])


# -- filing --------------------------------------------------------------------------------------------
def test_first_sync_files_by_known_address_then_domain_and_reports_the_rest(
        dovecot: DovecotServer, folder: str) -> None:
    by_domain = dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], "Kickoff", "Looking forward to it."),
                                folder=folder)
    by_address = dovecot.deliver(_message("pat@freelance.io", ["me@agency.com"], "Draft", "Draft attached."),
                                 folder=folder)
    # pat is known to Globex (weight 2); jo's domain points to Acme (weight 1): the known address wins.
    outweighs = dovecot.deliver(_message("pat@freelance.io", ["jo@acme.com"], "Both", "Who is this for?"),
                                folder=folder)
    internal = dovecot.deliver(_message("me@agency.com", ["you@agency.com"], "Secret pricing",
                                        "The discount is forty percent.", day=3), folder=folder)
    unknown = dovecot.deliver(_message("x@unknown.org", ["me@agency.com"], "Cold pitch", "Buy our widgets.",
                                       cc=["y@unknown.org"], day=4), folder=folder)
    validity = dovecot.uidvalidity(folder)

    pages = _sync(_connector(dovecot, folder))

    assert len(pages) == 1
    changes = {_key_uid(c): c for c in _changes(pages)}
    assert {uid: c.account for uid, c in changes.items()} == {
        by_domain: "Acme", by_address: "Globex", outweighs: "Globex", internal: None, unknown: None}
    assert changes[internal].summary == "From me@agency.com, 2026-03-03, to 1 recipient"
    assert changes[unknown].summary == "From x@unknown.org, 2026-03-04, to 2 recipients"
    for change in (changes[internal], changes[unknown]):
        for secret in ("Secret", "pricing", "discount", "forty", "Cold", "widgets"):
            assert secret not in change.summary
    assert all(not c.removed for c in changes.values())
    assert changes[by_domain].key == f"{folder}/{validity}/{by_domain}"
    item = changes[by_domain].items[0]
    where = f"imap://{dovecot.user}@127.0.0.1:{dovecot.port}"
    assert item.source == f"{where}/{folder};UIDVALIDITY={validity}/;UID={by_domain}"
    assert item.text == "Looking forward to it."
    assert item.author_address == "jo@acme.com"
    assert pages[0].cursor == {"folders": {folder: {"uidvalidity": validity, "last_uid": unknown}}}


def _loadable_fixtures() -> list[Path]:
    return sorted([*FIXTURES.glob("sources/*.eml"), *FIXTURES.glob("reply_parsing/talon/**/*.eml")])


def _forward_with_history() -> bytes:
    return (
        b"From: =?utf-8?q?Ren=C3=A9e_Martin?= <renee@acme.com>\r\n"
        b"To: Dana Smith <dana@agency.com>\r\n"
        b"Subject: Fwd: Q3 plan\r\n"
        b"Date: Mon, 02 Mar 2026 09:00:00 +0100\r\n"
        b"Message-ID: <fwd-1@acme.com>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>See below, we need this by Friday.</p>"
        b"<p>---------- Forwarded message ---------<br>From: Sam Lee &lt;sam@acme.com&gt;<br>"
        b"Date: Fri, 27 Feb 2026 at 16:00<br>Subject: Q3 plan<br>To: Renee Martin &lt;renee@acme.com&gt;<br></p>"
        b"<p>The Q3 plan moves the launch to September.</p>\r\n"
    )


def test_items_are_what_the_eml_loader_makes_of_the_same_bytes(
        dovecot: DovecotServer, folder: str, tmp_path: Path) -> None:
    raws = [path.read_bytes() for path in _loadable_fixtures()] + [_forward_with_history()]
    assert len(raws) >= 5
    # A message without a Date header is dated by its arrival (INTERNALDATE), as a file by its name's date.
    arrived = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
    uids = [dovecot.deliver(raw, folder=folder, when=arrived) for raw in raws]

    changes = {_key_uid(c): c for c in _changes(_sync(_connector(dovecot, folder)))}

    def fields(items: Any) -> list[tuple[Any, ...]]:
        return [(i.text, i.author, i.author_address, i.date, i.participants, i.title, i.thread, i.carried, i.position)
                for i in items]

    compared_history = False
    for n, (uid, raw) in enumerate(zip(uids, raws, strict=True)):
        path = tmp_path / f"message-{n}.eml"
        path.write_bytes(raw)
        expected = load_emails(path, default_date=arrived.date())
        assert fields(changes[uid].items) == fields(expected), f"message {n} (UID {uid})"
        compared_history = compared_history or any(i.carried for i in expected)
    assert compared_history, "no fixture carries an older message: the comparison would miss history splitting"


# -- cursors and batches -------------------------------------------------------------------------------
def test_a_second_sync_yields_only_new_messages_and_a_third_nothing(dovecot: DovecotServer, folder: str) -> None:
    first = [dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], f"One {n}", f"Body {n}"), folder=folder)
             for n in range(3)]
    pages = _sync(_connector(dovecot, folder))
    assert sorted(_key_uid(c) for c in _changes(pages)) == first

    later = [dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], f"Two {n}", f"More {n}"), folder=folder)
             for n in range(2)]
    again = _sync(_connector(dovecot, folder), pages[-1].cursor)
    assert sorted(_key_uid(c) for c in _changes(again)) == later

    # "UID <last+1>:*" still matches the highest message (RFC 3501): it must not come back as new.
    assert _changes(_sync(_connector(dovecot, folder), again[-1].cursor)) == []


def test_batches_make_pages_and_resuming_from_one_loses_nothing(dovecot: DovecotServer, folder: str) -> None:
    uids = [dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], f"Note {n}", f"Text {n}"), folder=folder)
            for n in range(7)]

    pages = _sync(_connector(dovecot, folder, batch=3))

    assert [len(p.changes) for p in pages] == [3, 3, 1]
    assert [p.cursor["folders"][folder]["last_uid"] for p in pages] == [uids[2], uids[5], uids[6]]
    # A crash after page 1 was stored: the next sync starts from page 1's cursor.
    resumed = _sync(_connector(dovecot, folder, batch=3), pages[0].cursor)
    assert sorted(_key_uid(c) for c in _changes(resumed)) == uids[3:]
    assert resumed[-1].cursor == pages[-1].cursor


def test_two_folders_keep_their_own_place_in_one_cursor(dovecot: DovecotServer, folder: str) -> None:
    other = f"{folder}-b"
    dovecot.create_folder(other)
    a = dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], "A", "In the first folder."), folder=folder)
    b = dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], "B", "In the second folder."), folder=other)

    pages = _sync(_connector(dovecot, folder, other))

    assert [c.key.split("/")[0] for c in _changes(pages)] == [folder, other]
    assert {name: s["last_uid"] for name, s in pages[-1].cursor["folders"].items()} == {folder: a, other: b}
    assert _changes(_sync(_connector(dovecot, folder, other), pages[-1].cursor)) == []


def test_a_renumbered_folder_is_read_again_from_the_start(dovecot: DovecotServer, folder: str) -> None:
    for n in range(3):
        dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], f"Old {n}", f"Old text {n}"), folder=folder)
    old_validity = dovecot.uidvalidity(folder)
    pages = _sync(_connector(dovecot, folder))
    assert pages[-1].cursor["folders"][folder] == {"uidvalidity": old_validity, "last_uid": 3}

    dovecot.delete_folder(folder)
    dovecot.create_folder(folder)
    no_id = _message("jo@acme.com", ["me@agency.com"], "New", "After the move.", message_id=False)
    new_uid = dovecot.deliver(no_id, folder=folder)  # UID 1: below the old last_uid of 3
    new_validity = dovecot.uidvalidity(folder)
    assert new_validity != old_validity

    again = _sync(_connector(dovecot, folder), pages[-1].cursor)

    changes = _changes(again)
    assert [c.key for c in changes] == [f"{folder}/{new_validity}/{new_uid}"]
    assert again[-1].cursor["folders"][folder] == {"uidvalidity": new_validity, "last_uid": new_uid}
    assert any("UIDVALIDITY" in note for note in again[0].notes)
    # Without a Message-ID the item is named by its bytes, not its URL: read again later, it is the same record.
    assert (changes[0].items[0].message_id or "").startswith("sha256:")


def test_messages_deleted_upstream_remove_nothing(dovecot: DovecotServer, folder: str) -> None:
    for n in range(2):
        dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], f"Tidied {n}", "Soon gone."), folder=folder)
    pages = _sync(_connector(dovecot, folder))
    dovecot.clear_folder(folder)  # a shared mailbox is tidied; the account's history stays

    again = _sync(_connector(dovecot, folder), pages[-1].cursor)

    assert [c for c in _changes(again) if c.removed] == []
    assert _changes(again) == []


# -- what is fetched, and how ----------------------------------------------------------------------------
def test_reading_marks_nothing_seen(dovecot: DovecotServer, folder: str) -> None:
    uids = [dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], f"Unread {n}", "Please read."),
                            folder=folder) for n in range(2)]

    assert len(_changes(_sync(_connector(dovecot, folder)))) == 2

    flags = dovecot.flags(folder)
    assert set(flags) == set(uids)
    assert all(b"\\Seen" not in f for f in flags.values())


def test_a_message_over_the_limit_is_reported_not_loaded(dovecot: DovecotServer, folder: str) -> None:
    small = dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], "Small", "Short."), folder=folder)
    big = dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], "Big deck", "word " * 2000), folder=folder)

    changes = {_key_uid(c): c for c in _changes(_sync(_connector(dovecot, folder, max_message_bytes=4000)))}

    assert changes[small].account == "Acme"
    assert changes[big].account is None
    assert changes[big].items == ()
    assert changes[big].summary.startswith("From jo@acme.com, 2026-03-02, to 1 recipient: too large to load")
    assert "Big deck" not in changes[big].summary


def test_a_message_without_text_is_reported_as_such(dovecot: DovecotServer, folder: str) -> None:
    uid = dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], "Empty", "\n"), folder=folder)

    [change] = _changes(_sync(_connector(dovecot, folder)))

    assert (_key_uid(change), change.account, change.items) == (uid, None, ())
    assert change.summary == "From jo@acme.com, 2026-03-02, to 1 recipient: no text"


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_with_the_servers_ca(dovecot: DovecotServer, folder: str, security: str) -> None:
    dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], "Secure", "Over TLS."), folder=folder)
    port = dovecot.tls_port if security == "ssl" else dovecot.port

    changes = _changes(_sync(_connector(dovecot, folder, security=security, port=port, ca_bundle=dovecot.cert)))

    assert [c.items[0].text for c in changes] == ["Over TLS."]


def test_an_untrusted_certificate_is_a_clear_error(dovecot: DovecotServer, folder: str) -> None:
    connector = _connector(dovecot, folder, security="ssl", port=dovecot.tls_port)

    with pytest.raises(SourceError) as raised:
        _sync(connector)

    assert "could not reach imap 127.0.0.1" in str(raised.value)
    assert "ca_bundle" in str(raised.value)
    assert not raised.value.permanent


# -- errors ----------------------------------------------------------------------------------------------
def test_a_wrong_password_is_permanent_and_never_shown(dovecot: DovecotServer, folder: str) -> None:
    wrong = "not-the-right-one-42"

    with pytest.raises(SourceError) as raised:
        _sync(_connector(dovecot, folder, password=wrong))

    message = str(raised.value)
    assert raised.value.permanent
    assert f"refused the login for {dovecot.user}" in message
    assert "$RELBOT_TEST_IMAP_PASSWORD" in message
    assert wrong not in message and dovecot.password not in message


def test_a_missing_folder_is_permanent_and_lists_what_exists(dovecot: DovecotServer, folder: str) -> None:
    with pytest.raises(SourceError) as raised:
        _sync(_connector(dovecot, "Archive/Clients"))

    assert raised.value.permanent
    assert "'Archive/Clients'" in str(raised.value)
    listed = str(raised.value).split("(it has: ", 1)[1]
    assert listed.startswith("INBOX, ")  # the inbox first, then at most 10 names in all
    assert len(listed.split(", ")) <= 10 + ("…" in listed)

    # Folder names are case-sensitive, except INBOX.
    with pytest.raises(SourceError) as wrong_case:
        _sync(_connector(dovecot, folder.lower()))
    assert wrong_case.value.permanent and repr(folder.lower()) in str(wrong_case.value)
    _sync(_connector(dovecot, "inbox"))


def test_a_missing_folder_after_good_ones_still_hands_over_their_pages(dovecot: DovecotServer, folder: str) -> None:
    dovecot.deliver(_message("jo@acme.com", ["me@agency.com"], "Kept", "Stored before the error."), folder=folder)
    pages: list[Page] = []
    connector = _connector(dovecot, folder, "Nope")

    with pytest.raises(SourceError):
        for page in connector.pages({}, _directory()):
            pages.append(page)
    connector.close()

    assert [c.items[0].text for c in _changes(pages)] == ["Stored before the error."]


def test_nothing_listening_is_a_passing_error(dovecot: DovecotServer) -> None:
    port = free_port()

    with pytest.raises(SourceError) as raised:
        _sync(_connector(dovecot, "INBOX", port=port, timeout_s=5))

    assert not raised.value.permanent
    assert str(raised.value).startswith(f"could not reach imap 127.0.0.1:{port} (")


def test_an_unknown_host_is_a_passing_error(dovecot: DovecotServer) -> None:
    with pytest.raises(SourceError) as raised:
        _sync(_connector(dovecot, "INBOX", host="imap.invalid", timeout_s=5))

    assert not raised.value.permanent
    assert "could not reach imap imap.invalid:" in str(raised.value)
