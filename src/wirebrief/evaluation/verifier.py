"""`wirebrief eval verifier`: how well the verifier tells supported sentences from subtly wrong ones.

The labelled set (``data/eval/verifier.jsonl``, written by hand for this project) holds brief-style
sentences with the report sentences or reference records they cite, each labelled supported or not and,
when not, with the kind of error it carries (a wrong number, actor, date, a flipped negation, a
misattributed quote, added advice or speculation, an invented detail, ...). Each item is turned into
real records (articles, report sentences, facts) and judged by :meth:`Verifier.check`.

"Positive" is *supported*: precision on supported is the share of sentences the verifier lets through
that deserve it, the figure that matters most, since a sentence let through is published.

The set is split into two halves, *dev* and *held-out*, by a hash of each item's group (the id up to
its last "-": "v021-05" is in group "v021"). Items of one group share their cited material, so a whole
group falls in one half, and a rule tuned on a dev group cannot be rewarded by its siblings in
held-out. Rules and thresholds are developed on dev only; held-out shows whether they carry over.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from wirebrief.evaluation import eval_app
from wirebrief.evaluation.output import JsonFlag, PredictionsFile, emit_figures, write_predictions

if TYPE_CHECKING:
    from wirebrief.records import Article, BriefSentence, Fact, ReportSentence
    from wirebrief.verify import Verifier

ERROR_TYPES = (
    "none",
    "number",
    "actor",
    "date",
    "negation",
    "attribution",
    "tense",
    "advice",
    "speculation",
    "unsupported-detail",
    "quote",
    "entity",
)
"""The error labels of the set; ``none`` marks a supported sentence."""

DEFAULT_OUTLET = "Newsroom"
"""Outlet of a cited report sentence whose item names none."""

DEFAULT_PUBLISHED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
"""Publication time of a cited report sentence whose item gives none."""

Half = Literal["dev", "held-out"]
HALVES: tuple[Half, ...] = ("dev", "held-out")


def item_group(item_id: str) -> str:
    """The group of an item: its id up to the last "-" ("v021-05" → "v021"), or the id itself."""
    return item_id.rsplit("-", 1)[0] if "-" in item_id else item_id


def item_half(item_id: str) -> Half:
    """The half an item belongs to: the parity of the SHA-256 of its group; stable across runs."""
    digest = hashlib.sha256(item_group(item_id).encode("utf-8")).digest()
    return "dev" if digest[-1] % 2 == 0 else "held-out"


@dataclass(frozen=True, slots=True)
class CitedItem:
    kind: Literal["sentence", "fact"]
    text: str
    outlet: str | None = None
    published: datetime | None = None  # for a fact: the date it was set (``as_of``)


@dataclass(frozen=True, slots=True)
class VerifierItem:
    id: str
    sentence: str
    cited: tuple[CitedItem, ...]
    supported: bool
    error: str


@dataclass(frozen=True, slots=True)
class BinaryMetrics:
    """Counts and rates with *supported* as the positive class."""

    true_supported: int  # supported, kept
    false_supported: int  # unsupported, kept (published in error)
    true_rejected: int  # unsupported, dropped
    false_rejected: int  # supported, dropped (lost in error)

    @property
    def precision(self) -> float:
        kept = self.true_supported + self.false_supported
        return self.true_supported / kept if kept else 0.0

    @property
    def recall(self) -> float:
        supported = self.true_supported + self.false_rejected
        return self.true_supported / supported if supported else 0.0

    @property
    def specificity(self) -> float:
        """Share of unsupported sentences that are dropped."""
        unsupported = self.true_rejected + self.false_supported
        return self.true_rejected / unsupported if unsupported else 0.0

    @property
    def balanced_accuracy(self) -> float:
        return (self.recall + self.specificity) / 2


def binary_metrics(gold: Sequence[bool], predicted: Sequence[bool]) -> BinaryMetrics:
    """Confusion counts of ``predicted`` (verifier kept it) against ``gold`` (it is supported)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} labels but {len(predicted)} predictions")
    pairs = Counter(zip(gold, predicted, strict=True))
    return BinaryMetrics(
        true_supported=pairs[True, True],
        false_supported=pairs[False, True],
        true_rejected=pairs[False, False],
        false_rejected=pairs[True, False],
    )


