"""Story membership and its history: created, grew, merged, split, retired, reordered."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from wirebrief.errors import StorageError
from wirebrief.store import Store, StoryChanges, StoryEvent


@pytest.fixture
def four(store: Store, make):
    articles = [make.article(f"a{i}", hours=i) for i in range(1, 5)]
    store.upsert_articles(articles)
    return articles


def test_a_new_story_is_created_once(store: Store, make, four) -> None:
    story = make.story("s1", four[0], four[1])
    assert store.save_stories([story]) == StoryChanges(created=("s1",))
    assert store.save_stories([story]) == StoryChanges(unchanged=("s1",))
    assert store.stories() == [story]
    assert store.story("s1") == story
    assert store.story_history("s1") == [StoryEvent(1, "created", story.version_key, 2)]


def test_a_story_that_gains_articles_grew(store: Store, make, four) -> None:
    store.save_stories([make.story("s1", four[0], four[1])])
    grown = make.story("s1", *four[:3])
    changes = store.save_stories([grown])
    assert changes.grew == ("s1",)
    assert changes.changed == ("s1",)
    assert store.story("s1") == grown
    assert [(e.event, e.version_key, e.article_count) for e in store.story_history("s1")] == [
        ("created", make.story("s1", four[0], four[1]).version_key, 2),
        ("grew", grown.version_key, 3),
    ]


def test_merging_two_stories_retires_the_absorbed_one(store: Store, make, four) -> None:
    first, second = make.story("s1", four[0], four[1]), make.story("s2", four[2], four[3])
    store.save_stories([first, second])
    store.save_brief(make.brief(second))
    merged = make.story("s1", *four)

    changes = store.save_stories([merged])

    assert changes == StoryChanges(merged=("s1",), retired=("s2",))
    assert store.stories() == [merged]
    assert store.story("s2") is None
    assert store.story_history("s1")[-1] == StoryEvent(2, "merged", merged.version_key, 4, ("s2",))
    assert store.story_history("s2")[-1] == StoryEvent(2, "retired", second.version_key, 0, ("s1",))
    assert store.latest_brief("s2") is not None  # a retired story keeps its briefs
    assert store.counts()["stories"] == 1


def test_a_new_story_holding_two_old_ones_is_a_merge(store: Store, make, four) -> None:
    store.save_stories([make.story("s1", four[0]), make.story("s2", four[1])])
    changes = store.save_stories([make.story("s3", four[0], four[1])])
    assert changes == StoryChanges(merged=("s3",), retired=("s1", "s2"))
    assert store.story_history("s3") == [
        StoryEvent(1, "merged", make.story("s3", four[0], four[1]).version_key, 2, ("s1", "s2"))
    ]


def test_splitting_a_story_records_both_sides(store: Store, make, four) -> None:
    store.save_stories([make.story("s1", *four)])
    left, right = make.story("s1", four[0], four[1]), make.story("s5", four[2], four[3])

    changes = store.save_stories([left, right])

    assert changes == StoryChanges(split=("s1", "s5"))
    assert store.stories() == [left, right]
    assert store.story_history("s1")[-1] == StoryEvent(2, "split", left.version_key, 2, ("s5",))
    assert store.story_history("s5") == [StoryEvent(1, "split", right.version_key, 2, ("s1",))]


def test_a_stored_story_not_given_keeps_what_is_not_taken(store: Store, make, four) -> None:
    store.save_stories([make.story("s1", *four[:3])])
    taken = make.story("s9", four[2])

    changes = store.save_stories([taken])

    assert changes == StoryChanges(split=("s1", "s9"))
    remaining = make.story("s1", four[0], four[1])
    assert store.story("s1") == remaining  # order, first/last seen and version follow its articles
    assert store.story_history("s1")[-1] == StoryEvent(2, "split", remaining.version_key, 2, ("s9",))


def test_a_retired_story_can_come_back(store: Store, make, four) -> None:
    store.save_stories([make.story("s1", four[0]), make.story("s2", four[1])])
    store.save_stories([make.story("s1", four[0], four[1])])
    back = make.story("s2", four[2])
    assert store.save_stories([back]) == StoryChanges(created=("s2",))
    assert store.story("s2") == back
    assert [e.event for e in store.story_history("s2")] == ["created", "retired", "created"]


def test_a_revised_publication_time_reorders_a_story(store: Store, make, four) -> None:
    store.save_stories([make.story("s1", four[0], four[1])])
    later = replace(four[0], published=four[1].published + timedelta(hours=1))
    store.upsert_article(later)
    reordered = make.story("s1", later, four[1])
    assert store.save_stories([reordered]) == StoryChanges(reordered=("s1",))
    assert store.story("s1") == reordered
    assert store.story_history("s1")[-1].version_key == reordered.version_key


def test_a_story_naming_an_unstored_article_writes_nothing(store: Store, make, four) -> None:
    store.save_stories([make.story("s1", four[0])])
    ghost = make.article("ghost")
    with pytest.raises(StorageError, match="story s2 names article ghost that is not stored"):
        store.save_stories([make.story("s1", four[0], four[1]), make.story("s2", ghost)])
    assert store.stories() == [make.story("s1", four[0])]
    assert [e.event for e in store.story_history("s1")] == ["created"]


def test_an_article_in_two_given_stories_is_refused(store: Store, make, four) -> None:
    with pytest.raises(StorageError, match="article a1 is in both story s1 and s2"):
        store.save_stories([make.story("s1", four[0]), make.story("s2", four[0], four[1])])
    assert store.stories() == []


def _log_writes(database: Path) -> sqlite3.Connection:
    """Triggers that note every row written to the story tables (SQLite only)."""
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("CREATE TABLE touched (tbl TEXT, op TEXT, key TEXT)")
    for table, key in (("stories", "id"), ("story_members", "article_id")):
        for op, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            connection.execute(
                f"CREATE TRIGGER log_{table}_{op} AFTER {op} ON {table} "
                f"BEGIN INSERT INTO touched VALUES ('{table}', '{op}', {row}.{key}); END"
            )
    return connection


def test_only_changed_rows_are_written(sqlite_path: Path, make) -> None:
    articles = [make.article(f"a{i}", hours=i) for i in range(1, 6)]
    with Store.open(f"sqlite:///{sqlite_path}") as store:
        store.upsert_articles(articles)
        stable, growing = make.story("s1", *articles[:2]), make.story("s2", *articles[2:4])
        store.save_stories([stable, growing])
        log = _log_writes(sqlite_path)

        store.save_stories([stable, growing])
        assert log.execute("SELECT * FROM touched").fetchall() == []

        store.save_stories([stable, make.story("s2", *articles[2:])])
        assert sorted(log.execute("SELECT * FROM touched").fetchall()) == [
            ("stories", "UPDATE", "s2"),  # last_seen and version key
            ("story_members", "INSERT", "a5"),
        ]
        log.close()


def test_the_change_in_current_stories_is_counted_as_saved(store: Store, make, four) -> None:
    first, second = make.story("s1", four[0], four[1]), make.story("s2", four[2], four[3])
    assert store.save_stories([first, second]).active_change == 2
    assert store.save_stories([first]).active_change == 0  # unchanged
    assert store.save_stories([make.story("s1", *four)]).active_change == -1  # s2 retired
    # Every article taken back by a new story: s1 retired, s3 made.
    assert store.save_stories([make.story("s3", *four)]).active_change == 0
    assert store.save_stories([make.story("s1", four[0])]).active_change == 1  # s1 back from retirement
    assert store.counts()["stories"] == 2
