"""relbot built as a wheel and installed into a fresh virtualenv works from any folder, with no checkout.

The wheel is built the way a user builds it (`python -m build`: sdist first, then the wheel from the sdist, so
the sdist is checked too) and installed with `pip install --no-deps` into a virtualenv made here. Installing
its third-party dependencies again (torch alone is hundreds of MB) would take minutes, so the fresh venv gets
a .pth file naming the dev venv's site-packages instead: a .pth line only adds that folder to sys.path, and
the .pth files inside it (the dev venv's editable relbot finder among them) are not processed, so `relbot`
itself can only come from the wheel. The test checks that, and checks separately that the wheel's
Requires-Dist covers everything its code imports (what a full install would bring).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from email.parser import Parser
from importlib.metadata import PackageNotFoundError, distribution, packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BUNDLED = ("knowledge", "prompts", "demo")
DEMO_ACCOUNT = "Lumen Health"
AS_OF = "2026-11-23"  # the demo's history ends on 2026-11-20


def _run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """stdout of a command that must succeed (its output is in the failure message)."""
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def dist_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    started = time.monotonic()
    # Isolated build: pip fetches hatchling from the package index into a throwaway env; nothing is written
    # into the checkout (others work in it).
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)])
    print(f"built sdist and wheel in {time.monotonic() - started:.1f} s")
    return out


@pytest.fixture(scope="module")
def wheel(dist_dir: Path) -> Path:
    return next(dist_dir.glob("relbot-*.whl"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    root = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(root)])
    python = root / "bin" / "python"
    # The dev venv's pip installs into the fresh venv (--python); the .pth is written only afterwards, so pip
    # never sees the dev venv's own relbot and cannot touch it.
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)])
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip())
    (site / "_relbot_test_dev_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return root


@pytest.fixture()
def env(tmp_path: Path, models_dir: Path, embedder: object) -> dict[str, str]:
    """No relbot setting, credential or PYTHONPATH from outside; a data dir in tmp; the exported model."""
    del embedder  # requested so the ONNX model is exported into models_dir before relbot runs
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("RELBOT_", "SLACK_", "OPENAI_")) and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**clean, "PYTHONNOUSERSITE": "1", "RELBOT_DATA_DIR": str(tmp_path / "data"),
            "RELBOT_MODELS_DIR": str(models_dir)}


@pytest.fixture()
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


_PROBE = """
import json, sys
import relbot
from relbot.config import load_settings
from relbot.demo import default_demo_dir
from relbot.drafting.prompts import default_prompts_dir, load_prompt
from relbot.knowledge import default_knowledge_dir
from relbot.services import Services

