"""Alert rules: parsed from a YAML file (and the API) into typed rules, and matched per brief version.

A rule matches a brief when every filter it sets matches (a list filter matches when any of its items
does): categories, countries, entities, a free-text query, a minimum of independent sources, an
advisory level of at least N for a country in the story. A matching rule *fires*:

- the first time it matches a story (``story.matched``);
- afterwards only on a material change between the previous brief version and this one (new figures,
  new cited reference records, a new category, at least N new reports): ``story.changed``;
- a rule that lists record ``events`` fires only when one of them happened between the two versions
  (a travel-advisory level raised or lowered, a listing added or removed): ``record.<event>``.

Matching works on one brief version's :class:`BriefFeatures` against the rules, so its cost grows with
the number of rules and the size of the brief, never with the number of stored stories.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from wirebrief.errors import ConfigError
from wirebrief.publish.changes import category_changes, fact_changes, figure_changes
from wirebrief.records import Brief, Entity, EntityKind, Fact

RecordEvent = Literal["level_raised", "level_lowered", "listing_added", "listing_removed"]
Digest = Literal["none", "daily", "weekly"]

ADVISORY_PREDICATE: Final = "travel_advisory_level"
LISTING_PREDICATES: Final = frozenset(
    {"un_sanctions_listing", "eu_terrorist_listing", "uk_proscription", "us_designation"}
)
_ID: Final = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
_WORD: Final = re.compile(r"\w+")
_TERM: Final = re.compile(r'"([^"]+)"|(\S+)')
_QUIET: Final = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookChannel(_Model):
    """A Standard Webhooks endpoint. ``secrets``: ``whsec_<base64>``; the first signs, and during a
    rotation both sign (the receiver accepts either signature)."""

    type: Literal["webhook"] = "webhook"
    url: str = Field(pattern=r"^https?://")
    secrets: tuple[str, ...] = Field(min_length=1, max_length=2)

    @field_validator("secrets")
    @classmethod
    def _whsec(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from wirebrief.alerts.webhooks import secret_key

        for secret in value:
            secret_key(secret)  # raises ValueError naming the problem
        return value


class EmailChannel(_Model):
    """Mail to these addresses through the SMTP settings."""

    type: Literal["email"] = "email"
    to: tuple[str, ...] = Field(min_length=1)

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for address in value:
            if "@" not in address or any(c.isspace() for c in address):
                raise ValueError(f"not an e-mail address: {address!r}")
        return value


Channel = Annotated[WebhookChannel | EmailChannel, Field(discriminator="type")]


class ChangeTriggers(_Model):
    """What counts as a material change of a story a rule already alerted on."""

    figures: bool = True  # numbers changed in a statement (a toll, a level)
    facts: bool = True  # a reference record newly cited
    categories: bool = True  # a new category
    new_reports: int | None = Field(3, ge=1)  # at least this many more reports (None: never)


class Rule(_Model):
    id: str = Field(pattern=_ID)
    channels: tuple[str, ...] = Field(min_length=1)
    categories: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166 alpha-2 codes or names
    entities: tuple[str, ...] = ()  # entity ids (wikidata:Q…, iso3166:IQ) or names
    query: str | None = None  # every word (or "quoted phrase") must appear in the brief or its titles
    min_sources: int = Field(1, ge=1)
    advisory_level: int | None = Field(None, ge=1, le=4)
    events: tuple[RecordEvent, ...] = ()
    changes: ChangeTriggers | None = ChangeTriggers(figures=True, facts=True, categories=True, new_reports=3)
    rate_limit_per_hour: int | None = Field(None, ge=1)  # None: the alerts_rate_limit_per_hour setting
    quiet_hours: str | None = None  # "22:00-06:30", UTC
    digest: Digest = "none"  # e-mail channels: one mail per alert, or a daily or weekly digest

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None and not _QUIET.match(value):
            raise ValueError(f"quiet_hours must look like 22:00-06:30 (UTC), not {value!r}")
        return value

    @property
    def terms(self) -> tuple[tuple[str, ...], ...]:
        """The query's terms, each as its lower-case words (a quoted phrase is several words)."""
        if not self.query:
            return ()
        found = []
        for phrase, word in _TERM.findall(self.query):
            words = tuple(w.lower() for w in _WORD.findall(phrase or word))
            if words:
                found.append(words)
        return tuple(found)

    def quiet_until(self, now: datetime) -> datetime | None:
        """When the quiet hours around ``now`` end, or None when ``now`` is not in them."""
        if self.quiet_hours is None:
            return None
        match = _QUIET.match(self.quiet_hours)
        assert match is not None
        start = time(int(match[1]), int(match[2]))
        end = time(int(match[3]), int(match[4]))
        moment = now.timetz().replace(tzinfo=None)
        inside = (start <= moment < end) if start <= end else (moment >= start or moment < end)
        if not inside:
            return None
        day = now.date() if moment < end else now.date() + timedelta(days=1)
        return datetime.combine(day, end, tzinfo=now.tzinfo)


