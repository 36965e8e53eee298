"""The alerts router: rules CRUD behind the push token, deliveries, and the Atom feed of a rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored
from wirebrief.web.alerts_api import alerts_router

TOKEN = "alerts-api-test-token-0123456789abcdef"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    rules = tmp_path / "alerts.yaml"
    rules.write_text(
        f"""
channels:
  soc: {{type: webhook, url: "https://hooks.example.org/x", secrets: [{SECRET}]}}
rules:
  - id: iraq
    countries: [IQ]
    channels: [soc]
""",
        "utf-8",
    )
    return Settings(
        data_dir=tmp_path,
        push_token=TOKEN,
        alerts_rules_file=rules,
        public_base_url="https://news.example.org",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(alerts_router(settings))
    with TestClient(app) as started:
        yield started


def test_every_rules_route_wants_the_token(client: TestClient) -> None:
    for method, path in (
        ("GET", "/api/v1/alerts/rules"),
        ("PUT", "/api/v1/alerts/rules/x"),
        ("DELETE", "/api/v1/alerts/rules/x"),
        ("GET", "/api/v1/alerts/deliveries"),
    ):
        answer = client.request(method, path, headers={"Authorization": "Bearer wrong"})
        assert answer.status_code == 401, path
        assert answer.json()["error"] == "unauthorised"


def test_rules_are_added_listed_replaced_and_removed(client: TestClient) -> None:
    rule = {"query": "drone", "channels": ["soc"], "min_sources": 2}
    created = client.put("/api/v1/alerts/rules/drones", json=rule, headers=AUTH)
    assert created.status_code == 201 and created.json()["rule"]["min_sources"] == 2
    assert (
        client.put("/api/v1/alerts/rules/drones", json=rule | {"min_sources": 3}, headers=AUTH).status_code
        == 200
    )
    listed = client.get("/api/v1/alerts/rules", headers=AUTH).json()
    assert [(i["id"], i["source"]) for i in listed["items"]] == [("drones", "api"), ("iraq", "file")]
    assert listed["items"][0]["rule"]["min_sources"] == 3
    assert client.delete("/api/v1/alerts/rules/drones", headers=AUTH).status_code == 204
    assert client.delete("/api/v1/alerts/rules/drones", headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"),
    [
        ("/api/v1/alerts/rules/x", {"channels": ["nowhere"]}, 422, "unknown channels ['nowhere']"),
        ("/api/v1/alerts/rules/x", {"channels": ["soc"], "advisory_level": 9}, 422, "advisory_level"),
        ("/api/v1/alerts/rules/x", {"id": "y", "channels": ["soc"]}, 422, "is not the path's"),
        ("/api/v1/alerts/rules/iraq", {"channels": ["soc"]}, 409, "rules file"),
    ],
)
def test_a_bad_rule_is_refused_with_the_problem(
    client: TestClient, path: str, body: dict[str, object], status: int, detail: str
) -> None:
    answer = client.put(path, json=body, headers=AUTH)
    assert answer.status_code == status and detail in answer.json()["detail"]


def test_the_atom_feed_has_one_entry_per_alert(client: TestClient, settings: Settings) -> None:
    with Store.open(settings.resolved_database_url) as store:
        for n in range(2):
            event = stored.AlertEvent(
                id=f"evt-{n}",
                rule_id="iraq",
                story_id=f"s-{n}",
                brief_version=1,
                type="story.matched",
                reasons=("first match",),
                title=f"Story {n} <b>",
                summary="Headline.",
                created_at=datetime(2026, 11, 20, 12, n, tzinfo=UTC),
                data={},
                text="Story text.",
            )
            stored.enqueue(store, event, [("soc", event.created_at)])
    answer = client.get("/api/v1/alerts/rules/iraq/feed.atom")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == ["urn:wirebrief:evt-1", "urn:wirebrief:evt-0"]
    assert entries[0].findtext(f"{ATOM}title") == "Story 1 <b>"
    assert entries[0].find(f"{ATOM}link").get("href") == "https://news.example.org/stories/s-1"  # type: ignore[union-attr]
    assert client.get("/api/v1/alerts/rules/nope/feed.atom").status_code == 404
    deliveries = client.get("/api/v1/alerts/deliveries", headers=AUTH).json()
    assert {d["event_id"] for d in deliveries["last"]} == {"evt-0", "evt-1"} and deliveries["dead"] == []


def test_a_rule_feed_is_private_like_every_feed_when_feed_token_is_set(settings: Settings) -> None:
    private = settings.model_copy(update={"feed_token": SecretStr("feed-token-0123456789abcdef")})
    app = FastAPI()
    app.include_router(alerts_router(private))
    with TestClient(app) as client:
        assert client.get("/api/v1/alerts/rules/iraq/feed.atom").status_code == 404
        assert client.get("/api/v1/alerts/rules/iraq/feed.atom?token=wrong").status_code == 404
        answer = client.get("/api/v1/alerts/rules/iraq/feed.atom?token=feed-token-0123456789abcdef")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
