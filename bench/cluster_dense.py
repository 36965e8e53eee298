"""Speed of the dense clustering variant on one core, beside sparse+entities on the same articles.

    .venv/bin/python bench/cluster_dense.py [--articles 300]

Needs the optional ``dense`` extra. Reads the first N documents of the Multi-News dev set (from the
``shared`` folder beside the repository) in file order, as ``wirebrief eval clustering`` does, and times
``StoryClusterer.add`` for each variant (process CPU time, with torch limited to one thread; wall time
beside it). In the dense variant each article is embedded as it arrives (one model call per article,
as on a live stream); the model is loaded before the clock starts. It also times embedding the same
texts in batches of 32, the way ``cluster_articles`` does for a batch.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "multi-news-dev" / "docs.jsonl.gz"


def _row(label: str, count: int, cpu: float, wall: float) -> str:
    return f"| {label} | {count / cpu:.1f} | {count / wall:.1f} | {1000 * cpu / count:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument(
        "--json", action="store_true", help="print the figures as one JSON object instead of the table"
    )
    args = parser.parse_args()

    import torch

    from wirebrief.cluster import Signals, StoryClusterer
    from wirebrief.cluster.dense import SentenceTransformerEmbedder, dense_available, dense_text
    from wirebrief.evaluation.clustering import multi_news_articles, read_multi_news
    from wirebrief.evaluation.output import emit_figures
    from wirebrief.settings import Settings

    if not dense_available():
        raise SystemExit("needs the optional dense extra: pip install 'wirebrief[dense]'")
    if not DEV.exists():
        raise SystemExit(f"no Multi-News dev set at {DEV}")
    torch.set_num_threads(1)
    settings = Settings.model_validate({})
    records = list(read_multi_news(DEV))[: args.articles]
    articles = multi_news_articles(records, settings, source=str(DEV))
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm-up"])  # loads the model outside the clock

    timings: list[tuple[str, float, float]] = []
    for label, variant_embedder in (("sparse+entities", None), ("dense", embedder)):
        clusterer = StoryClusterer(settings, signals=Signals.SPARSE_ENTITIES, embedder=variant_embedder)
        cpu, wall = time.process_time(), time.perf_counter()
        for article in articles:
            clusterer.add(article)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        timings.append((label, cpu, wall))
    cpu, wall = time.process_time(), time.perf_counter()
    embedder.embed([dense_text(article) for article in articles])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    timings.append(("embedding only, batches of 32", cpu, wall))
    if args.json:
        emit_figures(
            {
                "bench": "cluster_dense",
                "articles": len(articles),
                "torch_threads": torch.get_num_threads(),
                "rows": [
                    {
                        "variant": label,
                        "articles_per_second_cpu": len(articles) / cpu,
                        "articles_per_second_wall": len(articles) / wall,
                    }
                    for label, cpu, wall in timings
                ],
            }
        )
        return
    print(f"{len(articles)} Multi-News dev articles, one core (torch threads: {torch.get_num_threads()})")
    print("| variant | articles/s (CPU) | articles/s (wall) | ms/article (CPU) |")
    print("|---|---|---|---|")
    for label, cpu, wall in timings:
        print(_row(label, len(articles), cpu, wall))


if __name__ == "__main__":
    main()
