"""Reply and quote stripping on bodies as clients really write them (clean_body)."""

from __future__ import annotations

import pytest

from relbot.ingest.loaders.email_body import clean_body


def test_inline_replies_keep_the_authors_lines_between_quotes() -> None:
    body = (
        "On Mon, Mar 4, 2024 at 9:00 AM Ravi Patel <ravi@acme.example> wrote:\n"
        "> Can you hold the 2024 rate?\n\nYes, until April 30.\n\n"
        "> And the add-on?\n\nIncluded at no extra cost.\n\n> Thanks,\n> Ravi\n"
    )
    assert clean_body(body) == "Yes, until April 30.\n\nIncluded at no extra cost."


def test_bottom_posting_keeps_the_text_under_the_quote() -> None:
    body = "Hi,\nOn Tue, 2024-03-05 at 18:02 +0530, Ravi wrote:\n> Which plan?\n\nThe yearly one, signed today.\n"
    assert clean_body(body) == "Hi,\n\nThe yearly one, signed today."


def test_an_unquoted_line_wrapped_inside_a_quote_stays_quoted() -> None:
    body = (
        "Agreed.\n\nOn Mon, Mar 4, 2024 at 9:00 AM Ravi <ravi@acme.example> wrote:\n"
        "> We would like to move the launch to the second week of May because the\n"
        "creative is late.\n> Ravi\n"
    )
    assert clean_body(body) == "Agreed."


@pytest.mark.parametrize(
    "attribution",
    [
        "On Tue, Mar 12, 2024 at 4:02 PM Ravi Patel <ravi@acme.example> wrote:",
        "Am 12.03.2024 um 16:02 schrieb Ravi Patel <ravi@acme.example>:",
        "Am Di., 12. März 2024 um 16:02 Uhr schrieb Ravi Patel <ravi@acme.example>:",
        "Le mar. 12 mars 2024 à 16:02, Ravi Patel <ravi@acme.example> a écrit :",
        "El mar, 12 mar 2024 a las 16:02, Ravi Patel (<ravi@acme.example>) escribió:",
        "Op 12 mrt. 2024 om 16:02 schreef Ravi Patel <ravi@acme.example>:",
        "Il giorno mar 12 mar 2024 alle ore 16:02 Ravi Patel <ravi@acme.example> ha scritto:",
        "Em ter., 12 de mar. de 2024 às 16:02, Ravi Patel <ravi@acme.example> escreveu:",
        "Den 12 mars 2024 kl. 16:02 skrev Ravi Patel <ravi@acme.example>:",
        "tir. 12. mar. 2024 kl. 16:02 skrev Ravi Patel <ravi@acme.example>:",
        "W dniu 12.03.2024 o 16:02, Ravi Patel pisze:",
        "Dnia 12 marca 2024 16:02 Ravi Patel <ravi@acme.example> napisał(a):",
        "2024-03-12 16:02 GMT+01:00 Ravi Patel <ravi@acme.example>:",
        "--- On Tue, 3/12/24, Ravi Patel <ravi@acme.example> wrote:",
    ],
)
def test_attribution_lines_in_many_languages(attribution: str) -> None:
    # Followed by unquoted text (Outlook-style replies quote without ">"): all of it is history.
    assert clean_body(f"Signed copy attached.\n\n{attribution}\n\nPlease sign by Friday.\n") == "Signed copy attached."
    assert clean_body(f"Signed copy attached.\n\n{attribution}\n> Please sign by Friday.\n") == "Signed copy attached."


@pytest.mark.parametrize(
    "attribution",
    [
        "On Tue, Mar 12, 2024 at 4:02 PM Ravi Patel <\nravi@acme.example> wrote:",
        "On Dec 16, 2023, at 12:47 PM, Ravi Patel\n<ravi@acme.example>\nwrote:",
        "Il giorno mar 12 mar 2024 alle ore 16:02 Ravi Patel <ravi@acme.example>\nha scritto:",
        "Ravi Patel <ravi@acme.example> schrieb am Di., 12.\nMärz 2024, 16:02:",
        "pe 20. lokakuuta 2017 klo 17.50 Ravi Patel\n<ravi@acme.example> kirjoitti:",
    ],
)
def test_attributions_wrapped_over_several_lines(attribution: str) -> None:
    assert clean_body(f"Thanks, confirmed.\n\n{attribution}\n\n> Old text\n") == "Thanks, confirmed."


def test_lines_that_only_look_like_attributions_are_kept() -> None:
    body = "On the other hand, the pilot went well.\nOn average we close in 30 days.\n\nSent from my desk, not a phone."
    assert clean_body(body) == body


