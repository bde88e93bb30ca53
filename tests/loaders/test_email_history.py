"""Forwards and replies carry older messages under their own headers: each becomes a record of its writer,
on its day, with its recipients; addresses are read as real clients write them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from relbot.ingest.chunking import chunk_items
from relbot.ingest.loaders.addresses import mailboxes
from relbot.ingest.loaders.email_history import parse_people, split_forward
from relbot.ingest.loaders.emails import load_emails

OUTLOOK_FORWARD = """\
From: "Panus, Stephanie" <stephanie.panus@agency.com>
To: "Rohauer, Tanya" <tanya.rohauer@agency.com>
Subject: FW: ISDA amendment
Date: Mon, 08 Oct 2001 09:00:00 -0000

Tanya, see below from the client. Please review and tell me how to proceed.

 -----Original Message-----
From: \tJones, Tana
Sent:\tFriday, October 05, 2001 5:43 PM
To:\tPanus, Stephanie
Subject:\tFW: ISDA amendment

I'm passing this on to you for handling.

 -----Original Message-----
From: \tSterling_Koch@client.com@AGENCY [mailto:IMCEANOTES-Sterling+5FKoch+40client+2Ecom+40AGENCY@agency.com]
Sent:\tFriday, October 05, 2001 5:00 PM
To:\tJones, Tana
Cc:\tMaureen_Piercey@client.com
Subject:\tREQUEST >> ISDA Notice and Amendment

Let me know if you have any changes and we will forward executed copies along with the certificates.
"""

REPLY_WITH_HISTORY = """\
From: Stephanie Panus <stephanie.panus@agency.com>
To: Gary Ross <gross@client.com>
Subject: RE: ISDA Master Agreement
Date: Tue, 16 Oct 2001 10:00:00 -0000

Mr. Ross, I am checking with credit and we will respond to you shortly.

 -----Original Message-----
From: \tRoss, Gary [mailto:gross@client.com]
Sent:\tMonday, October 15, 2001 3:31 PM
To:\tPanus, Stephanie
Subject:\tISDA Master Agreement

A $250,000 threshold is a very large number. If you have any questions please contact me at (403) 215-7451.

Gary Ross
"""

NOTES_FORWARD = """\
From: Tana Jones <tana.jones@agency.com>
To: Stephanie Panus <stephanie.panus@agency.com>
Subject: FW: ISDA Notice
Date: Wed, 24 Oct 2001 09:00:00 -0000

More from the client.

---------------------- Forwarded by Maureen Piercey on 2001/10/15 08:46 AM
---------------------------

Maureen Piercey
2001/10/05 04:36 PM
To:   tana.jones@agency.com
cc:   Sterling Koch@Client, Katalin Kiss@Client
Subject:  Re: ISDA Notice

Attached please find the form of Guarantee. If there are any credit concerns, please call me at 403-267-7987.
Maureen
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_outlook_forward_becomes_one_record_per_message_under_its_writer(tmp_path: Path) -> None:
    items = load_emails(_write(tmp_path, "fw.eml", OUTLOOK_FORWARD))
    assert [i.author for i in items] == ["Stephanie Panus", "Tana Jones", "Sterling Koch"]
    assert [i.date for i in items] == [dt.date(2001, 10, 8), dt.date(2001, 10, 5), dt.date(2001, 10, 5)]
    assert items[0].text.startswith("Tanya, see below") and "Original Message" not in items[0].text
    client = items[2]
    assert client.author_address == "sterling_koch@client.com"  # the Notes relay suffix and mailto dropped
    assert "Maureen Piercey <maureen_piercey@client.com>" in client.participants
    assert client.text.startswith("Let me know if you have any changes and we will forward")
    assert len({i.position for i in items}) == 3


def test_a_reply_keeps_only_its_own_words_and_the_quoted_message_as_its_writers_record(tmp_path: Path) -> None:
    items = load_emails(_write(tmp_path, "re.eml", REPLY_WITH_HISTORY))
    own, quoted = items
    assert own.author == "Stephanie Panus" and "threshold" not in own.text
    assert quoted.author == "Gary Ross" and quoted.author_address == "gross@client.com"
    assert quoted.date == dt.date(2001, 10, 15) and "(403) 215-7451" in quoted.text


def test_lotus_notes_headers_name_the_sender_and_recipients(tmp_path: Path) -> None:
    items = load_emails(_write(tmp_path, "notes.eml", NOTES_FORWARD))
    carried = items[-1]
    assert carried.author == "Maureen Piercey" and carried.date == dt.date(2001, 10, 5)
    assert {"Sterling Koch", "Katalin Kiss"} <= set(carried.participants)
    assert all("Forwarded by" not in i.text for i in items[1:])


def test_one_quoted_message_in_two_replies_is_one_record_but_two_senders_are_two(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.eml", REPLY_WITH_HISTORY)
    second = _write(tmp_path, "b.eml", REPLY_WITH_HISTORY.replace("we will respond to you shortly",
                                                                  "the answer follows tomorrow"))
    items = [i for path in (first, second) for i in load_emails(path)]
    records = chunk_items(items, account="Quadra")
    quoted = [r for r in records if r.author == "Gary Ross"]
    assert len({r.id for r in quoted}) == 1  # the same message, quoted twice
    thanks = [i.model_copy(update={"text": "Thanks, will do."}) for i in items[:1]]
    other = thanks[0].model_copy(update={"author": "Tana Jones", "position": 9})
    assert len({r.id for r in chunk_items([*thanks, other], account="Quadra")}) == 2


def test_surname_comma_given_names_and_exchange_entries_are_repaired() -> None:
    boxes = mailboxes([("Porter", "Porter"), ('"Gregory J."', "/O=AGENCY/OU=NA/CN=RECIPIENTS/CN=Gporter"),
                       ("Okafor, Ben", "Ben.Okafor@Client.com"), ("Frank Kelly (E-mail)", "fkelly@gbm.com"),
                       ("", "sterling_koch@client.com")])
    assert [b.name for b in boxes] == ["Gregory J. Porter", "Ben Okafor", "Frank Kelly", "Sterling Koch"]
    assert boxes[0].address == "/O=AGENCY/OU=NA/CN=RECIPIENTS/CN=Gporter"
    assert boxes[1].address == "ben.okafor@client.com"


def test_outlook_recipient_lists_are_split_on_semicolons() -> None:
    people = parse_people(
        "Kilmer III, Robert; Porter, Gregory J.; 'fkelly@gbm.com'; Hess, Diane [mailto:dhess@gbm.com]")
    assert [(p.name, p.address) for p in people] == [
        ("Robert Kilmer III", None), ("Gregory J. Porter", None), (None, "fkelly@gbm.com"),
        ("Diane Hess", "dhess@gbm.com"),
    ]


def test_text_without_header_blocks_is_one_piece() -> None:
    pieces = split_forward("From: the desk of the CFO, a note.\nNothing quoted here.")
    assert len(pieces) == 1 and pieces[0].sender is None


def test_a_reply_that_adds_nothing_still_keeps_the_message_it_quotes(tmp_path: Path) -> None:
    only_quote = REPLY_WITH_HISTORY.replace("Mr. Ross, I am checking with credit and we will respond to you shortly.\n",
                                            "")
    items = load_emails(_write(tmp_path, "empty-re.eml", only_quote))
    assert [(i.author, i.carried) for i in items] == [("Gary Ross", True)]
