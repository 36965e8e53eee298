"""A local GGUF model as the LLM writer's chat backend, through ``llama-cpp-python``.

The optional extra ``wirebrief[gguf]`` installs llama-cpp-python (it compiles llama.cpp on install: about
nine minutes on two cores). The model is any GGUF file named by ``llm_gguf_path``. The backend meets the
same :class:`~wirebrief.write.llm.ChatBackend` contract as an HTTP endpoint, so the LLM writer's JSON
contract, verification and fallback to the deterministic writer apply unchanged.

llama.cpp runs in-process and has no request timeout of its own: generation is stopped once
``timeout`` seconds have passed, and the cut-off answer is reported as a timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wirebrief.errors import ConfigError
from wirebrief.settings import Settings
from wirebrief.write.llm import ChatResult, LLMRequestError, Message, estimate_tokens

# One loaded model per path and context size: loading a GGUF file maps hundreds of megabytes.
_MODELS: dict[tuple[str, int], Any] = {}
_LOCK = threading.Lock()


def _load(path: Path, context: int, threads: int) -> Any:
    try:
        import llama_cpp
    except ImportError as exc:
        raise ConfigError(
            "the GGUF backend needs the optional extra: pip install 'wirebrief[gguf]' (compiles llama.cpp)"
        ) from exc
    key = (str(path), context)
    with _LOCK:
        if key not in _MODELS:
            try:
                _MODELS[key] = llama_cpp.Llama(
                    model_path=str(path), n_ctx=context, n_threads=threads, verbose=False
                )
            except (ValueError, RuntimeError) as exc:
                raise ConfigError(f"{path}: cannot load the GGUF model ({exc})") from exc
        return _MODELS[key]


class LlamaCppBackend:
    """Chat completions from a local GGUF file (``llm_gguf_path``)."""

    def __init__(self, settings: Settings) -> None:
        path = settings.llm_gguf_path
        if path is None:
            raise ConfigError("setting llm_gguf_path: the GGUF backend needs the path of a .gguf model file")
        if not path.is_file():
            raise ConfigError(f"setting llm_gguf_path: {path} is not a file")
        self._path = path
        self._llm = _load(path, settings.llm_gguf_context, settings.llm_gguf_threads)

    @property
    def model(self) -> str:
        return f"gguf:{self._path.name}"

    def complete(self, messages: Sequence[Message], *, max_tokens: int, timeout: float) -> ChatResult:
        started = time.monotonic()
        timed_out = False

        def past_deadline(_tokens: Any, _logits: Any) -> bool:
            nonlocal timed_out
            timed_out = time.monotonic() - started > timeout
            return timed_out

        try:
            response = self._llm.create_chat_completion(
                messages=[dict(m) for m in messages],
                max_tokens=max_tokens,
                temperature=0.0,
                response_format={"type": "json_object"},
                stopping_criteria=[past_deadline],
            )
        except (ValueError, RuntimeError) as exc:
            # llama.cpp raises ValueError when the prompt exceeds the context window.
            raise LLMRequestError(f"the local model failed ({exc})", retryable=False) from exc
        if timed_out:
            raise LLMRequestError(f"generation stopped after {timeout:g} s", retryable=False)
        choices = response.get("choices") or []
        if not choices:
            raise LLMRequestError("the local model returned no choices", retryable=False)
        text = str(choices[0].get("message", {}).get("content") or "")
        usage = response.get("usage") or {}
        return ChatResult(
            text,
            int(usage.get("prompt_tokens") or estimate_tokens(" ".join(str(m) for m in messages))),
            int(usage.get("completion_tokens") or estimate_tokens(text)),
        )
