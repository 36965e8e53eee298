"""Deduplicator rules: exact duplicates, revisions, near duplicates, syndication, window, seeding."""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from wirebrief.dedupe import Deduplicator, MinHasher, estimated_jaccard, jaccard
from wirebrief.normalise import UNDATED, normalise
from wirebrief.records import Article, DedupeStatus, RawReport
from wirebrief.settings import Settings

SETTINGS = Settings.model_validate({})
START = datetime(2026, 11, 20, 8, tzinfo=UTC)
WIRE = (
    "Workers at the port of Valparaiso ended a nine-day strike on Tuesday after their union accepted a pay "
    "offer from the port authority, reopening the busiest container terminal on the Pacific coast of South "
    "America.\n\nThe agreement raises wages by seven percent this year and five percent next year, and it "
    "commits the authority to hiring two hundred permanent staff to replace temporary contracts, union "
    "leader Marta Solis told reporters outside the terminal gates.\n\nShipping lines had diverted more than "
    "forty vessels to other ports during the stoppage, and exporters of fruit and copper said they had lost "
    "millions of dollars in delayed cargo. The authority said the backlog would take about two weeks to "
    "clear once cranes were running around the clock again."
)
OTHER = (
    "The regional council approved a new water plan on Friday after two years of drought, setting limits on "
    "irrigation and funding three desalination plants along the coast. Council members said the plan would "
    "be reviewed every year and that farmers would be compensated for reduced allocations during the first "
    "two seasons. Environmental groups welcomed the decision but warned about brine returned to the sea."
)


def article(
    text: str = WIRE,
    *,
    outlet: str = "Meridian Wire",
    url: str | None = None,
    title: str = "Port strike ends",
    hours: float = 0,
) -> Article:
    raw = RawReport(
        source="test",
        locator="x",
        title=title,
        body=text,
        url=url,
        outlet=outlet,
        published=START + timedelta(hours=hours),
    )
    return normalise(raw, SETTINGS)


def edited(text: str) -> str:
    """A wire desk's light edit: a dateline, a changed word, a credit line."""
    return "VALPARAISO, Chile - " + text.replace("busiest", "largest") + "\n\nReporting by Ana Ruiz."


def test_ten_thousand_copies_keep_one() -> None:
    deduplicator = Deduplicator(SETTINGS)
    copy = article(url="https://wire.example.net/strike")
    decisions = [deduplicator.decide(copy) for _ in range(10_000)]
    statuses = [d.status for d in decisions]
    assert statuses[0] == DedupeStatus.NEW and decisions[0].keep
    assert statuses.count(DedupeStatus.EXACT_DUPLICATE) == 9_999
    assert all(d.duplicate_of == copy.id and not d.keep for d in decisions[1:])
    assert len(deduplicator) == 1


def test_same_url_changed_text_is_a_revision_in_the_same_family() -> None:
    deduplicator = Deduplicator(SETTINGS)
    first = article(url="https://wire.example.net/strike")
    update = article(
        WIRE + "\n\nUpdated with the authority's statement.", url="https://wire.example.net/strike"
    )
    assert first.id == update.id and first.content_hash != update.content_hash
    assert deduplicator.decide(first).status == DedupeStatus.NEW
    decision = deduplicator.decide(update)
    assert decision.status == DedupeStatus.REVISION and decision.keep
    assert decision.family == first.id
    assert decision.similarity is not None and decision.similarity > 0.8


def test_near_duplicate_from_the_same_outlet_is_dropped() -> None:
    deduplicator = Deduplicator(SETTINGS)
    first = article(url="https://wire.example.net/a")
    copy = article(edited(WIRE), url="https://wire.example.net/b", hours=2)
    deduplicator.decide(first)
    decision = deduplicator.decide(copy)
    assert decision.status == DedupeStatus.NEAR_DUPLICATE and not decision.keep
    assert decision.duplicate_of == first.id and decision.family == first.id
    assert decision.similarity is not None and decision.similarity >= SETTINGS.near_duplicate_threshold


def test_copies_from_other_outlets_are_syndicated_into_the_earliest_family() -> None:
    deduplicator = Deduplicator(SETTINGS)
    original = article(url="https://wire.example.net/a", outlet="Meridian Wire")
    reprint = article(edited(WIRE), url="https://ledger.example.org/a", outlet="Harbour Ledger", hours=1)
    second_reprint = article(
        WIRE + "\n\n(c) Coast Daily", url="https://coast.example.com/a", outlet="Coast Daily", hours=3
    )
    decisions = [deduplicator.decide(a) for a in (original, reprint, second_reprint)]
    assert [d.status for d in decisions] == [
        DedupeStatus.NEW,
        DedupeStatus.SYNDICATED,
        DedupeStatus.SYNDICATED,
    ]
    assert {d.family for d in decisions} == {original.id}
    assert decisions[2].duplicate_of == original.id
    assert all(d.keep for d in decisions)