@pytest.mark.parametrize(
    "block",
    [
        "-----Original Message-----\nFrom: Ravi Patel [mailto:ravi@acme.example]\nSent: Monday, April 1, 2024 8:30 AM",
        "From: Ravi Patel <ravi@acme.example>\nSent: Monday, April 1, 2024 8:30 AM\nTo: Dana\nSubject: RE: Renewal",
        "________________________________\nFrom: Ravi Patel <ravi@acme.example>\nSent: Monday, April 1, 2024 8:30 AM",
        "Von: Ravi Patel <ravi@acme.example>\nGesendet: Montag, 1. April 2024 08:30\nAn: Dana\nBetreff: AW: Angebot",
        "De : Ravi Patel [mailto:ravi@acme.example]\nEnvoyé : lundi 1 avril 2024 08:30\nÀ : Dana\nObjet : Offre",
        "-----Ursprüngliche Nachricht-----\nVon: Ravi Patel\nAn: Dana",
        "----- Original Message -----\nFrom: Ravi Patel <ravi@acme.example>\nTo: Dana",
        "-------- Original Message --------\nSubject: Renewal\nDate: Mon, 1 Apr 2024 08:30:00 +0200",
    ],
)
def test_outlook_yahoo_and_thunderbird_history_blocks(block: str) -> None:
    assert clean_body(f"Approved.\n\n{block}\n\nPlease approve the budget.\n") == "Approved."


def test_enron_export_history_with_tabbed_headers() -> None:
    body = (
        "David,\nCan you confirm the offices?\n\nThanks,\nStephanie\n\n -----Original Message-----\n"
        "From: \tDavid Fransen <DBF@Vitol.com>@ENRON\nSent:\tFriday, September 28, 2001 1:25 AM\n"
        "To:\tPanus, Stephanie\nSubject:\tRE: Vitol/Enron ISDA\n\nGreat ... thanks\n"
    )
    assert clean_body(body) == "David,\nCan you confirm the offices?\n\nThanks,\nStephanie"


def test_lotus_notes_header_block() -> None:
    body = (
        "We have reviewed the guaranty.\n\nHenry\n\n\n            INTERNET MAIL\n"
        '                 To:    <hschiff@carrfut.com>\n                 cc:    "Shackleton, Sara"\n'
        '                 From:  "Panus, Stephanie"\n                 Date:  11/21/01 09:10 AM\n'
        "                 Subject:    Enron Corp. Guaranty\n\nMr. Schiff,\nAttached is the guaranty.\n"
    )
    assert clean_body(body) == "We have reviewed the guaranty.\n\nHenry"
    notes = '"Sara Shackleton" <sara@enron.example> on 10/17/2001 10:00 AM\nTo: Henry Schiff\nSubject: Guaranty\n\nOld'
    assert clean_body(f"Agreed.\n\n{notes}") == "Agreed."


def test_a_forward_keeps_what_it_forwards_even_without_a_fwd_subject() -> None:
    body = "FYI\n\nBegin forwarded message:\n\nFrom: Legal <legal@acme.example>\nDate: Mon\n\nApproved."
    assert clean_body(body) == body


def test_a_forward_inside_quoted_history_is_history() -> None:
    body = "Blah\n\n-----Original Message-----\n\nFYI\n\n---------- Forwarded message ---------\nFrom: bob@x.example\n"
    assert clean_body(body) == "Blah"


def test_signature_dashes_cut_but_sign_offs_stay() -> None:
    assert clean_body("Works for us.\n\nBest regards,\nJohn\n\n-- \nJohn Doe\nAcme Corp\n") == (
        "Works for us.\n\nBest regards,\nJohn"
    )
    assert clean_body("I wanted to discuss this with regards to the payment.\n\nThanks") == (
        "I wanted to discuss this with regards to the payment.\n\nThanks"
    )


@pytest.mark.parametrize(
    "footer",
    [
        "_______________________________________________\nriak-users mailing list\nriak-users@lists.example\n"
        "http://lists.example/mailman/listinfo/riak-users",
        "--\nYou received this message because you are subscribed to the Google Groups \"acme\" group.\n"
        "To unsubscribe from this group and stop receiving emails from it, send an email to acme+unsubscribe@x.test.",
    ],
)
def test_mailing_list_footers_are_dropped_in_replies_and_forwards(footer: str) -> None:
    assert clean_body(f"The launch moves to May 6.\n\n{footer}\n") == "The launch moves to May 6."
    marker = "---------- Forwarded message ---------\nFrom: Ravi"
    forward = f"FYI\n\nSent from my iPhone\n\n{marker}\n\nLaunch: May 6.\n\n{footer}"
    assert clean_body(forward, forwarded=True) == f"FYI\n\n{marker}\n\nLaunch: May 6."


@pytest.mark.parametrize(
    "footer", ["Sent from my iPhone", "Get Outlook for Android<https://aka.ms/ghei36>", "Von meinem iPhone gesendet"]
)
def test_a_mobile_footer_ends_the_new_text(footer: str) -> None:
    # Mobile clients put the quoted message right after their footer, with no marker of their own.
    assert clean_body(f"On my way.\n\n{footer}\n\nWhen is the call?\n") == "On my way."


def test_decorated_links_are_not_quotes() -> None:
    body = "Visit us now for assistance...\n>>> >>> http://www.domain.example <<<\nVisit our site."
    assert clean_body(body) == body
