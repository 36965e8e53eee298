"""Killing `wirebrief ingest` or `wirebrief brief` (SIGKILL, at random points) loses nothing.

A real store (a SQLite file; a PostgreSQL schema too when ``WIREBRIEF_TEST_POSTGRES_URL`` is set) is
filled by commands that are killed part-way, each time checked for half-written rows, then by the same
commands run to the end. Its rows and the exported briefs must equal those of a run never interrupted.

The input is a part of the bundled sample (one JSONL file and one feed: 31 reports, 10 briefs), so a
case costs one to two minutes. The kill points are random; a failure names the seed, and
``WIREBRIEF_KILL_SEED=N`` repeats it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from postgres_schemas import postgres_schema
from wirebrief.cluster.state import load_clusterer
from wirebrief.records import content_hash
from wirebrief.samples import sample_dir
from wirebrief.store import Store, schema

pytestmark = pytest.mark.slow

KILLS_PER_COMMAND = 4
INPUTS = [
    str(sample_dir() / "reports.jsonl"),
    str(sample_dir() / "feeds" / "meridian-wire.rss.xml"),
]
# Surrogate keys whose values depend on what was tried before (a PostgreSQL sequence advances for a
# transaction that is rolled back): rows are compared by their natural keys instead.
SURROGATE_COLUMNS = {
    ("dedupe_decisions", "seq"),
    ("briefs", "id"),
    ("brief_sentences", "brief_id"),
    ("pipeline_state", "updated_at"),  # when the working state was written, not what it holds
}


def _command(data_dir: Path, database_url: str, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "wirebrief.cli",
        "--data-dir",
        str(data_dir),
        "--database-url",
        database_url,
        *args,
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "200"}


def _run_to_end(data_dir: Path, database_url: str, *args: str) -> float:
    started = time.monotonic()
    result = subprocess.run(
        _command(data_dir, database_url, *args), capture_output=True, text=True, timeout=600, env=_env()
    )
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def _kill_after(data_dir: Path, database_url: str, delay: float, *args: str) -> bool:
    """Start the command and SIGKILL it after ``delay`` seconds; False when it ended first."""
    process = subprocess.Popen(
        _command(data_dir, database_url, *args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def _rows(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, without surrogate keys; brief sentences keyed by (story, version)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            brief_keys = {
                row.id: (row.story_id, row.version)
                for row in connection.execute(
                    select(schema.briefs.c.id, schema.briefs.c.story_id, schema.briefs.c.version)
                )
            }
            dump: dict[str, list[tuple[Any, ...]]] = {}
            for table in schema.metadata.sorted_tables:
                columns = [c for c in table.columns if (table.name, c.name) not in SURROGATE_COLUMNS]
                rows = []
                for row in connection.execute(select(table)):
                    values = tuple(repr(row._mapping[c.name]) for c in columns)
                    if table.name == "brief_sentences":
                        values = (brief_keys[row.brief_id], *values)
                    if table.name == "pipeline_state" and row.name == "clusterer":
                        # A pickle's bytes depend on each process's string-hash order (sets): compare the
                        # saved clusterer by the stories it holds.
                        stories = load_clusterer(row.value).stories()
                        values = (repr(row.name), repr(sorted(stories, key=lambda s: s.id)))
                    rows.append(values)
                dump[table.name] = sorted(rows, key=repr)
            return dump
    finally:
        engine.dispose()


def _check_nothing_half_written(database_url: str, seed: int, when: str) -> None:
    where = f"(seed {seed}, {when})"
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url)
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok", where
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == [], where
        finally:
            engine.dispose()
    with Store.open(database_url) as store:
        for article in store.articles():
            # The hash normalise gives the title and text: a row with part of either fails it.
            whole = content_hash(f"{article.title}\n{' '.join(article.text.split())}")
            assert article.text and article.content_hash == whole, (article.id, where)
        for story in store.stories():
            assert story.article_ids, (story.id, where)
            for version in store.brief_versions(story.id):
                brief = store.brief(story.id, version)
                assert brief is not None and brief.sentences, (story.id, version, where)
    dump = _rows(database_url)
    decisions = dump["dedupe_decisions"]
    assert len(decisions) == len(set(decisions)), where


def _exports(data_dir: Path) -> dict[str, bytes]:
    folder = data_dir / "exports"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


@contextmanager
def _sqlite(tmp_path: Path, name: str) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / name / 'wirebrief.db'}"


@contextmanager
def _postgres(tmp_path: Path, name: str) -> Iterator[str]:
    base = os.environ.get("WIREBRIEF_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("WIREBRIEF_TEST_POSTGRES_URL is not set; scripts/start-postgres.sh starts a server")
    with postgres_schema(base, f"wb_kill_{name}") as url:
        yield url


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def test_killed_ingest_and_brief_lose_and_duplicate_nothing(tmp_path: Path, backend: str) -> None:
    seed = int(os.environ.get("WIREBRIEF_KILL_SEED", random.SystemRandom().randrange(1_000_000)))
    chance = random.Random(seed)
    store_for = _sqlite if backend == "sqlite" else _postgres
    for name in ("whole", "killed"):
        (tmp_path / name).mkdir()
    with store_for(tmp_path, "whole") as whole_url, store_for(tmp_path, "killed") as killed_url:
        whole_dir, killed_dir = tmp_path / "whole", tmp_path / "killed"
        ingest_s = _run_to_end(whole_dir, whole_url, "ingest", *INPUTS)
        brief_s = _run_to_end(whole_dir, whole_url, "brief")
        expected_rows, expected_exports = _rows(whole_url), _exports(whole_dir)
        assert expected_exports, "the uninterrupted run exported no brief"

        killed = []
        for command, duration in ((["ingest", *INPUTS], ingest_s), (["brief"], brief_s)):
            for attempt in range(KILLS_PER_COMMAND):
                # The first seconds of a command are imports; the later part of its run is where it writes.
                delay = chance.uniform(0.3 * duration, duration)
                if _kill_after(killed_dir, killed_url, delay, *command):
                    killed.append(f"{command[0]} at {delay:.1f}s")
                    if (killed_dir / "wirebrief.db").exists() or backend == "postgresql":
                        _check_nothing_half_written(killed_url, seed, f"{command[0]} kill {attempt + 1}")
            _run_to_end(killed_dir, killed_url, *command)
            _check_nothing_half_written(killed_url, seed, f"{command[0]} run to the end")

        print(f"seed {seed}: killed {killed}")
        assert killed, f"no command was killed before it ended (seed {seed})"
        assert _rows(killed_url) == expected_rows, f"rows differ after kills {killed} (seed {seed})"
        assert _exports(killed_dir) == expected_exports, f"exports differ after kills {killed} (seed {seed})"
