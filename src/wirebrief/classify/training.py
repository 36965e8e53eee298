"""Fit the classifier's head (``data/taxonomy/classify-head.npz``) reproducibly; build time only.

Run: ``python -m wirebrief.classify.training --bbc ../shared/eval/bbc-news/bbc_news.jsonl.gz``.

What it learns from, and nothing else:

* the taxonomy itself: each category's label with its definition, each example, each strong or medium
  keyword and each IPTC label, as short pseudo-reports (every slug, the fallback included);
* :data:`NEUTRAL_TEXTS`, human-interest and housekeeping lines written for wirebrief, as the fallback's
  further examples;
* the *tune* half of the BBC News set (:func:`split_of`: the SHA-1 of the article id is even), each article
  three times: title + full text, title + first sentence, title alone. The *test* half is never read
  here; ``wirebrief eval classify --split test`` reports on it.

scikit-learn's logistic regression (lbfgs, deterministic) fits the weights; running them needs numpy only.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import simplemma

from wirebrief.classify.semantic import Head, softmax

if TYPE_CHECKING:
    from numpy.typing import NDArray

BBC_TRAINING_SLUG: Mapping[str, str] = {
    "business": "business-and-economy",
    "entertainment": "arts-and-entertainment",
    "politics": "politics",
    "sport": "sports",
    "tech": "technology",
}
"""The one slug a BBC tune-half article teaches (its label may accept more in evaluation)."""

SOURCE_WEIGHTS: Mapping[str, float] = {"taxonomy": 1.0, "neutral": 5.0, "bbc-tune": 1.0}
"""Sample weights. Few neutral texts are written, and they stand for every report that names no topic."""

LEXICON_WEIGHT = 2.0
"""Weight of ``ln(1 + mass)`` in a category's logit (best of 2, 3, 4 on two folds of the tune half for
title + first sentence; see docs/taxonomy.md for how the final choice was made)."""

REGULARISATION_C = 1.0
"""Inverse regularisation strength of the embedding weights. Weaker (C = 10) let the BBC's sport and
business vocabulary outvote a report's own keywords (a rail strike scored as sport)."""

NEUTRAL_TEXTS: tuple[str, ...] = (
    "This story is being updated.",
    "Read the full story on our website.",
    "Click here to subscribe to our newsletter.",
    "The council has published its bin collection dates for the holidays.",
    "Residents gathered in the square for the annual summer fete.",
    "A pensioner celebrated her hundredth birthday with family and friends.",
    "A lost dog was reunited with its owners after three days.",
    "The town's oldest pub reopened after a refurbishment.",
    "Photos: readers share their pictures of the week.",
    "A couple who met at school marked their diamond wedding anniversary.",
    "Volunteers planted flowers along the high street.",
    "The local library is holding a coffee morning on Saturday.",
    "Here is what happened today, in brief.",
    "A cat stuck up a tree for two days was finally coaxed down by neighbours.",
    "The school's former pupils held a reunion forty years after they left.",
    "Thousands of people enjoyed the bank holiday at the seaside.",
    "A man found a message in a bottle that had been thrown into the sea in 1985.",
    "The village post office has a new owner.",
    "A giant pumpkin weighing 500 kilograms won first prize at the county show.",
    "Twins born on different days celebrated their birthday together.",
    "The annual duck race raised money for the local hospice.",
    "Share your stories with us using the form below.",
    "Sign up for our morning briefing.",
    "Listen to the latest episode of our podcast.",
    "Corrections and clarifications.",
    "Letters to the editor.",
    "A round-up of the day's main stories.",
    "Pictures of the day.",
    "The bridge will be lit up in blue on Friday evening.",
    "A retired teacher has knitted hats for every baby born at the maternity unit.",
    "Neighbours came together to repaint the community hall.",
    "A family found a rare coin in their garden.",
    "The clock tower chimed again after years of silence.",
    "Developing story.",
    "Breaking news.",
    "Refresh this page for the latest.",
    "Live updates.",
    "Details are still emerging.",
    "We will bring you more as we get it.",
    "Editor's note.",
    "In brief.",
)
"""Texts that name no topic, written for wirebrief: the fallback category's further examples."""


@dataclass(frozen=True, slots=True)
class Example:
    title: str
    text: str
    slug: str
    source: str  # "taxonomy", "neutral" or "bbc-tune"
    ident: str = ""  # the item id (BBC examples)


def _fold(example: Example) -> int:
    return int(hashlib.md5(example.ident.encode("utf-8")).hexdigest(), 16) % 2


