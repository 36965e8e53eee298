"""Work proportional to what is new: a run keeps the clusterer's window in the store and rewrites only the
briefs whose inputs changed, and gives exactly what a run that starts from nothing gives."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from wirebrief.pipeline import BRIEFED, RunSummary, run
from wirebrief.samples import sample_dir
from wirebrief.settings import Settings
from wirebrief.store import Store

pytestmark = pytest.mark.slow


def _sample_batches(tmp_path: Path, parts: int) -> list[Path]:
    """The sample's reports as JSONL in time order, cut into ``parts`` batches (the stream a watcher sees)."""
    settings = Settings(data_dir=tmp_path / "source")
    run(settings, [str(sample_dir())])
    with Store.open(settings.resolved_database_url) as store:
        articles = sorted(store.articles(), key=lambda a: (a.published, a.id))
    lines = [
        json.dumps(
            {
                "url": a.url or f"https://tests.example/{a.id}",
                "outlet": a.outlet,
                "title": a.title,
                "published": a.published.isoformat(),
                "language": a.language,
                "text": a.text,
            }
        )
        for a in articles
    ]
    size = -(-len(lines) // parts)
    paths = []
    for number, start in enumerate(range(0, len(lines), size)):
        path = tmp_path / f"batch-{number}.jsonl"
        path.write_text("\n".join(lines[start : start + size]) + "\n", "utf-8")
        paths.append(path)
    return paths


def _exports(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(settings.resolved_export_dir.iterdir())}


def _memberships(settings: Settings) -> set[tuple[str, ...]]:
    with Store.open(settings.resolved_database_url) as store:
        return {story.article_ids for story in store.stories()}


def test_incremental_batches_equal_runs_from_scratch(tmp_path: Path) -> None:
    batches = _sample_batches(tmp_path, 3)
    incremental = Settings(data_dir=tmp_path / "incremental")
    scratch = Settings(data_dir=tmp_path / "scratch")
    summaries: list[RunSummary] = []
    for batch in batches:
        summaries.append(run(incremental, [str(batch)]))
        # The same batch where the run forgets its working state first: it clusters everything again and
        # rewrites every brief.
        with Store.open(scratch.resolved_database_url) as store:
            store.drop_pipeline_state()
        run(scratch, [str(batch)])
        assert _exports(incremental) == _exports(scratch), f"exports differ after {batch.name}"
        assert _memberships(incremental) == _memberships(scratch)
    # Later batches rewrite only the stories they change.
    assert all(s.briefs_new_versions <= s.stories_briefed for s in summaries)
    assert summaries[-1].briefs_unchanged > 0

    # One batch of everything places the articles in the same stories.
    whole = Settings(data_dir=tmp_path / "whole")
    run(whole, [str(b) for b in batches])
    assert _memberships(whole) == _memberships(incremental)


def test_a_brief_with_nothing_new_rewrites_nothing(tmp_path: Path) -> None:
    (batch,) = _sample_batches(tmp_path, 1)
    settings = Settings(data_dir=tmp_path / "data")
    first = run(settings, [str(batch)])
    exports = _exports(settings)
    again = run(settings, [])
    assert again.briefs_new_versions == 0 and not again.briefs and again.sentences_verified == 0
    assert again.briefs_unchanged == first.briefs_new_versions == again.stories_briefed
    assert again.stories == first.stories
    assert _exports(settings) == exports

    # State as an earlier version kept it: one list of the briefed stories instead of a count and markers.
    with Store.open(settings.resolved_database_url) as store:
        briefed = sorted(b.story_id for b in store.latest_briefs())
    with sqlite3.connect(settings.data_dir / "wirebrief.db") as connection:
        connection.execute("DELETE FROM pipeline_state WHERE name LIKE 'briefed%'")
    with Store.open(settings.resolved_database_url) as store:
        store.save_pipeline_state({BRIEFED: json.dumps(briefed).encode()})
    for _ in range(2):  # converted once, then read as saved
        later = run(settings, [])
        assert (later.stories_briefed, later.briefs_unchanged) == (len(briefed), len(briefed))
        assert later.briefs_new_versions == 0


def test_a_deleted_export_is_written_again_and_a_late_report_reclusters(tmp_path: Path) -> None:
    (batch,) = _sample_batches(tmp_path, 1)
    settings = Settings(data_dir=tmp_path / "data")
    run(settings, [str(batch)])
    exports = _exports(settings)
    name = sorted(exports)[0]
    (settings.resolved_export_dir / name).unlink()
    # A report dated before everything stored: the window cannot take it in order, so all is placed again.
    late = tmp_path / "late.jsonl"
    late.write_text(
        json.dumps(
            {
                "url": "https://tests.example/late",
                "outlet": "Test Desk",
                "title": "A slow-cooked bean stew for cold evenings",
                "published": "2001-01-01T08:00:00+00:00",
                "language": "en",
                "text": "Soak the beans overnight, then simmer them for three hours with onions and garlic.",
            }
        )
        + "\n",
        "utf-8",
    )
    summary = run(settings, [str(late)])
    assert summary.ingest.new_articles == 1 and summary.briefs_new_versions == 0
    assert _exports(settings) == exports


def test_stored_article_categories_are_dropped_when_the_classifier_changes(tmp_path: Path) -> None:
    from wirebrief.records import CategoryScore

    (batch,) = _sample_batches(tmp_path, 1)
    settings = Settings(data_dir=tmp_path / "data")
    run(settings, [str(batch)])
    with Store.open(settings.resolved_database_url) as store:
        briefed = store.latest_briefs()[0].story_id
        article_id = next(s for s in store.stories() if s.id == briefed).article_ids[0]
        assert store.categories(article_id)  # classified once, stored per article
        store.save_categories(article_id, (CategoryScore("planted", "Planted", 1.0, (), ()),))
    stricter = settings.model_copy(update={"classify_threshold": 0.35})
    summary = run(stricter, [])
    assert summary.briefs_new_versions + summary.briefs_unchanged == summary.stories_briefed
    with Store.open(settings.resolved_database_url) as store:
        assert "planted" not in {c.slug for c in store.categories(article_id)}
