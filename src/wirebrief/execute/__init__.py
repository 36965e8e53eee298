"""Where the pipeline's parallel stages run: an :class:`Executor` is an order-preserving ``map`` plus
``close``.

``local`` (the default) runs tasks in this process, or over a pool of worker processes when
``settings.workers`` asks for more than one; ``dask`` runs them on a Dask distributed cluster (the
extra ``wirebrief[dask]``, imported only when asked). Only pure stage work crosses an executor:
tasks receive ``Settings`` and records and build their stages in the worker, once per process
(:mod:`wirebrief.execute.tasks`); the store stays in the calling process, and the ordered steps (dedupe
decisions, story assignment) never leave it.
"""

from __future__ import annotations

from wirebrief.execute.base import Executor, make_executor
from wirebrief.execute.local import LocalExecutor

__all__ = ["Executor", "LocalExecutor", "make_executor"]
