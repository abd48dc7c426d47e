"""Use every core: texts are scanned in worker processes, results come back in order."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from privacydesk.scan.detectors import Hit, detect

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def parallel_map(fn: Callable[[T], R], items: Iterable[T], *, workers: int | None = None) -> Iterator[R]:
    """`map(fn, items)` over `workers` processes (in this process when one is enough), in order."""
    workers = workers or default_workers()
    if workers <= 1:
        yield from map(fn, items)
        return
    # fork is cheap and shares the loaded detectors; elsewhere spawn is the safe default.
    method = "fork" if sys.platform == "linux" else "spawn"
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
        yield from pool.map(fn, items, chunksize=4)


def _detect_all(texts: list[str]) -> list[list[Hit]]:
    return [detect(text) for text in texts]


def scan_text_parallel(texts: list[str], *, workers: int | None = None) -> list[list[Hit]]:
    """The hits of each text, scanning on `workers` cores (a few large tasks: fewer round trips)."""
    workers = workers or default_workers()
    size = max(1, len(texts) // (workers * 4))
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    return [hits for batch in parallel_map(_detect_all, batches, workers=workers) for hits in batch]


def parallel_batches(
    fn: Callable[[list[T]], list[R]],
    items: Iterable[T],
    *,
    workers: int | None = None,
    batch: int = 32,
    window: int = 16,
) -> Iterator[R]:
    """`fn` over batches of `items` on `workers` processes, results in order, with at most `window`
    batches in flight — so a stream of any length is processed in flat memory."""
    workers = workers or default_workers()
    method = "fork" if sys.platform == "linux" else "spawn"
    pending: deque[Future[list[R]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
        for chunk in _chunked(items, batch):
            pending.append(pool.submit(fn, chunk))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
