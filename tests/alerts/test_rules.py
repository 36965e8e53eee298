"""Alert rules: the YAML file's checks, each filter, quiet hours, record events and when a rule fires."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alert_helpers import SECRET, first_brief, write_rules

from wirebrief.alerts.rules import (
    PreviousVersion,
    Rule,
    RuleSet,
    brief_features,
    load_rule_file,
    record_events,
    record_state,
)
from wirebrief.errors import ConfigError
from wirebrief.records import CategoryScore, Entity, EntityKind, StoryBundle

RULES = f"""
channels:
  soc:
    type: webhook
    url: https://hooks.example.org/wirebrief
    secrets: [{SECRET}]
  desk:
    type: email
    to: [desk@example.org]
rules:
  - id: iraq
    countries: [IQ]
    channels: [soc, desk]
  - id: drones
    query: '"drone attack" ain'
    categories: [war-and-conflicts]
    min_sources: 2
    channels: [soc]
"""


def test_a_rule_file_gives_typed_rules_and_channels(tmp_path: Path) -> None:
    rule_file = load_rule_file(write_rules(tmp_path / "alerts.yaml", RULES))
    assert [r.id for r in rule_file.rules] == ["iraq", "drones"]
    assert rule_file.channels["desk"].type == "email"
    assert rule_file.rules[1].terms == (("drone", "attack"), ("ain",))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("rules: [{id: a, channels: [nowhere]}]", "unknown channels ['nowhere']"),
        ("rules: [{id: a, channels: []}]", "rules.0.channels"),
        ("rules: [{id: a, channel: [x]}]", "rules.0.channel: Extra inputs are not permitted"),
        ("channels: {x: {type: webhook, url: 'https://h.example', secrets: [nope]}}", "whsec_"),
        ("channels: {x: {type: email, to: [nobody]}}", "not an e-mail address"),
        ("rules: [{id: a, channels: [x], quiet_hours: '25:00-01:00'}]", "quiet_hours"),
        ("rules: [{id: a, channels: [x], advisory_level: 5}]", "advisory_level"),
        ("rules: [a: b: c]", "not valid YAML"),
    ],
)
def test_a_bad_rule_file_is_one_error_naming_the_file_and_the_problem(
    tmp_path: Path, body: str, problem: str
) -> None:
    path = write_rules(tmp_path / "alerts.yaml", body)
    with pytest.raises(ConfigError) as caught:
        load_rule_file(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_each_filter_must_match(bundle: StoryBundle) -> None:
    brief = first_brief(bundle)
    features = brief_features(
        brief, bundle.entities.values(), bundle.facts, [a.title for a in bundle.articles]
    )

    def matches(**fields: object) -> bool:
        rule = Rule.model_validate({"id": "r", "channels": ["c"], **fields})
        return bool(RuleSet([rule], {}).matching(features))

    assert matches()
    assert matches(countries=["iq"]) and matches(countries=["Iraq"]) and not matches(countries=["FR"])
    assert matches(categories=["war-and-conflicts", "sports"]) and not matches(categories=["sports"])
    assert matches(entities=["iso3166:IQ"]) and not matches(entities=["wikidata:Q1"])
    assert matches(query="drone Asad") and not matches(query="drone ferry")
    assert matches(query='"drone attack"') and not matches(query='"attack drone"')
    assert matches(min_sources=2) and not matches(min_sources=3)
    assert matches(advisory_level=4) and matches(advisory_level=3, countries=["IQ"])
    assert not matches(advisory_level=4, countries=["FR"])


def test_the_advisory_filter_reads_the_level_of_a_country_in_the_story(bundle: StoryBundle) -> None:
    lowered = replace(bundle.facts[0], value="2")
    features = brief_features(first_brief(bundle), bundle.entities.values(), [lowered])
    rule = Rule.model_validate({"id": "r", "channels": ["c"], "advisory_level": 3})
    assert not RuleSet([rule], {}).matching(features)


def test_quiet_hours_defer_to_their_end_across_midnight() -> None:
    rule = Rule.model_validate({"id": "r", "channels": ["c"], "quiet_hours": "22:00-06:30"})
    assert rule.quiet_until(datetime(2026, 1, 5, 23, 0, tzinfo=UTC)) == datetime(
        2026, 1, 6, 6, 30, tzinfo=UTC
    )
    assert rule.quiet_until(datetime(2026, 1, 5, 3, 0, tzinfo=UTC)) == datetime(2026, 1, 5, 6, 30, tzinfo=UTC)
    assert rule.quiet_until(datetime(2026, 1, 5, 12, 0, tzinfo=UTC)) is None


def test_record_events_compare_cited_levels_and_listings(bundle: StoryBundle) -> None:
    level4 = bundle.facts[0]
    level3 = replace(level4, id="f-3", value="3")
    listing = replace(
        level4, id="f-l", predicate="un_sanctions_listing", value="QDe.001", subject_id="wikidata:Q1"
    )
    assert record_events(record_state([level3]), record_state([level4, listing])) == [
        ("level_raised", "travel-advisories iso3166:IQ: level 3 -> 4"),
        ("listing_added", "un_sanctions_listing wikidata:Q1"),
    ]
    assert [e for e, _ in record_events(record_state([level4, listing]), record_state([level3]))] == [
        "level_lowered",
        "listing_removed",
    ]


def test_a_rule_fires_on_first_match_then_only_on_material_change(bundle: StoryBundle) -> None:
    old = replace(first_brief(bundle), version=1)
    rules = RuleSet(
        [
            Rule.model_validate({"id": "any", "channels": ["c"]}),
            Rule.model_validate({"id": "quiet", "channels": ["c"], "changes": None}),
            Rule.model_validate({"id": "levels", "channels": ["c"], "events": ["level_raised"]}),
        ],
        {},
    )
    previous = PreviousVersion(old, record_state(bundle.facts), {f.id: f for f in bundle.facts})
    features = brief_features(old, bundle.entities.values(), bundle.facts)
    first = rules.fire(old, features, alerted=set, previous=lambda: None)
    assert [(f.rule.id, f.type) for f in first] == [("any", "story.matched"), ("quiet", "story.matched")]

    # The same content again: nothing is material.
    same = replace(old, version=2)
    assert not rules.fire(same, features, alerted=lambda: {"any", "quiet"}, previous=lambda: previous)

    # A higher toll and a new category: "any" fires on the change, "quiet" asked for first matches only.
    sentences = list(old.sentences)
    sentences[1] = replace(sentences[1], text=sentences[1].text.replace("12", "15"))
    grown = replace(
        old,
        version=2,
        sentences=tuple(sentences),
        categories=(*old.categories, CategoryScore("disaster", "Disaster", 0.5)),
    )
    fired = rules.fire(grown, features, alerted=lambda: {"any", "quiet"}, previous=lambda: previous)
    assert [(f.rule.id, f.type) for f in fired] == [("any", "story.changed")]
    assert fired[0].reasons == ("figures in headline: 12 -> 15", "new category: disaster")


def test_matching_a_brief_never_reads_other_stories(bundle: StoryBundle) -> None:
    """Loaders are called only for rules that match, and at most once per version."""
    calls: list[str] = []
    rules = RuleSet(
        [Rule.model_validate({"id": f"r{i}", "channels": ["c"], "countries": ["FR"]}) for i in range(50)], {}
    )
    features = brief_features(first_brief(bundle), [Entity("iso3166:IQ", "Iraq", EntityKind.COUNTRY)], [])

    def alerted() -> set[str]:
        calls.append("alerted")
        return set()

    assert rules.fire(first_brief(bundle), features, alerted=alerted, previous=lambda: None) == []
    assert calls == []
