"""Drafts: account brief, feedback questions, expectation checklist, grounded answers."""
