"""The read model (store/queries.py) and full-text search (store/search.py) over the sample site's store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wirebrief.errors import InputError, NotFoundError
from wirebrief.settings import Settings
from wirebrief.store import Store, queries, search


@pytest.fixture
def site_store(site_settings_sqlite: Settings, tmp_path: Path) -> Iterator[Store]:
    # A copy: these tests write (refresh, new versions) and the session's site must stay as built.
    source = Path(site_settings_sqlite.resolved_database_url.removeprefix("sqlite:///"))
    shutil.copy(source, tmp_path / "wirebrief.db")
    store = Store.open(f"sqlite:///{tmp_path / 'wirebrief.db'}")
    yield store
    store.close()


def test_the_read_model_takes_in_every_newest_brief_once(site_store: Store) -> None:
    queries.refresh_read_model(site_store)
    assert queries.refresh_read_model(site_store) == 0  # nothing new: nothing done
    assert queries.read_model_mark(site_store) == queries.newest_brief_id(site_store)
    page = queries.list_stories(site_store, limit=200)
    current = {s.id for s in site_store.stories()}
    briefs = {b.story_id: b for b in site_store.latest_briefs() if b.story_id in current}
    assert {s.story_id for s in page.items} == set(briefs)
    for summary in page.items:
        brief = briefs[summary.story_id]
        assert (summary.title, summary.headline, summary.version) == (
            brief.title,
            brief.headline,
            brief.version,
        )
        assert summary.categories == tuple(c.slug for c in brief.categories)


def test_a_new_version_replaces_the_story_row_and_its_search_document(site_store: Store) -> None:
    queries.refresh_read_model(site_store)
    story_id = queries.list_stories(site_store, queries.StoryFilters(q="velmora")).items[0].story_id
    brief = site_store.latest_brief(story_id)
    assert brief is not None
    changed = tuple(replace(s, text=s.text.replace("Velmora", "Korvath")) for s in brief.sentences)
    later = replace(brief, sentences=changed, as_of=brief.as_of + timedelta(days=1), version=None)
    site_store.save_brief(later)
    assert queries.refresh_read_model(site_store) == 1
    assert queries.story_summary(site_store, story_id).version == 2  # type: ignore[union-attr]
    found = queries.list_stories(site_store, queries.StoryFilters(q="korvath")).items
    assert [s.story_id for s in found] == [story_id]
    assert story_id in {s.story_id for s in queries.list_stories(site_store, limit=200).items}
    assert len(queries.list_stories(site_store, limit=200).items) == len(
        {b.story_id for b in site_store.latest_briefs()} & {s.id for s in site_store.stories()}
    )


def test_keyset_pages_do_not_shift_when_a_newer_story_arrives(site_store: Store) -> None:
    queries.refresh_read_model(site_store)
    first = queries.list_stories(site_store, limit=3)
    assert first.next is not None
    oldest = queries.list_stories(site_store, limit=200).items[-1]
    brief = site_store.latest_brief(oldest.story_id)
    assert brief is not None
    site_store.save_brief(replace(brief, as_of=datetime(2030, 1, 1, tzinfo=UTC), version=None))
    queries.refresh_read_model(site_store)
    second = queries.list_stories(site_store, limit=3, after=first.next)
    assert second.items[0].as_of <= first.items[-1].as_of
    assert not {s.story_id for s in first.items} & {s.story_id for s in second.items}


def test_a_cursor_round_trips_and_a_forged_one_is_an_input_error() -> None:
    cursor = queries.Cursor(datetime(2026, 11, 23, 15, 10, tzinfo=UTC), "s-6288edc0652b6671")
    assert queries.Cursor.decode(cursor.encode()) == cursor
    for forged in ("zzz", "", "bm90LWEtY3Vyc29y", "MjAyNi0xMS0yM3w"):
        with pytest.raises(InputError, match="is not a cursor this server gave"):
            queries.Cursor.decode(forged)


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("Velmora dam", [["velmora"], ["dam"]]),
        ('"dam breach" Velmora', [["dam", "breach"], ["velmora"]]),
        ("NEAR(velmora*", [["near"], ["velmora"]]),
        ("'; DROP TABLE briefs; --", [["drop"], ["table"], ["briefs"]]),
        ('"', []),
        ("", []),
    ],
)
def test_query_terms_are_words_never_query_syntax(typed: str, terms: list[list[str]]) -> None:
    assert search.query_terms(typed) == terms


def test_a_query_without_words_finds_nothing_rather_than_everything(site_store: Store) -> None:
    queries.refresh_read_model(site_store)
    assert queries.list_stories(site_store, queries.StoryFilters(q="!!! ???")).items == ()


def test_a_unique_prefix_resolves_and_others_are_refused(site_store: Store) -> None:
    ids = sorted(s.id for s in site_store.stories())
    assert queries.resolve_story_id(site_store, ids[0]) == ids[0]
    unique = next(ids[0][:n] for n in range(3, 19) if sum(i.startswith(ids[0][:n]) for i in ids) == 1)
    assert queries.resolve_story_id(site_store, unique) == ids[0]
    with pytest.raises(NotFoundError, match="ambiguous"):
        queries.resolve_story_id(site_store, "s-")
    with pytest.raises(NotFoundError, match="no story with id s-%"):
        queries.resolve_story_id(site_store, "s-%")  # a LIKE wildcard is a plain character


def test_a_page_size_out_of_range_is_refused(site_store: Store) -> None:
    with pytest.raises(InputError, match="limit"):
        queries.list_stories(site_store, limit=0)


def test_a_retired_story_leaves_the_lists_and_the_counts(site_store: Store) -> None:
    from sqlalchemy import update

    from wirebrief.store import schema

    queries.refresh_read_model(site_store)
    before = queries.list_stories(site_store, limit=200).items
    gone = before[0]
    with site_store.transaction(), site_store._writing() as connection:
        connection.execute(
            update(schema.stories).where(schema.stories.c.id == gone.story_id).values(active=False)
        )
    after = queries.list_stories(site_store, limit=200).items
    assert [s.story_id for s in after] == [s.story_id for s in before[1:]]
    counts = {v.value: v.stories for v in queries.facet_values(site_store, "category")}
    assert sum(counts.values()) == sum(len(s.categories) for s in after)


def test_search_covers_the_reports_text_not_only_the_brief(site_store: Store) -> None:
    queries.refresh_read_model(site_store)
    # A phrase of the Velmora reports that no brief sentence carries (the hostile feeds' warning link).
    velmora = queries.list_stories(site_store, queries.StoryFilters(q="velmora")).items
    brief = site_store.latest_brief(velmora[0].story_id)
    assert brief is not None and "Read the warning" not in " ".join(s.text for s in brief.sentences)
    found = queries.list_stories(site_store, queries.StoryFilters(q='"read the warning"')).items
    assert [s.story_id for s in found] == [velmora[0].story_id]
