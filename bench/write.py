"""Benchmark of the write and verify stages on the bundled sample news.

The sample is run through the pipeline once into a temporary database; the story bundles of every
briefed story are then built once, and the clock (process CPU time, i.e. one core; wall time beside it)
runs around

* ``DeterministicWriter.write`` for every bundle (briefs/s), beside the bare cost at its core: one
  scikit-learn TF-IDF fit and centroid similarity over the same candidate sentences;
* ``Verifier.check`` for every sentence of every written brief (sentences/s), beside the bare cost of
  Porter-stemming the same sentences and their cited material with NLTK.

Each figure is the median of ``--runs`` runs (default 3).

    .venv/bin/python bench/write.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from nltk.stem.porter import PorterStemmer
from rich.console import Console
from rich.table import Table
from sklearn.feature_extraction.text import TfidfVectorizer

from wirebrief.evaluation.output import emit_figures
from wirebrief.pipeline import Pipeline, ingest
from wirebrief.records import StoryBundle
from wirebrief.samples import sample_dir
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.verify import citation_texts


def timed(work: Callable[[], int], runs: int) -> tuple[float, float, int]:
    """Median CPU seconds and wall seconds of ``work`` over ``runs`` runs, and its item count."""
    cpu, wall, count = [], [], 0
    for _ in range(runs):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        count = work()
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return statistics.median(cpu), statistics.median(wall), count


def build_bundles(data_dir: Path) -> tuple[Pipeline, list[StoryBundle]]:
    from wirebrief.cluster import cluster_articles

    settings = Settings(data_dir=data_dir)
    store = Store.open(settings.resolved_database_url)
    ingest(store, [str(sample_dir())], settings)
    pipeline = Pipeline(settings, store)
    articles = {a.id: a for a in store.articles()}
    stories = cluster_articles(list(articles.values()), settings)
    chosen = [s for s in stories if len({articles[a].independent_source for a in s.article_ids}) >= 2]
    needed = [articles[a] for s in chosen for a in s.article_ids]
    extractions = {e.article_id: e for e in pipeline.extractor.extract_many(needed)}
    categories = {a.id: pipeline.classifier.classify(a.title, a.text) for a in needed}
    bundles = [pipeline.bundle(s, articles, extractions, categories) for s in chosen]
    return pipeline, bundles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--json", action="store_true", help="print the figures as one JSON object instead of the table"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pipeline, bundles = build_bundles(Path(folder))
        writer, verifier = pipeline.writer, pipeline.verifier
        briefs = [writer.write(b) for b in bundles]  # warm: the parser is loaded once

        def write_all() -> int:
            for bundle in bundles:
                writer.write(bundle)
            return len(bundles)

        def bare_centrality() -> int:
            for bundle in bundles:
                texts = [s.text for e in bundle.extractions.values() for s in e.sentences]
                matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
                centroid = np.asarray(matrix.mean(axis=0)).ravel()
                _ = matrix @ centroid
            return len(bundles)

        pairs = []
        for bundle, brief in zip(bundles, briefs, strict=True):
            indexes = (bundle.sentence_index(), {a.id: a for a in bundle.articles}, bundle.fact_index())
            pairs += [(sentence, indexes) for sentence in brief.sentences]

        def verify_all() -> int:
            for sentence, (sentences, articles, facts) in pairs:
                verifier.check(sentence, sentences, articles, facts)
            return len(pairs)

        stemmer = PorterStemmer()

        def bare_stemming() -> int:
            for sentence, (sentences, articles, facts) in pairs:
                texts = [sentence.text]
                for citation in sentence.citations:
                    cited = citation_texts(citation, sentences, articles, facts)
                    texts += cited.texts if cited else []
                for text in texts:
                    _ = [stemmer.stem(w) for w in text.lower().split()]
            return len(pairs)

        rows = [
            ("deterministic writer", "briefs", timed(write_all, options.runs)),
            ("  bare TF-IDF centrality", "briefs", timed(bare_centrality, options.runs)),
            ("verifier", "sentences", timed(verify_all, options.runs)),
            ("  bare Porter stemming", "sentences", timed(bare_stemming, options.runs)),
        ]
    table = Table(
        title=f"write and verify on the bundled sample ({len(bundles)} stories), median of {options.runs}"
    )
    for column in ("measure", "items", "items/s (CPU)", "items/s (wall)", "ratio to bare"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    figures: list[dict[str, object]] = []
    for index, (name, unit, (cpu, wall, count)) in enumerate(rows):
        ratio = ""
        figure: dict[str, object] = {
            "measure": name.strip(),
            "items": count,
            "unit": unit,
            "items_per_second_cpu": count / cpu,
            "items_per_second_wall": count / wall,
        }
        if index % 2 == 0:
            bare_cpu = rows[index + 1][2][0]
            ratio = f"{(count / cpu) / (count / bare_cpu):.2f}x"
            figure["ratio_to_bare"] = (count / cpu) / (count / bare_cpu)
        figures.append(figure)
        table.add_row(name, f"{count} {unit}", f"{count / cpu:,.1f}", f"{count / wall:,.1f}", ratio)
    if options.json:
        emit_figures({"bench": "write", "stories": len(bundles), "runs": options.runs, "rows": figures})
        return
    Console().print(table)


if __name__ == "__main__":
    main()
