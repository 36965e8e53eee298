"""`wirebrief eval classify`: category accuracy on the BBC News set (5 labels) after mapping our slugs.

The classifier predicts its top slug among *all* taxonomy slugs; a prediction counts as right when it is
one of the slugs the BBC label maps to (:data:`BBC_TO_SLUGS`, stated in ``docs/taxonomy.md``). A slug
outside every mapped set (``health``, ``general-news``, ...) is wrong whatever the label. Nothing is
learnt from this data: the lexicons were written from knowledge of each domain, not from these texts.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wirebrief.evaluation import eval_app

if TYPE_CHECKING:
    from wirebrief.classify import Classifier

BBC_TO_SLUGS: Mapping[str, frozenset[str]] = {
    "business": frozenset({"business-and-economy"}),
    "entertainment": frozenset({"arts-and-entertainment"}),
    "politics": frozenset({"politics", "elections", "diplomacy"}),
    "sport": frozenset({"sports"}),
    "tech": frozenset({"technology", "science"}),
}
"""Which of our slugs each BBC label accepts."""

OTHER = "other"
"""The column for predictions outside every mapped set."""


@dataclass(frozen=True, slots=True)
class ClassifyResult:
    labels: tuple[str, ...]  # gold classes, in table order
    gold: tuple[str, ...]
    predicted_slugs: tuple[str, ...]
    seconds: float

    @property
    def predicted_classes(self) -> tuple[str, ...]:
        return tuple(slug_to_class(s) for s in self.predicted_slugs)

    @property
    def accuracy(self) -> float:
        pairs = list(zip(self.gold, self.predicted_classes, strict=True))
        return sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0

    @property
    def macro_f1(self) -> float:
        from sklearn.metrics import f1_score

        # Predictions in "other" count against recall of their gold class and no class's precision.
        # Only labels present in the gold data are averaged (a --limit run may hold fewer than five).
        present = [label for label in self.labels if label in set(self.gold)]
        return float(
            f1_score(self.gold, self.predicted_classes, labels=present, average="macro", zero_division=0)
        )

    def confusion(self) -> dict[str, Counter[str]]:
        rows: dict[str, Counter[str]] = {label: Counter() for label in self.labels}
        for gold, predicted in zip(self.gold, self.predicted_classes, strict=True):
            rows[gold][predicted] += 1
        return rows

    def unmapped(self) -> Counter[str]:
        return Counter(
            s for s, c in zip(self.predicted_slugs, self.predicted_classes, strict=True) if c == OTHER
        )


def slug_to_class(slug: str) -> str:
    for label, slugs in BBC_TO_SLUGS.items():
        if slug in slugs:
            return label
    return OTHER


def read_bbc(path: Path) -> Iterator[dict[str, Any]]:
    """Records (``id``, ``category``, ``title``, ``text``) of a ``.jsonl`` or ``.jsonl.gz`` file."""
    from wirebrief.errors import InputError

    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:line {number}", f"not valid JSON: {exc.msg}") from exc
                if not isinstance(record, dict) or not {"category", "text"} <= record.keys():
                    raise InputError(f"{path}:line {number}", "a record needs 'category' and 'text'")
                yield record
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from exc


def evaluate(classifier: Classifier, records: Sequence[Mapping[str, Any]]) -> ClassifyResult:
    known = [r for r in records if r["category"] in BBC_TO_SLUGS]
    started = time.perf_counter()
    predicted = tuple(classifier.top(str(r.get("title") or ""), str(r["text"])) for r in known)
    seconds = time.perf_counter() - started
    return ClassifyResult(
        labels=tuple(BBC_TO_SLUGS),
        gold=tuple(str(r["category"]) for r in known),
        predicted_slugs=predicted,
        seconds=seconds,
    )


def render(result: ClassifyResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    count = len(result.gold)
    rate = count / result.seconds if result.seconds > 0 else float("inf")
    console.print(
        f"[bold]classify[/] (keyword lexicons)  articles={count}  accuracy={result.accuracy:.4f}  "
        f"macro-F1={result.macro_f1:.4f}  ({result.seconds:.1f} s, {rate:.0f} articles/s)"
    )
    table = Table(title="Confusion matrix (rows: BBC label, columns: predicted, mapped back)")
    table.add_column("gold \\ predicted", style="bold")
    columns = [*result.labels, OTHER]
    for column in columns:
        table.add_column(column, justify="right")
    table.add_column("recall", justify="right")
    for label, row in result.confusion().items():
        total = sum(row.values())
        cells = [f"[green]{row[c]}[/]" if c == label else str(row[c]) for c in columns]
        table.add_row(label, *cells, f"{row[label] / total:.3f}" if total else "-")
    console.print(table)
    unmapped = result.unmapped()
    if unmapped:
        breakdown = ", ".join(
            f"{slug} {n}" for slug, n in sorted(unmapped.items(), key=lambda i: (-i[1], i[0]))
        )
        console.print(f"'{OTHER}' predictions by slug: {breakdown}")
    mapped = Counter(result.predicted_slugs)
    console.print(
        "predicted slugs: "
        + ", ".join(f"{s} {n}" for s, n in sorted(mapped.items(), key=lambda i: (-i[1], i[0])))
    )


@eval_app.command("classify")
def classify_command(
    data: Annotated[Path, typer.Option(help="BBC News JSONL(.gz): id, category, title, text.")] = Path(
        "../shared/eval/bbc-news/bbc_news.jsonl.gz"
    ),
    config: Annotated[Path | None, typer.Option(help="Settings file (YAML or TOML).")] = None,
    limit: Annotated[int, typer.Option(help="Use only the first N articles (0 = all).")] = 0,
) -> None:
    """Accuracy, macro-F1 and a confusion matrix of the top category on BBC News (5 labels)."""
    from wirebrief.classify import Classifier
    from wirebrief.errors import WirebriefError
    from wirebrief.settings import load_settings

    try:
        settings = load_settings(config)
        records = list(read_bbc(data))
        if limit > 0:
            records = records[:limit]
        result = evaluate(Classifier(settings), records)
    except WirebriefError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc
    render(result)
