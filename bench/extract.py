"""Benchmark the extract stage: documents per second for extraction + linking beside bare spaCy.

Run: ``.venv/bin/python bench/extract.py [--limit N] [--corpus samples|bbc]``.

Both sides get the same documents in the same process: the bundled sample reports (default) or BBC
News texts from ``shared/eval/bbc-news`` beside the repository. Each figure is the median of 3 timed
passes after one untimed warm-up pass (which loads the pipelines and the GeoNames city index, as a
long-running process would have done once).

* ``bare nlp.pipe``: the spaCy pipeline as packaged, ``list(nlp.pipe(texts))``.
* ``bare nlp.pipe, lead only``: the same over the first 1,000 characters of each text, to show what
  running the full pipeline on only the lead would save.
* ``Extractor.extract_many``: our stage: paragraph segmentation, the gazetteer ruler, spaCy, sentence
  records, mention linking (countries, cities, knowledge base) and quotes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from wirebrief.evaluation.output import emit_figures
from wirebrief.extract import Extractor
from wirebrief.records import Article, content_hash
from wirebrief.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "wirebrief" / "samples" / "news" / "reports.jsonl"
BBC = ROOT / ".." / "shared" / "eval" / "bbc-news" / "bbc_news.jsonl.gz"
LEAD_CHARS = 1_000


def read_texts(corpus: str, limit: int) -> list[str]:
    if corpus == "samples":
        lines = SAMPLES.read_text("utf-8").splitlines()
        texts = [json.loads(line)["text"] for line in lines]
    else:
        if not BBC.exists():
            sys.exit(f"{BBC} is not there: the bbc corpus needs the shared folder beside the repository")
        with gzip.open(BBC, "rt", encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for line in handle]
    return [t for t in texts if t.strip()][:limit]


def docs_per_second(work: Callable[[], object], count: int) -> float:
    work()  # warm-up, untimed
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        rates.append(count / (time.perf_counter() - started))
    return statistics.median(rates)


def as_articles(texts: Sequence[str]) -> list[Article]:
    published = datetime(2026, 11, 18, tzinfo=UTC)
    return [
        Article(f"bench-{i}", "bench", "", text, published, "en", content_hash(text), "bench")
        for i, text in enumerate(texts)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=("samples", "bbc"), default="samples")
    parser.add_argument("--limit", type=int, default=300, help="most documents to use")
    parser.add_argument(
        "--json", action="store_true", help="print the figures as one JSON object instead of the table"
    )
    args = parser.parse_args()

    settings = Settings()
    import spacy  # noqa: F401  (imported here so --help stays fast)

    module = __import__(settings.spacy_model)
    bare = module.load()
    extractor = Extractor(settings)
    texts = read_texts(args.corpus, args.limit)
    articles = as_articles(texts)
    leads = [t[:LEAD_CHARS] for t in texts]
    chars = sum(len(t) for t in texts)

    rows = [
        ("bare nlp.pipe", docs_per_second(lambda: list(bare.pipe(texts)), len(texts))),
        ("bare nlp.pipe, lead only", docs_per_second(lambda: list(bare.pipe(leads)), len(texts))),
        ("Extractor.extract_many", docs_per_second(lambda: extractor.extract_many(articles), len(texts))),
    ]
    table = Table(
        title=f"extract: {len(texts)} {args.corpus} documents, {chars / len(texts):,.0f} chars on average "
        f"(median of 3 passes, {settings.spacy_model})"
    )
    table.add_column("what")
    table.add_column("docs/s", justify="right")
    table.add_column("vs bare", justify="right")
    baseline = rows[0][1]
    if args.json:
        emit_figures(
            {
                "bench": "extract",
                "corpus": args.corpus,
                "documents": len(texts),
                "mean_chars": chars / len(texts),
                "spacy_model": settings.spacy_model,
                "rows": [
                    {"what": name, "docs_per_second": rate, "ratio_to_bare": rate / baseline}
                    for name, rate in rows
                ],
            }
        )
        return
    for name, rate in rows:
        table.add_row(name, f"{rate:,.1f}", f"{rate / baseline:.2f}x")
    Console().print(table)


if __name__ == "__main__":
    main()
