from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest

from relbot.errors import LoaderError
from relbot.ingest.loaders import detect_kind, load_path
from relbot.ingest.loaders.slack_text import render
from relbot.models import SourceItem, SourceKind

THREAD = "acme-project:1709629200.000200"


def _zip(folder: Path, archive: Path, *, top: str = "") -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, top + file.relative_to(folder).as_posix())
    return archive


def _summary(items: list[SourceItem]) -> list[tuple[str | None, str, str | None, str]]:
    return [(item.author, item.text, item.thread, item.source) for item in items]


def test_folder_export(sources: Path) -> None:
    items = load_path(sources / "slack-export")
    assert [(item.author, item.text) for item in items] == [
        ("Dana Smith", "@Ravi P can you confirm the launch date for the spring campaign?"),
        ("Ravi P", "Launch is April 2, pending legal sign-off."),
        ("Sam Guest", "Legal signed off this morning :tada:"),  # next day's reply stays with its thread
        ("Ravi P", "Uploaded the revised assets to the shared drive & tagged #acme-project <final>"),
        ("Dana Smith", "Thanks all. @here kickoff moves to Thursday."),
        ("Ravi P", "Office closed Friday for the offsite."),
    ]
    assert [item.thread for item in items[:3]] == [THREAD] * 3
    assert items[3].thread == "acme-project:1709632800.000300"
    assert [item.position for item in items] == list(range(6))
    assert [item.title for item in items] == ["#acme-project"] * 5 + ["#general"]
    assert [item.date for item in items[:3]] == [dt.date(2024, 3, 5), dt.date(2024, 3, 5), dt.date(2024, 3, 6)]
    assert items[0].source == "slack-export://acme-project/p1709629200000200"
    assert items[5].source == "https://agency.slack.com/archives/C02GEN/p1709640000000100"
    assert all(item.kind == SourceKind.SLACK for item in items)
    assert not any("joined" in item.text or "left the channel" in item.text for item in items)


def test_zipped_export_matches_folder(sources: Path, tmp_path: Path) -> None:
    folder = sources / "slack-export"
    # Hand-made zips often wrap the export in a top folder; Slack's own do not. Both must read the same.
    for top in ("", "Acme Slack export Mar 2024/"):
        archive = _zip(folder, tmp_path / f"export{len(top)}.zip", top=top)
        assert detect_kind(archive) == SourceKind.SLACK
        assert _summary(load_path(archive)) == _summary(load_path(folder))


def test_folder_without_channels_json(sources: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(sources / "slack-export", folder)
    (folder / "channels.json").unlink()
    with pytest.raises(
        LoaderError, match=r"no channels\.json, so this is not a Slack export; export the workspace again"
    ):
        load_path(folder, kind=SourceKind.SLACK)
    with pytest.raises(LoaderError, match="not a Slack export; pass the files inside it"):
        detect_kind(folder)


def test_corrupt_zip(sources: Path, tmp_path: Path) -> None:
    good = _zip(sources / "slack-export", tmp_path / "good.zip").read_bytes()
    archive = tmp_path / "export.zip"
    archive.write_bytes(good[: len(good) // 2])  # a download cut short
    with pytest.raises(LoaderError, match=r"corrupt or unreadable zip .*export the workspace again"):
        load_path(archive)


def test_bad_json_names_the_file(sources: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(sources / "slack-export", folder)
    (folder / "general" / "2024-03-05.json").write_text('[{"ts": "1709640000.1", "text": "hi"', encoding="utf-8")
    with pytest.raises(LoaderError, match=r"general/2024-03-05\.json is not valid JSON"):
        load_path(folder)


def test_message_without_ts_is_reported(sources: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(sources / "slack-export", folder)
    (folder / "general" / "2024-03-05.json").write_text('[{"user": "U01DANA", "text": "hi"}]', encoding="utf-8")
    with pytest.raises(LoaderError, match=r"general/2024-03-05\.json: message 1 has no valid 'ts'"):
        load_path(folder)


def test_render_tokens() -> None:
    users = {"U1": "Dana Smith"}
    channels = {"C1": "acme"}
    text = (
        "<@U1> <@U9|ravi> <#C1> <!channel> <!subteam^S1|@design> "
        "<mailto:a@b.example|a@b.example> <https://x.example> 1 &lt; 2"
    )
    assert render(text, users=users, channels=channels) == (
        "@Dana Smith @ravi #acme @channel @design a@b.example https://x.example 1 < 2"
    )


def test_listing_cannot_point_outside_the_export(sources: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(sources / "slack-export", folder)
    outside = tmp_path / "secrets"
    outside.mkdir()
    (outside / "2024-01-01.json").write_text('[{"user": "U01DANA", "text": "private", "ts": "1704067200.1"}]')
    (folder / "groups.json").write_text('[{"id": "G1", "name": "../secrets"}]', encoding="utf-8")
    assert not any(item.text == "private" for item in load_path(folder))


def test_listing_of_wrong_shape(sources: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(sources / "slack-export", folder)
    (folder / "users.json").write_text('{"U01DANA": "Dana"}', encoding="utf-8")
    with pytest.raises(LoaderError, match=r"users\.json should hold a JSON list"):
        load_path(folder)