settings = load_settings()
print(json.dumps({
    "relbot": relbot.__file__,
    "sys_path": sys.path,
    "bundled": [str(default_knowledge_dir()), str(default_prompts_dir()), str(default_demo_dir())],
    "bundled_prompt": load_prompt("brief").name,
    "knowledge_dir": str(Services(settings).knowledge_dir),
    "custom_prompt": load_prompt("ask", settings.prompts_dir).description,
}))
"""


def test_the_installed_wheel_is_what_runs(venv: Path, env: dict[str, str], elsewhere: Path, tmp_path: Path) -> None:
    custom_knowledge, custom_prompts = tmp_path / "playbook", tmp_path / "prompts"
    custom_knowledge.mkdir()
    custom_prompts.mkdir()
    (custom_prompts / "ask.yaml").write_text(
        "name: ask\ndescription: ours\nsystem: S {account}\nuser: '{question}'\nvariables: [account, question]\n"
    )
    overrides = {"RELBOT_KNOWLEDGE_DIR": str(custom_knowledge), "RELBOT_PROMPTS_DIR": str(custom_prompts)}
    probe = json.loads(_run([str(venv / "bin" / "python"), "-c", _PROBE], cwd=elsewhere, env={**env, **overrides}))
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert Path(probe["relbot"]) == site / "relbot" / "__init__.py"
    assert str(REPO / "src") not in probe["sys_path"]  # the dev venv's editable finder was not processed
    assert probe["bundled"] == [str(site / "relbot" / "_data" / name) for name in BUNDLED]
    assert probe["bundled_prompt"] == "brief"
    assert probe["knowledge_dir"] == str(custom_knowledge)
    assert probe["custom_prompt"] == "ours"


def test_demo_checklist_and_ask_from_any_folder(venv: Path, env: dict[str, str], elsewhere: Path) -> None:
    from relbot.knowledge import load_checklist

    relbot = str(venv / "bin" / "relbot")
    started = time.monotonic()
    brief = json.loads(_run([relbot, "demo", "--json"], cwd=elsewhere, env=env))
    assert brief["account"] == DEMO_ACCOUNT
    assert brief["snapshot"]["last_contact"]

    checklist = json.loads(_run([relbot, "checklist", DEMO_ACCOUNT, "--as-of", AS_OF, "--json"],
                                cwd=elsewhere, env=env))
    playbook = {item.label for item in load_checklist(REPO / "knowledge")}
    assert {entry["label"] for entry in checklist["entries"]} == playbook
    assert all(entry["playbook"]["source"] == "knowledge/expectation-setting.md" for entry in checklist["entries"])
    documented = [e for e in checklist["entries"] if e["status"] == "documented"]
    assert documented and all(e["evidence"][0]["citations"] for e in documented)

    answer = json.loads(_run([relbot, "ask", DEMO_ACCOUNT, "What is Lumen's retainer?", "--as-of", AS_OF, "--json"],
                             cwd=elsewhere, env=env))
    assert answer["found"] is True
    assert "$16,500 a month" in answer["answer"]
    sources = {c["source"] for claim in answer["claims"] for c in claim["citations"]}
    assert "demo/lumen-health/notes/2026-05-07-kickoff.md" in sources
    print(f"demo + checklist + ask from the wheel in {time.monotonic() - started:.1f} s")
    assert not any(elsewhere.iterdir())  # nothing written to the working folder: the data dir is RELBOT_DATA_DIR


def test_sdist_and_wheel_carry_the_bundled_folders(dist_dir: Path, wheel: Path) -> None:
    tracked = _tracked(BUNDLED)
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {f"relbot/_data/{path}" for path in tracked} <= names
    assert "relbot/py.typed" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    with tarfile.open(next(dist_dir.glob("relbot-*.tar.gz"))) as tar:
        members = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert set(tracked) <= members


def _tracked(folders: Iterable[str]) -> list[str]:
    out = _run(["git", "-C", str(REPO), "ls-files", *folders]).split()
    assert out, "git ls-files found none of the bundled folders"
    return out


# --- what a full install would bring: Requires-Dist against the code's imports ------------------------------


def test_requires_dist_covers_every_import(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(zf.read(meta_name).decode())
        sources = {n: zf.read(n).decode() for n in zf.namelist() if n.endswith(".py")}
    requires = [Requirement(line) for line in metadata.get_all("Requires-Dist") or []]
    base = [r for r in requires if r.marker is None]
    for req in base:  # like pip check: each declared dependency is installed here in a matching version
        try:
            version = distribution(req.name).version
        except PackageNotFoundError:
            pytest.fail(f"Requires-Dist {req} is not installed in the dev venv")
        assert req.specifier.contains(version, prereleases=True), f"{req.name} {version} does not satisfy {req}"
    eager_ok = _closure(base)
    lazy_ok = _closure(requires)  # imports inside functions may come from an extra (torch, langchain-chroma)
    providers = packages_distributions()
    problems = []
    for path, source in sorted(sources.items()):
        for module, eager in sorted(set(_imports(ast.parse(source)))):
            dists = {canonicalize_name(d) for d in providers.get(module, [])}
            if not dists:
                problems.append(f"{path}: imports {module}, which no installed distribution provides")
            elif not dists & (eager_ok if eager else lazy_ok):
                problems.append(f"{path}: imports {module} ({', '.join(sorted(dists))}), not required by relbot"
                                + ("" if eager else " or any of its extras"))
    assert not problems, "\n".join(problems)


def _closure(requirements: Iterable[Requirement]) -> set[str]:
    """Every distribution these requirements bring, transitively, per the installed metadata."""
    names: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = list(requirements)
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(key[0])
        try:
            dist = distribution(key[0])
        except PackageNotFoundError:
            continue  # not installed here; an import it provides then shows up as unprovided below
        extras = {"", *req.extras}
        todo += [sub for sub in map(Requirement, dist.requires or [])
                 if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras)]
    return names


def _imports(tree: ast.Module) -> Iterator[tuple[str, bool]]:
    """(top-level module, imported at import time?) for each absolute, third-party import."""
    stdlib = sys.stdlib_module_names

    def visit(node: ast.AST, eager: bool) -> Iterator[tuple[str, bool]]:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return  # typing-only imports never run
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            eager = False
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            names = []
        for name in names:
            top = name.split(".")[0]
            if top not in stdlib and top not in ("relbot", "__future__"):
                yield top, eager
        for child in ast.iter_child_nodes(node):
            yield from visit(child, eager)

    yield from visit(tree, True)
