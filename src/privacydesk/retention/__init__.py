"""Retention that enforces itself: plan, run, legal holds and expiry clocks (see each module)."""
