"""The alerts page (``/alerts``): the rules, each with its Atom feed, the last deliveries and the failures.

Open like the other pages (``web_read_token`` gates the JSON API only), so it shows what the rules
match and the channels' *names*, never a channel's target: webhook URLs, their secrets and e-mail
addresses stay in the rules file. A delivery's last error may quote a target (an SMTP refusal names
the address), so every error shown is scrubbed of the configured targets and of anything that looks
like a URL or an address. Rules come from ``alerts.outbox.load_rules`` and deliveries from
``store/alerts.py``, as for ``wirebrief alerts``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from wirebrief.alerts.outbox import load_rules
from wirebrief.alerts.rules import EmailChannel, Rule, WebhookChannel
from wirebrief.errors import ConfigError
from wirebrief.store import Store
from wirebrief.store import alerts as stored
from wirebrief.web.alerts_api import PREFIX as ALERTS_API
from wirebrief.web.pages import render
from wirebrief.web.state import WebState

DELIVERIES_SHOWN: Final = 50
FAILURES_SHOWN: Final = 50
_URL: Final = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_ADDRESS: Final = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
_HIDDEN: Final = "[hidden]"


@dataclass(frozen=True, slots=True)
class RuleView:
    id: str
    source: str  # "file" or "api"
    channels: tuple[str, ...]
    matches: tuple[str, ...]  # "countries: IQ, SY", "min_sources: 2", ...
    feed_url: str


@dataclass(frozen=True, slots=True)
class DeliveryView:
    event_id: str
    rule_id: str
    channel: str
    status: str
    attempts: int
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None  # only while pending
    answer: str  # the last HTTP status or the scrubbed last error
    story_id: str | None
    story_title: str | None


def _targets(channels: Iterable[WebhookChannel | EmailChannel]) -> list[str]:
    found: list[str] = []
    for channel in channels:
        if isinstance(channel, WebhookChannel):
            found += [channel.url, *channel.secrets]
        else:
            found += list(channel.to)
    return sorted({t for t in found if t}, key=len, reverse=True)  # longest first: no partial leftovers


def scrub(text: str, targets: Iterable[str]) -> str:
    """``text`` without the channels' targets, URLs or e-mail addresses."""
    for target in targets:
        text = text.replace(target, _HIDDEN)
    return _ADDRESS.sub(_HIDDEN, _URL.sub(_HIDDEN, text))


def _describe(rule: Rule) -> tuple[str, ...]:
    """What the rule matches and how it fires, from the fields it sets (defaults left out)."""
    parts: list[str] = []
    for name, value in rule.model_dump(
        mode="json", exclude={"id", "channels"}, exclude_defaults=True
    ).items():
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            shown = ", ".join(f"{k}={v}" for k, v in value.items())
        elif value is None:
            shown = "off"
        else:
            shown = str(value)
        parts.append(f"{name.replace('_', ' ')}: {shown}")
    return tuple(parts) or ("every story",)


def _delivery_views(store: Store, items: list[stored.Delivery], targets: list[str]) -> list[DeliveryView]:
    events = {e.id: e for e in stored.events(store, sorted({d.event_id for d in items}), limit=len(items))}
    views = []
    for d in items:
        event = events.get(d.event_id)
        if d.last_error:
            answer = scrub(d.last_error, targets)
        else:
            answer = "" if d.last_status is None else str(d.last_status)
        views.append(
            DeliveryView(
                event_id=d.event_id,
                rule_id=d.rule_id,
                channel=d.channel,
                status=d.status,
                attempts=d.attempts,
                last_attempt_at=d.last_attempt_at,
                next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
                answer=answer,
                story_id=event.story_id if event else None,
                story_title=(event.title or event.story_id) if event else None,
            )
        )
    return views


def alerts_pages_router(state: WebState) -> APIRouter:
    settings = state.settings
    router = APIRouter(include_in_schema=False)

    @router.get("/alerts", response_class=HTMLResponse)
    def alerts_page(request: Request) -> HTMLResponse:
        store = state.store
        rules_unreadable = False
        rules: list[RuleView] = []
        targets: list[str] = []
        try:
            rule_set = load_rules(settings, store)
        except ConfigError:
            # Not the problem itself: a YAML error quotes the offending line, which may hold a secret.
            rules_unreadable = True
        else:
            from_api = set(stored.stored_rules(store))
            targets = _targets(rule_set.channels.values())
            rules = [
                RuleView(
                    id=rule.id,
                    source="api" if rule.id in from_api else "file",
                    channels=rule.channels,
                    matches=_describe(rule),
                    feed_url=f"{ALERTS_API}/rules/{rule.id}/feed.atom",
                )
                for rule in sorted(rule_set.rules.values(), key=lambda r: r.id)
            ]
        last = stored.deliveries(store, limit=DELIVERIES_SHOWN)
        # Failures: the dead letters and the deliveries still retrying after an error.
        failed = [d for d in stored.deliveries(store, limit=500) if d.status == "dead" or d.last_error]
        disabled = stored.disabled_endpoints(store)
        return render(
            request,
            "alerts.html",
            rules=rules,
            rules_unreadable=rules_unreadable,
            rules_file=settings.resolved_alerts_rules_file is not None,
            deliveries=_delivery_views(store, last, targets),
            failures=_delivery_views(store, failed[:FAILURES_SHOWN], targets),
            disabled={name: scrub(reason, targets) for name, reason in sorted(disabled.items())},
        )

    return router
