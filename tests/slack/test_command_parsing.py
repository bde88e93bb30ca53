"""`/relbot` text → typed commands, and specific errors with the closest matches."""

from __future__ import annotations

import pytest

from relbot.slack.commands import (
    Ask,
    CommandError,
    Digest,
    DigestSubscription,
    Draft,
    Help,
    Link,
    Log,
    help_text,
    parse,
)

ACCOUNTS = ["Harbor Foods", "Harbor", "HF", "Lumen Health", "Lumen", "Oakridge Dental Group", "Oakridge"]


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP"])
def test_nothing_or_help_shows_usage(text: str) -> None:
    assert parse(text) == Help()
    assert all(f"/relbot {word}" in help_text() for word in ("brief", "ask", "log", "link", "digest"))


def test_help_for_one_subcommand() -> None:
    assert parse("help ask") == Help("ask")
    assert help_text("ask").startswith("`/relbot ask ACCOUNT QUESTION`")


@pytest.mark.parametrize(("text", "expected"), [
    ("brief Lumen Health", Draft("brief", "Lumen Health")),
    ("Brief   lumen", Draft("brief", "lumen")),
    ("questions Oakridge Dental Group", Draft("questions", "Oakridge Dental Group")),
    ("checklist HF", Draft("checklist", "HF")),
    ("digest", Digest()),
    ("digest subscribe mon 08:00 Europe/London", DigestSubscription("subscribe mon 08:00 Europe/London")),
    ("Digest Unsubscribe", DigestSubscription("Unsubscribe")),
    ("digest subscription", DigestSubscription("subscription")),
    ("link Harbor Foods", Link("Harbor Foods")),
])
def test_commands(text: str, expected: object) -> None:
    assert parse(text, ACCOUNTS) == expected


def test_ask_splits_the_longest_known_account_name_from_the_question() -> None:
    assert parse("ask Harbor Foods did we send the deck?", ACCOUNTS) == Ask("Harbor Foods", "did we send the deck?")
    assert parse("ask lumen health: what did we promise?", ACCOUNTS) == Ask("lumen health", "what did we promise?")
    assert parse('ask "Oakridge" any open invoices?', ACCOUNTS) == Ask("Oakridge", "any open invoices?")


def test_ask_about_an_unknown_account_takes_the_first_word_so_suggestions_can_follow() -> None:
    assert parse("ask Lumin what did we promise?", ACCOUNTS) == Ask("Lumin", "what did we promise?")
    assert parse("ask Acme Corp: any risks?", ACCOUNTS) == Ask("Acme Corp", "any risks?")


def test_log_keeps_the_note_text_whole() -> None:
    note = "Called Priya.\nShe wants the Q4 report by Friday."
    assert parse(f"log Harbor Foods {note}", ACCOUNTS) == Log("Harbor Foods", note)


@pytest.mark.parametrize(("text", "wanted"), [
    ("brie Lumen", "`brief`"),
    ("qestions Lumen", "`questions`"),
    ("chek Lumen", "`checklist`"),
    ("lnk Lumen", "`link`"),
])
def test_unknown_subcommand_suggests_the_closest(text: str, wanted: str) -> None:
    with pytest.raises(CommandError) as err:
        parse(text)
    assert wanted in str(err.value)
    assert "is not a relbot command" in str(err.value)


def test_unknown_subcommand_with_nothing_close_lists_them_all() -> None:
    with pytest.raises(CommandError) as err:
        parse("xyzzy")
    assert err.value.suggestions == []
    assert "brief, questions, checklist, ask, digest, calendar, log, link, sources, help" in str(err.value)


@pytest.mark.parametrize(("text", "needle"), [
    ("brief", "Which account?"),
    ("ask", "Which account?"),
    ("ask Lumen Health", "What is the question?"),
    ("log Lumen Health", "What should I save?"),
])
def test_missing_parts_say_what_is_missing(text: str, needle: str) -> None:
    with pytest.raises(CommandError) as err:
        parse(text, ACCOUNTS)
    assert needle in str(err.value)


def test_oversized_input_is_a_specific_error_not_a_crash() -> None:
    with pytest.raises(CommandError, match="question is too long"):
        parse("ask Lumen " + "why? " * 1000, ACCOUNTS)
    with pytest.raises(CommandError, match="account name is too long"):
        parse("brief " + "x" * 500)
    huge = "\n".join(["log Lumen Health", *["a line of notes"] * 10_000])
    with pytest.raises(CommandError, match="note is too long"):
        parse(huge, ACCOUNTS)


@pytest.mark.parametrize(("text", "wanted"), [
    ("digest subscibe", "Did you mean `/relbot digest subscribe`?"),
    ("digest unsubscrib", "Did you mean `/relbot digest unsubscribe`?"),
    ("digest 2026-W47", "`/relbot help digest` lists what it does"),
])
def test_digest_takes_only_its_subscription_words(text: str, wanted: str) -> None:
    with pytest.raises(CommandError) as err:
        parse(text)
    assert wanted in str(err.value)


def test_help_digest_lists_the_subscription_commands() -> None:
    assert parse("help digest") == Help("digest")
    assert "`/relbot digest subscribe [day] [HH:MM] [Area/City]`" in help_text("digest")


def test_sources_status_and_sync_parse_and_a_wrong_action_is_specific() -> None:
    from relbot.slack.commands import Sources

    assert parse("sources") == Sources()
    assert parse("sources status") == Sources()
    assert parse("sources sync HubSpot") == Sources("sync", "hubspot")
    with pytest.raises(CommandError, match="Which source"):
        parse("sources sync")
    with pytest.raises(CommandError, match="does not take `purge`"):
        parse("sources purge")
