"""What a person actually wrote in an email: quoted history, signatures and list footers removed.

A reply keeps the author's own lines wherever they are: above the quote (top-posting), below it
(bottom-posting) or between quoted passages (inline replies). Everything from the first unquoted copy of
older mail on (an attribution followed by unquoted text, an Outlook header block, an "Original Message"
separator) is history. A forward keeps the forwarded content, which is news to the account.
"""

from __future__ import annotations

import re

from .email_quotes import (
    attribution_at,
    is_forward_marker,
    is_header_preamble,
    is_quote,
    is_separator,
    starts_header_block,
)
from .text import normalize_ws

_SIGNATURE_DASHES = re.compile(r"^--\s?$")
_SIGNATURE_BAR = re.compile(r"^\s*[—―]{3,}\s*$")  # CJK clients put a row of em dashes above the signature
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:Sent from my [\w\-' ]{1,40}|Sent (?:from|via|with) [A-Z][\w\-]*(?: [\w\-]+){0,3}"
    r"|(?:Get|Download|Hanki) Outlook for \w+|Télécharger Outlook pour \w+|Gesendet von (?:meinem|Outlook|Mail)\b.*"
    r"|Von meinem \w.* gesendet|Envoyé de mon \w.*|Enviado desde mi \w.*|Enviado do meu \w.*|Inviato da(?:l mio)? \w.*"
    r"|Verzonden (?:vanaf|met) \w.*|Skickat från min \w.*|Sendt fra min \w.*|Lähetetty \w+)"
    r"\s*(?:<[^>]*>|\([^)]*\))?\s*$",
    re.IGNORECASE,
)
# Mailing-list and group footers: a rule or "--" line, then a line like these, to the end of the message.
_FOOTER_TEXT = re.compile(
    r"mailing list|mailman/listinfo|You received this message because you are subscribed"
    r"|To unsubscribe from this group|To post to this group",
    re.IGNORECASE,
)
_FOOTER_RULE = re.compile(r"^\s*(?:_{2,}|-{2,}|={2,})\s*$")
_FOOTER_MAX_LINES = 12
# A quoted line ending mid-sentence: the unquoted line right after it is its wrapped continuation.
_WRAP_WIDTH = 60
_MBOX_ESCAPED_FROM = re.compile(r"^>(>*From )", re.MULTILINE)


def unescape_mbox_from(body: str) -> str:
    """mbox writers escape body lines starting with ``From `` as ``>From ``; they are not quotes."""
    return _MBOX_ESCAPED_FROM.sub(r"\1", body)


def clean_body(body: str, *, forwarded: bool = False) -> str:
    """Strip quoted replies and signatures; a forward keeps its forwarded content, which is news here."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = lines[: _footer_start(lines)]
    kept = None if forwarded else _reply_lines(lines)
    if kept is None:  # a forward, by its subject or because the first history marker is a forward's
        kept = [_unquote(line) for line in lines if not _MOBILE_FOOTER.match(line)]
    else:
        kept = kept[: _signature_start(kept)]
    return normalize_ws("\n".join(_drop_trailing_mobile_footer(kept)))


def _reply_lines(lines: list[str]) -> list[str] | None:
    """The author's own lines, up to where older mail starts; None when that older mail is a forward."""
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if is_quote(line) or _continues_quote(lines, i):
            i += 1
            continue
        if is_forward_marker(line):
            return None
        if _history_starts(lines, i):
            return _without_trailing_rules(kept)
        attribution = attribution_at(lines, i) if line.strip() else None
        if attribution is None:
            kept.append(line)
            i += 1
            continue
        if attribution.lead:
            kept.append(attribution.lead)  # "reply On <date>, Bob wrote:" shares its line with the reply
        if not _quote_follows(lines, attribution.end):
            break  # the older message follows without ">" marks: everything from here on is history
        i = attribution.end + 1  # the attribution only introduces a ">" quote; text after the quote is new
    return kept


def _history_starts(lines: list[str], i: int) -> bool:
    return (
        is_separator(lines[i])
        or starts_header_block(lines, i)
        or bool(_MOBILE_FOOTER.match(lines[i]))  # clients put the quoted message after their footer
    )


def _without_trailing_rules(kept: list[str]) -> list[str]:
    """A rule line (``____``) right above a quoted header block belongs to the block."""
    end = len(kept)
    while end and (not kept[end - 1].strip() or is_header_preamble(kept[end - 1])):
        end -= 1
    return kept[:end]


def _quote_follows(lines: list[str], end: int) -> bool:
    following = next((line for line in lines[end + 1 :] if line.strip()), None)
    return following is None or is_quote(following)


def _continues_quote(lines: list[str], i: int) -> bool:
    """An unquoted line wedged between quoted ones, continuing the quote a client wrapped without a ``>``.

    Inline replies sit between quotes too, so only a line that reads as the rest of the quoted sentence
    counts: it starts in lower case or with punctuation, or the quoted line before it ran to the wrap width.
    """
    line = lines[i]
    if not line.strip() or i == 0 or i + 1 >= len(lines):
        return False
    before, after = lines[i - 1], lines[i + 1]
    if not (is_quote(before) and (is_quote(after) or _continues_quote_run(lines, i + 1))):
        return False
    first = line.lstrip()[0]
    quoted = before.lstrip().lstrip(">").strip()
    reads_on = not (first.isupper() or first.isdigit())
    return reads_on or (len(quoted) >= _WRAP_WIDTH and quoted[-1] not in ".?!:")


def _continues_quote_run(lines: list[str], i: int) -> bool:
    """The next line is unquoted text itself followed by a quote (a continuation two lines long)."""
    return i + 1 < len(lines) and bool(lines[i].strip()) and not is_quote(lines[i]) and is_quote(lines[i + 1])


def _footer_start(lines: list[str]) -> int:
    """Where a mailing-list footer starts, if the message ends with one."""
    tail = len(lines) - _FOOTER_MAX_LINES * 2
    for i in range(max(0, tail), len(lines)):
        if _FOOTER_RULE.match(lines[i]) and any(_FOOTER_TEXT.search(line) for line in lines[i + 1 : i + 3]):
            return i
        if _FOOTER_TEXT.search(lines[i]) and "subscribed" in lines[i]:
            return i - 1 if i and _FOOTER_RULE.match(lines[i - 1]) else i
    return len(lines)


def _signature_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if _SIGNATURE_DASHES.match(line) or _SIGNATURE_BAR.match(line):
            return i
    return len(lines)


def _drop_trailing_mobile_footer(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1].strip() or _MOBILE_FOOTER.match(lines[end - 1])):
        end -= 1
    return lines[:end]


def _unquote(line: str) -> str:
    stripped = line.lstrip()
    while stripped.startswith(">"):
        stripped = stripped[1:].lstrip()
    return stripped
