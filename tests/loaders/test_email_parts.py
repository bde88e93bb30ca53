"""Which MIME parts become an e-mail record's text, and the record of an attachment-only message."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from relbot.errors import LoaderError
from relbot.ingest.loaders import load_path

ENRON_DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "enron-dev"


def _message(body: str | None = None, *, subject: str = "Contract") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Dana Smith <dana@agency.example>"
    message["To"] = "Ravi Patel <ravi@acme.example>"
    message["Subject"] = subject
    message["Date"] = "Tue, 12 Mar 2024 10:00:00 +0000"
    if body is not None:
        message.set_content(body)
    return message


def _write(tmp_path: Path, message: EmailMessage) -> Path:
    path = tmp_path / "message.eml"
    path.write_bytes(message.as_bytes())
    return path


def test_every_inline_text_part_is_kept_and_attachments_are_not(tmp_path: Path) -> None:
    message = _message("The signed order form is attached.")
    message.add_attachment("Q2 targets: 400 leads, launch May 6.", disposition="inline")
    message.add_attachment("secret,figures\n1,2\n", subtype="csv", filename="figures.csv")
    message.add_attachment("Do not read me.", filename="notes.txt")  # a text file sent as an attachment
    [item] = load_path(_write(tmp_path, message))
    assert item.text == "The signed order form is attached.\n\nQ2 targets: 400 leads, launch May 6."


def test_alternative_parts_are_one_text(tmp_path: Path) -> None:
    message = _message("Plain version.")
    message.add_alternative("<p>HTML <b>version</b>.</p>", subtype="html")
    [item] = load_path(_write(tmp_path, message))
    assert item.text == "Plain version."


def test_html_only_body_is_converted(tmp_path: Path) -> None:
    message = _message()
    message.set_content("<p>We &amp; you: <b>May 6</b>.</p>", subtype="html")
    [item] = load_path(_write(tmp_path, message))
    assert item.text == "We & you: May 6."


def test_an_attachment_only_message_is_a_record_of_what_was_sent(tmp_path: Path) -> None:
    message = _message()
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="contract.pdf")
    message.add_attachment(b"\xd0\xcf", maintype="application", subtype="msword", filename="redline.doc")
    [item] = load_path(_write(tmp_path, message))
    assert item.text == "(Attachment only: contract.pdf, redline.doc)"
    assert item.title == "Contract"


def test_a_reply_that_only_quotes_but_attaches_is_recorded(tmp_path: Path) -> None:
    message = _message("On Mon, Mar 11, 2024 at 9:00 AM Ravi <ravi@acme.example> wrote:\n> Send the contract.\n")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="contract.pdf")
    [item] = load_path(_write(tmp_path, message))
    assert item.text == "(Attachment only: contract.pdf)"


def test_omitted_attachment_names_from_an_export_count_as_attachments(tmp_path: Path) -> None:
    message = _message()
    message["X-Attachments-Omitted"] = "carr futures.doc; pic03449.pcx"
    [item] = load_path(_write(tmp_path, message))
    assert item.text == "(Attachment only: carr futures.doc, pic03449.pcx)"


def test_no_text_and_no_attachment_is_still_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="no message text found"):
        load_path(_write(tmp_path, _message("\n")))


@pytest.mark.skipif(not ENRON_DEV.is_dir(), reason="needs ../shared/data/enron-dev")
def test_every_enron_dev_message_yields_text() -> None:
    files = sorted(ENRON_DEV.glob("*/*.eml"))
    assert len(files) == 84
    for path in files:
        items = load_path(path)
        assert items and all(item.text.strip() for item in items), path
