"""With RELBOT_CHROMA_URL set relbot uses a Chroma server; losing it gives a clear error, then recovers."""

from __future__ import annotations

from pathlib import Path

import pytest

from relbot.config import load_settings
from relbot.errors import StoreUnavailableError
from relbot.ingest.chunking import chunk_items
from relbot.models import SourceItem, SourceKind
from relbot.services import build_services
from tests.support.chroma_server import ChromaServer


@pytest.fixture()
def chroma(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = ChromaServer(tmp_path / "chroma-server").start()
    yield server
    server.stop()


def test_server_loss_is_a_clear_error_and_the_process_recovers(chroma: ChromaServer, data_env: Path) -> None:
    svc = build_services(load_settings(chroma_url=chroma.url))
    svc.state.ensure_account("Orbit")
    item = SourceItem(text="Client approved the Q3 plan.", kind=SourceKind.NOTE, source="n.md", position=0)
    svc.ingestor.store_records(chunk_items([item], account="Orbit"))
    assert not (data_env / "chroma").exists(), "server mode must not create a local store"
    assert svc.retriever.search("Orbit", "Q3 plan approved")[0].text == "Client approved the Q3 plan."

    chroma.stop()
    with pytest.raises(StoreUnavailableError) as err:
        svc.retriever.search("Orbit", "Q3 plan approved")
    assert "not answering" in str(err.value) and "RELBOT_CHROMA_URL" in str(err.value)

    chroma.start()
    assert svc.retriever.search("Orbit", "Q3 plan approved")[0].text == "Client approved the Q3 plan."


def test_unreachable_server_at_start_is_a_clean_cli_error(data_env: Path, capsys, monkeypatch) -> None:
    from relbot.cli import main
    from tests.support.chroma_server import free_port

    monkeypatch.setenv("RELBOT_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    main(["accounts", "add", "Orbit"])
    code = main(["search", "plan", "--account", "Orbit"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Cannot reach the Chroma server" in err and "Traceback" not in err
