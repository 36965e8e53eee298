"""Benchmark of ingest, normalise and dedupe, each figure beside the bare library in the same run.

    .venv/bin/python bench/ingest.py [--runs 3] [--skip-rss]

Rows (median of ``--runs`` runs, single process, rates per CPU-second of the process):

* feed: items/s for our parse + normalise + dedupe of a generated 50-item RSS 2.0 feed, beside bare
  ``feedparser.parse`` of the same bytes;
* HTML: pages/s for our HTML source (one parse; trafilatura ``bare_extraction`` for the text, its
  metadata readers for title, byline, canonical URL and site name, the date from meta tags) + normalise,
  beside bare ``trafilatura.extract`` of the same pages (generated, about 21 KB each), which extracts
  the text only;
* dedupe: docs/s for ``Deduplicator.decide`` on BBC News texts (``../shared``; generated texts when it
  is absent), beside bare datasketch (``MinHash.update_batch`` of the same word shingles, then
  ``MinHashLSH`` query + insert at ``near_duplicate_threshold``);
* peak RSS (VmHWM) of a fresh subprocess reading 10k and 100k generated JSONL items published
  ``ITEMS_PER_DAY`` a day (so 10 and 100 days of news, both longer than the default 7-day dedupe
  window): ``iter_reports`` only, ingest + normalise + dedupe, and a bare ``json.loads`` loop over the
  same file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
# A mid-sized aggregator (a few hundred feeds) reads about this many reports a day.
ITEMS_PER_DAY = 1_000
BBC = REPO.parent / "shared" / "eval" / "bbc-news" / "bbc_news.jsonl.gz"
_WORDS = (
    "government minister said talks would resume on monday after the council rejected a plan to cut water "
    "supplies to farmers in the north while police reported protests outside the port where workers have "
    "been on strike for nine days over pay and conditions the company said exports of copper and fruit fell "
    "sharply in the third quarter as shipping lines diverted vessels to other ports across the region"
).split()


def _text(generator: random.Random, words: int) -> str:
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentence = " ".join(generator.choice(_WORDS) for _ in range(generator.randint(12, 24)))
        sentences.append(sentence.capitalize() + ".")
    return " ".join(sentences)


def make_feed(items: int = 50, seed: int = 1) -> bytes:
    generator = random.Random(seed)
    start = datetime(2026, 11, 20, tzinfo=UTC)
    entries = []
    for index in range(items):
        paragraphs = "".join(f"<p>{_text(generator, 60)}</p>" for _ in range(5))
        entries.append(
            f"<item><title>Report {index}: {_text(generator, 6)[:60]}</title>"
            f"<link>https://wire.example.net/story/{index}?utm_source=rss</link><guid>story-{index}</guid>"
            f"<pubDate>{format_datetime(start + timedelta(minutes=7 * index))}</pubDate>"
            f"<description><![CDATA[{paragraphs}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench Wire</title>'
        f"<link>https://wire.example.net/</link>{''.join(entries)}</channel></rss>"
    ).encode()


def make_page(seed: int) -> str:
    generator = random.Random(seed)
    nav = "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(150))
    related = "".join(f"<li><a href='/story/{i}'>{_text(generator, 10)}</a></li>" for i in range(60))
    body = "".join(f"<p>{_text(generator, 70)}</p>" for _ in range(12))
    return (
        f"<!doctype html><html lang='en'><head><title>Story {seed} | Bench Daily</title>"
        f"<meta name='author' content='Desk {seed}'><link rel='canonical' href='https://daily.example.com/{seed}'>"
        "<meta property='article:published_time' content='2026-11-20T10:00:00+00:00'>"
        "<style>body{font-family:serif}</style><script>var tracking = true;</script></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header><main><article><h1>Story {seed}</h1>{body}</article>"
        f"<aside><h2>Related</h2><ul>{related}</ul></aside></main>"
        f"<footer><p>{_text(generator, 80)}</p></footer></body></html>"
    )


def _median_rate(count: int, action: Callable[[], object], runs: int) -> float:
    """Items per second of this process's CPU time (``time.process_time``): on a shared machine wall
    time also counts other processes; everything measured here runs on one thread."""
    rates = []
    for _ in range(runs):
        started = time.process_time()
        action()
        rates.append(count / (time.process_time() - started))
    return statistics.median(rates)


def bench_feed(runs: int) -> tuple[float, float]:
    import feedparser

    from wirebrief.dedupe import Deduplicator
    from wirebrief.ingest import iter_reports
    from wirebrief.normalise import normalise
    from wirebrief.settings import Settings

    settings = Settings.model_validate({})
    feed = make_feed()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.rss"
        path.write_bytes(feed)

        def ours() -> None:
            deduplicator = Deduplicator(settings)
            for raw in iter_reports(str(path), on_problem=print, settings=settings):
                deduplicator.decide(normalise(raw, settings))

        ours()  # warm-up: imports and caches
        ours_rate = _median_rate(50, ours, runs)
        bare_rate = _median_rate(50, lambda: feedparser.parse(feed), runs)
    return ours_rate, bare_rate


def bench_html(runs: int, pages: int = 12) -> tuple[float, float, float, int]:
    import trafilatura

    from wirebrief.ingest import iter_reports
    from wirebrief.normalise import normalise
    from wirebrief.settings import Settings

    settings = Settings.model_validate({})
    documents = [make_page(seed) for seed in range(pages)]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, document in enumerate(documents):
            path = Path(folder) / f"page{index:03d}.html"
            path.write_text(document, encoding="utf-8")
            paths.append(path)

        def ours() -> None:
            for path in paths:
                for raw in iter_reports(str(path), on_problem=print, settings=settings):
                    normalise(raw, settings)

        def bare() -> None:
            for document in documents:
                trafilatura.extract(document)

        # Not the target's baseline, shown beside it: the bare call asked for the metadata we also
        # read (title, author, date, site name, URL), to tell the cost of metadata from our own.
        def bare_with_metadata() -> None:
            for document in documents:
                trafilatura.extract(document, with_metadata=True)

        ours()
        bare()
        bare_with_metadata()
        ours_rate = _median_rate(pages, ours, runs)
        bare_rate = _median_rate(pages, bare, runs)
        metadata_rate = _median_rate(pages, bare_with_metadata, runs)
    return ours_rate, bare_rate, metadata_rate, sum(len(d) for d in documents) // pages


def _dedupe_texts() -> tuple[list[str], str]:
    if BBC.exists():
        with gzip.open(BBC, "rt", encoding="utf-8") as handle:
            return [json.loads(line)["text"] for line in handle], "BBC News texts"
    generator = random.Random(3)
    return [_text(generator, 400) for _ in range(2000)], "generated texts"


def bench_dedupe(runs: int) -> tuple[float, float, int, str]:
    import re

    from datasketch import MinHash, MinHashLSH

    from wirebrief.dedupe import SHINGLE_WORDS, Deduplicator
    from wirebrief.normalise import normalise
    from wirebrief.records import RawReport
    from wirebrief.settings import Settings

    settings = Settings.model_validate({})
    texts, label = _dedupe_texts()
    articles = [
        normalise(RawReport(source="bench", locator=str(i), title=f"t{i}", body=text, outlet="o"), settings)
        for i, text in enumerate(texts)
    ]

    def ours() -> None:
        deduplicator = Deduplicator(settings)
        for article in articles:
            deduplicator.decide(article)

    shingle_words = SHINGLE_WORDS
    word = re.compile(r"\w+")
    template = MinHash(num_perm=128, seed=1)

    def bare() -> None:
        lsh = MinHashLSH(threshold=settings.near_duplicate_threshold, num_perm=128)
        for index, article in enumerate(articles):
            tokens = word.findall(article.text.lower())
            shingles = {
                " ".join(tokens[i : i + shingle_words]).encode()
                for i in range(max(1, len(tokens) - shingle_words + 1))
            }
            minhash = MinHash(
                num_perm=128, seed=1, permutations=template.permutations, scheme=template.scheme
            )
            minhash.update_batch(shingles)
            lsh.query(minhash)
            lsh.insert(index, minhash, check_duplication=False)

    ours_rate = _median_rate(len(articles), ours, runs)
    bare_rate = _median_rate(len(articles), bare, runs)
    return ours_rate, bare_rate, len(articles), label


_RSS_SCRIPT = """
import json, resource, sys

