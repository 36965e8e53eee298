"""Extractions, entities, facts and categories."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wirebrief.errors import StorageError
from wirebrief.records import CategoryScore, Extraction
from wirebrief.store import Store


def test_an_extraction_round_trips_and_replaces_the_earlier_one(store: Store, make) -> None:
    article = make.article("a1")
    store.upsert_article(article)
    extraction = make.extraction(article)
    assert store.save_extraction(extraction) is True
    assert store.save_extraction(extraction) is False
    assert store.extraction("a1") == extraction

    shorter = Extraction("a1", extraction.sentences[:1], extraction.mentions[:1])
    assert store.save_extraction(shorter) is True
    assert store.extraction("a1") == shorter
    assert store.extraction("a2") is None


def test_an_empty_extraction_is_still_an_extraction(store: Store, make) -> None:
    store.upsert_article(make.article("a1"))
    store.save_extraction(Extraction("a1", (), ()))
    assert store.extraction("a1") == Extraction("a1", (), ())


def test_sentences_by_id_resolve_citations(store: Store, make) -> None:
    article = make.article("a1")
    store.upsert_article(article)
    extraction = make.extraction(article)
    store.save_extraction(extraction)
    found = store.sentences(["a1#s1", "a1#s9", "a1#s0"])
    assert found == {"a1#s0": extraction.sentences[0], "a1#s1": extraction.sentences[1]}


def test_an_extraction_of_an_unstored_article_is_refused(store: Store, make) -> None:
    with pytest.raises(StorageError, match="names article a1 that is not stored"):
        store.save_extraction(make.extraction(make.article("a1")))


def test_entities_are_upserted_by_id(store: Store, make) -> None:
    iraq = make.entity()
    person = replace(make.entity("wb:anna-muller"), name="Anna Müller", aliases=(), external_ids={})
    assert store.save_entities([iraq, person]) == 2
    assert store.save_entities([iraq, person]) == 0
    renamed = replace(iraq, aliases=("Iraq",))
    assert store.save_entities([renamed]) == 1
    assert store.entity("iso3166:IQ") == renamed
    assert store.entities() == [renamed, person]
    assert store.entity("wikidata:Q1") is None


def test_facts_are_upserted_by_id(store: Store, make) -> None:
    fact = make.fact()
    undated = replace(make.fact("fact-2"), as_of=None, value_label=None)
    assert store.save_facts([fact, undated]) == 2
    assert store.save_facts([fact]) == 0
    assert store.facts() == [fact, undated]
    assert store.facts(["fact-2", "nope"]) == [undated]
    later = replace(fact, value="3", value_label="Reconsider Travel")
    assert store.save_facts([later]) == 1
    assert store.facts(["fact-1"]) == [later]


def test_categories_belong_to_an_article_or_a_story(store: Store, make) -> None:
    scores = make.categories()
    assert store.save_categories("a1", scores) is True
    assert store.save_categories("a1", scores) is False
    assert store.save_categories("s1", scores[:1]) is True
    assert store.categories("a1") == scores
    assert store.categories("s1") == scores[:1]
    assert store.categories("a2") == ()
    assert store.save_categories("a1", (CategoryScore("sport", "Sport", 1.0),)) is True
    assert store.categories("a1") == (CategoryScore("sport", "Sport", 1.0),)
    assert store.save_categories("a1", ()) is True
    assert store.categories("a1") == ()


def test_many_extractions_are_saved_at_once_like_one_by_one(store: Store, make) -> None:
    articles = [make.article(f"a{n}") for n in range(1, 4)]
    for article in articles:
        store.upsert_article(article)
    first, second, third = (make.extraction(article) for article in articles)
    assert store.save_extractions([]) == 0
    assert store.save_extraction(first) is True
    shorter = Extraction("a1", first.sentences[:1], first.mentions[:1])
    # a1 changes, a2 and a3 are new; the repeated a3 counts once and its last extraction wins
    empty_third = Extraction("a3", (), ())
    assert store.save_extractions([shorter, second, third, empty_third]) == 3
    assert store.extractions(["a1", "a2", "a3"]) == {"a1": shorter, "a2": second, "a3": empty_third}
    assert store.save_extractions([shorter, second]) == 0
    assert store.sentences([s.id for s in first.sentences]) == {shorter.sentences[0].id: shorter.sentences[0]}


def test_many_extractions_naming_an_unstored_article_store_none_of_them(store: Store, make) -> None:
    stored = make.article("a1")
    store.upsert_article(stored)
    with pytest.raises(StorageError, match="names article a2 that is not stored"):
        store.save_extractions([make.extraction(stored), make.extraction(make.article("a2"))])
    assert store.extraction("a1") is None


def test_many_owners_categories_are_saved_at_once_like_one_by_one(store: Store, make) -> None:
    scores = make.categories()
    assert store.save_categories("a1", scores) is True
    sport = (CategoryScore("sport", "Sport", 1.0),)
    # a1 changes, a2 is new, a3 stays without any (nothing to write), s1 is new
    assert store.save_categories_of({"a1": sport, "a2": scores, "a3": (), "s1": scores[:1]}) == 3
    assert store.categories_of(["a1", "a2", "a3", "s1"]) == {"a1": sport, "a2": scores, "s1": scores[:1]}
    assert store.save_categories_of({"a1": sport, "a2": scores}) == 0
    assert store.save_categories_of({"a2": ()}) == 1
    assert store.categories("a2") == ()
