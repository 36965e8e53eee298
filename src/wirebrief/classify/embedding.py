"""A static (context-free) text embedding that runs on numpy: WordLlama's packaged token vectors.

The weights ship inside the ``wordllama`` wheel (pinned in ``pyproject.toml``, see ``docs/taxonomy.md``
for the source and licence): a 32,000 x 256 token table and its tokenizer file. A text's vector is
the mean of its token vectors, as WordLlama itself pools them. We read the two files ourselves with
``tokenizers`` and ``safetensors`` and never import the ``wordllama`` package: its loader would try to
download files from a model hub when they are not in its cache, and it configures the root logger at
import. Nothing here imports torch.

The table is loaded once per process (:func:`load_embedder`) and only when first needed.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from wirebrief.errors import ConfigError

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from tokenizers import Tokenizer

PACKAGE = "wordllama"
"""The PyPI package whose wheel carries the weights (pinned ``wordllama==0.4.0.post1`` in pyproject)."""

FILES: dict[str, str] = {
    "weights/l2_supercat_256.safetensors": "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
    "tokenizers/l2_supercat_tokenizer_config.json": (
        "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68"
    ),
}
"""The two files we read and their SHA-256: a different file (another version, a tampered wheel) is
refused rather than silently changing every category score."""
WEIGHTS_FILE, TOKENIZER_FILE = FILES

MAX_TOKENS = 384
"""Tokens of a text that are pooled: the lead of a report carries its topic, and the cost stays flat."""

WORD_CACHE_SIZE = 200_000
"""Distinct words whose token ids are remembered. The tokenizer has no pre-tokenizer, so it would run
its merges over a whole report as one piece; a text is split at whitespace instead and each word is
tokenised once (its ids are the same as inside the text: the normaliser marks every word's start)."""


class StaticEmbedder:
    """Mean-pooled token vectors, unit length; the same text always gives the same vector."""

    def __init__(self, table: NDArray[np.float32], tokenizer: Tokenizer) -> None:
        self.table = table
        self.tokenizer = tokenizer
        self.dimensions = int(table.shape[1])
        self._word_ids: dict[str, list[int]] = {}

    def token_ids(self, text: str) -> list[int]:
        """The first MAX_TOKENS token ids of ``text``."""
        ids: list[int] = []
        cache = self._word_ids
        for word in text.split():
            word_ids = cache.get(word)
            if word_ids is None:
                word_ids = self.tokenizer.encode(word, add_special_tokens=False).ids
                if len(cache) < WORD_CACHE_SIZE:
                    cache[word] = word_ids
            ids.extend(word_ids)
            if len(ids) >= MAX_TOKENS:
                return ids[:MAX_TOKENS]
        return ids

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit vector per text (a zero vector for a text with no tokens)."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.token_ids(text)
            if not ids:
                continue
            vector = self.table[np.asarray(ids, dtype=np.int64)].mean(axis=0)
            norm = float(np.linalg.norm(vector))
            if norm > 0.0:
                out[row] = vector / norm
        return out


def _package_dir(package: str) -> Path:
    # find_spec locates the package without importing (running) it.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"{package}: the embedding weights' package is not installed (pip install the project again)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _check(path: Path, sha256: str) -> None:
    if not path.is_file():
        raise ConfigError(f"{path}: missing from the installed embedding package")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ConfigError(
            f"{path}: SHA-256 {digest} is not the pinned {sha256} (install {PACKAGE}==0.4.0.post1)"
        )


@lru_cache(maxsize=1)
def load_embedder(package: str = PACKAGE) -> StaticEmbedder:
    """The packaged WordLlama vectors, checked against their pinned hashes and loaded once per process."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    root = _package_dir(package)
    weights, tokenizer_file = root / WEIGHTS_FILE, root / TOKENIZER_FILE
    for name, sha256 in FILES.items():
        _check(root / name, sha256)
    tensors = load_file(str(weights))
    table = np.ascontiguousarray(tensors["embedding.weight"], dtype=np.float32)
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return StaticEmbedder(table, tokenizer)
