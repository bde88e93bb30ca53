"""An answer as the markdown a streamed message shows: the question, what it was drafted from, the answer.

Streams take standard markdown, not Slack's mrkdwn, so every piece of text (the question, the account, the
answer's sentences from the records or a model) passes through ``escape_markdown``. The sources follow in
Block Kit at the end of the stream (``blocks.answer_sources``).
"""

from __future__ import annotations

from relbot.drafting.models import Answer
from relbot.slack.sanitize import clip, escape_markdown

NOT_FOUND = "I could not find this in the account's history."


def answer_markdown(draft: Answer, limit: int) -> str:
    """At most ``limit`` characters (Slack's per-stream limit is 12,000)."""
    made_by = "LLM draft" if draft.generated_by == "llm" else "extractive draft"
    meta = [draft.account, f"as of {draft.as_of.isoformat()}", made_by]
    if draft.dropped_claims:
        meta.append(f"{draft.dropped_claims} uncited claim(s) dropped")
    parts = [f"**{escape_markdown(draft.question)}**", f"_{escape_markdown(' · '.join(meta))}_"]
    if draft.notice:
        parts.append(f"⚠️ {escape_markdown(draft.notice)}")
    parts.append(escape_markdown(draft.answer if draft.found else (draft.answer or NOT_FOUND)))
    return clip("\n\n".join(parts), limit)
