"""The optional LLM writer: a model drafts the brief, the verifier decides what of it is published.

The model sees the story's report sentences and reference records, each under a short alias
(``S3``, ``F1``), and must answer with one JSON object in which every sentence lists the aliases it
rests on (the contract is in ``docs/llm.md``). The writer then

* maps aliases back to citations, dropping unknown ones (and a sentence left with none);
* runs every sentence through the :class:`~wirebrief.verify.Verifier`;
* falls back to the deterministic writer when too little survives, when the title or headline is
  dropped, or when the backend fails in any way (:class:`~wirebrief.errors.LLMError`), so a story never
  loses its brief to the model.

Requests are retried with exponential backoff on HTTP 429, HTTP 5xx, timeouts and lost connections; an
unusable answer (not JSON, fields missing) is re-asked once. Usable answers are cached on disk by a hash
of (model, prompt), so an unchanged story is never sent again. What each brief cost is recorded in its
metadata.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wirebrief.errors import ConfigError, LLMError
from wirebrief.records import (
    Article,
    Brief,
    BriefPart,
    BriefSentence,
    Citation,
    Fact,
    ReportSentence,
    Stakeholder,
    StoryBundle,
)
from wirebrief.settings import Settings
from wirebrief.verify import Verifier
from wirebrief.write.deterministic import WRITER_NAME as DETERMINISTIC_NAME
from wirebrief.write.deterministic import DeterministicWriter

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4  # crude, model-independent estimate; good enough to keep a prompt inside a budget
CACHE_FORMAT = 1  # bump when the cached record's layout changes

Message = Mapping[str, str]


# ------------------------------------------------------------------------------------------ backend


@dataclass(frozen=True, slots=True)
class ChatResult:
    """What one chat completion returned, with the tokens the endpoint billed for it."""

    text: str
    prompt_tokens: int
    completion_tokens: int


class LLMRequestError(LLMError):
    """One request failed. ``retryable`` says whether trying again may help (429, 5xx, timeout)."""

    def __init__(self, problem: str, *, retryable: bool, retry_after_s: float | None = None) -> None:
        self.problem = problem
        self.retryable = retryable
        self.retry_after_s = retry_after_s
        super().__init__(problem)


class ChatBackend(Protocol):
    """A chat-completions endpoint. ``complete`` raises :class:`LLMRequestError` on failure."""

    @property
    def model(self) -> str: ...

    def complete(self, messages: Sequence[Message], *, max_tokens: int, timeout: float) -> ChatResult: ...


def estimate_tokens(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def _retry_after(headers: Any) -> float | None:
    try:
        value = headers.get("retry-after") if headers is not None else None
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None  # an HTTP date or garbage: fall back to our own backoff


class OpenAIChatBackend:
    """Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server) through ``openai``.

    The client's own retries are off: :class:`LLMWriter` retries, so the bound and the count of
    attempts are ours.
    """

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_model:
            raise ConfigError("setting llm_model: the LLM writer needs a model name")
        try:
            import openai
        except ImportError as exc:
            raise ConfigError(
                "the LLM writer needs the optional extra: pip install 'wirebrief[llm]'"
            ) from exc
        self._openai = openai
        # Local servers take any key; the client library insists on one being set.
        api_key = os.environ.get(settings.llm_api_key_env) or "not-needed"
        self._client = openai.OpenAI(
            base_url=settings.llm_base_url, api_key=api_key, timeout=settings.llm_timeout_s, max_retries=0
        )
        self._model = settings.llm_model

    @property
    def model(self) -> str:
        return self._model

    def complete(self, messages: Sequence[Message], *, max_tokens: int, timeout: float) -> ChatResult:
        openai = self._openai
        try:
            response = self._client.chat.completions.create(
                model=self._model,
                messages=cast(Any, [dict(m) for m in messages]),
                max_tokens=max_tokens,
                temperature=0,
                response_format={"type": "json_object"},
                timeout=timeout,
            )
        except openai.APITimeoutError as exc:
            raise LLMRequestError(f"request timed out after {timeout:g} s", retryable=True) from exc
        except openai.APIConnectionError as exc:
            raise LLMRequestError(f"cannot reach the endpoint ({exc})", retryable=True) from exc
        except openai.APIStatusError as exc:
            status = exc.status_code
            retryable = status == 429 or status >= 500
            raise LLMRequestError(
                f"HTTP {status}: {exc.message}",
                retryable=retryable,
                retry_after_s=_retry_after(exc.response.headers),
            ) from exc
        except openai.OpenAIError as exc:
            raise LLMRequestError(f"request failed ({exc})", retryable=False) from exc
        if not response.choices:
            raise LLMRequestError("the answer has no choices", retryable=False)
        text = response.choices[0].message.content or ""
        usage = response.usage
        prompt_tokens = usage.prompt_tokens if usage else estimate_tokens(json.dumps(list(messages)))
        completion_tokens = usage.completion_tokens if usage else estimate_tokens(text)
        return ChatResult(text, prompt_tokens, completion_tokens)


# ------------------------------------------------------------------------------------------- prompt

SYSTEM_PROMPT = """You write short, neutral intelligence briefs from news reports.
You are given numbered source items: report sentences [S1], [S2], ... and reference records [F1], ...
Rules:
- Every sentence you write must be fully supported by the items it cites. Cite 1 to 3 items per sentence.
- Copy numbers, names, dates and quoted words exactly as the cited items give them.
- Attribute claims to their source ("X said", "according to Y"). Put quotes only in the mouth of whoever
  said them in the cited item.
