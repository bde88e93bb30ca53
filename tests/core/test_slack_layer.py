"""One Slack layer (issue 16): Slack is spoken only in ``relbot.slack`` and at the serving entry point.

- The core (``ingest``, ``store``, ``retrieval``, ``drafting``, ``analysis``, ``digest``, ``calendar``,
  ``sources``, ``eval``, ``render``, and the top-level modules: ``services``, ``models``, ``domain``, …) never
  imports ``relbot.slack``: it returns data and calls protocols (``digest.delivery.DigestMessenger``,
  ``calendar.pusher.Messenger``) that the Slack layer implements and the entry points hand in.
- The CLI's command modules (``relbot.cli_commands.*``) are surfaces: they may use the Slack layer, through its
  functions and classes (``slack.webclient.build_web_client``, ``slack.digest_messenger.SlackDigestMessenger``…),
  but never Slack's SDK itself.
- ``slack_sdk`` and ``slack_bolt`` are imported only under ``relbot.slack`` and by the serving entry point
  (``relbot.cli_commands.serve``, allowed by name).

Every import counts, wherever it is written (inside functions, under ``if TYPE_CHECKING:``), as in
test_import_cycles.py, whose graph this reuses for the imports between relbot's modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

import pytest

from tests.core.test_import_cycles import PACKAGE, SRC, build_graph

SLACK_LAYER = "relbot.slack"
SURFACES = ("relbot.cli_commands",)  # may import the Slack layer, not the SDK
SDK_ENTRY_POINTS = frozenset({"relbot.cli_commands.serve"})  # may import the SDK too
SLACK_SDKS = ("slack_sdk", "slack_bolt")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _module_name(path_parts: tuple[str, ...]) -> str:
    parts = list(path_parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sdk_imports(tree: ast.Module) -> Iterable[tuple[str, int]]:
    """(module, line) of every import of slack_sdk or slack_bolt in the file, wherever it sits; also
    ``importlib.import_module("slack_…")`` with a literal name."""
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
              and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]
        for name in names:
            if any(_within(name, sdk) for sdk in SLACK_SDKS):
                yield name, node.lineno


def sdk_importers(sources: Mapping[str, str]) -> dict[str, list[tuple[str, int]]]:
    """Module -> its imports of Slack's SDK, for the modules given as (dotted name -> source text)."""
    found = {}
    for module, text in sources.items():
        hits = list(sdk_imports(ast.parse(text)))
        if hits:
            found[module] = hits
    return found


def _sources() -> dict[str, str]:
    return {_module_name(path.relative_to(SRC).with_suffix("").parts): path.read_text(encoding="utf-8")
            for path in sorted((SRC / PACKAGE).rglob("*.py"))}


def sdk_violations(importers: Mapping[str, list[tuple[str, int]]]) -> list[str]:
    return [f"{module} imports {name} (line {line})"
            for module, hits in sorted(importers.items())
            if not _within(module, SLACK_LAYER) and module not in SDK_ENTRY_POINTS
            for name, line in hits]


def layer_violations(graph: Mapping[str, Iterable[str]], lines: Mapping[tuple[str, str], list[int]]) -> list[str]:
    return [f"{module} imports {target} (line {lines[(module, target)][0]})"
            for module, targets in sorted(graph.items())
            if not _within(module, SLACK_LAYER) and not any(_within(module, s) for s in SURFACES)
            for target in sorted(targets) if _within(target, SLACK_LAYER)]


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return _sources()


def test_the_scan_sees_every_kind_of_sdk_import() -> None:
    """Guards the scanner: a plain, a from-, a function-level, a TYPE_CHECKING and an import_module import."""
    code = """
from __future__ import annotations
import json
from typing import TYPE_CHECKING
import slack_sdk.errors
from slack_bolt import App
if TYPE_CHECKING:
    from slack_sdk import WebClient
def f():
    from slack_sdk.models.blocks import Block
    import importlib
    return importlib.import_module("slack_bolt.adapter")
import slack_sdkish  # another package whose name merely starts the same
"""
    [(_, hits)] = sdk_importers({"relbot.digest.x": code}).items()
    assert [name for name, _ in hits] == ["slack_sdk.errors", "slack_bolt", "slack_sdk", "slack_sdk.models.blocks",
                                          "slack_bolt.adapter"]
    assert sdk_violations({"relbot.digest.x": hits, "relbot.slack.y": hits, "relbot.cli_commands.serve": hits,
                           "relbot.cli_commands.digest": hits[:1]}) == [
        "relbot.cli_commands.digest imports slack_sdk.errors (line 5)",
        *(f"relbot.digest.x imports {name} (line {line})" for name, line in hits)]


def test_the_scan_sees_the_real_tree(sources: dict[str, str]) -> None:
    importers = sdk_importers(sources)
    assert "relbot.slack.blocks" in importers and "relbot.slack.app" in importers
    edges, _ = build_graph()
    assert "relbot.slack.digest_messenger" in edges["relbot.cli_commands.digest"]  # inside a function


def test_slack_sdk_and_bolt_are_imported_only_by_the_slack_layer_and_the_serving_entry_point(
    sources: dict[str, str],
) -> None:
    violations = sdk_violations(sdk_importers(sources))
    assert not violations, ("Slack's SDK outside relbot.slack: render or post through the Slack layer instead "
                            "(a protocol in the core, implemented in relbot/slack/):\n" + "\n".join(violations))


def test_the_core_never_imports_the_slack_layer() -> None:
    edges, lines = build_graph()
    violations = layer_violations(edges, lines)
    assert not violations, ("the core imports relbot.slack: return data (or call a protocol) and let the Slack "
                            "layer render and post it; only relbot.slack and the CLI's commands may import it:\n"
                            + "\n".join(violations))


def test_the_allowed_names_exist(sources: dict[str, str]) -> None:
    """A renamed entry point or surface must not leave a stale exemption behind."""
    assert all(name in sources for name in SDK_ENTRY_POINTS)
    assert all(name in sources for name in SURFACES)
