"""`wirebrief eval entities`: mention detection and linking against our hand-labelled set.

The labelled set (``data/eval/entities.jsonl``) names each mention by its report's URL, the sentence
text, the character offsets in that sentence (and in the normalised article text), the surface string,
the expected label and the expected canonical id, or null where the thing has no id in our id space
(``wb:``, ``iso3166:``, ``geonames:`` cities of 15,000 people or more and US states). It was written
by reading the bundled sample reports, not from the system's output.

The command runs the real stages on ``samples/news``: ingest, normalise, then the Extractor. Only the six
name labels are scored (PERSON, ORG, GPE, LOC, NORP, FAC); dates and numbers are out of scope. Spans
are compared after trimming a leading "the" and a trailing possessive "'s", because style guides
differ on both and neither changes what is named.

* **Detection**: a system mention is right when its span equals a labelled span.
* **Linking**: over mentions with an id (labelled or predicted), a system mention is right when its span
  and its id both equal a labelled mention's.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wirebrief.errors import InputError
from wirebrief.evaluation import eval_app
from wirebrief.evaluation.output import JsonFlag, PredictionsFile, emit_figures, write_predictions

if TYPE_CHECKING:
    from wirebrief.records import Article

SCORED_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True, slots=True)
class LabelledMention:
    url: str
    sentence: str
    start: int  # in the sentence
    end: int
    text: str
    label: str
    entity_id: str | None


@dataclass(frozen=True, slots=True)
class SpanKey:
    """Where a mention is: report, sentence and trimmed offsets."""

    url: str
    sentence: str
    start: int
    end: int


def trimmed_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without a leading "the " or a trailing "'s"."""
    text = sentence[start:end]
    lead = _LEADING_THE.match(text)
    if lead is not None and lead.end() < len(text):
        start += lead.end()
        text = text[lead.end() :]
    tail = _POSSESSIVE.search(text)
    if tail is not None and tail.start() > 0:
        end -= len(text) - tail.start()
    return start, end


def load_labelled(path: Path | None = None) -> list[LabelledMention]:
    """The labelled mentions (default: the bundled set); every row is checked against its sentence."""
    if path is None:
        item = resources.files("wirebrief") / "data" / "eval" / "entities.jsonl"
        raw, origin = item.read_text("utf-8"), "wirebrief/data/eval/entities.jsonl"
    else:
        try:
            raw, origin = path.read_text("utf-8"), str(path)
        except OSError as exc:
            raise InputError(str(path), f"cannot read the labelled set ({exc.strerror or exc})") from exc
    mentions = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row: dict[str, Any] = json.loads(line)
            mention = LabelledMention(
                url=str(row["url"]),
                sentence=str(row["sentence"]),
                start=int(row["start"]),
                end=int(row["end"]),
                text=str(row["text"]),
                label=str(row["label"]),
                entity_id=None if row.get("entity_id") is None else str(row["entity_id"]),
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{origin}:line {number}", f"not a labelled mention ({exc})") from exc
        if mention.sentence[mention.start : mention.end] != mention.text:
            raise InputError(f"{origin}:line {number}", f"offsets do not give {mention.text!r}")
        mentions.append(mention)
    return mentions


@dataclass(frozen=True, slots=True)
class PredictedMention:
    url: str
    sentence: str
    start: int
    end: int
    text: str
    label: str
    entity_id: str | None


@dataclass(frozen=True, slots=True)
class Score:
    true_positives: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class EntityEvalResult:
    detection: Score
    linking: Score
    label_agreement: tuple[int, int]  # matched spans with the same label, matched spans
    errors: Mapping[str, int]  # error type -> count
    examples: Mapping[str, tuple[str, ...]]  # error type -> a few "surface (expected → got)" examples


def _key(url: str, sentence: str, start: int, end: int) -> SpanKey:
    a, b = trimmed_span(sentence, start, end)
    return SpanKey(url, sentence, a, b)


def score_mentions(
    labelled: Sequence[LabelledMention], predicted: Iterable[PredictedMention]
) -> EntityEvalResult:
    """Detection and linking scores of ``predicted`` (already limited to the labelled reports)."""
    gold = {_key(m.url, m.sentence, m.start, m.end): m for m in labelled}
    system: dict[SpanKey, PredictedMention] = {}
    for m in predicted:
        if m.label in SCORED_LABELS:
            system.setdefault(_key(m.url, m.sentence, m.start, m.end), m)
    matched = gold.keys() & system.keys()
    detection = Score(len(matched), len(system), len(gold))
    gold_linked = {k for k, m in gold.items() if m.entity_id is not None}
    system_linked = {k for k, m in system.items() if m.entity_id is not None}
    linked_right = {k for k in gold_linked & system_linked if gold[k].entity_id == system[k].entity_id}
    linking = Score(len(linked_right), len(system_linked), len(gold_linked))
    same_label = sum(gold[k].label == system[k].label for k in matched)

    errors: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}

    def note(kind: str, example: str) -> None:
        errors[kind] += 1
        examples.setdefault(kind, [])
        if len(examples[kind]) < 6:
            examples[kind].append(example)

    def overlaps(key: SpanKey, others: Iterable[SpanKey]) -> bool:
        return any(
            o.url == key.url and o.sentence == key.sentence and o.start < key.end and key.start < o.end
            for o in others
        )

    for key in sorted(gold.keys() - matched, key=lambda k: (k.url, k.sentence, k.start)):
        missed = gold[key]
        kind = "missed: wrong span" if overlaps(key, system.keys()) else "missed: not detected"
        note(kind, f"{missed.text} [{missed.label}]")
    for key in sorted(system.keys() - matched, key=lambda k: (k.url, k.sentence, k.start)):
        p = system[key]
        if not overlaps(key, gold.keys()):
            note("spurious mention", f"{p.text} [{p.label}]")
    for key in sorted(matched, key=lambda k: (k.url, k.sentence, k.start)):
        expected, got = gold[key].entity_id, system[key].entity_id
        if expected == got:
            continue
        if expected is None:
            kind = "linked a name that has no id"
        elif got is None:
            kind = "left unlinked"
        else:
            kind = "linked to the wrong id"
        note(kind, f"{gold[key].text} ({expected} → {got})")
    return EntityEvalResult(
        detection=detection,
        linking=linking,
        label_agreement=(same_label, len(matched)),
        errors=dict(sorted(errors.items())),
        examples={k: tuple(v) for k, v in sorted(examples.items())},
    )