def peak_kib():
    # VmHWM is this process's own peak; ru_maxrss would also count the parent's peak, which Linux
    # carries across fork + exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

mode, path = sys.argv[1], sys.argv[2]
held = 0
if mode == "bare":
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            json.loads(line)
else:
    from wirebrief.ingest import iter_reports
    from wirebrief.settings import Settings
    settings = Settings.model_validate({})
    reports = iter_reports(path, on_problem=print, settings=settings)
    if mode == "ingest":
        for _ in reports:
            pass
    else:
        from wirebrief.dedupe import Deduplicator
        from wirebrief.normalise import normalise
        deduplicator = Deduplicator(settings)
        for raw in reports:
            deduplicator.decide(normalise(raw, settings))
        held = len(deduplicator)
print(peak_kib(), held)
"""


def make_jsonl(path: Path, items: int) -> None:
    """``items`` reports published ``ITEMS_PER_DAY`` a day, in order, from 2026-01-01."""
    generator = random.Random(items)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    step = timedelta(days=1) / ITEMS_PER_DAY
    with path.open("w", encoding="utf-8") as handle:
        for index in range(items):
            record = {
                "url": f"https://wire.example.net/{index}",
                "title": f"Report {index}",
                "text": _text(generator, 250),
                "published": (start + index * step).isoformat().replace("+00:00", "Z"),
            }
            handle.write(json.dumps(record) + "\n")


def peak_rss_mib(mode: str, path: Path) -> tuple[float, int]:
    """Peak RSS of a fresh process running ``mode`` over ``path``, and how many articles its
    deduplicator held at the end (0 unless ``mode`` is ``pipeline``)."""
    result = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, mode, str(path)], capture_output=True, text=True, check=True
    )
    peak_kib, held = result.stdout.split()[-2:]
    return int(peak_kib) / 1024, int(held)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    parser.add_argument("--skip-rss", action="store_true", help="skip the peak-RSS subprocess runs")
    parser.add_argument(
        "--json", action="store_true", help="print the figures as one JSON object instead of the table"
    )
    options = parser.parse_args()
    runs = max(3, options.runs)
    console = Console(width=150, quiet=options.json)
    # The same figures as plain numbers, for --json.
    figures: dict[str, object] = {"bench": "ingest", "runs": runs}
    table = Table(title=f"wirebrief ingest benchmark (median of {runs} runs, rates per CPU-second, one core)")
    for column in ("measure", "wirebrief", "bare library", "ratio", "notes"):
        table.add_column(column, justify="left" if column in ("measure", "notes") else "right")

    ours, bare = bench_feed(runs)
    figures["feed_items_per_second"] = {"wirebrief": ours, "bare": bare, "ratio": ours / bare}
    table.add_row(
        "feed items/s", f"{ours:,.0f}", f"{bare:,.0f}", f"{ours / bare:.2f}",
        "parse+normalise+dedupe vs feedparser.parse; 50-item RSS 2.0",
    )  # fmt: skip
    ours, bare, with_metadata, size = bench_html(runs)
    figures["html_pages_per_second"] = {
        "wirebrief": ours,
        "bare": bare,
        "ratio": ours / bare,
        "bare_with_metadata": with_metadata,
        "page_bytes": size,
    }
    table.add_row(
        "HTML pages/s", f"{ours:,.1f}", f"{bare:,.1f}", f"{ours / bare:.2f}",
        f"ingest+normalise vs trafilatura.extract; {size / 1024:.0f} KB pages",
    )  # fmt: skip
    table.add_row(
        "HTML pages/s, bare with metadata", f"{ours:,.1f}", f"{with_metadata:,.1f}",
        f"{ours / with_metadata:.2f}", "reference only: trafilatura.extract(with_metadata=True), same pages",
    )  # fmt: skip
    ours, bare, count, label = bench_dedupe(runs)
    figures["dedupe_docs_per_second"] = {"wirebrief": ours, "bare": bare, "ratio": ours / bare, "docs": count}
    table.add_row(
        "dedupe docs/s", f"{ours:,.0f}", f"{bare:,.0f}", f"{ours / bare:.2f}",
        f"Deduplicator.decide vs datasketch MinHash+LSH; {count:,} {label}",
    )  # fmt: skip
    if not options.skip_rss:
        from wirebrief.settings import Settings

        window_days = Settings.model_validate({}).dedupe_window_days
        pipeline_peaks = []
        with tempfile.TemporaryDirectory() as folder:
            for items in (10_000, 100_000):
                path = Path(folder) / f"items{items}.jsonl"
                make_jsonl(path, items)
                size_mib = path.stat().st_size / 2**20
                bare_rss, _ = peak_rss_mib("bare", path)
                ingest_rss, _ = peak_rss_mib("ingest", path)
                pipeline_rss, held = peak_rss_mib("pipeline", path)
                pipeline_peaks.append(pipeline_rss)
                figures[f"peak_rss_mib_{items}"] = {
                    "bare": bare_rss,
                    "ingest": ingest_rss,
                    "normalise_dedupe": pipeline_rss,
                    "articles_held": held,
                }
                table.add_row(
                    f"peak RSS {items // 1000}k JSONL, ingest", f"{ingest_rss:,.0f} MiB",
                    f"{bare_rss:,.0f} MiB", "", f"iter_reports vs json.loads loop; file {size_mib:,.0f} MiB",
                )  # fmt: skip
                table.add_row(
                    f"peak RSS {items // 1000}k JSONL, +normalise+dedupe",
                    f"{pipeline_rss:,.0f} MiB", f"{bare_rss:,.0f} MiB", "",
                    f"{items / ITEMS_PER_DAY:g} days at {ITEMS_PER_DAY:,}/day; dedupe window "
                    f"{window_days:g} days: {held:,} articles held at the end",
                )  # fmt: skip
        table.add_row(
            "peak RSS 100k / 10k, +normalise+dedupe", "", "", f"{pipeline_peaks[1] / pipeline_peaks[0]:.2f}",
            "target: flat within ±20% (0.80-1.20)",
        )  # fmt: skip
    console.print(table)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"benchmark process peak RSS {own:,.0f} MiB; python {sys.version.split()[0]}")
    if options.json:
        from wirebrief.evaluation.output import emit_figures

        emit_figures(figures | {"benchmark_peak_rss_mib": own})


if __name__ == "__main__":
    main()
