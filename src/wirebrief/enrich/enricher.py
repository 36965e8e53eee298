"""The enrich stage: ``Enricher(settings).facts_for(entities) -> list[Fact]``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from wirebrief.enrich.providers import FactProvider, default_providers
from wirebrief.enrich.snapshot import SNAPSHOT_PROVIDER, load_snapshot
from wirebrief.enrich.status import now_for_log, read_status, record_error, record_success
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
    skipped for the rest of the call; its error is kept in ``errors`` (the errors of the last call).

    A refreshed (or configured) snapshot that cannot be read is logged, recorded for `wirebrief sources`
    and replaced by the bundled one, whose records keep their own dates; that error heads ``errors``."""

    def __init__(self, settings: Settings, providers: Sequence[FactProvider] | None = None) -> None:
        self.settings = settings
        self.snapshot_error: ProviderError | None = None
        if providers is None:
            providers = default_providers(self._usable_snapshot_path())
        self.providers: list[FactProvider] = list(providers)
        self.errors: list[ProviderError] = []

    def _usable_snapshot_path(self) -> Path | None:
        path = snapshot_path(self.settings)
        if path is None:
            return None
        try:
            snapshot = load_snapshot(path)
        except ProviderError as error:
            log.warning("%s; the bundled reference snapshot is used instead", error)
            self.snapshot_error = error
            try:
                record_error(self.settings, error.provider, str(path), error.problem, now_for_log())
            except OSError as exc:  # a read-only data_dir must not stop enrichment
                log.warning("cannot record the provider error: %s", exc)
            return None
        # A snapshot that failed before and reads now gets a success, so the sources view is not stale.
        earlier = read_status(self.settings).get(SNAPSHOT_PROVIDER)
        if earlier is not None and (earlier.last_success_at or "") < (earlier.last_error_at or ""):
            try:
                record_success(
                    self.settings, SNAPSHOT_PROVIDER, str(path), len(snapshot.data["sources"]), now_for_log()
                )
            except OSError as exc:
                log.warning("cannot record the provider status: %s", exc)
        return path

    def facts_for(self, entities: Iterable[Entity]) -> list[Fact]:
        """Facts about ``entities``, de-duplicated by id, sorted by subject, predicate, date and id."""
        self.errors = [self.snapshot_error] if self.snapshot_error is not None else []
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
