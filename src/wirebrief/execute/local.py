"""The default executor: in this process, or over a pool of worker processes (``settings.workers``)."""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Tasks kept in flight per worker process: enough to keep each busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2


class LocalExecutor:
    """With one worker, a plain in-process map (nothing pickled, nothing started). With more, a
    process pool started on first use (spawned: a forked copy of a process that holds a database
    connection or threads is not safe), whose processes build their stages once and keep them."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def name(self) -> str:
        return f"local ({self.workers} process{'es' if self.workers > 1 else ''})"

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        if self.workers == 1:
            yield from map(fn, items)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        pending: deque[Future[R]] = deque()
        iterator = iter(items)
        limit = self.workers * IN_FLIGHT_PER_WORKER
        for item in itertools.islice(iterator, limit):
            pending.append(self._pool.submit(fn, item))
        while pending:
            result = pending.popleft().result()
            for item in itertools.islice(iterator, 1):
                pending.append(self._pool.submit(fn, item))
            yield result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
