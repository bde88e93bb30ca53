"""No import cycle between relbot's modules or packages (issue 16).

The graph is built statically: every ``.py`` file under ``src/relbot`` is parsed with ``ast`` and each
``import relbot.…`` / ``from relbot.… import …`` / relative ``from . import …`` is resolved to the module it
loads (``from relbot.store import feedback`` is ``relbot.store.feedback``; ``from relbot.store.state import
StateDB`` is ``relbot.store.state``). Every import counts, wherever it is written:

- imports inside functions (the lazy ones that keep start-up fast) still make the importer depend on the
  imported module, and a cycle through them is a cycle of responsibilities even when Python tolerates it;
- imports under ``if TYPE_CHECKING:`` count too: they never run, but the importer's types are made of the
  imported module's, so the two cannot be understood (or type-checked) apart. ``drafting/service.py`` needing
  ``services.py`` only for an annotation was exactly the cycle the issue named.

(Imports by a string, ``importlib.import_module("relbot.…")``, are not seen; relbot has none.)

Two checks run on that graph:

- modules: no strongly connected set of modules;
- packages, at every level: the children of a package (its modules and subpackages, each subpackage standing
  for everything under it) import each other without a cycle. At the top level the nodes are relbot's
  first-level subpackages (``relbot.drafting``, ``relbot.analysis``, …) and its top-level modules
  (``relbot.services``, ``relbot.embeddings``, …): ``analysis`` importing ``drafting`` while ``drafting`` imports
  ``analysis`` is a cycle even when no single module imports back.

Known cycles are listed once, in pyproject.toml (``[tool.importlinter]``'s ``ignore_imports``), as the module
imports that close them; each must still exist (remove it from the list when its cycle is broken), and any
other cycle fails. The same contract runs through import-linter (``lint-imports``, the dev extra), whose
graph (grimp) must agree with this one.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGE = "relbot"

Graph = dict[str, set[str]]


# -- the graph ---------------------------------------------------------------------------------------------
def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _resolve(name: str, modules: Mapping[str, object]) -> str | None:
    """The module an import of ``name`` loads: the longest prefix that is a module (``a.b.func`` -> ``a.b``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imported_names(tree: ast.Module, module: str, is_package: bool) -> Iterable[tuple[str, int]]:
    """(dotted name, line) of every import in the file, wherever it sits (functions, TYPE_CHECKING blocks)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                # ``from a import b`` loads ``a.b`` when b is a module, else ``a``: _resolve decides.
                yield f"{source}.{alias.name}", node.lineno


def build_graph() -> tuple[Graph, dict[tuple[str, str], list[int]]]:
    """Module -> the relbot modules it imports; and the lines of each import, for the messages."""
    modules = _modules()
    graph: Graph = {name: set() for name in modules}
    lines: dict[tuple[str, str], list[int]] = {}
    for name, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for imported, line in _imported_names(tree, name, is_package):
            if imported != PACKAGE and not imported.startswith(PACKAGE + "."):
                continue
            target = _resolve(imported, modules)
            if target is None or target == name:
                continue
            graph[name].add(target)
            lines.setdefault((name, target), []).append(line)
    return graph, lines


def known_cycle_imports() -> set[tuple[str, str]]:
    """The allow-list: pyproject.toml's import-linter contract ignores these imports (and so does this test)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "acyclic_siblings"]
    pairs = set()
    for entry in contract.get("ignore_imports", []):
        importer, _, imported = (part.strip() for part in entry.partition("->"))
        pairs.add((importer, imported))
    return pairs


# -- cycles ------------------------------------------------------------------------------------------------
def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative); only the components of two or more nodes, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def one_cycle(graph: Mapping[str, Iterable[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first node, for the message: [a, b, ..., a]."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*paths[node], start]
            if nxt in members and nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    raise AssertionError(f"no cycle through {start}")  # a strongly connected component always has one


def sibling_graphs(graph: Graph) -> dict[str, Graph]:
    """For every package: its children (modules and subpackages, each standing for all below it), and which
    import which. ``relbot``'s children are the first-level subpackages and the top-level modules."""
    packages = sorted({name.rpartition(".")[0] for name in graph if "." in name})
    out: dict[str, Graph] = {}
    for package in packages:
        prefix = package + "."

        def child(name: str, prefix: str = prefix) -> str | None:
            if not name.startswith(prefix):
                return None
            return prefix + name[len(prefix):].split(".")[0]

        siblings: Graph = {}
        for importer, imported in ((a, b) for a, targets in graph.items() for b in targets):
            a, b = child(importer), child(imported)
            if a and b and a != b:
                siblings.setdefault(a, set()).add(b)
                siblings.setdefault(b, set())
        out[package] = siblings
    return out


def describe(graph: Graph, lines: Mapping[tuple[str, str], list[int]], cycle: list[str],
             expand: Mapping[tuple[str, str], list[tuple[str, str]]] | None = None) -> str:
    steps = []
    for a, b in itertools.pairwise(cycle):
        via = expand[(a, b)] if expand else [(a, b)]
        shown = ", ".join(f"{i} -> {j} (line {lines[(i, j)][0]})" for i, j in via[:3])
        more = f", and {len(via) - 3} more" if len(via) > 3 else ""
        steps.append(f"    {a} -> {b}: {shown}{more}")
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


def module_cycles(graph: Graph, lines: Mapping[tuple[str, str], list[int]]) -> list[str]:
    return [describe(graph, lines, one_cycle(graph, c)) for c in strongly_connected(graph)]


def package_cycles(graph: Graph, lines: Mapping[tuple[str, str], list[int]]) -> list[str]:
    found = []
    for package, siblings in sibling_graphs(graph).items():
        prefix = package + "."

        def child(name: str, prefix: str = prefix) -> str:
            return prefix + name[len(prefix):].split(".")[0]

        expand: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for a, targets in sorted(graph.items()):
            for b in sorted(targets):
                if a.startswith(prefix) and b.startswith(prefix) and child(a) != child(b):
                    expand.setdefault((child(a), child(b)), []).append((a, b))
        for component in strongly_connected(siblings):
            members = set(component)
            inside = [(a, b) for a in component for b in sorted(siblings[a]) if b in members]
            found.append(f"in {package} ({len(component)} siblings: {', '.join(component)}), e.g. "
                         + describe(siblings, lines, one_cycle(siblings, component), expand)
                         + "\n  every import between them:\n"
                         + "\n".join(describe(siblings, lines, [a, b], expand).split("\n", 1)[1] for a, b in inside))
    return found


def without(graph: Graph, imports: Iterable[tuple[str, str]]) -> Graph:
    pruned = {name: set(targets) for name, targets in graph.items()}
    for importer, imported in imports:
        pruned.get(importer, set()).discard(imported)
    return pruned


# -- tests -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph() -> tuple[Graph, dict[tuple[str, str], list[int]]]:
    return build_graph()


def test_the_graph_sees_every_kind_of_import(graph: tuple[Graph, dict[tuple[str, str], list[int]]]) -> None:
    """Guards the parser: a relative import, a function-level import, a TYPE_CHECKING-only import."""
    edges, _ = graph
    assert "relbot.store.schema" in edges["relbot.store.migrations.env"]
    assert "relbot.drafting.service" in edges["relbot.services"]  # inside Services.drafts, and TYPE_CHECKING
    assert "relbot.digest.narrative" in edges["relbot.digest.content"]  # TYPE_CHECKING and inside _narrate
    assert "relbot.onnx_export" in edges["relbot.embeddings"]
    assert len(edges) > 200 and sum(map(len, edges.values())) > 800


def test_the_known_cycle_imports_still_exist(graph: tuple[Graph, dict[tuple[str, str], list[int]]]) -> None:
    edges, _ = graph
    stale = sorted(f"{a} -> {b}" for a, b in known_cycle_imports() if b not in edges.get(a, set()))
    assert not stale, ("pyproject.toml's [tool.importlinter] ignore_imports lists imports that are gone: remove "
                       "them, so the cycle they closed cannot come back unnoticed:\n" + "\n".join(stale))


def test_no_import_cycle_between_modules(graph: tuple[Graph, dict[tuple[str, str], list[int]]]) -> None:
    edges, lines = graph
    cycles = module_cycles(without(edges, known_cycle_imports()), lines)
    print("\n\n".join(cycles) or "no module cycle")
    assert not cycles, f"{len(cycles)} import cycle(s) between modules:\n\n" + "\n\n".join(cycles)


def test_no_import_cycle_between_packages(graph: tuple[Graph, dict[tuple[str, str], list[int]]]) -> None:
    edges, lines = graph
    cycles = package_cycles(without(edges, known_cycle_imports()), lines)
    print("\n\n".join(cycles) or "no package cycle")
    assert not cycles, (f"{len(cycles)} import cycle(s) between packages (or a package's modules):\n\n"
                        + "\n\n".join(cycles))


def test_each_known_import_closes_a_cycle(graph: tuple[Graph, dict[tuple[str, str], list[int]]]) -> None:
    """An allow-listed import must be one that closes a cycle (else it needs no exemption); prints them all."""
    edges, lines = graph
    print("\n\n".join(package_cycles(edges, lines) + module_cycles(edges, lines)) or "no cycle")
    siblings = sibling_graphs(edges)
    needless = []
    for a, b in sorted(known_cycle_imports()):
        common = ".".join(x for x, y in zip(a.split("."), b.split("."), strict=False) if x == y)
        while common not in siblings:
            common = common.rpartition(".")[0]
        prefix = common + "."
        top_a, top_b = (prefix + name[len(prefix):].split(".")[0] for name in (a, b))
        reached, queue = {top_b}, [top_b]
        while queue:
            for nxt in siblings[common].get(queue.pop(), ()):
                if nxt not in reached:
                    reached.add(nxt)
                    queue.append(nxt)
        if top_a not in reached:
            needless.append(f"{a} -> {b}")
    assert not needless, "allow-listed imports that close no cycle (remove them):\n" + "\n".join(needless)


def test_import_linter_agrees(graph: tuple[Graph, dict[tuple[str, str], list[int]]]) -> None:
    """The maintained tool on the same contract: grimp's graph equals this one, and `lint-imports` passes."""
    grimp = pytest.importorskip("grimp")
    pytest.importorskip("importlinter")
    edges, _ = graph
    built = grimp.build_graph(PACKAGE, cache_dir=None)
    theirs = {(m, t) for m in built.modules for t in built.find_modules_directly_imported_by(m)}
    ours = {(m, t) for m, targets in edges.items() for t in targets}
    # grimp skips folders without an __init__.py (Alembic's migrations/): the only edges it may lack.
    assert {e for e in ours - theirs if not e[0].startswith("relbot.store.migrations.")} == set()
    assert theirs - ours == set()
    # `lint-imports --no-cache` in a child process (it configures logging and sys.path for its own run).
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                               "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
