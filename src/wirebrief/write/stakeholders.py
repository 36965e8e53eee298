"""Stakeholders: loading the configured list (``data/stakeholders.yaml`` or ``settings.stakeholders_file``)
and writing the paragraph of each stakeholder a story concerns."""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from nltk.stem.porter import PorterStemmer

from wirebrief.errors import ConfigError
from wirebrief.records import BriefPart, BriefSentence, Citation, EntityKind, Fact, Stakeholder, StoryBundle
from wirebrief.write.select import (
    _Candidate,
    _FullName,
    _with_full_names,
    _without_dateline,
    _words,
    meaning_words,
    restates,
)
from wirebrief.write.titles import stands_alone

_FIELDS = {"name", "description", "countries", "entity_kinds", "categories", "fact_predicates", "keywords"}


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: must be a list of strings")
    return tuple(value)


def parse_stakeholders(data: Any, source: str) -> tuple[Stakeholder, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("stakeholders"), list):
        raise ConfigError(f"{source}: expected a mapping with a 'stakeholders' list")
    result: list[Stakeholder] = []
    for number, item in enumerate(data["stakeholders"], start=1):
        where = f"{source}: stakeholder {number}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ConfigError(f"{where}: needs a 'name'")
        unknown = set(item) - _FIELDS
        if unknown:
            raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        kinds = _strings(item.get("entity_kinds"), f"{where} entity_kinds")
        try:
            entity_kinds = tuple(EntityKind(k) for k in kinds)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}; use one of {', '.join(k.value for k in EntityKind)}") from exc
        result.append(
            Stakeholder(
                name=item["name"].strip(),
                description=str(item.get("description", "")),
                countries=tuple(c.upper() for c in _strings(item.get("countries"), f"{where} countries")),
                entity_kinds=entity_kinds,
                categories=_strings(item.get("categories"), f"{where} categories"),
                fact_predicates=_strings(item.get("fact_predicates"), f"{where} fact_predicates"),
                keywords=_strings(item.get("keywords"), f"{where} keywords"),
            )
        )
    return tuple(result)


def load_stakeholders(path: Path | None = None) -> tuple[Stakeholder, ...]:
    """The stakeholders from ``path``, or the bundled list when ``path`` is None."""
    if path is None:
        text = resources.files("wirebrief").joinpath("data/stakeholders.yaml").read_text("utf-8")
        source = "bundled stakeholders.yaml"
    else:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read stakeholders file ({exc})") from exc
        source = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    return parse_stakeholders(data, source)


# ---------------------------------------------------------------------- writing the paragraphs

# Evidence that a report sentence concerns a stakeholder: each country of its own, each distinct keyword
# (by stem) and each entity kind it follows counts one. One piece alone is not enough ("closed my eyes";
# "the Swedish band" in a story on a search engine does not concern the EU), unless the sentence names
# the subject of a record the stakeholder follows.
_STAKEHOLDER_MIN_EVIDENCE = 2
# A stakeholder's sentence may share words with the article (the same place, the same actors) but not
# restate one of its sentences: at this share of its meaning words in one article sentence, it does.
_RESTATES_ARTICLE = 0.6
_stemmer = PorterStemmer()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stem(word))


def _stems(text: str) -> list[str]:
    return [_stem(w) for w in _words(text.lower())]


@dataclass(frozen=True, slots=True)
class _StakeholderInterest:
    """A stakeholder's interests in the form sentences are matched against."""

    keyword_stems: frozenset[str]
    phrase_stems: tuple[str, ...]  # keywords of several words, matched as stemmed phrases
    countries: frozenset[str]
    entity_kinds: frozenset[EntityKind]

    @classmethod
    def of(cls, stakeholder: Stakeholder) -> _StakeholderInterest:
        stems = [" ".join(_stems(k)) for k in stakeholder.keywords]
        return cls(
            frozenset(s for s in stems if s and " " not in s),
            tuple(s for s in stems if " " in s),
            frozenset(stakeholder.countries),
            frozenset(stakeholder.entity_kinds),
        )

    def evidence(self, stems: list[str], entity_ids: set[str], kinds: set[EntityKind]) -> int:
        joined = " ".join(stems)
        score = len(self.keyword_stems.intersection(stems))
        score += sum(1 for phrase in self.phrase_stems if f" {phrase} " in f" {joined} ")
        score += sum(1 for e in entity_ids if e.removeprefix("iso3166:") in self.countries)
        score += len(kinds & self.entity_kinds)
        return score


