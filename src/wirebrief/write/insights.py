"""Key insights: the reference records (facts) a brief lists, and which of them its article folds in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wirebrief.records import BriefPart, BriefSentence, CategoryScore, Citation, Fact, StoryBundle

# A travel advisory is an insight only where the story is about people's safety in the place (a rate
# cut or a cup final is no reason to quote one).
_SAFETY_CATEGORIES = frozenset(
    {
        "war-and-conflicts",
        "terrorism",
        "crime-and-justice",
        "disasters-and-accidents",
        "health",
        "transport-and-travel",
        "humanitarian-aid",
        "migration",
        "human-rights",
    }
)


# A country's capital or population explains nothing about a story: never a bullet.
_BACKGROUND_PREDICATES = frozenset({"capital", "population"})
# Mentions that place events somewhere: a nationality ("a Japanese designer", NORP) does not.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_LEAD_SENTENCES = 2


def event_places(bundle: StoryBundle) -> set[str]:
    """Entities (and their countries) the reports place events in: named as a place in a report's lead,
    or as a place by two independent sources. A country named in passing (one migrant's home, a
    designer's nationality) is not where the story happens."""
    articles = {a.id: a for a in bundle.articles}
    sources: dict[str, set[str]] = {}
    places: set[str] = set()
    for extraction in bundle.extractions.values():
        article = articles.get(extraction.article_id)
        source = article.independent_source if article is not None else extraction.article_id
        leads = {s.id for s in extraction.sentences if s.index < _LEAD_SENTENCES}
        for mention in extraction.mentions:
            if mention.entity_id is None or mention.label not in _PLACE_LABELS:
                continue
            if mention.sentence_id in leads:
                places.add(mention.entity_id)
            sources.setdefault(mention.entity_id, set()).add(source)
    places |= {entity for entity, named_by in sources.items() if len(named_by) > 1}
    countries = {
        country
        for place in places
        if (entity := bundle.entities.get(place)) is not None
        and (country := entity.external_ids.get("country"))
    }
    return places | {c if c.startswith("iso3166:") else f"iso3166:{c}" for c in countries}


def _safety_story(categories: Sequence[CategoryScore]) -> bool:
    return any(c.slug in _SAFETY_CATEGORIES for c in categories)


def _cautions(fact: Fact) -> bool:
    """An advisory that asks for more than normal precautions (level 2 of 4 or above): "exercise normal
    precautions" tells a reader of a story nothing about safety in the place."""
    return not fact.value.isdigit() or int(fact.value) >= 2


def insight_facts(bundle: StoryBundle, facts: Sequence[Fact], shown: Iterable[str] = ()) -> list[Fact]:
    """The records worth a bullet, in the enricher's order of relevance: about the story's subjects,
    never a capital or population, an advisory only for a country where the events happen and only in
    a story where safety bears on it, and none the article already states (``shown``: fact ids)."""
    places = event_places(bundle)
    safety = _safety_story(bundle.categories)
    skip = set(shown)
    out: list[Fact] = []
    for fact in facts:
        if fact.id in skip or fact.predicate in _BACKGROUND_PREDICATES:
            continue
        if fact.predicate.startswith("travel_advisory") and not (
            safety and _cautions(fact) and fact.subject_id in places
        ):
            continue
        # One advisory per country: another government's advice on it corroborates, it adds no bullet.
        if fact.predicate.startswith("travel_advisory") and any(
            f.predicate.startswith("travel_advisory") and f.subject_id == fact.subject_id for f in out
        ):
            continue
        out.append(fact)
    return out


def _insights(facts: Sequence[Fact], max_insights: int) -> list[BriefSentence]:
    return [
        BriefSentence(BriefPart.INSIGHT, fact.statement, (Citation("fact", fact.id),), paragraph=n)
        for n, fact in enumerate(facts[:max_insights])
    ]
