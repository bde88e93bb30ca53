"""Poll the calendar feeds that are due and store the meetings they hold.

Each feed is polled by one process at a time (a lease in the state database), in a small thread pool so a
slow or hanging calendar server delays only its own feed, never the others. A feed that answers 304 costs a
request and a row update; a changed body is parsed for the coming days and replaces that feed's meetings.
Because a 304 carries no body, a feed whose stored window is running out is fetched unconditionally once a
day, so the meetings of the days ahead are always there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from relbot.calendar.fetch import FetchResult, fetch_feed, next_attempt_delay
from relbot.calendar.ics import IcsError, parse_feed
from relbot.store import calendar_feeds, meetings
from relbot.store.calendar_feeds import Feed
from relbot.store.database import Database

log = logging.getLogger(__name__)
_DTSTAMP = re.compile(rb"^DTSTAMP[:;][^\r\n]*\r?\n", re.MULTILINE)

LOOK_BACK = dt.timedelta(days=2)  # yesterday's meetings stay stored: their recap and nudge come after them
LOOK_AHEAD = dt.timedelta(days=14)
REFRESH_BEFORE = dt.timedelta(days=13)  # re-read the whole feed once the stored window ends sooner than this
POLL_EVERY = dt.timedelta(minutes=5)
WORKERS = 8

Fetcher = Callable[..., FetchResult]
Result = Literal["changed", "unchanged", "not_modified", "failed"]


@dataclass(frozen=True)
class FeedOutcome:
    user_id: str
    feed_id: str
    label: str
    result: Result
    meetings: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class SyncOptions:
    owner: str  # this process (host:pid:…): who holds the feeds' leases
    allow_private: bool = False
    timeout_s: float = 10.0
    max_bytes: int = 5 * 2**20
    poll_every: dt.timedelta = POLL_EVERY
    workers: int = WORKERS


def sync_feeds(db: Database, options: SyncOptions, *, now: dt.datetime, force: bool = False,
               fetcher: Fetcher = fetch_feed) -> list[FeedOutcome]:
    """Polls every due feed (every feed with ``force``) that no other process is polling."""
    due = calendar_feeds.claim_due(db, owner=options.owner, now=now, force=force)
    if not due:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(options.workers, len(due)))) as pool:
        return list(pool.map(lambda feed: _poll_guarded(db, options, feed, now, fetcher), due))


def _poll_guarded(db: Database, options: SyncOptions, feed: Feed, now: dt.datetime, fetcher: Fetcher) -> FeedOutcome:
    try:
        return _poll(db, options, feed, now, fetcher)
    except Exception as exc:  # one feed's bug must not stop the others; its lease runs out and it is retried
        log.exception("Calendar feed %s of %s failed unexpectedly", feed.label, feed.user_id)
        reason = f"internal error ({type(exc).__name__})"
        try:
            _failed(db, options, feed, now, reason, permanent=False, retry_after_s=None)
        except Exception:
            log.exception("Could not record the failure of feed %s", feed.label)
        return FeedOutcome(feed.user_id, feed.feed_id, feed.label, "failed", error=reason)


def _poll(db: Database, options: SyncOptions, feed: Feed, now: dt.datetime, fetcher: Fetcher) -> FeedOutcome:
    refresh = feed.expanded_until is None or feed.expanded_until < now + REFRESH_BEFORE
    fetched = fetcher(feed.url, etag=None if refresh else feed.etag,
                      last_modified=None if refresh else feed.last_modified, timeout_s=options.timeout_s,
                      max_bytes=options.max_bytes, allow_private=options.allow_private)
    if fetched.status == "failed":
        error = fetched.error or "the calendar could not be fetched"
        _failed(db, options, feed, now, error, permanent=fetched.permanent, retry_after_s=fetched.retry_after_s)
        return FeedOutcome(feed.user_id, feed.feed_id, feed.label, "failed", error=error)
    next_poll = now + options.poll_every
    if fetched.status == "not_modified" or fetched.body is None:
        calendar_feeds.record_success(
            db, feed, owner=options.owner, now=now, next_poll_at=next_poll, changed=False, etag=fetched.etag,
            last_modified=fetched.last_modified, body_hash=None, calendar_name=None, timezone=None, events=None,
            skipped=None, expanded_until=None)
        return FeedOutcome(feed.user_id, feed.feed_id, feed.label, "not_modified")
    body_hash = content_hash(fetched.body)
    if body_hash == feed.body_hash and not refresh:  # a server without validators sent the same calendar
        calendar_feeds.record_success(
            db, feed, owner=options.owner, now=now, next_poll_at=next_poll, changed=False, etag=fetched.etag,
            last_modified=fetched.last_modified, body_hash=None, calendar_name=None, timezone=None, events=None,
            skipped=None, expanded_until=None)
        return FeedOutcome(feed.user_id, feed.feed_id, feed.label, "unchanged")
    until = now + LOOK_AHEAD
    try:
        parsed = parse_feed(fetched.body, window_start=now - LOOK_BACK, window_end=until)
    except IcsError as exc:
        _failed(db, options, feed, now, str(exc), permanent=False, retry_after_s=None)
        return FeedOutcome(feed.user_id, feed.feed_id, feed.label, "failed", error=str(exc))
    stored = meetings.replace(db, user_id=feed.user_id, feed_id=feed.feed_id, occurrences=parsed.occurrences)
    calendar_feeds.record_success(
        db, feed, owner=options.owner, now=now, next_poll_at=next_poll, changed=True, etag=fetched.etag,
        last_modified=fetched.last_modified, body_hash=body_hash, calendar_name=parsed.calendar_name,
        timezone=parsed.timezone, events=stored, skipped=parsed.skipped, expanded_until=until)
    log.info("Calendar feed %s of %s read: %d meetings over the next %d days", feed.label, feed.user_id, stored,
             LOOK_AHEAD.days)
    return FeedOutcome(feed.user_id, feed.feed_id, feed.label, "changed", meetings=stored)


def content_hash(body: bytes) -> str:
    """The feed's content, whatever the moment it was exported: Google stamps every event's DTSTAMP with the
    time of the request and sends no validators, so an unchanged calendar would otherwise parse on every poll."""
    return hashlib.sha256(_DTSTAMP.sub(b"", body)).hexdigest()


def _failed(db: Database, options: SyncOptions, feed: Feed, now: dt.datetime, error: str, *, permanent: bool,
            retry_after_s: float | None) -> None:
    delay = next_attempt_delay(feed.failures + 1, permanent=permanent, retry_after_s=retry_after_s)
    log.warning("Calendar feed %s of %s failed (%d in a row; next try in %s): %s", feed.label, feed.user_id,
                feed.failures + 1, delay, error)
    calendar_feeds.record_failure(db, feed, owner=options.owner, now=now, next_poll_at=now + delay, error=error,
                                  permanent=permanent)


def sync_one(db: Database, options: SyncOptions, *, user_id: str, feed_id: str, now: dt.datetime,
             fetcher: Fetcher = fetch_feed) -> FeedOutcome | None:
    """Polls one feed now, whether due or not (a calendar just connected, so the reply can say what it holds);
    None when another process holds its lease (it is being polled already) or it is gone."""
    feed = calendar_feeds.claim_one(db, owner=options.owner, user_id=user_id, feed_id=feed_id, now=now)
    return _poll_guarded(db, options, feed, now, fetcher) if feed else None
