"""Property-based: whatever bytes a file holds, every loader returns items or a specific LoaderError."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relbot.errors import LoaderError
from relbot.ingest.loaders import load_path
from relbot.models import SourceItem, SourceKind

CASES = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCRATCH = Path(tempfile.mkdtemp(prefix="relbot-props-"))

names = st.text(st.characters(codec="utf-8", exclude_characters=":\n\r"), min_size=1, max_size=20)
lines = st.text(st.characters(codec="utf-8"), max_size=80)


def _check(name: str, content: bytes, kind: SourceKind | None) -> None:
    path = SCRATCH / name
    path.write_bytes(content)
    try:
        items = load_path(path, kind=kind)
    except LoaderError as exc:
        message = str(exc)
        assert message and "Traceback" not in message
        return
    assert all(isinstance(i, SourceItem) and i.kind for i in items)


@st.composite
def transcript_text(draw: st.DrawFn) -> bytes:
    style = draw(st.sampled_from(["plain", "vtt", "srt"]))
    turns = draw(st.lists(st.tuples(names, lines), max_size=12))
    if style == "plain":
        body = "\n".join(f"{n}: {t}" for n, t in turns)
    elif style == "vtt":
        body = "WEBVTT\n\n" + "\n\n".join(
            f"00:00:{i:02d}.000 --> 00:00:{i + 1:02d}.000\n<v {n}>{t}" for i, (n, t) in enumerate(turns)
        )
    else:
        body = "\n\n".join(
            f"{i + 1}\n00:00:{i:02d},000 --> 00:00:{i + 1:02d},000\n{n}: {t}" for i, (n, t) in enumerate(turns)
        )
    return (body + draw(lines)).encode("utf-8", "surrogatepass")


@given(transcript_text())
@CASES
def test_transcripts(content: bytes) -> None:
    _check("t.txt", content, SourceKind.TRANSCRIPT)


@st.composite
def note_text(draw: st.DrawFn) -> bytes:
    front = draw(st.sampled_from(["", "---\n", "---\ndate: 2026-13-45\n---\n", "---\n: [\n---\n",
                                  "---\naccount: X\ndate: 2026-05-01\nattendees: 5\n---\n"]))
    return (front + draw(st.text(max_size=400))).encode("utf-8", "surrogatepass")


@given(note_text())
@CASES
def test_notes(content: bytes) -> None:
    _check("n.md", content, SourceKind.NOTE)


@st.composite
def email_text(draw: st.DrawFn) -> bytes:
    headers = draw(st.lists(st.sampled_from(["From", "To", "Date", "Subject", "Content-Type", "X"]), max_size=6))
    values = draw(st.lists(lines, min_size=len(headers), max_size=len(headers)))
    head = "".join(f"{h}: {v}\n" for h, v in zip(headers, values, strict=True))
    prefix = draw(st.sampled_from(["", "From a@example.com Mon Jun 01 09:12:00 2026\n"]))
    return (prefix + head + "\n" + draw(st.text(max_size=300))).encode("utf-8", "surrogatepass")


@given(email_text(), st.sampled_from(["m.eml", "m.mbox"]))
@CASES
def test_emails(content: bytes, name: str) -> None:
    _check(name, content, SourceKind.EMAIL)


@st.composite
def csv_text(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from(["Activity date", "Subject", "Note body", "Date", "Comments", "Owner",
                                            "Type", "x", '"q', ""]), max_size=6))
    rows = draw(st.lists(st.lists(lines, max_size=7), max_size=6))
    text = ",".join(header) + "\n" + "\n".join(",".join(r) for r in rows)
    return text.encode("utf-8", "surrogatepass")


@given(csv_text())
@CASES
def test_crm_csv(content: bytes) -> None:
    _check("a.csv", content, SourceKind.CRM)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def slack_zip(draw: st.DrawFn) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if draw(st.booleans()):
            channels = draw(st.one_of(json_values, st.just([{"id": "C1", "name": "general"}])))
            archive.writestr("channels.json", json.dumps(channels))
        if draw(st.booleans()):
            archive.writestr("users.json", json.dumps(draw(json_values)))
        messages = draw(st.one_of(json_values, st.lists(st.fixed_dictionaries(
            {"type": st.just("message"), "text": st.text(max_size=40), "ts": st.sampled_from(["1", "x", "1.5"])},
            optional={"user": st.text(max_size=5), "thread_ts": st.text(max_size=5)}), max_size=4)))
        archive.writestr("general/2026-05-01.json", json.dumps(messages))
    data = buffer.getvalue()
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    return data if draw(st.booleans()) else data[:cut]


@given(slack_zip())
@CASES
def test_slack_exports(content: bytes) -> None:
    _check("export.zip", content, SourceKind.SLACK)


@given(st.binary(max_size=600), st.sampled_from(["x.txt", "x.md", "x.csv", "x.eml", "x.vtt", "x.zip", "x.srt"]))
@CASES
def test_arbitrary_bytes_with_detection(content: bytes, name: str) -> None:
    _check(name, content, None)
