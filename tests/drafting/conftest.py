"""Drafting tests share the analysis tests' demo fixtures (one demo build per test module)."""

from tests.analysis.conftest import AS_OF, demo, expected

__all__ = ["AS_OF", "demo", "expected"]
