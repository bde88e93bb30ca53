"""Small pieces with sharp edges: account names in free text, intents, and the lookup cache."""

from __future__ import annotations

from slack_sdk import WebClient

from relbot.models import Account
from relbot.slack.account_match import find_account, strip_mentions
from relbot.slack.directory import Directory
from relbot.slack.intent import read_intent
from tests.support.fake_slack import FakeSlack

ACCOUNTS = [
    Account(name="Harbor Foods", aliases=["Harbor", "HF"]),
    Account(name="Harbor Marine", aliases=["Marine"]),
    Account(name="Lumen Health", aliases=["Lumen"]),
    Account(name="Vela Fintech", aliases=["Vela"]),
]


def test_account_named_by_name_or_alias_whole_words_only() -> None:
    assert find_account("What did we promise Lumen?", ACCOUNTS).account == ACCOUNTS[2]
    assert find_account("any news from hf this week", ACCOUNTS).account == ACCOUNTS[0]
    assert find_account("the velaroo launch", ACCOUNTS).account is None  # not a whole word


def test_the_longest_name_wins_over_an_alias_inside_it() -> None:
    assert find_account("brief me on Harbor Marine", ACCOUNTS).account == ACCOUNTS[1]
    assert find_account("brief me on Harbor Foods", ACCOUNTS).account == ACCOUNTS[0]


def test_two_accounts_named_is_ambiguous() -> None:
    match = find_account("compare Lumen and Vela", ACCOUNTS)
    assert match.account is None and {a.name for a in match.ambiguous} == {"Lumen Health", "Vela Fintech"}


def test_intents() -> None:
    assert read_intent("Brief me on Lumen") == "brief"
    assert read_intent("brief Vela") == "brief"
    assert read_intent("feedback questions for Vela") == "questions"
    assert read_intent("expectations checklist for Harbor") == "checklist"
    assert read_intent("This week's digest") == "digest"
    assert read_intent("did we send the brief to Rachel?") == "ask"


def test_mentions_are_stripped_from_the_question() -> None:
    assert strip_mentions("<@UBOT> what did we promise <@U123|maya>?") == "what did we promise  ?"


def test_user_and_channel_lookups_are_cached_briefly() -> None:
    now = [0.0]
    with FakeSlack() as fake:
        fake.add_user("U1", "Maya Chen", guest=True)
        fake.add_channel("C1", "general", shared=True)
        directory = Directory(WebClient(token="x", base_url=fake.api_url), ttl_s=60, clock=lambda: now[0])
        for _ in range(3):
            user, channel = directory.user("U1"), directory.channel("C1")
        assert user is not None and user.is_guest and user.name == "Maya Chen"
        assert channel is not None and channel.is_shared
        assert len(fake.calls_to("users.info")) == 1 and len(fake.calls_to("conversations.info")) == 1
        now[0] = 61.0
        directory.user("U1")
        assert len(fake.calls_to("users.info")) == 2
        assert directory.user("U404") is None  # a failed lookup is None: callers refuse
