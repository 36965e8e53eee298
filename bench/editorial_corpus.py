"""Build a dated multi-outlet report stream from the Multi-News dev documents, for `wirebrief eval editorial`.

Multi-News groups real news reports of one story (a cluster) without dates or outlets. This script turns a
slice of its clusters into the JSON Lines input `wirebrief run` reads, so the editorial measures can be
taken on real text nobody here wrote:

* clusters with at least two non-empty documents are shuffled with ``--seed`` (default 13); ``--clusters``
  picks a slice of that order (``0:60`` the first 60, ``60:100`` the next 40), so a development slice and
  an unseen slice never share a story;
* each cluster is one story: its k-th cluster of the slice starts on 2024-03-01 plus ``k // 3`` days and
  ``(k % 3) * 7`` hours, and its j-th document is published 5 hours after the previous one by
  ``outlet-j`` (``https://outlet-j.example/<cluster>/<doc>``), so a story develops over a day from
  independent outlets;
* a document's title is the first non-empty line of its text cut at 90 characters, as feeds cut them
  (the writer must recognise such cut titles), its language English.

The dataset stays where it is (``../shared/eval/multi-news-dev`` by default); only the stream is written,
to a path outside the repository.

    .venv/bin/python bench/editorial_corpus.py --clusters 0:60 /tmp/ed/dev.jsonl
    .venv/bin/python bench/editorial_corpus.py --clusters 60:100 /tmp/ed/check.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "multi-news-dev"
START = datetime(2024, 3, 1, tzinfo=UTC)
TITLE_CHARS = 90
HOURS_BETWEEN_OUTLETS = 5


def read_clusters(docs: Path) -> dict[str, list[dict[str, Any]]]:
    """The documents of each cluster in file order, empty documents left out."""
    clusters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with gzip.open(docs, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if str(row.get("text", "")).strip():
                clusters[str(row["cluster_id"])].append(row)
    return clusters


def parse_slice(text: str) -> slice:
    """``START:STOP`` (either may be empty) as a slice of the shuffled clusters."""
    start, sep, stop = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"--clusters {text!r}: expected START:STOP, e.g. 0:60")
    try:
        return slice(int(start) if start else None, int(stop) if stop else None)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--clusters {text!r}: START and STOP must be integers") from exc


def stream(clusters: dict[str, list[dict[str, Any]]], chosen: Sequence[str]) -> Iterator[dict[str, str]]:
    """One report per document of the ``chosen`` clusters, dated and attributed as the docstring says."""
    for k, cluster_id in enumerate(chosen):
        start = START + timedelta(days=k // 3, hours=(k % 3) * 7)
        for j, row in enumerate(clusters[cluster_id]):
            # Multi-News separates paragraphs with "\n \n"; a blank line is what the reader expects.
            text = str(row["text"]).replace("\n \n", "\n\n")
            first = next((line.strip() for line in text.split("\n") if line.strip()), "")
            yield {
                "url": f"https://outlet-{j}.example/{cluster_id}/{row['doc_id']}",
                "title": first[:TITLE_CHARS],
                "text": text,
                "outlet": f"outlet-{j}",
                "published": (start + timedelta(hours=HOURS_BETWEEN_OUTLETS * j)).isoformat(),
                "language": "en",
            }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the JSON Lines file to write (outside the repository)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the multi-news-dev folder")
    parser.add_argument(
        "--clusters", type=parse_slice, default=slice(0, 60), help="START:STOP (default 0:60)"
    )
    parser.add_argument("--seed", type=int, default=13, help="shuffle seed of the clusters (default 13)")
    options = parser.parse_args(argv)
    docs = options.data / "docs.jsonl.gz"
    if not docs.is_file():
        print(f"{docs}: no such file (pass --data FOLDER holding docs.jsonl.gz)", file=sys.stderr)
        return 2
    clusters = read_clusters(docs)
    ids = [c for c in clusters if len(clusters[c]) >= 2]
    random.Random(options.seed).shuffle(ids)
    chosen = ids[options.clusters]
    reports = 0
    with options.output.open("w", encoding="utf-8") as out:
        for report in stream(clusters, chosen):
            out.write(json.dumps(report) + "\n")
            reports += 1
    print(f"{options.output}: {len(chosen)} clusters, {reports} reports")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
