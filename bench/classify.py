"""Benchmark the classify stage: reports per second on BBC News texts against a bare baseline.

Run: ``.venv/bin/python bench/classify.py [--limit N] [--fields text|title,lead] [--json]``. Reads
``shared/eval/bbc-news/bbc_news.jsonl.gz`` beside the repository. Each measurement is the median of 3 timed
passes over the same texts, in the same process, after one untimed warm-up pass (the lemma cache then
holds the vocabulary and the embedding table is loaded, as in a long-running pipeline). The baseline is
plain tokenisation (lowercase regex word split), the least any keyword classifier must do; the
lexicon-only classifier is measured beside the default (embedding + lexicon head) one. Run it pinned to
one core (``taskset -c 0``) for the one-core figure.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from wirebrief.classify import Classifier
from wirebrief.evaluation.classify import FIELDS, item_input, read_bbc
from wirebrief.settings import load_settings

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "bbc-news" / "bbc_news.jsonl.gz"
_WORD = re.compile(r"[^\W_]+")


def reports_per_second(work: Callable[[str, str], object], reports: Sequence[tuple[str, str]]) -> float:
    for title, text in reports:  # warm-up, untimed
        work(title, text)
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        for title, text in reports:
            work(title, text)
        rates.append(len(reports) / (time.perf_counter() - started))
    return statistics.median(rates)


def bare_tokenise(title: str, text: str) -> object:
    return _WORD.findall(f"{title}\n{text}".lower())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="use the first N articles (0 = all)")
    parser.add_argument("--fields", choices=FIELDS, default="text", help="what of each article is classified")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    if not DATA.is_file():
        sys.exit(f"BBC News data not found at {DATA} (shared/ is absent)")
    records = list(read_bbc(DATA))
    if args.limit > 0:
        records = records[: args.limit]
    reports = [item_input(r, args.fields) for r in records]
    settings = load_settings()
    lexicon = Classifier(settings, semantic=False)
    default = Classifier(settings)
    rows = [
        ("baseline: plain tokenisation", reports_per_second(bare_tokenise, reports)),
        ("Classifier.classify, lexicon only", reports_per_second(lexicon.classify, reports)),
        (f"Classifier.classify, default ({default.method})", reports_per_second(default.classify, reports)),
    ]
    words = sum(len(_WORD.findall(f"{t}\n{x}")) for t, x in reports)
    if args.json:
        baseline = rows[0][1]
        figures = {
            "reports": len(reports),
            "fields": args.fields,
            "words_per_report": round(words / len(reports), 1),
            "reports_per_second": {name: round(rate, 1) for name, rate in rows},
            "ratio_to_baseline": {name: round(rate / baseline, 4) for name, rate in rows},
        }
        print(json.dumps(figures))
        return
    table = Table(
        title=f"classify on {len(reports)} BBC News reports, fields={args.fields} "
        f"({words / len(reports):.0f} words each)"
    )
    table.add_column("what")
    table.add_column("reports/s (median of 3)", justify="right")
    table.add_column("vs baseline", justify="right")
    baseline = rows[0][1]
    for name, rate in rows:
        table.add_row(name, f"{rate:,.0f}", f"{rate / baseline:.3f}×")
    Console().print(table)


if __name__ == "__main__":
    main()
