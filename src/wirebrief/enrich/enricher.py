"""The enrich stage: ``Enricher(settings).facts_for(entities) -> list[Fact]``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from wirebrief.enrich.providers import FactProvider, default_providers
from wirebrief.errors import ProviderError
from wirebrief.records import Entity, Fact
from wirebrief.settings import Settings

log = logging.getLogger(__name__)


def snapshot_path(settings: Settings) -> Path | None:
    """The snapshot to read: ``reference_snapshot``, else the one ``wirebrief refresh`` wrote into
    ``data_dir/reference``, else None (the bundled one)."""
    if settings.reference_snapshot is not None:
        return settings.reference_snapshot
    refreshed = settings.data_dir / "reference" / "snapshot.json"
    return refreshed if refreshed.exists() else None


class Enricher:
    """Asks every provider about every entity. A provider that fails (``ProviderError``) is logged and
    skipped for the rest of the call; its error is kept in ``errors`` (the errors of the last call)."""

    def __init__(self, settings: Settings, providers: Sequence[FactProvider] | None = None) -> None:
        self.settings = settings
        self.providers: list[FactProvider] = (
            list(providers) if providers is not None else default_providers(snapshot_path(settings))
        )
        self.errors: list[ProviderError] = []

    def facts_for(self, entities: Iterable[Entity]) -> list[Fact]:
        """Facts about ``entities``, de-duplicated by id, sorted by subject, predicate, date and id."""
        self.errors = []
        subjects = sorted({e.id: e for e in entities}.values(), key=lambda e: e.id)
        found: dict[str, Fact] = {}
        for provider in self.providers:
            try:
                for entity in subjects:
                    for fact in provider.facts_for(entity):
                        found.setdefault(fact.id, fact)
            except ProviderError as error:
                log.warning("enrichment provider %s skipped: %s", provider.name, error)
                self.errors.append(error)
        return sorted(
            found.values(),
            key=lambda f: (
                f.subject_id,
                f.predicate,
                f.as_of.isoformat() if f.as_of else "",
                f.provider,
                f.id,
            ),
        )
