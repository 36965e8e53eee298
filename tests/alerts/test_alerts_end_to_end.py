"""End to end: the bundled sample through the pipeline with alert rules, then a new report that raises
the Peru earthquake's toll and a reference snapshot that raises Peru's U.S. advisory level. Exactly the
expected alerts reach a real receiver once each, with verified signatures; an unchanged rerun sends
nothing; a delivering process killed with SIGKILL mid-batch loses and duplicates nothing on restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alert_helpers import SECRET, write_rules
from webhook_receiver import Receiver, running

from wirebrief.alerts.deliver import Deliverer
from wirebrief.alerts.outbox import load_rules
from wirebrief.pipeline import run
from wirebrief.samples import sample_dir
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE.parents[1] / "src" / "wirebrief" / "data" / "reference" / "snapshot.json"
PERU_REPORT = HERE / "data" / "peru-toll-rises.jsonl"


def rules_file(path: Path, url: str) -> Path:
    return write_rules(
        path,
        f"""
channels:
  soc: {{type: webhook, url: "{url}", secrets: [{SECRET}]}}
rules:
  - id: everything
    channels: [soc]
  - id: peru-level3
    countries: [PE]
    advisory_level: 3
    channels: [soc]
  - id: levels
    events: [level_raised, level_lowered]
    channels: [soc]
