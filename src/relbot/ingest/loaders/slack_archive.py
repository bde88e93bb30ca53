"""Read access to a Slack export, whether an unzipped folder or the ``.zip`` Slack hands out."""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Protocol

from relbot.errors import LoaderError

CHANNELS_FILE = "channels.json"
REEXPORT_HINT = "export the workspace again (Slack admin: Settings → Import/Export Data) and pass the folder or .zip"
# zipfile signals damaged or unsupported archives with all of these, depending on where the damage is.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


class SlackArchive(Protocol):
    label: str  # what error messages call the export

    def read(self, name: str) -> bytes | None:
        """A file's bytes by its path inside the export, or None when absent."""
        ...

    def files_in(self, folder: str) -> list[str]:
        """Names of the files directly inside ``folder``, sorted."""
        ...


class FolderArchive:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = str(root)

    def read(self, name: str) -> bytes | None:
        path = self.root / name
        if not path.is_file():
            return None
        try:
            return path.read_bytes()
        except OSError as exc:
            raise LoaderError(f"{self.label}: cannot read {name} ({exc.strerror or exc}).") from None

    def files_in(self, folder: str) -> list[str]:
        path = self.root / folder
        return sorted(child.name for child in path.iterdir() if child.is_file()) if path.is_dir() else []


class ZipArchive:
    def __init__(self, archive: zipfile.ZipFile, label: str) -> None:
        self.archive = archive
        self.label = label
        names = [name for name in archive.namelist() if not name.startswith("__MACOSX/")]
        self._names = set(names)
        # Zips made by hand often wrap the export in a top folder; channels.json marks the real root.
        self.prefix = _export_root(names, label)

    def read(self, name: str) -> bytes | None:
        member = self.prefix + name
        return self.archive.read(member) if member in self._names else None

    def files_in(self, folder: str) -> list[str]:
        base = f"{self.prefix}{folder}/"
        return sorted(
            name[len(base) :] for name in self._names if name.startswith(base) and "/" not in name[len(base) :]
        )


def is_slack_folder(path: Path) -> bool:
    return path.is_dir() and (path / CHANNELS_FILE).is_file()


def zip_has_channels(path: Path) -> bool:
    """True when ``path`` is a readable zip holding a Slack export; LoaderError when it is damaged."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(PurePosixPath(name).name == CHANNELS_FILE for name in archive.namelist())
    except (*ZIP_ERRORS, OSError) as exc:
        raise LoaderError(f"{path}: corrupt or unreadable zip ({exc}); {REEXPORT_HINT}.") from None


def read_json(archive: SlackArchive, name: str, *, required: bool = False) -> object:
    data = archive.read(name)
    if data is None:
        if required:
            raise LoaderError(f"{archive.label}: no {name}, so this is not a Slack export; {REEXPORT_HINT}.")
        return None
    try:
        return json.loads(data)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise LoaderError(f"{archive.label}: {name} is not valid JSON ({exc}); {REEXPORT_HINT}.") from None


def _export_root(names: list[str], label: str) -> str:
    candidates = [name for name in names if PurePosixPath(name).name == CHANNELS_FILE]
    if not candidates:
        raise LoaderError(f"{label}: the zip has no {CHANNELS_FILE}, so it is not a Slack export; {REEXPORT_HINT}.")
    shallowest = min(candidates, key=lambda name: (name.count("/"), name))
    return shallowest[: -len(CHANNELS_FILE)]
