"""LLM-path fixtures: a local OpenAI-compatible server and settings pointing the real openai client at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from relbot.config import Settings, load_settings
from relbot.drafting.llm import LlmDrafter
from tests.support.fake_openai import TEST_API_KEY, FakeOpenAI


@pytest.fixture()
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture()
def llm_settings(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # Through the environment, as a user would configure it; short timeouts keep the suite fast.
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)
    monkeypatch.setenv("RELBOT_LLM_TIMEOUT_S", "1")
    monkeypatch.setenv("RELBOT_LLM_MAX_RETRIES", "0")
    monkeypatch.delenv("RELBOT_PROMPTS_DIR", raising=False)
    return load_settings()


@pytest.fixture()
def drafter(llm_settings: Settings) -> LlmDrafter:
    return LlmDrafter(llm_settings)
