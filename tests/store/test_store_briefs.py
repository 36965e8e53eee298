"""Versioned briefs: stored whole, a new version only when the content changes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wirebrief.errors import StorageError
from wirebrief.records import BriefPart, BriefSentence, Citation
from wirebrief.store import Store


@pytest.fixture
def story(store: Store, make):
    articles = [make.article("a1"), make.article("a2", hours=3, outlet="Other Paper")]
    store.upsert_articles(articles)
    saved = make.story("s1", *articles)
    store.save_stories([saved])
    return saved


def test_a_brief_comes_back_whole_with_its_version(store: Store, make, story) -> None:
    brief = make.brief(story)
    saved = store.save_brief(brief)
    assert saved == replace(brief, version=1)
    assert store.latest_brief("s1") == saved
    assert store.brief("s1", 1) == saved
    loaded = store.latest_brief("s1")
    assert loaded is not None
    assert [s.citations for s in loaded.sentences] == [s.citations for s in brief.sentences]
    assert loaded.support == brief.support
    assert loaded.categories == brief.categories
    assert loaded.metadata == brief.metadata


def test_saving_the_same_brief_again_writes_nothing(store: Store, make, story) -> None:
    first = store.save_brief(make.brief(story))
    again = store.save_brief(make.brief(story))
    assert again.version == first.version == 1
    assert store.brief_versions("s1") == [1]
    counts = store.counts()
    assert (counts["briefs"], counts["brief_versions"]) == (1, 1)


def test_changed_content_gets_the_next_version_and_keeps_the_old(store: Store, make, story) -> None:
    first = store.save_brief(make.brief(story))
    second = store.save_brief(make.brief(story, headline="Iraq reopens its border."))
    assert second.version == 2
    assert store.brief_versions("s1") == [1, 2]
    assert store.brief("s1", 1) == first
    assert store.latest_brief("s1") == second
    # A brief given with a stale version number is still judged by its content alone.
    assert store.save_brief(replace(second, version=1)).version == 2
    # Going back to earlier content is a change from the latest version: a new version.
    assert store.save_brief(make.brief(story)).version == 3


def test_sentence_order_and_citation_order_are_content(store: Store, make, story) -> None:
    brief = store.save_brief(make.brief(story))
    swapped_citations = tuple(
        replace(s, citations=tuple(reversed(s.citations))) if len(s.citations) > 1 else s
        for s in brief.sentences
    )
    assert store.save_brief(replace(brief, sentences=swapped_citations)).version == 2
    extra = BriefSentence(BriefPart.ARTICLE, "Troops crossed the river.", (Citation("sentence", "a1#s3"),), 2)
    assert store.save_brief(replace(brief, sentences=(*brief.sentences, extra))).version == 3


def test_a_brief_without_support_or_metadata(store: Store, make, story) -> None:
    bare = make.brief(story, support=None, metadata={}, categories=())
    assert store.save_brief(bare) == replace(bare, version=1)
    assert store.latest_brief("s1") == replace(bare, version=1)


def test_latest_briefs_lists_the_newest_of_each_story(store: Store, make, story) -> None:
    other = make.article("a3", hours=9)
    store.upsert_article(other)
    second_story = make.story("s2", other)
    store.save_stories([second_story])
    store.save_brief(make.brief(story))
    newest = store.save_brief(make.brief(story, headline="Updated."))
    only = store.save_brief(make.brief(second_story))
    assert store.latest_briefs() == [newest, only]
    assert store.counts()["briefs"] == 2
    assert store.counts()["brief_versions"] == 3


def test_unknown_story_or_version(store: Store, make, story) -> None:
    assert store.latest_brief("nope") is None
    assert store.brief("s1", 7) is None
    assert store.brief_versions("nope") == []
    ghost = make.story("ghost", make.article("a1"))
    with pytest.raises(StorageError, match="brief names story ghost that is not stored"):
        store.save_brief(make.brief(ghost))
