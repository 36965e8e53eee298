"""The classifier's head: calibrated category probabilities from a report's embedding and lexicon masses.

A category's logit is a linear function of the report's static embedding (:mod:`wirebrief.classify.embedding`,
256 numbers, unit length) plus ``lexicon_weight x ln(1 + mass)`` of that category's own keyword mass;
a softmax over every slug (the fallback included) at ``temperature`` turns the logits into probabilities
that sum to 1. The embedding carries paraphrases and words no lexicon lists; the lexicon mass, which
only ever raises its own category, carries the precise cues. Both inputs are bounded whatever the
text's length (a unit vector; the logarithm of a mass that grows slowly), and the temperature is fitted
on held-out items of every length, so a score means about the same for a headline and a full article.
The classifier scores each slug against its strongest rival (:meth:`Head.rival_scores`).

The weights are fitted by :mod:`wirebrief.classify.training` (scikit-learn, at build time only) and
shipped as ``data/taxonomy/classify-head.npz``; running the head needs numpy alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from wirebrief.errors import ConfigError

if TYPE_CHECKING:
    from numpy.typing import NDArray

HEAD_RESOURCE = "data/taxonomy/classify-head.npz"


@dataclass(frozen=True, slots=True)
class Head:
    """Weights of the head: one row of embedding weights per slug, one lexicon weight, one temperature."""

    slugs: tuple[str, ...]
    coef: NDArray[np.float64]  # (slugs, dimensions)
    intercept: NDArray[np.float64]  # (slugs,)
    lexicon_weight: float
    temperature: float
    provenance: str  # how the weights were fitted (training data, split, settings)

    def logits(
        self, embeddings: NDArray[np.float32], masses: Sequence[Mapping[str, float]]
    ) -> NDArray[np.float64]:
        """Untempered logits, one row per report (in :attr:`slugs` order)."""
        lexical = np.array([[m.get(slug, 0.0) for slug in self.slugs] for m in masses], dtype=np.float64)
        semantic = embeddings.astype(np.float64) @ self.coef.T + self.intercept
        result: NDArray[np.float64] = semantic + self.lexicon_weight * np.log1p(lexical)
        return result

    def probabilities(
        self, embeddings: NDArray[np.float32], masses: Sequence[Mapping[str, float]]
    ) -> NDArray[np.float64]:
        """One row of probabilities (in :attr:`slugs` order) per report."""
        return softmax(self.logits(embeddings, masses) / self.temperature)

    def rival_scores(
        self, embeddings: NDArray[np.float32], masses: Sequence[Mapping[str, float]]
    ) -> NDArray[np.float64]:
        """Each slug's probability against its strongest rival, one row per report (in :attr:`slugs` order).

        ``sigmoid((logit - strongest other logit) / temperature)``: the top slug scores at least 0.5 and
        its margin over the runner-up sets how far above; another slug scores p / (p + p_top) in terms
        of the softmax probabilities, so two slugs the report shares about equally both score near 0.5
        (a story spanning two), where a softmax would split them below any threshold.
        """
        logits = self.logits(embeddings, masses) / self.temperature
        order = np.sort(logits, axis=1)
        best, second = order[:, -1:], order[:, -2:-1]
        rival = np.where(logits >= best, second, best)
        result: NDArray[np.float64] = 1.0 / (1.0 + np.exp(rival - logits))
        return result

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            slugs=np.array(self.slugs),
            coef=self.coef,
            intercept=self.intercept,
            lexicon_weight=np.array(self.lexicon_weight),
            temperature=np.array(self.temperature),
            provenance=np.array(self.provenance),
        )


def softmax(logits: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row-wise softmax."""
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    result: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return result


def read_head(path: Path) -> Head:
    try:
        with np.load(path, allow_pickle=False) as data:
            return Head(
                slugs=tuple(str(s) for s in data["slugs"]),
                coef=np.asarray(data["coef"], dtype=np.float64),
                intercept=np.asarray(data["intercept"], dtype=np.float64),
                lexicon_weight=float(data["lexicon_weight"]),
                temperature=float(data["temperature"]),
                provenance=str(data["provenance"]),
            )
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(f"{path}: not a classifier head ({exc})") from exc


@lru_cache(maxsize=1)
def bundled_head() -> Head:
    """The head shipped with wirebrief, read once per process."""
    with resources.as_file(resources.files("wirebrief") / HEAD_RESOURCE) as path:
        return read_head(path)
