"""Ranking a story's facts by relevance: how much the story is about the subject, how much the kind of
record matters (designations and advisories above country profiles), and how recent it is."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from wirebrief.records import Article, Extraction, Fact

PREDICATE_WEIGHTS: Mapping[str, float] = {
    "us_designation": 3.0,
    "un_sanctions_listing": 3.0,
    "eu_terrorist_listing": 3.0,
    "uk_proscription": 3.0,
    "travel_advisory_level": 3.0,
    "member_of": 2.0,
    "backed_by": 2.0,
    "aligned_with": 1.5,
    "leader_of": 2.0,
    "capital": 0.5,
    "population": 0.5,
}
DEFAULT_PREDICATE_WEIGHT = 1.0
# The U.S. advisory is the reference one for our readers; other governments' advice on the same country
# is corroboration and ranks below it.
PROVIDER_WEIGHTS: Mapping[str, float] = {"travel-advisory-ca": 0.5, "travel-advisory-au": 0.5}
# A mention in one of a report's first sentences (its lead) makes an entity part of the story.
LEAD_SENTENCES = 2
# A record loses half of its recency bonus every this many years; undated records get the floor.
RECENCY_HALF_LIFE_YEARS = 3.0
RECENCY_FLOOR = 0.5


def _recency(as_of: date | None, story_time: datetime) -> float:
    if as_of is None:
        return RECENCY_FLOOR
    age_years = max((story_time.date() - as_of).days, 0) / 365.25
    decay: float = 0.5 ** (age_years / RECENCY_HALF_LIFE_YEARS)
    return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * decay


def fact_score(fact: Fact, mentions_by_entity: Mapping[str, int], as_of: datetime) -> float:
    mentions = mentions_by_entity.get(fact.subject_id, 0)
    # Facts about entities the story never names (reached through a relation) rank below all others.
    salience = 1.0 + math.log1p(mentions) if mentions > 0 else 0.5
    weight = PREDICATE_WEIGHTS.get(fact.predicate, DEFAULT_PREDICATE_WEIGHT)
    weight *= PROVIDER_WEIGHTS.get(fact.provider, 1.0)
    if fact.predicate == "travel_advisory_level" and fact.value.isdigit():
        # "Exercise normal precautions" (level 1) tells a reader little; "Do not travel" (4) a lot.
        weight *= 0.5 + 0.5 * (min(max(int(fact.value), 1), 4) - 1) / 3
    return salience * weight * _recency(fact.as_of, as_of)


def rank_facts(facts: Iterable[Fact], mentions_by_entity: Mapping[str, int], as_of: datetime) -> list[Fact]:
    """``facts`` best first (ties by id, so the order is stable); facts dated after ``as_of`` are kept
    but get no recency bonus beyond a same-day record."""
    unique = {fact.id: fact for fact in facts}
    return sorted(unique.values(), key=lambda f: (-fact_score(f, mentions_by_entity, as_of), f.id))


def salient_entities(extractions: Iterable[Extraction], articles: Mapping[str, Article]) -> set[str]:
    """Entities a story is about: named in the lead of a report, or by two independent sources.

    A passing mention ("a move to an Australian club" in a New Zealand cup final, the nationality of
    one migrant) makes no entity part of the story, and brings it no reference records: a careful
    editor would not brief Australia's travel advisory beside that final.
    """
    sources: dict[str, set[str]] = {}
    salient: set[str] = set()
    for extraction in extractions:
        article = articles.get(extraction.article_id)
        source = article.independent_source if article is not None else extraction.article_id
        leads = {s.id for s in extraction.sentences if s.index < LEAD_SENTENCES}
        for mention in extraction.mentions:
            if mention.entity_id is None:
                continue
            if mention.sentence_id in leads:
                salient.add(mention.entity_id)
            sources.setdefault(mention.entity_id, set()).add(source)
    return salient | {entity for entity, named_by in sources.items() if len(named_by) > 1}
