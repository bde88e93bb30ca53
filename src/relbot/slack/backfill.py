"""Backfill a linked channel: its messages of the last ``RELBOT_BACKFILL_DAYS`` days (and their thread replies)
become the account's history, exactly as if relbot had been there when they were posted.

Crash-safe and resumable. The position in the channel (Slack's history cursor) is checkpointed in the state DB
after each page is stored, and every message goes through ``SlackCapture.save_message``, which stores a message
once however often it is offered (channel + ts claim, content-addressed records). A run killed at any point
resumes from its last checkpoint — by ``relbot serve`` at start-up, by linking the channel again, or by
``relbot accounts link … --backfill`` — and ends with each message stored exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.errors import BackfillError
from relbot.services import Services
from relbot.slack.capture import SlackCapture, is_new_message, permalink
from relbot.slack.directory import Directory
from relbot.store.backfills import BackfillLedger
from relbot.store.holders import lease_owner
from relbot.store.slack_messages import MessageIndex
from relbot.store.state import StateDB

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # conversations.history's recommended maximum


@dataclass(frozen=True)
class BackfillProgress:
    channel_id: str
    account: str
    saved: int  # messages stored so far (a resumed run counts on from its checkpoint)
    pages: int
    finished: bool


class Backfill:
    def __init__(self, *, state: StateDB, client: WebClient, capture: SlackCapture, days: int,
                 page_size: int = PAGE_SIZE) -> None:
        self._ledger = BackfillLedger(state)
        self._client = client
        self._capture = capture
        self._days = days
        self._page_size = page_size
        self._workspace_url = ""  # for permalinks: one auth.test call instead of a getPermalink per message
        self._owner = lease_owner()

    def start(self, account: str, channel_id: str, *, now: dt.datetime | None = None) -> None:
        """Plan a backfill. An unfinished one for the same account is kept, so it resumes where it stopped."""
        now = now or dt.datetime.now(dt.UTC)
        oldest = f"{(now - dt.timedelta(days=self._days)).timestamp():.6f}"
        self._ledger.plan(channel_id, account, oldest=oldest, now=now)

    def run(self, channel_id: str, on_page: Callable[[BackfillProgress], None] | None = None) -> BackfillProgress:
        """Store the planned channel's history page by page, from the last checkpoint.

        If another process is reading this channel right now, returns its progress so far without waiting.
        """
        progress = self.progress(channel_id)
        if progress is None:
            raise LookupError(f"no backfill planned for {channel_id}")
        plan = self._ledger.take(channel_id, self._owner, now=dt.datetime.now(dt.UTC))
        if plan is None:
            return progress
        cursor = plan.cursor
        try:
            while not progress.finished:
                page, saved = self._read_page(plan.account, channel_id, plan.oldest, cursor)
                cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
                if not self._ledger.advance(channel_id, self._owner, cursor=cursor, saved=saved,
                                            now=dt.datetime.now(dt.UTC)):
                    break  # our lease ran out and another process took over: it goes on from our checkpoint
                progress = self._progress_of(channel_id)
                if on_page:
                    on_page(progress)
        finally:
            self._ledger.release(channel_id, self._owner)
        return self._progress_of(channel_id)

    def _read_page(self, account: str, channel_id: str, oldest: str, cursor: str | None) -> tuple[Any, int]:
        try:
            self._workspace_url = self._workspace_url or str(self._client.auth_test().get("url") or "")
            page = self._client.conversations_history(
                channel=channel_id, oldest=oldest, limit=self._page_size, cursor=cursor or None
            )
            saved = sum(self._store_with_replies(account, channel_id, m) for m in page.get("messages") or [])
        except SlackApiError as exc:
            raise BackfillError(_refusal(str(exc.response.get("error") or "unknown error"))) from exc
        except (SlackClientError, OSError) as exc:
            raise BackfillError(
                f"Could not reach Slack to read the channel's history ({type(exc).__name__}). Everything "
                "read so far is stored; link the channel again to resume where it stopped."
            ) from exc
        return page, saved

    def pending(self) -> list[str]:
        return self._ledger.pending()

    def resume_all(self) -> None:
        """Finish what a stopped process left; one channel failing does not stop the others."""
        for channel_id in self.pending():
            try:
                done = self.run(channel_id)
                log.info("backfill of %s: %d messages so far (finished: %s)", channel_id, done.saved, done.finished)
            except Exception as exc:  # logged by type only: Slack errors can quote client text
                log.warning("backfill of %s stopped: %s; it resumes on the next start", channel_id,
                            type(exc).__name__)

    def progress(self, channel_id: str) -> BackfillProgress | None:
        found = self._ledger.checkpoint(channel_id)
        if found is None:
            return None
        return BackfillProgress(channel_id, found.account, found.saved, found.pages, found.finished)

    def _progress_of(self, channel_id: str) -> BackfillProgress:
        progress = self.progress(channel_id)
        assert progress is not None
        return progress

    def _store_with_replies(self, account: str, channel_id: str, message: dict[str, Any]) -> int:
        saved = self._store(account, channel_id, message)
        thread_ts = message.get("thread_ts")
        if message.get("reply_count") and thread_ts == message.get("ts"):
            for reply in self._replies(channel_id, str(thread_ts)):
                if reply.get("ts") != thread_ts:
                    saved += self._store(account, channel_id, reply)
        return saved

    def _store(self, account: str, channel_id: str, message: dict[str, Any]) -> int:
        if not is_new_message(message):
            return 0
        ts, thread_ts = str(message["ts"]), message.get("thread_ts")
        link = permalink(self._workspace_url, channel_id, ts, thread_ts) if self._workspace_url else None
        stored = self._capture.save_message(
            account=account, channel_id=channel_id, ts=ts, user_id=message.get("user"),
            text=str(message.get("text") or ""), thread_ts=thread_ts, permalink=link,
        )
        return int(stored)

    def _replies(self, channel_id: str, thread_ts: str) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            page = self._client.conversations_replies(
                channel=channel_id, ts=thread_ts, limit=self._page_size, cursor=cursor
            )
            yield from page.get("messages") or []
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "") or None
            if not cursor:
                return


def _refusal(error: str) -> str:
    if error == "not_in_channel":
        return "I'm not in this channel, so I can't read its history: invite me (`/invite @relbot`) and link again."
    if error in ("missing_scope", "not_allowed_token_type"):
        return ("relbot lacks the permission to read this channel's history (channels:history / groups:history); "
                "reinstall the app from app_manifest.yml, then link again.")
    return (f"Slack refused the channel's history ({error}). Everything read so far is stored; link the "
            "channel again to resume where it stopped.")


def build_backfill(services: Services, client: WebClient) -> Backfill:
    """A backfill outside a running app (the worker's start-up, the CLI)."""
    capture = SlackCapture(services=services, client=client, directory=Directory(client),
                           index=MessageIndex(services.state))
    return Backfill(state=services.state, client=client, capture=capture, days=services.settings.backfill_days)


def resume_in_background(backfill: Backfill) -> threading.Thread:
    """Backfills a stopped process left unfinished, resumed without delaying start-up."""
    thread = threading.Thread(target=backfill.resume_all, name="relbot-backfill", daemon=True)
    thread.start()
    return thread
