"""`wirebrief eval dedupe`: precision and recall of duplicate pairs.

Two sets, both read through the real ingest -> normalise -> dedupe path:

* BBC News (``../shared/eval/bbc-news/bbc_news.jsonl.gz``, 2,225 articles). Gold: every pair of
  articles whose normalised text is identical once all whitespace runs (paragraph breaks included) are
  collapsed to one space. Titles may differ. The set has no outlets or dates, so every article is from
  one outlet at one (fallback) time. The set also holds re-published stories with a word or a sentence
  changed, or trimmed, which that gold counts as different; a second gold (:func:`copy_gold`) counts a
  pair as copies when at least ``COPY_GOLD_ALIGNED`` of the shorter text's words appear, in order, in
  the longer one: a test on word alignment (difflib), independent of the deduplicator's shingles.
* Our wire set (``tests/dedupe/data/wire_set.jsonl``, written by us, see ``make_wire_set.py``): edited
  wire copies (reprints, one-word corrections, house-style copies, trimmed copies) grouped with their
  original; independent rewrites and follow-ups of the same events are in groups of their own.

Predicted pairs: the deduplicator links each EXACT_DUPLICATE, NEAR_DUPLICATE or SYNDICATED article to
the kept article it copies; linked reports form groups and every pair inside a group is a predicted
pair. A REVISION (a new version of the same report: in BBC News, without URLs, a story published twice
under the same title) adds no link unless ``count_revisions`` is set, which links it to the first
report with the same id. Precision = correct predicted pairs / predicted pairs, recall = correct
predicted pairs / gold pairs.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Annotated

import typer

from wirebrief.evaluation import eval_app
from wirebrief.evaluation.output import (
    JsonFlag,
    PredictionsFile,
    emit_figures,
    table_console,
    write_predictions,
)

_REPO = Path(__file__).resolve().parents[3]
DEFAULT_BBC = _REPO.parent / "shared" / "eval" / "bbc-news" / "bbc_news.jsonl.gz"
DEFAULT_WIRE_SET = _REPO / "tests" / "dedupe" / "data" / "wire_set.jsonl"
TARGET_PRECISION = 0.99
TARGET_RECALL = 0.95
COPY_GOLD_ALIGNED = 0.9
"""Share of the shorter text's words that must appear, in order, in the longer for the copy gold."""
_COPY_GOLD_GRAM = 8


@dataclass(frozen=True, slots=True)
class PairScore:
    name: str
    reports: int
    gold_pairs: int
    predicted_pairs: int
    correct_pairs: int
    extra: tuple[tuple[str, str], ...] = field(default=())  # predicted, not gold (locators)
    missed: tuple[tuple[str, str], ...] = field(default=())  # gold, not predicted (locators)
    # Per report: (locator, the reports gold puts with it, the reports the deduplicator puts with it).
    partners: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = field(default=())

    def figures(self) -> dict[str, object]:
        """The scores as plain values (``--json``)."""
        return {
            "set": self.name,
            "reports": self.reports,
            "gold_pairs": self.gold_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "target_met": self.precision >= TARGET_PRECISION and self.recall >= TARGET_RECALL,
        }

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.gold_pairs if self.gold_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def pairs_in_groups(groups: Iterable[Sequence[int]]) -> set[tuple[int, int]]:
    """Every unordered pair (low index first) inside each group."""
    return {(a, b) for group in groups for a, b in combinations(sorted(group), 2)}


