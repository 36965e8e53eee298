"""The small typed records that pipeline stages exchange.

Stages run in this order and talk only through these records:
ingest -> normalise -> dedupe -> cluster -> extract -> enrich -> classify -> write -> verify -> store
-> publish.

All records are frozen dataclasses: a stage that changes a record returns a new one
(``dataclasses.replace``), so no stage can alter another's data behind its back. Identifiers are
stable strings derived from content (hashes), never from run order or wall-clock time, which is what
makes runs deterministic and idempotent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal


def stable_id(prefix: str, *parts: str, length: int = 16) -> str:
    """A short, stable identifier derived from ``parts`` (same parts, same id, on every machine)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:length]}"


def content_hash(text: str) -> str:
    """Hash of a text body, used to detect exact duplicates and in-place revisions."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class RawReport:
    """One report as an ingest source found it, before normalisation.

    ``source`` names the input it came from (file path or URL) and ``locator`` where in that input
    (``line 12``, an item guid, a file name inside a directory), so errors can name both.
    """

    source: str
    locator: str
    title: str
    body: str
    body_is_html: bool = False
    url: str | None = None
    outlet: str | None = None
    published: str | datetime | None = None
    language: str | None = None
    byline: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------ normalise


@dataclass(frozen=True, slots=True)
class Article:
    """A normalised report: plain NFC text, UTC time, canonical URL.

    ``id`` is stable for the same report across runs (from the canonical URL, or outlet + title when
    there is no URL); an in-place update keeps the id and changes ``content_hash``. ``family`` is the
    syndication family set by dedupe: copies of one wire report share it, so later stages can count
    independent sources as distinct families.
    """

    id: str
    outlet: str
    title: str
    text: str
    published: datetime
    language: str
    content_hash: str
    source: str
    url: str | None = None
    byline: str | None = None
    family: str | None = None

    @property
    def independent_source(self) -> str:
        """The key that counts as one independent source (its syndication family, else itself)."""
        return self.family or self.id


# ---------------------------------------------------------------------------------------------- dedupe


class DedupeStatus(StrEnum):
    NEW = "new"  # first time seen: keep
    EXACT_DUPLICATE = "exact-duplicate"  # same text (or same URL and text) as a stored article: drop
    NEAR_DUPLICATE = "near-duplicate"  # almost the same text from the same outlet: drop
    SYNDICATED = "syndicated"  # a copy of another outlet's report: keep, same family
    REVISION = "revision"  # same URL, changed text: replaces the stored text


@dataclass(frozen=True, slots=True)
class DedupeDecision:
    article_id: str
    status: DedupeStatus
    family: str
    duplicate_of: str | None = None
    similarity: float | None = None

    @property
    def keep(self) -> bool:
        return self.status in (DedupeStatus.NEW, DedupeStatus.SYNDICATED, DedupeStatus.REVISION)


# --------------------------------------------------------------------------------------------- cluster


@dataclass(frozen=True, slots=True)
class Story:
    """A set of articles about one event. ``article_ids`` are in time order (published, then id)."""

    id: str
    article_ids: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime

    @property
    def version_key(self) -> str:
        """Identifies this exact membership; a brief records it to know what it was written from."""
        return stable_id("sv", *self.article_ids)


# --------------------------------------------------------------------------------------------- extract


class EntityKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    COUNTRY = "country"
    PLACE = "place"  # city, region, facility with a location
    GROUP = "group"  # nationality, religious or political group (NORP) not linked to a country


@dataclass(frozen=True, slots=True)
class ReportSentence:
    """One sentence of an article. ``id`` (``<article id>#s<index>``) is what briefs cite."""

    id: str
    article_id: str
    index: int
    text: str

    @staticmethod
    def make_id(article_id: str, index: int) -> str:
        return f"{article_id}#s{index}"

    @staticmethod
    def title_of(article: Article) -> ReportSentence:
        """An article's headline as a citable unit (index -1, id ``<article id>#title``)."""
        return ReportSentence(id=f"{article.id}#title", article_id=article.id, index=-1, text=article.title)


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity. ``id`` is a canonical id: ``iso3166:IQ``, ``geonames:98182``,
    ``wikidata:Q1137436`` or ``wb:<slug>`` for our own knowledge base when no public id is known."""

    id: str
    name: str
    kind: EntityKind
    aliases: tuple[str, ...] = ()
    external_ids: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a sentence that names something. ``entity_id`` is None when it is not linked:
    an unknown name never gets a guessed id. ``label`` is the NER label (PERSON, ORG, GPE, NORP,
    DATE, MONEY, CARDINAL, PERCENT, QUANTITY, ...)."""

    sentence_id: str
    article_id: str
    text: str
    label: str
    start: int
    end: int
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """Quoted words and who said them, as reported."""

    sentence_id: str
    speaker: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction produced for one article."""

    article_id: str
    sentences: tuple[ReportSentence, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...] = ()


# ---------------------------------------------------------------------------------------------- enrich


@dataclass(frozen=True, slots=True)
class Fact:
    """A dated, sourced reference record about an entity.

    ``statement`` is one plain sentence that states the record and nothing else (rendered by the
    provider from its fields); it is the text a brief sentence citing this fact is checked against.
    ``as_of`` is when the issuer set or last changed the record, ``retrieved_at`` when we read it.
    """

    id: str
    subject_id: str
    subject_name: str
    predicate: str
    value: str
    issuer: str
    source_url: str
    as_of: date | None
    retrieved_at: date
    statement: str
    provider: str
    value_label: str | None = None


# -------------------------------------------------------------------------------------------- classify


@dataclass(frozen=True, slots=True)
class IptcTopic:
    code: str  # e.g. "medtop:16000000"
    label: str  # e.g. "conflict, war and peace"


@dataclass(frozen=True, slots=True)
class CategoryScore:
    slug: str
    label: str
    score: float  # in [0, 1]
    iptc: tuple[IptcTopic, ...] = ()
    evidence: tuple[str, ...] = ()  # terms or a sentence that made the score


# ---------------------------------------------------------------------------------------------- write


class BriefPart(StrEnum):
    TITLE = "title"
    HEADLINE = "headline"
    ARTICLE = "article"
    INSIGHT = "insight"
    STAKEHOLDER = "stakeholder"


@dataclass(frozen=True, slots=True)
class Citation:
    """What a brief sentence rests on: a report sentence id or a fact id."""

    kind: Literal["sentence", "fact"]
    ref: str


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """One sentence of a brief with the citations it rests on.

    ``paragraph`` numbers paragraphs within the part; ``stakeholder`` names the stakeholder for
    sentences of the stakeholder part.
    """

    part: BriefPart
    text: str
    citations: tuple[Citation, ...]
    paragraph: int = 0
    stakeholder: str | None = None


@dataclass(frozen=True, slots=True)
class Stakeholder:
    """A configured reader of briefs and what concerns them."""

    name: str
    description: str
    countries: tuple[str, ...] = ()  # ISO 3166 alpha-2 codes; empty = any
    entity_kinds: tuple[EntityKind, ...] = ()
    categories: tuple[str, ...] = ()  # taxonomy slugs
    fact_predicates: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verifier's finding on one sentence."""

    sentence: BriefSentence
    supported: bool
    reasons: tuple[str, ...] = ()  # why it failed (empty when supported)
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class SupportReport:
    verdicts: tuple[Verdict, ...]

    @property
    def supported(self) -> int:
        return sum(1 for v in self.verdicts if v.supported)

    @property
    def dropped(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if not v.supported)


@dataclass(frozen=True, slots=True)
class Brief:
    """A grounded brief for one story. ``sentences`` hold every part in reading order; only
    verified sentences are ever published. ``version`` is assigned by the store (1, 2, ...)."""

    story_id: str
    story_version: str
    sentences: tuple[BriefSentence, ...]
    categories: tuple[CategoryScore, ...]
    as_of: datetime  # time of the newest report it rests on (never wall-clock: runs are reproducible)
    writer: str
    report_count: int
    independent_sources: int
    support: SupportReport | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    version: int | None = None

    @classmethod
    def for_story(
        cls,
        bundle: StoryBundle,
        sentences: Sequence[BriefSentence],
        writer: str,
        metadata: Mapping[str, str],
    ) -> Brief:
        """A brief of ``bundle``'s story: counts and ``as_of`` come from the story's reports."""
        articles = bundle.articles
        return cls(
            story_id=bundle.story.id,
            story_version=bundle.story.version_key,
            sentences=tuple(sentences),
            categories=bundle.categories,
            as_of=max(a.published for a in articles),
            writer=writer,
            report_count=len(articles),
            independent_sources=len({a.independent_source for a in articles}),
            metadata=dict(metadata),
        )

    def part(self, part: BriefPart) -> tuple[BriefSentence, ...]:
        return tuple(s for s in self.sentences if s.part == part)

    @property
    def title(self) -> str:
        return " ".join(s.text for s in self.part(BriefPart.TITLE))

    @property
    def headline(self) -> str:
        return " ".join(s.text for s in self.part(BriefPart.HEADLINE))


# ------------------------------------------------------------------------------------------ evidence


@dataclass(frozen=True, slots=True)
class StoryBundle:
    """Everything known about one story, handed to the writer and the verifier."""

    story: Story
    articles: tuple[Article, ...]
    extractions: Mapping[str, Extraction]  # by article id
    entities: Mapping[str, Entity]  # by entity id
    facts: tuple[Fact, ...]
    categories: tuple[CategoryScore, ...]
    article_categories: Mapping[str, tuple[CategoryScore, ...]] = field(default_factory=dict)

    def sentence_index(self) -> dict[str, ReportSentence]:
        """Every citable report sentence by id, article titles included (``<article id>#title``)."""
        index = {s.id: s for e in self.extractions.values() for s in e.sentences}
        for article in self.articles:
            title = ReportSentence.title_of(article)
            index[title.id] = title
        return index

    def fact_index(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}


__all__ = [
    "Article",
    "Brief",
    "BriefPart",
    "BriefSentence",
    "CategoryScore",
    "Citation",
    "DedupeDecision",
    "DedupeStatus",
    "Entity",
    "EntityKind",
    "Extraction",
    "Fact",
    "IptcTopic",
    "Mention",
    "Quote",
    "RawReport",
    "ReportSentence",
    "Stakeholder",
    "Story",
    "StoryBundle",
    "SupportReport",
    "Verdict",
    "content_hash",
    "stable_id",
]
