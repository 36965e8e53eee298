"""`wirebrief eval classify`: top-category accuracy on any labelled JSONL set, labels mapped to our slugs.

The classifier predicts its top slug among *all* taxonomy slugs; a prediction counts as right when it is
one of the slugs the item's label maps to (``--map FILE``; by default :data:`BBC_TO_SLUGS`, stated in
``docs/taxonomy.md``). A slug outside every mapped set (``health``, ``general-news``, ...) is wrong
whatever the label. Items whose label the map does not name are left out (and counted).

``--fields`` scores short inputs: ``title``, ``title,lead`` (the title and the text's first sentence) or
``text`` (the title and the full text). ``--split tune|test`` keeps one fixed half of the set (by the
SHA-1 of the item id, :func:`wirebrief.classify.training.split_of`): the classifier's head learnt from
the BBC tune half, so BBC figures are reported on the test half.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wirebrief.evaluation import eval_app
from wirebrief.evaluation.output import JsonFlag, PredictionsFile, emit_figures, write_predictions

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

FIELDS = ("text", "title,lead", "title")
"""What of each item is classified: title + full text, title + first sentence, title alone."""

SPLITS = ("all", "tune", "test")


@dataclass(frozen=True, slots=True)
class ClassifyResult:
    labels: tuple[str, ...]  # gold classes, in table order
    gold: tuple[str, ...]
    predicted_slugs: tuple[str, ...]
    seconds: float
    mapping: Mapping[str, frozenset[str]] = field(default_factory=lambda: BBC_TO_SLUGS)
    ids: tuple[str, ...] = ()
    skipped: int = 0  # items whose label the map does not name

    @property
    def predicted_classes(self) -> tuple[str, ...]:
        return tuple(slug_to_class(s, self.mapping) for s in self.predicted_slugs)

    @property
    def accuracy(self) -> float:
        pairs = list(zip(self.gold, self.predicted_slugs, strict=True))
        return sum(s in self.mapping[g] for g, s in pairs) / len(pairs) if pairs else 0.0

    @property
    def macro_f1(self) -> float:
        from sklearn.metrics import f1_score

        # Predictions in "other" count against recall of their gold class and no class's precision.
        # Only labels present in the gold data are averaged (a --limit run may hold fewer).
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


def slug_to_class(slug: str, mapping: Mapping[str, frozenset[str]] = BBC_TO_SLUGS) -> str:
    """The first label (in map order) that accepts ``slug``; :data:`OTHER` when none does."""
    for label, slugs in mapping.items():
        if slug in slugs:
            return label
    return OTHER


def read_labelled(path: Path) -> Iterator[dict[str, Any]]:
    """Records (``id``, ``category``, ``title``, ``text``) of a ``.jsonl`` or ``.jsonl.gz`` file; ``label``
    is read as ``category`` and a missing ``id`` becomes the line number."""
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
                if isinstance(record, dict) and "category" not in record and "label" in record:
                    record["category"] = record["label"]
                if not isinstance(record, dict) or not {"category", "text"} <= record.keys():
                    raise InputError(
                        f"{path}:line {number}", "a record needs 'category' (or 'label') and 'text'"
                    )
                record.setdefault("id", str(number))
                yield record
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from exc


read_bbc = read_labelled  # the name the bench and older callers use


def read_mapping(path: Path, slugs: Sequence[str]) -> dict[str, frozenset[str]]:
    """A label map file (YAML or JSON object): each dataset label to one slug or a list of slugs."""
    import yaml

    from wirebrief.errors import InputError

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"not valid YAML or JSON ({exc})") from exc
    if not isinstance(raw, dict) or not raw:
        raise InputError(str(path), "expected a mapping from dataset labels to our slugs")
    mapping: dict[str, frozenset[str]] = {}
    for label, target in raw.items():
        targets = [target] if isinstance(target, str) else target
        if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
            raise InputError(str(path), f"label {label!r}: expected a slug or a list of slugs")
        unknown = sorted(set(targets) - set(slugs))
        if unknown:
            raise InputError(str(path), f"label {label!r}: unknown slug(s) {', '.join(unknown)}")
        mapping[str(label)] = frozenset(targets)
    return mapping


def item_input(record: Mapping[str, Any], fields: str) -> tuple[str, str]:
    """The (title, text) classified for ``fields`` (one of :data:`FIELDS`)."""
    from wirebrief.classify.training import lead_sentence

    title, text = str(record.get("title") or ""), str(record["text"])
    if fields == "title":
        return title, ""
    if fields == "title,lead":
        return title, lead_sentence(text)
    return title, text


def evaluate(
    classifier: Classifier,
    records: Sequence[Mapping[str, Any]],
    *,
    mapping: Mapping[str, frozenset[str]] = BBC_TO_SLUGS,
    fields: str = "text",
) -> ClassifyResult:
    known = [r for r in records if str(r["category"]) in mapping]
    inputs = [item_input(r, fields) for r in known]
    started = time.perf_counter()
    predicted = tuple(classifier.top(title, text) for title, text in inputs)
    seconds = time.perf_counter() - started
    return ClassifyResult(
        labels=tuple(mapping),
        gold=tuple(str(r["category"]) for r in known),
        predicted_slugs=predicted,
        seconds=seconds,
        mapping=mapping,
        ids=tuple(str(r["id"]) for r in known),
        skipped=len(records) - len(known),
    )


def figures(result: ClassifyResult, *, data: Path, fields: str, split: str, method: str) -> dict[str, Any]:
    """The figures of a run as one JSON-ready object (``--json``)."""
    return {
        "data": str(data),
        "fields": fields,
        "split": split,
        "method": method,
        "items": len(result.gold),
        "skipped": result.skipped,
        "accuracy": round(result.accuracy, 4),
        "macro_f1": round(result.macro_f1, 4),
        "confusion": {gold: dict(row) for gold, row in result.confusion().items()},
        "other_by_slug": dict(sorted(result.unmapped().items(), key=lambda i: (-i[1], i[0]))),
        "seconds": round(result.seconds, 3),
        "items_per_second": round(len(result.gold) / result.seconds, 1) if result.seconds > 0 else None,
    }


def prediction_rows(result: ClassifyResult) -> Iterator[dict[str, str]]:
    """One row per item for ``--predictions``: its id, gold label, predicted label and predicted slug."""
    rows = zip(result.ids, result.gold, result.predicted_classes, result.predicted_slugs, strict=True)
    for item_id, gold, predicted, slug in rows:
        yield {"id": item_id, "gold": gold, "predicted": predicted, "slug": slug}


def render(result: ClassifyResult, *, fields: str = "text", split: str = "all", method: str = "") -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    count = len(result.gold)
    rate = count / result.seconds if result.seconds > 0 else float("inf")
    console.print(
        f"[bold]classify[/] ({method or 'classifier'}; fields={fields}, split={split})  items={count}  "
        f"accuracy={result.accuracy:.4f}  macro-F1={result.macro_f1:.4f}  "
        f"({result.seconds:.1f} s, {rate:.0f} items/s)"
        + (f"  [{result.skipped} items with unmapped labels left out]" if result.skipped else "")
    )
    table = Table(title="Confusion matrix (rows: gold label, columns: predicted, mapped back)")
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
    data: Annotated[
        Path, typer.Option(help="Labelled JSONL(.gz): id, category (or label), title, text.")
    ] = Path("../shared/eval/bbc-news/bbc_news.jsonl.gz"),
    map_file: Annotated[
        Path | None,
        typer.Option("--map", help="YAML/JSON map from the set's labels to our slugs (default: BBC News)."),
    ] = None,
    fields: Annotated[str, typer.Option(help="What is classified: text, title,lead or title.")] = "text",
    split: Annotated[str, typer.Option(help="all, or the fixed tune/test half (SHA-1 of the id).")] = "all",
    lexicon_only: Annotated[
        bool, typer.Option("--lexicon-only", help="Score with the keyword lexicons alone (the old method).")
    ] = False,
    config: Annotated[Path | None, typer.Option(help="Settings file (YAML or TOML).")] = None,
    limit: Annotated[int, typer.Option(help="Use only the first N items (0 = all).")] = 0,
    as_json: JsonFlag = False,
    predictions: PredictionsFile = None,
) -> None:
    """Accuracy, macro-F1 and a confusion matrix of the top category on a labelled set."""
    from wirebrief.classify import Classifier
    from wirebrief.classify.training import split_of
    from wirebrief.errors import InputError, WirebriefError
    from wirebrief.settings import load_settings

    try:
        if fields not in FIELDS:
            raise InputError("--fields", f"{fields!r} is not one of {', '.join(FIELDS)}")
        if split not in SPLITS:
            raise InputError("--split", f"{split!r} is not one of {', '.join(SPLITS)}")
        settings = load_settings(config)
        classifier = Classifier(settings, semantic=not lexicon_only)
        mapping = read_mapping(map_file, classifier.taxonomy.slugs) if map_file else BBC_TO_SLUGS
        records = [r for r in read_labelled(data) if split == "all" or split_of(str(r["id"])) == split]
        if limit > 0:
            records = records[:limit]
        result = evaluate(classifier, records, mapping=mapping, fields=fields)
        write_predictions(predictions, prediction_rows(result))
    except WirebriefError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc
    if as_json:
        emit_figures(figures(result, data=data, fields=fields, split=split, method=classifier.method))
    else:
        render(result, fields=fields, split=split, method=classifier.method)
