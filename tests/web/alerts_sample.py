"""A copy of the sample site with alert rules and stored alerts (tests/web/test_alerts_pages.py and the
browser test): two rules of a rules file, one added through the store, and alerts of one story —
delivered, retrying after an error, a dead letter — written by the store functions the deliverer uses."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from push_server import running_server

from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
HOOK_URL = "https://hooks.example.org/services/T0/B0/wb-hook-path"
ADDRESS = "duty-desk@newsroom.example.org"
LEAKS = (HOOK_URL, "hooks.example.org", "wb-hook-path", SECRET, "MfKQ9r8GKYqr", ADDRESS, "duty-desk")
ATOM = "{http://www.w3.org/2005/Atom}"
RULES = f"""
channels:
  soc: {{type: webhook, url: "{HOOK_URL}", secrets: [{SECRET}]}}
  desk: {{type: email, to: ["{ADDRESS}"]}}
rules:
  - id: everything
    channels: [soc, desk]
  - id: sourced
    min_sources: 2
    advisory_level: 3
    countries: [IQ, SY]
    channels: [desk]
"""


@dataclass(frozen=True)
class AlertsSite:
    base: str
    settings: Settings
    alerted: str  # a story with two alerts
    quiet: str  # a story without any


def _event(rule_id: str, story_id: str, version: int, kind: str, at: datetime) -> stored.AlertEvent:
    return stored.AlertEvent(
        id=f"evt-{rule_id}-{story_id}-{version}",
        rule_id=rule_id,
        story_id=story_id,
        brief_version=version,
        type=kind,
        reasons=("first match",),
        title=f"Alert title of {story_id}",
        summary="Headline.",
        created_at=at,
        data={"story_id": story_id},
        text="Story text.",
    )


@contextmanager
def serve_alerts_site(site_settings: Settings, folder: Path) -> Iterator[AlertsSite]:
    """Serve a copy (in ``folder``) of the SQLite sample site, which must not change, with the alerts."""
    copy = folder / "wirebrief.db"
    shutil.copy(site_settings.resolved_database_url.removeprefix("sqlite:///"), copy)
    rules = folder / "alerts.yaml"
    rules.write_text(RULES, "utf-8")
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{copy}", alerts_rules_file=rules)
    with running_server(settings) as base:
        stories = httpx.get(f"{base}/api/v1/stories?limit=5", timeout=30).json()["items"]
        alerted, quiet = stories[0]["story_id"], stories[1]["story_id"]
        at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
        with Store.open(settings.resolved_database_url) as store:
            stored.put_rule(store, "api-rule", {"id": "api-rule", "query": "drone", "channels": ["soc"]}, at)
            first = _event("everything", alerted, 1, "story.matched", at)
            second = _event(
                "api-rule", alerted, stories[0]["version"], "story.changed", at + timedelta(hours=1)
            )
            stored.enqueue(store, first, [("soc", at), ("desk", at)])
            stored.enqueue(store, second, [("soc", second.created_at)])
            desk, soc = sorted(stored.deliveries(store, event_id=first.id), key=lambda d: d.channel)
            stored.record_attempt(store, soc, outcome="delivered", at=at + timedelta(seconds=1), status=204)
            stored.record_attempt(
                store,
                desk,
                outcome="dead",
                at=at + timedelta(seconds=2),
                error=f"SMTP: (550, b'5.1.1 <{ADDRESS}>: Recipient address rejected')",
            )
            (retrying,) = stored.deliveries(store, event_id=second.id)
            stored.record_attempt(
                store,
                retrying,
                outcome="retry",
                at=second.created_at + timedelta(seconds=1),
                next_attempt_at=second.created_at + timedelta(minutes=5),
                error=f"request failed (ConnectError: cannot reach {HOOK_URL}?sig={SECRET})",
            )
        yield AlertsSite(base, settings, alerted, quiet)
