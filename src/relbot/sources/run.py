"""A sources run wired from the services: what `relbot sources sync` (cron, any number of hosts) and the
scheduler of `relbot serve` call. Nothing is kept between runs; the database's leases keep each sync single."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from relbot.sources.connectors import open_connector
from relbot.sources.directory import Directory
from relbot.sources.sync import SyncDeps
from relbot.store.holders import lease_owner

if TYPE_CHECKING:
    from relbot.services import Services


def sync_deps(services: Services) -> SyncDeps:
    settings = services.settings

    def directory() -> Directory:
        return Directory.build(services.state.list_accounts(), services.store.account_records,
                               settings.agency_domains)

    # The record store (and with it the embedder) opens when a page brings records, not when the scheduler is set
    # up: a sync with nothing new, or a source that fails, never loads the model.
    return SyncDeps(db=services.state.db, store_records=lambda records: services.ingestor.store_records(records),
                    delete_records=lambda ids: services.store.delete_records(ids), directory=directory,
                    connect=open_connector,
                    owner=lease_owner(), poll_every=dt.timedelta(minutes=settings.sources_poll_minutes))
