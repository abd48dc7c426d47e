"""Is the statement true? Each promise of the published statement checked against the data."""

from privacydesk.check.model import CheckReport, CheckResult, Outcome, Violation
from privacydesk.check.run import CHECKS, check_now, run_checks

__all__ = ["CHECKS", "CheckReport", "CheckResult", "Outcome", "Violation", "check_now", "run_checks"]
