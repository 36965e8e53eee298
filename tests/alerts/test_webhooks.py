"""Webhook delivery against a real receiver on 127.0.0.1 that checks signatures with the
``standardwebhooks`` library and answers 500, 429 (Retry-After), 410, 302 or hangs on cue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alert_helpers import OLD_SECRET, SECRET, make_event, write_rules
from standardwebhooks.webhooks import Webhook
from webhook_receiver import Receiver, running

from wirebrief.alerts import webhooks
from wirebrief.alerts.deliver import Deliverer
from wirebrief.alerts.outbox import load_rules
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored


def test_the_signature_is_the_standard_webhooks_one() -> None:
    body = b'{"type":"story.matched","timestamp":"2026-11-20T12:00:00+00:00","data":{}}'
    stamp = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    ours = webhooks.signature(SECRET, "evt-1", int(stamp.timestamp()), body)
    assert ours == Webhook(SECRET).sign("evt-1", stamp, body)
    headers = webhooks.signed_headers((SECRET, OLD_SECRET), "evt-1", int(datetime.now(UTC).timestamp()), body)
    # During a rotation both secrets sign: a receiver holding either one accepts the message.
    for secret in (SECRET, OLD_SECRET):
        Webhook(secret).verify(body, headers)
        assert webhooks.verify(secret, headers, body)
    assert not webhooks.verify(SECRET, headers, body + b" ")
    assert not webhooks.verify(SECRET, headers, body, now=datetime.now(UTC) + timedelta(minutes=6))


@pytest.mark.parametrize("secret", ["whsec_", "secret", "whsec_!!!!", "whsec_c2hvcnQ="])
def test_a_bad_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError):
        webhooks.secret_key(secret)


def test_retry_after_and_backoff() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert webhooks.retry_after_s("120", now) == 120
    assert webhooks.retry_after_s("Fri, 20 Nov 2026 12:01:00 GMT", now) == 60
    assert webhooks.retry_after_s("soon", now) is None
    waits = [webhooks.backoff(n, 30, 3600) for n in range(1, 10)]
    assert all(15 <= w <= 30 for w in waits[:1]) and all(w <= 3600 for w in waits)
    assert webhooks.backoff(4, 30, 3600) >= 120  # half of 30 * 2^3: jitter never takes more than half


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running(Receiver((SECRET,), hang_s=1.5)) as started:
        yield started


def configured(settings: Settings, tmp_path: Path, url: str, **rule: object) -> Settings:
    extra = "".join(f"    {k}: {v}\n" for k, v in rule.items())
    body = f"""
channels:
  soc: {{type: webhook, url: "{url}", secrets: [{SECRET}]}}
