"""`wirebrief eval summarise`: multi-document summary quality of the deterministic writer.

For every gold cluster of a Multi-News style folder (``docs.jsonl.gz`` with ``doc_id``, ``cluster_id``,
``text``; ``summaries.jsonl.gz`` with ``cluster_id``, ``summary``) the writer writes the article part of
a brief from the cluster's documents, cut at ``--words`` words, and ROUGE-1/2/L F1 (``rouge-score``,
Porter stemming on, averaged over clusters) is computed against the human summary. In the same run the
lead baseline is scored the same way: the cluster's sentences in document order, first document
first, up to the same number of words. Both use the sentences of the pipeline's own extractor, and
both see only the documents the pipeline's junk filter lets into a story.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from wirebrief.evaluation import eval_app
from wirebrief.evaluation.output import (
    JsonFlag,
    PredictionsFile,
    emit_figures,
    table_console,
    write_predictions,
)

SYNTHETIC_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RougeFigures:
    rouge1: float
    rouge2: float
    rouge_l: float


def _cut(sentences: Iterable[str], words: int) -> str:
    out: list[str] = []
    for sentence in sentences:
        out.extend(sentence.split())
        if len(out) >= words:
            break
    return " ".join(out[:words])


def rouge(pairs: Sequence[tuple[str, str]]) -> RougeFigures:
    """Mean ROUGE-1/2/L F1 of (prediction, reference) pairs, stemming on."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for prediction, reference in pairs:
        scores = scorer.score(reference, prediction)
        for name in totals:
            totals[name] += scores[name].fmeasure
    n = max(len(pairs), 1)
    return RougeFigures(totals["rouge1"] / n, totals["rouge2"] / n, totals["rougeL"] / n)


def _read(path: Path) -> list[dict[str, Any]]:
    from wirebrief.errors import InputError

    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except (OSError, json.JSONDecodeError, EOFError) as exc:
        raise InputError(str(path), f"cannot read ({exc})") from exc


@eval_app.command("summarise")
def summarise(
    data: Annotated[Path, typer.Option("--data", help="Folder with docs.jsonl.gz and summaries.jsonl.gz.")],
    words: Annotated[int, typer.Option("--words", help="Cut every summary at this many words.")] = 250,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N clusters.")] = None,
    as_json: JsonFlag = False,
    predictions: PredictionsFile = None,
) -> None:
    """ROUGE-1/2/L F1 of the deterministic writer's article against reference summaries, beside lead."""
    from rich.table import Table

    from wirebrief.cluster import is_junk
    from wirebrief.extract import Extractor
    from wirebrief.records import Article, Story, StoryBundle, content_hash
    from wirebrief.settings import load_settings
    from wirebrief.write import DeterministicWriter

    settings = load_settings()
    docs = _read(data / "docs.jsonl.gz")
    references = {row["cluster_id"]: row["summary"] for row in _read(data / "summaries.jsonl.gz")}
    clusters: dict[str, list[Article]] = defaultdict(list)
    for position, row in enumerate(docs):
        text = str(row["text"]).strip()
        if not text:
            continue
        clusters[row["cluster_id"]].append(
            Article(
                id=str(row["doc_id"]),
                outlet=f"document {row['doc_id']}",
                title="",
                text=text,
                published=SYNTHETIC_EPOCH + timedelta(minutes=position),
                language="en",
                content_hash=content_hash(text),
                source=str(data),
                family=str(row["doc_id"]),
            )
        )
    cluster_ids = [c for c in clusters if c in references][:limit]
    started = time.perf_counter()
    extractor = Extractor(settings)
    all_articles = [a for c in cluster_ids for a in clusters[c]]
    extractions = {e.article_id: e for e in extractor.extract_many(all_articles)}
    writer = DeterministicWriter(settings, (), parse=extractor.nlp)
    ours: list[tuple[str, str]] = []
    lead: list[tuple[str, str]] = []
    for cluster_id in cluster_ids:
        # The pipeline never lets junk (web-archive notices, tweet embeds, sign-up walls) into a story,
        # so neither system sees it here; a cluster that is all junk keeps its documents.
        articles = tuple(a for a in clusters[cluster_id] if is_junk(a) is None) or tuple(clusters[cluster_id])
        bundle = StoryBundle(
            story=Story(
                cluster_id, tuple(a.id for a in articles), articles[0].published, articles[-1].published
            ),
            articles=articles,
            extractions={a.id: extractions[a.id] for a in articles},
            entities={},
            facts=(),
            categories=(),
        )
        summary = _cut((s.text for s in writer.article_sentences(bundle, max_words=words)), words)
        baseline = _cut((s.text for a in articles for s in extractions[a.id].sentences), words)
        ours.append((summary, references[cluster_id]))
        lead.append((baseline, references[cluster_id]))
    seconds = time.perf_counter() - started
    systems = (("deterministic writer", ours), (f"lead-{words} baseline", lead))
    # One line per cluster and system: the reference summary (gold) and the system's text (predicted).
    write_predictions(
        predictions,
        (
            {"system": name, "id": cluster_id, "gold": reference, "predicted": text}
            for name, pairs in systems
            for cluster_id, (text, reference) in zip(cluster_ids, pairs, strict=True)
        ),
    )
    table = Table(title=f"ROUGE F1 (stemming on): {len(cluster_ids)} clusters, cut at {words} words")
    for column in ("system", "ROUGE-1", "ROUGE-2", "ROUGE-L"):
        table.add_column(column, justify="right" if column != "system" else "left")
    scored: list[dict[str, object]] = []
    for name, pairs in systems:
        figures = rouge(pairs)
        table.add_row(name, f"{figures.rouge1:.3f}", f"{figures.rouge2:.3f}", f"{figures.rouge_l:.3f}")
        scored.append(
            {"system": name, "rouge1": figures.rouge1, "rouge2": figures.rouge2, "rouge_l": figures.rouge_l}
        )
    console = table_console(as_json)
    console.print(table)
    console.print(f"{len(all_articles)} documents extracted and summarised in {seconds:.1f} s")
    if as_json:
        emit_figures(
            {
                "eval": "summarise",
                "clusters": len(cluster_ids),
                "documents": len(all_articles),
                "words": words,
                "systems": scored,
                "seconds": seconds,
            }
        )
