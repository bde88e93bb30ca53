"""Citations of playbook sections, so every piece of guidance a draft uses points at knowledge/<file>.md#anchor."""

from __future__ import annotations

from relbot.models import Citation

CADENCE = "customer-tiers#cadence-by-tier"
POINT_OF_CONTACT = "communication#single-point-of-contact"
STATUS_REPORTS = "status-reporting#scheduled-status-reports"
REPORT_SLIPS = "status-reporting#when-a-report-slips"
PROMISES = "trust-and-honesty#keeping-promises"
HONESTY = "trust-and-honesty#honesty-about-problems"
SATISFACTION = "relationship-management#satisfaction"
GOING_COLD = "staying-in-touch#spotting-an-account-going-cold"
SUCCESS = "expectation-setting#how-success-is-judged"
CONTACT_CHANGE = "expectation-setting#points-of-contact"


def cite(section: str) -> Citation:
    """``"customer-tiers#cadence-by-tier"`` -> a citation of that section of knowledge/customer-tiers.md."""
    stem = section.split("#", 1)[0]
    return Citation(section=section, source=f"knowledge/{stem}.md")
