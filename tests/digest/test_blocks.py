"""Block Kit output: one message within Slack's limits however large the workspace, with record text escaped."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from slack_sdk.models.blocks import Block

from relbot.digest.content import build_digest
from relbot.digest.models import AccountDigest, Digest, DigestItem, NarrativeLine, Severity, SignalKind
from relbot.models import Citation, SourceKind, Stage, Tier
from relbot.services import Services
from relbot.slack.digest_blocks import message, render
from relbot.slack.limits import MAX_BLOCKS, MESSAGE_TEXT
from tests.digest.conftest import TODAY, W48

HOSTILE = "<!channel> ping <@U0BOSS> see <https://evil.example|here> & <#C0GENERAL> " + "x" * 900


def _cite(n: int) -> Citation:
    return Citation(record_id=f"rec-{n}", source=f"demo/acct/emails/thread-{n}-{'y' * 80}.mbox",
                    date=dt.date(2026, 11, 1), kind=SourceKind.EMAIL)


def _account(n: int, *, exception: bool) -> AccountDigest:
    items = [DigestItem(kind=SignalKind.OVERDUE, severity=Severity.ATTENTION if exception else Severity.WATCH,
                        text=f"Item {k} of account {n}: {HOSTILE}", weight=30 - k,
                        citations=[_cite(n * 100 + k + j) for j in range(12)]) for k in range(8)]
    return AccountDigest(account=f"Account {n:02d} <!here>", tier=Tier.GOLD, stage=Stage.DEVELOPMENT, health=40,
                         health_week_before=55, last_contact=dt.date(2026, 11, 1), days_since_contact=22,
                         score=200 - n, exception=exception, items=items,
                         summary=f"health 40 · {HOSTILE}", summary_citations=[_cite(n)])


def _large() -> Digest:
    return Digest(
        recipient="U0DEMO08", week="2026-W48", week_start=W48.start, week_end=W48.end, as_of=TODAY,
        compared_with=TODAY - dt.timedelta(days=7), generated_by="llm", notice=f"Notice {HOSTILE}",
        narrative=[NarrativeLine(account=f"Account {n:02d}", text=HOSTILE, citations=[_cite(n)]) for n in range(9)],
        exceptions=[_account(n, exception=True) for n in range(30)],
        quiet=[_account(n, exception=False) for n in range(30, 60)],
    )


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        out += [e["text"] for e in b.get("elements", []) if "text" in e]
    return out


def _check_limits(blocks: list[Block]) -> list[dict[str, Any]]:
    dicts = [b.to_dict() for b in blocks]  # to_dict validates each block's own limits (raises if exceeded)
    assert 0 < len(dicts) <= MAX_BLOCKS
    for b in dicts:
        if b["type"] == "section":
            assert 1 <= len(b["text"]["text"]) <= 3_000
        if b["type"] == "context":
            assert len(b["elements"]) <= 10
    assert sum(len(t) for t in _texts(dicts)) <= MESSAGE_TEXT + 1_000  # well under Slack's ~11k refusal
    return dicts


def test_sixty_accounts_fit_one_message_and_name_what_did_not_fit() -> None:
    digest = _large()
    dicts = _check_limits(render(digest))
    text = "\n".join(_texts(dicts))
    assert "Account 00" in text and "Account 01" in text  # the top exceptions are shown in full
    assert "more need attention" in text and "Account 29" in text  # the rest are named
    assert "Quiet this week* (30)" in text
    assert text.index("Account 00") < text.index("Account 01") < text.index("Quiet this week")
    fallback, _ = message(digest)
    assert len(fallback) <= 300 and "30 need attention" in fallback


def test_record_and_model_text_cannot_ping_or_link() -> None:
    raw = json.dumps([b.to_dict() for b in render(_large())])
    for forbidden in ("<!channel>", "<!here>", "<@U0BOSS>", "<#C0GENERAL>", "<https://evil"):
        assert forbidden not in raw
    assert "&lt;!channel&gt;" in raw


def test_the_demo_digest_renders_its_exceptions_and_sources(svc: Services) -> None:
    digest = build_digest(svc, recipient=None, week=W48, today=TODAY, use_llm=False)
    dicts = _check_limits(render(digest))
    text = "\n".join(_texts(dicts))
    for name in ("Lumen Health", "Crestline Outdoor", "Oakridge Dental Group", "Harbor Foods", "Vela Fintech"):
        assert name in text
    assert "analytics-dashboard.mbox" in text and "autumn-plan.mbox" in text
    assert text.index("Lumen Health") < text.index("Crestline Outdoor") < text.index("Quiet this week")
