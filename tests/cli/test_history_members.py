"""`wirebrief history --members` and the "since the latest brief" part of `wirebrief changes`, read from
the membership of each story version stored in a real SQLite file.

The story: two reports, brief version 1; then a late report (published *before* that brief's newest
report) joins, brief version 2 is written, and one more report joins after it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wirebrief.records import Article, Brief, BriefPart, BriefSentence, Citation, Story, content_hash
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief_cli import run_wirebrief

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def article(article_id: str, hours: float, title: str) -> Article:
    text = f"{title}. The civil protection agency gave the figures on the river floods."
    return Article(
        id=article_id,
        outlet=f"Outlet {article_id}",
        title=title,
        text=text,
        published=START + timedelta(hours=hours),
        language="en",
        content_hash=content_hash(text),
        source="reports.jsonl",
    )


def story(*articles: Article) -> Story:
    ordered = sorted(articles, key=lambda a: (a.published, a.id))
    return Story("s-flood", tuple(a.id for a in ordered), ordered[0].published, ordered[-1].published)


def brief(of: Story, headline: str) -> Brief:
    cited = (Citation("sentence", f"{of.article_ids[0]}#s0"),)
    return Brief(
        story_id=of.id,
        story_version=of.version_key,
        sentences=(
            BriefSentence(BriefPart.TITLE, "Floods", cited),
            BriefSentence(BriefPart.HEADLINE, headline, cited),
        ),
        categories=(),
        as_of=of.last_seen,
        writer="deterministic",
        report_count=len(of.article_ids),
        independent_sources=len(of.article_ids),
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    first, second = article("a-first", 0, "Floods kill 9"), article("a-second", 3, "Nine dead in floods")
    late = article("a-late", 1, "Late wire: floods kill 9")  # published before brief 1's newest report
    after = article("a-after", 30, "Flood toll rises to 14")
    with Store.open(Settings(data_dir=tmp_path).resolved_database_url) as store:
        store.upsert_articles([first, second, late, after])
        store.save_stories([story(first, second)])
        store.save_brief(brief(story(first, second), "Floods kill 9."))
        store.save_stories([story(first, second, late)])
        store.save_brief(brief(story(first, second, late), "Floods kill 9, three reports."))
        store.save_stories([story(first, second, late, after)])
    return tmp_path


def test_history_shows_what_joined_each_version_and_with_members_every_membership(data_dir: Path) -> None:
    result = run_wirebrief(data_dir, "history", "s-flood", "--members")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "+a-first, +a-second" in out and "+a-late" in out and "+a-after" in out
    listing = out[out.index("version after event 1") :]
    second_version = listing[listing.index("version after event 2") : listing.index("version after event 3")]
    assert "Late wire: floods kill 9  [a-late]" in second_version
    assert "a-after" not in second_version
    # Without --members, the table alone.
    plain = run_wirebrief(data_dir, "history", "s-flood")
    assert plain.returncode == 0, plain.stderr
    assert "version after event" not in plain.stdout


def test_changes_lists_late_reports_between_briefs_and_reports_since_the_latest(data_dir: Path) -> None:
    result = run_wirebrief(data_dir, "changes", "s-flood")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "brief version 1 → 2" in out
    between, since = out[: out.index("since brief version 2")], out[out.index("since brief version 2") :]
    # The late report joined between the two versions although it was published before brief 1's as_of.
    assert "Outlet a-late: Late wire: floods kill 9" in between
    assert "a-after" not in between
    assert "+ 2026-11-21T14:00+00:00  Outlet a-after: Flood toll rises to 14  [a-after]" in since


def test_changes_with_one_brief_still_lists_what_came_since(tmp_path: Path) -> None:
    first, second = article("a-first", 0, "Floods kill 9"), article("a-second", 3, "Nine dead in floods")
    with Store.open(Settings(data_dir=tmp_path).resolved_database_url) as store:
        store.upsert_articles([first, second])
        store.save_stories([story(first)])
        store.save_brief(brief(story(first), "Floods kill 9."))
    before = run_wirebrief(tmp_path, "changes", "s-flood")
    assert before.returncode == 0, before.stderr
    assert "nothing to compare yet" in before.stdout
    assert "no new reports" in before.stdout

    with Store.open(Settings(data_dir=tmp_path).resolved_database_url) as store:
        store.save_stories([story(first, second)])
    after = run_wirebrief(tmp_path, "changes", "s-flood")
    assert after.returncode == 0, after.stderr
    assert "Outlet a-second: Nine dead in floods  [a-second]" in after.stdout
