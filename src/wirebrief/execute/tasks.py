"""The tasks that cross an executor, and the stages they use, built once per process.

A task receives ``Settings`` and records, never a stage holding a model: each process builds its
stages from the settings on first use (:func:`stages`) and keeps them, so the spaCy pipeline loads
once per worker process however many tasks it runs. The calling process uses the same stages, so a
run gives the same records whichever executor runs it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from wirebrief.records import Article, Brief, Entity, Extraction, StoryBundle
from wirebrief.settings import Settings

if TYPE_CHECKING:
    from wirebrief.extract import Extractor
    from wirebrief.verify import Verifier


class BriefWriter(Protocol):
    """What the pipeline needs of a writer: the deterministic one, or the LLM one with its fallback."""

    def write(self, bundle: StoryBundle) -> Brief: ...


class Stages:
    """The stages one process uses for a given settings; each is built on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def extractor(self) -> Extractor:
        from wirebrief.extract import Extractor

        return Extractor(self.settings)

    @cached_property
    def verifier(self) -> Verifier:
        from wirebrief.verify import Verifier, VerifierConfig

        return Verifier(
            VerifierConfig(
                min_coverage=self.settings.verifier_min_coverage, spacy_model=self.settings.spacy_model
            )
        )

    @cached_property
    def writer(self) -> BriefWriter:
        from wirebrief.write import DeterministicWriter, load_stakeholders

        stakeholders = load_stakeholders(self.settings.stakeholders_file)
        deterministic = DeterministicWriter(
            self.settings, stakeholders, parse=self._parse, parse_many=self._parse_many
        )
        if self.settings.writer == "llm":
            from wirebrief.write.llm import LLMWriter

            return LLMWriter(self.settings, stakeholders, deterministic, verifier=self.verifier)
        return deterministic

    def _parse(self, text: str) -> object:
        # The writer parses a few sentences for event titles with the extractor's already loaded pipeline.
        return self.extractor.nlp(text)

    def _parse_many(self, texts: list[str]) -> Iterable[object]:
        # Titles need the parse and lemmas, not statistical NER (a third of the parsing time).
        docs: Iterable[object] = self.extractor.nlp.pipe(texts, disable=["ner"])
        return docs

    def write_verified(self, bundle: StoryBundle) -> Brief:
        from wirebrief.write import ensure_title

        draft = self.writer.write(bundle)
        # The LLM writer verifies its own draft (to decide on falling back); verifying again would
        # replace its support report with one that no longer lists what it dropped.
        verified = draft if draft.support is not None else self.verifier.verify(draft, bundle)
        return ensure_title(verified)  # a dropped title gives way to the verified opening sentence


_STAGES: dict[str, Stages] = {}
_LOCK = threading.Lock()


def stages(settings: Settings) -> Stages:
    """This process's stages for ``settings`` (equal settings share them)."""
    key = settings.model_dump_json()
    with _LOCK:
        found = _STAGES.get(key)
        if found is None:
            found = _STAGES[key] = Stages(settings)
        return found


@dataclass(frozen=True, slots=True)
class ExtractJob:
    settings: Settings
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Extracted:
    extractions: tuple[Extraction, ...]
    entities: tuple[Entity, ...]  # the entities these extractions link to


def extract_articles(job: ExtractJob) -> Extracted:
    """Extract a chunk of articles; with the entities they link to (the caller stores both)."""
    extractor = stages(job.settings).extractor
    extractions = tuple(extractor.extract_many(job.articles))
    linked: dict[str, Entity] = {}
    for extraction in extractions:
        for mention in extraction.mentions:
            if mention.entity_id and mention.entity_id not in linked:
                entity = extractor.entity(mention.entity_id)
                if entity is not None:
                    linked[entity.id] = entity
    return Extracted(extractions=extractions, entities=tuple(linked.values()))


@dataclass(frozen=True, slots=True)
class WriteJob:
    settings: Settings
    bundle: StoryBundle


def write_brief(job: WriteJob) -> Brief:
    """Write and verify one story's brief (the caller stores and exports it)."""
    return stages(job.settings).write_verified(job.bundle)


def chunked(items: Sequence[Article], size: int) -> Iterable[tuple[Article, ...]]:
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])