def test_copy_outside_the_window_is_new() -> None:
    deduplicator = Deduplicator(SETTINGS.model_copy(update={"dedupe_window_days": 2.0}))
    deduplicator.decide(article(url="https://wire.example.net/a"))
    late = deduplicator.decide(article(edited(WIRE), url="https://wire.example.net/b", hours=24 * 3))
    assert late.status == DedupeStatus.NEW


def test_different_stories_are_new() -> None:
    deduplicator = Deduplicator(SETTINGS)
    assert deduplicator.decide(article(url="https://e.org/1")).status == DedupeStatus.NEW
    other = deduplicator.decide(article(OTHER, url="https://e.org/2", title="Water plan"))
    assert other.status == DedupeStatus.NEW and other.family == other.article_id


def test_seeded_articles_are_seen_by_a_later_run() -> None:
    first_run = Deduplicator(SETTINGS)
    original = article(url="https://wire.example.net/a")
    first_run.decide(original)
    second_run = Deduplicator(SETTINGS)
    second_run.seed([original])
    assert second_run.decide(article(url="https://wire.example.net/a")).status == DedupeStatus.EXACT_DUPLICATE
    near = second_run.decide(article(edited(WIRE), url="https://wire.example.net/c", hours=1))
    assert near.status == DedupeStatus.NEAR_DUPLICATE and near.duplicate_of == original.id


def test_seed_keeps_stored_families() -> None:
    from dataclasses import replace

    stored = replace(
        article(url="https://ledger.example.org/a", outlet="Harbour Ledger"), family="a-wirefamily"
    )
    deduplicator = Deduplicator(SETTINGS)
    deduplicator.seed([stored])
    decision = deduplicator.decide(article(edited(WIRE), url="https://coast.example.com/a", outlet="Coast"))
    assert decision.status == DedupeStatus.SYNDICATED and decision.family == "a-wirefamily"


def test_text_without_words_does_not_break_dedupe() -> None:
    deduplicator = Deduplicator(SETTINGS)
    decision = deduplicator.decide(article("— … —", url="https://e.org/dash"))
    assert decision.status == DedupeStatus.NEW


def test_estimate_tracks_true_jaccard() -> None:
    hasher = MinHasher()
    words = [f"w{i}" for i in range(600)]
    first = " ".join(words[:400])
    second = " ".join(words[100:500])
    true = len(set(hasher.shingle_hashes(first)) & set(hasher.shingle_hashes(second))) / len(
        set(hasher.shingle_hashes(first)) | set(hasher.shingle_hashes(second))
    )
    sig_a, sig_b = hasher.signature(first), hasher.signature(second)
    assert sig_a is not None and sig_b is not None
    assert abs(estimated_jaccard(sig_a, sig_b) - true) < 0.12
    assert estimated_jaccard(sig_a, sig_a) == 1.0