class RuleFile(_Model):
    channels: dict[str, Channel] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> RuleFile:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
            unknown = [c for c in rule.channels if c not in self.channels]
            if unknown:
                raise ValueError(f"rule {rule.id!r} names unknown channels {unknown}")
        return self


def _validation_problem(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"])
        parts.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return "; ".join(parts)


def load_rule_file(path: Path) -> RuleFile:
    """The rules and channels of a YAML file; :class:`ConfigError` naming the file and the problem."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"alert rules file {path}: cannot read it ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"alert rules file {path}: not valid YAML ({exc})") from exc
    try:
        return RuleFile.model_validate(raw or {})
    except ValidationError as exc:
        raise ConfigError(f"alert rules file {path}: {_validation_problem(exc)}") from exc


def parse_rule(data: Any, channels: Mapping[str, object], where: str = "rule") -> Rule:
    """One rule from JSON data (the API), checked against the known channels."""
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {_validation_problem(exc)}") from exc
    unknown = [c for c in rule.channels if c not in channels]
    if unknown:
        raise ConfigError(f"{where}: unknown channels {unknown}; known: {sorted(channels)}")
    return rule


# ------------------------------------------------------------------------------------------ features


RecordKey = tuple[str, str, str]  # provider, subject id, predicate


@dataclass(frozen=True, slots=True)
class BriefFeatures:
    """What rules look at in one brief version, computed once per version."""

    categories: frozenset[str]
    countries: frozenset[str]  # ISO codes and names, lower case
    entities: frozenset[str]  # ids and names, lower case
    words: frozenset[str]
    text: str  # lower-case words joined by single spaces (for phrases)
    independent_sources: int
    advisory: Mapping[str, int]  # country key (code and name, lower case) -> highest level
    records: Mapping[RecordKey, str]  # the cited advisory levels and listings


def record_state(facts: Iterable[Fact]) -> dict[RecordKey, str]:
    return {
        (f.provider, f.subject_id, f.predicate): f.value
        for f in facts
        if f.predicate == ADVISORY_PREDICATE or f.predicate in LISTING_PREDICATES
    }


def _country_keys(entity_id: str, name: str) -> set[str]:
    keys = {name.lower()}
    if entity_id.startswith("iso3166:"):
        keys.add(entity_id.split(":", 1)[1].lower())
    return keys


def brief_features(
    brief: Brief,
    entities: Iterable[Entity],
    facts: Iterable[Fact],
    titles: Iterable[str] = (),
    *,
    cited: Iterable[Fact] | None = None,
) -> BriefFeatures:
    """The features of ``brief``; ``entities`` and ``facts`` are the story's (or those it cites),
    ``titles`` its reports' headlines. Record events compare the records the brief ``cited`` (default
    ``facts``), which are stored with every version."""
    countries: set[str] = set()
    entity_keys: set[str] = set()
    for entity in entities:
        entity_keys.update((entity.id.lower(), entity.name.lower()))
        if entity.kind == EntityKind.COUNTRY:
            countries |= _country_keys(entity.id, entity.name)
    fact_list = list(facts)
    advisory: dict[str, int] = {}
    for fact in fact_list:
        if fact.predicate == ADVISORY_PREDICATE and fact.value.isdigit():
            for key in _country_keys(fact.subject_id, fact.subject_name):
                advisory[key] = max(advisory.get(key, 0), int(fact.value))
    words = _WORD.findall(" ".join([*titles, *(s.text for s in brief.sentences)]).lower())
    return BriefFeatures(
        categories=frozenset(c.slug for c in brief.categories),
        countries=frozenset(countries),
        entities=frozenset(entity_keys),
        words=frozenset(words),
        text=" ".join(words),
        independent_sources=brief.independent_sources,
        advisory=advisory,
        records=record_state(fact_list if cited is None else cited),
    )


def record_events(
    old: Mapping[RecordKey, str], new: Mapping[RecordKey, str]
) -> list[tuple[RecordEvent, str]]:
    """The record events between two versions' cited records: (event, what), in key order."""
    found: list[tuple[RecordEvent, str]] = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        provider, subject, predicate = key
        if predicate == ADVISORY_PREDICATE:
            if before is not None and after is not None and before.isdigit() and after.isdigit():
                if int(after) > int(before):
                    found.append(("level_raised", f"{provider} {subject}: level {before} -> {after}"))
                elif int(after) < int(before):
                    found.append(("level_lowered", f"{provider} {subject}: level {before} -> {after}"))
        elif before is None and after is not None:
            found.append(("listing_added", f"{predicate} {subject}"))
        elif before is not None and after is None:
            found.append(("listing_removed", f"{predicate} {subject}"))
    return found


