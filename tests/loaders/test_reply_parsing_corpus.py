"""The reply-parsing corpus (tests/fixtures/reply_parsing): public parsers' own expectations, as a gate.

The gate is the measured pass rate (docs/BENCHMARKS.md, "E-mail reply parsing"): 185 of 186 cases. The one
known failure is where a project's expectation differs from relbot's policy on purpose, so it is named
here; any other failing case is a regression.
"""

from __future__ import annotations

import pytest
from bench.reply_parsing import Case, load_cases, passes, relbot_parser

# Kept on purpose: relbot does not cut a sign-off ("Regards,\n\nJohn Doe") blindly, and keeps what the author
# wrote above "--" only.
POLICY_DIFFERENCES = {
    ("crisp-oss/email-reply-parser", "email_with_regards"),
}
GATE = 185

CASES = load_cases()
RUN = relbot_parser()


def test_corpus_holds_every_project() -> None:
    projects = {case.project for case in CASES}
    assert projects == {
        "alfonsrv/mail-parser-reply",
        "crisp-oss/email-reply-parser",
        "github/email_reply_parser",
        "mailgun/talon",
        "willdurand/EmailReplyParser",
        "zapier/email-reply-parser",
    }
    assert len(CASES) == 186


def test_pass_rate_gate() -> None:
    passed = sum(passes(case, RUN(case)) for case in CASES)
    assert passed >= GATE, f"{passed}/{len(CASES)} cases pass; the gate is {GATE}"


def _param(case: Case) -> object:
    policy = (case.project, case.name) in POLICY_DIFFERENCES
    reason = "the project's expectation differs from relbot's signature policy"
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if policy else []
    return pytest.param(case, marks=marks, id=f"{case.project}:{case.name}")


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_case(case: Case) -> None:
    output = RUN(case)
    assert passes(case, output), f"{case.spec.get('test')}: got {output!r}"