def test_signatures_are_identical_in_another_process() -> None:
    signature = MinHasher().signature(WIRE)
    assert signature is not None
    code = (
        "import sys; from wirebrief.dedupe import MinHasher; "
        "sys.stdout.write(','.join(map(str, MinHasher().signature(sys.stdin.read()))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=WIRE,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )
    assert np.array_equal(np.array([int(x) for x in result.stdout.split(",")], dtype=np.uint64), signature)


def test_decisions_are_deterministic() -> None:
    stream = [
        article(url="https://wire.example.net/a"),
        article(edited(WIRE), url="https://ledger.example.org/a", outlet="Harbour Ledger", hours=1),
        article(OTHER, url="https://e.org/2", title="Water plan", hours=2),
        article(edited(WIRE), url="https://wire.example.net/b", hours=3),
    ]
    first = [Deduplicator(SETTINGS).decide(a) for a in stream]
    runs = []
    for _ in range(2):
        deduplicator = Deduplicator(SETTINGS)
        runs.append([deduplicator.decide(a) for a in stream])
    assert runs[0] == runs[1]
    assert [d.status for d in first] == [DedupeStatus.NEW] * 4  # fresh deduplicator each: all new


def _distinct_text(seed: int, words: int = 80) -> str:
    """A text of invented words that shares almost no 3-word sequence with another seed's."""
    generator = random.Random(seed)
    return " ".join(f"w{generator.randrange(5_000)}" for _ in range(words)) + "."


def test_memory_is_bounded_by_the_window() -> None:
    deduplicator = Deduplicator(SETTINGS.model_copy(update={"dedupe_window_days": 1.0}))
    stream = [
        article(_distinct_text(i), url=f"https://e.org/{i}", title=f"Report {i}", hours=i) for i in range(200)
    ]
    held = []
    for item in stream:
        assert deduplicator.decide(item).status == DedupeStatus.NEW
        held.append(len(deduplicator))
    # One day at one report an hour: never more than 25 held, however long the stream.
    assert max(held) <= 25 and held[-1] == 25
    # The newest reports are still matched; the oldest are forgotten, even as exact copies.
    recent = deduplicator.decide(replace(stream[-1], id="a-other"))
    assert recent.status == DedupeStatus.EXACT_DUPLICATE
    forgotten = replace(stream[0], id="a-late-copy", published=stream[-1].published)
    assert deduplicator.decide(forgotten).status == DedupeStatus.NEW


def test_undated_articles_are_never_evicted() -> None:
    deduplicator = Deduplicator(SETTINGS.model_copy(update={"dedupe_window_days": 1.0}))
    undated = replace(article(url="https://e.org/undated"), published=UNDATED)
    deduplicator.decide(undated)
    for i in range(60):
        deduplicator.decide(article(_distinct_text(i), url=f"https://e.org/{i}", title=f"R{i}", hours=i))
    copy = replace(article(edited(WIRE), url="https://e.org/undated-copy"), published=UNDATED)
    decision = deduplicator.decide(copy)
    assert decision.status == DedupeStatus.NEAR_DUPLICATE and decision.duplicate_of == undated.id


def test_seed_holds_only_the_window() -> None:
    stored = [
        article(_distinct_text(i), url=f"https://e.org/{i}", title=f"R{i}", hours=24 * i) for i in range(100)
    ]
    deduplicator = Deduplicator(SETTINGS)  # seven days
    deduplicator.seed(stored)
    assert len(deduplicator) == 8  # days 92 to 99
    newest = stored[-1]
    copy = article(newest.text + " Reporting by the desk.", url="https://e.org/copy", hours=24 * 99 + 1)
    decision = deduplicator.decide(copy)
    assert decision.status == DedupeStatus.NEAR_DUPLICATE and decision.duplicate_of == newest.id


def test_trimmed_copy_is_a_near_duplicate() -> None:
    deduplicator = Deduplicator(SETTINGS)
    deduplicator.decide(article(url="https://wire.example.net/a"))
    trimmed = "\n\n".join(WIRE.split("\n\n")[:2])  # the last paragraph cut for space
    hasher = MinHasher()
    whole = jaccard(hasher.shingle_hashes(trimmed), hasher.shingle_hashes(WIRE))
    assert whole < SETTINGS.near_duplicate_threshold  # too little overlap for the Jaccard rule
    decision = deduplicator.decide(article(trimmed, url="https://wire.example.net/b", hours=1))
    assert decision.status == DedupeStatus.NEAR_DUPLICATE
    assert decision.similarity is not None and decision.similarity >= SETTINGS.near_duplicate_containment


def test_longer_report_around_a_kept_one_is_new() -> None:
    """Containment is one-way: a follow-up that repeats a short kept report and adds more is new."""
    deduplicator = Deduplicator(SETTINGS)
    lead = WIRE.split("\n\n")[0]
    deduplicator.decide(article(lead, url="https://wire.example.net/flash"))
    decision = deduplicator.decide(article(WIRE, url="https://wire.example.net/full", hours=1))
    assert decision.status == DedupeStatus.NEW


def test_a_short_line_is_not_matched_by_containment() -> None:
    deduplicator = Deduplicator(SETTINGS)
    deduplicator.decide(article(url="https://wire.example.net/a"))
    line = "Workers at the port of Valparaiso ended a nine-day strike on Tuesday."
    assert deduplicator.decide(article(line, url="https://wire.example.net/b")).status == DedupeStatus.NEW


def test_similarity_is_the_exact_jaccard() -> None:
    deduplicator = Deduplicator(SETTINGS)
    first = article(url="https://wire.example.net/a")
    copy = article(edited(WIRE), url="https://wire.example.net/b", hours=1)
    deduplicator.decide(first)
    decision = deduplicator.decide(copy)
    hasher = MinHasher()
    expected = jaccard(hasher.shingle_hashes(copy.text), hasher.shingle_hashes(first.text))
    assert decision.similarity == pytest.approx(expected)
    shingles = set(hasher.shingle_hashes(copy.text).tolist()), set(hasher.shingle_hashes(first.text).tolist())
    assert expected == pytest.approx(len(shingles[0] & shingles[1]) / len(shingles[0] | shingles[1]))
