"""Live cost follows what is new, not what is stored: a ``brief`` with nothing new, and one after a small
batch, do the same database work over an archive ten times larger (same open window, more history).

The work is counted, not timed: the SQL statements sent and the SQLite virtual-machine instructions they
ran (a full scan or a count over the archive runs instructions in proportion to its rows, even when it
returns one row), on a real SQLite file.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from wirebrief.pipeline import RunSummary, run
from wirebrief.records import Article
from wirebrief.settings import Settings
from wirebrief.store import Store

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
# Instructions per progress-handler call: fine enough to see a scan of a few hundred rows.
STEP = 10
_SYLLABLES = ("ka", "lo", "mir", "zan", "tev", "ou", "rak", "sel", "vin", "dor", "pha", "gul", "nes", "tai")


@dataclass
class Work:
    statements: Counter[str] = field(default_factory=Counter)
    steps: int = 0  # SQLite VM instructions, in units of STEP

    @property
    def statement_count(self) -> int:
        return sum(self.statements.values())


@contextmanager
def counting() -> Iterator[Work]:
    """Count the statements and VM instructions of every SQLite connection opened inside."""
    work = Work()

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        def tick() -> int:
            work.steps += 1
            return 0

        dbapi_connection.set_progress_handler(tick, STEP)

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        work.statements[" ".join(statement.split())[:80]] += 1

    event.listen(Engine, "connect", on_connect)
    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield work
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "connect", on_connect)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(3))


def _event_articles(number: int, start: datetime, reports: int) -> list[Article]:
    """``reports`` reports of one made-up event, each by another outlet, an hour apart."""
    rng = random.Random(number)
    vocabulary = [_word(rng) for _ in range(40)]
    articles = []
    for report in range(reports):
        words = [rng.choice(vocabulary) for _ in range(60)]
        text = " ".join(words).capitalize() + "."
        published = start + timedelta(hours=report)
        article_id = f"e{number}-r{report}"
        articles.append(
            Article(
                id=article_id,
                outlet=f"Outlet {report}",
                title=" ".join(words[:6]).capitalize(),
                text=text,
                published=published,
                language="en",
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
                source="test",
                url=f"https://outlet{report}.example/{article_id}",
            )
        )
    return articles


def _archive(history_events: int) -> list[Article]:
    """The open window (20 events of the last two days) after ``history_events`` events of the months
    before, long closed."""
    articles: list[Article] = []
    for number in range(history_events):
        articles += _event_articles(1000 + number, NOW - timedelta(days=200) + timedelta(hours=8 * number), 3)
    for number in range(20):
        articles += _event_articles(number, NOW - timedelta(days=2) + timedelta(hours=2 * number), 3)
    return articles


def _store(tmp_path: Path, history_events: int) -> Settings:
    # No story reaches this many independent reports: nothing is written, only what a brief reads is there.
    settings = Settings(data_dir=tmp_path / f"history-{history_events}", min_independent_reports=100)
    with Store.open(settings.resolved_database_url) as store:
        store.upsert_articles(_archive(history_events))
    run(settings, [])  # places everything once
    return settings


def _brief(settings: Settings) -> tuple[Work, RunSummary]:
    with counting() as work:
        summary = run(settings, [])
    return work, summary


def _same_work(small: Work, large: Work) -> None:
    assert large.statements == small.statements
    # The larger archive holds ten times the history; a read over it would run about ten times the
    # instructions. A little slack for B-tree depth and record sizes.
    assert large.steps <= small.steps * 1.25 + 10, (small.steps, large.steps)


def test_a_brief_with_nothing_new_costs_the_same_over_ten_times_the_archive(tmp_path: Path) -> None:
    small, large = _store(tmp_path, 40), _store(tmp_path, 400)
    small_work, small_summary = _brief(small)
    large_work, large_summary = _brief(large)
    assert small_summary.stories < large_summary.stories  # the larger archive does hold more
    _same_work(small_work, large_work)
    # Nothing new: only the saved state is read, nothing is written.
    assert not any(s.startswith(("INSERT", "UPDATE", "DELETE")) for s in large_work.statements)


def test_a_batch_costs_the_same_over_ten_times_the_archive(tmp_path: Path) -> None:
    works = []
    for history in (40, 400):
        settings = _store(tmp_path, history)
        batch = _event_articles(7, NOW, 2) + _event_articles(500, NOW + timedelta(minutes=30), 3)
        with Store.open(settings.resolved_database_url) as store:
            store.upsert_articles(batch)
        work, summary = _brief(settings)
        with Store.open(settings.resolved_database_url) as store:
            assert summary.stories == store.counts()["stories"]  # kept up to date without counting
            placed = {a for s in store.stories() for a in s.article_ids}
        assert {a.id for a in batch} <= placed
        works.append(work)
    _same_work(*works)