def _parse_time(value: Any, where: str) -> datetime | None:
    from wirebrief.errors import InputError

    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(where, f"'published' is not an ISO date or time: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_item(record: Any, where: str) -> VerifierItem:
    from wirebrief.errors import InputError

    if not isinstance(record, dict):
        raise InputError(where, "an item must be a JSON object")
    missing = {"id", "sentence", "cited", "supported", "error"} - record.keys()
    if missing:
        raise InputError(where, f"missing field(s) {', '.join(sorted(missing))}")
    if record["error"] not in ERROR_TYPES:
        raise InputError(
            where, f"unknown error type {record['error']!r}; use one of {', '.join(ERROR_TYPES)}"
        )
    if not isinstance(record["supported"], bool) or record["supported"] != (record["error"] == "none"):
        raise InputError(where, "'supported' must be true exactly when 'error' is 'none'")
    if not isinstance(record["cited"], list) or not record["cited"]:
        raise InputError(where, "'cited' must be a non-empty list")
    cited = []
    for entry in record["cited"]:
        if (
            not isinstance(entry, dict)
            or entry.get("kind") not in {"sentence", "fact"}
            or not entry.get("text")
        ):
            raise InputError(where, "each cited entry needs 'kind' (sentence or fact) and 'text'")
        cited.append(
            CitedItem(
                kind=entry["kind"],
                text=str(entry["text"]),
                outlet=str(entry["outlet"]) if entry.get("outlet") else None,
                published=_parse_time(entry.get("published"), where),
            )
        )
    return VerifierItem(
        id=str(record["id"]),
        sentence=str(record["sentence"]),
        cited=tuple(cited),
        supported=record["supported"],
        error=str(record["error"]),
    )


def read_items(path: Path | None = None) -> list[VerifierItem]:
    """The labelled items of ``path`` (JSONL), or of the bundled set when ``path`` is None."""
    from wirebrief.errors import InputError

    if path is None:
        source = resources.files("wirebrief") / "data" / "eval" / "verifier.jsonl"
        name = "bundled verifier set"
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(name, f"cannot read ({exc})") from exc
    else:
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(name, f"cannot read ({exc.strerror or exc})") from exc
    items = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name}:line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON: {exc.msg}") from exc
        item = parse_item(record, where)
        if item.id in seen:
            raise InputError(where, f"duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    return items


def item_records(
    item: VerifierItem,
) -> tuple[BriefSentence, dict[str, ReportSentence], dict[str, Article], dict[str, Fact]]:
    """The brief sentence of ``item`` and the records its citations resolve to."""
    from wirebrief.records import (
        Article,
        BriefPart,
        BriefSentence,
        Citation,
        Fact,
        ReportSentence,
        content_hash,
    )

    citations: list[Citation] = []
    sentences: dict[str, ReportSentence] = {}
    articles: dict[str, Article] = {}
    facts: dict[str, Fact] = {}
    for number, cited in enumerate(item.cited):
        if cited.kind == "sentence":
            article_id = f"{item.id}-a{number}"
            article = Article(
                id=article_id,
                outlet=cited.outlet or DEFAULT_OUTLET,
                title="",
                text=cited.text,
                published=cited.published or DEFAULT_PUBLISHED,
                language="en",
                content_hash=content_hash(cited.text),
                source="eval:verifier",
            )
            sentence = ReportSentence(ReportSentence.make_id(article_id, 0), article_id, 0, cited.text)
            articles[article_id] = article
            sentences[sentence.id] = sentence
            citations.append(Citation("sentence", sentence.id))
        else:
            fact = Fact(
                id=f"{item.id}-f{number}",
                subject_id="",
                subject_name="",
                predicate="",
                value="",
                issuer="",
                source_url="",
                as_of=cited.published.date() if cited.published else None,
                retrieved_at=date(2026, 3, 1),
                statement=cited.text,
                provider="eval:verifier",
            )
            facts[fact.id] = fact
            citations.append(Citation("fact", fact.id))
    brief_sentence = BriefSentence(BriefPart.ARTICLE, item.sentence, tuple(citations))
    return brief_sentence, sentences, articles, facts


@dataclass(frozen=True, slots=True)
class Judgement:
    item: VerifierItem
    kept: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VerifierEvalResult:
    judgements: tuple[Judgement, ...]

    @property
    def metrics(self) -> BinaryMetrics:
        return binary_metrics([j.item.supported for j in self.judgements], [j.kept for j in self.judgements])

    def by_error(self) -> dict[str, tuple[int, int]]:
        """Per error type: (items, items judged right) — kept for ``none``, dropped for the rest."""
        table: dict[str, list[int]] = {}
        for judgement in self.judgements:
            row = table.setdefault(judgement.item.error, [0, 0])
            row[0] += 1
            row[1] += judgement.kept == judgement.item.supported
        return {e: (table[e][0], table[e][1]) for e in ERROR_TYPES if e in table}

    def mistakes(self) -> list[Judgement]:
        return [j for j in self.judgements if j.kept != j.item.supported]

    def half(self, half: Half) -> VerifierEvalResult:
        """The judgements of the items in one half of the set."""
        return VerifierEvalResult(tuple(j for j in self.judgements if item_half(j.item.id) == half))

    def figures(self) -> dict[str, object]:
        """The counts and rates of the whole set (``--json``)."""
        m = self.metrics
        return {
            "items": len(self.judgements),
            "balanced_accuracy": m.balanced_accuracy,
            "precision": m.precision,
            "recall": m.recall,
            "unsupported_dropped": m.specificity,
            "true_supported": m.true_supported,
            "false_supported": m.false_supported,
            "true_rejected": m.true_rejected,
            "false_rejected": m.false_rejected,
        }


def evaluate(items: Iterable[VerifierItem], verifier: Verifier | None = None) -> VerifierEvalResult:
    from wirebrief.verify import Verifier

    verifier = verifier or Verifier()
    judgements = []
    for item in items:
        sentence, sentences, articles, facts = item_records(item)
        verdict = verifier.check(sentence, sentences, articles, facts)
        judgements.append(Judgement(item, verdict.supported, verdict.reasons))
    return VerifierEvalResult(tuple(judgements))


def render(
    result: VerifierEvalResult, show_mistakes: bool, half: Half | None = None, *, as_json: bool = False
) -> None:
    """Figures of the whole set and of each half; the error table and mistakes of ``half`` (or all).
    With ``as_json``, the same figures as one JSON object on stdout instead."""
    from rich.table import Table

    if as_json:
        scoped = result.half(half) if half is not None else result
        emit_figures(
            {
                "eval": "verifier",
                **result.figures(),
                "halves": {name: result.half(name).figures() for name in HALVES},
                "by_error": {
                    error: {"items": count, "right": right}
                    for error, (count, right) in scoped.by_error().items()
                },
                "by_error_half": half,
            }
        )
        return
    from rich.console import Console

    console = Console()
    m = result.metrics
    console.print(
        f"[bold]verifier[/] items={len(result.judgements)}  balanced accuracy={m.balanced_accuracy:.4f}  "
        f"precision(supported)={m.precision:.4f}  recall(supported)={m.recall:.4f}  "
        f"unsupported dropped={m.specificity:.4f}"
    )
    console.print(
        f"kept: {m.true_supported} supported, {m.false_supported} unsupported (published in error); "
        f"dropped: {m.true_rejected} unsupported, {m.false_rejected} supported (lost)"
    )
    halves = Table(
        title="By half of the set (dev: rules developed on it; held-out: not used for that)",
        caption="precision and recall are on supported",
    )
    for column in ("half", "items", "balanced accuracy", "precision", "recall"):
        halves.add_column(column, justify="left" if column == "half" else "right")
    for name, part in [(h, result.half(h)) for h in HALVES] + [("all", result)]:
        pm = part.metrics
        halves.add_row(
            name,
            str(len(part.judgements)),
            f"{pm.balanced_accuracy:.4f}",
            f"{pm.precision:.4f}",
            f"{pm.recall:.4f}",
        )
    console.print(halves)
    if half is not None:
        result = result.half(half)
    scope = f" — {half} half" if half else ""
    table = Table(title=f"By error type{scope} (right = kept when supported, dropped otherwise)")
    table.add_column("error type", style="bold")
    table.add_column("items", justify="right")
    table.add_column("right", justify="right")
    table.add_column("share right", justify="right")
    for error, (count, right) in result.by_error().items():
        table.add_row(error, str(count), str(right), f"{right / count:.3f}" if count else "-")
    console.print(table)
    if show_mistakes:
        mistakes = Table(title=f"Mistakes{scope}")
        mistakes.add_column("id")
        mistakes.add_column("error")
        mistakes.add_column("sentence")
        mistakes.add_column("verifier said")
        for judgement in result.mistakes():
            said = "; ".join(judgement.reasons) if judgement.reasons else "supported"
            mistakes.add_row(judgement.item.id, judgement.item.error, judgement.item.sentence, said)
        console.print(mistakes)


@eval_app.command("verifier")
def verifier_command(
    data: Annotated[
        Path | None,
        typer.Option(help="Labelled set (JSONL); default is the bundled data/eval/verifier.jsonl."),
    ] = None,
    show_mistakes: Annotated[bool, typer.Option(help="List every item the verifier judged wrong.")] = False,
    half: Annotated[
        str | None,
        typer.Option(help="Limit the error table and the mistakes to one half: dev or held-out."),
    ] = None,
    similarity: Annotated[
        str,
        typer.Option(
            help="Similarity check: lexical (coverage share, the default) or dense (also an embedding "
            "model's cosine; needs the `dense` extra)."
        ),
    ] = "lexical",
    as_json: JsonFlag = False,
    predictions: PredictionsFile = None,
) -> None:
    """Balanced accuracy, precision on supported and a per-error-type table of the verifier."""
    from wirebrief.errors import WirebriefError

    if half is not None and half not in HALVES:
        typer.echo(f"error: --half must be one of {', '.join(HALVES)}, not {half!r}", err=True)
        raise typer.Exit(2)
    try:
        from wirebrief.verify import Verifier, similarity_backend

        result = evaluate(read_items(data), Verifier(similarity=similarity_backend(similarity)))
    except WirebriefError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc
    # Gold and predicted as "supported" or "unsupported": kept by the verifier, or dropped.
    write_predictions(
        predictions,
        (
            {
                "id": j.item.id,
                "gold": "supported" if j.item.supported else "unsupported",
                "predicted": "supported" if j.kept else "unsupported",
                "error": j.item.error,
                "reasons": list(j.reasons),
            }
            for j in result.judgements
        ),
    )
    render(result, show_mistakes, "dev" if half == "dev" else "held-out" if half else None, as_json=as_json)


__all__ = [
    "ERROR_TYPES",
    "HALVES",
    "BinaryMetrics",
    "CitedItem",
    "Judgement",
    "VerifierEvalResult",
    "VerifierItem",
    "binary_metrics",
    "evaluate",
    "item_half",
    "item_records",
    "parse_item",
    "read_items",
]
