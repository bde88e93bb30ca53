"""`/relbot sources` and the App Home's Live sources section as an admin and as anyone else meets them: signed
commands into the real app, Web API calls recorded by the local Slack. A source's secret is never shown: only
the name of the variable that holds it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relbot.sources.config import HubSpotConfig, ImapConfig, SecretRef
from relbot.sources.registry import add_source
from relbot.store import sources
from relbot.store.schema import sources as table
from tests.slack import payloads
from tests.slack.conftest import ADMIN, GENERAL, MAYA, Relbot
from tests.support.fake_slack import Call

TOKEN_VALUE = "pat-na1-5ecret-0000-1111"


@pytest.fixture()
def with_sources(relbot: Relbot, monkeypatch: pytest.MonkeyPatch) -> Relbot:
    monkeypatch.setenv("HUBSPOT_TOKEN", TOKEN_VALUE)
    db = relbot.services.state.db
    now = dt.datetime.now(dt.UTC)
    add_source(db, name="hubspot", config=HubSpotConfig(token=SecretRef(env="HUBSPOT_TOKEN")), added_by="cli",
               now=now)
    add_source(db, name="inbox", config=ImapConfig(host="imap.agency.example", username="relbot",
                                                   password=SecretRef(env="IMAP_PASSWORD")), added_by="cli", now=now)
    with db.write() as conn:  # the inbox failed three times in a row, as the scheduler would have recorded
        conn.execute(table.update().where(table.c.name == "inbox").values(
            failures=3, last_error="the IMAP server refused the login for relbot: check the password",
            next_sync_at=(now + dt.timedelta(hours=1)).isoformat(timespec="seconds")))
    return relbot


def reply(relbot: Relbot, text: str, *, user: str) -> Call:
    before = len(relbot.fake.calls_to("response_url"))
    ack = relbot.command(text, user=user, channel=GENERAL)
    assert ack.status == 200 and ack.json()["response_type"] == "ephemeral"
    post = relbot.fake.wait_for("response_url", before + 1)[-1]
    assert post.args["response_type"] == "ephemeral"
    return post


def test_an_admin_sees_each_source_its_health_and_where_its_secret_lives(with_sources: Relbot) -> None:
    text = reply(with_sources, "sources", user=ADMIN).text()
    assert "*hubspot* (hubspot, api.hubapi.com)" in text and "0 stored, 0 unfiled" in text
    assert ":rotating_light: *inbox*" in text and "failing (3 in a row" in text and "refused the login" in text
    assert TOKEN_VALUE not in json.dumps([c.args for c in with_sources.fake.calls])


def test_anyone_else_is_told_it_is_for_admins_and_sees_nothing_of_it(with_sources: Relbot) -> None:
    text = reply(with_sources, "sources", user=MAYA).text()
    assert "Only relbot admins" in text and "inbox" not in text and "hubspot" not in text


def test_sources_sync_makes_the_source_due_for_the_scheduler(with_sources: Relbot) -> None:
    db = with_sources.services.state.db
    text = reply(with_sources, "sources sync inbox", user=ADMIN).text()
    assert "will sync within a minute" in text
    row = sources.get(db, "inbox")
    assert row is not None and row.next_sync_at <= dt.datetime.now(dt.UTC)
    assert "There is no source named `nope`" in reply(with_sources, "sources sync nope", user=ADMIN).text()
    assert "Only relbot admins" in reply(with_sources, "sources sync inbox", user=MAYA).text()


def test_the_app_home_shows_live_sources_to_admins_only(with_sources: Relbot) -> None:
    with_sources.sender.event(payloads.home_opened(ADMIN))
    admin_home = with_sources.fake.wait_for("views.publish")[-1].text()
    assert "Live sources" in admin_home and "*inbox*" in admin_home and "failing (3 in a row" in admin_home
    with_sources.sender.event(payloads.home_opened(MAYA))
    maya_home = with_sources.fake.wait_for("views.publish", 2)[-1].text()
    assert "Live sources" not in maya_home and "inbox" not in maya_home
