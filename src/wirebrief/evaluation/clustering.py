"""`wirebrief eval clustering`: story-clustering quality against gold clusters.

Two data sets:

* ``--data docs.jsonl.gz`` — Multi-News style documents (``doc_id``, ``cluster_id``, ``text``) streamed in
  file order. They carry no times, so each gets a synthetic time from its position; the steps are
  chosen so that the whole file spans at most half of ``cluster_window_days``: no story is closed by
  time decay and the score measures the text signals alone (file order must not leak into the
  result through the clock).
* ``--gold gold.json`` — the bundled sample: ``reports: [{file, locator, story, kind}]`` where ``file``
  is relative to the gold file and ``locator`` is the report's URL. Reports are read with
  :func:`wirebrief.ingest.iter_reports`, normalised, passed through the deduplicator (exact and near
  duplicates are dropped, as the pipeline does), and the kept ones are scored.

Junk documents (see :func:`wirebrief.cluster.is_junk`) count as singletons in the prediction.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wirebrief.evaluation import eval_app
from wirebrief.evaluation.output import JsonFlag, PredictionsFile, emit_figures, write_predictions

if TYPE_CHECKING:
    from wirebrief.cluster import ClusterScores, Signals
    from wirebrief.cluster.dense import Embedder
    from wirebrief.records import Article
    from wirebrief.settings import Settings

SYNTHETIC_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ClusteringResult:
    """Scores of one clustering run against gold labels."""

    signals: str
    documents: int
    junk: int
    stories: int
    gold_clusters: int
    b_cubed: ClusterScores
    pairwise: ClusterScores
    adjusted_rand: float
    seconds: float
    # Per document, in input order: (document id, gold label, predicted story id) for --predictions.
    assignments: tuple[tuple[str, str, str], ...] = ()

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else float("inf")

    def figures(self) -> dict[str, object]:
        """The scores as plain values (``--json``)."""
        return {
            "signals": self.signals,
            "documents": self.documents,
            "junk": self.junk,
            "stories": self.stories,
            "gold_clusters": self.gold_clusters,
            "b_cubed": {
                "precision": self.b_cubed.precision,
                "recall": self.b_cubed.recall,
                "f1": self.b_cubed.f1,
            },
            "pairwise": {
                "precision": self.pairwise.precision,
                "recall": self.pairwise.recall,
                "f1": self.pairwise.f1,
            },
            "adjusted_rand": self.adjusted_rand,
            "seconds": self.seconds,
            "documents_per_second": self.documents_per_second,
        }


def read_multi_news(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a Multi-News style ``.jsonl`` or ``.jsonl.gz`` file, in file order."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def multi_news_articles(
    records: Sequence[Mapping[str, Any]], settings: Settings, source: str
) -> list[Article]:
    """Articles for Multi-News records, with synthetic times in file order (see module docstring)."""
    from wirebrief.records import Article, content_hash

    # One minute apart, or closer when needed to keep the whole file within half a window.
    window = timedelta(days=settings.cluster_window_days)
    step = min(timedelta(minutes=1), window / (2 * max(1, len(records))))
    return [
        Article(
            id=str(record["doc_id"]),
            outlet="multi-news",
            title="",
            text=str(record["text"]),
            published=SYNTHETIC_EPOCH + step * position,
            language="en",
            content_hash=content_hash(str(record["text"])),
            source=source,
        )
        for position, record in enumerate(records)
    ]


def score_clustering(
    articles: Sequence[Article],
    gold: Mapping[str, str],
    settings: Settings,
    signals: Signals,
    embedder: Embedder | None = None,
) -> ClusteringResult:
    """Cluster ``articles`` online (in the given order); score them against ``gold`` (id -> label).

    With an ``embedder`` the dense variant runs (each article embedded as it comes, inside the timing;
    the model is loaded before it).
    """
    from sklearn.metrics import adjusted_rand_score

    from wirebrief.cluster import StoryClusterer, b_cubed, pairwise_f1
    from wirebrief.cluster.features import stop_words_for

    for language in sorted({article.language for article in articles}):
        stop_words_for(language)  # loaded once per language: keep it out of the timing
    if embedder is not None:
        embedder.embed(["warm-up"])  # loads the model: keep it out of the timing
    clusterer = StoryClusterer(settings, signals=signals, embedder=embedder)
    started = time.perf_counter()
    predicted: dict[str, str] = {}
    for article in articles:
        story_id = clusterer.add(article)
        # Junk joins no story: it is a singleton of its own in the prediction.
        predicted[article.id] = story_id if story_id is not None else f"junk:{article.id}"
    seconds = time.perf_counter() - started
    gold_labels = {article_id: gold[article_id] for article_id in predicted}
    ids = sorted(predicted)
    return ClusteringResult(
        signals=str(signals) if embedder is None else f"dense ({type(embedder).__name__})",
        documents=len(predicted),
        junk=len(clusterer.junk),
        stories=len(clusterer.stories()),
        gold_clusters=len(set(gold_labels.values())),
        b_cubed=b_cubed(predicted, gold_labels),
        pairwise=pairwise_f1(predicted, gold_labels),
        adjusted_rand=float(adjusted_rand_score([gold_labels[i] for i in ids], [predicted[i] for i in ids])),
        seconds=seconds,
        assignments=tuple((i, gold_labels[i], predicted[i]) for i in predicted),
    )


def evaluate_multi_news(
    path: Path, settings: Settings, signals: Signals, embedder: Embedder | None = None
) -> ClusteringResult:
    records = list(read_multi_news(path))
    articles = multi_news_articles(records, settings, source=str(path))
    gold = {str(record["doc_id"]): str(record["cluster_id"]) for record in records}
    return score_clustering(articles, gold, settings, signals, embedder)


def gold_sample_articles(gold_path: Path, settings: Settings) -> tuple[list[Article], dict[str, str]]:
    """The kept (deduplicated) articles of a gold sample and their gold story labels by article id.

    Gold ``file`` paths are relative to the ``news/`` folder beside the gold file (the layout of
    ``wirebrief.samples``), or to the gold file's own folder when there is no ``news/``.
    """
    from wirebrief.dedupe import Deduplicator
    from wirebrief.errors import InputError
    from wirebrief.ingest import iter_reports
    from wirebrief.normalise import normalise
    from wirebrief.samples import load_gold

    gold = load_gold(gold_path)
    root = gold_path.parent / "news" if (gold_path.parent / "news").is_dir() else gold_path.parent
    story_by_report = {(report.file, report.locator): report.story for report in gold.reports}

    def problem(error: InputError) -> None:
        typer.echo(f"skipped: {error}", err=True)

    pairs: list[tuple[Article, str]] = []
    for file in gold.files():
        for raw in iter_reports(str(root / file), on_problem=problem, settings=settings):
            story = story_by_report.get((file, raw.url or ""))
            if story is None:
                story = story_by_report.get((file, raw.locator))
            if story is None:
                typer.echo(f"not in the gold file, left out: {file} {raw.url or raw.locator}", err=True)
                continue
            pairs.append((normalise(raw, settings), story))
    # The deduplicator sees reports in time order, as the pipeline feeds them.
    pairs.sort(key=lambda pair: (pair[0].published, pair[0].id))
    deduplicator = Deduplicator(settings)
    articles: list[Article] = []
    labels: dict[str, str] = {}
    for article, story in pairs:
        decision = deduplicator.decide(article)
        if not decision.keep:
            continue
        if article.id in labels:
            # A revision replaces the text of the article it revises (same id).
            articles = [kept for kept in articles if kept.id != article.id]
        articles.append(replace(article, family=decision.family))
        labels[article.id] = story
    return articles, labels


def evaluate_gold(
    gold_path: Path, settings: Settings, signals: Signals, embedder: Embedder | None = None
) -> ClusteringResult:
    articles, gold = gold_sample_articles(gold_path, settings)
    return score_clustering(articles, gold, settings, signals, embedder)


def format_results(results: Sequence[ClusteringResult]) -> str:
    header = (
        "| signals | docs | junk | stories | gold | B3 P | B3 R | B3 F1 "
        "| pair P | pair R | pair F1 | ARI | docs/s |"
    )
    lines = [header, "|" + "---|" * 13]
    for r in results:
        lines.append(
            f"| {r.signals} | {r.documents} | {r.junk} | {r.stories} | {r.gold_clusters} "
            f"| {r.b_cubed.precision:.3f} | {r.b_cubed.recall:.3f} | {r.b_cubed.f1:.3f} "
            f"| {r.pairwise.precision:.3f} | {r.pairwise.recall:.3f} | {r.pairwise.f1:.3f} "
            f"| {r.adjusted_rand:.3f} | {r.documents_per_second:.0f} |"
        )
    return "\n".join(lines)


@eval_app.command("clustering")
def clustering_command(
    data: Annotated[
        Path | None, typer.Option(help="Multi-News style docs.jsonl.gz (doc_id, cluster_id, text).")
    ] = None,
    gold: Annotated[Path | None, typer.Option(help="gold.json of a sample corpus (reports → story).")] = None,
    sample: Annotated[
        bool, typer.Option(help="Score the bundled sample corpus (wirebrief.samples).")
    ] = False,
    signals: Annotated[
        str,
        typer.Option(
            help="sparse, sparse+entities, all to compare those two, or dense (sparse+entities plus "
            "sentence embeddings of the cluster_embedder setting's model; needs the optional dense extra)."
        ),
    ] = "sparse+entities",
    threshold: Annotated[float | None, typer.Option(help="Override settings.cluster_threshold.")] = None,
    config: Annotated[Path | None, typer.Option(help="Configuration file.")] = None,
    as_json: JsonFlag = False,
    predictions: PredictionsFile = None,
) -> None:
    """Score story clustering: B-cubed and pairwise P/R/F1, adjusted Rand, junk count."""
    from wirebrief.cluster import Signals
    from wirebrief.errors import WirebriefError
    from wirebrief.settings import load_settings

    if sample and gold is None:
        from wirebrief.samples import gold_path

        gold = gold_path()
    if (data is None) == (gold is None):
        raise typer.BadParameter("give exactly one of --data, --gold or --sample")
    try:
        settings = load_settings(config, cluster_threshold=threshold)
        embedder: Embedder | None = None
        if signals == "dense":
            from wirebrief.cluster.dense import make_embedder

            # The model is settings.cluster_embedder's (static or minilm); ConfigError if not installed.
            variants, embedder = [Signals.SPARSE_ENTITIES], make_embedder(settings)
        else:
            variants = list(Signals) if signals == "all" else [Signals(signals)]
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    except WirebriefError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc
    results: list[ClusteringResult] = []
    try:
        for variant in variants:
            if data is not None:
                results.append(evaluate_multi_news(data, settings, variant, embedder))
            else:
                assert gold is not None
                results.append(evaluate_gold(gold, settings, variant, embedder))
    except WirebriefError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc
    write_predictions(
        predictions,
        (
            {"signals": result.signals, "id": doc, "gold": gold_label, "predicted": story}
            for result in results
            for doc, gold_label, story in result.assignments
        ),
    )
    if as_json:
        emit_figures(
            {
                "eval": "clustering",
                "data": str(data if data is not None else gold),
                "threshold": settings.cluster_threshold,
                "window_days": settings.cluster_window_days,
                "results": [result.figures() for result in results],
            }
        )
        return
    typer.echo(f"threshold {settings.cluster_threshold}, window {settings.cluster_window_days} days")
    typer.echo(format_results(results))
