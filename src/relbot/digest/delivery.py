"""Send digests as DMs, each (recipient, ISO week) exactly once across restarts, replicas and cron runs.

Per recipient: claim in the ledger (store/deliveries.py) → check the recipient (guests get nothing) → open
their DM → on a retried attempt, look in the DM for a copy an earlier attempt posted → build → post → record
the ts. The chat calls are a ``DigestMessenger``'s (slack/digest_messenger.py renders and posts; this package
never imports the Slack layer). A refused or failed call (``DeliveryError``) marks the claim failed (retried
next run); a crash leaves it claimed until its lease runs out (recovered next run). Finding an earlier copy
needs the ``im:history`` scope; without it a recovered attempt posts again (logged): the only way a duplicate
can happen.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal, Protocol

from relbot.digest.content import DigestBuilder
from relbot.digest.models import Digest
from relbot.digest.subscriptions import subscription, subscriptions
from relbot.digest.weeks import IsoWeek
from relbot.errors import RelbotError
from relbot.store import deliveries
from relbot.store.state import StateDB

log = logging.getLogger(__name__)
Result = Literal["sent", "recovered", "already_sent", "in_progress", "skipped", "failed", "gave_up"]


class Skip(Exception):
    """Nothing may go to this recipient this week (a guest, no visible accounts): recorded, never retried."""


class DigestMessenger(Protocol):
    """The chat calls a digest delivery makes (slack/digest_messenger.py). Each raises ``DeliveryError`` when the
    chat service refuses or cannot be reached."""

    def check_recipient(self, user_id: str) -> None: ...  # raises Skip for guests, external and bot users
    def open_dm(self, user_id: str) -> str: ...
    def find_posted(self, channel: str, marker: dict[str, str], *, since: dt.datetime) -> str | None: ...
    def post(self, channel: str, digest: Digest, marker: dict[str, str]) -> str: ...


@dataclass(frozen=True)
class Outcome:
    recipient: str
    week: str
    result: Result
    ts: str | None = None
    detail: str | None = None


class DigestSender:
    """One sending run's worth of state: a builder that analyses each account once for all recipients. Wired by
    the composition root (``services.Services.digest_sender``): the subscriptions and the delivery ledger
    (``state``), the messenger that posts, and the run's builder."""

    def __init__(self, *, state: StateDB, messenger: DigestMessenger, builder: DigestBuilder) -> None:
        self._state = state
        self._messenger = messenger
        self._builder = builder

    def send_due(self, now: dt.datetime) -> list[Outcome]:
        """Every subscription whose local send time has passed this week and whose digest is not out yet."""
        out: list[Outcome] = []
        for sub in subscriptions(self._state):
            week = sub.due_week(now)
            if week is not None:
                out.append(self.send(sub.user_id, week, now=now, today=now.astimezone(sub.zone).date()))
        return out

    def send_now(self, recipient: str, now: dt.datetime) -> Outcome:
        """This week's digest to one person now, whatever their schedule (still once per week)."""
        sub = subscription(self._state, recipient)
        local = now.astimezone(sub.zone if sub else dt.UTC)
        return self.send(recipient, IsoWeek.of(local.date()), now=now, today=local.date())

    def send(self, recipient: str, week: IsoWeek, *, now: dt.datetime, today: dt.date) -> Outcome:
        state = self._state
        done = deliveries.entry(state, recipient, str(week))
        if done and done.status in ("sent", "skipped"):  # the common case all week: no write lock needed
            return _not_claimed(done, recipient, str(week))
        c = deliveries.claim(state, recipient, str(week), now=now)
        if c is None:
            return _not_claimed(deliveries.entry(state, recipient, str(week)), recipient, str(week))
        messenger = self._messenger
        marker = {"recipient": recipient, "week": c.week}
        try:
            messenger.check_recipient(recipient)
            channel = messenger.open_dm(recipient)
            found = messenger.find_posted(channel, marker, since=_week_before(c.week)) if c.attempt > 1 else None
            if found:
                deliveries.mark_sent(state, c, channel=channel, ts=found, now=now)
                return Outcome(recipient, c.week, "recovered", found, "an earlier attempt had posted it")
            digest = self._builder.build(recipient=recipient, week=week, today=today)
            if not digest.accounts:
                raise Skip("no accounts visible to this recipient")
            ts = messenger.post(channel, digest, marker)
            deliveries.mark_sent(state, c, channel=channel, ts=ts, now=now)
            return Outcome(recipient, c.week, "sent", ts)
        except Skip as exc:
            log.info("Digest %s for %s skipped: %s", c.week, recipient, exc)
            deliveries.mark(state, c, "skipped", str(exc), now=now)
            return Outcome(recipient, c.week, "skipped", detail=str(exc))
        except (OSError, RelbotError) as exc:  # DeliveryError: the chat service refused or was unreachable
            reason = str(exc) if isinstance(exc, RelbotError) else type(exc).__name__
        except Exception as exc:  # a bug met by one recipient must not stop the others' digests
            log.exception("Digest %s for %s failed unexpectedly", c.week, recipient)
            reason = f"internal error ({type(exc).__name__})"
        log.warning("Digest %s for %s failed (attempt %d): %s", c.week, recipient, c.attempt, reason)
        deliveries.mark(state, c, "failed", reason, now=now)
        return Outcome(recipient, c.week, "failed", detail=reason)


def _week_before(week: str) -> dt.datetime:
    """Where to start looking for an earlier attempt's post: the day before the week begins, in UTC."""
    return dt.datetime.combine(IsoWeek.parse(week).start - dt.timedelta(days=1), dt.time(), dt.UTC)


def _not_claimed(entry: deliveries.Entry | None, recipient: str, week: str) -> Outcome:
    if entry is None or entry.status == "claimed":
        return Outcome(recipient, week, "in_progress", detail="another sender holds the claim")
    if entry.status == "sent":
        return Outcome(recipient, week, "already_sent", entry.ts)
    if entry.status == "skipped":
        return Outcome(recipient, week, "skipped", detail=entry.error)
    return Outcome(recipient, week, "gave_up", detail=f"{entry.attempts} attempts failed; last: {entry.error}")


class SendsDigests(Protocol):
    """What builds a ``DigestSender``: the composition root, ``services.Services`` (this package never imports it)."""

    def digest_sender(self, messenger: DigestMessenger, *, use_llm: bool | None = None) -> DigestSender: ...


def send_due(services: SendsDigests, messenger: DigestMessenger, *, now: dt.datetime,
             use_llm: bool | None = None) -> list[Outcome]:
    """One sending run (cron's `relbot digest --send`, or a scheduler tick): a fresh builder, so records are
    read once per run and never go stale in a long-lived process."""
    return services.digest_sender(messenger, use_llm=use_llm).send_due(now)
