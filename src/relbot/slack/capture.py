"""Slack messages and notes → account history, through the same ingest pipeline as files.

A message becomes one ``SourceItem`` (kind slack; source = its permalink, so citations link back to it);
``MessageIndex`` remembers the records it produced, which is what makes saving idempotent and edits and
deletions possible.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from relbot.ingest.chunking import chunk_items
from relbot.models import SourceItem, SourceKind
from relbot.services import Services
from relbot.slack.directory import Directory
from relbot.store.slack_messages import MessageIndex

log = logging.getLogger(__name__)


# Message subtypes that add to a conversation (joins, topic changes, bot posts add nothing).
NEW_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def is_new_message(message: dict[str, Any]) -> bool:
    return message.get("subtype") in NEW_SUBTYPES and bool(message.get("ts")) and not message.get("bot_id")


def permalink(workspace_url: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
    """A message's link in the form chat.getPermalink returns, built from the workspace URL (auth.test)."""
    link = f"{workspace_url.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"
    return f"{link}?thread_ts={thread_ts}&cid={channel_id}" if thread_ts and thread_ts != ts else link


def ts_date(ts: str) -> dt.date:
    return dt.datetime.fromtimestamp(float(ts), dt.UTC).date()


class SlackCapture:
    def __init__(self, *, services: Services, client: WebClient, directory: Directory, index: MessageIndex) -> None:
        self._services = services
        self._client = client
        self._directory = directory
        self._index = index
        self._lock = threading.Lock()  # orders an edit after the save it replaces, within this process

    def save_message(
        self, *, account: str, channel_id: str, ts: str, user_id: str | None, text: str, thread_ts: str | None = None,
        permalink: str | None = None,
    ) -> bool:
        """True if stored now; False if this message was saved before or holds no text. ``permalink``: the
        message's link when the caller already knows it (a backfill builds them; one API call each is slow)."""
        if not text.strip():
            return False
        with self._lock:
            if not self._index.claim(channel_id, ts, account):
                return False
            try:
                item = self._item(account, channel_id, ts, user_id, text, thread_ts, permalink)
                self._services.ingestor.ingest_items([item], account=account, path=item.source)
                ids = [r.id for r in chunk_items([item], account=account)]
            except BaseException:
                self._index.release(channel_id, ts)  # let a later attempt store it
                raise
            self._index.set_records(channel_id, ts, ids)
        return True

    def replace_message(self, *, channel_id: str, ts: str, user_id: str | None, text: str,
                        thread_ts: str | None = None) -> bool:
        """An edit: the message's old records go, the new text comes in. Unknown messages are ignored."""
        saved = self._index.get(channel_id, ts)
        if saved is None:
            return False
        self.delete_message(channel_id=channel_id, ts=ts)
        return self.save_message(
            account=saved.account, channel_id=channel_id, ts=ts, user_id=user_id, text=text, thread_ts=thread_ts
        )

    def delete_message(self, *, channel_id: str, ts: str) -> bool:
        with self._lock:
            if self._index.get(channel_id, ts) is None:
                return False
            self._services.store.delete_records(self._index.release(channel_id, ts))
        return True

    def save_note(self, *, account: str, user_id: str, text: str, now: dt.datetime | None = None) -> None:
        """`/relbot log`: a dated note by the person who logged it."""
        when = now or dt.datetime.now(dt.UTC)
        user = self._directory.user(user_id)
        author = user.name if user else user_id
        item = SourceItem(
            text=text, kind=SourceKind.NOTE, source=f"Slack note by {author}", position=0, date=when.date(),
            author=author, title="Logged from Slack", thread=f"{user_id}:{when.timestamp()}",
        )
        self._services.ingestor.ingest_items([item], account=account, path=item.source)

    def _item(
        self, account: str, channel_id: str, ts: str, user_id: str | None, text: str, thread_ts: str | None,
        permalink: str | None,
    ) -> SourceItem:
        user = self._directory.user(user_id) if user_id else None
        channel = self._directory.channel(channel_id)
        return SourceItem(
            text=text, kind=SourceKind.SLACK, source=permalink or self._permalink(channel_id, ts), position=0,
            date=ts_date(ts), author=user.name if user else user_id, account=account,
            title=f"#{channel.name}" if channel and not channel.is_im else None, thread=thread_ts or ts,
        )

    def _permalink(self, channel_id: str, ts: str) -> str:
        try:
            return str(self._client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"])
        except (SlackApiError, SlackClientError, OSError, KeyError) as exc:
            log.info("chat.getPermalink failed: %s", type(exc).__name__)
            # Still unique and stable, so deduplication and later edits keep working.
            return f"slack://channel?id={channel_id}&message={ts}"