def _components(size: int, links: Iterable[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(size))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for node in range(size):
        groups[root(node)].append(node)
    return [g for g in groups.values() if len(g) > 1]


def score_pairs(
    name: str, locators: Sequence[str], gold_groups: Iterable[Sequence[int]], links: Iterable[tuple[int, int]]
) -> PairScore:
    gold = pairs_in_groups(gold_groups)
    predicted = pairs_in_groups(_components(len(locators), links))
    gold_with: dict[int, set[int]] = defaultdict(set)
    predicted_with: dict[int, set[int]] = defaultdict(set)
    for pairs, partner in ((gold, gold_with), (predicted, predicted_with)):
        for a, b in pairs:
            partner[a].add(b)
            partner[b].add(a)
    return PairScore(
        name=name,
        reports=len(locators),
        gold_pairs=len(gold),
        predicted_pairs=len(predicted),
        correct_pairs=len(gold & predicted),
        extra=tuple((locators[a], locators[b]) for a, b in sorted(predicted - gold)),
        missed=tuple((locators[a], locators[b]) for a, b in sorted(gold - predicted)),
        partners=tuple(
            (
                locator,
                tuple(locators[i] for i in sorted(gold_with[index])),
                tuple(locators[i] for i in sorted(predicted_with[index])),
            )
            for index, locator in enumerate(locators)
        ),
    )


def run_dedupe(
    location: str, threshold: float | None = None, *, count_revisions: bool = False
) -> tuple[list[str], list[str], list[str], list[tuple[int, int]]]:
    """Ingest, normalise and dedupe ``location``; return locators, normalised texts, group labels
    (``extra['group']``, empty when absent) and the (article, copied article) index links (with
    ``count_revisions``, also (revision, first version) links)."""
    from wirebrief.dedupe import Deduplicator
    from wirebrief.errors import InputError
    from wirebrief.ingest import iter_reports
    from wirebrief.normalise import normalise
    from wirebrief.records import DedupeStatus
    from wirebrief.settings import Settings

    overrides = {} if threshold is None else {"near_duplicate_threshold": threshold}
    settings = Settings.model_validate(overrides)
    problems: list[InputError] = []
    deduplicator = Deduplicator(settings)
    locators: list[str] = []
    texts: list[str] = []
    groups: list[str] = []
    links: list[tuple[int, int]] = []
    first_index: dict[str, int] = {}
    for raw in iter_reports(location, on_problem=problems.append, settings=settings):
        article = normalise(raw, settings)
        decision = deduplicator.decide(article)
        index = len(locators)
        locators.append(raw.extra.get("id") or raw.locator)
        texts.append(article.text)
        groups.append(raw.extra.get("group", ""))
        first = first_index.setdefault(article.id, index)
        if decision.status == DedupeStatus.REVISION:
            if count_revisions:
                links.append((index, first))
        elif decision.duplicate_of is not None:
            links.append((index, first_index[decision.duplicate_of]))
    if problems:
        raise InputError(location, f"{len(problems)} unreadable records, first: {problems[0]}")
    return locators, texts, groups, links


def copy_gold(texts: Sequence[str]) -> list[list[int]]:
    """Groups of texts that are copies of each other: pairs where at least ``COPY_GOLD_ALIGNED`` of the
    shorter text's words are matched, in order, in the longer (difflib matching blocks over the word
    lists), joined transitively as the predictions are.

    Only pairs sharing a quarter of the shorter text's distinct word 8-grams are aligned (a pair with
    90% of its words aligned shares far more unless its edits fall every few words); 8-grams found in
    50 or more texts are boilerplate and ignored.
    """
    from wirebrief.normalise import words

    tokens = [words(text) for text in texts]
    grams: list[set[str]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for index, text_words in enumerate(tokens):
        size = max(1, len(text_words) - _COPY_GOLD_GRAM + 1)
        found = {" ".join(text_words[k : k + _COPY_GOLD_GRAM]) for k in range(size)}
        grams.append(found)
        for gram in found:
            postings[gram].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for indices in postings.values():
        if 1 < len(indices) < 50:
            shared.update(combinations(indices, 2))
    links = []
    for (first, second), count in sorted(shared.items()):
        if count < 0.25 * min(len(grams[first]), len(grams[second])):
            continue
        shorter = min(len(tokens[first]), len(tokens[second]))
        matcher = difflib.SequenceMatcher(None, tokens[first], tokens[second], autojunk=False)
        aligned = sum(block.size for block in matcher.get_matching_blocks())
        if shorter and aligned >= COPY_GOLD_ALIGNED * shorter:
            links.append((first, second))
    return _components(len(texts), links)


def evaluate_bbc(path: Path, threshold: float | None = None, *, count_revisions: bool = False) -> PairScore:
    return evaluate_bbc_both(path, threshold, count_revisions=count_revisions)[0]


def evaluate_bbc_both(
    path: Path, threshold: float | None = None, *, count_revisions: bool = False
) -> tuple[PairScore, PairScore]:
    """BBC News scored on the exact-text gold and on the copy gold (:func:`copy_gold`)."""
    locators, texts, _, links = run_dedupe(str(path), threshold, count_revisions=count_revisions)
    by_text: dict[str, list[int]] = defaultdict(list)
    for index, text in enumerate(texts):
        by_text[" ".join(text.split())].append(index)
    exact = score_pairs("BBC News (exact-text gold)", locators, by_text.values(), links)
    copies = _cached_copy_gold(tuple(texts))
    label = f"BBC News (copy gold, ≥{COPY_GOLD_ALIGNED:.0%} of words aligned)"
    return exact, score_pairs(label, locators, [*by_text.values(), *copies], links)


_COPY_GOLD_CACHE: dict[tuple[str, ...], list[list[int]]] = {}


def _cached_copy_gold(texts: tuple[str, ...]) -> list[list[int]]:
    # The sweep scores the same texts at several thresholds; the gold does not depend on them.
    if texts not in _COPY_GOLD_CACHE:
        _COPY_GOLD_CACHE.clear()
        _COPY_GOLD_CACHE[texts] = copy_gold(texts)
    return _COPY_GOLD_CACHE[texts]


def evaluate_wire_set(path: Path, threshold: float | None = None) -> PairScore:
    locators, _, groups, links = run_dedupe(str(path), threshold)
    by_group: dict[str, list[int]] = defaultdict(list)
    for index, group in enumerate(groups):
        by_group[group or f"#{index}"].append(index)
    return score_pairs("wire set (edited copies, ours)", locators, by_group.values(), links)


@eval_app.command("dedupe")
def dedupe_command(
    data: Annotated[Path, typer.Option("--data", help="BBC News JSONL(.gz): id, title, text.")] = DEFAULT_BBC,
    near_data: Annotated[
        Path, typer.Option("--near-data", help="Our edited-wire-copy set.")
    ] = DEFAULT_WIRE_SET,
    threshold: Annotated[
        float | None, typer.Option(help="near_duplicate_threshold (default: settings).")
    ] = None,
    sweep: Annotated[bool, typer.Option("--sweep/--no-sweep", help="Also score other thresholds.")] = True,
    show_pairs: Annotated[int, typer.Option(help="How many extra/missed pairs to list per set.")] = 10,
    count_revisions: Annotated[
        bool,
        typer.Option(
            "--count-revisions/--no-count-revisions",
            help="Count a REVISION (same id, other text) as a pair with the report's first version.",
        ),
    ] = False,
    as_json: JsonFlag = False,
    predictions: PredictionsFile = None,
) -> None:
    """Precision/recall of duplicate pairs on BBC News (exact-text gold) and our edited-wire-copy set."""
    from rich.table import Table

    from wirebrief.dedupe import SHINGLE_WORDS
    from wirebrief.settings import Settings

    console = table_console(as_json, width=160)
    for path in (data, near_data):
        if not path.exists():
            typer.echo(f"error: {path}: no such file", err=True)
            raise typer.Exit(3)
    chosen = threshold if threshold is not None else Settings.model_validate({}).near_duplicate_threshold
    containment = Settings.model_validate({}).near_duplicate_containment
    scores = [
        *evaluate_bbc_both(data, chosen, count_revisions=count_revisions),
        evaluate_wire_set(near_data, chosen),
    ]
    table = Table(
        title=f"Dedupe: duplicate pairs (near_duplicate_threshold {chosen:g}, near_duplicate_containment "
        f"{containment:g}, {SHINGLE_WORDS}-word shingles)"
    )
    for column in (
        "set",
        "reports",
        "gold pairs",
        "predicted",
        "correct",
        "precision",
        "recall",
        "F1",
        "target",
    ):
        table.add_column(column, justify="left" if column == "set" else "right")
    for score in scores:
        met = score.precision >= TARGET_PRECISION and score.recall >= TARGET_RECALL
        table.add_row(
            score.name,
            str(score.reports),
            str(score.gold_pairs),
            str(score.predicted_pairs),
            str(score.correct_pairs),
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
            ("met" if met else "NOT met") + f" (P≥{TARGET_PRECISION}, R≥{TARGET_RECALL})",
        )
    console.print(table)
    for score in scores:
        for label, pairs in (("predicted but not gold", score.extra), ("gold but missed", score.missed)):
            if pairs and show_pairs:
                shown = ", ".join(f"{a} ~ {b}" for a, b in pairs[:show_pairs])
                console.print(f"{score.name}: {len(pairs)} {label}: {shown}")
    # One line per report and set: the reports gold and the deduplicator each put with it.
    write_predictions(
        predictions,
        (
            {"set": score.name, "id": locator, "gold": list(gold), "predicted": list(predicted)}
            for score in scores
            for locator, gold, predicted in score.partners
        ),
    )
    swept: list[dict[str, object]] = []
    if sweep:
        sweep_table = Table(title="Threshold sweep (precision / recall)")
        sweep_table.add_column("threshold", justify="right")
        for score in scores:
            sweep_table.add_column(score.name, justify="right")
        for value in (0.6, 0.7, 0.8, 0.9):
            row = [
                *evaluate_bbc_both(data, value, count_revisions=count_revisions),
                evaluate_wire_set(near_data, value),
            ]
            sweep_table.add_row(f"{value:g}", *(f"{s.precision:.3f} / {s.recall:.3f}" for s in row))
            swept.append({"threshold": value, "sets": [s.figures() for s in row]})
        console.print(sweep_table)
    if as_json:
        emit_figures(
            {
                "eval": "dedupe",
                "near_duplicate_threshold": chosen,
                "near_duplicate_containment": containment,
                "shingle_words": SHINGLE_WORDS,
                "count_revisions": count_revisions,
                "sets": [score.figures() for score in scores],
                "sweep": swept,
            }
        )
