"""Group loader items into records: whole speaker turns / messages / paragraphs, never split mid-item
unless one item alone is too long.

Sizes were tuned on real meeting transcripts (docs/BENCHMARKS.md): records of ~160 words fit MiniLM's
256-token window and still hold a whole exchange; much smaller ones match on chatter, larger ones get cut.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

# Re-exported: the version of this chunking lives in relbot.models, where the store reads it too; bump it there.
from relbot.models import CHUNKER_VERSION as CHUNKER_VERSION
from relbot.models import Record, SourceItem, SourceKind

TARGET_WORDS = 160
MAX_WORDS = 260
# Items of these kinds are conversation lines; the speaker is part of the text a reader needs.
SPOKEN = {SourceKind.TRANSCRIPT, SourceKind.SLACK}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Transcription noise: one-word annotations ("{vocalsound}", "[laughter]", "(inaudible)") and
# hesitations. They carry no meaning, yet each costs the embedder tokens of its 256-token window.
_ANNOTATION = re.compile(r"[\[{(][a-z_-]{2,24}[\]})]")
_HESITATION = re.compile(r"(?<![\w-])(?:mm-hmm|uh-huh|uh|um|erm|er|hmm|mm|ah)(?![\w-])[,.]?", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")


def record_id(account: str, kind: SourceKind, date: object, text: str, *, author: str | None = None,
              message: str | None = None) -> str:
    """Content hash: the same content for the same account is the same record. The author and, for a
    message, which message it is are part of it: "Thanks, will do" from two people, or in two e-mails, is
    two records."""
    key = f"{account.casefold()}\x1f{kind.value}\x1f{date}\x1f{text}"
    if author:
        key += f"\x1f{author}"
    if message:
        key += f"\x1f{message}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def embed_text(record: Record) -> str:
    """What the embedder and the lexical index see: the text without transcription noise, and the
    title (subject, note title) where it says what the text is about."""
    text = _clean_transcript(record.text) if record.kind == SourceKind.TRANSCRIPT else record.text
    return f"{record.title}\n{text}" if record.title and record.kind != SourceKind.TRANSCRIPT else text


def _clean_transcript(text: str) -> str:
    text = _HESITATION.sub(" ", _ANNOTATION.sub(" ", text))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def chunk_items(
    items: Iterable[SourceItem], *, account: str, target_words: int = TARGET_WORDS, max_words: int = MAX_WORDS
) -> list[Record]:
    records: list[Record] = []
    for group in _groups(items):
        for chunk in _pack(group, target_words, max_words):
            records.append(_to_record(chunk, account))
    return records


def join_lines(lines: Iterable[str]) -> str:
    """Transcript lines joined for a reader: consecutive lines of one speaker (a long turn cut into
    pieces by ``_split_long``, possibly across records) become one turn again."""
    out: list[str] = []
    for line in lines:
        if out:
            speaker, sep, said = line.partition(": ")
            if sep and out[-1].startswith(speaker + ": ") and len(speaker.split()) <= 6:
                out[-1] = f"{out[-1]} {said}"
                continue
        out.append(line)
    return "\n".join(out)


def _groups(items: Iterable[SourceItem]) -> Iterator[list[SourceItem]]:
    """Consecutive items may share a record only if they share source, thread and date."""
    current: list[SourceItem] = []
    for item in items:
        if current and _key(item) != _key(current[-1]):
            yield current
            current = []
        current.append(item)
    if current:
        yield current


def _key(item: SourceItem) -> tuple[object, ...]:
    # Emails and CRM rows are whole messages with their own sender/date: one record each.
    if item.kind in (SourceKind.EMAIL, SourceKind.CRM):
        return (item.source, item.position)
    return (item.source, item.thread, item.date)


def _pack(group: list[SourceItem], target: int, maximum: int) -> Iterator[list[SourceItem]]:
    chunk: list[SourceItem] = []
    words = 0
    for item in group:
        for piece in _split_long(item, maximum):
            size = len(piece.text.split())
            if chunk and words + size > target:
                yield chunk
                chunk, words = [], 0
            chunk.append(piece)
            words += size
    if chunk:
        yield chunk


def _split_long(item: SourceItem, maximum: int) -> Iterator[SourceItem]:
    if len(item.text.split()) <= maximum:
        yield item
        return
    part: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(item.text):
        n = len(sentence.split())
        if part and count + n > maximum:
            yield item.model_copy(update={"text": " ".join(part)})
            part, count = [], 0
        # A single run-on "sentence" longer than the maximum is cut by words.
        while n > maximum:
            head = sentence.split()[:maximum]
            yield item.model_copy(update={"text": " ".join(head)})
            sentence = " ".join(sentence.split()[maximum:])
            n = len(sentence.split())
        part.append(sentence)
        count += n
    if part:
        yield item.model_copy(update={"text": " ".join(part)})


def _message_key(item: SourceItem) -> str | None:
    if item.kind != SourceKind.EMAIL:
        return None
    return item.message_id or f"{item.source}#{item.position}"


def _to_record(chunk: list[SourceItem], account: str) -> Record:
    first = chunk[0]
    if first.kind in SPOKEN:
        lines = [f"{i.author}: {i.text}" if i.author else i.text for i in chunk]
        # Slack messages stay one per line even from one sender; transcript turns are rejoined.
        text = join_lines(lines) if first.kind == SourceKind.TRANSCRIPT else "\n".join(lines)
        authors = list(dict.fromkeys(i.author for i in chunk if i.author))
        author = ", ".join(authors) or None
    else:
        text = "\n\n".join(i.text for i in chunk)
        author = first.author
    return Record(
        id=record_id(account, first.kind, first.date, text, author=author,
                     message=_message_key(first)),
        account=account,
        kind=first.kind,
        source=first.source,
        position=first.position,
        text=text,
        date=first.date,
        author=author,
        title=first.title,
        thread=first.thread,
        author_address=first.author_address if first.kind not in SPOKEN else None,
        participants=tuple(dict.fromkeys(p for i in chunk for p in i.participants)),
        carried=first.carried,
    )
