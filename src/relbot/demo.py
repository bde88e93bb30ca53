"""The demo workspace: a fictional agency's accounts and history, built into the data dir."""

from __future__ import annotations

from pathlib import Path

import yaml

from relbot.errors import ConfigError
from relbot.models import Account, IngestReport
from relbot.resources import bundled_dir
from relbot.services import Services


def default_demo_dir() -> Path:
    return bundled_dir("demo")


def load_demo_accounts(demo_dir: Path) -> list[Account]:
    path = demo_dir / "accounts.yaml"
    if not path.is_file():
        raise ConfigError(f"The demo workspace is missing ({path}); reinstall relbot from its wheel.")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [Account.model_validate(a) for a in data.get("accounts", [])]


def account_folder(demo_dir: Path, account: Account) -> Path:
    return demo_dir / account.name.lower().replace(" ", "-")


def build_demo(services: Services, demo_dir: Path | None = None) -> IngestReport:
    """Idempotent: accounts are upserted and records are content-addressed, so a rebuild adds nothing."""
    demo_dir = demo_dir or default_demo_dir()
    total = IngestReport()
    for account in load_demo_accounts(demo_dir):
        services.state.upsert_account(account)
        report = services.ingestor.ingest_paths(
            [account_folder(demo_dir, account)], account=account.name, source_root=demo_dir.parent
        )
        total.added += report.added
        total.duplicate += report.duplicate
        total.failed += report.failed
        total.files += report.files
    return total