- Add nothing the items do not say: no advice ("must", "should"), no speculation ("could", "likely"),
  no opinions, no background knowledge.
- Keep negations: if an item says something did not happen, do not write that it did.
Answer with one JSON object and nothing else, in exactly this shape:
{"event_title": {"text": "...", "citations": ["S1"]},
 "headline": {"text": "...", "citations": ["S2"]},
 "article": [[{"text": "...", "citations": ["S1", "S4"]}, ...], ...],
 "insights": [{"text": "...", "citations": ["F1"]}, ...],
 "stakeholders": [{"name": "...", "sentences": [{"text": "...", "citations": ["S3"]}]}, ...]}
event_title: who does what, present tense, at most 12 words. headline: a plain news headline.
article: 2 to 5 paragraphs of 1 to 3 sentences, in time order. insights: at most {max_insights} key points.
stakeholders: only names from the list given, only where the items concern them; 1 to 3 sentences each."""


@dataclass(frozen=True, slots=True)
class Prompt:
    """The messages for one story and the alias each source item was given."""

    messages: tuple[Message, ...]
    aliases: Mapping[str, Citation]  # "S3" -> Citation("sentence", "<article>#s2")
    estimated_tokens: int
    omitted_sentences: int  # report sentences left out to stay within the budget

    def alias_of(self, ref: str) -> str:
        """The alias under which the item with id ``ref`` was shown (KeyError if it was not)."""
        for alias, citation in self.aliases.items():
            if citation.ref == ref:
                return alias
        raise KeyError(ref)


def _representatives(bundle: StoryBundle) -> list[Article]:
    """One article per syndication family (the earliest), English first, in time order."""
    seen: set[str] = set()
    chosen: list[Article] = []
    ordered = sorted(bundle.articles, key=lambda a: (a.language != "en", a.published, a.id))
    for article in ordered:
        if article.independent_source in seen:
            continue
        seen.add(article.independent_source)
        chosen.append(article)
    return sorted(chosen, key=lambda a: (a.published, a.id))


def _render(
    system: str,
    header: Sequence[str],
    articles: Sequence[Article],
    by_article: Mapping[str, Sequence[ReportSentence]],
    included: set[str],
    facts: Sequence[Fact],
) -> tuple[tuple[Message, ...], dict[str, Citation]]:
    aliases: dict[str, Citation] = {}
    lines: list[str] = [*header, "", "Reports (in time order):"]
    counter = 0
    for article in articles:
        title = ReportSentence.title_of(article)
        counter += 1
        aliases[f"S{counter}"] = Citation("sentence", title.id)
        lines.append(f"Report from {article.outlet}, published {article.published.date().isoformat()}:")
        lines.append(f"[S{counter}] (headline) {title.text}")
        for sentence in by_article[article.id]:
            if sentence.id in included:
                counter += 1
                aliases[f"S{counter}"] = Citation("sentence", sentence.id)
                lines.append(f"[S{counter}] {sentence.text}")
    if facts:
        lines += ["", "Reference records:"]
        for number, fact in enumerate(facts, start=1):
            aliases[f"F{number}"] = Citation("fact", fact.id)
            lines.append(f"[F{number}] {fact.statement}")
    lines += ["", "Write the brief as the JSON object described."]
    user = "\n".join(lines)
    return ({"role": "system", "content": system}, {"role": "user", "content": user}), aliases


def build_prompt(bundle: StoryBundle, stakeholders: Sequence[Stakeholder], settings: Settings) -> Prompt:
    """The prompt for ``bundle``: titles and facts always, then report sentences, lead sentences of
    every report first, while the estimate stays within ``settings.llm_max_prompt_tokens``."""
    articles = _representatives(bundle)
    system = SYSTEM_PROMPT.replace("{max_insights}", str(settings.max_insights))
    header = ["Stakeholders you may write for:"]
    header += [f"- {s.name}: {s.description}" for s in stakeholders]
    facts: Sequence[Fact] = bundle.facts
    by_article = {
        a.id: list(bundle.extractions[a.id].sentences) if a.id in bundle.extractions else [] for a in articles
    }
    included: set[str] = set()
    fixed, _ = _render(system, header, articles, by_article, included, facts)
    used = sum(len(m["content"]) for m in fixed)
    budget = settings.llm_max_prompt_tokens * CHARS_PER_TOKEN
    # Lead sentences of every report before the second sentence of any: wire copy puts the news first.
    report_order = {a.id: n for n, a in enumerate(articles)}  # articles are in time order
    queue = sorted(
        (s for a in articles for s in by_article[a.id]), key=lambda s: (s.index, report_order[s.article_id])
    )
    omitted = 0
    for sentence in queue:
        cost = len(sentence.text) + 8  # "[S1234] " and the line break
        if used + cost > budget:
            omitted += 1
            continue
        used += cost
        included.add(sentence.id)
    messages, aliases = _render(system, header, articles, by_article, included, facts)
    estimated = estimate_tokens("".join(m["content"] for m in messages))
    return Prompt(messages, aliases, estimated, omitted)


# --------------------------------------------------------------------------------------- the answer


class _SentenceOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1)
    citations: list[str]


class _StakeholderOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    sentences: list[_SentenceOut]


class BriefAnswer(BaseModel):
    """The JSON contract of the model's answer (see ``docs/llm.md``)."""

    model_config = ConfigDict(extra="ignore")
    event_title: _SentenceOut
    headline: _SentenceOut
    article: list[list[_SentenceOut]] = Field(min_length=1)
    insights: list[_SentenceOut]
    stakeholders: list[_StakeholderOut]


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def parse_answer(text: str) -> BriefAnswer:
    """The answer as a :class:`BriefAnswer`; raises ``ValueError`` saying what is wrong with it."""
    fenced = _FENCE.match(text)
    body = fenced.group(1) if fenced else text.strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"it is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    try:
        return BriefAnswer.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:5]:
            where = ".".join(str(p) for p in error["loc"])
            problems.append(f"{where}: {'missing' if error['type'] == 'missing' else error['msg']}")
        raise ValueError("fields are missing or malformed: " + "; ".join(problems)) from exc


