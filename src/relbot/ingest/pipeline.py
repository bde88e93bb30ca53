"""Ingest files into the store: load, chunk, skip what is already stored, embed the rest."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from relbot.errors import LoaderError, RelbotError
from relbot.ingest.chunking import chunk_items, embed_text
from relbot.models import FileReport, IngestReport, Record, SourceItem, SourceKind
from relbot.store.chroma import VectorStore
from relbot.store.state import StateDB

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Path], None]


class Ingestor:
    def __init__(self, store: VectorStore, state: StateDB, *, max_file_bytes: int = 25 * 2**20) -> None:
        self._store = store
        self._state = state
        self._max_file_bytes = max_file_bytes

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        account: str | None,
        kind: SourceKind | None = None,
        default_date: dt.date | None = None,
        crm_map: dict[str, str] | None = None,
        on_file: ProgressCallback | None = None,
        source_root: Path | None = None,
    ) -> IngestReport:
        """Each file succeeds or fails alone; a failure never touches what is already stored."""
        from relbot.ingest.loaders import expand_paths, load_path

        report = IngestReport()
        for path in expand_paths(list(paths)):
            try:
                self._check_size(path)
                items = load_path(path, kind=kind, default_date=default_date, crm_map=crm_map)
                if source_root:
                    items = [_relative_source(item, source_root) for item in items]
                file_report = self.ingest_items(items, account=account, path=str(path))
            except RelbotError as exc:
                file_report = FileReport(path=str(path), status="failed", reason=str(exc))
            except Exception as exc:  # a loader bug must not stop the other files
                log.exception("Unexpected failure ingesting a file")
                file_report = FileReport(
                    path=str(path), status="failed", reason=f"unexpected error ({type(exc).__name__}); see logs"
                )
            _tally(report, file_report)
            if on_file:
                on_file(path)
        return report

    def _check_size(self, path: Path) -> None:
        # Checked before reading, so an oversized file costs no memory at all.
        size = path.stat().st_size if path.is_file() else 0
        if size > self._max_file_bytes:
            raise LoaderError(
                f"The file is {size / 2**20:.0f} MB; relbot ingests files up to "
                f"{self._max_file_bytes / 2**20:.0f} MB. Split it (per meeting, thread or month) and "
                "ingest the parts, or raise RELBOT_MAX_FILE_MB."
            )

    def ingest_items(self, items: Sequence[SourceItem], *, account: str | None, path: str) -> FileReport:
        if not items:
            raise LoaderError("The file holds no text to store (it may be empty or only headers).")
        records: list[Record] = []
        for name, group in _by_account(items, account).items():
            resolved, _ = self._state.ensure_account(name)
            records.extend(chunk_items(group, account=resolved.name))
        added, duplicate = self.store_records(records)
        return FileReport(path=path, status="ok", added=added, duplicate=duplicate)

    def store_records(self, records: Sequence[Record]) -> tuple[int, int]:
        unique = list({r.id: r for r in records}.values())
        existing = self._store.existing_ids([r.id for r in unique])
        new = [r for r in unique if r.id not in existing]
        if new:
            self._store.add_records(new, [embed_text(r) for r in new])
        return len(new), len(records) - len(new)


def _relative_source(item: SourceItem, root: Path) -> SourceItem:
    """Cite files relative to a workspace root, so citations read the same on every machine."""
    if "://" in item.source:
        return item  # a URL or Slack permalink, not a file
    try:
        relative = Path(item.source).resolve().relative_to(root.resolve())
    except ValueError:
        return item  # a file outside the root keeps its path as given
    return item.model_copy(update={"source": relative.as_posix()})


def _by_account(items: Sequence[SourceItem], account: str | None) -> dict[str, list[SourceItem]]:
    """--account wins; otherwise every item must name its account (front matter or a CRM column)."""
    if account:
        return {account: list(items)}
    groups: dict[str, list[SourceItem]] = {}
    for item in items:
        if not item.account:
            raise LoaderError(
                "This file does not say which account it belongs to; pass --account NAME "
                "(or add `account:` to its front matter)."
            )
        groups.setdefault(item.account, []).append(item)
    return groups


def _tally(report: IngestReport, file_report: FileReport) -> None:
    report.files.append(file_report)
    report.added += file_report.added
    report.duplicate += file_report.duplicate
    if file_report.status == "failed":
        report.failed.append({"path": file_report.path, "reason": file_report.reason or "failed"})
