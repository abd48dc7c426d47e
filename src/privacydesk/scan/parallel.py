"""Use every core: texts are scanned in worker processes, results come back in order.

Workers are forked, and the parent's heap is frozen out of the garbage collector first (`gc.freeze`):
otherwise each worker's first collection walks every object it inherited — and, by touching them,
copies the parent's memory page by page — which made two workers slower than one.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from typing import Any, TypeVar, cast

from privacydesk.scan.detectors import Hit, detect

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of forked workers (spawned where fork does not exist) that leave the heap they inherit
    out of their garbage collections."""
    # fork is cheap and shares the loaded detectors; elsewhere spawn is the safe default.
    method = "fork" if sys.platform == "linux" else "spawn"
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
            yield pool
    finally:
        gc.unfreeze()


def parallel_map(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int | None = None, chunksize: int = 4
) -> Iterator[R]:
    """`map(fn, items)` over `workers` processes (in this process when one is enough), in order."""
    workers = workers or default_workers()
    if workers <= 1:
        yield from map(fn, items)
        return
    with _pool(workers) as pool:
        yield from pool.map(fn, items, chunksize=chunksize)


def _detect_all(texts: list[str]) -> list[list[Hit]]:
    return [detect(text) for text in texts]


def scan_text_parallel(texts: list[str], *, workers: int | None = None) -> list[list[Hit]]:
    """The hits of each text, scanning on `workers` cores, in order (eight batches per worker)."""
    workers = workers or default_workers()
    size = max(1, -(-len(texts) // (workers * 8)))
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    return [hits for batch in fork_map(_detect_all, batches, workers=workers) for hits in batch]


def fork_map(fn: Callable[[T], R], items: Sequence[T], *, workers: int) -> list[R]:
    """`[fn(item) for item in items]` on `workers` cores, for a list already in memory.

    This process is one of the workers; `workers - 1` forked children inherit `items` (nothing is
    pickled on the way in) and every process takes the next item from one shared counter, so they
    finish together. Each child sends its results once, at the end. No pool, no helper threads:
    those compete for this process's GIL while it scans, and left the children waiting for work.
    """
    if workers <= 1 or len(items) <= 1 or sys.platform != "linux":
        return [fn(item) for item in items]
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    children: list[tuple[BaseProcess, Connection]] = []
    gc.freeze()
    try:
        for _ in range(workers - 1):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_child_share, args=(fn, items, counter, send), daemon=True)
            child.start()
            send.close()
            children.append((child, receive))
    finally:
        gc.unfreeze()
    try:
        done = _share(fn, items, counter)
        for _, receive in children:
            done.update(_child_result(receive))
    finally:
        for process, receive in children:
            receive.close()
            if process.is_alive():
                process.kill()
            process.join()
    return [done[n] for n in range(len(items))]


def _share(fn: Callable[[T], R], items: Sequence[T], counter: Synchronized[int]) -> dict[int, R]:
    done: dict[int, R] = {}
    while True:
        with counter.get_lock():
            n = counter.value
            counter.value += 1
        if n >= len(items):
            return done
        done[n] = fn(items[n])


def _child_share(
    fn: Callable[[T], R], items: Sequence[T], counter: Synchronized[int], pipe: Connection
) -> None:
    try:
        pipe.send(("ok", _share(fn, items, counter)))
    except BaseException:  # noqa: BLE001 - hand the traceback to the parent, which raises it
        pipe.send(("crash", traceback.format_exc()))
    finally:
        pipe.close()


def _child_result(receive: Connection) -> dict[int, Any]:
    try:
        kind, payload = receive.recv()
    except EOFError:
        raise RuntimeError("a scanning process stopped before it finished") from None
    if kind == "crash":
        raise RuntimeError(f"a scanning process failed:\n{payload}")
    return cast(dict[int, Any], payload)


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
    pending: deque[Future[list[R]]] = deque()
    with _pool(workers) as pool:
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
