"""The executor protocol and the factory that picks one from the settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from wirebrief.settings import Settings

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs a function over items, possibly elsewhere, and yields the results in the items' order.

    ``map`` consumes ``items`` lazily and keeps a bounded number of them in flight, so a long input
    is never held whole; ``fn`` and the items must pickle (module-level functions, records, settings).
    """

    @property
    def name(self) -> str: ...

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


def make_executor(settings: Settings) -> Executor:
    """The executor ``settings.executor`` names (``local`` or ``dask``)."""
    if settings.executor == "dask":
        from wirebrief.execute.dask import DaskExecutor  # optional extra: imported only when asked

        return DaskExecutor(settings)
    from wirebrief.execute.local import LocalExecutor

    return LocalExecutor(settings.resolved_workers)
