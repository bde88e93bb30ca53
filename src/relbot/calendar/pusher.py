"""Deliver the meeting messages that are due, each once per user and occurrence, on any number of hosts.

Before a client meeting (its push time is the start minus the user's lead): the pre-call brief. A meeting
created or moved inside that window is pushed at once; a moved meeting has a new start and is pushed again
for it; a cancelled one is gone from the stored meetings and so is never pushed. After the meeting: when
notes or a transcript for it arrive (same account and day, not already there when the brief went out, or
linked from the event) the recap; if none has come by 09:00 the next morning in the user's zone, one nudge.

Each delivery follows the digest's ledger protocol (store/ledger.py): claim, check, post, record; a sender
that dies is taken over when its lease runs out, after looking in the DM for what it may have posted.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from relbot.calendar.content import MeetingContent, MeetingMessage, Nudge
from relbot.calendar.upcoming import MAX_LEAD_MINUTES, Meeting, MeetingView
from relbot.errors import RelbotError
from relbot.models import Record, SourceKind
from relbot.store import calendar_feeds, meeting_deliveries
from relbot.store.database import Database
from relbot.store.ledger import LedgerClaim, iso
from relbot.store.meeting_deliveries import Kind

log = logging.getLogger(__name__)
Result = Literal["sent", "recovered", "already_sent", "in_progress", "skipped", "failed", "gave_up"]
RECAP_WITHIN = dt.timedelta(hours=36)  # notes that come later than this get no recap
NUDGE_AT = dt.time(9, 0)  # local time, the morning after the meeting
NOTE_KINDS = frozenset({SourceKind.NOTE, SourceKind.TRANSCRIPT, SourceKind.CRM})


class Skip(Exception):
    """Nothing may go to this user about this meeting (a guest, not on the team): recorded, never retried."""


@dataclass(frozen=True)
class Recipient:
    user_id: str
    tz: str  # IANA zone name, from the user's Slack profile


class Messenger(Protocol):
    """The Slack calls a delivery makes (slack/meeting_messenger.py)."""

    def recipient(self, user_id: str) -> Recipient: ...  # raises Skip for guests, external and bot users
    def open_dm(self, user_id: str) -> str: ...
    def find_posted(self, channel: str, marker: dict[str, str], *, since: dt.datetime) -> str | None: ...
    def post(self, channel: str, message: MeetingMessage, marker: dict[str, str]) -> str: ...


@dataclass(frozen=True)
class PushOutcome:
    user_id: str
    kind: Kind
    occurrence: str
    start: dt.datetime
    account: str | None
    result: Result
    ts: str | None = None
    detail: str | None = None


class MeetingPusher:
    def __init__(self, *, db: Database, view: MeetingView, content: MeetingContent, messenger: Messenger,
                 can_see: Callable[[str, str], bool], records_of: Callable[[str], list[Record]]) -> None:
        self._db = db
        self._view = view
        self._content = content
        self._messenger = messenger
        self._can_see = can_see  # (user id, account name): the access rule every surface applies
        self._records_of = records_of
        self._recipients: dict[str, Recipient | Skip] = {}
        self._notes: dict[str, dict[dt.date, set[str]]] = {}
        self._zones: dict[str, str] | None = None

    def run(self, now: dt.datetime) -> list[PushOutcome]:
        return self.precalls(now) + self.after_calls(now)

    # -- before ----------------------------------------------------------------------------------
    def precalls(self, now: dt.datetime) -> list[PushOutcome]:
        out = []
        for meeting in self._view.between(now, now + dt.timedelta(minutes=MAX_LEAD_MINUTES)):
            push_at = meeting.push_at
            if push_at is not None and push_at <= now < meeting.occurrence.start:
                out.append(self._deliver(meeting, "precall", now, self._precall_builder(meeting, now)))
        return out

    def _precall_builder(self, meeting: Meeting, now: dt.datetime) -> Callable[[Recipient], MeetingMessage]:
        def build(recipient: Recipient) -> MeetingMessage:
            zone = ZoneInfo(recipient.tz)
            return self._content.precall(meeting, tz=recipient.tz, last_met=self._last_met(meeting),
                                         today=now.astimezone(zone).date())
        return build

    def _last_met(self, meeting: Meeting) -> dt.date | None:
        """The day of the user's previous pre-call brief for this account: changes are listed since then."""
        o = meeting.occurrence
        earlier = [start for occurrence, start in
                   meeting_deliveries.sent_starts(self._db, meeting.user_id, "precall", meeting.account)
                   if start < o.start and occurrence != o.key]
        return earlier[-1].date() if earlier else None

    # -- after -----------------------------------------------------------------------------------
    def after_calls(self, now: dt.datetime) -> list[PushOutcome]:
        out = []
        ended = [m for m in self._view.between(now - RECAP_WITHIN, now, by_end=True)
                 if m.account is not None and not m.occurrence.all_day and not m.declined]
        settled = meeting_deliveries.settled(self._db, since=now - RECAP_WITHIN - dt.timedelta(days=1))
        for meeting in ended:
            done = settled.get((meeting.user_id, meeting.occurrence.key), set())
            if "recap" in done:
                continue
            zone = self._zone(meeting.user_id, now)
            if zone is None:
                continue  # a guest or no such user: the pre-call row already says why
            new = self._new_notes(meeting, zone)
            if new:
                today = now.astimezone(zone).date()
                out.append(self._deliver(meeting, "recap", now, self._recap_builder(meeting, new, today)))
            elif "nudge" not in done and now >= _nudge_time(meeting, zone):
                out.append(self._deliver(meeting, "nudge", now, functools.partial(_nudge, meeting)))
        return out

    def _recap_builder(self, meeting: Meeting, new: set[str], today: dt.date) -> Callable[[Recipient], MeetingMessage]:
        return lambda r: self._content.recap(meeting, tz=r.tz, new_ids=new, today=today)

    def _new_notes(self, meeting: Meeting, zone: ZoneInfo) -> set[str]:
        """Notes, transcripts and CRM logs of the meeting's day that were not there when the brief went out,
        and any record the event links to."""
        assert meeting.account is not None
        day = meeting.occurrence.start.astimezone(zone).date()
        notes = self._notes_of(meeting.account).get(day, set())
        linked = meeting.occurrence.description
        linked_ids = {r.id for r in self._records_of(meeting.account)
                      if r.source and len(r.source) > 8 and r.source in linked} if "/" in linked else set()
        if not notes and not linked_ids:
            return set()
        payload = meeting_deliveries.payload_of(self._db, meeting.user_id, "precall", meeting.occurrence.key) or {}
        return (notes - set(payload.get("known_notes", []))) | linked_ids

    def _known_notes(self, meeting: Meeting, zone: ZoneInfo) -> list[str]:
        assert meeting.account is not None
        return sorted(self._notes_of(meeting.account).get(meeting.occurrence.start.astimezone(zone).date(), set()))

    def _notes_of(self, account: str) -> dict[dt.date, set[str]]:
        """The account's notes, transcripts and CRM logs by day, read once per run."""
        if account not in self._notes:
            by_day: dict[dt.date, set[str]] = {}
            for r in self._records_of(account):
                if r.kind in NOTE_KINDS and r.date is not None:
                    by_day.setdefault(r.date, set()).add(r.id)
            self._notes[account] = by_day
        return self._notes[account]

    def _zone(self, user_id: str, now: dt.datetime) -> ZoneInfo | None:
        """The user's time zone: as last seen (kept in the database), else asked of Slack once. A tick every
        minute must not call users.info for every user with a meeting behind them (Slack's rate limits)."""
        if self._zones is None:
            self._zones = calendar_feeds.zones(self._db)
        name = self._zones.get(user_id)
        if name is None:
            recipient = self._recipient(user_id, now)
            if isinstance(recipient, Skip):
                return None
            name = recipient.tz
        return ZoneInfo(name)

    # -- delivery --------------------------------------------------------------------------------
    def _recipient(self, user_id: str, now: dt.datetime) -> Recipient | Skip:
        if user_id not in self._recipients:
            try:
                found = self._messenger.recipient(user_id)
            except Skip as exc:
                self._recipients[user_id] = exc
            else:
                self._recipients[user_id] = found
                if (self._zones or {}).get(user_id) != found.tz:
                    calendar_feeds.set_zone(self._db, user_id, found.tz, now=now)
                    if self._zones is not None:
                        self._zones[user_id] = found.tz
        return self._recipients[user_id]

    def _deliver(self, meeting: Meeting, kind: Kind, now: dt.datetime,
                 build: Callable[[Recipient], MeetingMessage]) -> PushOutcome:
        user, o = meeting.user_id, meeting.occurrence
        done = meeting_deliveries.entry(self._db, user, kind, o.key, o.start)
        if done and done.status in ("sent", "skipped"):  # the common case every minute: no write lock
            return _not_claimed(meeting, kind, done)
        c = meeting_deliveries.claim(self._db, user, kind, o.key, o.start, now=now, account=meeting.account)
        if c is None:
            return _not_claimed(meeting, kind, meeting_deliveries.entry(self._db, user, kind, o.key, o.start))
        try:
            return self._post(meeting, kind, now, c, build)
        except Skip as exc:
            log.info("Meeting %s for %s skipped: %s", kind, user, exc)
            meeting_deliveries.ledger(self._db).mark(c, "skipped", str(exc), now=now)
            return _outcome(meeting, kind, "skipped", detail=str(exc))
        except (OSError, RelbotError) as exc:  # DeliveryError: the chat service refused or was unreachable
            reason = str(exc) if isinstance(exc, RelbotError) else type(exc).__name__
        except Exception as exc:  # one meeting's bug must not stop the others' pushes
            log.exception("Meeting %s for %s failed unexpectedly", kind, user)
            reason = f"internal error ({type(exc).__name__})"
        log.warning("Meeting %s for %s failed (attempt %d): %s", kind, user, c.attempt, reason)
        meeting_deliveries.ledger(self._db).mark(c, "failed", reason, now=now)
        return _outcome(meeting, kind, "failed", detail=reason)

    def _post(self, meeting: Meeting, kind: Kind, now: dt.datetime, c: LedgerClaim,
              build: Callable[[Recipient], MeetingMessage]) -> PushOutcome:
        user, o = meeting.user_id, meeting.occurrence
        assert meeting.account is not None
        if not self._can_see(user, meeting.account):
            raise Skip("not on the account's team")
        recipient = self._recipient(user, now)
        if isinstance(recipient, Skip):
            raise recipient
        channel = self._messenger.open_dm(user)
        marker = {"user": user, "kind": kind, "occurrence": o.key, "start": iso(o.start)}
        ledger = meeting_deliveries.ledger(self._db)
        found = (self._messenger.find_posted(channel, marker, since=now - dt.timedelta(days=2))
                 if c.attempt > 1 else None)
        if found:
            ledger.mark_sent(c, channel=channel, ts=found, now=now)
            return _outcome(meeting, kind, "recovered", found, "an earlier attempt had posted it")
        if kind == "precall":  # what the recap must not mistake for the call's notes
            meeting_deliveries.save_payload(self._db, c, {"known_notes": self._known_notes(
                meeting, ZoneInfo(recipient.tz))})
        ts = self._messenger.post(channel, build(recipient), marker)
        ledger.mark_sent(c, channel=channel, ts=ts, now=now)
        log.info("Meeting %s sent to %s", kind, user)
        return _outcome(meeting, kind, "sent", ts)


