"""The public form's rate limiter: N per window per key, then refused until the window moves on."""

from __future__ import annotations

from privacydesk.subject_requests.ratelimit import RateLimiter


def test_it_allows_the_limit_then_refuses_until_the_window_has_passed() -> None:
    limiter = RateLimiter(limit=3, window=60)
    assert [limiter.allow("ip:1", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.allow("ip:2", now=3), "another key has its own budget"
    assert limiter.allow("ip:1", now=61)


def test_it_keeps_no_key_in_the_clear() -> None:
    limiter = RateLimiter(limit=1, window=60)
    limiter.allow("email:jan@example.nl", now=0)
    assert "jan" not in repr(limiter._events)
