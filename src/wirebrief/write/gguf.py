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
from wirebrief.write.llm import ChatResult, LLMRequestError, Message

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
        parts: list[str] = []
        try:
            # Streamed, so that generation can be stopped at the deadline (llama.cpp has no timeout).
            stream = self._llm.create_chat_completion(
                messages=[dict(m) for m in messages],
                max_tokens=max_tokens,
                temperature=0.0,
                response_format={"type": "json_object"},
                stream=True,
            )
            for chunk in stream:
                choices = chunk.get("choices") or []
                delta = choices[0].get("delta", {}).get("content") if choices else None
                if delta:
                    parts.append(str(delta))
                if time.monotonic() - started > timeout:
                    raise LLMRequestError(f"generation stopped after {timeout:g} s", retryable=False)
        except (ValueError, RuntimeError) as exc:
            # llama.cpp raises ValueError when the prompt exceeds the context window.
            raise LLMRequestError(f"the local model failed ({exc})", retryable=False) from exc
        text = "".join(parts)
        prompt = "\n".join(str(m.get("content", "")) for m in messages)
        return ChatResult(text, self._count(prompt), self._count(text))

    def _count(self, text: str) -> int:
        """Tokens by the model's own tokenizer (a stream reports no usage)."""
        if not text:
            return 0
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))
