"""`wirebrief backfill`: a large archive in chunks, briefing after each, resumable after an interruption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wirebrief.pipeline import backfill, run
from wirebrief.samples import sample_dir
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief_cli import run_wirebrief

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's reports as one JSONL file in time order (an archive export)."""
    tmp = tmp_path_factory.mktemp("archive")
    settings = Settings(data_dir=tmp / "source")
    run(settings, [str(sample_dir())])
    with Store.open(settings.resolved_database_url) as store:
        articles = sorted(store.articles(), key=lambda a: (a.published, a.id))
    path = tmp / "archive.jsonl"
    path.write_text(
        "".join(
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
            + "\n"
            for a in articles
        ),
        "utf-8",
    )
    return path


def _state(settings: Settings) -> tuple[set[tuple[str, ...]], dict[str, bytes]]:
    with Store.open(settings.resolved_database_url) as store:
        memberships = {s.article_ids for s in store.stories()}
    exports = {p.name: p.read_bytes() for p in sorted(settings.resolved_export_dir.iterdir())}
    return memberships, exports


class Interrupted(Exception):
    pass


def test_an_interrupted_backfill_resumes_where_it_stopped(archive: Path, tmp_path: Path) -> None:
    whole = Settings(data_dir=tmp_path / "whole")
    straight = backfill(whole, [str(archive)], chunk_size=25)
    assert straight.chunks >= 3 and straight.reports_skipped == 0
    lines = len(archive.read_text("utf-8").splitlines())
    assert straight.reports_read == lines

    resumed = Settings(data_dir=tmp_path / "resumed")

    def stop_in_the_third_chunk(done: int) -> None:
        if done == 60:
            raise Interrupted

    with pytest.raises(Interrupted):
        backfill(resumed, [str(archive)], chunk_size=25, progress=stop_in_the_third_chunk)
    again = backfill(resumed, [str(archive)], chunk_size=25)
    assert again.reports_skipped == 50  # two finished chunks are not read into the store again
    assert again.reports_read == lines
    assert _state(resumed) == _state(whole)


def test_the_command_shows_progress_and_a_summary(archive: Path, tmp_path: Path) -> None:
    result = run_wirebrief(tmp_path / "data", "backfill", str(archive), "--chunk-size", "40")
    assert result.returncode == 0, result.stderr
    assert "backfill" in result.stderr and "eta" in result.stderr
    assert f"read {len(archive.read_text('utf-8').splitlines())} reports (0 skipped" in result.stdout
    again = run_wirebrief(tmp_path / "data", "backfill", str(archive))
    assert again.returncode == 0, again.stderr
    assert "0 new" in again.stdout and "skipped" in again.stdout


def test_a_missing_input_is_reported_and_the_others_are_read(archive: Path, tmp_path: Path) -> None:
    summary = backfill(Settings(data_dir=tmp_path), [str(tmp_path / "nowhere.jsonl"), str(archive)])
    assert summary.problems and "nowhere.jsonl" in summary.problems[0]
    assert summary.new_articles > 0
