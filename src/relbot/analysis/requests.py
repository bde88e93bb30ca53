"""Requests that hand someone a deliverable: "Can you prepare a draft guaranty", "Please send me the executed
copy", "You will need to verify with London that …". What one side asks of the other (or of a colleague) is
owed until it is done, so the ledger tracks it with the addressee as its owner.

Stock closings ("let me know if you have any questions", "please call me with any questions") and requests
for an opinion or a reply only ("let me know what you think") hand over no deliverable and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DELIVERABLE_VERB = (
    r"(?:prepare|draft|send|forward|provide|review|revise|sign|execute|file|fax|call|contact|verify|confirm|check|"
    r"get|set up|arrange|schedule|handle|finali[sz]e|complete|submit|return|deliver|circulate|pull together|"
    r"put together|look into|follow up|update|issue|approve|distribute|obtain|ask|tell|advise|notify)"
)
_POLITE = re.compile(
    rf"^(?:[A-Z][a-z]+[,:]\s+)?(?:(?:can|could|would|will) you(?: please)?|please|pls|kindly|you (?:will|'ll) need to|"
    rf"you need to|i need you to|we need you to|you should)\s+(?:also\s+|just\s+)?(?P<what>{_DELIVERABLE_VERB}\b.*)",
    re.I)
_TELL_US = re.compile(
    r"^(?:[A-Z][a-z]+[,:]\s+)?(?:(?:just |please )?let (?:me|us) know|please advise)\s+(?P<what>"
    r"(?:the|who|which|when|whom)\b.*)", re.I)
_CLOSING = re.compile(
    r"\b(?:any questions|any (?:further )?comments|if you have|should you have|if you need|what you think|"
    r"your thoughts|if there is anything|if i can|of (?:any )?(?:further )?assistance|anything else)\b", re.I)


@dataclass(frozen=True)
class Request:
    what: str  # the deliverable, from its verb on
    addressee: str | None  # the name the request opens with ("Tanya: can you …"), when it names one


def request(text: str) -> Request | None:
    text = text.replace("’", "'").strip()
    if not text or len(text.split()) > 60 or _CLOSING.search(text):
        return None
    for pattern in (_POLITE, _TELL_US):
        m = pattern.match(text)
        if m:
            vocative = re.match(r"^([A-Z][a-z]+)[,:]\s", text)
            return Request(m.group("what").rstrip(" ?.!"), vocative.group(1) if vocative else None)
    return None
