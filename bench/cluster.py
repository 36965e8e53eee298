"""Benchmark of the cluster stage: articles per second and peak memory on synthetic streams.

The streams are made from the real text of the Multi-News dev documents (``../shared/eval/multi-news-dev``):
each synthetic event takes one gold cluster's paragraphs and each of its reports is a shuffled
selection of them. Events recur (there are only 250 clusters), so every capitalised word of an event
gets an event-specific suffix: a recurrence names different people and places, as a new story would,
and the vocabulary keeps growing as on a real wire. Events start at a steady rate (``--per-day``
reports a day) and their reports spread over the following days, so a steady number of stories is open.

Each measurement runs in a fresh worker process: the stream's plan is built first, then the clock
(process CPU time, the measure of one core; wall time is shown beside it) runs around
``StoryClusterer.add`` only, and peak memory is the worker's peak resident size minus its size before
clustering. 10k articles: median of 3 runs; 100k: one run.

    .venv/bin/python bench/cluster.py [--sizes 10000 100000] [--signals sparse+entities]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DOCS = SHARED / "eval" / "multi-news-dev" / "docs.jsonl.gz"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_CAPITALISED = re.compile(r"\b([A-Z][a-z]{2,})\b")


@dataclass(frozen=True, slots=True)
class PlannedReport:
    published: datetime
    article_id: str
    event: int
    source_cluster: int
    seed: int


def load_paragraphs() -> list[list[str]]:
    """Paragraphs of each gold cluster of the dev documents (clusters in file order)."""
    by_cluster: dict[str, list[str]] = defaultdict(list)
    with gzip.open(DOCS, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            paragraphs = [p.strip() for p in record["text"].split("\n \n") if len(p.split()) >= 8]
            by_cluster[record["cluster_id"]].extend(paragraphs)
    return [paragraphs for paragraphs in by_cluster.values() if len(paragraphs) >= 3]


def plan_stream(size: int, clusters: int, per_day: float, seed: int) -> list[PlannedReport]:
    """When each report appears and which event it belongs to, in time order (text comes later)."""
    rng = random.Random(seed)
    reports: list[PlannedReport] = []
    event = 0
    mean_reports = 3.5
    while len(reports) < size:
        start = EPOCH + timedelta(days=event * mean_reports / per_day)
        for _ in range(min(rng.randint(1, 6), size - len(reports))):
            delay = timedelta(hours=min(rng.expovariate(1 / 18), 96))
            reports.append(
                PlannedReport(
                    start + delay, f"bench-{len(reports)}", event, event % clusters, rng.randrange(2**32)
                )
            )
        event += 1
    reports.sort(key=lambda r: (r.published, r.article_id))
    return reports


def materialise(plan: list[PlannedReport], paragraphs: list[list[str]]) -> Iterator[object]:
    from wirebrief.records import Article, content_hash

    for report in plan:
        rng = random.Random(report.seed)
        pool = paragraphs[report.source_cluster]
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(3, 8)))
        text = _CAPITALISED.sub(rf"\g<1>x{report.event}", "\n\n".join(chosen))
        title = " ".join(text.split()[:12])
        yield Article(
            id=report.article_id,
            outlet=f"outlet-{report.seed % 50}",
            title=title,
            text=text,
            published=report.published,
            language="en",
            content_hash=content_hash(text),
            source="bench",
        )


def _rss_kib() -> int:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() // 1024


def worker(size: int, signals: str, per_day: float, seed: int) -> dict[str, float]:
    from wirebrief.cluster import Signals, StoryClusterer
    from wirebrief.settings import Settings

    paragraphs = load_paragraphs()
    plan = plan_stream(size, len(paragraphs), per_day, seed)
    articles = materialise(plan, paragraphs)
    clusterer = StoryClusterer(Settings.model_validate({}), signals=Signals(signals))
    before_kib = _rss_kib()
    cpu = wall = 0.0
    for article in articles:
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        clusterer.add(article)  # type: ignore[arg-type]
        cpu += time.process_time() - cpu_start
        wall += time.perf_counter() - wall_start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "size": size,
        "cpu_s": cpu,
        "wall_s": wall,
        "peak_mib": max(0, peak_kib - before_kib) / 1024,
        "stories": len(clusterer.stories()),
        "junk": len(clusterer.junk),
    }


def run_worker(size: int, signals: str, per_day: float, seed: int) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        str(size),
        "--signals",
        signals,
        "--per-day",
        str(per_day),
        "--seed",
        str(seed),
    ]
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--signals", default="sparse+entities")
    parser.add_argument("--per-day", type=float, default=2_000.0, help="reports a day in the stream")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.signals, args.per_day, args.seed)))
        return
    if not DOCS.exists():
        sys.exit(f"skipped: {DOCS} is absent (the shared evaluation data is needed to build the streams)")
    print(f"signals {args.signals}, {args.per_day:.0f} reports/day, window 4 days; one core (CPU time)")
    print(
        "| articles | runs | articles/s (CPU) | articles/s (wall) | µs/article (CPU) "
        "| peak MiB | stories | junk |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        runs = 3 if size <= 10_000 else 1
        results = [run_worker(size, args.signals, args.per_day, args.seed) for _ in range(runs)]
        cpu = statistics.median(r["cpu_s"] for r in results)
        wall = statistics.median(r["wall_s"] for r in results)
        peak = statistics.median(r["peak_mib"] for r in results)
        print(
            f"| {size:,} | {runs} | {size / cpu:,.0f} | {size / wall:,.0f} | {cpu / size * 1e6:,.0f} "
            f"| {peak:,.0f} | {int(results[0]['stories']):,} | {int(results[0]['junk'])} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
