"""Benchmark the extract stage: documents per second for extraction + linking beside bare spaCy.

Run: ``.venv/bin/python bench/extract.py [--limit N] [--corpus samples|bbc|multinews] [--components]``.

Both sides get the same documents in the same process: the bundled sample reports (default), BBC
News texts from ``shared/eval/bbc-news`` or Multi-News dev texts of 1,500–5,000 characters (about 500
words, like the scale streams) from ``shared/eval/multi-news-dev`` beside the repository. Each figure is
the median of 3 timed passes after one untimed warm-up pass (which loads the pipelines and the GeoNames
city index, as a long-running process would have done once).

* ``bare nlp.pipe``: the spaCy pipeline as packaged, ``list(nlp.pipe(texts))``.
* ``bare nlp.pipe, lead only``: the same over the first 1,000 characters of each text, to show what
  running the full pipeline on only the lead would save.
* ``Extractor.extract_many``: our stage: paragraph segmentation, the gazetteer ruler, spaCy, sentence
  records, mention linking (countries, cities, knowledge base) and quotes.

``--components``: CPU ms per document of each component of our pipeline (each run alone over the docs
the components before it made, median of 3 passes), which of them extraction skips, and ``nlp.pipe`` with all
components beside ``nlp.pipe`` as extraction runs it — what bounds extraction's CPU per article.
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
from typing import Any

from rich.console import Console
from rich.table import Table

from wirebrief.evaluation.output import emit_figures
from wirebrief.extract import Extractor
from wirebrief.records import Article, content_hash
from wirebrief.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "wirebrief" / "samples" / "news" / "reports.jsonl"
BBC = ROOT / ".." / "shared" / "eval" / "bbc-news" / "bbc_news.jsonl.gz"
MULTI_NEWS = ROOT / ".." / "shared" / "eval" / "multi-news-dev" / "docs.jsonl.gz"
LEAD_CHARS = 1_000


def read_texts(corpus: str, limit: int) -> list[str]:
    if corpus == "samples":
        lines = SAMPLES.read_text("utf-8").splitlines()
        texts = [json.loads(line)["text"] for line in lines]
    elif corpus == "multinews":
        if not MULTI_NEWS.exists():
            sys.exit(f"{MULTI_NEWS} is not there: the multinews corpus needs the shared folder")
        with gzip.open(MULTI_NEWS, "rt", encoding="utf-8") as handle:
            texts = [text for line in handle if 1_500 < len(text := json.loads(line)["text"]) < 5_000]
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
    parser.add_argument("--corpus", choices=("samples", "bbc", "multinews"), default="samples")
    parser.add_argument("--limit", type=int, default=300, help="most documents to use")
    parser.add_argument(
        "--json", action="store_true", help="print the figures as one JSON object instead of the table"
    )
    parser.add_argument("--components", action="store_true", help="ms per document of each component")
    args = parser.parse_args()
    if args.components:
        component_costs(read_texts(args.corpus, args.limit), args.corpus, args.json)
        return

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


def cpu_ms_per_doc(work: Callable[[], object], count: int) -> float:
    """Median CPU milliseconds per document of 3 passes: CPU time, not wall time, so that other work
    on a shared machine inflates it less."""
    passes = []
    for _ in range(3):
        started = time.process_time()
        work()
        passes.append(time.process_time() - started)
    return statistics.median(passes) * 1000 / count


def component_costs(texts: Sequence[str], corpus: str, as_json: bool) -> None:
    from wirebrief.extract.nlp import SKIPPED_IN_EXTRACTION, load_pipeline

    settings = Settings()
    nlp = load_pipeline(settings.spacy_model)
    skipped = [name for name in SKIPPED_IN_EXTRACTION if name in nlp.pipe_names]
    list(nlp.pipe(texts[:10]))  # warm-up
    made = [nlp.make_doc(text) for text in texts]
    costs: dict[str, float] = {}
    for name, component in nlp.pipeline:
        inputs = made

        def run(component: Any = component, inputs: list[Any] = inputs) -> list[Any]:
            docs = [doc.copy() for doc in inputs]
            if hasattr(component, "pipe"):
                return list(component.pipe(docs, batch_size=64))
            return [component(doc) for doc in docs]  # a function component

        copying = cpu_ms_per_doc(lambda inputs=inputs: [doc.copy() for doc in inputs], len(texts))
        costs[name] = max(cpu_ms_per_doc(run, len(texts)) - copying, 0.0)
        made = run()
    whole = cpu_ms_per_doc(lambda: list(nlp.pipe(texts, batch_size=64)), len(texts))
    reduced = cpu_ms_per_doc(lambda: list(nlp.pipe(texts, batch_size=64, disable=skipped)), len(texts))
    if as_json:
        emit_figures(
            {
                "bench": "extract-components",
                "corpus": corpus,
                "documents": len(texts),
                "spacy_model": settings.spacy_model,
                "ms_per_doc": costs,
                "skipped_in_extraction": skipped,
                "pipe_all_ms_per_doc": whole,
                "pipe_extraction_ms_per_doc": reduced,
            }
        )
        return
    words = sum(len(t.split()) for t in texts) / len(texts)
    table = Table(title=f"{settings.spacy_model}: {len(texts)} {corpus} docs, {words:.0f} words on average")
    table.add_column("component")
    table.add_column("CPU ms/doc", justify="right")
    table.add_column("extraction", justify="right")
    for name, cost in costs.items():
        table.add_row(name, f"{cost:.1f}", "skipped" if name in skipped else "runs")
    table.add_row("nlp.pipe, all components", f"{whole:.1f}", "")
    table.add_row("nlp.pipe as extraction runs it", f"{reduced:.1f}", "")
    Console().print(table)


if __name__ == "__main__":
    main()
