"""Benchmark of the cluster stage: articles per second and peak memory on synthetic streams.

The streams are made from the real text of the Multi-News dev documents (``../shared/eval/multi-news-dev``):
each synthetic event takes one gold cluster's paragraphs and each of its reports is a shuffled
selection of them. Events recur (there are only 250 clusters), so every capitalised word of an event
gets an event-specific suffix: a recurrence names different people and places, as a new story would,
and the vocabulary keeps growing as on a real wire. Events start at a steady rate (``--per-day``
reports a day) and their reports spread over the following days, so a steady number of stories is open.

Variants: ``sparse``, ``sparse+entities`` (the default clustering), ``static`` (sparse+entities plus
the dense signal from the static model distilled from MiniLM, see ``wirebrief models distill``) and
``minilm`` (sparse+entities plus MiniLM through sentence-transformers; slow, so it runs only up to
``--slow-max`` articles). The dense variants embed each article as it arrives (one call per article,
as on a live stream), inside the clock; the model is loaded before the clock starts.

Each variant runs in a fresh worker process that clusters one stream of the largest size and reports
at every size on the way (the stream up to 10k articles is the first 10k of the 1M stream, so one
run gives every size): the stream's plan is built first, then the clock (process CPU time, the
measure of one core; wall time is shown beside it) runs around embedding and ``StoryClusterer.add``
only. Peak memory is the worker's peak resident size so far minus its size before clustering.
Retired stories are handed over through ``on_retire`` and forgotten, as a live deployment would store
them (``--keep-retired`` keeps them in the clusterer instead).
Besides the average over the whole stream so far, each row shows the time per article over the last
10 % of it (the marginal cost at that size). Rows are printed as they come, so an interrupted run
still shows the sizes it reached.

    .venv/bin/python bench/cluster.py [--sizes 10000 100000 1000000] [--variants sparse static]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DOCS = SHARED / "eval" / "multi-news-dev" / "docs.jsonl.gz"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_CAPITALISED = re.compile(r"\b([A-Z][a-z]{2,})\b")
VARIANTS = ("sparse", "sparse+entities", "static", "minilm")
# The variants whose embedder is too slow for large streams (MiniLM: about 7 articles/s on one core).
SLOW_VARIANTS = ("minilm",)


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


def materialise(plan: list[PlannedReport], paragraphs: list[list[str]]) -> Iterator[Any]:
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


def _embedder(variant: str) -> Any:
    """The variant's embedder (None for the sparse ones), loaded and warmed up."""
    if variant not in ("static", "minilm"):
        return None
    from wirebrief.cluster.dense import make_embedder
    from wirebrief.settings import load_settings

    # Settings from the environment too: WIREBRIEF_CLUSTER_STATIC_MODEL_DIR says where the model is.
    embedder = make_embedder(load_settings(cluster_embedder=variant))
    embedder.embed(["warm-up"])  # loads the model outside the clock
    return embedder


