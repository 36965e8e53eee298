"""The outbox: alert events written in the transaction of the brief version that caused them.

The pipeline calls :meth:`AlertHook.brief_saved` inside the ``store.transaction()`` that stores a new
brief version, so the version and its alerts are stored together or not at all. An event's id is
``stable_id("evt", rule, story, version)``: storing the same version again enqueues nothing, and it
is the ``webhook-id`` of every attempt to deliver it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from wirebrief.alerts.rules import (
    BriefFeatures,
    EmailChannel,
    Firing,
    PreviousVersion,
    Rule,
    RuleSet,
    WebhookChannel,
    brief_features,
    load_rule_file,
    parse_rule,
    record_state,
)
from wirebrief.publish import SourceIndex, brief_to_dict, render_text
from wirebrief.publish.changes import cited_fact_ids
from wirebrief.records import Brief, Entity, Fact, StoryBundle, stable_id
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored

log = logging.getLogger(__name__)


def load_rules(settings: Settings, store: Store | None = None) -> RuleSet:
    """The rules of the rules file and, with a store, those added through the API (which name the
    file's channels). An empty set when there is neither."""
    path = settings.resolved_alerts_rules_file
    rules: dict[str, Rule] = {}
    channels: dict[str, WebhookChannel | EmailChannel] = {}
    if path is not None:
        rule_file = load_rule_file(path)
        channels = dict(rule_file.channels)
        rules = {r.id: r for r in rule_file.rules}
    if store is not None:
        for rule_id, definition in stored.stored_rules(store).items():
            if rule_id in rules:
                log.warning("alert rule %s is in the rules file and the store; the file's is used", rule_id)
                continue
            rules[rule_id] = parse_rule(definition, channels, f"stored alert rule {rule_id}")
    return RuleSet(rules.values(), channels)


def next_digest(now: datetime, digest: str, hour: int) -> datetime:
    """When the digest that an alert created ``now`` belongs to is due (``hour`` UTC; weekly: Monday)."""
    due = now.astimezone(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    if due <= now:
        due += timedelta(days=1)
    if digest == "weekly":
        due += timedelta(days=(7 - due.weekday()) % 7)
    return due


def story_url(settings: Settings, story_id: str) -> str | None:
    """The story's page under ``public_base_url`` (the link of webhooks, mails and the Atom feed), or
    None when that setting is not given."""
    if not settings.public_base_url:
        return None
    return f"{settings.public_base_url.rstrip('/')}/stories/{story_id}"


def _previous(store: Store, brief: Brief) -> PreviousVersion | None:
    versions = [v for v in store.brief_versions(brief.story_id) if brief.version is None or v < brief.version]
    if not versions:
        return None
    old = store.brief(brief.story_id, versions[-1])
    if old is None:
        return None
    ids = sorted(set(cited_fact_ids(old)) | set(cited_fact_ids(brief)))
    facts = {f.id: f for f in store.facts(ids)} if ids else {}
    return PreviousVersion(old, record_state(facts[i] for i in cited_fact_ids(old) if i in facts), facts)


def cited_features(
    brief: Brief, entities: Iterable[Entity], facts: Mapping[str, Fact], titles: Iterable[str]
) -> BriefFeatures:
    """Features over the story's ``facts``; record events over those the brief cites (what two
    versions of a story can be compared on)."""
    cited = [facts[i] for i in cited_fact_ids(brief) if i in facts]
    return brief_features(brief, entities, facts.values(), titles, cited=cited)


def features_from_store(store: Store, brief: Brief) -> BriefFeatures:
    """A stored brief's features, read from the store (``wirebrief alerts test``)."""
    story = store.story(brief.story_id)
    article_ids = list(story.article_ids) if story is not None else []
    entity_ids: set[str] = set()
    for article_id in article_ids:
        extraction = store.extraction(article_id)
        if extraction is not None:
            entity_ids.update(m.entity_id for m in extraction.mentions if m.entity_id)
    entities = store.entities(sorted(entity_ids)) if entity_ids else []
    ids = list(cited_fact_ids(brief))
    facts = {f.id: f for f in store.facts(ids)} if ids else {}
    titles = [a.title for a in store.articles(article_ids)] if article_ids else []
    return cited_features(brief, entities, facts, titles)


@dataclass(frozen=True, slots=True)
class Enqueued:
    event_id: str
    rule_id: str
    type: str


class AlertHook:
    """Matches each new brief version against the rules and writes the outbox rows."""

    def __init__(self, settings: Settings, rules: RuleSet) -> None:
        self.settings = settings
        self.rules = rules

    def event_for(
        self, firing: Firing, brief: Brief, data: dict[str, object], text: str, now: datetime
    ) -> stored.AlertEvent:
        assert brief.version is not None
        return stored.AlertEvent(
            id=stable_id("evt", firing.rule.id, brief.story_id, str(brief.version)),
            rule_id=firing.rule.id,
            story_id=brief.story_id,
            brief_version=brief.version,
            type=firing.type,
            reasons=firing.reasons,
            title=brief.title or brief.headline,
            summary=brief.headline,
            created_at=now,
            data=data,
            text=text,
        )

    def brief_saved(
        self, store: Store, brief: Brief, bundle: StoryBundle, *, now: datetime | None = None
    ) -> list[Enqueued]:
        """Enqueue the alerts ``brief`` (a newly stored version) fires. Call it inside the
        ``store.transaction()`` that stored the version."""
        if not len(self.rules) or brief.version is None:
            return []
        facts = bundle.fact_index()
        features = cited_features(brief, bundle.entities.values(), facts, (a.title for a in bundle.articles))
        firings = self.rules.fire(
            brief,
            features,
            alerted=lambda: stored.alerted_rules(store, brief.story_id),
            previous=lambda: _previous(store, brief),
        )
        if not firings:
            return []
        moment = now or datetime.now(UTC)
        data = brief_to_dict(brief, SourceIndex.from_bundle(bundle))
        text = render_text(brief)
        items = []
        for firing in firings:
            event = self.event_for(firing, brief, data, text, moment)
            deliveries = []
            for name in firing.rule.channels:
                channel = self.rules.channels.get(name)
                due = moment
                if isinstance(channel, EmailChannel) and firing.rule.digest != "none":
                    due = next_digest(moment, firing.rule.digest, self.settings.alerts_digest_hour)
                deliveries.append((name, due))
            items.append((event, deliveries))
        fresh = set(stored.enqueue_many(store, items))
        enqueued = [Enqueued(e.id, e.rule_id, e.type) for e, _ in items if e.id in fresh]
        return enqueued


def alert_hook(settings: Settings, store: Store) -> AlertHook | None:
    """The hook for the pipeline, or None when no rules are configured (nothing to match)."""
    rules = load_rules(settings, store)
    return AlertHook(settings, rules) if len(rules) else None
