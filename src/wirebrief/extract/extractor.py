"""The extract stage: sentences, entity mentions linked to canonical ids, and quotes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from wirebrief.extract.gazetteer import Gazetteer, bundled_gazetteer
from wirebrief.extract.nlp import SKIPPED_IN_EXTRACTION, SkippedAttributes, load_pipeline
from wirebrief.extract.places import city_entity, city_index, country_index
from wirebrief.extract.quotes import TokenAttributes, find_quotes, parsed_attributes
from wirebrief.records import Article, Entity, Extraction, Mention, Quote, ReportSentence
from wirebrief.settings import Settings

MENTION_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "DATE", "MONEY", "CARDINAL", "PERCENT", "QUANTITY"}
)
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# spaCy's parser needs about 1 GB of temporary memory per 100,000 characters; paragraphs longer than
# this are cut at a sentence end (or, failing that, a space) so no single doc gets near that.
MAX_SEGMENT_CHARS = 50_000


@dataclass(frozen=True, slots=True)
class _Segment:
    article_index: int
    offset: int  # where the segment starts in the article text
    text: str


def segments(text: str, max_chars: int = MAX_SEGMENT_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, text) of the paragraphs of ``text``; a paragraph break is always a sentence break."""
    position = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        start = position
        while start < end:
            stop = end
            if stop - start > max_chars:
                window = text[start : start + max_chars]
                sentence_end, line_end, space = window.rfind(". "), window.rfind("\n"), window.rfind(" ")
                if max(sentence_end, line_end) > 0:
                    stop = start + max(sentence_end + 2, line_end + 1)
                elif space > 0:
                    stop = start + space + 1
                else:
                    stop = start + max_chars
            if text[start:stop].strip():
                yield start, text[start:stop]
            start = stop
        position = match.end() if match else len(text)


