"""`wirebrief history` and `wirebrief changes` on a real SQLite store after two pipeline runs.

The first run stores two independent reports of an invented flood (one story, brief version 1); the
second adds a later report with a higher toll, so the story grows and gets brief version 2.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wirebrief.commands.history import load_history
from wirebrief.pipeline import run
from wirebrief.publish.changes import load_brief_changes
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief_cli import run_wirebrief as _cli

pytestmark = pytest.mark.slow

FIRST_RUN = [
    {
        "url": "https://tests.example/valdora-flood-1",
        "outlet": "Northern Courier",
        "title": "Floods in Valdora province kill 9 after river bursts its banks",
        "published": "2026-11-20T08:00:00+00:00",
        "language": "en",
        "text": "Floods in Valdora province killed 9 people on Thursday after the Serra river burst its "
        "banks near the town of Calvino, the provincial civil protection agency said.\n\nRescue teams "
        "evacuated 1,200 residents from Calvino and two nearby villages, and the agency said 300 homes "
        "were flooded. "
        "Governor Marta Inzaghi declared a state of emergency in Valdora province.",
    },
    {
        "url": "https://tests.example/valdora-flood-2",
        "outlet": "Coastal Herald",
        "title": "Valdora floods: nine dead as Serra river overflows near Calvino",
        "published": "2026-11-20T11:00:00+00:00",
        "language": "en",
        "text": "Nine people died in Valdora province on Thursday when the Serra river overflowed near "
        "Calvino, the civil protection agency said.\n\nAbout 1,200 residents of Calvino were "
        "evacuated and 300 homes were flooded, the agency said. Governor Marta Inzaghi declared a "
        "state of emergency in the province.",
    },
]

SECOND_RUN = [
    {
        "url": "https://tests.example/valdora-flood-3",
        "outlet": "Valley Gazette",
        "title": "Valdora flood death toll rises to 14 as Serra river waters recede",
        "published": "2026-11-21T09:00:00+00:00",
        "language": "en",
        "text": "The death toll from the floods in Valdora province rose to 14 on Friday as the waters of "
        "the Serra river receded near Calvino, the civil protection agency said.\n\nThe agency said 2,500 "
        "residents had now been evacuated from Calvino and nearby villages. Governor Marta Inzaghi said the "
        "state of emergency in Valdora province would stay in force.",
    },
]


def write_reports(path: Path, reports: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(report) + "\n" for report in reports), "utf-8")
    return path


@dataclass(frozen=True)
class TwoRuns:
    data_dir: Path  # after both runs
    first_only: Path  # a copy taken after the first run
    story_id: str


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoRuns]:
    root = tmp_path_factory.mktemp("history")
    settings = Settings(data_dir=root / "data")
    first = run(settings, [str(write_reports(root / "first.jsonl", FIRST_RUN))])
    assert len(first.briefs) == 1
    story_id = first.briefs[0].story_id
    shutil.copytree(root / "data", root / "first-only")
    second = run(settings, [str(write_reports(root / "second.jsonl", SECOND_RUN))])
    assert second.ingest.new_articles == 1
    yield TwoRuns(root / "data", root / "first-only", story_id)


def test_history_records_creation_growth_and_two_brief_versions(two_runs: TwoRuns) -> None:
    with Store.open(Settings(data_dir=two_runs.data_dir).resolved_database_url) as store:
        history = load_history(store, two_runs.story_id)
        story = store.story(two_runs.story_id)
    assert story is not None
    assert [(e.event, e.article_count) for e in history.events] == [("created", 2), ("grew", 3)]
    assert history.events[-1].version_key == story.version_key
    assert [b.version for b in history.briefs] == [1, 2]
    # Each brief was written from the story version of the event before it.
    assert [b.story_version for b in history.briefs] == [e.version_key for e in history.events]
    assert [b.report_count for b in history.briefs] == [2, 3]


def test_changes_between_the_two_briefs_list_the_new_report(two_runs: TwoRuns) -> None:
    with Store.open(Settings(data_dir=two_runs.data_dir).resolved_database_url) as store:
        changes = load_brief_changes(store, two_runs.story_id, 1, 2)
    assert [(r.outlet, r.title) for r in changes.new_reports] == [
        ("Valley Gazette", "Valdora flood death toll rises to 14 as Serra river waters recede")
    ]
    assert changes.membership_stored and changes.left_reports == ()  # found from the stored memberships
    assert changes.story_changed
    assert (changes.from_report_count, changes.to_report_count) == (2, 3)


def test_history_command_prints_events_and_versions(two_runs: TwoRuns) -> None:
    result = _cli(two_runs.data_dir, "history", two_runs.story_id)
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout and "grew" in result.stdout
    assert "brief versions" in result.stdout
    assert "version 2 (" in result.stdout


def test_changes_command_defaults_to_the_latest_two_versions(two_runs: TwoRuns) -> None:
    result = _cli(two_runs.data_dir, "changes", two_runs.story_id)
    assert result.returncode == 0, result.stderr
    assert "brief version 1 → 2" in result.stdout
    assert "Valley Gazette: Valdora flood death toll rises to 14" in result.stdout
    explicit = _cli(two_runs.data_dir, "changes", two_runs.story_id, "--from", "1", "--to", "2")
    assert explicit.stdout == result.stdout


def test_changes_command_says_plainly_when_there_is_one_brief(two_runs: TwoRuns) -> None:
    result = _cli(two_runs.first_only, "changes", two_runs.story_id)
    assert result.returncode == 0, result.stderr
    assert "has one brief version (1): nothing to compare yet" in result.stdout


def test_changes_command_refuses_bad_versions_and_unknown_stories(two_runs: TwoRuns) -> None:
    missing = _cli(two_runs.data_dir, "changes", two_runs.story_id, "--from", "5")
    assert missing.returncode == 5
    assert "no brief version 5" in missing.stderr
    backwards = _cli(two_runs.data_dir, "changes", two_runs.story_id, "--from", "2", "--to", "1")
    assert backwards.returncode == 3
    assert "older" in backwards.stderr
    unknown = _cli(two_runs.data_dir, "history", "s-nope")
    assert unknown.returncode == 5
    assert "no story with id s-nope" in unknown.stderr
