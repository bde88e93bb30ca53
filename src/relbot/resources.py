"""Where the bundled playbook (knowledge/), LLM prompts (prompts/) and demo workspace (demo/) are.

The three folders live at the top of the repository. A wheel carries copies of them inside the package, as
relbot/_data/<name> (pyproject.toml maps them there at build time), so an installed relbot finds them in any
working directory. A checkout or an editable install has no _data folder and reads the repository's own
folders, so an edit to the playbook takes effect without a rebuild. RELBOT_KNOWLEDGE_DIR and RELBOT_PROMPTS_DIR
replace the bundled knowledge/ and prompts/ (Services.knowledge_dir, the LLM drafter).
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path
from typing import Literal

from relbot.errors import ConfigError

Bundled = Literal["knowledge", "prompts", "demo"]

# The setting that replaces each folder, named in the error when neither copy exists.
_SETTING: dict[Bundled, str | None] = {
    "knowledge": "RELBOT_KNOWLEDGE_DIR",
    "prompts": "RELBOT_PROMPTS_DIR",
    "demo": None,
}


def bundled_dir(name: Bundled) -> Path:
    """The folder `name` shipped with relbot: inside the installed package, else beside the checkout's src/."""
    package = files("relbot")
    # A wheel installs as plain files, so this is a real folder; a zip import (zipapp, egg) would not be, and
    # Chroma, glob and the loaders need real paths.
    if not isinstance(package, Path):
        raise ConfigError(f"relbot is imported from an archive ({package}); install it with pip instead.")
    installed = package / "_data" / name
    if installed.is_dir():
        return installed
    # src/relbot -> the checkout root; pyproject.toml tells a checkout from site-packages, whose parent
    # folders could hold an unrelated "demo" or "knowledge".
    checkout = package.parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    setting = _SETTING[name]
    hint = f", or set {setting} to a folder holding your own" if setting else ""
    raise ConfigError(
        f"relbot's bundled {name}/ folder is missing (looked in {installed} and {checkout / name}); "
        f"reinstall relbot from its wheel{hint}."
    )


def configured_dir(name: Bundled, override: Path | None) -> Path:
    """`override` (the folder a setting names) when given, else the bundled folder."""
    if override is None:
        return bundled_dir(name)
    if not override.is_dir():
        raise ConfigError(f"{_SETTING[name] or name} names {override}, which is not a folder.")
    return override


def main(argv: list[str]) -> int:
    """`python -m relbot.resources knowledge|prompts|demo` prints the folder, e.g. to copy it and edit the copy."""
    names = tuple(_SETTING)
    chosen = next((name for name in names if argv == [name]), None)
    if chosen is None:
        print(f"usage: python -m relbot.resources {'|'.join(names)}", file=sys.stderr)
        return 2
    try:
        print(bundled_dir(chosen))
    except ConfigError as exc:
        print(f"relbot: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
