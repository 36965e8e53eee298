"""The outbox: alert events are stored in the transaction of the brief version causing them, once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alert_helpers import SECRET, first_brief, write_rules

from wirebrief.alerts.outbox import AlertHook, alert_hook, load_rules, next_digest
from wirebrief.errors import ConfigError
from wirebrief.records import StoryBundle, stable_id
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

RULES = f"""
channels:
  soc: {{type: webhook, url: "http://127.0.0.1:9/hook", secrets: [{SECRET}]}}
  desk: {{type: email, to: [desk@example.org]}}
rules:
  - id: iraq
    countries: [IQ]
    channels: [soc, desk]
    digest: daily
  - id: france
    countries: [FR]
    channels: [soc]
"""


@pytest.fixture
def hook(settings: Settings, store: Store, tmp_path: Path) -> AlertHook:
    path = write_rules(tmp_path / "alerts.yaml", RULES)
    found = alert_hook(settings.model_copy(update={"alerts_rules_file": path}), store)
    assert found is not None
    return found


def save(store: Store, hook: AlertHook, bundle: StoryBundle, brief: object) -> list[str]:
    with store.transaction():
        stored_brief = store.save_brief(brief)  # type: ignore[arg-type]
        return [e.event_id for e in hook.brief_saved(store, stored_brief, bundle)]


def test_a_new_brief_version_enqueues_one_event_per_firing_rule(
    store: Store, hook: AlertHook, bundle: StoryBundle
) -> None:
    ids = save(store, hook, bundle, first_brief(bundle))
    assert ids == [stable_id("evt", "iraq", bundle.story.id, "1")]
    (event,) = stored.events(store)
    assert event.type == "story.matched" and event.data["story_id"] == bundle.story.id
    assert "drone attack" in event.text
    pending = {d.channel: d for d in stored.deliveries(store)}
    assert set(pending) == {"soc", "desk"} and {d.status for d in pending.values()} == {"pending"}
    # The mail waits for the daily digest; the webhook is due at once.
    assert pending["desk"].next_attempt_at > pending["soc"].next_attempt_at
    assert pending["desk"].next_attempt_at.hour == 7


def test_the_same_version_again_enqueues_nothing(store: Store, hook: AlertHook, bundle: StoryBundle) -> None:
    save(store, hook, bundle, first_brief(bundle))
    assert save(store, hook, bundle, first_brief(bundle)) == []
    assert len(stored.events(store)) == 1


def test_a_failed_transaction_stores_neither_the_version_nor_its_alerts(
    store: Store, hook: AlertHook, bundle: StoryBundle
) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        brief = store.save_brief(first_brief(bundle))
        assert hook.brief_saved(store, brief, bundle)
        raise RuntimeError("the run dies before commit")
    assert store.brief_versions(bundle.story.id) == [] and stored.events(store) == []


def test_an_unchanged_story_sends_nothing_and_a_material_change_one_alert(
    store: Store, hook: AlertHook, bundle: StoryBundle
) -> None:
    first = first_brief(bundle)
    save(store, hook, bundle, first)
    sentences = list(first.sentences)
    sentences[1] = replace(sentences[1], text=sentences[1].text.replace("12", "15"))
    assert save(store, hook, bundle, replace(first, sentences=tuple(sentences))) == [
        stable_id("evt", "iraq", bundle.story.id, "2")
    ]
    newest = stored.events(store, rule_id="iraq")[0]
    assert newest.type == "story.changed" and newest.reasons == ("figures in headline: 12 -> 15",)


def test_rules_added_through_the_api_are_matched_with_the_files(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    path = write_rules(tmp_path / "alerts.yaml", RULES)
    configured = settings.model_copy(update={"alerts_rules_file": path})
    stored.put_rule(store, "drones", {"id": "drones", "query": "drone", "channels": ["soc"]}, NOW)
    assert sorted(load_rules(configured, store).rules) == ["drones", "france", "iraq"]
    stored.put_rule(store, "broken", {"id": "broken", "channels": ["nowhere"]}, NOW)
    with pytest.raises(ConfigError, match="stored alert rule broken: unknown channels"):
        load_rules(configured, store)


def test_no_rules_no_hook(settings: Settings, store: Store) -> None:
    assert alert_hook(settings, store) is None


def test_digests_are_due_at_the_digest_hour_daily_or_on_monday() -> None:
    assert next_digest(NOW, "daily", 7) == datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    assert next_digest(NOW, "weekly", 7) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # a Monday
    assert next_digest(datetime(2026, 11, 20, 6, 0, tzinfo=UTC), "daily", 7) == datetime(
        2026, 11, 20, 7, 0, tzinfo=UTC
    )


def test_a_due_delivery_is_claimed_by_one_deliverer_only(store: Store) -> None:
    from alert_helpers import make_event

    make_event(store, 1)
    (seen_by_first,) = stored.due_deliveries(store, datetime.now(UTC))
    (seen_by_second,) = stored.due_deliveries(store, datetime.now(UTC))
    lease_end = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    assert stored.claim(store, seen_by_first, lease_end)
    assert not stored.claim(store, seen_by_second, lease_end)
    assert stored.due_deliveries(store, datetime.now(UTC)) == []
    assert [d.event_id for d in stored.due_deliveries(store, lease_end)] == [seen_by_first.event_id]
