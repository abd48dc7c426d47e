"""A small sliding-window rate limiter for the public request form (per IP and per e-mail).

It lives in the process: one `serve` instance is the normal case for a small business; behind a
proxy with several instances each one counts on its own, so the effective limit is N times higher.
Keys are hashed before they are kept, so the limiter holds no addresses.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    """At most `limit` events per key in any `window` seconds."""

    limit: int
    window: float
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, key: str, *, now: float | None = None) -> bool:
        """Count one event for `key`; False (and not counted) when over the limit."""
        moment = time.monotonic() if now is None else now
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self._lock:
            events = self._events.setdefault(digest, deque())
            while events and events[0] <= moment - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(moment)
            if len(self._events) > 50_000:  # forget idle keys rather than grow without bound
                self._events = {k: v for k, v in self._events.items() if v and v[-1] > moment - self.window}
            return True
