"""Slack workspace exports (folder or zip): one item per message, thread replies right after their parent."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from relbot.errors import LoaderError
from relbot.models import SourceItem, SourceKind

from .slack_archive import (
    CHANNELS_FILE,
    REEXPORT_HINT,
    ZIP_ERRORS,
    FolderArchive,
    SlackArchive,
    ZipArchive,
    read_json,
)
from .slack_text import render

# Private channels and group DMs live in their own listing files; 1:1 DMs (dms.json) are left out on
# purpose: they are personal, and their folders are named by id, not by a channel anyone chose.
_CONVERSATION_FILES = (CHANNELS_FILE, "groups.json", "mpims.json")
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_UNSAFE_NAME = re.compile(r"[/\\\x00]")
_NOISE_SUBTYPES = frozenset(
    {
        "channel_join", "channel_leave", "group_join", "group_leave", "channel_topic", "channel_purpose",
        "channel_name", "channel_archive", "channel_unarchive", "group_topic", "group_purpose", "group_name",
        "group_archive", "group_unarchive", "pinned_item", "unpinned_item", "bot_add", "bot_remove",
        "bot_enable", "bot_disable", "reminder_add", "tombstone", "message_deleted", "message_changed",
        "channel_convert_to_private", "channel_convert_to_public", "sh_room_created",
    }
)  # fmt: skip


@dataclass(frozen=True)
class _Message:
    channel: str
    ts: str
    root: str  # thread_ts for threads (the parent's own ts), else ts
    order: tuple[Decimal, Decimal]  # (root, ts) as exact numbers
    author: str | None
    text: str
    permalink: str | None


def load_slack_export(path: Path) -> list[SourceItem]:
    if path.is_dir():
        return _load(FolderArchive(path))
    try:
        with zipfile.ZipFile(path) as archive:
            return _load(ZipArchive(archive, str(path)))
    except (*ZIP_ERRORS, OSError) as exc:
        raise LoaderError(f"{path}: corrupt or unreadable zip ({exc}); {REEXPORT_HINT}.") from None


def _load(archive: SlackArchive) -> list[SourceItem]:
    conversations = _conversations(archive)
    users = _users(archive)
    channel_names = {cid: name for cid, name in conversations}
    messages = [
        message
        for _, channel in conversations
        for message in _thread_order(_channel_messages(archive, channel, users, channel_names))
    ]
    if not messages:
        raise LoaderError(f"{archive.label}: the export has no messages in its channel folders.")
    return [_item(message, position) for position, message in enumerate(messages)]


def _conversations(archive: SlackArchive) -> list[tuple[str, str]]:
    """(id, name) of every channel, private channel and group DM, in listing order."""
    found: list[tuple[str, str]] = []
    for listing in _CONVERSATION_FILES:
        entries = read_json(archive, listing, required=listing == CHANNELS_FILE)
        for entry in _dicts(entries, listing, archive):
            name = _str(entry, "name")
            # The name becomes a folder path: never let a crafted listing point outside the export.
            if name and not _UNSAFE_NAME.search(name) and name not in (".", ".."):
                found.append((_str(entry, "id"), name))
    return found


def _users(archive: SlackArchive) -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in _dicts(read_json(archive, "users.json"), "users.json", archive):
        profile = _dict(entry, "profile")
        name = (
            _str(profile, "real_name")
            or _str(entry, "real_name")
            or _str(profile, "display_name")
            or _str(entry, "name")
        )
        if entry.get("id") and name:
            names[_str(entry, "id")] = name
    return names


def _channel_messages(
    archive: SlackArchive, channel: str, users: dict[str, str], channels: dict[str, str]
) -> list[_Message]:
    messages: list[_Message] = []
    for day in (name for name in archive.files_in(channel) if _DAY_FILE.match(name)):
        source = f"{channel}/{day}"
        for number, raw in enumerate(_dicts(read_json(archive, source), source, archive), start=1):
            if raw.get("subtype") in _NOISE_SUBTYPES:
                continue
            ts = _str(raw, "ts")
            ts_value = _decimal(ts)
            if ts_value is None:
                raise LoaderError(f"{archive.label}: {source}: message {number} has no valid 'ts'; {REEXPORT_HINT}.")
            text = render(_str(raw, "text"), users=users, channels=channels) or _files_text(raw)
            if not text:
                continue  # bot posts made only of attachments, empty edits: nothing was said
            thread_ts = _str(raw, "thread_ts")
            root_value = _decimal(thread_ts)
            root, root_value = (thread_ts, root_value) if root_value is not None else (ts, ts_value)
            messages.append(
                _Message(
                    channel=channel,
                    ts=ts,
                    root=root,
                    order=(root_value, ts_value),
                    author=_author(raw, users),
                    text=text,
                    permalink=_str(raw, "permalink") or None,
                )
            )
    return messages


def _thread_order(messages: list[_Message]) -> list[_Message]:
    """Threads by their parent's time; inside a thread, replies by time right after the parent."""
    return sorted(messages, key=lambda message: message.order)


def _author(raw: dict[str, object], users: dict[str, str]) -> str | None:
    user = _str(raw, "user")
    profile = _dict(raw, "user_profile")
    bot = _dict(raw, "bot_profile")
    name = (
        users.get(user)
        or _str(profile, "real_name")
        or _str(profile, "display_name")
        or _str(raw, "username")  # bot and integration posts
        or _str(bot, "name")
        or user
    )
    return name or None


def _files_text(raw: dict[str, object]) -> str:
    files = raw.get("files")
    if not isinstance(files, list):
        return ""
    titles = [_str(f, "title") or _str(f, "name") for f in files if isinstance(f, dict)]
    titles = [title for title in titles if title]
    return f"shared {', '.join(titles)}" if titles else ""


def _item(message: _Message, position: int) -> SourceItem:
    seconds = message.order[1]
    return SourceItem(
        text=message.text,
        kind=SourceKind.SLACK,
        source=message.permalink or f"slack-export://{message.channel}/p{message.ts.replace('.', '')}",
        position=position,
        date=dt.datetime.fromtimestamp(float(seconds), tz=dt.UTC).date(),
        author=message.author,
        title=f"#{message.channel}",
        thread=f"{message.channel}:{message.root}",
    )


def _decimal(ts: str) -> Decimal | None:
    """Slack timestamps ("1709633400.123456") compared exactly; floats would merge close messages."""
    try:
        value = Decimal(ts)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _dicts(value: object, name: str, archive: SlackArchive) -> list[dict[str, object]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise LoaderError(f"{archive.label}: {name} should hold a JSON list; {REEXPORT_HINT}.")
    return [entry for entry in value if isinstance(entry, dict)]


def _dict(entry: object, key: str) -> dict[str, object]:
    value = entry.get(key) if isinstance(entry, dict) else None
    return value if isinstance(value, dict) else {}


def _str(entry: object, key: str) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    return value.strip() if isinstance(value, str) else ""