""",
    )


def deliver_all(settings: Settings) -> None:
    with Store.open(settings.resolved_database_url) as store:
        Deliverer(settings, store, load_rules(settings, store)).run()


@dataclass
class Journey:
    settings: Settings
    first_ids: list[str]
    second_ids: list[str]
    rerun_events: int
    events_after_first: int
    receiver: Receiver


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    root = tmp_path_factory.mktemp("alerts-e2e")
    with running(Receiver((SECRET,))) as receiver:
        settings = Settings(
            data_dir=root / "data",
            alerts_rules_file=rules_file(root / "alerts.yaml", receiver.url),
            alerts_allow_private_targets=True,
        )
        run(settings, [str(sample_dir())])
        deliver_all(settings)
        first_ids = receiver.verified_ids()
        with Store.open(settings.resolved_database_url) as store:
            events_after_first = len(stored.events(store, limit=10_000))
        # The same input again: no new brief version, so no alert.
        run(settings, [str(sample_dir())])
        with Store.open(settings.resolved_database_url) as store:
            rerun_events = len(stored.events(store, limit=10_000))
        deliver_all(settings)
        # A new report raises the toll; the U.S. raises Peru to level 3.
        snapshot = json.loads(SNAPSHOT.read_text("utf-8"))
        snapshot["travel_advisories"]["US"]["PE"] |= {
            "level": 3,
            "label": "Reconsider Travel",
            "date": "2026-11-19",
        }
        raised = root / "snapshot-raised.json"
        raised.write_text(json.dumps(snapshot), "utf-8")
        later = settings.model_copy(update={"reference_snapshot": raised})
        run(later, [str(PERU_REPORT)])
        deliver_all(later)
        all_ids = receiver.verified_ids()
        yield Journey(later, first_ids, all_ids[len(first_ids) :], rerun_events, events_after_first, receiver)


def events_by_id(settings: Settings) -> dict[str, stored.AlertEvent]:
    with Store.open(settings.resolved_database_url) as store:
        return {e.id: e for e in stored.events(store, limit=10_000)}


def test_the_first_run_alerts_once_per_matching_story(journey: Journey) -> None:
    events = events_by_id(journey.settings)
    first = Counter((events[i].rule_id, events[i].type) for i in journey.first_ids)
    with Store.open(journey.settings.resolved_database_url) as store:
        briefed = len(store.latest_briefs())
    # Every briefed story matches "everything"; a few have a level 3+ advisory but none of them is Peru.
    assert first[("everything", "story.matched")] == briefed
    assert set(first) == {("everything", "story.matched")}
    assert len(journey.first_ids) == len(set(journey.first_ids)) == journey.events_after_first
    assert all(r.verified for r in journey.receiver.received)


def test_an_unchanged_rerun_enqueues_nothing(journey: Journey) -> None:
    assert journey.rerun_events == journey.events_after_first


def test_a_higher_toll_and_a_raised_level_send_exactly_the_expected_alerts(journey: Journey) -> None:
    events = events_by_id(journey.settings)
    second = [events[i] for i in journey.second_ids]
    assert len({e.story_id for e in second}) == 1
    assert sorted((e.rule_id, e.type) for e in second) == [
        ("everything", "story.changed"),
        ("levels", "record.level_raised"),
        ("peru-level3", "story.matched"),
    ]
    raised = next(e for e in second if e.rule_id == "levels")
    assert raised.reasons == ("travel-advisory-us iso3166:PE: level 2 -> 3",)
    changed = next(e for e in second if e.rule_id == "everything")
    assert any("new reference record" in r for r in changed.reasons)
    assert "Peru" in changed.text  # the Peru quake story (its title is the writer's choice)
    # Each alert arrived once, signed.
    assert len(journey.second_ids) == len(set(journey.second_ids)) == 3
    assert len(events) == journey.events_after_first + 3


def test_a_killed_delivering_process_loses_and_duplicates_nothing(journey: Journey, tmp_path: Path) -> None:
    log_file = tmp_path / "received.jsonl"
    receiver = subprocess.Popen(
        [sys.executable, str(HERE / "webhook_receiver.py"), SECRET, str(log_file), "0.05"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert receiver.stdout is not None
        port = int(receiver.stdout.readline())
        rules = rules_file(tmp_path / "alerts.yaml", f"http://127.0.0.1:{port}/hook")
        settings = journey.settings.model_copy(update={"alerts_rules_file": rules})
        with Store.open(settings.resolved_database_url) as store:
            expected = {e.id for e in stored.events(store, limit=10_000)}
            for event_id in expected:
                stored.replay(store, event_id, datetime.now(UTC))
        env = {
            **os.environ,
            "WIREBRIEF_ALERTS_RULES_FILE": str(rules),
            "WIREBRIEF_ALERTS_ALLOW_PRIVATE_TARGETS": "true",
            "WIREBRIEF_REFERENCE_SNAPSHOT": str(settings.reference_snapshot),
            # The lease of an attempt is twice this: the one in flight at the kill is due again after it.
            "WIREBRIEF_ALERTS_WEBHOOK_TIMEOUT_S": "1",
        }
        command = [
            sys.executable,
            "-m",
            "wirebrief.cli",
            "--data-dir",
            str(settings.data_dir),
            "alerts",
            "deliver",
            "--once",
        ]

        def received() -> list[str]:
            if not log_file.exists():
                return []
            return [json.loads(line)["id"] for line in log_file.read_text("utf-8").splitlines() if line]

        deliverer = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(received()) < 5 and time.monotonic() < deadline and deliverer.poll() is None:
            time.sleep(0.01)
        assert deliverer.poll() is None, "the batch finished before the kill"
        os.kill(deliverer.pid, signal.SIGKILL)
        deliverer.wait()
        before_restart = received()
        assert 5 <= len(before_restart) < len(expected)
        time.sleep(2.5)  # past the lease of the attempt in flight at the kill
        restarted = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert restarted.returncode == 0, restarted.stderr
        arrived = received()
        assert set(arrived) == expected
        # Only the one request in flight at the kill may arrive twice, with the same webhook-id.
        repeats = sum(n - 1 for n in Counter(arrived).values())
        assert repeats <= 1
        with Store.open(settings.resolved_database_url) as store:
            assert {d.status for d in stored.deliveries(store, limit=10_000)} == {"delivered"}
    finally:
        receiver.kill()
        receiver.wait()