def worker(sizes: list[int], variant: str, per_day: float, seed: int, keep_retired: bool) -> None:
    """Cluster one stream of ``max(sizes)`` articles; print a JSON line at every size in ``sizes``."""
    from wirebrief.cluster import Signals, StoryClusterer
    from wirebrief.cluster.dense import dense_text
    from wirebrief.settings import Settings

    signals = Signals.SPARSE if variant == "sparse" else Signals.SPARSE_ENTITIES
    paragraphs = load_paragraphs()
    plan = plan_stream(max(sizes), len(paragraphs), per_day, seed)
    embedder = _embedder(variant)
    # As on a live stream, stories that leave the index are handed over (to storage) and forgotten,
    # unless --keep-retired keeps them all in the clusterer (as before that hand-over existed).
    handed_over: list[int] = [0]

    def hand_over(story: object) -> None:
        handed_over[0] += 1

    clusterer = StoryClusterer(
        Settings.model_validate({}),
        signals=signals,
        embedder=embedder,
        on_retire=None if keep_retired else hand_over,
    )
    checkpoints = sorted(sizes)
    # The window over which the marginal cost is measured: the last 10 % before each checkpoint.
    window_starts = {size - size // 10: size for size in checkpoints if size >= 10}
    window_cpu: dict[int, float] = {}
    before_kib = _rss_kib()
    cpu = wall = 0.0
    for count, article in enumerate(materialise(plan, paragraphs), start=1):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        if embedder is None:
            clusterer.add(article)
        else:
            clusterer.add(article, embedding=embedder.embed([dense_text(article)])[0])
        cpu += time.process_time() - cpu_start
        wall += time.perf_counter() - wall_start
        if count in window_starts:
            window_cpu[window_starts[count]] = cpu
        if count == checkpoints[0]:
            checkpoints.pop(0)
            peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            window = count // 10 if count >= 10 else count
            result = {
                "size": count,
                "cpu_s": cpu,
                "wall_s": wall,
                "window_us": (cpu - window_cpu.get(count, 0.0)) / max(1, window) * 1e6,
                "peak_mib": max(0, peak_kib - before_kib) / 1024,
                "stories": len(clusterer.stories()) + handed_over[0],
                "junk": len(clusterer.junk),
            }
            print(json.dumps(result), flush=True)
            if not checkpoints:
                return


def run_variant(
    variant: str,
    sizes: list[int],
    per_day: float,
    seed: int,
    keep_retired: bool,
    collected: list[dict[str, object]] | None = None,
) -> None:
    """Run one variant's worker and print a table row for each size as it is reached (or, given
    ``collected``, add the row's figures there instead, for --json)."""
    command = [sys.executable, __file__, "--worker", variant, "--per-day", str(per_day), "--seed", str(seed)]
    command += ["--keep-retired"] if keep_retired else []
    command += ["--sizes", *map(str, sizes)]
    # One core: the model runtimes must not spread over more threads than the clock can see fairly.
    environment = os.environ | {
        "OMP_NUM_THREADS": "1",
        "RAYON_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    first_us: float | None = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment) as process:
        assert process.stdout is not None
        for line in process.stdout:
            r = json.loads(line)
            size = int(r["size"])
            per_article_us = r["cpu_s"] / size * 1e6
            if first_us is None:
                first_us = per_article_us
            if collected is not None:
                collected.append(
                    {
                        "variant": variant,
                        "articles": size,
                        "articles_per_second_cpu": size / r["cpu_s"],
                        "articles_per_second_wall": size / r["wall_s"],
                        "us_per_article_cpu": per_article_us,
                        "us_per_article_last_10_percent": r["window_us"],
                        "ratio_to_first_size": per_article_us / first_us,
                        "peak_mib": r["peak_mib"],
                        "stories": int(r["stories"]),
                        "junk": int(r["junk"]),
                    }
                )
                continue
            print(
                f"| {variant} | {size:,} | {size / r['cpu_s']:,.0f} | {size / r['wall_s']:,.0f} "
                f"| {per_article_us:,.0f} | {r['window_us']:,.0f} | {per_article_us / first_us:.2f} "
                f"| {r['peak_mib']:,.0f} | {int(r['stories']):,} | {int(r['junk'])} |",
                flush=True,
            )
    if process.returncode != 0:
        if collected is not None:
            collected.append({"variant": variant, "failed": f"worker exit {process.returncode}"})
            return
        print(f"| {variant} | worker failed (exit {process.returncode}) |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument(
        "--slow-max", type=int, default=1_000, help="largest stream for the slow (MiniLM) variant"
    )
    parser.add_argument("--per-day", type=float, default=2_000.0, help="reports a day in the stream")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep-retired",
        action="store_true",
        help="keep retired stories in the clusterer instead of handing them over (memory then grows)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the figures as one JSON object instead of the table"
    )
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.sizes, args.worker, args.per_day, args.seed, args.keep_retired)
        return
    if not DOCS.exists():
        sys.exit(f"skipped: {DOCS} is absent (the shared evaluation data is needed to build the streams)")
    kept = "retired stories kept" if args.keep_retired else "retired stories handed over"
    if args.json:
        from wirebrief.evaluation.output import emit_figures

        collected: list[dict[str, object]] = []
        for variant in args.variants:
            sizes = args.sizes
            if variant in SLOW_VARIANTS:
                sizes = sorted({min(size, args.slow_max) for size in sizes})
            run_variant(variant, sizes, args.per_day, args.seed, args.keep_retired, collected)
        emit_figures(
            {
                "bench": "cluster",
                "reports_per_day": args.per_day,
                "retired_stories": kept,
                "rows": collected,
            }
        )
        return
    print(
        f"{args.per_day:.0f} reports/day, window 4 days, IDF over 30 days, {kept}; "
        "one core (process CPU time)"
    )
    print(
        "| variant | articles | articles/s (CPU) | articles/s (wall) | µs/article (CPU) "
        "| µs/article, last 10 % | µs/article ÷ first size | peak MiB | stories | junk |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for variant in args.variants:
        sizes = args.sizes
        if variant in SLOW_VARIANTS:
            sizes = sorted({min(size, args.slow_max) for size in sizes})
        run_variant(variant, sizes, args.per_day, args.seed, args.keep_retired)


if __name__ == "__main__":
    main()