def _stakeholders(
    stakeholders: Sequence[Stakeholder],
    bundle: StoryBundle,
    candidates: list[_Candidate],
    used: set[str],
    facts: Sequence[Fact],
    surnames: Mapping[str, _FullName],
    introduced: set[str],
    said: Sequence[frozenset[str]] = (),
    shown_facts: Iterable[str] = (),
) -> tuple[list[BriefSentence], dict[str, str]]:
    """A paragraph per stakeholder the story concerns, led by the report sentences that touch its
    interests, and the reason each other stakeholder got none.

    A stakeholder gets a paragraph only when some report sentence concerns it: a record alone says
    nothing about what the story means for it. The paragraph tells what the article has not: no
    sentence the article prints (``used``) or restates (``said``: the meaning words of its sentences).
    A record comes after the report sentences, only when it is about a subject those sentences name,
    at most once in the brief (``shown_facts``: records printed elsewhere are not repeated)."""
    story_slugs = {c.slug for c in bundle.categories}
    mentions_by_sentence: dict[str, set[str]] = defaultdict(set)
    for extraction in bundle.extractions.values():
        for mention in extraction.mentions:
            if mention.entity_id:
                mentions_by_sentence[mention.sentence_id].add(mention.entity_id)
    stems = {c.sentence.id: _stems(c.sentence.text) for c in candidates}
    facts_used: set[str] = set(shown_facts)
    out: list[BriefSentence] = []
    omitted: dict[str, str] = {}
    paragraph = 0
    for stakeholder in stakeholders:
        # An unclassified story is not ruled out by category: nothing says it is off the list.
        if stakeholder.categories and story_slugs and not story_slugs & set(stakeholder.categories):
            omitted[stakeholder.name] = "the story is in none of the categories it follows"
            continue
        interest = _StakeholderInterest.of(stakeholder)
        followed = [
            f
            for f in facts
            if f.id not in facts_used
            and any(fnmatch.fnmatch(f.predicate, p) for p in stakeholder.fact_predicates)
        ]
        followed_subjects = {f.subject_id for f in followed}
        relevant: list[tuple[float, _Candidate]] = []
        for candidate in candidates:
            meaning = meaning_words(candidate.sentence.text)
            if candidate.sentence.id in used or restates(meaning, said, _RESTATES_ARTICLE):
                continue
            # A paragraph is read after its stakeholder's name alone: "Her injuries …", "Besides …"
            # would lean on a sentence the reader never saw.
            if not stands_alone(candidate.sentence.text):
                continue
            entity_ids = mentions_by_sentence.get(candidate.sentence.id, set())
            kinds = {entity.kind for e in entity_ids if (entity := bundle.entities.get(e)) is not None}
            evidence = interest.evidence(stems[candidate.sentence.id], entity_ids, kinds)
            # One sign of interest is enough in a sentence naming the subject of a record the
            # stakeholder follows ("US citizens in Iraq" beside Iraq's travel advisory).
            if evidence >= _STAKEHOLDER_MIN_EVIDENCE or (evidence and entity_ids & followed_subjects):
                relevant.append((evidence + candidate.score, candidate))
        if not relevant:
            omitted[stakeholder.name] = "no report says anything that concerns it beyond the article"
            continue
        relevant.sort(key=lambda r: (-r[0], r[1].sentence.id))
        # Two reports often state the same thing ("The quake killed 12 …", "The earthquake killed 12
        # …"): a sentence restating one already picked adds nothing.
        distinct: list[_Candidate] = []
        picked_meanings: list[frozenset[str]] = []
        for _, candidate in relevant:
            meaning = meaning_words(candidate.sentence.text)
            if not restates(meaning, picked_meanings):
                distinct.append(candidate)
                picked_meanings.append(meaning)
            if len(distinct) == 2:
                break
        named = set(introduced)
        # The most relevant sentence leads; the other follows it.
        for candidate in distinct:
            text, sources = _with_full_names(_without_dateline(candidate.sentence.text), named, surnames)
            citations = (
                Citation("sentence", candidate.sentence.id),
                *(Citation("sentence", i) for i in sources),
            )
            out.append(
                BriefSentence(
                    BriefPart.STAKEHOLDER,
                    text,
                    citations,
                    paragraph=paragraph,
                    stakeholder=stakeholder.name,
                )
            )
        subjects = {e for c in distinct for e in mentions_by_sentence.get(c.sentence.id, set())}
        for fact in [f for f in followed if f.subject_id in subjects][:1]:
            facts_used.add(fact.id)
            out.append(
                BriefSentence(
                    BriefPart.STAKEHOLDER, fact.statement, (Citation("fact", fact.id),),
                    paragraph=paragraph, stakeholder=stakeholder.name,
                )
            )  # fmt: skip
        paragraph += 1
    return out, omitted