rules:
  - id: iraq
    countries: [IQ]
    channels: [soc]
{extra}"""
    return settings.model_copy(update={"alerts_rules_file": write_rules(tmp_path / "alerts.yaml", body)})


def deliver(settings: Settings, store: Store, later_s: float = 0) -> object:
    return Deliverer(settings, store, load_rules(settings, store)).run(
        now=datetime.now(UTC) + timedelta(seconds=later_s)
    )


def test_delivered_once_with_a_verified_signature_and_the_brief_json(
    settings: Settings, store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    settings = configured(settings, tmp_path, receiver.url)
    event_id = make_event(store, 1)
    report = deliver(settings, store)
    assert report.delivered == 1  # type: ignore[attr-defined]
    (got,) = receiver.received
    assert got.verified and got.webhook_id == event_id
    payload = got.payload
    assert payload["type"] == "story.matched" and payload["data"]["brief"]["story_id"] == "s-1"
    assert payload["data"]["rule"] == "iraq"
    assert deliver(settings, store, later_s=3600).delivered == 0  # type: ignore[attr-defined]
    assert len(receiver.received) == 1
    (delivery,) = stored.deliveries(store)
    assert delivery.status == "delivered" and delivery.last_status == 204


def test_500_then_429_are_retried_with_backoff_and_retry_after(
    settings: Settings, store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    settings = configured(settings, tmp_path, receiver.url)
    make_event(store, 1)
    receiver.cues[:] = ["500", "429"]
    first = deliver(settings, store)
    assert first.retried == 1 and not receiver.received  # type: ignore[attr-defined]
    second = deliver(settings, store, later_s=60)
    assert second.retried == 1  # type: ignore[attr-defined]
    (delivery,) = stored.deliveries(store)
    assert delivery.last_status == 429
    # Retry-After: 1 is later than the 0.05 s backoff, so it is honoured.
    assert delivery.next_attempt_at >= (delivery.last_attempt_at or datetime.now(UTC)) + timedelta(
        seconds=0.99
    )
    assert deliver(settings, store, later_s=120).delivered == 1  # type: ignore[attr-defined]
    assert receiver.verified_ids() == [delivery.event_id]
    log = [a["outcome"] for a in stored.attempts(store, delivery.event_id)]
    assert log == ["retry", "retry", "delivered"]


def test_a_timeout_and_a_redirect_are_failures_and_the_redirect_is_not_followed(
    settings: Settings, store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    settings = configured(settings, tmp_path, receiver.url).model_copy(
        update={"alerts_webhook_timeout_s": 0.3}
    )
    make_event(store, 1)
    receiver.cues[:] = ["hang", "302"]
    assert deliver(settings, store).retried == 1  # type: ignore[attr-defined]
    assert "timed out" in (stored.deliveries(store)[0].last_error or "")
    assert deliver(settings, store, later_s=60).retried == 1  # type: ignore[attr-defined]
    assert "redirects are not followed" in (stored.deliveries(store)[0].last_error or "")
    assert not receiver.received


def test_410_disables_the_endpoint_and_replay_enables_it(
    settings: Settings, store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    settings = configured(settings, tmp_path, receiver.url)
    first, second = make_event(store, 1), make_event(store, 2)
    receiver.cues[:] = ["410"]
    report = deliver(settings, store)
    assert report.dead == 2  # type: ignore[attr-defined]
    assert "soc" in stored.disabled_endpoints(store)
    assert {d.status for d in stored.deliveries(store)} == {"dead"}
    assert not receiver.received
    assert stored.replay(store, second, datetime.now(UTC)) == ["soc"]
    assert deliver(settings, store).delivered == 1  # type: ignore[attr-defined]
    assert receiver.verified_ids() == [second]
    assert stored.deliveries(store, event_id=first)[0].status == "dead"


def test_too_many_failures_make_a_dead_letter(
    settings: Settings, store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    settings = configured(settings, tmp_path, receiver.url).model_copy(update={"alerts_max_attempts": 2})
    make_event(store, 1)
    receiver.cues[:] = ["500", "500"]
    deliver(settings, store)
    report = deliver(settings, store, later_s=60)
    assert report.dead == 1  # type: ignore[attr-defined]
    (dead,) = stored.deliveries(store, status="dead")
    assert dead.attempts == 2 and dead.last_error == "HTTP 500 Internal Server Error"


def test_a_loopback_target_is_refused_unless_allowed(
    settings: Settings, store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    settings = configured(settings, tmp_path, receiver.url).model_copy(
        update={"alerts_allow_private_targets": False}
    )
    make_event(store, 1)
    assert deliver(settings, store).dead == 1  # type: ignore[attr-defined]
    assert "private, loopback or link-local" in (stored.deliveries(store)[0].last_error or "")
    assert not receiver.received


def test_a_large_brief_is_sent_as_a_link_and_summary(
    settings: Settings, store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    settings = configured(settings, tmp_path, receiver.url).model_copy(
        update={"alerts_max_body_bytes": 1000, "public_base_url": "https://news.example.org/"}
    )
    event = stored.AlertEvent(
        id="evt-big",
        rule_id="iraq",
        story_id="s-big",
        brief_version=3,
        type="story.changed",
        reasons=("2 new reports",),
        title="Big story",
        summary="A long brief.",
        created_at=datetime.now(UTC),
        data={"article": ["x" * 5000]},
        text="long",
    )
    stored.enqueue(store, event, [("soc", datetime.now(UTC))])
    deliver(settings, store)
    data = receiver.received[0].payload["data"]
    assert data["brief"] is None and data["truncated"] is True
    assert (
        data["story_url"] == "https://news.example.org/stories/s-big" and data["summary"] == "A long brief."
    )
    assert receiver.received[0].verified


def test_the_rate_limit_and_quiet_hours_defer_and_never_drop(
    settings: Settings, store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    limited = configured(settings, tmp_path, receiver.url, rate_limit_per_hour=2)
    ids = [make_event(store, n) for n in range(3)]
    report = deliver(limited, store)
    assert (report.delivered, report.deferred) == (2, 1)  # type: ignore[attr-defined]
    pending = stored.deliveries(store, status="pending")
    assert [d.event_id for d in pending] == [ids[2]]
    # An hour on, the limit has room again: the deferred one goes.
    assert deliver(limited, store, later_s=3700).delivered == 1  # type: ignore[attr-defined]
    hour = datetime.now(UTC).hour
    quiet = configured(
        settings, tmp_path, receiver.url, quiet_hours=f"'{hour:02d}:00-{(hour + 1) % 24:02d}:00'"
    )
    make_event(store, 9)
    assert deliver(quiet, store).deferred >= 1  # type: ignore[attr-defined]
    assert receiver.verified_ids() == ids


def test_the_webhook_printed_in_the_docs_carries_a_valid_signature() -> None:
    import re

    text = (Path(__file__).resolve().parents[2] / "docs" / "alerts.md").read_text("utf-8")
    block = re.search(r"```http\n(.*?)```", text, re.S)
    assert block is not None
    head, body = block.group(1).split("\n\n", 1)
    headers = dict(line.split(": ", 1) for line in head.splitlines()[1:])
    secret = re.search(r"secret `(whsec_[^`]+)`", text)
    assert secret is not None
    stamp = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    expected = Webhook(secret.group(1)).sign(headers["webhook-id"], stamp, body.strip().encode())
    assert headers["webhook-signature"] == expected
