"""Synthetic news streams made from real text, for the scale benchmarks.

    .venv/bin/python bench/stream.py OUT.jsonl --reports 5000 [--per-day 200000] [--seed 7] [--json]

Each *event* is told by 2–6 outlets within a few hours. Its reports are drawn from the sentences of one
Multi-News cluster (``../shared/eval/multi-news-dev``: real reports of one real event), each report a
different selection and order of them (300–800 words), with names made up for the event woven in, so
that events drawn from the same cluster are still told apart and reports of one event are related but
not near-duplicates. Events start evenly over the stream's span (``--reports / --per-day`` days); the
file is in time order, as a feed reader would collect it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MULTI_NEWS = REPO.parent / "shared" / "eval" / "multi-news-dev" / "docs.jsonl.gz"
START = datetime(2026, 3, 2, tzinfo=UTC)
OUTLETS = [
    f"{place} {kind}"
    for place in ("North", "Harbour", "Capital", "Valley", "Coast", "Metro", "River")
    for kind in ("Herald", "Times", "Post", "Wire", "Courier", "Daily")
]
_SYLLABLES = ("ka", "lo", "mir", "zan", "tev", "ou", "rak", "sel", "vin", "dor", "pha", "gul", "nes", "tai")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def _clusters() -> list[list[str]]:
    """Sentences of each Multi-News cluster (long enough to be prose, not page furniture)."""
    if not MULTI_NEWS.exists():
        sys.exit(f"{MULTI_NEWS} is missing: the streams are made from its real text")
    pooled: dict[str, list[str]] = defaultdict(list)
    with gzip.open(MULTI_NEWS, "rt", encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            text = " ".join(doc["text"].split())
            pooled[doc["cluster_id"]].extend(
                s for s in _SENTENCE_END.split(text) if 8 <= len(s.split()) <= 60
            )
    return [sentences for _, sentences in sorted(pooled.items()) if len(sentences) >= 12]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def generate(path: Path, reports: int, per_day: int, seed: int) -> int:
    """Write ``reports`` reports to ``path`` (JSONL, time order); returns the number of events."""
    rng = random.Random(seed)
    clusters = _clusters()
    span = timedelta(days=reports / per_day)
    records: list[tuple[datetime, str, dict[str, str]]] = []
    event = 0
    while len(records) < reports:
        sentences = clusters[rng.randrange(len(clusters))]
        names = [_name(rng) for _ in range(3)]
        start = START + span * (len(records) / reports)
        for outlet_number in range(min(rng.randint(2, 6), reports - len(records))):
            chosen = rng.sample(sentences, len(sentences))
            words, body = rng.randint(300, 800), []
            for sentence in chosen:
                if sum(len(s.split()) for s in body) >= words:
                    break
                if rng.random() < 0.3:
                    sentence = f"In {names[0]}, {sentence[0].lower()}{sentence[1:]}"
                elif rng.random() < 0.2:
                    sentence = f"{sentence} {names[1]} of {names[2]} said so on {START.strftime('%A')}."
                body.append(sentence)
            published = start + timedelta(minutes=rng.randint(0, 240))
            title = " ".join(chosen[0].split()[:9]).rstrip(".,;:") + f" in {names[0]}"
            outlet = OUTLETS[rng.randrange(len(OUTLETS))]
            record = {
                "url": f"https://{outlet.lower().replace(' ', '-')}.example/{event}-{outlet_number}",
                "outlet": outlet,
                "title": title,
                "published": published.isoformat(),
                "language": "en",
                "text": "\n\n".join(" ".join(body[i : i + 3]) for i in range(0, len(body), 3)),
            }
            records.append((published, record["url"], record))
        event += 1
    records.sort(key=lambda r: (r[0], r[1]))
    with path.open("w", encoding="utf-8") as out:
        for _, _, record in records:
            out.write(json.dumps(record) + "\n")
    return event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--reports", type=int, default=5_000)
    parser.add_argument("--per-day", type=int, default=200_000, help="reports a day (sets the time span)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    events = generate(args.out, args.reports, args.per_day, args.seed)
    figures = {"reports": args.reports, "events": events, "path": str(args.out)}
    print(json.dumps(figures) if args.json else f"{args.reports} reports of {events} events in {args.out}")


if __name__ == "__main__":
    main()
