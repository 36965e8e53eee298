"""User mistakes end with one clear line naming the input and the problem, and lose nothing stored."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wirebrief_cli import run_wirebrief as wirebrief


def _report(url: str, title: str, text: str) -> str:
    return json.dumps(
        {"url": url, "outlet": "Test Desk", "title": title, "published": "2026-11-20T10:00:00Z", "text": text}
    )


GOOD_TEXT = (
    "The regional council of Valparaiso approved a new water plan on Friday after two years of drought. "
    "The plan sets limits on irrigation and funds three desalination plants, council members said."
)


def test_missing_path_is_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    result = wirebrief(tmp_path, "ingest", str(tmp_path / "nope.jsonl"))
    assert result.returncode != 0
    assert "nope.jsonl" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_empty_file_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = wirebrief(tmp_path, "ingest", str(empty))
    assert result.returncode != 0
    assert "empty.jsonl" in result.stderr and "Traceback" not in result.stderr


def test_bad_jsonl_line_is_reported_with_its_number_and_the_rest_ingested(tmp_path: Path) -> None:
    feed = tmp_path / "mixed.jsonl"
    feed.write_text(
        _report("https://t.example/1", "Council approves water plan", GOOD_TEXT)
        + "\n{not json at all\n"
        + _report(
            "https://t.example/2", "Valparaiso water plan passes", GOOD_TEXT.replace("Friday", "Thursday")
        )
        + "\n",
        "utf-8",
    )
    result = wirebrief(tmp_path, "ingest", str(feed))
    assert result.returncode == 0, result.stderr
    assert "mixed.jsonl:line 2" in result.stderr
    assert "read 2 reports" in result.stdout


def test_report_with_no_text_is_reported_and_skipped(tmp_path: Path) -> None:
    feed = tmp_path / "notext.jsonl"
    feed.write_text(
        _report("https://t.example/empty", "Headline with nothing under it", "") + "\n"
        + _report("https://t.example/3", "Council approves water plan", GOOD_TEXT) + "\n",
        "utf-8",
    )  # fmt: skip
    result = wirebrief(tmp_path, "ingest", str(feed))
    assert result.returncode == 0, result.stderr
    assert "no text" in result.stderr
    assert "1 new" in result.stdout


def test_locked_database_is_one_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    feed = tmp_path / "one.jsonl"
    feed.write_text(_report("https://t.example/4", "Council approves water plan", GOOD_TEXT) + "\n", "utf-8")
    assert wirebrief(tmp_path, "ingest", str(feed)).returncode == 0
    other = tmp_path / "two.jsonl"
    other.write_text(
        _report("https://t.example/5", "Another report", GOOD_TEXT.replace("three", "four")) + "\n"
    )
    database = tmp_path / "wirebrief.db"
    holder = sqlite3.connect(database, timeout=0.1)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = wirebrief(tmp_path, "ingest", str(other))
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode != 0
    assert "wirebrief.db" in result.stderr and "locked" in result.stderr
    assert "Traceback" not in result.stderr
    rows = sqlite3.connect(database).execute("SELECT count(*) FROM articles").fetchone()[0]
    assert rows == 1


@pytest.mark.parametrize(
    "command", [["show", "s-doesnotexist"], ["export", "s-doesnotexist", "--format", "md"]]
)
def test_unknown_story_is_one_clear_error(tmp_path: Path, command: list[str]) -> None:
    result = wirebrief(tmp_path, *command)
    assert result.returncode != 0
    assert "s-doesnotexist" in result.stderr and "Traceback" not in result.stderr


def test_unknown_export_format_is_named(tmp_path: Path) -> None:
    result = wirebrief(tmp_path, "export", "s-x", "--format", "pdf")
    assert result.returncode != 0 and "pdf" in result.stderr


def test_every_command_has_help() -> None:
    for command in ("run", "ingest", "stories", "show", "export", "eval"):
        result = subprocess.run(
            [sys.executable, "-m", "wirebrief.cli", command, "--help"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0 and "Usage" in result.stdout, command


def test_stories_filter_by_category_and_refuse_an_unknown_slug(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from wirebrief.records import Article, CategoryScore, IptcTopic, Story, content_hash
    from wirebrief.store import Store

    when = datetime(2026, 11, 20, tzinfo=UTC)
    topics = {"war-and-conflicts": "medtop:16000000", "sports": "medtop:15000000"}
    with Store.open(f"sqlite:///{tmp_path / 'wirebrief.db'}") as store:
        for slug in topics:
            article = Article(f"a-{slug}", "Desk", slug, GOOD_TEXT, when, "en", content_hash(slug), "test")
            store.upsert_article(article)
        store.save_stories([Story(f"s-{slug}", (f"a-{slug}",), when, when) for slug in topics])
        for slug, code in topics.items():
            store.save_categories(f"s-{slug}", [CategoryScore(slug, slug, 0.8, (IptcTopic(code, slug),))])
    result = wirebrief(tmp_path, "stories", "--category", "sports")
    assert result.returncode == 0, result.stderr
    assert "s-sports" in result.stdout and "s-war-and-conflicts" not in result.stdout
    result = wirebrief(tmp_path, "stories", "--category", "not-a-slug")
    assert result.returncode != 0 and "not-a-slug" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--version"], 0, "wirebrief 0.1.0"),
        (["show"], 2, "Missing argument"),
        (["no-such-command"], 2, "No such command"),
        (["export", "s-x", "--version", "not-a-number"], 2, "Invalid value for '--version'"),
    ],
)
def test_usage_errors_are_one_message_and_exit_code_never_a_traceback(
    tmp_path: Path, args: list[str], code: int, text: str
) -> None:
    result = wirebrief(tmp_path, *args)
    assert result.returncode == code
    assert text in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