def mention_rows(
    labelled: Sequence[LabelledMention], predicted: Iterable[PredictedMention]
) -> list[dict[str, object]]:
    """One row per span that gold or the extractor marks (spans keyed as :func:`score_mentions` keys
    them): ``gold`` and ``predicted`` are ``{"label", "entity_id"}``, or None where that side has none."""
    gold = {_key(m.url, m.sentence, m.start, m.end): m for m in labelled}
    system: dict[SpanKey, PredictedMention] = {}
    for m in predicted:
        if m.label in SCORED_LABELS:
            system.setdefault(_key(m.url, m.sentence, m.start, m.end), m)
    rows: list[dict[str, object]] = []
    for key in sorted(gold.keys() | system.keys(), key=lambda k: (k.url, k.sentence, k.start, k.end)):
        g, p = gold.get(key), system.get(key)
        rows.append(
            {
                "id": f"{key.url}#{_sentence_digest(key.sentence)}:{key.start}-{key.end}",
                "url": key.url,
                "sentence": key.sentence,
                "start": key.start,
                "end": key.end,
                "text": key.sentence[key.start : key.end],
                "gold": None if g is None else {"label": g.label, "entity_id": g.entity_id},
                "predicted": None if p is None else {"label": p.label, "entity_id": p.entity_id},
            }
        )
    return rows


def _sentence_digest(text: str) -> str:
    """A short stable name of a sentence, so a span's id stays short and unique."""
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def run_extractor(urls: Iterable[str], samples: Path | None = None) -> list[PredictedMention]:
    """Ingest and normalise the bundled sample reports, extract the ones at ``urls`` (first copy of each)."""
    from wirebrief.extract import Extractor
    from wirebrief.ingest import read_reports
    from wirebrief.normalise import normalise
    from wirebrief.settings import Settings

    settings = Settings.model_validate({})
    location = (
        samples if samples is not None else Path(str(resources.files("wirebrief") / "samples" / "news"))
    )
    raws, _problems = read_reports(str(location), settings=settings)
    wanted = set(urls)
    articles: dict[str, Article] = {}
    for raw in raws:
        article = normalise(raw, settings)
        if article.url is not None and article.url in wanted:
            articles.setdefault(article.url, article)
    missing = sorted(wanted - articles.keys())
    if missing:
        raise InputError(str(location), f"no sample report has the URL {missing[0]}")
    ordered = [articles[url] for url in sorted(articles)]
    extractor = Extractor(settings)
    predicted = []
    for url, extraction in zip(sorted(articles), extractor.extract_many(ordered), strict=True):
        sentences = {s.id: s.text for s in extraction.sentences}
        for mention in extraction.mentions:
            predicted.append(
                PredictedMention(
                    url=url,
                    sentence=sentences[mention.sentence_id],
                    start=mention.start,
                    end=mention.end,
                    text=mention.text,
                    label=mention.label,
                    entity_id=mention.entity_id,
                )
            )
    return predicted


def _row(name: str, score: Score) -> str:
    return (
        f"{name:<10} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f}"
        f"   ({score.true_positives} right, {score.predicted} predicted, {score.expected} labelled)"
    )


@eval_app.command("entities")
def entities_command(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Labelled mentions (JSONL); default: the bundled set."),
    ] = None,
    as_json: JsonFlag = False,
    predictions: PredictionsFile = None,
) -> None:
    """Mention detection and entity-linking precision/recall/F1 on the bundled sample reports."""
    labelled = load_labelled(data)
    predicted = run_extractor({m.url for m in labelled})
    result = score_mentions(labelled, predicted)
    reports = len({m.url for m in labelled})
    write_predictions(predictions, mention_rows(labelled, predicted))
    if as_json:
        same, matched = result.label_agreement
        emit_figures(
            {
                "eval": "entities",
                "labelled_mentions": len(labelled),
                "reports": reports,
                **{
                    name: {
                        "precision": score.precision,
                        "recall": score.recall,
                        "f1": score.f1,
                        "true_positives": score.true_positives,
                        "predicted": score.predicted,
                        "expected": score.expected,
                    }
                    for name, score in (("detection", result.detection), ("linking", result.linking))
                },
                "label_agreement": {"same": same, "matched": matched},
                "errors": dict(result.errors),
            }
        )
        return
    typer.echo(f"{len(labelled)} labelled mentions in {reports} sample reports")
    typer.echo(f"{'':<10} {'precision':>9} {'recall':>7} {'F1':>6}")
    typer.echo(_row("detection", result.detection))
    typer.echo(_row("linking", result.linking))
    same, matched = result.label_agreement
    typer.echo(f"label agreement on detected spans: {same}/{matched}")
    if result.errors:
        typer.echo("errors:")
        for kind, count in result.errors.items():
            typer.echo(f"  {kind}: {count}  e.g. {'; '.join(result.examples[kind])}")
