"""The clean demo of tests/check, reused for the reports."""

from tests.check.conftest import demo

__all__ = ["demo"]
