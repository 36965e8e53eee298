"""Sending what is due from the outbox: webhooks and e-mail, within quiet hours and rate limits.

Before an attempt the delivery is leased (its next attempt moved to twice the send timeout ahead, unless
another deliverer moved it first), and its outcome is stored in its own transaction right after the
attempt. So two deliverers never send the same delivery at once, and a process killed mid-batch loses
nothing: what was delivered stays delivered, the rest stays pending. The one attempt in flight at the
kill is sent again once its lease ends, with the same ``webhook-id`` (receivers drop it, as Standard
Webhooks asks).

Quiet hours and the per-rule rate limit defer a delivery (``deferred`` in the log), never drop it. A
webhook that answers 410 is disabled; its pending deliveries become dead letters until
``wirebrief alerts replay`` re-enables it.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from wirebrief.alerts import email as mail
from wirebrief.alerts import webhooks
from wirebrief.alerts.outbox import story_url
from wirebrief.alerts.rules import EmailChannel, Rule, RuleSet, WebhookChannel
from wirebrief.errors import ConfigError
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.store import alerts as stored

log = logging.getLogger(__name__)

# How long a delivery waits when its channel is missing or e-mail is not configured (a logged skip).
_UNCONFIGURED_WAIT = timedelta(hours=1)


@dataclass(slots=True)
class DeliveryRun:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0
    problems: list[str] = field(default_factory=list)


def webhook_body(event: stored.AlertEvent, settings: Settings) -> bytes:
    """The signed body: the brief's JSON export, or a link and summary when that is too large."""
    data: dict[str, Any] = {
        "rule": event.rule_id,
        "reasons": list(event.reasons),
        "story_id": event.story_id,
        "brief_version": event.brief_version,
        "story_url": story_url(settings, event.story_id),
        "brief": dict(event.data),
    }
    body = webhooks.envelope(event.type, event.created_at, data)
    if len(body) <= settings.alerts_max_body_bytes:
        return body
    data["brief"] = None
    data["title"], data["summary"], data["truncated"] = event.title, event.summary, True
    return webhooks.envelope(event.type, event.created_at, data)