class Extractor:
    """Runs the spaCy pipeline over article texts and links what it finds.

    The pipeline loads on first use (once per process and model name). ``entities`` holds every
    Entity linked so far, by id.
    """

    def __init__(self, settings: Settings, gazetteer: Gazetteer | None = None, batch_size: int = 64) -> None:
        self.settings = settings
        self._custom_gazetteer = gazetteer
        self.gazetteer = gazetteer if gazetteer is not None else bundled_gazetteer()
        self.batch_size = batch_size
        self._entities: dict[str, Entity] = {}
        self._attributes: tuple[Any, list[str], TokenAttributes] | None = None

    @property
    def nlp(self) -> Any:
        return load_pipeline(self.settings.spacy_model, self._custom_gazetteer)

    def _skipped(self) -> tuple[list[str], TokenAttributes]:
        """The components extraction runs without, and how quote finding gets what they would set."""
        nlp = self.nlp
        if self._attributes is None or self._attributes[0] is not nlp:
            skipped = [name for name in SKIPPED_IN_EXTRACTION if name in nlp.pipe_names]
            attributes = SkippedAttributes(nlp, skipped) if skipped else parsed_attributes
            self._attributes = (nlp, skipped, attributes)
        return self._attributes[1], self._attributes[2]

    @property
    def entities(self) -> Mapping[str, Entity]:
        return MappingProxyType(self._entities)

    def entity(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    @staticmethod
    def country_of(place: Entity) -> Entity | None:
        """The country a linked place lies in (its ``country`` external id), or None."""
        code = place.external_ids.get("country", "").removeprefix("iso3166:")
        return country_index().entity(code) if len(code) == 2 else None

    def extract(self, article: Article) -> Extraction:
        return self.extract_many([article])[0]

    def extract_many(self, articles: Iterable[Article]) -> list[Extraction]:
        batch = list(articles)
        parts = [
            _Segment(index, offset, text)
            for index, article in enumerate(batch)
            for offset, text in segments(article.text)
        ]
        docs_by_article: list[list[tuple[_Segment, Any]]] = [[] for _ in batch]
        skipped, attributes = self._skipped()
        parsed = self.nlp.pipe((p.text for p in parts), batch_size=self.batch_size, disable=skipped)
        for part, doc in zip(parts, parsed, strict=True):
            docs_by_article[part.article_index].append((part, doc))
        return [
            self._build(article, docs, attributes)
            for article, docs in zip(batch, docs_by_article, strict=True)
        ]

    # ------------------------------------------------------------------------------------- building

    def _build(
        self, article: Article, docs: list[tuple[_Segment, Any]], attributes: TokenAttributes
    ) -> Extraction:
        sentences: list[ReportSentence] = []
        sentence_at: dict[
            tuple[int, int], tuple[ReportSentence, int]
        ] = {}  # (doc no, sent start) -> (s, char)
        for doc_no, (part, doc) in enumerate(docs):
            for sent in doc.sents:
                # The segment's own text, sliced: equal to sent.text, which joins the sentence's tokens
                # again (that join, here and in quote finding, was ~5 % of extraction).
                raw = part.text[sent.start_char : sent.end_char]
                text = raw.strip()
                if not text:
                    continue
                start_char = sent.start_char + (len(raw) - len(raw.lstrip()))
                record = ReportSentence(
                    id=ReportSentence.make_id(article.id, len(sentences)),
                    article_id=article.id,
                    index=len(sentences),
                    text=text,
                )
                sentences.append(record)
                sentence_at[(doc_no, sent.start)] = (record, start_char)

        spans: list[tuple[ReportSentence, int, Any]] = []  # (sentence, char start in doc, ent)
        for doc_no, (_, doc) in enumerate(docs):
            for ent in doc.ents:
                if ent.label_ not in MENTION_LABELS:
                    continue
                found = sentence_at.get((doc_no, ent.sent.start))
                if found is None:
                    continue
                record, sentence_start = found
                if ent.start_char - sentence_start + len(ent.text) > len(record.text):
                    continue  # an entity across a sentence boundary: no sentence can cite it
                spans.append((record, sentence_start, ent))

        if not self._speaks(article):
            # The English pipeline's entities in another language are noise ("al menos" as PERSON);
            # such an article still gets its sentences, which is what a brief can cite.
            return Extraction(article.id, tuple(sentences), ())
        links = self._link_all([ent for _, _, ent in spans])
        mentions = tuple(
            Mention(
                sentence_id=record.id,
                article_id=article.id,
                text=ent.text,
                label=ent.label_,
                start=ent.start_char - sentence_start,
                end=ent.start_char - sentence_start + len(ent.text),
                entity_id=entity_id,
            )
            for (record, sentence_start, ent), entity_id in zip(spans, links, strict=True)
        )
        quotes: list[Quote] = []
        for doc_no, (part, doc) in enumerate(docs):
            for quote in find_quotes(doc, attributes, part.text):
                span = doc.char_span(quote.start, quote.start + 1, alignment_mode="expand")
                found = sentence_at.get((doc_no, span.sent.start)) if span is not None else None
                if found is not None:
                    quotes.append(Quote(sentence_id=found[0].id, speaker=quote.speaker, text=quote.text))
        return Extraction(article.id, tuple(sentences), mentions, tuple(quotes))

    def _speaks(self, article: Article) -> bool:
        model_language = str(self.nlp.lang)
        return article.language.split("-")[0].lower() in {model_language, ""}

    # -------------------------------------------------------------------------------------- linking

    def _link_all(self, ents: list[Any]) -> list[str | None]:
        """Entity ids for ``ents`` of one article: names first, then cities in the light of the
        countries the article names."""
        links: list[str | None] = [self._link_name(ent) for ent in ents]
        context = {
            entity.external_ids.get("country", entity.id).removeprefix("iso3166:")
            for link in links
            if link is not None and (entity := self._entities.get(link)) is not None
        }
        for position, ent in enumerate(ents):
            if links[position] is None and ent.label_ in {"GPE", "LOC"}:
                city = city_index().resolve(ent.text, context)
                if city is not None:
                    entity = city_entity(city)
                    self._entities.setdefault(entity.id, entity)
                    links[position] = entity.id
        return links

    def _link_name(self, ent: Any) -> str | None:
        label = ent.label_
        if label not in NAME_LABELS:
            return None
        # A name is written with a capital: "china" (the porcelain), "turkey" (the bird) or "chad" in
        # running text are common nouns, whatever the tagger or a case-blind alias match made of them.
        if not any(ch.isupper() for ch in ent.text):
            return None
        entry = self.gazetteer.get(ent.ent_id_) if ent.ent_id_ else None
        if entry is None:
            entry = self.gazetteer.lookup(ent.text)
        if entry is not None:
            self._entities.setdefault(entry.id, entry.to_entity())
            return entry.id
        if label in {"GPE", "LOC", "NORP", "ORG"}:
            match = country_index().match(ent.text)
            # "U.S." is sometimes tagged ORG; a demonym tagged ORG ("American" in "American Airlines")
            # is part of a name and is not the country.
            if match is not None and not (label == "ORG" and match.via_demonym):
                entity = country_index().entity(match.code)
                self._entities.setdefault(entity.id, entity)
                return entity.id
        return None
