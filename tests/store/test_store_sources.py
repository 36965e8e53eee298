"""Sources polled by `wirebrief watch`: registration, validators, health and backoff, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wirebrief.errors import InputError, NotFoundError
from wirebrief.store import Store, backoff_s

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
FEED = "https://desk.example/feed.xml"


def test_a_new_source_is_due_at_once_and_adding_it_again_keeps_its_health(store: Store) -> None:
    assert store.add_source(FEED, "Desk", 600, when=T0) is True
    source = store.source(FEED)
    assert source is not None
    assert (source.name, source.every_s, source.added_at, source.next_poll_at) == ("Desk", 600, T0, T0)
    assert (source.etag, source.consecutive_errors, source.items_seen) == (None, 0, 0)
    store.record_poll(FEED, ok=True, when=T0, etag='"e1"', items=4)

    assert store.add_source(FEED, None, 300, when=T0 + timedelta(hours=1)) is False
    again = store.source(FEED)
    assert again is not None
    assert (again.name, again.every_s, again.etag, again.items_seen) == ("Desk", 300, '"e1"', 4)
    assert [s.location for s in store.sources()] == [FEED]
    assert store.source("https://other.example/") is None


def test_due_sources_are_those_whose_time_has_come_longest_overdue_first(store: Store) -> None:
    store.add_source("https://b.example/", None, 60, when=T0)
    store.add_source("https://a.example/", None, 60, when=T0 + timedelta(seconds=30))
    store.add_source("https://c.example/", None, 60, when=T0 - timedelta(seconds=30))
    due = store.due_sources(T0 + timedelta(seconds=10))
    assert [s.location for s in due] == ["https://c.example/", "https://b.example/"]


def test_a_success_keeps_validators_a_304_does_not_send(store: Store) -> None:
    store.add_source(FEED, None, 900, when=T0)
    store.record_poll(
        FEED, ok=True, when=T0, etag='"e1"', last_modified="Fri, 20 Nov 2026 09:30:00 GMT", items=3
    )
    later = T0 + timedelta(seconds=900)
    polled = store.record_poll(FEED, ok=True, when=later)  # a 304: no validators, no items
    assert polled == store.source(FEED)
    assert (polled.etag, polled.last_modified) == ('"e1"', "Fri, 20 Nov 2026 09:30:00 GMT")
    assert (polled.items_seen, polled.last_success_at) == (3, later)
    assert polled.next_poll_at == later + timedelta(seconds=900)


def test_errors_back_off_exponentially_up_to_the_cap_and_a_success_resets_them(store: Store) -> None:
    store.add_source(FEED, None, 60, when=T0)
    when = T0
    waits = []
    for _ in range(6):
        polled = store.record_poll(FEED, ok=False, when=when, error="HTTP 500", max_backoff_s=1000)
        waits.append((polled.next_poll_at - when).total_seconds())
        when = polled.next_poll_at
    assert waits == [120, 240, 480, 960, 1000, 1000]
    failing = store.source(FEED)
    assert failing is not None and failing.consecutive_errors == 6 and failing.last_error == "HTTP 500"
    healed = store.record_poll(FEED, ok=True, when=when, items=1)
    assert (healed.consecutive_errors, healed.last_error_at, healed.last_success_at) == (
        0,
        failing.last_error_at,
        when,
    )


def test_backoff_never_waits_less_than_the_schedule() -> None:
    assert backoff_s(3600, 0, 600) == 3600
    assert backoff_s(3600, 5, 600) == 3600  # a cap below the schedule does not poll a feed more often
    assert backoff_s(10, 1_000, 86_400) == 86_400


def test_unknown_sources_and_bad_schedules_are_refused(store: Store) -> None:
    with pytest.raises(NotFoundError, match="not a registered source"):
        store.record_poll(FEED, ok=True, when=T0)
    with pytest.raises(InputError, match="at least 1 second"):
        store.add_source(FEED, None, 0)
    assert store.remove_source(FEED) is False
    store.add_source(FEED, None, 60)
    assert store.remove_source(FEED) is True and store.sources() == []
