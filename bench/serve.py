"""Benchmark ``wirebrief serve``: the story list, search, story page and feed under concurrent clients.

Run: ``.venv/bin/python bench/serve.py [--stories N] [--seconds S] [--clients C] [--postgres-url URL]
[--json]``. Loads N stories generated from real text (the BBC News texts in
``shared/eval/bbc-news/bbc_news.jsonl.gz`` beside the repository, reused in turn with their own ids and
times: one report, a brief of its title and first sentences with citations, its category) into a
fresh SQLite file (and a fresh PostgreSQL schema when a URL is given) by bulk inserts, builds the read
model, starts ``wirebrief serve``'s app under uvicorn in a child process on 127.0.0.1, and drives each
endpoint in turn with C concurrent clients for S seconds: requests per second, and p50 / p95 latency.

The baseline, measured in the same run on the same server, is ``/brief.css`` (a constant answer through
the same middleware): each endpoint's p50 is also given as a ratio to it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert
from sqlalchemy.engine import make_url

from wirebrief.evaluation.classify import read_bbc
from wirebrief.records import content_hash
from wirebrief.store import Store, queries
from wirebrief.store import schema as t

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "bbc-news" / "bbc_news.jsonl.gz"
SLUGS = {
    "business": "business-and-economy",
    "entertainment": "arts-and-culture",
    "politics": "politics",
    "sport": "sports",
    "tech": "technology",
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_WORD = re.compile(r"[A-Za-z]{5,}")
BATCH = 5000


def _texts(limit: int) -> list[dict[str, Any]]:
    records = []
    for record in read_bbc(DATA):
        sentences = [s.strip() for s in _SENTENCE.split(" ".join(str(record["text"]).split())) if s.strip()]
        title = str(record.get("title") or sentences[0][:80])
        if len(sentences) >= 3:
            records.append({"title": title, "sentences": sentences[:5], "category": str(record["category"])})
        if limit and len(records) >= limit:
            break
    return records


def _rows(n: int, texts: Sequence[dict[str, Any]]) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Rows of every table for stories ``0..n-1``, in batches."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch: dict[str, list[dict[str, Any]]] = {}

    def add(table: str, row: dict[str, Any]) -> None:
        batch.setdefault(table, []).append(row)

    for i in range(n):
        text = texts[i % len(texts)]
        published = start + timedelta(minutes=7 * i)
        article_id = f"a-{i:012x}"
        story_id = f"s-{i:016x}"
        body = " ".join(text["sentences"])
        add(
            "articles",
            {
                "id": article_id,
                "outlet": f"Outlet {i % 97}",
                "title": text["title"],
                "text": body,
                "published": published,
                "language": "en",
                "content_hash": content_hash(f"{i} {body}"),
                "source": "bench",
                "url": f"https://bench.example/{i}",
                "byline": None,
                "family": None,
            },
        )
        add(
            "stories",
            {
                "id": story_id,
                "first_seen": published,
                "last_seen": published,
                "version_key": f"sv-{i}",
                "active": True,
            },
        )
        add("story_members", {"story_id": story_id, "article_id": article_id, "position": 0})
        add("extractions", {"article_id": article_id, "sentence_count": len(text["sentences"])})
        for position, sentence in enumerate(text["sentences"]):
            add(
                "report_sentences",
                {
                    "id": f"{article_id}#{position}",
                    "article_id": article_id,
                    "position": position,
                    "text": sentence,
                },
            )
        slug = SLUGS.get(text["category"], "politics")
        add(
            "briefs",
            {
                "id": i + 1,
                "story_id": story_id,
                "version": 1,
                "story_version": f"sv-{i}",
                "content_hash": f"h{i}",
                "as_of": published,
                "writer": "bench",
                "report_count": 1,
                "independent_sources": 1 + i % 4,
                "categories": [{"slug": slug, "label": slug, "score": 0.9, "iptc": [], "evidence": []}],
                "support": None,
                "metadata": {},
            },
        )
        parts = [("title", text["title"]), ("headline", text["sentences"][0])]
        parts += [("article", s) for s in text["sentences"][1:]]
        for position, (part, sentence) in enumerate(parts):
            cite = 0 if part in ("title", "headline") else position - 1
            add(
                "brief_sentences",
                {
                    "brief_id": i + 1,
                    "position": position,
                    "part": part,
                    "paragraph": 0,
                    "stakeholder": None,
                    "text": sentence,
                    "citations": [{"kind": "sentence", "ref": f"{article_id}#{cite}"}],
                },
            )
        if (i + 1) % BATCH == 0:
            yield batch
            batch = {}
    if batch:
        yield batch


def load(url: str, n: int, texts: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Create the schema, bulk-insert ``n`` stories and build the read model; seconds of each step."""
    Store.open(url).close()  # migrations
    engine = create_engine(url)
    order = [
        "articles",
        "stories",
        "story_members",
        "extractions",
        "report_sentences",
        "briefs",
        "brief_sentences",
    ]
    started = time.perf_counter()
    with engine.begin() as connection:
        for batch in _rows(n, texts):
            for name in order:
                connection.execute(insert(getattr(t, name)), batch[name])
    loaded = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('briefs', 'id'), (SELECT max(id) FROM briefs))"
            )
    engine.dispose()
    started = time.perf_counter()
    with Store.open(url) as store:
        queries.refresh_read_model(store)
    return {"load_s": loaded, "read_model_s": time.perf_counter() - started}


