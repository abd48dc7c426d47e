"""Two cores for one import: a child process prepares the next chunk while this one writes the last.

Reading, normalising and sealing need no database, so a forked child runs that generator and sends
each chunk back through a pipe, in order; the parent does the matching and the inserts. A pipe holds
one chunk, so the child is at most a chunk or two ahead and memory stays flat. The child never touches
the database or the terminal. An error in the child (a broken card, say) is raised here, in the
parent, as the same kind of error with the same message, so the transaction rolls back as usual.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from privacydesk.errors import PrivacydeskError

T = TypeVar("T")


def can_fork() -> bool:
    """A child process helps only with a second core, and is cheap only where fork exists."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores > 1 and sys.platform == "linux"


def _produce(produce: Callable[[], Iterator[Any]], pipe: Connection) -> None:
    try:
        for chunk in produce():
            pipe.send(("chunk", chunk))
        pipe.send(("done", None))
    except PrivacydeskError as exc:
        pipe.send(("error", (type(exc), exc.message, exc.hint)))
    except BaseException:  # noqa: BLE001 - anything else is a bug: hand its traceback to the parent
        pipe.send(("crash", traceback.format_exc()))
    finally:
        pipe.close()


def _rebuild(kind: type[PrivacydeskError], message: str, hint: str | None) -> PrivacydeskError:
    error = kind.__new__(kind)
    PrivacydeskError.__init__(error, message, hint=hint)
    return error


def in_child(produce: Callable[[], Iterator[T]]) -> Iterator[T]:
    """The items of `produce()`, made in a forked child process, in order."""
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_produce, args=(produce, send), daemon=True)
    gc.freeze()  # the child's collections leave the inherited heap alone (and so do not copy it)
    try:
        child.start()
    finally:
        gc.unfreeze()
    send.close()
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                raise RuntimeError(
                    f"the import's worker process stopped (exit code {child.exitcode})"
                ) from None
            if kind == "done":
                return
            if kind == "error":
                raise _rebuild(*payload)
            if kind == "crash":
                raise RuntimeError(f"the import's worker process failed:\n{payload}")
            yield payload
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