# ------------------------------------------------------------------------------------------- cache


class AnswerCache:
    """Usable answers on disk, one JSON file per hash of (model, prompt messages)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def key(model: str, messages: Sequence[Message]) -> str:
        payload = json.dumps([model, [dict(m) for m in messages]], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def get(self, key: str) -> ChatResult | None:
        path = self.directory / f"{key}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if record.get("format") != CACHE_FORMAT:
                return None
            return ChatResult(
                str(record["text"]), int(record["prompt_tokens"]), int(record["completion_tokens"])
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("ignoring unreadable LLM cache entry %s (%s)", path, exc)
            return None

    def put(self, key: str, result: ChatResult) -> None:
        record = {
            "format": CACHE_FORMAT,
            "text": result.text,
            "prompt_tokens": result.prompt_tokens,
            "completion_tokens": result.completion_tokens,
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle, ensure_ascii=False)
            os.replace(tmp, self.directory / f"{key}.json")
        except OSError as exc:
            # A cache that cannot be written costs money later, not the brief now.
            log.warning("cannot write the LLM cache in %s (%s)", self.directory, exc)
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)


# ------------------------------------------------------------------------------------------- writer


@dataclass(slots=True)
class _Accounting:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0  # HTTP requests made
    reasks: int = 0
    cache_hit: bool = False
    notes: list[str] = field(default_factory=list)


class LLMWriter:
    """Writes a brief with a chat model; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        stakeholders: Sequence[Stakeholder],
        fallback: DeterministicWriter,
        client: ChatBackend | None = None,
        *,
        verifier: Verifier | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.stakeholders = tuple(stakeholders)
        self.fallback = fallback
        if client is None and settings.llm_backend == "gguf":
            from wirebrief.write.gguf import LlamaCppBackend

            client = LlamaCppBackend(settings)
        self.client: ChatBackend = client if client is not None else OpenAIChatBackend(settings)
        self.verifier = verifier or Verifier()
        self.cache = AnswerCache(settings.data_dir / "llm-cache")
        self._sleep = sleep

    @property
    def name(self) -> str:
        return f"llm:{self.client.model}"

    # ------------------------------------------------------------------------------------ requests

    def _request(self, messages: Sequence[Message], account: _Accounting) -> ChatResult:
        """One completion, retried with exponential backoff while the failure is transient."""
        retries = self.settings.llm_max_retries
        for attempt in range(retries + 1):
            account.attempts += 1
            try:
                result = self.client.complete(
                    messages,
                    max_tokens=self.settings.llm_max_output_tokens,
                    timeout=self.settings.llm_timeout_s,
                )
            except LLMRequestError as exc:
                account.notes.append(exc.problem)
                if not exc.retryable or attempt == retries:
                    raise LLMError(f"{exc.problem} (after {attempt + 1} attempt(s))") from exc
                wait = self.settings.llm_retry_base_s * 2**attempt
                if exc.retry_after_s is not None:
                    wait = max(wait, min(exc.retry_after_s, 60.0))
                log.info("LLM request failed (%s); retrying in %.2f s", exc.problem, wait)
                self._sleep(wait)
                continue
            account.prompt_tokens += result.prompt_tokens
            account.completion_tokens += result.completion_tokens
            return result
        raise AssertionError("unreachable: the loop returns or raises")

    def _answer(self, prompt: Prompt, account: _Accounting) -> BriefAnswer:
        key = AnswerCache.key(self.client.model, prompt.messages)
        cached = self.cache.get(key)
        if cached is not None:
            try:
                answer = parse_answer(cached.text)
            except ValueError:
                pass  # a cache entry from an older contract: ask again
            else:
                account.cache_hit = True
                return answer
        messages = list(prompt.messages)
        result = self._request(messages, account)
        try:
            answer = parse_answer(result.text)
        except ValueError as first_problem:
            # One re-ask with the problem spelled out; models usually fix a format slip when told.
            account.reasks += 1
            messages += [
                {"role": "assistant", "content": result.text},
                {
                    "role": "user",
                    "content": f"Your answer cannot be used: {first_problem}. Answer again with only "
                    "the JSON object in the required shape, every field present.",
                },
            ]
            result = self._request(messages, account)
            try:
                answer = parse_answer(result.text)
            except ValueError as second_problem:
                raise LLMError(f"unusable answer after a re-ask: {second_problem}") from second_problem
        self.cache.put(key, result)
        return answer

    # ------------------------------------------------------------------------------------- building

    def _to_sentences(
        self, answer: BriefAnswer, aliases: Mapping[str, Citation], account: _Accounting
    ) -> tuple[list[BriefSentence], int, int]:
        """Brief sentences from the answer; unknown citations and sentences left uncited are dropped."""
        dropped_citations = 0
        dropped_sentences = 0

        def make(
            item: _SentenceOut, part: BriefPart, paragraph: int, who: str | None = None
        ) -> BriefSentence | None:
            nonlocal dropped_citations, dropped_sentences
            citations: list[Citation] = []
            for alias in item.citations:
                citation = aliases.get(alias.strip().strip("[]").upper())
                if citation is None:
                    dropped_citations += 1
                elif citation not in citations:
                    citations.append(citation)
            text = " ".join(item.text.split())
            if not citations or not text:
                dropped_sentences += 1
                log.info("dropped LLM sentence without a known citation: %r (cited %s)", text, item.citations)
                return None
            return BriefSentence(part, text, tuple(citations), paragraph=paragraph, stakeholder=who)

        out: list[BriefSentence | None] = [
            make(answer.event_title, BriefPart.TITLE, 0),
            make(answer.headline, BriefPart.HEADLINE, 0),
        ]
        for number, paragraph in enumerate(p for p in answer.article if p):
            out += [make(item, BriefPart.ARTICLE, number) for item in paragraph]
        out += [
            make(item, BriefPart.INSIGHT, n)
            for n, item in enumerate(answer.insights[: self.settings.max_insights])
        ]
        known = {s.name.casefold(): s.name for s in self.stakeholders}
        paragraph_number = 0
        for group in answer.stakeholders:
            name = known.get(group.name.strip().casefold())
            if name is None:
                dropped_sentences += len(group.sentences)
                account.notes.append(f"unknown stakeholder {group.name!r}")
                continue
            kept = [make(item, BriefPart.STAKEHOLDER, paragraph_number, name) for item in group.sentences]
            if any(kept):
                paragraph_number += 1
            out += kept
        return [s for s in out if s is not None], dropped_citations, dropped_sentences

    def _brief(
        self, bundle: StoryBundle, sentences: Sequence[BriefSentence], metadata: Mapping[str, str]
    ) -> Brief:
        return Brief.for_story(bundle, sentences, self.name, metadata)

    def _fallback(self, bundle: StoryBundle, reason: str, metadata: Mapping[str, str]) -> Brief:
        log.warning(
            "story %s: LLM brief not used (%s); writing it deterministically", bundle.story.id, reason
        )
        brief = self.fallback.write(bundle)
        merged = {**brief.metadata, **metadata, "fallback_reason": reason}
        return dataclasses.replace(
            brief, writer=f"{DETERMINISTIC_NAME} (fallback from llm: {reason})", metadata=merged
        )

    def _metadata(self, prompt: Prompt, account: _Accounting) -> dict[str, str]:
        metadata = {
            "stakeholders": ", ".join(s.name for s in self.stakeholders),
            "llm_model": self.client.model,
            "llm_prompt_tokens": str(account.prompt_tokens),
            "llm_completion_tokens": str(account.completion_tokens),
            "llm_attempts": str(account.attempts),
            "llm_reasks": str(account.reasks),
            "llm_cache_hit": "true" if account.cache_hit else "false",
            "llm_prompt_estimated_tokens": str(prompt.estimated_tokens),
            "llm_prompt_omitted_sentences": str(prompt.omitted_sentences),
        }
        if account.notes:
            metadata["llm_notes"] = "; ".join(account.notes)
        return metadata

    def write(self, bundle: StoryBundle) -> Brief:
        """A verified LLM brief, or the deterministic brief with the reason the LLM one was not used."""
        prompt = build_prompt(bundle, self.stakeholders, self.settings)
        account = _Accounting()
        try:
            answer = self._answer(prompt, account)
        except LLMError as exc:
            return self._fallback(bundle, str(exc), self._metadata(prompt, account))
        sentences, dropped_citations, dropped_sentences = self._to_sentences(answer, prompt.aliases, account)
        metadata = self._metadata(prompt, account)
        draft = self._brief(bundle, sentences, metadata)
        verified = self.verifier.verify(draft, bundle)
        written = len(sentences) + dropped_sentences
        kept = len(verified.sentences)
        share = kept / written if written else 0.0
        metadata |= {
            "llm_sentences": str(written),
            "llm_supported": str(kept),
            "llm_supported_share": f"{share:.3f}",
            "llm_dropped_citations": str(dropped_citations),
            "llm_uncited_sentences": str(dropped_sentences),
        }
        if not verified.part(BriefPart.TITLE):
            return self._fallback(bundle, "the event title was not supported by its citations", metadata)
        if not verified.part(BriefPart.HEADLINE):
            return self._fallback(bundle, "the headline was not supported by its citations", metadata)
        if share < self.settings.llm_min_supported_share:
            reason = (
                f"only {kept} of {written} sentences ({share:.0%}) were supported, "
                f"below {self.settings.llm_min_supported_share:.0%}"
            )
            return self._fallback(bundle, reason, metadata)
        return dataclasses.replace(verified, metadata=metadata)


__all__ = [
    "AnswerCache",
    "BriefAnswer",
    "ChatBackend",
    "ChatResult",
    "LLMRequestError",
    "LLMWriter",
    "OpenAIChatBackend",
    "Prompt",
    "build_prompt",
    "estimate_tokens",
    "parse_answer",
]
