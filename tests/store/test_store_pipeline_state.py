"""What the pipeline reads in bulk (extractions, per-article categories, revised ids) equals what it reads
one at a time, and its working state survives a reopening."""

from __future__ import annotations

from dataclasses import replace

from wirebrief.records import CategoryScore, Extraction
from wirebrief.store import Store


def test_bulk_extractions_equal_one_at_a_time(store: Store, make) -> None:
    articles = [make.article(f"a{n}") for n in range(4)]
    for article in articles:
        store.upsert_article(article)
    store.save_extraction(make.extraction(articles[0]))
    store.save_extraction(Extraction("a1", (), ()))
    store.save_extraction(make.extraction(articles[2]))
    found = store.extractions(["a3", "a2", "a0", "a1", "a0", "nowhere"])
    assert set(found) == {"a0", "a1", "a2"}
    for article_id, extraction in found.items():
        assert extraction == store.extraction(article_id)


def test_categories_of_many_owners_in_the_order_saved(store: Store, make) -> None:
    store.upsert_article(make.article("a1"))
    scores = (
        CategoryScore("politics", "Politics", 0.8, (), ("election",)),
        CategoryScore("economy", "Economy", 0.3, (), ()),
    )
    store.save_categories("a1", scores)
    store.save_categories("a2", scores[1:])
    assert store.categories_of(["a1", "a2", "a3"]) == {"a1": scores, "a2": scores[1:]}
    assert store.categories_of(["a1"])["a1"] == store.categories("a1")
    # Only article categories are dropped (a2 names no stored article: a story's scores stay).
    assert store.drop_article_categories() == 2
    assert store.categories_of(["a1", "a2"]) == {"a2": scores[1:]}


def test_revised_articles_are_named(store: Store, make) -> None:
    article = make.article("a1")
    store.upsert_article(article)
    store.upsert_article(make.article("a2"))
    assert store.revised_article_ids() == set()
    store.upsert_article(replace(article, text=article.text + " More.", content_hash="changed"))
    assert store.revised_article_ids() == {"a1"}


def test_pipeline_state_is_replaced_by_name_and_dropped_whole(store: Store) -> None:
    store.save_pipeline_state({"clusterer": b"\x00\x01binary", "briefed": b"[]"})
    store.save_pipeline_state({"briefed": b'["s-1"]'})
    assert store.pipeline_state(["clusterer", "briefed", "other"]) == {
        "clusterer": b"\x00\x01binary",
        "briefed": b'["s-1"]',
    }
    store.drop_pipeline_state()
    assert store.pipeline_state(["clusterer", "briefed"]) == {}
