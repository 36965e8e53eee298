"""`wirebrief alerts`, `alerts test`, `alerts deliver --once` and `alerts replay` through the real
entry point, on a SQLite store with the shared test bundle's story."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alert_helpers import SECRET, first_brief, make_event, write_rules
from webhook_receiver import Receiver, running

from wirebrief.records import StoryBundle
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored
from wirebrief_cli import run_wirebrief


@pytest.fixture
def sqlite_store(settings: Settings, bundle: StoryBundle) -> Iterator[Store]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with Store.open(settings.resolved_database_url) as store:
        store.upsert_articles(list(bundle.articles))
        store.save_stories([bundle.story])
        store.save_facts(bundle.facts)
        store.save_brief(first_brief(bundle))
        yield store


def env_for(tmp_path: Path, url: str) -> dict[str, str]:
    rules = write_rules(
        tmp_path / "alerts.yaml",
        f"""
channels:
  soc: {{type: webhook, url: "{url}", secrets: [{SECRET}]}}
rules:
  - id: iraq
    countries: [IQ]
    channels: [soc]
  - id: france
    countries: [FR]
    channels: [soc]
""",
    )
    return {"WIREBRIEF_ALERTS_RULES_FILE": str(rules), "WIREBRIEF_ALERTS_ALLOW_PRIVATE_TARGETS": "true"}


def test_list_test_deliver_and_replay(settings: Settings, sqlite_store: Store, tmp_path: Path) -> None:
    with running(Receiver((SECRET,))) as receiver:
        env = env_for(tmp_path, receiver.url)
        tested = run_wirebrief(settings.data_dir, "alerts", "test", "iraq", env=env)
        assert tested.returncode == 0, tested.stderr
        assert "s-test" in tested.stdout and "story.matched now" in tested.stdout
        assert "1 of the stored stories match rule iraq" in tested.stdout
        nothing = run_wirebrief(settings.data_dir, "alerts", "test", "france", env=env)
        assert "0 of the stored stories match rule france" in nothing.stdout

        event_id = make_event(sqlite_store, 1)
        sent = run_wirebrief(settings.data_dir, "alerts", "deliver", "--once", env=env)
        assert sent.returncode == 0, sent.stderr
        assert "delivered 1, retried 0, dead letters 0, deferred 0" in sent.stdout
        listed = run_wirebrief(settings.data_dir, "alerts", env=env)
        assert "iraq" in listed.stdout and "delivered" in listed.stdout

        replayed = run_wirebrief(settings.data_dir, "alerts", "replay", event_id, env=env)
        assert replayed.returncode == 0 and f"{event_id}: due again for soc" in replayed.stdout
        run_wirebrief(settings.data_dir, "alerts", "deliver", "--once", env=env)
        assert receiver.verified_ids() == [event_id, event_id]
        assert [a["outcome"] for a in stored.attempts(sqlite_store, event_id)] == ["delivered", "delivered"]


def test_unknown_rule_or_event_is_one_line_and_exit_status_5(
    settings: Settings, sqlite_store: Store, tmp_path: Path
) -> None:
    env = env_for(tmp_path, "http://127.0.0.1:9/hook")
    unknown_rule = run_wirebrief(settings.data_dir, "alerts", "test", "nope", env=env)
    assert unknown_rule.returncode == 5
    assert "no alert rule nope (rules: france, iraq)" in unknown_rule.stderr
    unknown_event = run_wirebrief(settings.data_dir, "alerts", "replay", "evt-nope", env=env)
    assert unknown_event.returncode == 5 and "no alert event evt-nope" in unknown_event.stderr


def test_a_bad_rules_file_is_one_error_naming_it(
    settings: Settings, sqlite_store: Store, tmp_path: Path
) -> None:
    bad = write_rules(tmp_path / "bad.yaml", "rules: [{id: x, channels: [nowhere]}]")
    answer = run_wirebrief(settings.data_dir, "alerts", env={"WIREBRIEF_ALERTS_RULES_FILE": str(bad)})
    assert answer.returncode == 2
    assert f"alert rules file {bad}" in answer.stderr and "unknown channels ['nowhere']" in answer.stderr
