"""E-mail reply parsing: relbot's ``clean_body`` scored on the expectations public reply parsers test with.

    .venv/bin/python bench/reply_parsing.py [--parser relbot] [--failures] [--json]
    .venv/bin/python bench/reply_parsing.py --enron ../shared/data/enron-dev

The corpus is ``tests/fixtures/reply_parsing/<project>/``: each project's own fixture e-mails, copied verbatim,
and a ``cases.json`` that turns that project's test assertions into one of two checks (see SOURCES.md there):

- ``expected`` (or ``expected_file``): the project asserts the whole visible reply. A case passes when the output
  equals it after whitespace normalisation: every line stripped, runs of blanks collapsed to one space, blank
  lines ignored (projects differ in how many blank lines they keep between paragraphs).
- ``kept`` / ``dropped``: the project asserts only that some text is in the reply and some is not. A case passes
  when every kept string is in the output and no dropped string is, comparing with all whitespace (line breaks
  too) collapsed to single spaces.

A case gives its input as ``body`` (inline text from a project's test), ``file`` (optionally with ``replace``,
for the projects that fill a template), or ``eml`` (a whole message: relbot reads it with ``load_emails``, the
libraries get its text/plain part). ``--parser`` also scores the PyPI libraries tried for this job; each must be
installed in the running interpreter (talon needs its own venv, see docs/BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import email
import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reply_parsing"
_BLANKS = re.compile(r"\s+")

Parser = Callable[[str], str]


@dataclass(frozen=True)
class Case:
    project: str
    name: str
    folder: Path
    spec: dict[str, Any]

    @property
    def is_eml(self) -> bool:
        return "eml" in self.spec

    def body(self) -> str:
        """The text handed to a parser (for an ``eml`` case: its text/plain part)."""
        if "body" in self.spec:
            return str(self.spec["body"])
        if self.is_eml:
            return plain_part((self.folder / self.spec["eml"]).read_bytes())
        text = (self.folder / self.spec["file"]).read_text(encoding="utf-8")
        for old, new in self.spec.get("replace", {}).items():
            text = text.replace(old, new)
        return str(text)

    def expected(self) -> str | None:
        if "expected_file" in self.spec:
            return (self.folder / str(self.spec["expected_file"])).read_text(encoding="utf-8")
        expected = self.spec.get("expected")
        return None if expected is None else str(expected)


def load_cases(root: Path = CORPUS) -> list[Case]:
    cases = []
    for cases_file in sorted(root.glob("*/cases.json")):
        data = json.loads(cases_file.read_text(encoding="utf-8"))
        cases += [Case(data["project"], spec["name"], cases_file.parent, spec) for spec in data["cases"]]
    return cases


def plain_part(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=policy.default)
    part = message.get_body(preferencelist=("plain",))
    return "" if part is None else str(part.get_content())


def lines_normalised(text: str) -> list[str]:
    return [line for raw in text.splitlines() if (line := _BLANKS.sub(" ", raw).strip())]


def flat(text: str) -> str:
    return _BLANKS.sub(" ", text).strip()


def passes(case: Case, output: str) -> bool:
    expected = case.expected()
    if expected is not None:
        return lines_normalised(output) == lines_normalised(expected)
    out = flat(output)
    kept_ok = all(flat(s) in out for s in case.spec.get("kept", []))
    return kept_ok and not any(flat(s) in out for s in case.spec.get("dropped", []))


# --- the parsers -------------------------------------------------------------------------------------------


def relbot_parser() -> Callable[[Case], str]:
    from relbot.ingest.loaders.email_body import clean_body
    from relbot.ingest.loaders.emails import load_emails

    def run(case: Case) -> str:
        if not case.is_eml:
            return clean_body(case.body())
        # The whole message goes through the loader, as `relbot ingest` would read it. Its first record is the
        # message's own text; later ones are messages it carries under their own headers, kept as their writers'.
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "message.eml"
            path.write_bytes((case.folder / case.spec["eml"]).read_bytes())
            try:
                return load_emails(path)[0].text
            except Exception as exc:  # a loader error scores as an empty reply, not a crashed bench
                return f"<{type(exc).__name__}>"

    return run


def library_parser(name: str) -> Parser:
    if name == "email_reply_parser":
        from email_reply_parser import EmailReplyParser

        return lambda text: str(EmailReplyParser.parse_reply(text))
    if name == "mailparser_reply":
        from mailparser_reply import EmailReplyParser as MultiParser
        from mailparser_reply.constants import MAIL_LANGUAGES

        parser = MultiParser(languages=list(MAIL_LANGUAGES))
        return lambda text: str(parser.parse_reply(text))
    if name == "quotequail":
        import quotequail

        return lambda text: "\n".join(part[1] for part in quotequail.quote(text, quote_intro_line=True) if part[0])
    if name == "talon":
        import talon
        from talon import quotations

        talon.init()
        return lambda text: str(quotations.extract_from_plain(text))
    raise SystemExit(f"unknown parser {name!r}")


PARSERS = ("relbot", "email_reply_parser", "mailparser_reply", "quotequail", "talon")


def score(run: Callable[[Case], str], cases: list[Case]) -> tuple[dict[str, tuple[int, int]], list[tuple[Case, str]]]:
    per_project: dict[str, tuple[int, int]] = {}
    failures: list[tuple[Case, str]] = []
    for case in cases:
        try:
            output = run(case)
        except Exception as exc:  # a library crashing on an input is a failed case
            output = f"<{type(exc).__name__}: {exc}>"
        ok = passes(case, output)
        done, total = per_project.get(case.project, (0, 0))
        per_project[case.project] = (done + ok, total + 1)
        if not ok:
            failures.append((case, output))
    return per_project, failures


def enron_report(folder: Path) -> dict[str, int]:
    """Real mail through the real loader: every .eml must still give its own record some text."""
    from relbot.ingest.loaders.emails import load_emails

    counts = {"files": 0, "files_with_text": 0, "records": 0, "attachment_only": 0}
    for path in sorted(folder.glob("*/*.eml")):
        items = load_emails(path)
        counts["files"] += 1
        counts["files_with_text"] += bool(items and items[0].text.strip())
        counts["records"] += len(items)
        counts["attachment_only"] += items[0].text.startswith("(Attachment only:")
    return counts


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--enron", type=Path, help="instead: load every <account>/*.eml under this folder and count")
    args.add_argument("--parser", choices=PARSERS, default="relbot")
    args.add_argument("--failures", action="store_true", help="print every failed case with the output")
    args.add_argument("--json", action="store_true")
    opts = args.parse_args()
    if opts.enron:
        print(json.dumps(enron_report(opts.enron)))
        return

    cases = load_cases()
    if opts.parser == "relbot":
        run = relbot_parser()
    else:
        parse = library_parser(opts.parser)
        run = lambda case: parse(case.body())  # noqa: E731
    per_project, failures = score(run, cases)

    passed = sum(done for done, _ in per_project.values())
    if opts.json:
        report = {p: {"passed": d, "cases": t} for p, (d, t) in per_project.items()}
        json.dump({"parser": opts.parser, "projects": report, "passed": passed, "cases": len(cases)}, sys.stdout)
        print()
        return
    print(f"parser: {opts.parser}")
    for project, (done, total) in per_project.items():
        print(f"  {project:32} {done:3}/{total:<3} {done / total:6.1%}")
    print(f"  {'overall':32} {passed:3}/{len(cases):<3} {passed / len(cases):6.1%}")
    if opts.failures:
        for case, output in failures:
            print(f"\n--- FAIL {case.project} :: {case.name} ({case.spec.get('test', '')})\n{output[:600]}")


if __name__ == "__main__":
    main()
