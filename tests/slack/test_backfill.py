"""Linking a channel imports its recent history (threads included) once; a backfill killed with SIGKILL
resumes from its checkpoint and ends with exactly the records of a clean run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from relbot.slack.backfill import BackfillProgress
from relbot.store.state import StateDB
from tests.slack.conftest import GENERAL, TOKEN, Relbot
from tests.support.fake_slack import BOT_ID, FakeSlack

BEN = "U0DEMO07"  # on Lumen Health's team
RACHEL = "U0DEMO03"


def _ts(hours_ago: float, n: int = 0) -> str:
    return f"{time.time() - hours_ago * 3600:.0f}.{n:06d}"


def _lumen(relbot: Relbot, needle: str) -> list[str]:
    return [r.text for r in relbot.services.store.account_records("Lumen Health") if needle in r.text]


def test_linking_a_channel_imports_its_recent_history_once(relbot: Relbot) -> None:
    fake = relbot.fake
    parent = _ts(48)
    fake.add_message(GENERAL, {"type": "message", "user": BEN, "text": "Kiosk rollout agreed for May.", "ts": parent})
    fake.add_message(GENERAL, {"type": "message", "user": RACHEL, "text": "Confirmed: budget sign-off on the 14th.",
                               "ts": _ts(24)})
    fake.add_message(GENERAL, {"type": "message", "subtype": "channel_join", "user": BEN, "text": "joined",
                               "ts": _ts(23)})
    fake.add_message(GENERAL, {"type": "message", "bot_id": BOT_ID, "text": "A brief for Lumen", "ts": _ts(22)})
    fake.add_message(GENERAL, {"type": "message", "user": BEN, "text": "Old news from last spring.",
                               "ts": _ts(24 * 200)})  # outside RELBOT_BACKFILL_DAYS (90)
    reply_ts = _ts(47)
    fake.add_message(GENERAL, {"type": "message", "user": RACHEL, "text": "Kiosk signage goes to print Friday.",
                               "ts": reply_ts}, thread_ts=parent)

    relbot.command("link Lumen Health", channel=GENERAL)
    done = fake.wait_for("response_url", 2)[1]
    assert "Imported 3 earlier message(s)" in done.text()
    assert len(_lumen(relbot, "Kiosk rollout agreed")) == 1
    assert len(_lumen(relbot, "signage goes to print")) == 1  # a thread reply
    assert _lumen(relbot, "Old news") == [] and _lumen(relbot, "A brief for Lumen") == []
    # Permalinks are built from the workspace URL, not fetched one API call per message.
    assert fake.calls_to("chat.getPermalink") == []
    [reply] = [r for r in relbot.services.store.account_records("Lumen Health") if "signage" in r.text]
    assert reply.source == (f"https://brightline.slack.com/archives/{GENERAL}/p{reply_ts.replace('.', '')}"
                            f"?thread_ts={parent}&cid={GENERAL}")

    relbot.command("link Lumen Health", channel=GENERAL, key="again")  # linking again stores nothing twice
    again = fake.wait_for("response_url", 2, where=lambda c: "again" in c.path)[1]
    assert "Imported 0 earlier message(s)" in again.text()
    assert len(_lumen(relbot, "Kiosk rollout agreed")) == 1


def test_a_channel_relbot_is_not_in_is_linked_and_the_user_told_to_invite(relbot: Relbot) -> None:
    relbot.fake.add_channel("C0NOTIN01", "lumen-war-room", member=False)
    relbot.command("link Lumen Health", channel="C0NOTIN01")
    [reply] = relbot.fake.wait_for("response_url")
    assert "Invite me" in reply.text() and "link again" in reply.text()
    assert relbot.fake.calls_to("conversations.history") == []


# -- crash safety ------------------------------------------------------------------------------------------
CHANNEL = "C0BACKFIL"
MESSAGES = 500


def _channel_with_history(fake: FakeSlack) -> None:
    fake.add_channel(CHANNEL, "acme-client")
    fake.add_user(BEN, "Ben Okafor")
    for n in range(MESSAGES):
        fake.add_message(CHANNEL, {"type": "message", "user": BEN, "ts": _ts(MESSAGES - n, n),
                                   "text": f"Update {n}: the Acme launch item {n * 7919 % 1000} is on track."})


def _backfill(data_dir: Path, models_dir: Path, fake: FakeSlack) -> subprocess.Popen[str]:
    env = {**os.environ, "RELBOT_DATA_DIR": str(data_dir), "RELBOT_MODELS_DIR": str(models_dir),
           "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.api_url}
    subprocess.run([sys.executable, "-m", "relbot", "accounts", "add", "Acme"], env=env, check=True,
                   capture_output=True)
    return subprocess.Popen(
        [sys.executable, "-m", "relbot", "accounts", "link", "Acme", CHANNEL, "--backfill"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _saved_messages(data_dir: Path) -> int:
    try:
        with sqlite3.connect(f"file:{data_dir / 'state.sqlite3'}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM slack_messages").fetchone()[0])
    except sqlite3.Error:
        return 0


def _stored_ids(data_dir: Path, models_dir: Path) -> list[str]:
    from relbot.config import load_settings
    from relbot.services import build_services

    svc = build_services(load_settings(data_dir=data_dir, models_dir_override=models_dir))
    return sorted(svc.store.account_record_ids("Acme"))


def test_sigkill_mid_backfill_then_resume_matches_a_clean_run(tmp_path: Path, models_dir: Path) -> None:
    with FakeSlack() as fake:
        _channel_with_history(fake)
        clean = _backfill(tmp_path / "clean", models_dir, fake)
        out, err = clean.communicate(timeout=600)
        assert clean.returncode == 0, err
        assert f"Imported {MESSAGES} message(s)" in out
        expected = _stored_ids(tmp_path / "clean", models_dir)
        assert len(expected) == MESSAGES

        crash_dir = tmp_path / "crash"
        victim = _backfill(crash_dir, models_dir, fake)
        deadline = time.monotonic() + 300
        # Past the first page (200 messages, checkpointed), short of the end: a genuine mid-run crash.
        while _saved_messages(crash_dir) < 260 and victim.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=60)
        partial = _stored_ids(crash_dir, models_dir)
        assert 200 < len(partial) < MESSAGES, "the kill should land mid-run"

        # What `relbot serve` does at start-up: resume every unfinished backfill.
        from slack_sdk import WebClient

        from relbot.config import load_settings
        from relbot.services import build_services
        from relbot.slack.backfill import build_backfill

        svc = build_services(load_settings(data_dir=crash_dir, models_dir_override=models_dir))
        backfill = build_backfill(svc, WebClient(token=TOKEN, base_url=fake.api_url))
        assert backfill.pending() == [CHANNEL]
        before = len(fake.calls_to("conversations.history"))
        backfill.resume_all()
        first_call = fake.calls_to("conversations.history")[before]
        assert first_call.args.get("cursor"), "the resumed run starts from its checkpoint, not page one"
        assert backfill.pending() == []
        assert sorted(svc.store.account_record_ids("Acme")) == expected


def test_linking_again_resumes_an_unfinished_backfill_and_a_finished_one_restarts(tmp_path: Path) -> None:
    from sqlalchemy import text

    from relbot.slack.backfill import Backfill

    state = StateDB(tmp_path / "state.sqlite3")
    backfill = Backfill(state=state, client=None, capture=None, days=90)  # type: ignore[arg-type]
    backfill.start("Acme", "C1")
    with state.db.write() as db:  # as after page one
        db.execute(text("UPDATE slack_backfills SET cursor = 'offset:200', saved = 200, pages = 1"))
    backfill.start("Acme", "C1")
    assert backfill.progress("C1") == BackfillProgress("C1", "Acme", 200, 1, False)
    with state.db.write() as db:
        db.execute(text("UPDATE slack_backfills SET cursor = NULL, finished_at = '2026-11-23T10:00:00+00:00'"))
    backfill.start("Acme", "C1")
    assert backfill.progress("C1") == BackfillProgress("C1", "Acme", 0, 0, False)
    assert backfill.pending() == ["C1"]


def test_a_refused_history_is_a_specific_message_and_the_plan_stays_resumable(services) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from slack_sdk import WebClient

    from relbot.errors import BackfillError
    from relbot.slack.backfill import build_backfill

    with FakeSlack() as fake:
        backfill = build_backfill(services, WebClient(token=TOKEN, base_url=fake.api_url))
        backfill.start("Acme", "C0GONE001")  # a channel Slack does not know
        with pytest.raises(BackfillError) as err:
            backfill.run("C0GONE001")
    assert "channel_not_found" in str(err.value) and "resume" in str(err.value)
    assert backfill.pending() == ["C0GONE001"]  # nothing lost: the next start tries again
