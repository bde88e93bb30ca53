from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from relbot.errors import LoaderError
from relbot.ingest.loaders import load_path
from relbot.ingest.loaders.email_body import clean_body
from relbot.ingest.loaders.emails import normalize_subject
from relbot.models import SourceKind


def test_eml_reply_without_quotes_or_signature(sources: Path) -> None:
    path = sources / "acme-renewal-reply.eml"
    [item] = load_path(path)
    assert item.kind == SourceKind.EMAIL
    assert item.text == (
        "Hi Ravi,\n\nThanks — we can hold the 2024 rate if you sign by April 30.\n"
        "I'll send the updated order form tomorrow.\n\nYes, the add-on is included at no extra cost.\n\nBest,\nDana"
    )
    assert item.author == "Dana Smith"
    # Recipients keep their addresses: sides are read from them (RELBOT_AGENCY_DOMAINS, accounts --domains).
    assert item.participants == ("Ravi Patel <ravi@acme.example>", "Lee Chen <lee@agency.example>", "ops@acme.example")
    assert item.date == dt.date(2024, 3, 12)
    assert item.title == "RE: Re: Renewal terms for 2025"
    assert item.thread == "renewal terms for 2025"
    assert (item.source, item.position) == (str(path), 0)


def test_mbox_thread_html_and_footer(sources: Path) -> None:
    items = load_path(sources / "acme-q2-campaign.mbox")
    assert [item.position for item in items] == [0, 1, 2, 3]
    assert [item.thread for item in items] == ["q2 campaign brief"] * 3 + ["invoice 2024-031"]
    assert [item.author for item in items] == ["Ravi Patel", "Dana Smith", "Jörg Weber", "lee@agency.example"]
    assert [item.date for item in items] == [
        dt.date(2024, 4, 1), dt.date(2024, 4, 1), dt.date(2024, 4, 2), dt.date(2024, 4, 3)
    ]  # fmt: skip
    # The Outlook "-----Original Message-----" block is history, not Dana's words.
    assert items[1].text == (
        "Ravi, 400 leads by end of June is realistic if we start paid social on April 15.\n"
        "We need final creative approval by April 10."
    )
    # HTML-only: tags, styles and the gmail_quote history are gone; entities decoded.
    assert items[2].text == (
        "Creative approval by April 10 works for us.\n\nLegal needs two days for the disclaimer & the landing page."
    )
    assert items[2].participants == ("Dana Smith <dana@agency.example>", "Ravi Patel <ravi@acme.example>")
    # mbox ">From " escaping undone, mobile footer dropped.
    assert items[3].text == "Ravi, invoice 2024-031 for March is attached.\nFrom next month we will invoice on the 1st."


@pytest.mark.parametrize(
    ("subject", "thread"),
    [
        ("RE: Fwd: AW:  Budget  2025", "budget 2025"),
        ("Re[2]: Launch", "launch"),
        ("WG: SV: Kickoff", "kickoff"),
        ("Renewal: next steps", "renewal: next steps"),
        ("Re:", None),
    ],
)
def test_subject_normalisation(subject: str, thread: str | None) -> None:
    assert normalize_subject(subject) == thread


def test_wrapped_gmail_attribution_cuts_history() -> None:
    body = "Sounds good.\n\nOn Mon, Mar 11, 2024 at 4:02 PM Ravi Patel <\nravi@acme.example> wrote:\nOld text\n"
    assert clean_body(body) == "Sounds good."


def test_outlook_from_sent_block_cuts_history() -> None:
    body = "Approved.\n\nFrom: Ravi Patel <ravi@acme.example>\nSent: Monday, April 1, 2024 8:30 AM\nTo: Dana\n\nOld"
    assert clean_body(body) == "Approved."


def test_signature_dashes_and_mobile_footer() -> None:
    assert clean_body("See you then.\n--\nDana Smith\nAccount Director\n") == "See you then."
    assert clean_body("On my way.\n\nGet Outlook for iOS\n") == "On my way."


def test_forward_keeps_forwarded_content() -> None:
    body = "FYI\n\n---------- Forwarded message ---------\nFrom: Legal <legal@acme.example>\nDate: Mon\n\n> Approved."
    assert clean_body(body, forwarded=True) == (
        "FYI\n\n---------- Forwarded message ---------\nFrom: Legal <legal@acme.example>\nDate: Mon\n\nApproved."
    )


def test_quote_only_message_is_skipped_and_all_empty_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "quote-only.eml"
    path.write_text("From: a@example.com\nTo: b@example.com\nSubject: Re: x\n\n> old text\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="no message text found"):
        load_path(path)


def test_unknown_charset_and_broken_headers_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "odd.eml"
    path.write_bytes(
        b'From: <<<@@@>>>,,, "\nTo: ;;;@\nSubject: Odd\nDate: not a date\n'
        b"Content-Type: text/plain; charset=x-unknown-charset\n\nCaf\xc3\xa9 meeting moved.\n"
    )
    [item] = load_path(path, default_date=dt.date(2024, 2, 2))
    assert item.text == "Café meeting moved."
    assert item.date == dt.date(2024, 2, 2)  # unreadable Date header: fall back
    assert item.title == "Odd"


def test_latin1_body_declared_in_headers_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.eml"
    path.write_bytes(
        b"From: J\xf6rg <j@example.com>\nSubject: Preis\nContent-Type: text/plain; charset=iso-8859-1\n"
        b"Content-Transfer-Encoding: 8bit\n\nDer Preis f\xfcr 2025 steht.\n"
    )
    [item] = load_path(path)
    assert item.text == "Der Preis für 2025 steht."
