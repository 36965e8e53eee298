"""The membership of every story version: stored as changes, replayed on reading, kept across upgrades."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from wirebrief.records import Article
from wirebrief.store import Store, StoryVersion, schema
from wirebrief.store._database import WRITE_OPTION, alembic_config


@pytest.fixture
def five(store: Store, make) -> list[Article]:
    articles = [make.article(f"a{i}", hours=i) for i in range(1, 6)]
    store.upsert_articles(articles)
    return articles


def members(versions: list[StoryVersion]) -> list[tuple[str, tuple[str, ...] | None]]:
    return [(v.event, v.article_ids) for v in versions]


def test_each_version_keeps_the_articles_it_had(store: Store, make, five) -> None:
    a1, a2, a3, a4, _ = five
    store.save_stories([make.story("s1", a1, a2)])
    store.save_stories([make.story("s1", a1, a2, a3, a4)])
    store.save_stories([make.story("s1", a1, a2), make.story("s2", a3, a4)])  # split off

    versions = store.story_versions("s1")
    assert members(versions) == [
        ("created", ("a1", "a2")),
        ("grew", ("a1", "a2", "a3", "a4")),
        ("split", ("a1", "a2")),
    ]
    assert [(v.joined, v.left) for v in versions] == [
        (("a1", "a2"), ()),
        (("a3", "a4"), ()),
        ((), ("a3", "a4")),
    ]
    # Each version's key is the key of the membership it lists.
    assert [v.version_key for v in versions] == [e.version_key for e in store.story_history("s1")]
    assert versions[1].version_key == make.story("s1", a1, a2, a3, a4).version_key
    assert members(store.story_versions("s2")) == [("split", ("a3", "a4"))]


def test_a_merge_and_a_retirement_are_replayed(store: Store, make, five) -> None:
    a1, a2, a3, _, _ = five
    store.save_stories([make.story("s1", a1), make.story("s2", a2, a3)])
    store.save_stories([make.story("s1", a1, a2, a3)])  # s1 absorbs s2

    assert members(store.story_versions("s1")) == [("created", ("a1",)), ("merged", ("a1", "a2", "a3"))]
    retired = store.story_versions("s2")
    assert members(retired) == [("created", ("a2", "a3")), ("retired", ())]
    assert retired[-1].left == ("a2", "a3")

    store.save_stories([make.story("s2", a3)])  # a retired story comes back, cut out of s1
    back = store.story_versions("s2")[-1]
    assert (back.event, back.article_ids, back.joined, back.left) == ("split", ("a3",), ("a3",), ())
    assert members(store.story_versions("s1"))[-1] == ("split", ("a1", "a2"))


def test_saving_the_same_stories_again_records_no_version(store: Store, make, five) -> None:
    story = make.story("s1", *five[:3])
    store.save_stories([story])
    store.save_stories([story])
    assert len(store.story_versions("s1")) == 1


def test_the_version_a_brief_was_written_from_is_found_by_its_key(store: Store, make, five) -> None:
    first = make.story("s1", *five[:2])
    store.save_stories([first])
    brief = store.save_brief(make.brief(first))
    store.save_stories([make.story("s1", *five)])

    version = store.story_version("s1", brief.story_version)
    assert version is not None and version.article_ids == ("a1", "a2")
    current = store.story("s1")
    assert current is not None
    assert [a for a in current.article_ids if a not in version.article_ids] == ["a3", "a4", "a5"]
    assert store.story_version("s1", "sv-unknown") is None
    assert store.story_versions("no-such-story") == []


def test_storage_grows_with_the_changes_not_with_versions_times_size(store_url: str, make) -> None:
    articles = [make.article(f"a{i:02d}", hours=i) for i in range(30)]
    with Store.open(store_url) as store:
        store.upsert_articles(articles)
        for size in range(1, 31):
            store.save_stories([make.story("s1", *articles[:size])])
        versions = store.story_versions("s1")
    assert [len(v.article_ids or ()) for v in versions] == list(range(1, 31))
    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(func.count()).select_from(schema.story_history_members)
            ).scalar_one()
    finally:
        engine.dispose()
    assert rows == 30  # one row per joining article, not 1 + 2 + … + 30


def _downgrade_to_0002(url: str) -> None:
    """Turn a database into what wirebrief wrote before memberships were recorded (revision 0002)."""
    from alembic import command

    engine = create_engine(url)
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            command.downgrade(alembic_config(connection), "0002")
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def fresh_url(request: pytest.FixtureRequest, sqlite_path: Path) -> str:
    """A database that does not exist yet (SQLite) or an empty schema (PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{sqlite_path}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


def test_upgrading_an_older_database_snapshots_the_current_memberships(fresh_url: str, make) -> None:
    url = fresh_url
    articles = [make.article(f"a{i}", hours=i) for i in range(1, 6)]
    a1, a2, a3, a4, a5 = articles
    with Store.open(url) as store:
        store.upsert_articles(articles)
        store.save_stories([make.story("s1", a1), make.story("s2", a2)])
        store.save_stories([make.story("s1", a1, a2, a3)])  # s2 retired into s1
    _downgrade_to_0002(url)

    with Store.open(url) as store:  # upgrades to the head again, with the history already there
        assert members(store.story_versions("s1")) == [("created", None), ("merged", ("a1", "a2", "a3"))]
        assert members(store.story_versions("s2")) == [("created", None), ("retired", ())]
        assert store.story_versions("s1")[-1].joined is None  # the version before it is unknown

        store.save_stories([make.story("s1", a1, a2, a3, a4), make.story("s3", a5)])
        latest = store.story_versions("s1")[-1]
        assert (latest.event, latest.article_ids, latest.joined, latest.left) == (
            "grew",
            ("a1", "a2", "a3", "a4"),
            ("a4",),
            (),
        )
        assert members(store.story_versions("s3")) == [("created", ("a5",))]
