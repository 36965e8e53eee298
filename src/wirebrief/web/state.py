"""What the read side of the web app shares between requests: one read-only use of the store.

Routes run on FastAPI's thread pool. The :class:`~wirebrief.store.Store` is used here for reads only
(each read takes its own pooled connection), and the read model is refreshed from new briefs at most
once per ``REFRESH_EVERY_S`` under a lock, on a connection of its own (store/queries.py).
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from typing import Final, TypeVar, cast

from wirebrief.errors import StorageError
from wirebrief.settings import Settings
from wirebrief.store import Store, queries

REFRESH_EVERY_S: Final = 2.0
T = TypeVar("T")
log = logging.getLogger(__name__)


class WebState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._checked_at = 0.0
        self._mark = -1  # the read model's mark when last checked: cached answers are valid for it
        self._cache: dict[str, tuple[int, object]] = {}

    @property
    def store(self) -> Store:
        """The store, opened on first use, with its read model brought up to date now and then."""
        with self._lock:
            if self._store is None:
                self._store = Store.open(self.settings.resolved_database_url)
            store = self._store
            now = time.monotonic()
            if now - self._checked_at >= REFRESH_EVERY_S:
                self._checked_at = now
                if queries.newest_brief_id(store) != queries.read_model_mark(store):
                    try:
                        queries.refresh_read_model(store)
                    except StorageError as error:
                        # A read-only or busy database: serve what the read model holds, try again later.
                        log.warning("the story list could not take in new briefs: %s", error)
                self._mark = queries.read_model_mark(store)
            return store

    def cached(self, key: str, compute: Callable[[Store], T]) -> T:
        """``compute(store)``, reused until the read model takes in a new brief (facet counts: a GROUP
        BY over every story would otherwise run on each list page)."""
        store = self.store
        with self._lock:
            found = self._cache.get(key)
            if found is not None and found[0] == self._mark:
                return cast(T, found[1])
            mark = self._mark
        value = compute(store)
        with self._lock:
            self._cache[key] = (mark, value)
        return value

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a token from a request with the configured one."""
    if given is None:
        return False
    try:
        given_bytes = given.strip().encode("utf-8")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(given_bytes, expected.strip().encode("utf-8"))
