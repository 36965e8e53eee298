"""The enrich stage: dated, sourced reference records (facts) about a story's entities.

``Enricher(settings).facts_for(entities)`` asks each ``FactProvider``; ``rank_facts`` orders a story's
facts by relevance. The records come from the bundled reference snapshot (built by
``python -m wirebrief.enrich.snapshot build``) and our knowledge base (``data/gazetteer``).
"""

from __future__ import annotations

from wirebrief.enrich.enricher import Enricher
from wirebrief.enrich.facts import fact_id, make_fact
from wirebrief.enrich.providers import (
    AffiliationProvider,
    CountryProfileProvider,
    DesignationProvider,
    EuTerroristListProvider,
    FactProvider,
    TravelAdvisoryProvider,
    UkProscriptionProvider,
    UnSanctionsProvider,
    default_providers,
)
from wirebrief.enrich.ranking import (
    PREDICATE_WEIGHTS,
    PROVIDER_WEIGHTS,
    fact_score,
    rank_facts,
    salient_entities,
)
from wirebrief.enrich.snapshot import Snapshot, build_snapshot, load_snapshot

__all__ = [
    "PREDICATE_WEIGHTS",
    "PROVIDER_WEIGHTS",
    "AffiliationProvider",
    "CountryProfileProvider",
    "DesignationProvider",
    "Enricher",
    "EuTerroristListProvider",
    "FactProvider",
    "Snapshot",
    "TravelAdvisoryProvider",
    "UkProscriptionProvider",
    "UnSanctionsProvider",
    "build_snapshot",
    "default_providers",
    "fact_id",
    "fact_score",
    "load_snapshot",
    "make_fact",
    "rank_facts",
    "salient_entities",
]
