"""Tasks on a Dask distributed cluster: ``settings.dask_scheduler`` (``tcp://HOST:PORT``) or, without
one, a ``LocalCluster`` of ``settings.workers`` processes started here.

A task lost with its worker is run again elsewhere by the scheduler (``retries``), and every task is
pure (records in, records out; the store stays in the calling process), so a killed worker costs time,
never an article.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from wirebrief.errors import ConfigError
from wirebrief.settings import Settings

T = TypeVar("T")
R = TypeVar("R")

# Tasks kept in flight per worker thread: enough to hide the round trips, few enough to bound memory.
IN_FLIGHT_PER_THREAD = 3
# How often a task may be run again after its worker died or it failed.
RETRIES = 3


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ConfigError(
            "the dask executor needs the extra wirebrief[dask]: pip install 'wirebrief[dask]'"
        ) from exc
    return distributed


class DaskExecutor:
    def __init__(self, settings: Settings) -> None:
        distributed = _import_distributed()
        self._cluster: Any = None
        try:
            if settings.dask_scheduler:
                self._client = distributed.Client(settings.dask_scheduler, timeout="30s")
            else:
                self._cluster = distributed.LocalCluster(
                    n_workers=settings.resolved_workers, threads_per_worker=1, processes=True
                )
                self._client = distributed.Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            if self._cluster is not None:
                self._cluster.close()
            raise ConfigError(
                f"dask_scheduler: cannot reach the Dask scheduler {self._where(settings)}: {exc}"
            ) from exc
        self._scheduler = self._where(settings)

    @staticmethod
    def _where(settings: Settings) -> str:
        return settings.dask_scheduler or "LocalCluster"

    @property
    def name(self) -> str:
        return f"dask ({self._scheduler})"

    def _slots(self) -> int:
        threads: dict[str, int] = self._client.nthreads()
        return max(1, sum(threads.values())) * IN_FLIGHT_PER_THREAD

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[Any] = deque()
        iterator = iter(items)
        for item in itertools.islice(iterator, self._slots()):
            pending.append(self._client.submit(fn, item, pure=False, retries=RETRIES))
        while pending:
            future = pending.popleft()
            result: R = future.result()
            future.release()
            for item in itertools.islice(iterator, 1):
                pending.append(self._client.submit(fn, item, pure=False, retries=RETRIES))
            yield result

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
