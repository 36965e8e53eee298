"""Articles, revisions and dedupe decisions, on SQLite and (integration) PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from wirebrief.records import DedupeDecision, DedupeStatus
from wirebrief.store import ArticleRevision, Store


def test_upsert_inserts_then_reports_unchanged(store: Store, make) -> None:
    article = make.article("a1")
    assert store.upsert_article(article) == "inserted"
    assert store.upsert_article(article) == "unchanged"
    assert store.article("a1") == article
    assert store.article_revisions("a1") == []
    assert store.counts()["articles"] == 1


def test_changed_text_is_a_revision_that_keeps_every_earlier_version(store: Store, make) -> None:
    first = make.article("a1", "First text of the report.")
    second = make.article("a1", "Second text, with a correction.", hours=1, title="Corrected title")
    third = make.article("a1", "Third text.", hours=2, title="Corrected title")
    assert store.upsert_article(first) == "inserted"
    assert store.upsert_article(second) == "revised"
    assert store.upsert_article(second) == "unchanged"
    assert store.upsert_article(third) == "revised"

    assert store.article("a1") == third
    assert store.article_revisions("a1") == [
        ArticleRevision(first.content_hash, first.title, first.text, 1),
        ArticleRevision(second.content_hash, second.title, second.text, 2),
    ]
    counts = store.counts()
    assert (counts["articles"], counts["revisions"]) == (1, 2)


def test_an_old_copy_read_again_does_not_roll_the_article_back(store: Store, make) -> None:
    first = make.article("a1", "Eight dead in the earthquake.", title="At least 8 dead")
    update = make.article("a1", "The death toll rose to 12.", hours=12, title="Toll rises to 12")
    assert store.upsert_articles([first, update]) == ["inserted", "revised"]
    # The next run reads the same inputs again: the old feed entry first, then the update.
    assert store.upsert_articles([first, update]) == ["unchanged", "unchanged"]
    assert store.article("a1") == update
    assert [r.content_hash for r in store.article_revisions("a1")] == [first.content_hash]
    assert store.has_version("a1", first.content_hash) and store.has_version("a1", update.content_hash)
    assert not store.has_version("a1", "0" * 64)
    assert not store.has_version("a2", first.content_hash)


def test_the_version_published_last_stays_current_whatever_the_reading_order(store: Store, make) -> None:
    update = make.article("a1", "The death toll rose to 12.", hours=12, title="Toll rises to 12")
    first = make.article("a1", "Eight dead in the earthquake.", title="At least 8 dead")
    assert store.upsert_article(update) == "inserted"
    assert store.upsert_article(first) == "unchanged"  # older: kept as a revision, nothing lost
    assert store.article("a1") == update
    assert store.article_revisions("a1") == [ArticleRevision(first.content_hash, first.title, first.text, 1)]
    assert store.upsert_article(first) == "unchanged"
    assert len(store.article_revisions("a1")) == 1


def test_metadata_change_updates_in_place_without_a_revision(store: Store, make) -> None:
    article = make.article("a1")
    store.upsert_article(article)
    with_family = replace(article, family="fam-1", byline="A. Writer")
    assert store.upsert_article(with_family) == "unchanged"
    assert store.article("a1") == with_family
    assert store.article_revisions("a1") == []


def test_articles_come_back_in_published_then_id_order(store: Store, make) -> None:
    late = make.article("a0", hours=5)
    early_b = make.article("b", hours=1)
    early_a = make.article("a", hours=1)
    assert store.upsert_articles([late, early_b, early_a]) == ["inserted", "inserted", "inserted"]
    assert [a.id for a in store.articles()] == ["a", "b", "a0"]
    assert [a.id for a in store.articles(["a0", "missing", "a"])] == ["a", "a0"]
    assert store.article("missing") is None


def test_times_come_back_as_aware_utc(store: Store, make) -> None:
    offset = timezone(timedelta(hours=5, minutes=30))
    article = make.article("a1", published=datetime(2025, 3, 1, 13, 30, 0, 123456, tzinfo=offset))
    store.upsert_article(article)
    stored = store.article("a1")
    assert stored is not None
    assert stored.published == datetime(2025, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
    assert stored.published.utcoffset() == timedelta(0)


def test_unicode_text_round_trips(store: Store, make) -> None:
    article = make.article("a1", "Ελληνικά, العربية, 中文 and “quotes” — with emoji 🌍.", title="Ünïcödé")
    store.upsert_article(article)
    assert store.article("a1") == article


def test_dropped_duplicates_keep_their_ids_hashes_and_families(store: Store, make) -> None:
    original = make.article("a1", family="fam-a1")
    copy = make.article("a2", original.text, hours=1)
    syndicated = make.article("a3", "The same wire report, lightly edited.", hours=2, outlet="Other Paper")
    store.upsert_articles([original, syndicated])  # the dropped copy is never stored as an article
    decisions = [
        (DedupeDecision("a1", DedupeStatus.NEW, "fam-a1"), original),
        (
            DedupeDecision("a2", DedupeStatus.EXACT_DUPLICATE, "fam-a1", duplicate_of="a1", similarity=1.0),
            copy,
        ),
        (
            DedupeDecision("a3", DedupeStatus.SYNDICATED, "fam-a1", duplicate_of="a1", similarity=0.83),
            syndicated,
        ),
    ]
    for decision, article in decisions:
        store.record_dedupe(decision, article)
    store.record_dedupe(*decisions[1])  # recording again changes nothing

    assert store.dedupe_decisions() == [decision for decision, _ in decisions]
    assert store.families() == {"a1": "fam-a1", "a2": "fam-a1", "a3": "fam-a1"}
    counts = store.counts()
    assert (counts["articles"], counts["duplicates"]) == (2, 1)


def test_a_later_decision_on_the_same_content_replaces_the_earlier(store: Store, make) -> None:
    article = make.article("a1")
    store.record_dedupe(DedupeDecision("a1", DedupeStatus.NEW, "fam-x"), article)
    store.record_dedupe(DedupeDecision("a1", DedupeStatus.NEW, "fam-y"), article)
    revised = make.article("a1", "A revised body.")
    store.record_dedupe(DedupeDecision("a1", DedupeStatus.REVISION, "fam-y"), revised)
    assert [d.status for d in store.dedupe_decisions()] == [DedupeStatus.NEW, DedupeStatus.REVISION]
    assert store.families() == {"a1": "fam-y"}


def test_data_survives_closing_and_reopening(store_url: str, make) -> None:
    article = make.article("a1")
    with Store.open(store_url) as first:
        first.upsert_article(article)
    with Store.open(store_url) as second:
        assert second.articles() == [article]
        assert second.upsert_article(article) == "unchanged"


def test_articles_since_reads_only_the_recent_ones_in_order(store: Store, make) -> None:
    assert store.newest_published() is None and store.articles_since(None) == []
    old, middle, new = make.article("a1", hours=0), make.article("a2", hours=48), make.article("a3", hours=96)
    store.upsert_articles([new, old, middle])
    assert store.newest_published() == new.published
    assert store.articles_since(None) == [old, middle, new]
    assert store.articles_since(middle.published) == [middle, new]
    assert store.articles_since(new.published + timedelta(seconds=1)) == []


def test_the_article_log_lists_what_was_stored_or_revised_since_an_entry(store: Store, make) -> None:
    assert store.article_log_end() == 0
    first = make.article("a1", "First text of the report.")
    store.upsert_articles([first, make.article("a2", "Another report.")])
    end = store.article_log_end()
    assert [(a, c) for _, a, c in store.article_log_since(0)] == [("a1", "stored"), ("a2", "stored")]
    assert store.upsert_article(first) == "unchanged"  # nothing new: not logged
    revised = make.article("a1", "Second text, with a correction.", hours=1, title="Corrected title")
    store.upsert_articles([revised, make.article("a3", "A third report.")])
    since = store.article_log_since(end)
    assert [(a, c) for _, a, c in since] == [("a1", "revised"), ("a3", "stored")]
    assert [s for s, _, _ in since] == sorted(s for s, _, _ in since)
    assert since[-1][0] == store.article_log_end()
    assert store.article_log_since(store.article_log_end()) == []