def split_of(record_id: str) -> str:
    """``"tune"`` or ``"test"``: a fixed half of any labelled set, decided by the SHA-1 of the item id."""
    return "tune" if int(hashlib.sha1(record_id.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "test"


def lead_sentence(text: str) -> str:
    """The first sentence of a report's text (its lead), or the text's first line when it has none."""
    first = next((line for line in text.strip().splitlines() if line.strip()), "")
    sentences = simplemma.split_sentences(first, lang="en") if first else []
    return str(sentences[0]).strip() if sentences else first.strip()


def taxonomy_examples(taxonomy: Any) -> list[Example]:
    examples = []
    for category in taxonomy.categories:
        pieces = [f"{category.label}. {category.definition}", *category.examples]
        pieces += [entry for entry, weight in category.keywords.items() if weight >= 2.0]
        pieces += [topic.label for topic in category.iptc]
        examples += [Example("", piece, category.slug, "taxonomy") for piece in pieces]
    examples += [Example("", text, taxonomy.fallback, "neutral") for text in NEUTRAL_TEXTS]
    return examples


def bbc_examples(records: Iterable[Mapping[str, Any]]) -> list[Example]:
    examples = []
    for record in records:
        slug = BBC_TRAINING_SLUG.get(str(record["category"]))
        if slug is None or split_of(str(record["id"])) != "tune":
            continue
        title, text = str(record.get("title") or ""), str(record["text"])
        examples += [
            Example(title, text, slug, "bbc-tune", str(record["id"])),
            Example(title, lead_sentence(text), slug, "bbc-tune", str(record["id"])),
            Example(title, "", slug, "bbc-tune", str(record["id"])),
        ]
    return examples


def _features(examples: Sequence[Example]) -> tuple[NDArray[np.float32], list[dict[str, float]]]:
    from wirebrief.classify.classifier import Classifier
    from wirebrief.classify.embedding import load_embedder
    from wirebrief.settings import load_settings

    classifier = Classifier(load_settings(), semantic=False)
    embeddings = load_embedder().embed([f"{e.title}\n{e.text}".strip() for e in examples])
    return embeddings, [classifier.lexicon_masses(e.title, e.text) for e in examples]


def fit_head(
    examples: Sequence[Example], slugs: Sequence[str], provenance: str, temperature: float = 1.0
) -> Head:
    """Embedding weights fitted on ``examples``, beside the fixed lexicon weight."""
    from sklearn.linear_model import LogisticRegression

    embeddings, _ = _features(examples)
    labels = np.array([slugs.index(e.slug) for e in examples])
    weights = np.array([SOURCE_WEIGHTS[e.source] for e in examples])
    model = LogisticRegression(C=REGULARISATION_C, max_iter=5000)
    model.fit(embeddings.astype(np.float64), labels, sample_weight=weights)
    coef = np.zeros((len(slugs), embeddings.shape[1]))
    intercept = np.full(len(slugs), -30.0)  # a slug with no example is never predicted
    coef[model.classes_] = model.coef_
    intercept[model.classes_] = model.intercept_
    return Head(tuple(slugs), coef, intercept, LEXICON_WEIGHT, temperature, provenance)


def fit_temperature(head: Head, held_out: Sequence[Example]) -> float:
    """The softmax temperature that best predicts (least log-loss) the held-out examples' slugs."""
    embeddings, masses = _features(held_out)
    logits = head.logits(embeddings, masses)
    gold = np.array([head.slugs.index(e.slug) for e in held_out])
    best: tuple[float, float] | None = None
    for temperature in np.round(np.arange(0.5, 6.01, 0.1), 2):
        probabilities = softmax(logits / temperature)
        loss = float(-np.mean(np.log(probabilities[np.arange(len(gold)), gold] + 1e-12)))
        if best is None or loss < best[0]:
            best = (loss, float(temperature))
    assert best is not None
    return best[1]


def main(argv: Sequence[str] | None = None) -> None:
    from collections import Counter

    from wirebrief.classify.taxonomy import load_taxonomy
    from wirebrief.evaluation.classify import read_labelled

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bbc", type=Path, required=True, help="BBC News JSONL(.gz): id, category, title, text"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "data" / "taxonomy" / "classify-head.npz",
    )
    args = parser.parse_args(argv)
    taxonomy = load_taxonomy()
    examples = taxonomy_examples(taxonomy) + bbc_examples(read_labelled(args.bbc))
    sources = Counter(e.source for e in examples)
    provenance = (
        f"logistic regression (C={REGULARISATION_C:g}) on {sources['taxonomy']} taxonomy "
        f"pieces, {sources['neutral']} neutral texts and {sources['bbc-tune']} BBC News tune-half items "
        f"(SHA-1 of id even; full text, title + first sentence, title); lexicon weight {LEXICON_WEIGHT:g}"
    )
    # The temperature is chosen on the tune half's own second fold, with weights fitted without it.
    fold_a = [e for e in examples if e.source != "bbc-tune" or _fold(e) == 0]
    fold_b = [e for e in examples if e.source == "bbc-tune" and _fold(e) == 1]
    temperature = fit_temperature(fit_head(fold_a, taxonomy.slugs, ""), fold_b)
    provenance += f"; temperature {temperature:g} fitted on a second fold of the tune half"
    head = fit_head(examples, taxonomy.slugs, provenance, temperature)
    head.save(args.out)
    print(f"wrote {args.out}: {provenance}")


if __name__ == "__main__":
    main()