@contextmanager
def serving(url: str, data_dir: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = (
        "import uvicorn\n"
        "from wirebrief.settings import Settings\n"
        "from wirebrief.web.app import create_app\n"
        f"app = create_app(Settings(data_dir={str(data_dir)!r}, database_url={url!r}))\n"
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning')\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/brief.css", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _drive(base: str, paths: Callable[[], str], clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await http.get(paths())
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await http.get(paths())  # warm-up, untimed
        began = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "req_per_s": len(ordered) / elapsed,
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[max(0, int(0.95 * len(ordered)) - 1)],
    }


def measure(
    base: str, n: int, words: Sequence[str], clients: int, seconds: float
) -> dict[str, dict[str, float]]:
    pick = random.Random(7)
    endpoints: dict[str, Callable[[], str]] = {
        "baseline /brief.css": lambda: "/brief.css",
        "story list /": lambda: "/",
        "api list /api/v1/stories": lambda: "/api/v1/stories?limit=25",
        "search /?q=": lambda: f"/?q={pick.choice(words)}+{pick.choice(words)}",
        "story page /stories/{id}": lambda: f"/stories/s-{pick.randrange(n):016x}",
        "brief /api/v1/stories/{id}/brief": lambda: f"/api/v1/stories/s-{pick.randrange(n):016x}/brief",
        "feed /feeds/stories.atom": lambda: "/feeds/stories.atom",
    }
    results = {name: asyncio.run(_drive(base, path, clients, seconds)) for name, path in endpoints.items()}
    baseline = results["baseline /brief.css"]["p50_ms"]
    for figures in results.values():
        figures["p50_ratio_to_baseline"] = figures["p50_ms"] / baseline
    return results


@contextmanager
def _postgres_schema(base: str) -> Iterator[str]:
    schema = f"wb_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000, help="stories to load (default 10,000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds each endpoint is driven")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--postgres-url", help="also load and measure a fresh schema of this PostgreSQL")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args()

    texts = _texts(0)
    words = sorted({w.lower() for text in texts[:300] for s in text["sentences"] for w in _WORD.findall(s)})
    report: dict[str, Any] = {
        "stories": args.stories,
        "clients": args.clients,
        "seconds": args.seconds,
        "backends": {},
    }
    with tempfile.TemporaryDirectory(prefix="wirebrief-bench-serve-") as folder:
        backends = [("sqlite", f"sqlite:///{folder}/wirebrief.db")]
        for name, url in backends:
            report["backends"][name] = _run_backend(url, Path(folder), args, words)
        if args.postgres_url:
            with _postgres_schema(args.postgres_url) as url:
                report["backends"]["postgresql"] = _run_backend(url, Path(folder), args, words)
    if args.json:
        print(json.dumps(report, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    for backend, figures in report["backends"].items():
        table = Table(
            title=f"wirebrief serve, {backend}, {args.stories:,} stories, {args.clients} clients, "
            f"{args.seconds:g} s each (load {figures['load_s']:.1f} s, "
            f"read model {figures['read_model_s']:.1f} s)"
        )
        for column in ("endpoint", "req/s", "p50 ms", "p95 ms", "p50 / baseline", "errors"):
            table.add_column(column, justify="left" if column == "endpoint" else "right")
        for endpoint, row in figures["endpoints"].items():
            table.add_row(
                endpoint,
                f"{row['req_per_s']:.0f}",
                f"{row['p50_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                f"{row['p50_ratio_to_baseline']:.1f}",
                str(row["errors"]),
            )
        Console().print(table)


def _run_backend(url: str, folder: Path, args: argparse.Namespace, words: Sequence[str]) -> dict[str, Any]:
    texts = _texts(0)
    steps = load(url, args.stories, texts)
    with serving(url, folder) as base:
        endpoints = measure(base, args.stories, words, args.clients, args.seconds)
    return steps | {"endpoints": endpoints}


if __name__ == "__main__":
    main()
