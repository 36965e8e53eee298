"""`wirebrief brief`: briefs for what `ingest` (or the push endpoint) stored, without reading input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief_cli import PORT_STRIKE_REPORTS as REPORTS
from wirebrief_cli import run_wirebrief


@pytest.mark.slow  # three CLI processes, two of them loading the pipeline
def test_brief_writes_briefs_for_stored_reports_and_nothing_new_the_second_time(tmp_path: Path) -> None:
    data = tmp_path / "data"
    reports = tmp_path / "reports.jsonl"
    reports.write_text("".join(json.dumps(r) + "\n" for r in REPORTS), encoding="utf-8")
    assert run_wirebrief(data, "ingest", str(reports)).returncode == 0

    first = run_wirebrief(data, "brief")
    assert first.returncode == 0, first.stderr
    assert "reports read" in first.stdout
    with Store.open(Settings(data_dir=data).resolved_database_url) as store:
        (story,) = store.stories()
        assert sorted(story.article_ids) == sorted(a.id for a in store.articles())
        assert store.brief_versions(story.id) == [1]
        assert store.counts()["articles"] == 2  # nothing was read: the bundled sample is not ingested

    second = run_wirebrief(data, "brief", "--show")
    assert second.returncode == 0, second.stderr
    with Store.open(Settings(data_dir=data).resolved_database_url) as store:
        assert store.brief_versions(story.id) == [1]  # unchanged story, no new version
