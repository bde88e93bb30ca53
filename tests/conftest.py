"""Shared fixtures: one exported embedding model per test session, fresh data dirs per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Exporting to ONNX takes ~10 s; do it once and share it across every test's data dir.
    shared = os.environ.get("RELBOT_TEST_MODELS_DIR")
    return Path(shared) if shared else tmp_path_factory.mktemp("models")


@pytest.fixture()
def data_env(tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A clean environment: empty data dir, no Slack or OpenAI credentials."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RELBOT_CHROMA_URL", "SLACK_BOT_TOKEN",
                 "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("RELBOT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RELBOT_MODELS_DIR", str(models_dir))
    yield data_dir


@pytest.fixture()
def services(data_env: Path):  # type: ignore[no-untyped-def]
    from relbot.config import load_settings
    from relbot.services import build_services

    return build_services(load_settings())


@pytest.fixture(scope="session")
def embedder(models_dir: Path):  # type: ignore[no-untyped-def]
    from relbot.embeddings import OnnxMiniLM

    return OnnxMiniLM(models_dir)


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Path:
    """The demo workspace built once per session (about 30 s of embedding); copy it, never write to it."""
    from relbot.config import load_settings
    from relbot.demo import build_demo
    from relbot.services import build_services

    data_dir = tmp_path_factory.mktemp("demo-build") / "data"
    report = build_demo(build_services(load_settings(data_dir=data_dir, models_dir_override=models_dir)))
    assert report.ok, report.failed
    return data_dir


def copy_demo(demo_build: Path, target: Path) -> Path:
    """A private, writable copy of the built demo data dir."""
    import shutil

    shutil.copytree(demo_build, target, ignore=shutil.ignore_patterns("models"))
    return target


@pytest.fixture()
def demo_services(demo_build: Path, data_env: Path):  # type: ignore[no-untyped-def]
    """Services over a fresh copy of the demo workspace (each test may write to it)."""
    from relbot.config import load_settings
    from relbot.services import build_services

    copy_demo(demo_build, data_env)
    return build_services(load_settings())


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One real PostgreSQL server for the session (see tests/support/postgres.py)."""
    from tests.support.postgres import PostgresServer, postgres_bin

    if postgres_bin() is None:
        if os.environ.get("RELBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL binaries are missing (apt install postgresql) and RELBOT_REQUIRE_POSTGRES=1")
        pytest.skip("PostgreSQL binaries not installed")
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(params=["sqlite", "postgresql"])
def state_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's state database lives: a SQLite file, then a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        return tmp_path / "state.sqlite3"
    server = request.getfixturevalue("postgres")
    return str(server.create_database())


@pytest.fixture()
def demo_dm_slack():  # type: ignore[no-untyped-def]
    """The local Slack Web API with the demo's users and DMs that keep what was posted (tests/digest/fake_dm.py)."""
    from tests.digest.fake_dm import DigestSlack

    fake = DigestSlack()
    fake.start()
    try:
        fake.load_demo(REPO / "demo")
        yield fake
    finally:
        fake.stop()