class Deliverer:
    """Sends due deliveries; one instance per ``wirebrief alerts deliver`` run."""

    def __init__(self, settings: Settings, store: Store, rules: RuleSet) -> None:
        self.settings = settings
        self.store = store
        self.rules = rules
        self._sent_this_hour: dict[str, int] = {}
        self._client: httpx.Client | None = None

    def _rate_limited(self, rule: Rule | None, rule_id: str, now: datetime) -> datetime | None:
        limit = (rule.rate_limit_per_hour if rule else None) or self.settings.alerts_rate_limit_per_hour
        if rule_id not in self._sent_this_hour:
            self._sent_this_hour[rule_id] = stored.delivered_since(
                self.store, rule_id, now - timedelta(hours=1)
            )
        if self._sent_this_hour[rule_id] < limit:
            return None
        return now + timedelta(seconds=max(60.0, 3600.0 / limit))

    def run(self, now: datetime | None = None, limit: int = 500) -> DeliveryRun:
        """Attempt every delivery due at ``now`` (at most ``limit``)."""
        try:
            return self._run(now or datetime.now(UTC), limit)
        finally:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _run(self, now: datetime, limit: int) -> DeliveryRun:
        report = DeliveryRun()
        due = stored.due_deliveries(self.store, now, limit)
        if not due:
            return report
        events = {
            e.id: e for e in stored.events(self.store, sorted({d.event_id for d in due}), limit=len(due))
        }
        disabled = stored.disabled_endpoints(self.store)
        digests: dict[tuple[str, str], list[stored.Delivery]] = defaultdict(list)
        for delivery in due:
            event = events.get(delivery.event_id)
            rule = self.rules.rules.get(delivery.rule_id)
            channel = self.rules.channels.get(delivery.channel)
            if event is None:
                continue
            if channel is None:
                self._defer(
                    delivery,
                    now + _UNCONFIGURED_WAIT,
                    f"channel {delivery.channel} is not configured",
                    report,
                )
                continue
            if delivery.channel in disabled:
                self._finish(
                    delivery, now, "dead", None, f"endpoint disabled: {disabled[delivery.channel]}", report
                )
                continue
            quiet = rule.quiet_until(now) if rule else None
            if quiet is not None:
                self._defer(delivery, quiet, "quiet hours", report)
                continue
            if isinstance(channel, EmailChannel) and rule is not None and rule.digest != "none":
                digests[(delivery.channel, delivery.rule_id)].append(delivery)
                continue
            wait = self._rate_limited(rule, delivery.rule_id, now)
            if wait is not None:
                self._defer(delivery, wait, "rate limit", report)
                continue
            lease = self.settings.alerts_webhook_timeout_s if isinstance(channel, WebhookChannel) else None
            if not self._claim(delivery, now, lease):
                continue
            if isinstance(channel, WebhookChannel):
                if self._webhook(delivery, event, channel, report) == "gone":
                    disabled[delivery.channel] = "the endpoint answered 410 Gone"
            else:
                self._email([delivery], [event], channel, "none", report)
        for (channel_name, rule_id), group in digests.items():
            channel = self.rules.channels[channel_name]
            assert isinstance(channel, EmailChannel)
            rule = self.rules.rules[rule_id]
            claimed = [d for d in group if self._claim(d, now, None)]
            if claimed:
                self._email(claimed, [events[d.event_id] for d in claimed], channel, rule.digest, report)
        return report

    def _claim(self, delivery: stored.Delivery, now: datetime, timeout_s: float | None) -> bool:
        """Lease the delivery for twice its send timeout (another deliverer skips it meanwhile)."""
        lease = 2 * (timeout_s if timeout_s is not None else self.settings.alerts_smtp_timeout_s)
        return stored.claim(self.store, delivery, datetime.now(UTC) + timedelta(seconds=lease))

    def _defer(self, delivery: stored.Delivery, until: datetime, why: str, report: DeliveryRun) -> None:
        stored.record_attempt(
            self.store, delivery, outcome="deferred", at=datetime.now(UTC), next_attempt_at=until, error=why
        )
        report.deferred += 1

    def _finish(
        self,
        delivery: stored.Delivery,
        now: datetime,
        outcome: Literal["delivered", "dead"],
        status: int | None,
        error: str | None,
        report: DeliveryRun,
    ) -> None:
        if outcome == "delivered":
            stored.record_attempt(self.store, delivery, outcome="delivered", at=now, status=status)
            report.delivered += 1
            self._sent_this_hour[delivery.rule_id] = self._sent_this_hour.get(delivery.rule_id, 0) + 1
        elif outcome == "dead":
            stored.record_attempt(self.store, delivery, outcome="dead", at=now, status=status, error=error)
            report.dead += 1
            report.problems.append(f"{delivery.event_id} -> {delivery.channel}: dead letter ({error})")

    def _retry_or_die(
        self, delivery: stored.Delivery, answer: webhooks.Answer, now: datetime, report: DeliveryRun
    ) -> None:
        if delivery.attempts + 1 >= self.settings.alerts_max_attempts:
            self._finish(delivery, now, "dead", answer.status, answer.error, report)
            return
        when = webhooks.next_attempt(answer, delivery.attempts + 1, self.settings, now)
        stored.record_attempt(
            self.store,
            delivery,
            outcome="retry",
            at=now,
            next_attempt_at=when,
            status=answer.status,
            error=answer.error,
        )
        report.retried += 1
        report.problems.append(
            f"{delivery.event_id} -> {delivery.channel}: {answer.error}; retry at {when:%H:%M:%S}"
        )

    def _webhook(
        self,
        delivery: stored.Delivery,
        event: stored.AlertEvent,
        channel: WebhookChannel,
        report: DeliveryRun,
    ) -> str:
        """Attempt one webhook delivery; the answer's outcome."""
        body = webhook_body(event, self.settings)
        if self._client is None:
            self._client = webhooks.new_client(self.settings)
        answer = webhooks.post(channel.url, channel.secrets, event.id, body, self.settings, self._client)
        now = datetime.now(UTC)
        if answer.outcome == "delivered":
            self._finish(delivery, now, "delivered", answer.status, None, report)
        elif answer.outcome == "gone":
            with self.store.transaction():
                stored.set_endpoint(self.store, delivery.channel, disabled_at=now, reason=answer.error)
                self._finish(delivery, now, "dead", answer.status, answer.error, report)
        elif answer.outcome == "refused":
            self._finish(delivery, now, "dead", answer.status, answer.error, report)
        else:
            self._retry_or_die(delivery, answer, now, report)
        return answer.outcome

    def _email(
        self,
        group: list[stored.Delivery],
        events: list[stored.AlertEvent],
        channel: EmailChannel,
        digest: str,
        report: DeliveryRun,
    ) -> None:
        now = datetime.now(UTC)
        if not self.settings.alerts_smtp_host:
            log.warning("e-mail alerts wait: alerts_smtp_host is not set")
            for delivery in group:
                self._defer(delivery, now + _UNCONFIGURED_WAIT, "alerts_smtp_host is not set", report)
            return
        ordered = sorted(zip(events, group, strict=True), key=lambda pair: (pair[0].created_at, pair[0].id))
        message = mail.compose([e for e, _ in ordered], channel.to, self.settings, digest=digest)
        try:
            mail.send(message, self.settings)
        except (OSError, smtplib.SMTPException, ConfigError) as exc:
            answer = webhooks.Answer("retry", None, f"SMTP: {exc}")
            for delivery in group:
                self._retry_or_die(delivery, answer, now, report)
            return
        with self.store.transaction():
            for delivery in group:
                self._finish(delivery, now, "delivered", None, None, report)