def _nudge(meeting: Meeting, recipient: Recipient) -> MeetingMessage:
    assert meeting.account is not None
    return Nudge(meeting=meeting, tz=recipient.tz, account=meeting.account)


def _nudge_time(meeting: Meeting, zone: ZoneInfo) -> dt.datetime:
    ended = meeting.occurrence.end.astimezone(zone)
    return dt.datetime.combine(ended.date() + dt.timedelta(days=1), NUDGE_AT, zone)


def _outcome(meeting: Meeting, kind: Kind, result: Result, ts: str | None = None,
             detail: str | None = None) -> PushOutcome:
    o = meeting.occurrence
    return PushOutcome(meeting.user_id, kind, o.key, o.start, meeting.account, result, ts, detail)


def _not_claimed(meeting: Meeting, kind: Kind, entry: meeting_deliveries.LedgerRow | None) -> PushOutcome:
    if entry is None or entry.status == "claimed":
        return _outcome(meeting, kind, "in_progress", detail="another sender holds the claim")
    if entry.status == "sent":
        return _outcome(meeting, kind, "already_sent", entry.ts)
    if entry.status == "skipped":
        return _outcome(meeting, kind, "skipped", detail=entry.error)
    return _outcome(meeting, kind, "gave_up", detail=f"{entry.attempts} attempts failed; last: {entry.error}")
