"""Key insights: the reference records (facts) a brief lists, and which of them its article folds in."""

from __future__ import annotations

from collections.abc import Sequence

from wirebrief.records import BriefPart, BriefSentence, CategoryScore, Citation, Fact

# The article folds in the reference records that say who an actor is (a designation, a sanctions
# listing, a coalition) whatever the story; a travel advisory only where the story is about people's
# safety in the place (a rate cut or a cup final is no reason to quote one); a country's capital or
# population never (background, left to the insights).
_ACTOR_PREDICATES = frozenset(
    {
        "us_designation",
        "un_sanctions_listing",
        "eu_terrorist_listing",
        "uk_proscription",
        "member_of",
        "backed_by",
        "aligned_with",
        "leader_of",
    }
)
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


def _bears_on(fact: Fact, categories: Sequence[CategoryScore]) -> bool:
    """Whether ``fact`` belongs in the article of a story in ``categories`` (see above)."""
    if fact.predicate in _ACTOR_PREDICATES:
        return True
    if fact.predicate.startswith("travel_advisory"):
        return any(c.slug in _SAFETY_CATEGORIES for c in categories)
    return False


def _insights(facts: Sequence[Fact], max_insights: int) -> list[BriefSentence]:
    return [
        BriefSentence(BriefPart.INSIGHT, fact.statement, (Citation("fact", fact.id),), paragraph=n)
        for n, fact in enumerate(facts[:max_insights])
    ]