def _lower(values: Sequence[str]) -> frozenset[str]:
    return frozenset(v.lower() for v in values)


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: Rule
    categories: frozenset[str]
    countries: frozenset[str]
    entities: frozenset[str]
    terms: tuple[tuple[str, ...], ...]

    def matches(self, f: BriefFeatures) -> bool:
        rule = self.rule
        if f.independent_sources < rule.min_sources:
            return False
        if self.categories and self.categories.isdisjoint(f.categories):
            return False
        if (
            self.countries
            and self.countries.isdisjoint(f.countries)
            and self.countries.isdisjoint(f.advisory)
        ):
            return False
        if self.entities and self.entities.isdisjoint(f.entities):
            return False
        for term in self.terms:
            if len(term) == 1:
                if term[0] not in f.words:
                    return False
            elif f" {' '.join(term)} " not in f" {f.text} ":
                return False
        if rule.advisory_level is not None:
            keys = self.countries or f.advisory.keys()
            if not any(f.advisory.get(k, 0) >= rule.advisory_level for k in keys):
                return False
        return True


@dataclass(frozen=True, slots=True)
class PreviousVersion:
    """The brief version before the one being matched, with the reference records both cite."""

    brief: Brief
    records: Mapping[RecordKey, str]
    facts: Mapping[str, Fact]  # by id: the facts either version cites


@dataclass(frozen=True, slots=True)
class Firing:
    rule: Rule
    type: str  # story.matched, story.changed, record.<event>
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VersionChanges:
    """Every kind of change between two versions, computed once per version for all rules."""

    figures: tuple[str, ...]
    facts: tuple[str, ...]
    categories: tuple[str, ...]
    new_reports: int

    @classmethod
    def between(cls, previous: PreviousVersion, new: Brief) -> VersionChanges:
        old = previous.brief
        figures = []
        for change in figure_changes(old, new, previous.facts):
            old_figures, new_figures = ", ".join(change.old_figures), ", ".join(change.new_figures)
            figures.append(f"figures in {change.where}: {old_figures} -> {new_figures}")
        added, _removed = fact_changes(old, new, previous.facts)
        added_categories, _gone = category_changes(old, new)
        return cls(
            figures=tuple(figures),
            facts=tuple(f"new reference record: {c.statement}" for c in added),
            categories=tuple(f"new category: {c.slug}" for c in added_categories),
            new_reports=new.report_count - old.report_count,
        )

    def material(self, triggers: ChangeTriggers) -> list[str]:
        """The changes that ``triggers`` count as material."""
        reasons: list[str] = []
        if triggers.figures:
            reasons.extend(self.figures)
        if triggers.facts:
            reasons.extend(self.facts)
        if triggers.categories:
            reasons.extend(self.categories)
        if triggers.new_reports is not None and self.new_reports >= triggers.new_reports:
            reasons.append(f"{self.new_reports} new reports")
        return reasons


class RuleSet:
    """Rules compiled once for matching; :meth:`fire` is called per brief version."""

    def __init__(self, rules: Iterable[Rule], channels: Mapping[str, WebhookChannel | EmailChannel]) -> None:
        self.rules = {r.id: r for r in rules}
        self.channels = dict(channels)
        self._compiled = [
            _CompiledRule(r, _lower(r.categories), _lower(r.countries), _lower(r.entities), r.terms)
            for r in self.rules.values()
        ]

    def __len__(self) -> int:
        return len(self.rules)

    def matching(self, features: BriefFeatures) -> list[Rule]:
        return [c.rule for c in self._compiled if c.matches(features)]

    def fire(
        self,
        brief: Brief,
        features: BriefFeatures,
        *,
        alerted: Callable[[], set[str]],
        previous: Callable[[], PreviousVersion | None],
    ) -> list[Firing]:
        """The rules that fire on ``brief``. ``alerted()`` gives the ids of the rules that already
        alerted on this story, ``previous()`` the previous version; both are called only when a rule
        matches, and at most once."""
        matched = self.matching(features)
        if not matched:
            return []
        already = alerted()
        before: PreviousVersion | None = None
        loaded = False
        changes: VersionChanges | None = None
        events: list[tuple[RecordEvent, str]] | None = None
        firings: list[Firing] = []
        for rule in matched:
            if rule.events or rule.id in already:
                if not loaded:
                    before, loaded = previous(), True
                if before is None:
                    continue
                if rule.events:
                    if events is None:
                        events = record_events(before.records, features.records)
                    happened = [(event, what) for event, what in events if event in rule.events]
                    if happened:
                        kinds = sorted({event for event, _ in happened})
                        firings.append(Firing(rule, f"record.{kinds[0]}", tuple(w for _, w in happened)))
                elif rule.changes is not None:
                    if changes is None:
                        changes = VersionChanges.between(before, brief)
                    reasons = changes.material(rule.changes)
                    if reasons:
                        firings.append(Firing(rule, "story.changed", tuple(reasons)))
            else:
                firings.append(Firing(rule, "story.matched", ("first match",)))
        return firings
