"""Storing one page of a live source's changes: new and edited objects become records, removed ones leave.

The order makes every crash point safe to repeat (the cursor is stored only after this returns):
1. the page's new records are embedded and added (content-addressed: adding again adds nothing);
2. the records an edit or a removal let go of are deleted, unless something else still holds them;
3. the object map is written (what each object is now).
A crash after 1 leaves records the map does not name yet; the repeated page names them. A crash after 2 leaves
the map naming deleted records with the old fingerprint; the repeated page sees the fingerprint differ and
does 1–3 again. The store never holds two versions of an edited note for longer than one page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from relbot.ingest.chunking import CHUNKER_VERSION, chunk_items
from relbot.models import Record, SourceItem
from relbot.sources.models import Change, Page
from relbot.store import source_objects
from relbot.store.database import Database
from relbot.store.source_objects import Saved

StoreRecords = Callable[[Sequence[Record]], tuple[int, int]]  # -> (added, already stored)
DeleteRecords = Callable[[Iterable[str]], None]


@dataclass
class PageReport:
    objects: int = 0  # changes in the page
    new: int = 0  # objects stored for the first time
    updated: int = 0  # objects whose content (or account) changed
    unchanged: int = 0
    removed: int = 0  # objects archived/deleted upstream whose records left the store
    unfiled: int = 0
    records_added: int = 0
    records_deleted: int = 0
    accounts: set[str] = field(default_factory=set)  # accounts whose history changed

    def add(self, other: PageReport) -> None:
        for name in ("objects", "new", "updated", "unchanged", "removed", "unfiled", "records_added",
                     "records_deleted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.accounts |= other.accounts

    def to_json(self) -> dict[str, object]:
        return {"objects": self.objects, "new": self.new, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed, "unfiled": self.unfiled, "records_added": self.records_added,
                "records_deleted": self.records_deleted, "accounts": sorted(self.accounts)}


def fingerprint(account: str, items: Sequence[SourceItem]) -> str:
    payload = json.dumps([account.casefold(), CHUNKER_VERSION, [i.model_dump(mode="json") for i in items]],
                         sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _last_per_key(changes: Sequence[Change]) -> list[Change]:
    """A page may list an object twice (edited during the sync): what it says last wins."""
    return list({c.key: c for c in changes}.values())


def apply_page(db: Database, source: str, page: Page, *, store_records: StoreRecords,
               delete_records: DeleteRecords, now: dt.datetime) -> PageReport:
    changes = _last_per_key(page.changes)
    report = PageReport(objects=len(changes))
    known = source_objects.current(db, source, [c.key for c in changes])
    saves: list[Saved] = []
    records: list[Record] = []
    leaving: list[str] = []  # objects that no longer hold records (removed, or now unfiled)
    unfiled: list[tuple[str, str]] = []
    for change in changes:
        before = known.get(change.key)
        if change.removed or change.account is None or not change.items:
            if not change.removed:
                unfiled.append((change.key, change.summary or "no account matches"))
                report.unfiled += 1
            if before is not None:
                leaving.append(change.key)
                report.removed += 1
                report.accounts.add(before.account)
            continue
        print_ = fingerprint(change.account, change.items)
        if before is not None and before.fingerprint == print_:
            report.unchanged += 1
            continue
        chunks = chunk_items(change.items, account=change.account)
        records.extend(chunks)
        saves.append(Saved(change.key, change.account, print_, tuple(r.id for r in chunks)))
        report.accounts.add(change.account)
        if before is None:
            report.new += 1
        else:
            report.updated += 1
            report.accounts.add(before.account)
    if records:
        report.records_added, _ = store_records(records)
    kept = {rid for s in saves for rid in s.record_ids}
    released = [rid for key in [*leaving, *(s.key for s in saves)] if key in known
                for rid in known[key].record_ids if rid not in kept]
    orphans = source_objects.unreferenced(db, released, source=source,
                                          leaving=[*leaving, *(s.key for s in saves)])
    if orphans:
        delete_records(orphans)
        report.records_deleted = len(orphans)
    source_objects.save(db, source, saves, now=now)
    source_objects.drop(db, source, leaving)
    source_objects.unfiled(db, source, unfiled, now=now)
    source_objects.forget_unfiled(db, source, [c.key for c in changes if c.removed])
    return report
